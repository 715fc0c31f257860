"""Document -> Structure: articles, numbered sections, annexes, and sentences.

Headings are recognised line by line ("Article 5 : ...", "5.2 Titre", "ANNEXE 2 - ...", Markdown
"## ..."), then filtered: table-of-contents entries (dot leaders, or a heading repeated later in
the document) are dropped, numbered headings must follow the numbering sequence, and a numbered
line must look like a title (short, not a sentence). Sentences come from the French spaCy pipeline
run on paragraph units that never cross a heading or a list item.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from clausier.types import Document, Section, Sentence, Structure

_TOC_LEADER = re.compile(r"(\.{4,}|…{2,}|(\. ){4,}|_{5,})\s*\d{0,4}\s*$")
_ARTICLE = re.compile(
    r"^(?:article|art\.)\s+(premier|1er|\d{1,3}(?:[.\-]\d{1,3}){0,3}|[IVXLC]{1,6})\b\.?\s*[:.\-–—)]?\s*(.{0,160})$",
    re.IGNORECASE,
)
_ANNEX = re.compile(
    r"^(?:annexe|appendice|appendix|schedule|exhibit)(?:\s+(?:n°\s*)?([0-9]{1,2}|[A-Z]|[IVX]{1,5}))?\b\s*[:.\-–—)]?\s*(.{0,160})$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,4})(?:\.|\))?\s+(\S.{0,140})$")
_ROMAN = re.compile(r"^([IVX]{1,5})[.)\-–]\s+(\S.{0,120})$")
_MARKDOWN = re.compile(r"^(#{1,6})\s+(.{1,200})$")
_LIST_ITEM = re.compile(r"^\s*([-–—•*▪●◦·]\s|[a-z]\)\s|\(?[ivx]{1,4}\)\s|\d{1,2}°|\(\d{1,2}\)\s)")
_MAX_SENTENCE = 1200
_CONTINUATION = re.compile(r"[a-zà-ÿ][a-zà-ÿ']|[àa] ")
# A title does not end on a function word: such a line is the first line of a wrapped paragraph.
_DANGLING = re.compile(
    r"\s(et|ou|de|du|des|la|le|les|l'|d'un|d'une|un|une|à|au|aux|en|par|pour|sur|dans|que|qui|avec|sans|"
    r"of|the|and|or|to|in|for|with|a|an)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Candidate:
    line_start: int
    line_end: int
    kind: str  # article | annex | section | markdown
    number: str | None
    title: str
    level: int


def _title_like(title: str) -> bool:
    t = title.strip()
    if not t or len(t) > 120 or len(t.split()) > 16:
        return False
    if t[-1] in ",;" or _DANGLING.search(t):
        return False
    if t.endswith(".") and len(t.split()) > 10:
        return False
    first = t.lstrip("«\"'(« ")[:1]
    return bool(first) and first.isalpha() and first.isupper()


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    pos = 0
    for raw in text.split("\n"):
        yield pos, pos + len(raw), raw
        pos += len(raw) + 1


def _classify(line: str, start: int, end: int) -> _Candidate | None:
    s = line.strip()
    if not s or len(s) > 200:
        return None
    m = _MARKDOWN.match(s)
    if m:
        inner = m.group(2).strip().strip("*_ ")
        sub = _classify(inner, start, end)
        if sub is not None:
            return sub
        return _Candidate(start, end, "heading", None, inner, len(m.group(1)))
    m = _ARTICLE.match(s)
    if m:
        num = m.group(1)
        num = "1" if num.lower() in ("premier", "1er") else num
        title = m.group(2).strip(" :.-–—")
        if title and not _title_like(title):
            return None
        return _Candidate(start, end, "article", num, title, 1)
    m = _ANNEX.match(s)
    if m and (m.group(1) or not m.group(2) or _title_like(m.group(2))):
        title = (m.group(2) or "").strip(" :.-–—")
        if title and not _title_like(title):
            return None
        return _Candidate(start, end, "annex", m.group(1), title, 0)
    m = _NUMBERED.match(s)
    if m and _title_like(m.group(2)):
        number = m.group(1)
        return _Candidate(start, end, "section", number, m.group(2).strip(), number.count(".") + 1)
    m = _ROMAN.match(s)
    if m and _title_like(m.group(2)) and m.group(2).strip()[:1].isupper():
        return _Candidate(start, end, "section", m.group(1), m.group(2).strip(), 1)
    return None


def _key(c: _Candidate) -> tuple[str, str | None, str]:
    """Identity of a heading for TOC detection; a trailing page number (TOC entry) is ignored."""
    title = re.sub(r"\W+", " ", c.title.lower()).strip()
    return c.kind, c.number, re.sub(r"\s+\d{1,4}$", "", title)


def _parts(number: str) -> list[int] | None:
    try:
        return [int(x) for x in re.split(r"[.\-]", number)]
    except ValueError:
        return None


def find_headings(text: str) -> tuple[list[_Candidate], set[int]]:
    """Accepted headings in text order, and the start offsets of table-of-contents lines."""
    candidates: list[_Candidate] = []
    toc: set[int] = set()
    lines = list(_lines(text))
    for i, (start, end, line) in enumerate(lines):
        if _TOC_LEADER.search(line) and len(line.strip()) > 8:
            toc.add(start)
            continue
        c = _classify(line, start, end)
        if c is None:
            continue
        nxt = lines[i + 1][2].lstrip() if i + 1 < len(lines) else ""
        if c.kind in ("section", "article") and _CONTINUATION.match(nxt):
            continue  # the line continues into the next one: a wrapped paragraph, not a title
        candidates.append(c)
    # A heading repeated later (same kind, number, title) is a table-of-contents entry.
    last_index: dict[tuple[str, str | None, str], int] = {}
    for i, c in enumerate(candidates):
        last_index[_key(c)] = i
    kept = []
    for i, c in enumerate(candidates):
        if c.kind != "heading" and c.title and last_index[_key(c)] != i:
            toc.add(c.line_start)
            continue
        kept.append(c)
    has_articles = sum(1 for c in kept if c.kind == "article") >= 2
    accepted: list[_Candidate] = []
    current: list[int] = []  # numbering path of the last accepted numbered section
    article: int | None = None
    seen_body_heading = False
    in_annex = False
    for c in kept:
        if c.kind == "annex":
            if not seen_body_heading:
                # An "ANNEXE ..." line before any article is the title of a stand-alone annex.
                accepted.append(_Candidate(c.line_start, c.line_end, "heading", None,
                                           c.title or "Annexe", 1))
                continue
            current, article, in_annex = [], None, True
            accepted.append(c)
            continue
        if c.kind in ("article", "section"):
            seen_body_heading = True
        if c.kind in ("heading",):
            accepted.append(c)
            continue
        parts = _parts(c.number) if c.number and c.number[0].isdigit() else None
        if c.kind == "article":
            if parts:
                article = parts[0]
                current = parts[:]
            accepted.append(c)
            continue
        if parts is None:  # roman numbered section
            if not has_articles:
                accepted.append(c)
            continue
        if has_articles and not in_annex:
            # Inside an "Article N" document, numbered lines are sub-sections N.x of the article.
            if len(parts) >= 2 and (article is None or parts[0] == article) and _follows(current, parts):
                current = parts
                accepted.append(_with_level(c, len(parts)))
            continue
        if _follows(current, parts):
            current = parts
            accepted.append(c)
    return accepted, toc


def _with_level(c: _Candidate, level: int) -> _Candidate:
    return _Candidate(c.line_start, c.line_end, c.kind, c.number, c.title, level)


def _follows(current: list[int], parts: list[int]) -> bool:
    """Is `parts` a plausible next heading number after `current`? Small gaps are tolerated."""
    if parts[0] < 1:
        return False
    if not current:
        return parts[0] <= 3 and all(1 <= p <= 3 for p in parts[1:])
    depth = len(parts)
    prefix, last = parts[:-1], parts[-1]
    if depth <= len(current):
        if prefix != current[: depth - 1]:
            return False
        return current[depth - 1] < last <= current[depth - 1] + 3
    # one level deeper than current: must start a child of current
    return depth == len(current) + 1 and prefix == current and last <= 3


def build_sections(text: str, headings: list[_Candidate]) -> list[Section]:
    """Turn headings into nested sections; sections[0] is always the preamble."""
    first = headings[0].line_start if headings else len(text)
    sections = [Section("preamble", None, "Préambule", 0, 0, first, ())]
    stack: list[tuple[int, tuple[str, ...]]] = []  # (level, path)
    for i, h in enumerate(headings):
        level = h.level
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent_path = stack[-1][1] if stack else ()
        if h.kind == "article":
            label = f"Article {h.number}"
        elif h.kind == "annex":
            label = f"Annexe {h.number}" if h.number else (f"Annexe – {h.title}" if h.title else "Annexe")
        elif h.number:
            label = h.number
        else:
            label = h.title[:60]
        path = (*parent_path, label)
        end = len(text)
        for nxt in headings[i + 1 :]:
            if nxt.level <= level:
                end = nxt.line_start
                break
        sections.append(Section(h.kind, h.number, h.title, level, h.line_start, end, path))
        stack.append((level, path))
    return sections


def _units(text: str, heading_lines: set[int], skip_lines: frozenset[int] = frozenset()) -> Iterator[tuple[int, int]]:
    """Paragraph units: runs of non-blank lines, split at headings and list items. Lines in
    ``skip_lines`` (table of contents) are left out: they would only duplicate the headings."""
    unit_start: int | None = None
    unit_end = 0
    for start, end, line in _lines(text):
        blank = not line.strip() or start in skip_lines
        boundary = blank or start in heading_lines or _LIST_ITEM.match(line) is not None
        if boundary and unit_start is not None:
            yield unit_start, unit_end
            unit_start = None
        if blank:
            continue
        if start in heading_lines:
            yield start, end
            continue
        if unit_start is None:
            unit_start = start
        unit_end = end
    if unit_start is not None:
        yield unit_start, unit_end


def _split_long(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long sentence (tables, lists without punctuation) at line breaks."""
    if end - start <= _MAX_SENTENCE:
        yield start, end
        return
    piece = start
    while piece < end:
        limit = min(piece + _MAX_SENTENCE, end)
        cut = text.rfind("\n", piece + 1, limit) if limit < end else end
        if cut <= piece:
            cut = limit
        yield piece, cut
        piece = cut + 1 if cut < end and text[cut] == "\n" else cut


_LABEL_MAX = 80  # a "Label :" sentence up to this length is joined to what follows it


def _join_labels(text: str, sents: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a short sentence ending with a colon ("LES DONNÉES :", "Durée du traitement :") to the
    next sentence of the same unit: the statistical splitter often cuts definitions there, which
    separates a term from what the contract says about it."""
    out: list[tuple[int, int]] = []
    for start, end in sents:
        if out:
            p0, p1 = out[-1]
            label = text[p0:p1].rstrip()
            if label.endswith(":") and len(label) <= _LABEL_MAX:
                out[-1] = (p0, end)
                continue
        out.append((start, end))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass
class Parsed:
    """Document + structure + the spaCy docs of each unit (reused by the detectors)."""

    document: Document
    structure: Structure
    units: list[tuple[int, Any]]  # (char offset of the unit, spaCy Doc)


def segment(document: Document, nlp: Any) -> Parsed:
    text = document.text
    headings, toc = find_headings(text)
    sections = build_sections(text, headings)
    heading_lines = {h.line_start for h in headings}
    spans = list(_units(text, heading_lines, frozenset(toc)))
    sentences: list[Sentence] = []
    units: list[tuple[int, Any]] = []
    section_starts = [s.start for s in sections]
    sec_i = 0
    docs = nlp.pipe((text[s:e] for s, e in spans), batch_size=64)
    for (ustart, _uend), sdoc in zip(spans, docs):
        units.append((ustart, sdoc))
        for s0, s1 in _join_labels(text, [(ustart + sent.start_char, ustart + sent.end_char) for sent in sdoc.sents]):
            s0, s1 = _trim(text, s0, s1)
            if s1 <= s0:
                continue
            for a, b in _split_long(text, s0, s1):
                a, b = _trim(text, a, b)
                if b <= a:
                    continue
                while sec_i + 1 < len(section_starts) and section_starts[sec_i + 1] <= a:
                    sec_i += 1
                # deepest section containing a
                idx = sec_i
                while idx > 0 and not (sections[idx].start <= a < sections[idx].end):
                    idx -= 1
                sentences.append(Sentence(a, b, idx))
    return Parsed(document, Structure(sections, sentences, len(toc)), units)
