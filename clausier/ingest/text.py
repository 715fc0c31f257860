"""Plain text / Markdown -> Document (one block per line)."""

from __future__ import annotations

from clausier.errors import InputDocumentError
from clausier.ingest.normalize import TextBuilder
from clausier.types import Document


def decode_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode UTF-8 (with or without BOM, or UTF-16 with BOM); fall back to Windows-1252."""
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), warnings
        except UnicodeDecodeError as exc:
            raise InputDocumentError(f"« {name} » : encodage UTF-16 invalide.", code="D008") from exc
    try:
        return data.decode("utf-8-sig"), warnings
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    if text.count("\ufffd") > max(10, len(text) // 100):
        raise InputDocumentError(
            f"« {name} » n'est pas un texte lisible (encodage inconnu ou fichier binaire).", code="D008"
        )
    warnings.append("Texte non UTF-8 : lu en Windows-1252 (caractères accentués à vérifier).")
    return text, warnings


def read_text(data: bytes, name: str, sha: str, limits: object) -> Document:
    text, warnings = decode_text(data, name)
    builder = TextBuilder()
    for i, line in enumerate(text.splitlines()):
        if line.strip():
            builder.add_block(line, kind="line", position=f"l{i + 1}")
        else:
            builder.paragraph_break()
    doc = builder.build(source_name=name, fmt="txt", sha256=sha)
    doc.warnings.extend(warnings)
    return doc
