"""Regenerate the bundled sample contract (examples/contrat_exemple.{docx,pdf}) from its Markdown source.

The sample is written by the team (fictitious parties). DOCX via python-docx (heading styles),
PDF via reportlab (text layer, A4, page numbers in the footer). Needs the test extras (reportlab).

Usage: python scripts/make_examples.py [examples/contrat_exemple.md]
"""

from __future__ import annotations

import sys
from pathlib import Path


def blocks(md: str) -> list[tuple[str, str]]:
    """(kind, text) with kind in title / heading / paragraph."""
    out = []
    for raw in md.split("\n\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        if line.startswith("## "):
            out.append(("heading", line[3:]))
        elif line.startswith("# "):
            out.append(("title", line[2:]))
        else:
            out.append(("paragraph", line))
    return out


def write_docx(items: list[tuple[str, str]], path: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.author = "clausier"
    d.core_properties.title = "Contrat d'exemple"
    for kind, text in items:
        if kind == "title":
            d.add_heading(text, level=0)
        elif kind == "heading":
            d.add_heading(text, level=1)
        else:
            d.add_paragraph(text)
    d.save(path)


def write_pdf(items: list[tuple[str, str]], path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()

    def footer(canvas, doc):  # noqa: ANN001 - reportlab callback
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, 30, "Exemple Santé Logiciels - contrat DossierPlus")
        canvas.drawRightString(A4[0] - 72, 30, f"Page {doc.page}")

    story = []
    for kind, text in items:
        style = {"title": styles["Title"], "heading": styles["Heading2"]}.get(kind, styles["BodyText"])
        story.append(Paragraph(text.replace("&", "&amp;").replace("<", "&lt;"), style))
        story.append(Spacer(1, 4))
    doc = SimpleDocTemplate(str(path), pagesize=A4, title="Contrat d'exemple", author="clausier",
                            invariant=1)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)


def main(argv: list[str]) -> int:
    src = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "examples" / "contrat_exemple.md"
    items = blocks(src.read_text(encoding="utf-8"))
    write_docx(items, src.with_suffix(".docx"))
    write_pdf(items, src.with_suffix(".pdf"))
    print(f"written {src.with_suffix('.docx')} and {src.with_suffix('.pdf')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
