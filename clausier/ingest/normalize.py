"""Build the single normalised text of a Document block by block, keeping exact offsets.

Layout convention shared by every reader: lines of a paragraph are separated by "\\n", paragraphs
by a blank line ("\\n\\n"). Segmentation relies on it.
"""

from __future__ import annotations

import re
import unicodedata

from clausier.types import BBox, Block, Document, PageInfo, WordBox

# Characters replaced one-for-one (offsets are preserved by construction: we build the text).
_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\t": " ",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u00ad": "",  # soft hyphen
        "\u200b": "",
        "\ufeff": "",
        "\r": "",
    }
)
_SPACES = re.compile(r"[ ]{2,}")


def clean(text: str) -> str:
    """NFC, typographic apostrophes and odd spaces normalised, runs of spaces folded."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", text)


class TextBuilder:
    """Accumulates blocks into one text with offsets; readers call add_block/paragraph_break."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []
        self.words: list[WordBox] = []
        self.pages: list[PageInfo] = []
        self._pending_break = False

    @property
    def length(self) -> int:
        return self._length

    def _append(self, s: str) -> None:
        self._parts.append(s)
        self._length += len(s)

    def paragraph_break(self) -> None:
        self._pending_break = True

    def _separator(self) -> None:
        if self._length == 0:
            self._pending_break = False
            return
        self._append("\n\n" if self._pending_break else "\n")
        self._pending_break = False

    def add_block(
        self,
        text: str,
        *,
        kind: str,
        page: int | None = None,
        bbox: BBox | None = None,
        position: str | None = None,
        style: str | None = None,
        ocr_confidence: float | None = None,
        own_paragraph: bool = False,
    ) -> Block | None:
        """Append one block (its own line). own_paragraph surrounds it with blank lines."""
        text = clean(text).strip()
        if not text:
            return None
        if own_paragraph:
            self._pending_break = True
        self._separator()
        start = self._length
        self._append(text)
        block = Block(start, self._length, kind, page, bbox, position, style, ocr_confidence)
        self.blocks.append(block)
        if own_paragraph:
            self._pending_break = True
        return block

    def add_words_line(
        self,
        words: list[tuple[str, int, BBox]],
        *,
        kind: str,
        page: int,
        ocr_confidence: float | None = None,
        join_previous: bool = False,
    ) -> Block | None:
        """Append a PDF line made of (word, page, bbox), recording every word's offsets.

        join_previous glues the line to the previous one without separator (hyphenation repair).
        """
        cleaned = [(clean(w).strip(), p, b) for w, p, b in words]
        cleaned = [c for c in cleaned if c[0]]
        if not cleaned:
            return None
        if not join_previous:
            self._separator()
        start = self._length
        for i, (w, p, b) in enumerate(cleaned):
            if i:
                self._append(" ")
            ws = self._length
            self._append(w)
            self.words.append(WordBox(ws, self._length, p, b))
        x0 = min(b[0] for _, _, b in cleaned)
        top = min(b[1] for _, _, b in cleaned)
        x1 = max(b[2] for _, _, b in cleaned)
        bottom = max(b[3] for _, _, b in cleaned)
        block = Block(start, self._length, kind, page, (x0, top, x1, bottom), None, None, ocr_confidence)
        self.blocks.append(block)
        return block

    def remove_trailing_hyphen(self) -> None:
        """Drop a final '-' (line-end hyphenation) from the text and from the last word box."""
        if self._parts and self._parts[-1].endswith("-"):
            self._parts[-1] = self._parts[-1][:-1]
            self._length -= 1
            if self.words and self.words[-1].end > self._length:
                w = self.words[-1]
                self.words[-1] = WordBox(w.start, self._length, w.page, w.bbox)
            if self.blocks and self.blocks[-1].end > self._length:
                b = self.blocks[-1]
                self.blocks[-1] = Block(b.start, self._length, b.kind, b.page, b.bbox, b.position, b.style, b.ocr_confidence)

    def build(self, *, source_name: str, fmt: str, sha256: str) -> Document:
        return Document(
            text="".join(self._parts),
            blocks=self.blocks,
            source_name=source_name,
            format=fmt,  # type: ignore[arg-type]
            sha256=sha256,
            pages=self.pages,
            words=self.words,
        )
