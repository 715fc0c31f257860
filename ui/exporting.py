"""Download items for reviewed reports: clausier.report.exports (HTML, annotated DOCX, questionnaire,
XLSX/CSV matrix...) when present, else JSON and Markdown from clausier.report.render.
Bytes are built on click, in memory; nothing is written to disk."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from clausier.engine.results import Report
from clausier.library.loader import Library

_FALLBACK = {"json": ("Rapport JSON (données complètes)", "json", "application/json"),
             "md": ("Rapport Markdown", "md", "text/markdown")}


@dataclass(frozen=True)
class ExportItem:
    fmt: str
    label: str
    file_name: str
    mime: str
    make: Callable[[], bytes]


def exports_module() -> ModuleType | None:
    try:
        module = importlib.import_module("clausier.report.exports")
    except ImportError:
        return None
    return module if callable(getattr(module, "export", None)) and isinstance(getattr(module, "FORMATS", None), dict) else None


def _fallback_name(source_name: str, ext: str) -> str:
    return f"{Path(source_name).name or 'contrat'}.{ext}"


QUESTION_FORMATS = ("questions", "questions-docx")


def question_counts(report: Report, library: Library) -> tuple[int, int]:
    """Questions of the short and of the full supplier questionnaire."""
    from clausier.report.questionnaire import count

    return count(report, library), count(report, library, full=True)


def available(report: Report, library: Library, source: bytes | None = None,
              all_questions: bool = False) -> list[ExportItem]:
    """Every export of one reviewed report (the DOCX contract itself is needed for the annotated copy).
    The supplier questionnaires come first; they are short unless ``all_questions``."""
    name = str(report.document.get("name") or "contrat")
    module = exports_module()
    if module is not None:
        out_name = getattr(module, "output_name", None)
        keys = [k for k in QUESTION_FORMATS if k in module.FORMATS] + [
            k for k in module.FORMATS if k not in QUESTION_FORMATS]
        items = []
        for key in keys:
            fmt = module.FORMATS[key]
            label, file_name = fmt.label, out_name(name, key) if out_name else _fallback_name(name, fmt.extension)
            if key in QUESTION_FORMATS and all_questions:
                label = label.replace("les questions les plus importantes", "toutes les questions")
                file_name = file_name.replace(".questions.", ".questions-complet.")
            items.append(ExportItem(key, label, file_name, fmt.mime,
                                    lambda key=key: module.export(report, library, key, source_bytes=source,
                                                                  all_questions=all_questions)))
        return items
    from clausier.report import render

    makers = {"json": render.to_json, "md": render.to_markdown}
    return [ExportItem(key, label, _fallback_name(name, ext), mime,
                       lambda maker=makers[key]: maker(report, library).encode("utf-8"))
            for key, (label, ext, mime) in _FALLBACK.items()]


def comparison_xlsx(reports: Sequence[Report], library: Library, failed: Sequence[tuple[str, str]] = ()) -> bytes | None:
    """The tender matrix workbook of the exports module (None when the module is absent)."""
    module = exports_module()
    if module is None or not hasattr(module, "export_comparison"):
        return None
    return bytes(module.export_comparison(list(reports), library, "xlsx", failed))
