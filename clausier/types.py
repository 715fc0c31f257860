"""Core document types. Everything downstream works on character offsets into ``Document.text``;
page, bounding box, article and sentence are looked up from offsets."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, top-left origin
Format = Literal["pdf", "docx", "txt"]


@dataclass(frozen=True)
class Block:
    """A run of text from the source (PDF paragraph, DOCX paragraph or table cell, text line)."""

    start: int
    end: int
    kind: str  # paragraph | heading | table | line | footnote
    page: int | None = None  # 1-based, PDF only
    bbox: BBox | None = None
    position: str | None = None  # DOCX: "p12", "t2:r3:c1"; text: "l40"
    style: str | None = None
    ocr_confidence: float | None = None


@dataclass(frozen=True)
class WordBox:
    """A PDF word with its offsets in the text and its box on the page (for highlighting)."""

    start: int
    end: int
    page: int
    bbox: BBox


@dataclass(frozen=True)
class PageInfo:
    number: int
    width: float
    height: float
    ocr: bool = False
    ocr_confidence: float | None = None
    unreadable: bool = False


@dataclass
class Document:
    """One contract: a single normalised text plus an index of blocks and (PDF) word boxes."""

    text: str
    blocks: list[Block]
    source_name: str
    format: Format
    sha256: str
    pages: list[PageInfo] = field(default_factory=list)
    words: list[WordBox] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._block_starts = [b.start for b in self.blocks]
        self._word_starts = [w.start for w in self.words]

    def block_at(self, offset: int) -> Block | None:
        i = bisect.bisect_right(self._block_starts, offset) - 1
        if i >= 0 and self.blocks[i].start <= offset < max(self.blocks[i].end, self.blocks[i].start + 1):
            return self.blocks[i]
        return self.blocks[i] if i >= 0 else None

    def page_at(self, offset: int) -> int | None:
        block = self.block_at(offset)
        return block.page if block else None

    def boxes(self, start: int, end: int) -> list[tuple[int, BBox]]:
        """Word boxes (page, bbox) covering the span [start, end) — empty for non-PDF input."""
        i = max(bisect.bisect_right(self._word_starts, start) - 1, 0)
        out = []
        while i < len(self.words) and self.words[i].start < end:
            w = self.words[i]
            if w.end > start:
                out.append((w.page, w.bbox))
            i += 1
        return out

    @property
    def page_count(self) -> int:
        return len(self.pages)


@dataclass(frozen=True)
class Section:
    """A unit of the contract's structure: article, numbered section, annex or preamble."""

    kind: str  # preamble | article | section | annex | heading
    number: str | None
    title: str
    level: int
    start: int  # heading start
    end: int  # end of the section body (before the next heading at the same or higher level)
    path: tuple[str, ...]  # e.g. ("Article 5", "5.2") or ("Annexe 2", "3")

    @property
    def label(self) -> str:
        return " > ".join(self.path) if self.path else "Préambule"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    section: int  # index into Structure.sections (deepest section containing it)


@dataclass
class Structure:
    """Segmentation result: sections (in text order) and sentences."""

    sections: list[Section]
    sentences: list[Sentence]
    toc_lines: int = 0

    def section_of(self, sentence: Sentence) -> Section:
        return self.sections[sentence.section]
