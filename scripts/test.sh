#!/usr/bin/env bash
# Install clausier with its test extras in .venv (plus optional system tools) and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh test
# Optional system packages: OCR (tesseract, French) for scanned-PDF tests. Tests needing them skip
# cleanly when they cannot be installed.
command -v tesseract >/dev/null || apt_install tesseract-ocr tesseract-ocr-fra || echo "(tesseract non installé : tests OCR ignorés)" >&2
# Browser test of the UI (tests/test_ui_browser.py): Debian's chromium, driven by the playwright
# package; skipped cleanly when chromium cannot be installed. Never `playwright install`.
[ -x /usr/bin/chromium ] || apt_install chromium || echo "(chromium non installé : test navigateur ignoré)" >&2
exec .venv/bin/python -m pytest "$@"
