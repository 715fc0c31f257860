"""Trained French clause classifier (spaCy ``textcat_multilabel`` over the library's themes).

The model only ever produces evidence candidates (detector ``classifier``); the assessment function
decides how far to trust them (never ``present`` on its own). See models/README.md.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "clause_textcat"
# Used by default only when the leave-one-document-out evaluation shows a gain (models/README.md).
ENABLED_BY_DEFAULT = False
# One label per theme of the clause library (obligation ids have too few examples each).
THEMES: tuple[str, ...] = tuple("ABCDEFGHIJKLMNOPQR")


def model_available(model_dir: Path = DEFAULT_MODEL_DIR) -> bool:
    return (model_dir / "meta.json").is_file() and (model_dir / "config.cfg").is_file()
