"""Pure helpers of the review UI (no Streamlit import): summaries, checklist rows, highlighting,
figure formatting and the tender comparison. Everything here is unit-tested in tests/test_ui_app.py."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from clausier.engine.results import Evidence, FigureCheck, Finding, Report
from clausier.report import common
from clausier.library.loader import Library
from clausier.review.apply import is_overridden, reviewed_status, reviewed_summary
from clausier.types import BBox, Document

STATUS_FR = {"present": "Présent", "weak": "Faible", "missing": "Absent", "not_applicable": "Non applicable"}
STATUS_ICON = {"present": "●", "weak": "◐", "missing": "○", "not_applicable": "–"}  # plain glyphs, no emoji font needed
STATUS_COLOR = {"present": "#1e7b34", "weak": "#b35c00", "missing": "#b3261e", "not_applicable": "#6b7280"}
STATUS_BG = {"present": "#dcf3e2", "weak": "#fdebd3", "missing": "#fbdcda", "not_applicable": "#eceef1"}
SEVERITY_FR = {"critical": "Critique", "major": "Majeure", "minor": "Mineure"}
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}
STATUS_ORDER = {"missing": 0, "weak": 1, "present": 2, "not_applicable": 3}
ROLE_FR = {"requirement": "Engagement du fournisseur", "topic": "Passage sur le sujet", "red_flag": "Point d'alerte"}
SOURCE_FR = {"csp": "Code de la santé publique", "rgpd": "RGPD", "clausier": "Clausier Club RSSI Santé",
             "hds": "Référentiel HDS", "pgssi_s": "PGSSI-S", "ans_memento": "Mémento ANS", "care": "Programme CaRE",
             "anssi": "ANSSI", "secnumcloud": "SecNumCloud", "ccag_tic": "CCAG-TIC", "cnil": "CNIL", "other": "Autre"}
UPLOAD_TYPES = ("pdf", "docx", "txt", "md")  # read by clausier; anything else is accepted and refused in French
TAB_SUMMARY, TAB_CHECK, TAB_EXPORT = "Synthèse", "Vérification clause par clause", "Exporter"  # review page tabs


# ---------------------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Upload:
    """One contract to analyse, in memory only (never written to disk)."""

    name: str
    data: bytes
    sha256: str

    @classmethod
    def of(cls, name: str, data: bytes) -> Upload:
        return cls(name, data, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Analysis:
    """The outcome of one contract: a report (and its Document for highlighting) or a French error."""

    name: str
    sha256: str
    report: Report | None = None
    document: Document | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None


def dedupe(uploads: Iterable[Upload]) -> list[Upload]:
    """Drop the same file uploaded twice (same content and same name)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for u in uploads:
        if (u.sha256, u.name) not in seen:
            seen.add((u.sha256, u.name))
            out.append(u)
    return out


def supplier_choices(library: Library, profile_id: str) -> list[str | None]:
    """Supplier types offered for a profile; ``None`` (every type) only for the 'full' profile."""
    codes: list[str | None] = list(library.supplier_types)
    return [None, *codes] if library.profile(profile_id).apply_all else codes


def default_supplier(library: Library, profile_id: str) -> str | None:
    profile = library.profile(profile_id)
    if profile.apply_all:
        return None
    return profile.default_supplier_type or next(iter(library.supplier_types))


def supplier_label(library: Library, code: str | None) -> str:
    if code is None:
        return "Tous les types (aucun filtre)"
    return f"{code} — {library.supplier_types[code].label}"


# ---------------------------------------------------------------------------------------- summary
def applicable(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.status != "not_applicable"]


def summary(report: Report) -> dict[str, Any]:
    """Counts with the reviewer's verdicts (see clausier.review.reviewed_summary)."""
    return reviewed_summary(report)


def severity_table(report: Report) -> list[dict[str, Any]]:
    """Rows 'Critique / Majeure / Mineure' x reviewed statuses, for a small table."""
    rows = []
    for sev in ("critical", "major", "minor"):
        items = [f for f in applicable(report) if f.severity == sev]
        row: dict[str, Any] = {"Sévérité": SEVERITY_FR[sev]}
        for status in ("present", "weak", "missing"):
            row[STATUS_FR[status]] = sum(1 for f in items if reviewed_status(report, f) == status)
        row["Points d'alerte"] = sum(1 for f in items if f.red_flag)
        rows.append(row)
    return rows


def theme_counts(report: Report, library: Library) -> list[dict[str, Any]]:
    """Long-form rows (theme, status, count) for a stacked bar chart by theme."""
    rows = []
    for theme in library.themes:
        items = [f for f in applicable(report) if f.theme == theme]
        if not items:
            continue
        label = f"{theme} — {library.theme_title(theme)}"
        for status in ("present", "weak", "missing"):
            n = sum(1 for f in items if reviewed_status(report, f) == status)
            rows.append({"Thème": label, "Verdict": STATUS_FR[status], "Obligations": n,
                         "ordre": STATUS_ORDER[status]})
    return rows


def seriousness(report: Report, f: Finding) -> tuple[int, int, int, str]:
    status = reviewed_status(report, f)
    return (STATUS_ORDER[status], not f.red_flag, SEVERITY_ORDER[f.severity], f.obligation_id)


def ordered(report: Report, findings: Iterable[Finding] | None = None) -> list[Finding]:
    """Most serious first: missing, then weak; red flags and critical first within each."""
    return sorted(applicable(report) if findings is None else findings, key=lambda f: seriousness(report, f))


def serious_gaps(report: Report, limit: int = 10) -> list[Finding]:
    """The findings to act on, most urgent first: critical gaps, unfavourable clauses, critical weak
    ones, then major and minor gaps (clausier.report.common.priority)."""
    return common.prioritised(report)[:limit]


def conclusion(report: Report, library: Library) -> common.Conclusion:
    """The plain-French conclusion shared with the CLI and the reports."""
    return common.conclusion(report, library)


# ---------------------------------------------------------------------------------------- checklist
def format_figure(c: FigureCheck) -> str:
    """'Délai de notification : 48 h — hors seuil (attendu au plus 24 h)', in words."""
    return common.figure_line(c)


def figure_rows(f: Finding) -> list[dict[str, str]]:
    return [{"Chiffre": c.label,
             "Trouvé dans le contrat": "aucune valeur chiffrée" if c.ok is None else common.format_value(c.found, c.unit),
             "Attendu pour ce profil": common.expected_text(c),
             "Résultat": {True: "✔ conforme", False: "✖ hors seuil", None: "✖ à faire chiffrer"}[c.ok]}
            for c in f.figures if c.ok is not None or c.required]


def reasons(report: Report, f: Finding) -> list[str]:
    """The reasons to show, the one explaining the verdict first (never 'conforme' first on a weak one)."""
    return common.display_reasons(f, reviewed_status(report, f))


def jargon_note(*texts: str) -> str:
    return common.jargon_note(*texts)


def sources_text(library: Library, oid: str) -> str:
    return " ; ".join(f"{SOURCE_FR.get(s.kind.value, s.kind.value)} {s.ref}" for s in library.get(oid).sources)


def verdict_label(report: Report, f: Finding) -> str:
    status = reviewed_status(report, f)
    return f"{STATUS_ICON[status]} {STATUS_FR[status]}"


def review_note(report: Report, f: Finding) -> str:
    override = report.overrides.get(f.obligation_id)
    if not override:
        return ""
    if is_overridden(report, f):
        return f"modifié (moteur : {STATUS_FR[f.status].lower()})"
    return "confirmé"


@dataclass(frozen=True)
class Filters:
    themes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()

    def keep(self, report: Report, f: Finding) -> bool:
        return ((not self.themes or f.theme in self.themes)
                and (not self.statuses or reviewed_status(report, f) in self.statuses)
                and (not self.severities or f.severity in self.severities))


def checklist(report: Report, filters: Filters = Filters()) -> list[Finding]:
    return ordered(report, [f for f in applicable(report) if filters.keep(report, f)])


def checklist_rows(report: Report, library: Library, findings: Sequence[Finding]) -> list[dict[str, Any]]:
    rows = []
    for f in findings:
        first = next(iter(common.distinct_evidence(f, 1)), None)
        rows.append({
            "Réf.": f.obligation_id,
            "Obligation": f.title,
            "Verdict": verdict_label(report, f),
            "Alerte": "⚠ oui" if f.red_flag else "",
            "Sévérité": SEVERITY_FR[f.severity],
            "Thème": library.theme_title(f.theme),
            "Chiffres (trouvé / attendu)": " ; ".join(format_figure(c) for c in f.figures),
            "Où": common.where(first) if first else "—",
            "Relecture": review_note(report, f),
            "Sources": sources_text(library, f.obligation_id),
        })
    return rows


def option_label(report: Report, f: Finding) -> str:
    flag = " ⚠" if f.red_flag else ""
    return f"{STATUS_ICON[reviewed_status(report, f)]} {f.obligation_id} — {f.title}{flag}"


# ---------------------------------------------------------------------------------------- evidence
def pick_evidence(f: Finding, limit: int = 5) -> list[Evidence]:
    """The passages worth showing, one per sentence, the one that decided the verdict first."""
    return common.distinct_evidence(f, limit)


def evidence_title(e: Evidence) -> str:
    return f"{ROLE_FR.get(e.role, e.role)} — {common.where(e)}"


def highlight_html(text: str, start: int, end: int, marks: Sequence[tuple[int, int]], context: int = 280) -> str:
    """HTML excerpt of ``text`` around [start, end) with ``marks`` wrapped in <mark>.

    The contract text is escaped piece by piece with html.escape, so markup in a contract is
    shown as text and never interpreted. Marks are clipped to the excerpt and may overlap."""
    lo = max(0, start - context)
    hi = min(len(text), end + context)
    if lo > 0:  # start at a line start when one is close, else at a word boundary
        line = text.rfind("\n", 0, lo)
        space = text.rfind(" ", lo, start)
        lo = line + 1 if lo - line <= 120 else (space + 1 if space != -1 else lo)
    if hi < len(text):
        line = text.find("\n", hi)
        space = text.find(" ", end, hi + 40)
        hi = line if line != -1 and line - hi <= 120 else (space if space != -1 else hi)
    flags = [False] * (hi - lo)
    for a, b in marks:
        for i in range(max(a, lo), min(b, hi)):
            flags[i - lo] = True
    parts: list[str] = ["… " if lo > 0 else ""]
    i = 0
    while i < len(flags):
        j = i
        while j < len(flags) and flags[j] == flags[i]:
            j += 1
        chunk = html.escape(text[lo + i:lo + j])
        parts.append(f"<mark>{chunk}</mark>" if flags[i] else chunk)
        i = j
    parts.append(" …" if hi < len(text) else "")
    return "".join(parts).replace("\n", "<br>")


def evidence_html(document_text: str, e: Evidence, context: int = 280) -> str:
    return highlight_html(document_text, e.start, e.end, [(e.start, e.end)], context)


def merge_line_boxes(boxes: Iterable[BBox], tolerance: float = 3.0) -> list[BBox]:
    """Union of word boxes on the same text line (one rectangle per line reads better)."""
    lines: list[list[float]] = []
    for x0, top, x1, bottom in sorted(boxes, key=lambda b: (round(b[1]), b[0])):
        for line in lines:
            if abs(line[1] - top) <= tolerance and abs(line[3] - bottom) <= tolerance:
                line[0], line[2] = min(line[0], x0), max(line[2], x1)
                line[1], line[3] = min(line[1], top), max(line[3], bottom)
                break
        else:
            lines.append([x0, top, x1, bottom])
    return [(a, b, c, d) for a, b, c, d in lines]


def page_boxes(document: Document, e: Evidence) -> dict[int, tuple[list[BBox], list[BBox]]]:
    """Per page: (sentence rectangles, rectangles of the words that fired the rule)."""
    out: dict[int, tuple[list[BBox], list[BBox]]] = {}
    sentence: dict[int, list[BBox]] = {}
    match: dict[int, list[BBox]] = {}
    for page, box in document.boxes(e.start, e.end):
        sentence.setdefault(page, []).append(box)
    for page, box in document.boxes(e.match_start, e.match_end):
        match.setdefault(page, []).append(box)
    for page in sorted(set(sentence) | set(match)):
        out[page] = (merge_line_boxes(sentence.get(page, [])), merge_line_boxes(match.get(page, [])))
    return out


# ---------------------------------------------------------------------------------------- comparison
def weighted_score(report: Report) -> float | None:
    """Severity-weighted coverage in [0, 1], the tender matrix's score (clausier.report.matrix):
    critical 3 / major 2 / minor 1 ; present 1 / weak 0.5 / missing 0 ; an unresolved red flag -0.5."""
    from clausier.report.matrix import score

    result = score(report)
    return round(result.score / 100, 3) if result.max_points else None


def score_method() -> list[str]:
    from clausier.report.matrix import METHOD

    return list(METHOD)


_CI_APRES = r"ci-apr[èe]s\s+(?:d[ée]nomm[ée]e?\s+|d[ée]sign[ée]e?\s+|nomm[ée]e?\s+)?[«\"“]\s*"
_VENDOR_ROLE = r"(?:le |la |l')?(?:Prestataire|Fournisseur|Titulaire|[ÉE]diteur|H[ée]bergeur|Vendeur|Sous-traitant)"
_LEGAL_FORM = r"(?:SASU|SAS|SARL|SA|EURL|SE|SNC|GIE|S\.A\.S\.|S\.A\.)"
_NAME = r"[A-ZÀ-Ý0-9][\w&'’.\-]*(?:[ \-][A-ZÀ-Ý0-9][\w&'’.\-]*){0,4}"
_SOCIETE = r"[Ss]oci[ée]t[ée]"
_VENDOR_PATTERNS = (
    # 'la société Exemple Santé Logiciels SAS, ci-après « le Prestataire »'
    re.compile(_SOCIETE + r"\s+(?P<name>" + _NAME + r")[^«»\n]{0,200}?" + _CI_APRES + _VENDOR_ROLE),
    # 'Exemple Santé SAS, au capital de…, ci-après « le Prestataire »'
    re.compile(r"(?P<name>" + _NAME + r")\s+" + _LEGAL_FORM + r"\b[^«»\n]{0,200}?" + _CI_APRES + _VENDOR_ROLE),
    # 'la société FirstCloud-Hosting SAS', 'la SAS HELLOSANTE', 'KELINDI SAS'
    re.compile(r"\b(?:la |La )" + _SOCIETE + r"\s+(?P<name>" + _NAME + r")"),
    re.compile(r"\b(?:la |La )" + _LEGAL_FORM + r"\s+(?P<name>" + _NAME + r")"),
    re.compile(r"(?P<name>[A-ZÀ-Ý][\w&\-]+(?: [A-ZÀ-Ý][\w&\-]+){0,2})\s+" + _LEGAL_FORM + r"\b"),
)


def vendor_name(text: str, head: int = 6000) -> str | None:
    """The supplier's name as the contract introduces it ('la société X SAS, ci-après « le Prestataire »'),
    looked for in the first ``head`` characters; None when the contract does not say it that way."""
    sample = text[:head]
    for pattern in _VENDOR_PATTERNS:
        m = pattern.search(sample)
        if m:
            name = " ".join(m.group("name").split()).strip(" ,.-")
            name = re.sub(r"\s+" + _LEGAL_FORM + r"(\s.*)?$", "", name)
            if 2 <= len(name) <= 60 and not re.match(r"(?i)(le|la|les|du|de|des|notre)\b", name):
                return name
    return None


def default_bid_name(a: Analysis) -> str:
    """The vendor named in the contract, else the file name without its extension."""
    if a.document is not None:
        found = vendor_name(a.document.text)
        if found:
            return found
    stem = a.name.rsplit(".", 1)[0] if "." in a.name else a.name
    return stem or a.name


def bidder_names(analyses: Sequence[Analysis], chosen: dict[str, str] | None = None) -> list[str]:
    """Column names for bidders: the name the reviewer typed (by SHA-256), else the file name,
    made unique."""
    names: list[str] = []
    for a in analyses:
        base = ((chosen or {}).get(a.sha256) or "").strip() or a.name
        name, n = base, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return names


def score_rows(analyses: Sequence[Analysis], chosen: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One row per bid, best score first (same score as the exported tender matrix)."""
    from clausier.report.matrix import score

    rows = []
    for name, a in zip(bidder_names(analyses, chosen), analyses):
        assert a.report is not None
        b = score(a.report, name)
        s = b.summary
        rows.append({"Offre": name, "Score pondéré": b.score if b.max_points else None,
                     "Présentes": s.present, "Faibles": s.weak, "Absentes": s.missing,
                     "Points d'alerte": s.red_flags, "Critiques absentes": len(s.critical_gaps),
                     "Verdicts revus": s.overridden})
    return sorted(rows, key=lambda r: (-(r["Score pondéré"] or 0), r["Critiques absentes"], r["Offre"]))


def compare_rows(analyses: Sequence[Analysis], library: Library,
                 chosen: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Obligations x bidders: one row per obligation applicable to at least one bid."""
    names = bidder_names(analyses, chosen)
    by_bid = [{f.obligation_id: f for f in a.report.findings} for a in analyses if a.report is not None]
    rows = []
    for oid, ob in library.obligations.items():
        cells = [(name, a.report, findings.get(oid)) for name, a, findings in zip(names, analyses, by_bid)]
        if all(f is None or f.status == "not_applicable" for _, _, f in cells):
            continue
        row: dict[str, Any] = {"Réf.": oid, "Obligation": ob.title, "Sévérité": SEVERITY_FR[ob.severity.value]}
        for name, report, f in cells:
            if f is None or report is None or f.status == "not_applicable":
                row[name] = "—"
                continue
            cell = verdict_label(report, f) + (" ⚠" if f.red_flag else "")
            if is_overridden(report, f):
                cell += " (revu)"
            figs = [common.format_value(c.found, c.unit) for c in f.figures if c.ok is not None]
            if figs:
                cell += " · " + ", ".join(figs)
            row[name] = cell
        rows.append(row)
    return rows


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas (a file name like '=HYPERLINK(...)' stays text)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """CSV for French spreadsheets: ';' separator, UTF-8 with BOM, formulas neutralised."""
    if not rows:
        return b""
    header = list(rows[0])
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow([safe_cell(h) for h in header])
    for r in rows:
        writer.writerow([safe_cell(r.get(h)) for h in header])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(sheets: dict[str, Sequence[dict[str, Any]]]) -> bytes:
    """A workbook with one sheet per table (openpyxl, in memory)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title[:31])
        if not rows:
            continue
        header = list(rows[0])
        ws.append([safe_cell(h) for h in header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append([safe_cell(r.get(h)) for h in header])
        for i, h in enumerate(header, start=1):
            width = max(len(str(h)), *(len(str(r.get(h) or "")) for r in rows))
            ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(10, width + 2), 60)
        ws.freeze_panes = "B2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------- html bits
def pill_html(status: str, small: bool = False) -> str:
    """A coloured status pill (fixed labels only: safe HTML)."""
    size = "0.8rem" if small else "0.95rem"
    return (f'<span style="background:{STATUS_BG[status]};color:{STATUS_COLOR[status]};border:1px solid '
            f'{STATUS_COLOR[status]};border-radius:999px;padding:0.1rem 0.65rem;font-weight:600;'
            f'font-size:{size};white-space:nowrap"><span style="display:inline-block;width:0.6em;height:0.6em;'
            f'border-radius:50%;background:{STATUS_COLOR[status]};margin-right:0.35em"></span>{STATUS_FR[status]}</span>')


def severity_html(severity: str) -> str:
    color = {"critical": "#7a1010", "major": "#6b4a00", "minor": "#3c4650"}[severity]
    return (f'<span style="border:1px solid {color};color:{color};border-radius:4px;padding:0.05rem 0.45rem;'
            f'font-size:0.8rem">sévérité {SEVERITY_FR[severity].lower()}</span>')


def status_cell_style(value: Any) -> str:
    """CSS for a checklist / matrix cell whose text starts with a status icon."""
    text = str(value)
    for status in STATUS_ICON:
        if text.startswith(f"{STATUS_ICON[status]} {STATUS_FR[status]}"):
            return f"background-color:{STATUS_BG[status]};color:{STATUS_COLOR[status]};font-weight:600"
    return ""
