"""Render a PDF page with evidence rectangles drawn on it (pdfplumber + pypdfium2, in memory)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from clausier.types import BBox

SENTENCE_FILL = (255, 230, 0, 70)
SENTENCE_STROKE = (230, 160, 0, 255)
MATCH_FILL = (255, 120, 0, 90)
MATCH_STROKE = (200, 40, 0, 255)


def _pad(box: BBox, pad: float = 1.5) -> BBox:
    x0, top, x1, bottom = box
    return (x0 - pad, top - pad, x1 + pad, bottom + pad)


def focus_band(boxes: Sequence[BBox], page_height: float, margin: float = 110.0) -> tuple[float, float]:
    """Vertical band (top, bottom) of the page around the boxes, with some context."""
    top = max(0.0, min(b[1] for b in boxes) - margin)
    bottom = min(page_height, max(b[3] for b in boxes) + margin)
    return top, bottom


def render_page_png(pdf_bytes: bytes, page_number: int, sentence: Sequence[BBox], match: Sequence[BBox],
                    resolution: int = 110, zoom: bool = False) -> bytes:
    """PNG of page ``page_number`` (1-based) with the sentence in yellow and the matched words in orange.

    ``zoom``: only the band of the page around the passage, at a higher resolution (readable)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        page = pdf.pages[page_number - 1]
        boxes = [*sentence, *match]
        if zoom and boxes:
            top, bottom = focus_band(boxes, float(page.height))
            left, right = 0.0, float(page.width)
            if page.chars:  # trim the page margins: the text column only
                left = max(0.0, min(c["x0"] for c in page.chars) - 14)
                right = min(float(page.width), max(c["x1"] for c in page.chars) + 14)
            page = page.crop((left, top, right, bottom), relative=False, strict=False)
            resolution = max(resolution, 150)
        image = page.to_image(resolution=resolution)
        if sentence:
            image.draw_rects([_pad(b) for b in sentence], fill=SENTENCE_FILL, stroke=SENTENCE_STROKE,
                             stroke_width=1)
        if match:
            image.draw_rects([_pad(b, 1.0) for b in match], fill=MATCH_FILL, stroke=MATCH_STROKE, stroke_width=2)
        out = io.BytesIO()
        image.annotated.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
