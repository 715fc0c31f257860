"""DOCX -> Document with python-docx.

The zip container is checked before anything is inflated (entry count, declared sizes, ratios,
external relationships). Body paragraphs and tables are read in document order; automatic
numbering is rendered as Word displays it ("5.2", "Article 3", "a)"); headers and footers are
kept out of the text (listed in metadata); footnotes are appended at the end; tracked changes are
read as accepted (insertions kept, deletions dropped); comments are ignored.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from collections.abc import Iterator
from typing import Any

from clausier.errors import InputDocumentError
from clausier.ingest.normalize import TextBuilder
from clausier.types import Document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_NS = {"w": W[1:-1]}


def check_zip(data: bytes, name: str, limits: Any) -> zipfile.ZipFile:
    """Open the container and refuse zip bombs and non-DOCX archives before inflating anything."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputDocumentError(f"« {name} » est une archive endommagée (DOCX illisible).", code="D010") from exc
    if len(infos) > limits.max_zip_entries:
        raise InputDocumentError(
            f"« {name} » contient {len(infos)} éléments internes (limite {limits.max_zip_entries}) : refusé.",
            code="D012",
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1_000_000 and ratio > limits.max_zip_ratio:
            raise InputDocumentError(
                f"« {name} » ressemble à une « bombe zip » (taux de compression {ratio:.0f}:1) : refusé.",
                code="D012",
            )
        if info.flag_bits & 0x1:
            raise InputDocumentError(f"« {name} » contient des éléments chiffrés : refusé.", code="D009")
    if total > limits.max_zip_uncompressed:
        raise InputDocumentError(
            f"« {name} » occuperait {total / 1e6:.0f} Mo une fois décompressé "
            f"(limite {limits.max_zip_uncompressed / 1e6:.0f} Mo) : refusé.",
            code="D012",
        )
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
            kind = "un classeur Excel" if "xl/workbook.xml" in names else "une présentation PowerPoint"
            raise InputDocumentError(f"« {name} » est {kind}, pas un document Word.", code="D006")
        raise InputDocumentError(f"« {name} » est une archive ZIP mais pas un document Word (.docx).", code="D006")
    return zf


def _xml_depth_ok(xml: bytes, max_depth: int) -> bool:
    """Cheap streaming check of element nesting depth (deeply nested XML exhausts parsers)."""
    depth = 0
    for match in re.finditer(rb"<(/?)[A-Za-z][^>]*?(/?)>", xml):
        if match.group(1):
            depth -= 1
        elif not match.group(2):
            depth += 1
            if depth > max_depth:
                return False
    return True


# ---------------------------------------------------------------------------------------------
# Numbering as displayed


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Numbering:
    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    num_to_abstract: dict[str, str] = field(default_factory=dict)
    overrides: dict[tuple[str, int], int] = field(default_factory=dict)
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_part(cls, element: Any) -> _Numbering:
        n = cls()
        if element is None:
            return n
        for absn in element.findall(f"{W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in absn.findall(f"{W}lvl"):
                ilvl = int(lvl.get(f"{W}ilvl", "0"))
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                levels[ilvl] = _Level(
                    fmt=fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
                    text=text.get(f"{W}val", "") if text is not None else "",
                    start=int(start.get(f"{W}val", "1")) if start is not None else 1,
                )
            n.abstract[absn.get(f"{W}abstractNumId", "")] = levels
        for num in element.findall(f"{W}num"):
            num_id = num.get(f"{W}numId", "")
            ref = num.find(f"{W}abstractNumId")
            if ref is not None:
                n.num_to_abstract[num_id] = ref.get(f"{W}val", "")
            for ov in num.findall(f"{W}lvlOverride"):
                so = ov.find(f"{W}startOverride")
                if so is not None:
                    n.overrides[(num_id, int(ov.get(f"{W}ilvl", "0")))] = int(so.get(f"{W}val", "1"))
        return n

    def render(self, num_id: str, ilvl: int) -> str:
        """Advance the counters of this list and return the label Word would display."""
        abs_id = self.num_to_abstract.get(num_id)
        if abs_id is None or num_id == "0":
            return ""
        levels = self.abstract.get(abs_id, {})
        counters = self.counters.setdefault(abs_id, [0] * 10)
        ilvl = min(max(ilvl, 0), 9)
        start = self.overrides.get((num_id, ilvl), levels.get(ilvl, _Level()).start)
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else start
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = 0
        level = levels.get(ilvl, _Level())
        if level.fmt in ("bullet", "none"):
            return ""

        def value(i: int) -> str:
            lv = levels.get(i, _Level())
            c = counters[i] or lv.start
            return _format_number(c, lv.fmt)

        return re.sub(r"%(\d)", lambda m: value(int(m.group(1)) - 1), level.text).strip()


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        out, k = "", n
        for v, s in vals:
            while k >= v:
                out, k = out + s, k - v
        return out if fmt == "upperRoman" else out.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("A") + (n - 1) % 26)
        return s if fmt == "upperLetter" else s.lower()
    return str(n)


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _in_fallback(el: Any, stop: Any) -> bool:
    """True inside an mc:Fallback (the legacy copy of a text box: its text is already in mc:Choice)."""
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == _MC_FALLBACK:
            return True
        parent = parent.getparent()
    return False


def _own(container: Any, tag: str, container_tag: str) -> list[Any]:
    """Descendants ``tag`` of ``container`` not inside a nested ``container_tag`` (rows or cells
    wrapped in content controls are kept, those of a nested table are not)."""
    out = []
    for el in container.iter(tag):
        parent = el.getparent()
        while parent is not None and parent is not container and parent.tag != container_tag:
            parent = parent.getparent()
        if parent is container:
            out.append(el)
    return out


def iter_body_paragraphs(body: Any) -> Iterator[tuple[str, str, Any]]:
    """(position, kind, w:p element) of the body in reading order; the one traversal shared by the
    reader and by the annotated-copy export. Position: ``p12`` for a body paragraph (content
    controls included), ``t2:r3:c1`` for a table cell, ``t2:r3:c1:t:r1:c2`` for a nested table."""

    def table(tbl: Any, position: str) -> Iterator[tuple[str, str, Any]]:
        for r_i, row in enumerate(_own(tbl, f"{W}tr", f"{W}tbl"), start=1):
            for c_i, cell in enumerate(_own(row, f"{W}tc", f"{W}tr"), start=1):
                here = f"{position}:r{r_i}:c{c_i}"
                for item in cell.iterchildren():
                    if item.tag == f"{W}p":
                        yield here, "table", item
                    elif item.tag == f"{W}tbl":
                        yield from table(item, here + ":t")
                    elif item.tag == f"{W}sdt":
                        for p in item.iter(f"{W}p"):
                            yield here, "table", p

    p_index = t_index = 0
    for child in body.iterchildren():
        if child.tag == f"{W}p":
            p_index += 1
            yield f"p{p_index}", "paragraph", child
        elif child.tag == f"{W}tbl":
            t_index += 1
            yield from table(child, f"t{t_index}")
        elif child.tag == f"{W}sdt":  # content controls (cover pages, tables of contents)
            for p in child.iter(f"{W}p"):
                p_index += 1
                yield f"p{p_index}", "paragraph", p


def _paragraph_text(p: Any) -> str:
    """Visible text: w:t of runs (tracked insertions included, w:delText excluded), tabs, breaks."""
    parts = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}noBreakHyphen"):
        if _in_fallback(el, p):
            continue
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append(" ")
    return "".join(parts)


def _style_numpr(doc: Any, style_id: str | None) -> tuple[str, int] | None:
    """Numbering inherited from a paragraph style (common for numbered heading styles)."""
    seen = 0
    while style_id and seen < 10:
        seen += 1
        style = doc.styles.element.find(f"{W}style[@{W}styleId='{style_id}']")
        if style is None:
            return None
        num_pr = style.find(f"{W}pPr/{W}numPr")
        if num_pr is not None:
            num_id = num_pr.find(f"{W}numId")
            ilvl = num_pr.find(f"{W}ilvl")
            if num_id is not None:
                return num_id.get(f"{W}val", ""), int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0
        based = style.find(f"{W}basedOn")
        style_id = based.get(f"{W}val") if based is not None else None
    return None


def read_docx(data: bytes, name: str, sha: str, limits: Any) -> Document:
    zf = check_zip(data, name, limits)
    try:
        with zf:
            for part in ("word/document.xml", "word/numbering.xml", "word/styles.xml", "word/footnotes.xml"):
                if part in zf.namelist():
                    raw = zf.read(part)
                    if b"<!ENTITY" in raw[:4096] or not _xml_depth_ok(raw, limits.max_xml_depth):
                        raise InputDocumentError(
                            f"« {name} » contient une structure XML anormale (entités ou imbrication excessive) : "
                            "refusé.", code="D012")
            rels = zf.read("word/_rels/document.xml.rels") if "word/_rels/document.xml.rels" in zf.namelist() else b""
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        # a damaged member (bad CRC, truncated deflate stream, unsupported compression)
        raise InputDocumentError(f"« {name} » est un document Word endommagé ({type(exc).__name__}).", code="D010") from exc
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputDocumentError(f"« {name} » est un document Word endommagé ({type(exc).__name__}).", code="D010") from exc
    except Exception as exc:  # lxml / python-docx raise many types on damaged parts
        raise InputDocumentError(f"« {name} » est un document Word illisible ({type(exc).__name__}).", code="D010") from exc

    try:
        numbering_el = document.part.numbering_part.element
    except (NotImplementedError, KeyError, AttributeError):
        numbering_el = None
    numbering = _Numbering.from_part(numbering_el)
    builder = TextBuilder()

    def add_paragraph(p: Any, position: str, kind_default: str) -> None:
        text = _paragraph_text(p)
        style_id = None
        ppr = p.find(f"{W}pPr")
        num: tuple[str, int] | None = None
        if ppr is not None:
            ps = ppr.find(f"{W}pStyle")
            style_id = ps.get(f"{W}val") if ps is not None else None
            num_pr = ppr.find(f"{W}numPr")
            if num_pr is not None:
                nid = num_pr.find(f"{W}numId")
                ilvl = num_pr.find(f"{W}ilvl")
                if nid is not None:
                    num = (nid.get(f"{W}val", ""), int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0)
        if num is None and style_id:
            num = _style_numpr(document, style_id)
        label = numbering.render(*num) if num else ""
        if not text.strip():
            return
        if label:
            text = f"{label} {text.strip()}"
        style_name = style_id or ""
        heading = bool(re.match(r"(?i)^(heading|titre|title)\s*\d*$", style_name)) or style_name.lower().startswith(
            ("heading", "titre")
        )
        builder.add_block(
            text,
            kind="heading" if heading else kind_default,
            position=position,
            style=style_name or None,
            own_paragraph=True,
        )

    for position, kind, p in iter_body_paragraphs(document.element.body):
        add_paragraph(p, position, kind)

    # Footnotes: appended at the end so they can still carry obligations.
    try:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        for rel in document.part.rels.values():
            if rel.reltype == RT.FOOTNOTES and not rel.is_external:
                from lxml import etree

                root = etree.fromstring(rel.target_part.blob, etree.XMLParser(resolve_entities=False, no_network=True))
                for i, fn in enumerate(root.findall(f"{W}footnote"), start=1):
                    if fn.get(f"{W}type") in ("separator", "continuationSeparator"):
                        continue
                    text = " ".join(_paragraph_text(p) for p in fn.iter(f"{W}p")).strip()
                    if text:
                        builder.add_block(f"[Note {fn.get(f'{W}id', i)}] {text}", kind="footnote",
                                          position=f"fn{i}", own_paragraph=True)
    except Exception:  # footnotes are a best effort: never fail the document for them
        pass

    doc = builder.build(source_name=name, fmt="docx", sha256=sha)
    headers = set()
    for section in document.sections:
        for part in (section.header, section.footer):
            try:
                t = " ".join(p.text for p in part.paragraphs).strip()
            except Exception:
                t = ""
            if t:
                headers.add(t)
    if headers:
        doc.metadata["headers_footers"] = " | ".join(sorted(headers))[:2000]
    if b'TargetMode="External"' in rels:
        doc.warnings.append(
            "Le document contient des liens externes (ignorés : clausier n'ouvre aucune ressource distante)."
        )
    return doc
