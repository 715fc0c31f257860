"""Tender matrix: obligations x bidders with reviewed status, key figures and a weighted score.

Scoring (documented in the workbook and the README):

- weight of an obligation by severity: critical 3, major 2, minor 1;
- value of a status: present 1, weak 0.5, missing 0;
- a red flag that stands (no reviewer decision clearing it) subtracts 0.5 from the value (floor 0);
- score of a bidder = 100 x sum(weight x value) / sum(weight) over its applicable obligations.

Spreadsheet safety: strings are always stored as text (never formulas) in the XLSX, and any CSV
cell starting with = + - @ (or a tab / carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clausier.engine.results import Finding, Report
from clausier.library.loader import Library
from clausier.report import common as c

SEVERITY_WEIGHTS = {"critical": 3, "major": 2, "minor": 1}
STATUS_VALUES = {"present": 1.0, "weak": 0.5, "missing": 0.0}
RED_FLAG_PENALTY = 0.5

METHOD = [
    "Poids d'une obligation selon sa sévérité : critique 3, majeure 2, mineure 1.",
    "Valeur d'un verdict (après revue) : présent 1 ; faible 0,5 ; absent 0.",
    "Point d'alerte non levé par un relecteur : valeur diminuée de 0,5 (sans descendre sous 0).",
    "Score = 100 × somme (poids × valeur) / somme des poids des obligations applicables.",
    "Les verdicts modifiés par un relecteur remplacent ceux du moteur (signalés « revu »).",
]

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class BidderScore:
    name: str
    report: Report
    score: float  # 0..100
    points: float
    max_points: float
    summary: c.Summary  # reviewed counts of the bid


def obligation_points(report: Report, f: Finding) -> tuple[float, float] | None:
    """(points earned, points possible) of one obligation; None when not applicable."""
    status = c.status_of(report, f)
    if status == "not_applicable":
        return None
    weight = SEVERITY_WEIGHTS[f.severity]
    value = STATUS_VALUES[status] - (RED_FLAG_PENALTY if c.red_flag_of(report, f) else 0.0)
    return weight * max(value, 0.0), float(weight)


def score(report: Report, name: str | None = None) -> BidderScore:
    earned = possible = 0.0
    for f in report.findings:
        pts = obligation_points(report, f)
        if pts:
            earned += pts[0]
            possible += pts[1]
    return BidderScore(
        name=name or str(report.document.get("name", "")),
        report=report,
        score=round(100 * earned / possible, 1) if possible else 0.0,
        points=earned,
        max_points=possible,
        summary=c.summary(report),
    )


def bidder_names(reports: Sequence[Report]) -> list[str]:
    """Document names, made unique ('offre.pdf', 'offre.pdf (2)')."""
    names: list[str] = []
    for r in reports:
        base = str(r.document.get("bid_name") or r.document.get("name") or "offre")  # bid_name: set by the UI
        name, k = base, 2
        while name in names:
            name, k = f"{base} ({k})", k + 1
        names.append(name)
    return names


def ranking(reports: Sequence[Report]) -> list[BidderScore]:
    scores = [score(r, n) for r, n in zip(reports, bidder_names(reports))]
    return sorted(scores, key=lambda b: (-b.score, len(b.summary.critical_gaps), b.summary.missing, b.name))


def sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name: no []:*?/\\, not quoted, at most 31 characters, unique (case-insensitive)."""
    base = _SHEET_FORBIDDEN.sub("_", c.xml_safe(name)).strip().strip("'") or "Offre"
    title, k = base[:31], 2
    while title.lower() in taken:
        suffix = f" ({k})"
        title, k = base[: 31 - len(suffix)] + suffix, k + 1
    taken.add(title.lower())
    return title


def status_label(report: Report, f: Finding) -> str:
    status = c.status_of(report, f)
    label = c.STATUS_FR[status]
    if c.red_flag_of(report, f):
        label += " ⚠"
    if c.override_of(report, f) and status != f.status:
        label += f" (revu ; moteur : {c.STATUS_FR[f.status]})"
    return label


def key_figures(f: Finding) -> str:
    return " ; ".join(c.figure_line(fc) for fc in f.figures)


def _rows(reports: Sequence[Report], library: Library) -> tuple[list[str], list[list[Any]], list[Any]]:
    """Header, one row per obligation applicable to at least one bidder, and the score row."""
    names = bidder_names(reports)
    header = ["Réf.", "Thème", "Obligation", "Sévérité", "Poids"]
    for n in names:
        header += [f"{n} — statut", f"{n} — chiffres clés", f"{n} — points"]
    index = [{f.obligation_id: f for f in r.findings} for r in reports]
    rows: list[list[Any]] = []
    for ob in library.obligations.values():
        findings = [idx.get(ob.id) for idx in index]
        if all(f is None or c.status_of(r, f) == "not_applicable" for r, f in zip(reports, findings)):
            continue
        row: list[Any] = [
            ob.id,
            library.theme_title(ob.id[0]),
            ob.title,
            c.SEVERITY_FR[ob.severity.value],
            SEVERITY_WEIGHTS[ob.severity.value],
        ]
        for r, f in zip(reports, findings):
            pts = obligation_points(r, f) if f else None
            row += [status_label(r, f) if f else "", key_figures(f) if f else "", pts[0] if pts else None]
        rows.append(row)
    scores = {b.name: b for b in (score(r, n) for r, n in zip(reports, names))}
    total: list[Any] = ["", "", "Score pondéré (sur 100)", "", None]
    for n in names:
        total += ["", "", scores[n].score]
    return header, rows, total


# ------------------------------------------------------------------------------------ CSV
def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}".replace(".", ",")
    if isinstance(v, int):
        return str(v)
    return c.cell_text(c.one_line(str(v)))


def matrix_csv(reports: Sequence[Report], library: Library) -> str:
    """Semicolon-separated matrix (French Excel): header, one row per obligation, then the scores."""
    header, rows, total = _rows(reports, library)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    for row in [header, *rows, total]:
        w.writerow([_csv_value(v) for v in row])
    return buf.getvalue()


# ------------------------------------------------------------------------------------ XLSX
_FILLS = {"present": "D9F2E0", "weak": "FFE8CC", "missing": "F8D4D1", "not_applicable": "EEEEEE"}


class _Sheet:
    """Writes rows to an openpyxl sheet; strings are always text, never formulas."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.row = 0

    def write(
        self, values: Sequence[Any], bold: bool = False, fill: str | None = None, wrap: bool = False
    ) -> int:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.row += 1
        for col, v in enumerate(values, start=1):
            cell = self.ws.cell(row=self.row, column=col)
            if isinstance(v, str):
                cell.value = c.xml_safe(v)
                cell.data_type = "s"  # never a formula, whatever the first character
                if v[:1] in ("=", "+", "-", "@"):
                    cell.quotePrefix = True
            else:
                cell.value = v
            if bold:
                cell.font = Font(bold=True)
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        return self.row

    def widths(self, widths: Sequence[float]) -> None:
        from openpyxl.utils import get_column_letter

        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w


def _fill_status(ws: Any, row: int, col: int, report: Report, f: Finding | None) -> None:
    from openpyxl.styles import PatternFill

    if f is not None:
        ws.cell(row=row, column=col).fill = PatternFill("solid", fgColor=_FILLS[c.status_of(report, f)])


def _summary_sheet(
    ws: Any, reports: Sequence[Report], library: Library, failed: Sequence[tuple[str, str]]
) -> None:
    s = _Sheet(ws)
    s.write(["Comparaison des offres — clauses de sécurité"], bold=True)
    prof = reports[0].profile if reports else {}
    s.write(
        [
            "Profil acheteur",
            str(prof.get("label", ""))
            + (f" ; fournisseur {prof['supplier_type']}" if prof.get("supplier_type") else ""),
        ]
    )
    s.write(["Bibliothèque", f"version {library.version_label}", "Établi le", c.today()])
    s.row += 1
    s.write(
        [
            "Rang",
            "Offre",
            "Score /100",
            "Présentes",
            "Faibles",
            "Absentes",
            "Alertes",
            "Obligations critiques absentes",
            "Verdicts revus",
            "Empreinte SHA-256",
        ],
        bold=True,
        fill="DDE3EE",
    )
    for rank, b in enumerate(ranking(reports), start=1):
        s.write(
            [
                rank,
                b.name,
                b.score,
                b.summary.present,
                b.summary.weak,
                b.summary.missing,
                b.summary.red_flags,
                ", ".join(b.summary.critical_gaps),
                b.summary.overridden,
                str(b.report.document.get("sha256", "")),
            ]
        )
    for name, reason in failed:
        s.write(["—", name, None, None, None, None, None, f"Non analysé : {reason}"])
    s.row += 1
    s.write(["Méthode de notation"], bold=True)
    for line in METHOD:
        s.write([line])
    s.widths([7, 40, 11, 11, 9, 10, 9, 40, 10, 66])
    ws.freeze_panes = "A6"


def _matrix_sheet(ws: Any, reports: Sequence[Report], library: Library) -> None:
    header, rows, total = _rows(reports, library)
    s = _Sheet(ws)
    s.write(header, bold=True, fill="DDE3EE", wrap=True)
    index = [{f.obligation_id: f for f in r.findings} for r in reports]
    for row in rows:
        r_i = s.write(row, wrap=True)
        for b, (report, idx) in enumerate(zip(reports, index)):
            _fill_status(ws, r_i, 6 + 3 * b, report, idx.get(row[0]))
    s.write(total, bold=True)
    s.widths([6, 22, 44, 10, 7] + [18, 36, 8] * len(reports))
    ws.freeze_panes = "F2"
    ws.auto_filter.ref = f"A1:{ws.cell(row=1, column=len(header)).column_letter}{len(rows) + 1}"


def _bidder_sheet(ws: Any, name: str, report: Report, library: Library) -> None:
    s = _Sheet(ws)
    b = score(report, name)
    s.write([name, f"score {b.score:g}/100"], bold=True)
    s.write([c.summary_sentence(c.summary(report))])
    s.write(
        [
            "Réf.",
            "Obligation",
            "Sévérité",
            "Statut",
            "Statut moteur",
            "Revue",
            "Chiffres clés",
            "Page",
            "Article",
            "Citation",
            "Passage défavorable",
            "Sources",
        ],
        bold=True,
        fill="DDE3EE",
        wrap=True,
    )
    for f in c.ordered(report):
        ev = next((e for e in f.evidence if e.role != "red_flag"), None)
        flag = next((e for e in f.evidence if e.role == "red_flag"), None)
        override = c.override_of(report, f)
        r_i = s.write(
            [
                f.obligation_id,
                f.title,
                c.SEVERITY_FR[f.severity],
                status_label(report, f),
                c.STATUS_FR[f.status],
                c.override_line(override, f) if override else "",
                key_figures(f),
                ev.page if ev and ev.page else None,
                ev.article if ev else "",
                c.one_line(ev.text, 1500) if ev else "",
                c.one_line(flag.text, 800) if flag else "",
                c.sources_text(library.get(f.obligation_id)),
            ],
            wrap=True,
        )
        _fill_status(ws, r_i, 4, report, f)
    s.widths([6, 34, 10, 16, 12, 28, 30, 6, 18, 70, 40, 30])
    ws.freeze_panes = "C4"


def matrix_xlsx(reports: Sequence[Report], library: Library, failed: Sequence[tuple[str, str]] = ()) -> bytes:
    """Workbook: 'Synthèse' (ranking + method), 'Matrice' (obligations x bidders), one sheet per bidder.

    ``failed``: (file name, reason) of the offers that could not be analysed, listed in the summary."""
    from openpyxl import Workbook

    wb = Workbook()
    taken: set[str] = {"synthèse", "matrice"}
    summary_ws = wb.active
    summary_ws.title = "Synthèse"
    _summary_sheet(summary_ws, reports, library, failed)
    _matrix_sheet(wb.create_sheet("Matrice"), reports, library)
    for name, report in zip(bidder_names(reports), reports):
        _bidder_sheet(wb.create_sheet(sheet_title(name, taken)), name, report, library)
    wb.properties.creator = "clausier"
    wb.properties.title = "Comparaison des offres — clauses de sécurité"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
