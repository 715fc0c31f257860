"""Error hierarchy. Every error carries a stable code and a French message for the user."""

from __future__ import annotations


class ClausierError(Exception):
    """Base class. ``code`` is stable (documented in README); ``message`` is French."""

    code = "C000"
    exit_code = 2

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class LibraryError(ClausierError):
    """The clause library (YAML) is invalid."""

    code = "L001"


class InputDocumentError(ClausierError):
    """A contract file cannot be read (corrupt, encrypted, empty, too large, wrong type...)."""

    code = "D001"


class ModelError(ClausierError):
    """The spaCy pipeline or the trained classifier cannot be loaded."""

    code = "M001"


class UsageError(ClausierError):
    """Bad command-line usage (unknown profile, bad option...)."""

    code = "U001"
