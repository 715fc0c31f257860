"""File -> Document. Dispatch on the real content (magic bytes), not on the extension alone."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from clausier.errors import InputDocumentError
from clausier.types import Document


@dataclass(frozen=True)
class Limits:
    """Resource limits for untrusted files (all configurable from the CLI and the UI)."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_pages: int = 500
    max_chars: int = 3_000_000
    max_zip_entries: int = 2_000
    max_zip_uncompressed: int = 300 * 1024 * 1024
    max_zip_ratio: int = 150  # per entry, uncompressed / compressed
    max_xml_depth: int = 200
    ocr: bool = True
    ocr_language: str = "fra"
    ocr_timeout_s: int = 60
    ocr_max_pixels: int = 40_000_000  # page image size for OCR; the resolution is lowered to fit
    max_parse_seconds: float = 300.0  # wall-clock budget for reading one file (checked between pages)


DEFAULT_LIMITS = Limits()
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def safe_display_name(name: str, max_len: int = 120) -> str:
    """A file name safe to show and to reuse as a file name: last path component only, without
    control or bidirectional-override characters (an upload can be called "../../x" or carry
    terminal escapes), shortened to ``max_len`` characters."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch if unicodedata.category(ch)[0] != "C" else "_" for ch in base).strip(" .")
    if not base.strip("_"):
        return "document"
    if len(base) > max_len:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: max_len - len(ext) - 2] + "…" + dot + ext) if dot and len(ext) <= 8 else base[:max_len]
    return base


def sniff(data: bytes) -> str:
    """Guess the real type from the first bytes: 'pdf', 'zip' (DOCX candidate), 'text' or 'binary'."""
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        return "zip"
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"  # legacy .doc or encrypted OOXML
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def load_document(path: str | Path, limits: Limits = DEFAULT_LIMITS, display_name: str | None = None) -> Document:
    """Read a contract file into a Document. Raises InputDocumentError with a French message."""
    p = Path(path)
    name = safe_display_name(display_name or p.name)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputDocumentError(f"« {name} » : fichier introuvable ou illisible.", code="D002") from exc
    if not p.is_file():
        raise InputDocumentError(f"« {name} » n'est pas un fichier.", code="D002")
    if size == 0:
        raise InputDocumentError(f"« {name} » est vide (0 octet).", code="D003")
    if size > limits.max_file_bytes:
        raise InputDocumentError(
            f"« {name} » est trop volumineux ({size / 1e6:.1f} Mo ; limite {limits.max_file_bytes / 1e6:.0f} Mo).",
            code="D004",
        )
    data = p.read_bytes()
    return load_bytes(data, name, limits)


def load_bytes(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Same as load_document for in-memory content (UI uploads)."""
    name = safe_display_name(name)
    if not data:
        raise InputDocumentError(f"« {name} » est vide (0 octet).", code="D003")
    if len(data) > limits.max_file_bytes:
        raise InputDocumentError(
            f"« {name} » est trop volumineux ({len(data) / 1e6:.1f} Mo ; limite {limits.max_file_bytes / 1e6:.0f} Mo).",
            code="D004",
        )
    sha = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    suffix = Path(name).suffix.lower()
    if kind == "pdf":
        from clausier.ingest.pdf import read_pdf

        doc = read_pdf(data, name, sha, limits)
    elif kind == "zip":
        from clausier.ingest.docx import read_docx

        doc = read_docx(data, name, sha, limits)
    elif kind == "ole":
        raise InputDocumentError(
            f"« {name} » est un document Word ancien (.doc) ou protégé par mot de passe : "
            "enregistrez-le au format .docx sans mot de passe, ou en PDF.",
            code="D005",
        )
    elif kind == "binary":
        raise InputDocumentError(
            f"« {name} » n'est ni un PDF, ni un document Word (.docx), ni un texte : format non pris en charge.",
            code="D006",
        )
    else:
        from clausier.ingest.text import read_text

        doc = read_text(data, name, sha, limits)
    if suffix and kind == "text" and suffix not in TEXT_SUFFIXES:
        doc.warnings.append(f"L'extension « {suffix} » ne correspond pas au contenu (texte brut) : lu comme texte.")
    elif suffix in {".pdf", ".docx"} and f".{doc.format}" != suffix:
        doc.warnings.append(
            f"L'extension « {suffix} » ne correspond pas au contenu ({doc.format.upper()}) : lu comme {doc.format.upper()}."
        )
    if len(doc.text) > limits.max_chars:
        raise InputDocumentError(
            f"« {name} » contient trop de texte ({len(doc.text)} caractères ; limite {limits.max_chars}).",
            code="D004",
        )
    if not doc.text.strip():
        raise InputDocumentError(f"« {name} » ne contient aucun texte lisible.", code="D007")
    return doc
