"""One entry point for every export of a report (used by the CLI and the UI).

    data = export(report, library, "html")                       # bytes, ready to save or download
    data = export(report, library, "docx", source_path=path)     # DOCX contract: annotated copy
    data = export_comparison(reports, library, "xlsx")           # tender matrix of several offers
    data = export(report, library, "ciso")                       # CISO Assistant audit (clausier v2024)

``FORMATS`` describes each format (French label, file extension, MIME type, binary or not).
Reviewer decisions are taken from ``report.overrides`` (see :func:`clausier.review.apply_overrides`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clausier.engine.results import Report
from clausier.library.loader import Library


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str  # French, for menus and help
    extension: str  # file extension, without the dot
    mime: str
    binary: bool
    suffix: str = ""  # appended to the input name in batch outputs (defaults to the extension)

    @property
    def output_suffix(self) -> str:
        return self.suffix or self.extension


_DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat(
            "html", "Rapport HTML (un fichier, imprimable)", "html", "text/html; charset=utf-8", False
        ),
        ExportFormat("md", "Rapport Markdown", "md", "text/markdown; charset=utf-8", False),
        ExportFormat("json", "Rapport JSON (données complètes)", "json", "application/json", False),
        ExportFormat("text", "Résumé texte", "txt", "text/plain; charset=utf-8", False),
        ExportFormat(
            "docx",
            "Word : copie annotée (contrat DOCX) ou revue citée (PDF, texte)",
            "docx",
            _DOCX_MIME,
            True,
            "revue.docx",
        ),
        ExportFormat(
            "questions",
            "Questionnaire fournisseur, les questions les plus importantes (texte)",
            "txt",
            "text/plain; charset=utf-8",
            False,
            "questions.txt",
        ),
        ExportFormat(
            "questions-docx", "Questionnaire fournisseur, les questions les plus importantes (Word)", "docx", _DOCX_MIME, True, "questions.docx"
        ),
        ExportFormat("xlsx", "Matrice de comparaison (Excel)", "xlsx", _XLSX_MIME, True),
        ExportFormat(
            "csv", "Matrice de comparaison (CSV, séparateur ;)", "csv", "text/csv; charset=utf-8", False
        ),
        ExportFormat(
            "ciso",
            "CISO Assistant : audit du clausier v2024 (Excel à importer)",
            "xlsx",
            _XLSX_MIME,
            True,
            "ciso.xlsx",
        ),
    )
}
COMPARISON_FORMATS = ("xlsx", "csv")


def export(
    report: Report,
    library: Library,
    fmt: str,
    source_path: str | Path | None = None,
    *,
    source_bytes: bytes | None = None,
    all_questions: bool = False,
) -> bytes:
    """Render ``report`` in format ``fmt`` (a key of FORMATS). Text formats are UTF-8 encoded.

    For "docx", the original file (``source_path`` or ``source_bytes``) of a DOCX contract gives an
    annotated copy with Word comments; otherwise (PDF, text, no source) a review document.
    The questionnaires ("questions", "questions-docx") are short (the most urgent questions) unless
    ``all_questions``."""
    if fmt not in FORMATS:
        raise ValueError(f"format d'export inconnu : « {fmt} » (formats : {', '.join(FORMATS)})")
    if fmt in COMPARISON_FORMATS:
        return export_comparison([report], library, fmt)
    if fmt == "docx":
        from clausier.report.docx_review import annotated_docx, review_docx

        if source_bytes is None and source_path is not None:
            source_bytes = Path(source_path).read_bytes()
        if source_bytes is not None and report.document.get("format") == "docx":
            return annotated_docx(report, library, source_bytes)
        return review_docx(report, library)
    if fmt == "ciso":
        from clausier.report.ciso import ciso_xlsx

        return ciso_xlsx(report, library)
    if fmt == "questions-docx":
        from clausier.report.questionnaire import questionnaire_docx

        return questionnaire_docx(report, library, all_questions)
    return _text(report, library, fmt, all_questions).encode("utf-8")


def _text(report: Report, library: Library, fmt: str, all_questions: bool = False) -> str:
    if fmt == "html":
        from clausier.report.html import to_html

        return to_html(report, library)
    if fmt == "md":
        from clausier.report.markdown import to_markdown

        return to_markdown(report, library)
    if fmt == "questions":
        from clausier.report.questionnaire import questionnaire_text

        return questionnaire_text(report, library, all_questions)
    from clausier.report import render

    if fmt == "json":
        return render.to_json(report, library)
    return render.to_text(report, library)  # reviewed verdicts, overrides shown on their obligation


def _overrides_text(report: Report) -> str:
    """The reviewer decisions, appended to the plain-text summary (which shows engine verdicts)."""
    from clausier.report import common as c

    lines = [
        f"  {f.obligation_id} {c.override_line(o, f)}\n"
        for f in report.findings
        if (o := c.override_of(report, f))
    ]
    return "\nDécisions du relecteur :\n" + "".join(lines) if lines else ""


def export_comparison(
    reports: Sequence[Report], library: Library, fmt: str, failed: Sequence[tuple[str, str]] = ()
) -> bytes:
    """Tender matrix of several offers ("xlsx" or "csv"); ``failed`` lists (name, reason) not analysed."""
    from clausier.report.matrix import matrix_csv, matrix_xlsx

    if fmt == "xlsx":
        return matrix_xlsx(reports, library, failed)
    if fmt == "csv":
        return matrix_csv(reports, library).encode("utf-8-sig")  # BOM: Excel reads the accents right
    raise ValueError(f"format de comparaison inconnu : « {fmt} » (formats : {', '.join(COMPARISON_FORMATS)})")


def output_name(input_name: str, fmt: str) -> str:
    """'contrat.pdf' -> 'contrat.pdf.html', 'contrat.pdf.questions.txt' (batch output names)."""
    return f"{input_name}.{FORMATS[fmt].output_suffix}"
