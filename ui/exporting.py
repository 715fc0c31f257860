"""Download items for a reviewed report: the exports module (clausier/report/exports.py) when it is
present, else JSON and Markdown from clausier.report.render. Bytes are built on click, in memory."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clausier.engine.results import Report
from clausier.library.loader import Library

# Known formats of the exports module: label, extension, MIME type.
KNOWN = {
    "html": ("Rapport HTML (à ouvrir dans un navigateur)", "html", "text/html"),
    "docx": ("Contrat annoté (Word)", "docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "questionnaire": ("Questionnaire fournisseur (Word)", "docx",
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("Grille d'analyse (Excel)", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("Grille d'analyse (CSV)", "csv", "text/csv"),
    "json": ("Données complètes (JSON)", "json", "application/json"),
    "md": ("Rapport Markdown", "md", "text/markdown"),
}


@dataclass(frozen=True)
class ExportItem:
    fmt: str
    label: str
    extension: str
    mime: str
    make: Callable[[], bytes]

    def file_name(self, source_name: str) -> str:
        stem = Path(source_name).stem or "contrat"
        suffix = "-questionnaire" if self.fmt == "questionnaire" else "-analyse"
        return f"{stem}{suffix}.{self.extension}"


def _exports_module() -> Any | None:
    try:
        module = importlib.import_module("clausier.report.exports")
    except ImportError:
        return None
    return module if callable(getattr(module, "export", None)) and hasattr(module, "FORMATS") else None


def _format_ids(formats: Any) -> list[str]:
    return [str(f) for f in (formats.keys() if isinstance(formats, dict) else formats)]


def _describe(fmt: str, formats: Any) -> tuple[str, str, str]:
    label, ext, mime = KNOWN.get(fmt, (f"Export {fmt}", fmt, "application/octet-stream"))
    info = formats.get(fmt) if isinstance(formats, dict) else None
    for attr, default in (("extension", ext), ("mime", mime)):
        value = getattr(info, attr, None) or (info.get(attr) if isinstance(info, dict) else None)
        if isinstance(value, str):
            if attr == "extension":
                ext = value.lstrip(".")
            else:
                mime = value
        del default
    return label, ext, mime


def _call_export(module: Any, report: Report, library: Library, fmt: str, source: bytes | None) -> bytes:
    """export(report, library, fmt, source_path=None): the annotated DOCX needs the original file."""
    params = inspect.signature(module.export).parameters
    kwargs: dict[str, Any] = {}
    if source is not None and "source_bytes" in params:
        kwargs["source_bytes"] = source
    out = module.export(report, library, fmt, **kwargs)
    return out.encode("utf-8") if isinstance(out, str) else bytes(out)


def available(report: Report, library: Library, source: bytes | None = None) -> list[ExportItem]:
    from clausier.report import render

    items: list[ExportItem] = []
    module = _exports_module()
    if module is not None:
        for fmt in _format_ids(module.FORMATS):
            label, ext, mime = _describe(fmt, module.FORMATS)
            items.append(ExportItem(fmt, label, ext, mime,
                                    lambda fmt=fmt: _call_export(module, report, library, fmt, source)))
    have = {i.fmt for i in items}
    if "json" not in have:
        items.append(ExportItem("json", KNOWN["json"][0], "json", "application/json",
                                lambda: render.to_json(report, library).encode("utf-8")))
    if "md" not in have:
        items.append(ExportItem("md", KNOWN["md"][0], "md", "text/markdown",
                                lambda: render.to_markdown(report, library).encode("utf-8")))
    return items
