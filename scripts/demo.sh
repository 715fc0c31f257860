#!/usr/bin/env bash
# Install clausier in .venv and analyse the bundled sample contract (examples/contrat_exemple.pdf).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
clausier check examples/contrat_exemple.pdf --profile liberal --supplier-type SAAS --format text || [ $? = 1 ]
