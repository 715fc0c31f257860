"""Version and change log of the clause library (``clause_library/library.yaml``).

The library carries its own version number, distinct from the program's: a review report names
the library version it used and the editions of the sector references behind it, so that a buyer
can say, months later, against which texts (clausier v2024, ReCyF v2.5, HDS v2...) a contract
was checked. The content digest (``Library.version``) changes with any edit of the YAML files;
the release number changes when the team publishes a new edition, with a change-log entry.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clausier.errors import LibraryError

LIBRARY_FILE = "library.yaml"

Text = Annotated[str, Field(min_length=1, pattern=r"\S")]
ReleaseNumber = Annotated[str, Field(pattern=r"^\d{4}\.\d+$", description="'2026.1': year and edition")]
_ID = re.compile(r"^[A-R][0-9]{1,2}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReferenceEdition(_Strict):
    """One sector reference and the edition the library follows."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: Text
    edition: Text = Field(description="Edition or date of the text followed, e.g. 'v2.5 (17/03/2026)'.")


class Change(_Strict):
    version: ReleaseNumber
    date: dt.date
    summary: Text
    added: list[str] = Field(default_factory=list, description="Obligation ids added.")
    changed: list[str] = Field(default_factory=list, description="Obligation ids changed.")
    details: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids(self) -> Change:
        bad = [i for i in (*self.added, *self.changed) if not _ID.match(i)]
        if bad:
            raise ValueError(f"identifiants d'obligation mal formés : {', '.join(bad)}")
        return self


class LibraryInfo(_Strict):
    """``clause_library/library.yaml``: the current release, its references and the change log."""

    schema_version: Literal[1]
    version: ReleaseNumber
    date: dt.date
    references: list[ReferenceEdition] = Field(min_length=1)
    changes: list[Change] = Field(min_length=1, description="Newest first; the first is the current version.")

    @model_validator(mode="after")
    def _log_matches(self) -> LibraryInfo:
        if self.changes[0].version != self.version or self.changes[0].date != self.date:
            raise ValueError(
                f"la première entrée du journal des modifications ({self.changes[0].version}, "
                f"{self.changes[0].date}) doit être la version courante ({self.version}, {self.date})"
            )
        versions = [c.version for c in self.changes]
        if len(set(versions)) != len(versions):
            raise ValueError("version en double dans le journal des modifications")
        keys = [tuple(int(p) for p in v.split(".")) for v in versions]
        if keys != sorted(keys, reverse=True):
            raise ValueError("le journal des modifications doit aller de la plus récente à la plus ancienne version")
        ids = [r.id for r in self.references]
        if len(set(ids)) != len(ids):
            raise ValueError("référentiel en double dans « references »")
        return self

    def references_line(self) -> str:
        """'Clausier … : v2024 ; ReCyF … : v2.5 (17/03/2026) ; …' — for the reports."""
        return " ; ".join(f"{r.title} : {r.edition}" for r in self.references)


def load_library_info(directory: str | Path, raw: Any) -> LibraryInfo:
    """Validate the parsed YAML of ``library.yaml`` (LibraryError naming the field if invalid)."""
    try:
        return LibraryInfo.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(racine)"
            lines.append(f"{LIBRARY_FILE} : champ {where} : {err['msg']}")
        raise LibraryError("\n".join(lines), code="L030") from None
