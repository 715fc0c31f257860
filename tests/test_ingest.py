"""Ingestion: PDF, DOCX and text give the same text and structure; bad input gets its own message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clausier.errors import InputDocumentError
from clausier.ingest import Limits, load_bytes, load_document
from clausier.segment import segment
from tests import factories as fx


@pytest.fixture()
def contract_files(tmp_path: Path) -> dict[str, Path]:
    sections = fx.contract_sections(annex={"backup": "Les sauvegardes sont quotidiennes et chiffrées."})
    return {
        "txt": fx.write_txt(tmp_path / "c.txt", sections),
        "docx": fx.write_docx(tmp_path / "c.docx", sections),
        "pdf": fx.write_pdf(tmp_path / "c.pdf", sections),
    }


def test_ingest_same_structure_in_three_formats(contract_files, nlp):
    outlines = {}
    for fmt, path in contract_files.items():
        doc = load_document(path)
        assert doc.format == fmt
        parsed = segment(doc, nlp)
        outlines[fmt] = [s.path for s in parsed.structure.sections[1:]]
    assert outlines["txt"] == outlines["docx"] == outlines["pdf"]
    assert ("Article 1",) in outlines["pdf"]
    assert ("Annexe 1", "1") in outlines["pdf"]


def test_ingest_pdf_word_boxes_and_pages(contract_files):
    doc = load_document(contract_files["pdf"])
    assert doc.page_count == 1 and doc.pages[0].width > 500
    i = doc.text.index("certifié HDS")
    boxes = doc.boxes(i, i + len("certifié HDS"))
    assert boxes and all(page == 1 for page, _ in boxes)
    x0, top, x1, bottom = boxes[0][1]
    assert 0 <= x0 < x1 and 0 <= top < bottom
    assert doc.page_at(i) == 1


def test_ingest_pdf_repairs_hyphenation_and_drops_page_numbers(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "h.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for page in range(1, 4):
        c.drawString(72, 800, "Contrat DossierPlus - confidentiel")
        c.drawString(72, 700, "Le Prestataire garantit la confiden-")
        c.drawString(72, 686, "tialité des données de la page.")
        c.drawString(290, 30, str(page))
        c.showPage()
    c.save()
    doc = load_document(path)
    assert "confidentialité des données" in doc.text
    assert "Contrat DossierPlus" not in doc.text
    assert not any(line.strip().isdigit() for line in doc.text.split("\n"))


def test_ingest_docx_numbering_rendered(tmp_path, nlp):
    import docx

    d = docx.Document()
    for title in ("Objet", "Sécurité", "Réversibilité"):
        d.add_paragraph(title, style="List Number")
        d.add_paragraph("Texte de l'article rédigé pour le test.")
    path = tmp_path / "n.docx"
    d.save(path)
    doc = load_document(path)
    assert "1. Objet" in doc.text and "3. Réversibilité" in doc.text
    titles = [s.title for s in segment(doc, nlp).structure.sections[1:]]
    assert titles == ["Objet", "Sécurité", "Réversibilité"]


def test_ingest_text_encodings():
    utf8 = "Article 1 : Données de santé hébergées en France".encode()
    assert "hébergées" in load_bytes(utf8, "a.txt").text
    latin = "Article 1 : Données hébergées".encode("cp1252")
    doc = load_bytes(latin, "b.txt")
    assert "hébergées" in doc.text and any("Windows-1252" in w for w in doc.warnings)
    utf16 = "Article 1 : Objet du contrat".encode("utf-16")
    assert "Objet" in load_bytes(utf16, "c.txt").text


# ----------------------------------------------------------------------------- bad input


def _bad(tmp_path: Path, kind: str) -> tuple[Path, Limits]:
    limits = Limits()
    p = tmp_path / f"bad-{kind}"
    if kind == "empty":
        p = p.with_suffix(".pdf")
        p.write_bytes(b"")
    elif kind == "corrupt_pdf":
        p = p.with_suffix(".pdf")
        p.write_bytes(fx.truncated(fx.pdf_bytes(fx.contract_sections()), 0.3))
    elif kind == "garbage_pdf":
        p = p.with_suffix(".pdf")
        p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    elif kind == "encrypted_pdf":
        fx.write_pdf(p.with_suffix(".pdf"), fx.contract_sections(), encrypt="secret")
        p = p.with_suffix(".pdf")
    elif kind == "scanned_no_ocr":
        p = fx.write_image_pdf(p.with_suffix(".pdf"))
        limits = Limits(ocr=False)
    elif kind == "oversized":
        p = p.with_suffix(".txt")
        p.write_text("Article 1 : Objet\n" * 2000, encoding="utf-8")
        limits = Limits(max_file_bytes=1000)
    elif kind == "too_many_pages":
        p = fx.write_pdf(p.with_suffix(".pdf"), fx.contract_sections() * 12)
        limits = Limits(max_pages=1)
    elif kind == "zip_bomb":
        p = fx.zip_bomb_docx(p.with_suffix(".docx"), inflated_mb=400)
    elif kind == "nested_xml":
        p = fx.nested_xml_docx(p.with_suffix(".docx"))
    elif kind == "xlsx_as_docx":
        p = fx.xlsx_like(p.with_suffix(".docx"))
    elif kind == "binary":
        p = p.with_suffix(".docx")
        p.write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200)
    elif kind == "legacy_doc":
        p = p.with_suffix(".doc")
        p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    elif kind == "whitespace_only":
        p = p.with_suffix(".txt")
        p.write_text("   \n\n\t  \n", encoding="utf-8")
    elif kind == "directory":
        p.mkdir()
    return p, limits


BAD = {
    "empty": ("D003", "vide"),
    "corrupt_pdf": ("D010", "endommagé"),
    "garbage_pdf": ("D010", "endommagé"),
    "encrypted_pdf": ("D009", "mot de passe"),
    "scanned_no_ocr": ("D011", "scanné"),
    "oversized": ("D004", "trop volumineux"),
    "too_many_pages": ("D004", "pages"),
    "zip_bomb": ("D012", "bombe zip"),
    "nested_xml": ("D012", "XML anormale"),
    "xlsx_as_docx": ("D006", "classeur Excel"),
    "binary": ("D006", "format non pris en charge"),
    "legacy_doc": ("D005", ".docx"),
    "whitespace_only": ("D007", "aucun texte"),
    "directory": ("D002", "n'est pas un fichier"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_ingest_bad_input_specific_message(tmp_path, kind):
    path, limits = _bad(tmp_path, kind)
    code, words = BAD[kind]
    with pytest.raises(InputDocumentError) as info:
        load_document(path, limits)
    assert info.value.code == code, info.value.message
    assert words in info.value.message


def test_ingest_lying_extension_is_read_by_content(tmp_path, contract_files):
    lying = tmp_path / "contrat.pdf"
    shutil.copy(contract_files["docx"], lying)
    doc = load_document(lying)
    assert doc.format == "docx"
    assert any("ne correspond pas" in w for w in doc.warnings)


def test_ingest_scanned_pdf_ocr_when_available(tmp_path):
    from clausier.ingest.pdf import tesseract_available

    if not tesseract_available("fra"):
        pytest.skip("tesseract-ocr-fra not installed")
    path = fx.write_image_pdf(tmp_path / "scan.pdf", "Article 1 : Objet\nLe Prestataire garantit la confidentialite.")
    doc = load_document(path)
    assert doc.pages[0].ocr and doc.pages[0].ocr_confidence is not None
    assert "Prestataire" in doc.text
    assert any("OCR" in w for w in doc.warnings)


@pytest.mark.corpus
def test_ingest_every_corpus_document_parses(corpus_dir, nlp):
    docs = sorted(p for p in (corpus_dir / "documents").iterdir() if not p.name.endswith(".source.txt"))
    assert docs
    for p in docs:
        doc = load_document(p)
        parsed = segment(doc, nlp)
        assert len(doc.text) > 1000, p.name
        assert parsed.structure.sentences, p.name


def test_ingest_docx_nested_tables_and_text_boxes_read_once():
    import io

    import docx
    from lxml import etree

    from clausier.ingest import load_bytes

    d = docx.Document()
    d.add_paragraph("Article 1 : Objet")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Cellule extérieure"
    table.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "Cellule imbriquée"
    # A text box as Word writes it: the same text in mc:Choice (DrawingML) and mc:Fallback (VML).
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = (f'<w:r xmlns:w="{w}" xmlns:mc="{mc}"><mc:AlternateContent>'
           '<mc:Choice Requires="wps"><w:t>Titre de la boîte</w:t></mc:Choice>'
           '<mc:Fallback><w:t>Titre de la boîte</w:t></mc:Fallback></mc:AlternateContent></w:r>')
    d.add_paragraph()._p.append(etree.fromstring(box))
    buf = io.BytesIO()
    d.save(buf)
    doc = load_bytes(buf.getvalue(), "boites.docx")
    assert doc.text.count("Cellule imbriquée") == 1
    assert doc.text.count("Titre de la boîte") == 1
    assert [b.position for b in doc.blocks if b.kind == "table"] == ["t1:r1:c1", "t1:r1:c2:t:r1:c1"]
