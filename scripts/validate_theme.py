"""Validate one or more theme YAML files against the schema (developer helper).

Usage: python scripts/validate_theme.py clause_library/A_hebergement_hds.yaml [...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from clausier.errors import LibraryError
from clausier.library.loader import _validate
from clausier.library.schema import ThemeFile


def main(paths: list[str]) -> int:
    status = 0
    for name in paths:
        try:
            theme = _validate(ThemeFile, Path(name))
        except LibraryError as exc:
            print(exc)
            status = 1
            continue
        print(f"{name}: OK ({len(theme.obligations)} obligations: {', '.join(o.id for o in theme.obligations)})")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
