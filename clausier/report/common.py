"""Helpers shared by the exports: reviewed verdicts, French labels, figures, sources, safe text.

Every export reads verdicts through :func:`status_of` (the reviewer's status when there is one)
and shows overrides through :func:`override_of`; the engine's own verdict stays in the Finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from clausier.engine.results import Evidence, FigureCheck, Finding, Report
from clausier.library.loader import Library
from clausier.library.schema import Obligation, Source
from clausier.review.apply import is_overridden, reviewed_status

STATUS_FR = {"present": "Présent", "weak": "Faible", "missing": "Absent", "not_applicable": "Non applicable"}
SEVERITY_FR = {"critical": "critique", "major": "majeure", "minor": "mineure"}
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}
STATUS_ORDER = {"missing": 0, "weak": 1, "present": 2, "not_applicable": 3}

_SOURCE_FR = {
    "csp": "CSP",
    "rgpd": "RGPD",
    "clausier": "Clausier RSSI Santé",
    "hds": "Référentiel HDS",
    "pgssi_s": "PGSSI-S",
    "ans_memento": "Mémento ANS",
    "care": "CaRE",
    "anssi": "ANSSI",
    "secnumcloud": "SecNumCloud",
    "ccag_tic": "CCAG-TIC",
    "cnil": "CNIL",
    "other": "",
}
_UNIT_FR = {"hours": " h", "days": " j", "per_year": " /an", "percent": " %", "zone": "", "certification": ""}
_ZONE_FR = {
    "FR": "France",
    "EU": "UE",
    "EEA": "EEE",
    "NON_EU": "hors UE",
    "US": "États-Unis",
    "UK": "Royaume-Uni",
    "CH": "Suisse",
    "IN": "Inde",
    "CN": "Chine",
    "CA": "Canada",
    "MA": "Maroc",
    "TN": "Tunisie",
}
_COMPARISON_FR = {"max": "≤", "min": "≥", "within": "dans", "includes": "incluant"}

# Characters XML 1.0 refuses (python-docx / openpyxl raise on them).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Leading characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ------------------------------------------------------------------------------------ verdicts
def status_of(report: Report, finding: Finding) -> str:
    """The verdict to show: the reviewer's when there is one, else the engine's."""
    return reviewed_status(report, finding)


def override_of(report: Report, finding: Finding) -> dict[str, Any] | None:
    """The reviewer's decision when it changes the engine verdict or carries a comment."""
    override = report.overrides.get(finding.obligation_id)
    if override and (is_overridden(report, finding) or override.get("comment")):
        return override
    return None


def red_flag_of(report: Report, finding: Finding) -> bool:
    """A red flag stands unless a reviewer has judged the obligation present or not applicable."""
    override = report.overrides.get(finding.obligation_id)
    return finding.red_flag and (override is None or override["status"] in ("weak", "missing"))


def flagged(report: Report, finding: Finding) -> bool:
    status = status_of(report, finding)
    return status in ("weak", "missing") or (status != "not_applicable" and red_flag_of(report, finding))


def applicable(report: Report) -> list[Finding]:
    return [f for f in report.findings if status_of(report, f) != "not_applicable"]


def ordered(report: Report) -> list[Finding]:
    """Most serious first: missing, then weak, red flags first, by severity."""
    return sorted(
        applicable(report),
        key=lambda f: (
            STATUS_ORDER[status_of(report, f)],
            not red_flag_of(report, f),
            SEVERITY_ORDER[f.severity],
            f.obligation_id,
        ),
    )


def by_theme(
    report: Report, library: Library, findings: list[Finding] | None = None
) -> list[tuple[str, str, list[Finding]]]:
    """(theme letter, theme title, findings) in library order, empty themes left out."""
    items = applicable(report) if findings is None else findings
    groups: dict[str, list[Finding]] = {}
    for f in items:
        groups.setdefault(f.theme, []).append(f)
    order = list(library.themes)
    themes = sorted(groups, key=lambda t: order.index(t) if t in order else len(order))
    return [(t, library.theme_title(t), groups[t]) for t in themes]


@dataclass(frozen=True)
class ThemeCount:
    letter: str
    title: str
    present: int
    weak: int
    missing: int
    red_flags: int
    applicable: int  # obligations of the theme in the report (never 0: empty themes are left out)


def theme_counts(report: Report, library: Library) -> list[ThemeCount]:
    """Reviewed verdicts counted per theme (the 'Verdicts par thème' table of every report)."""
    out = []
    for letter, title, items in by_theme(report, library):
        st = [status_of(report, f) for f in items]
        out.append(ThemeCount(letter, title, st.count("present"), st.count("weak"), st.count("missing"),
                              sum(1 for f in items if red_flag_of(report, f)), len(items)))
    return out


@dataclass(frozen=True)
class Summary:
    applicable: int
    present: int
    weak: int
    missing: int
    red_flags: int
    overridden: int
    critical_gaps: tuple[str, ...]

    @property
    def coverage(self) -> float | None:
        return self.present / self.applicable if self.applicable else None


def summary(report: Report) -> Summary:
    """Counts on the reviewed verdicts (Report.summary() counts the engine's)."""
    items = applicable(report)
    statuses = [status_of(report, f) for f in items]
    return Summary(
        applicable=len(items),
        present=statuses.count("present"),
        weak=statuses.count("weak"),
        missing=statuses.count("missing"),
        red_flags=sum(1 for f in items if red_flag_of(report, f)),
        overridden=sum(1 for f in report.findings if is_overridden(report, f)),
        critical_gaps=tuple(
            f.obligation_id for f, s in zip(items, statuses) if f.severity == "critical" and s == "missing"
        ),
    )


def summary_sentence(s: Summary) -> str:
    cov = f" ; couverture {s.coverage:.0%}".replace("%", " %") if s.coverage is not None else ""
    return (
        f"{s.applicable} obligations applicables : {s.present} présentes, {s.weak} faibles, "
        f"{s.missing} absentes ; {s.red_flags} point(s) d'alerte{cov}."
    )


def override_line(override: dict[str, Any], finding: Finding) -> str:
    """'Revu par X le 12/03/2025 : Présent (moteur : Faible) — commentaire'."""
    who = override.get("reviewer") or "relecteur non nommé"
    when = format_datetime(override.get("decided_at"))
    text = f"Revu par {who}" + (f" le {when}" if when else "")
    text += f" : {STATUS_FR[override['status']]} (moteur : {STATUS_FR[finding.status]})"
    if override.get("comment"):
        text += f" — {override['comment']}"
    return text


# ------------------------------------------------------------------------------------ texts
def format_value(value: float | str | list[str] | None, unit: str) -> str:
    if value is None:
        return "non chiffré"
    if isinstance(value, list):
        return ", ".join(_ZONE_FR.get(v, v) for v in value) or "—"
    if isinstance(value, (int, float)):
        if unit == "hours" and value >= 1440 and value % 720 == 0:  # 60 days and more: months
            return f"{value / 720:g} mois ({value / 24:g} j)"
        if unit == "hours" and value >= 48 and value % 24 == 0:
            return f"{value / 24:g} j ({value:g} h)"
        return f"{value:g}{_UNIT_FR.get(unit, '')}"
    return _ZONE_FR.get(str(value), str(value))


def threshold_text(c: FigureCheck) -> str:
    return f"{_COMPARISON_FR.get(c.comparison, c.comparison)} {format_value(c.threshold, c.unit)}"


def figure_verdict(c: FigureCheck) -> str:
    return {True: "conforme", False: "hors seuil", None: "non trouvé"}[c.ok]


def figure_line(c: FigureCheck) -> str:
    """'Délai de notification : 72 h ; seuil ≤ 48 h (hors seuil)'."""
    return f"{c.label} : {format_value(c.found, c.unit)} ; seuil {threshold_text(c)} ({figure_verdict(c)})"


def source_label(src: Source) -> str:
    prefix = _SOURCE_FR.get(src.kind.value, src.kind.value)
    return f"{prefix} {src.ref}".strip()


def sources_text(ob: Obligation) -> str:
    return " ; ".join(source_label(s) for s in ob.sources)


def where(e: Evidence) -> str:
    """'p. 3, Article 8 > 8.2' (page only for paginated documents)."""
    return (f"p. {e.page}, " if e.page else "") + e.article


def distinct_evidence(finding: Finding, limit: int = 3) -> list[Evidence]:
    """The best evidence, one per sentence (several rules often fire on the same sentence)."""
    seen: set[tuple[int, int]] = set()
    out: list[Evidence] = []
    for e in finding.evidence:
        if (e.start, e.end) not in seen:
            seen.add((e.start, e.end))
            out.append(e)
    return out[:limit] if limit else out


def key_reasons(finding: Finding, limit: int = 3) -> list[str]:
    """What is missing or wrong (figure reasons left out: see :func:`figure_line`); else what was found."""
    labels = tuple(fc.label for fc in finding.figures)
    reasons = [r for r in finding.reasons if not (labels and r.startswith(labels))]
    gaps = [r for r in reasons if not r.startswith("Élément trouvé")]
    return (gaps or reasons)[:limit]


def comment_text(report: Report, library: Library, finding: Finding) -> str:
    """The text of a Word comment: verdict, why, figures vs thresholds, sources, one item per line.

    e.g. 'Faible — G1 Notification des violations de données au client (sévérité critique) /
    Élément formulé sans engagement ferme : délai chiffré / Délai de notification : non chiffré ;
    seuil ≤ 72 h (non trouvé) / Clause type proposée : voir l'annexe / Sources : RGPD art. 33.2 ; ...'.
    """
    ob = library.get(finding.obligation_id)
    status = status_of(report, finding)
    lines = [
        f"{STATUS_FR[status]} — {finding.obligation_id} {finding.title} "
        f"(sévérité {SEVERITY_FR[finding.severity]})"
    ]
    override = override_of(report, finding)
    if override:
        lines.append(override_line(override, finding))
    if status != "present":
        lines += key_reasons(finding)
    lines += [figure_line(fc) for fc in sorted(finding.figures, key=lambda fc: fc.ok is True)]
    if red_flag_of(report, finding):
        lines += [f"Alerte : {m}" for m in dict.fromkeys(rf.message for rf in finding.red_flags)][:2]
    if status in ("weak", "missing"):
        lines.append("Clause type proposée : voir l'annexe clausier en fin de document.")
    lines.append(f"Sources : {sources_text(ob)}")
    return "\n".join(xml_safe(line) for line in lines)


# ------------------------------------------------------------------------------------ safety
def xml_safe(text: str) -> str:
    """Drop the control characters XML cannot hold (Word and Excel files are XML)."""
    return _XML_INVALID.sub("", text)


def cell_text(value: str) -> str:
    """A spreadsheet cell that can never run as a formula: a leading apostrophe when needed."""
    value = xml_safe(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def one_line(text: str, limit: int | None = None) -> str:
    flat = " ".join(text.split())
    if limit and len(flat) > limit:
        return flat[: limit - 1].rstrip() + "…"
    return flat


# ------------------------------------------------------------------------------------ dates
def format_datetime(value: str | None) -> str:
    """ISO timestamp -> '12/03/2025 14:05 UTC' (the input unchanged when unparsable)."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return value
    zone = " UTC" if dt.utcoffset() is not None and not dt.utcoffset() else ""
    return f"{dt:%d/%m/%Y %H:%M}{zone}"


def today() -> str:
    return f"{date.today():%d/%m/%Y}"


def document_facts(report: Report) -> list[tuple[str, str]]:
    """(label, value) pairs describing the analysis, shown at the top of every report."""
    doc, prof, tool = report.document, report.profile, report.tool
    facts = [
        ("Document", str(doc.get("name", ""))),
        (
            "Format",
            str(doc.get("format", "")).upper() + (f", {doc['pages']} pages" if doc.get("pages") else ""),
        ),
        ("Empreinte SHA-256", str(doc.get("sha256", ""))),
        ("Profil acheteur", str(prof.get("label", prof.get("id", "")))),
    ]
    if prof.get("supplier_type"):
        facts.append(("Type de fournisseur", str(prof["supplier_type"])))
    facts += [
        ("Analyse", format_datetime(tool.get("analysed_at"))),
        ("Bibliothèque", library_line(tool)),
    ]
    if tool.get("library_references"):
        facts.append(("Référentiels", " ; ".join(tool["library_references"])))
    facts.append(("Export", today()))
    return facts


def library_line(tool: dict) -> str:
    """'version 2026.2 (empreinte 1a2b…, clausier 0.1.0)': which library edition a review used."""
    digest = tool.get("library_digest")
    extra = f"empreinte {digest}, " if digest and digest != tool.get("library_version") else ""
    return f"version {tool.get('library_version', '?')} ({extra}clausier {tool.get('version', '?')})"
