"""Coverage of the sector references by the clause library.

``clause_library/references.yaml`` lists the reference points the library is expected to cover:
every control point of the Club RSSI Santé clausier v2024, every clause 1° to 14° of article
R.1111-11 of the code de la santé publique, every point a) to h) of GDPR art. 28(3), and, for
NIS2, the contract-relevant measures of ANSSI's ReCyF v2.5 and points 5.1.4 a) to h) and 5.1.7
of the annex of Implementing Regulation (EU) 2024/2690 (sources of kind ``nis2``). A point
is *covered* when at least one obligation cites it in its ``sources`` (same kind, same reference
once normalised); a point covered by no obligation on purpose carries an ``out_of_scope`` reason.

:func:`render_coverage` produces the Markdown table committed as ``clause_library/COVERAGE.md``
(``clausier library coverage -o clause_library/COVERAGE.md``). It also lists the ``sources``
references that fall within one of these frameworks but match no listed point (typos such as
``O-2.13`` for ``O-12.3``), and the general citations (``art. 28.3`` without a letter) that cover
no point.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clausier.errors import LibraryError
from clausier.library.loader import Library, _read_yaml, describe_errors
from clausier.library.schema import SourceKind

REFERENCES_FILE = "references.yaml"
COVERAGE_FILE = "COVERAGE.md"

Text = Annotated[str, Field(min_length=1, pattern=r"\S")]


class Framework(str, Enum):
    clausier_v2024 = "clausier_v2024"
    csp_r1111_11 = "csp_r1111_11"
    rgpd_28_3 = "rgpd_28_3"
    recyf_v2_5 = "recyf_v2_5"
    cir_2024_2690 = "cir_2024_2690"


@dataclass(frozen=True)
class FrameworkInfo:
    """How a framework's points are cited in the obligations' ``sources``.

    ``namespace`` and ``point`` are matched on normalised references (:func:`normalise_ref`):
    a source of kind ``kind`` whose reference matches ``namespace`` belongs to the framework; it
    should then name a listed point. One that has the shape of a point (``point``) but names none
    is reported as unknown; one without that shape (the article as a whole) as a general citation.
    """

    kind: SourceKind
    title: str
    example: str
    namespace: re.Pattern[str]
    point: re.Pattern[str]


FRAMEWORKS: dict[Framework, FrameworkInfo] = {
    Framework.clausier_v2024: FrameworkInfo(
        kind=SourceKind.clausier,
        title="Clausier de sécurité numérique v2024 (Club RSSI Santé) — points de contrôle",
        example="O-2.3",
        namespace=re.compile(r""),
        point=re.compile(r"^o-\d+(\.\d+)+$"),
    ),
    Framework.csp_r1111_11: FrameworkInfo(
        kind=SourceKind.csp,
        title="Code de la santé publique, article R.1111-11 — clauses 1° à 14° du contrat d'hébergement",
        example="R.1111-11 7°",
        namespace=re.compile(r"^r\.1111-11(?![\d-])"),
        point=re.compile(r"^r\.1111-11 \d+°$"),
    ),
    Framework.rgpd_28_3: FrameworkInfo(
        kind=SourceKind.rgpd,
        title="RGPD, article 28, paragraphe 3 — points a) à h)",
        example="art. 28.3.a",
        namespace=re.compile(r"^art\.28\.3(?![\d])"),
        point=re.compile(r"^art\.28\.3\.[a-z]$"),
    ),
    Framework.recyf_v2_5: FrameworkInfo(
        kind=SourceKind.nis2,
        title="ReCyF v2.5 (ANSSI, NIS2, 17/03/2026) — mesures touchant les contrats de prestataires",
        example="ReCyF 3.B.1",
        namespace=re.compile(r"^recyf\b"),
        point=re.compile(r"^recyf \d+(\.[a-z])?\.\d+$"),
    ),
    Framework.cir_2024_2690: FrameworkInfo(
        kind=SourceKind.nis2,
        title="Règlement d'exécution (UE) 2024/2690, annexe 5.1.4 a) à h) et 5.1.7 — sécurité de la chaîne d'approvisionnement",
        example="CIR 2024/2690 annexe 5.1.4.a",
        namespace=re.compile(r"^cir 2024/2690\b"),
        point=re.compile(r"^cir 2024/2690 annexe \d+(\.\d+)+(\.[a-z])?$"),
    ),
}

_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})


def normalise_ref(ref: str) -> str:
    """Canonical form of a reference, tolerant of case, spacing and common spellings.

    ``O-2.3``, ``o - 2.3`` and ``O2.3`` give ``o-2.3``; ``R.1111-11 7°``, ``R1111-11 7 °`` and
    ``r. 1111-11 7º`` give ``r.1111-11 7°``; ``art. 28.3.a``, ``Article 28(3)(a)`` and
    ``art.28.3.a`` give ``art.28.3.a``. ``art. 28.3`` stays distinct from ``art. 28.3.a``.
    """
    s = ref.replace("\u00ba", "\u00b0")  # masculine ordinal (NFKC would turn it into "o")
    s = unicodedata.normalize("NFKC", s).translate(_DASHES).casefold().strip()
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"^(?:article|art)\b\.?\s*(?=\d)", "art.", s)
    s = re.sub(r"\s*\((\d+|[a-z])\)", r".\1", s)  # 28(3)(a) -> 28.3.a
    s = re.sub(r"\s*([.\-°])\s*", r"\1", s)
    s = re.sub(r"^r\.?(?=\d)", "r.", s)
    s = re.sub(r"^o-?(?=\d)", "o-", s)
    s = re.sub(r"\.{2,}", ".", s)
    return s.rstrip(".")


class ReferencePoint(BaseModel):
    """One control point of a sector reference."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: Framework
    id: Text = Field(description="Spelled as in the obligations' sources: 'O-2.3', 'R.1111-11 7°', 'art. 28.3.a'.")
    title: Text = Field(description="Short French title written by the team.")
    out_of_scope: Text | None = Field(
        default=None, description="French reason why no obligation covers this point on purpose."
    )

    @model_validator(mode="after")
    def _id_shape(self) -> ReferencePoint:
        info = FRAMEWORKS[self.framework]
        if not info.point.match(normalise_ref(self.id)):
            raise ValueError(
                f"identifiant « {self.id} » mal formé pour {self.framework.value} (forme attendue : « {info.example} »)"
            )
        return self

    @property
    def key(self) -> tuple[str, str]:
        return FRAMEWORKS[self.framework].kind.value, normalise_ref(self.id)


class ReferencesFile(BaseModel):
    """``clause_library/references.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    points: list[ReferencePoint] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ReferencesFile:
        seen: set[tuple[str, str]] = set()
        dupes: list[str] = []
        for point in self.points:
            if point.key in seen:
                dupes.append(point.id)
            seen.add(point.key)
        if dupes:
            raise ValueError(f"points en double : {', '.join(dupes)}")
        return self


def load_references(library_dir: str | Path) -> ReferencesFile:
    """Load and validate ``references.yaml`` of a library directory (LibraryError if invalid)."""
    path = Path(library_dir) / REFERENCES_FILE
    if not path.is_file():
        raise LibraryError(f"fichier manquant : {REFERENCES_FILE} (dans {Path(library_dir)})", code="L020")
    raw = _read_yaml(path)
    try:
        return ReferencesFile.model_validate(raw)
    except ValidationError as exc:
        raise LibraryError(describe_errors(exc, path, raw, "points", "point"), code="L021") from None


@dataclass(frozen=True)
class CoverageRow:
    point: ReferencePoint
    obligations: tuple[str, ...]

    @property
    def status(self) -> Literal["covered", "out_of_scope", "uncovered"]:
        if self.obligations:
            return "covered"
        return "out_of_scope" if self.point.out_of_scope else "uncovered"

    @property
    def conflict(self) -> bool:
        """Declared out of scope although an obligation cites it: one of the two is wrong."""
        return bool(self.obligations) and self.point.out_of_scope is not None


@dataclass(frozen=True)
class UnmatchedRef:
    """A ``sources`` reference within a framework that names no listed point."""

    framework: Framework
    ref: str
    obligations: tuple[str, ...]
    general: bool  # True: cites the article as a whole (covers no point); False: unknown point


def _points(references: ReferencesFile | Iterable[ReferencePoint]) -> list[ReferencePoint]:
    return list(references.points if isinstance(references, ReferencesFile) else references)


def _citations(library: Library) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(kind, normalised ref) -> {ref as written: [obligation ids]} in canonical order."""
    index: dict[tuple[str, str], dict[str, list[str]]] = {}
    for ob in library.obligations.values():
        for source in ob.sources:
            spelled = index.setdefault((source.kind.value, normalise_ref(source.ref)), {})
            ids = spelled.setdefault(source.ref, [])
            if ob.id not in ids:
                ids.append(ob.id)
    return index


def _ids(spelled: dict[str, list[str]]) -> tuple[str, ...]:
    out: list[str] = []
    for ids in spelled.values():
        out.extend(i for i in ids if i not in out)
    return tuple(out)


def coverage_rows(library: Library, references: ReferencesFile | Iterable[ReferencePoint]) -> list[CoverageRow]:
    """For each reference point (file order), the obligations whose sources cite it."""
    index = _citations(library)
    order = {ob_id: n for n, ob_id in enumerate(library.obligations)}
    rows = []
    for point in _points(references):
        ids = _ids(index.get(point.key, {}))
        rows.append(CoverageRow(point, tuple(sorted(ids, key=lambda i: order.get(i, len(order))))))
    return rows


def unmatched_refs(library: Library, references: ReferencesFile | Iterable[ReferencePoint]) -> list[UnmatchedRef]:
    """Sources references within a framework (clausier, R.1111-11, art. 28(3)) naming no listed point."""
    known = {p.key for p in _points(references)}
    out: list[UnmatchedRef] = []
    for (kind, norm), spelled in _citations(library).items():
        if (kind, norm) in known:
            continue
        for framework, info in FRAMEWORKS.items():
            if info.kind.value == kind and info.namespace.search(norm):
                for ref, ids in spelled.items():
                    out.append(UnmatchedRef(framework, ref, tuple(ids), general=not info.point.match(norm)))
                break
    return sorted(out, key=lambda u: (list(FRAMEWORKS).index(u.framework), u.general, normalise_ref(u.ref)))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def render_coverage(library: Library, references: ReferencesFile | None = None) -> str:
    """The Markdown coverage table (content of ``clause_library/COVERAGE.md``)."""
    refs = references if references is not None else load_references(library.directory)
    rows = coverage_rows(library, refs)
    unmatched = unmatched_refs(library, refs)

    def count(framework: Framework | None, status: str) -> int:
        return sum(1 for r in rows if r.status == status and (framework is None or r.point.framework == framework))

    total = len(rows)
    covered, oos, uncovered = count(None, "covered"), count(None, "out_of_scope"), count(None, "uncovered")
    conflicts = [r for r in rows if r.conflict]
    unknown = [u for u in unmatched if not u.general]

    out: list[str] = [
        "# Couverture des référentiels par la bibliothèque de clauses",
        "",
        "<!-- Fichier généré : ne pas modifier à la main. Régénérer avec",
        "     clausier library coverage -o clause_library/COVERAGE.md -->",
        "",
        f"Points de contrôle : `{REFERENCES_FILE}`. Obligations : les `sources` des "
        f"{len(library.obligations)} obligations des fichiers de thème. Un point est couvert lorsqu'au moins "
        "une obligation le cite dans ses sources ; un point qu'aucune obligation ne couvre volontairement "
        "indique pourquoi il est hors périmètre.",
        "",
        f"**Synthèse : {total} points — {covered} couverts, {oos} hors périmètre, {uncovered} non couverts"
        f" ; {len(unknown)} référence(s) de sources inconnue(s).**",
        "",
        "| Référentiel | Points | Couverts | Hors périmètre | Non couverts |",
        "|---|---:|---:|---:|---:|",
    ]
    for framework, info in FRAMEWORKS.items():
        n = sum(1 for r in rows if r.point.framework == framework)
        out.append(
            f"| {_cell(info.title)} | {n} | {count(framework, 'covered')} | "
            f"{count(framework, 'out_of_scope')} | {count(framework, 'uncovered')} |"
        )
    for framework, info in FRAMEWORKS.items():
        out += ["", f"## {info.title}", "", "| Point | Intitulé | Obligations |", "|---|---|---|"]
        for row in (r for r in rows if r.point.framework == framework):
            if row.conflict:
                cell = f"{', '.join(row.obligations)} — ⚠ pourtant déclaré hors périmètre : {row.point.out_of_scope}"
            elif row.obligations:
                cell = ", ".join(row.obligations)
            elif row.point.out_of_scope:
                cell = f"hors périmètre : {row.point.out_of_scope}"
            else:
                cell = "**NON COUVERT**"
            out.append(f"| {_cell(row.point.id)} | {_cell(row.point.title)} | {_cell(cell)} |")

    out += ["", "## Références des sources absentes de la liste des points", ""]
    if conflicts:
        out.append("Points déclarés hors périmètre mais cités par une obligation (retirer l'un ou l'autre) :")
        out.append("")
        out += [f"- `{r.point.id}` — {', '.join(r.obligations)}" for r in conflicts]
        out.append("")
    out.append(
        "Références qui ont la forme d'un point mais n'en désignent aucun (coquille probable, ou point à "
        f"ajouter à `{REFERENCES_FILE}`) :"
    )
    out.append("")
    out += [f"- `{u.ref}` ({FRAMEWORKS[u.framework].kind.value}) — cité par {', '.join(u.obligations)}"
            for u in unknown] or ["- aucune"]
    general = [u for u in unmatched if u.general]
    out += ["", "Citations de l'article dans son ensemble, sans point précis (elles ne couvrent aucun point) :", ""]
    out += [f"- `{u.ref}` ({FRAMEWORKS[u.framework].kind.value}) — cité par {', '.join(u.obligations)}"
            for u in general] or ["- aucune"]
    return "\n".join(out) + "\n"
