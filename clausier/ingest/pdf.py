"""PDF -> Document with pdfplumber.

Lines are rebuilt from word positions (reading order top to bottom), repeated headers and footers
and bare page numbers are removed, line-end hyphenation is repaired, word boxes are kept for
highlighting. Pages without a text layer are OCR'd with tesseract when it is installed.
"""

from __future__ import annotations

import io
import re
import shutil
import time
from collections import Counter
from typing import Any

from clausier.errors import InputDocumentError
from clausier.ingest.normalize import TextBuilder
from clausier.types import Document, PageInfo

_PAGE_NUMBER = re.compile(
    r"^\s*(page\s*)?\d{1,4}(\s*(/|sur|of)\s*\d{1,4})?\s*$|^\s*-\s*\d{1,4}\s*-\s*$", re.IGNORECASE
)
_MARGIN = 0.09  # share of the page height where headers/footers live
_HYPHEN_END = re.compile(r"[A-Za-zÀ-ÿ]-$")


def _open(data: bytes, name: str) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages  # forces the page tree to be read
        return pdf
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise InputDocumentError(
            f"« {name} » est protégé par un mot de passe ou chiffré : demandez au fournisseur une version "
            "non protégée.",
            code="D009",
        ) from exc
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many types on damaged files
        if _is_encryption_error(exc):
            raise InputDocumentError(
                f"« {name} » est protégé par un mot de passe ou chiffré : demandez au fournisseur une version "
                "non protégée.",
                code="D009",
            ) from exc
        raise InputDocumentError(
            f"« {name} » est un PDF endommagé ou illisible ({type(exc).__name__}).", code="D010"
        ) from exc


def _is_encryption_error(exc: BaseException) -> bool:
    """pdfplumber wraps pdfminer's password errors: look through the cause chain and args."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    seen: list[BaseException] = []
    todo: list[object] = [exc]
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or e in seen:
            continue
        seen.append(e)
        if isinstance(e, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(e).lower():
            return True
        todo += [e.__cause__, e.__context__, *e.args]
    return False


def _lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group words into lines by vertical position (tolerance: a third of the font height)."""
    lines: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines:
            last = lines[-1]
            height = max(last[0]["bottom"] - last[0]["top"], 1.0)
            if abs(w["top"] - last[0]["top"]) <= height / 3:
                last.append(w)
                continue
        lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines


def _line_text(line: list[dict[str, Any]]) -> str:
    return " ".join(w["text"] for w in line)


def _signature(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _ocr_page(page: Any, limits: Any) -> tuple[list[dict[str, Any]], float]:
    """OCR one page with tesseract; returns pdfplumber-like word dicts in PDF points and a confidence."""
    import pytesseract

    resolution = ocr_resolution(float(page.width), float(page.height), limits.ocr_max_pixels)
    image = page.to_image(resolution=resolution).original
    data = pytesseract.image_to_data(
        image, lang=limits.ocr_language, output_type=pytesseract.Output.DICT, timeout=limits.ocr_timeout_s
    )
    scale = 72.0 / resolution
    words, confs = [], []
    for i, text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if not text.strip() or conf < 0:
            continue
        x, y, w, h = (data[k][i] * scale for k in ("left", "top", "width", "height"))
        words.append({"text": text, "x0": x, "x1": x + w, "top": y, "bottom": y + h})
        confs.append(conf)
    return words, (sum(confs) / len(confs) / 100.0 if confs else 0.0)


def ocr_resolution(width_pt: float, height_pt: float, max_pixels: int, preferred: int = 300) -> float:
    """OCR resolution (dpi): 300 unless the page image would exceed ``max_pixels`` (huge pages)."""
    area_in2 = max(width_pt * height_pt, 1.0) / (72.0 * 72.0)
    fit = (max_pixels / area_in2) ** 0.5
    return float(max(min(preferred, fit), 10.0))


def tesseract_available(language: str = "fra") -> bool:
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        return language in pytesseract.get_languages(config="")
    except Exception:
        return False


def read_pdf(data: bytes, name: str, sha: str, limits: Any) -> Document:
    pdf = _open(data, name)
    with pdf:
        n_pages = len(pdf.pages)
        if n_pages == 0:
            raise InputDocumentError(f"« {name} » ne contient aucune page.", code="D007")
        if n_pages > limits.max_pages:
            raise InputDocumentError(
                f"« {name} » compte {n_pages} pages (limite {limits.max_pages}) : découpez le document ou "
                "relevez la limite (--max-pages).",
                code="D004",
            )
        builder = TextBuilder()
        page_lines: list[tuple[int, float, float, list[list[dict[str, Any]]], float | None, bool]] = []
        unreadable: list[int] = []
        ocr_ok: bool | None = None
        started = time.monotonic()
        n_chars = 0
        for number, page in enumerate(pdf.pages, start=1):
            if time.monotonic() - started > limits.max_parse_seconds:
                raise InputDocumentError(
                    f"« {name} » : lecture interrompue à la page {number} après {limits.max_parse_seconds:.0f} s "
                    "(limite de temps) : le fichier est anormalement lourd.", code="D013")
            width, height = float(page.width), float(page.height)
            if width * height > 14400 * 14400:
                raise InputDocumentError(f"« {name} » : page {number} aux dimensions aberrantes.", code="D010")
            try:
                words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            except Exception as exc:
                raise InputDocumentError(
                    f"« {name} » : page {number} illisible ({type(exc).__name__}).", code="D010"
                ) from exc
            n_chars += sum(len(w["text"]) + 1 for w in words)
            if n_chars > limits.max_chars:
                raise InputDocumentError(
                    f"« {name} » contient trop de texte (plus de {limits.max_chars} caractères à la page {number}).",
                    code="D004")
            confidence: float | None = None
            is_ocr = False
            if not words:
                if ocr_ok is None:
                    ocr_ok = limits.ocr and tesseract_available(limits.ocr_language)
                if ocr_ok:
                    try:
                        words, confidence = _ocr_page(page, limits)
                        is_ocr = True
                    except Exception:
                        words = []
                if not words:
                    unreadable.append(number)
            page_lines.append((number, width, height, _lines(words), confidence, is_ocr))
            builder.pages.append(
                PageInfo(number, width, height, ocr=is_ocr, ocr_confidence=confidence, unreadable=not words)
            )

        # Repeated header/footer lines: same signature in the top/bottom margin on >= half the pages.
        margin_sigs: Counter[str] = Counter()
        for _, _, height, lines, _, _ in page_lines:
            seen = set()
            for line in lines:
                top = line[0]["top"]
                if top < height * _MARGIN or top > height * (1 - _MARGIN):
                    seen.add(_signature(_line_text(line)))
            margin_sigs.update(seen)
        readable_pages = sum(1 for p in page_lines if p[3])
        repeated = {s for s, c in margin_sigs.items() if readable_pages >= 2 and c >= max(2, readable_pages // 2)}

        prev_bottom: float | None = None
        prev_height = 10.0
        for number, _width, height, lines, confidence, _is_ocr in page_lines:
            builder.paragraph_break()
            prev_bottom = None
            for line in lines:
                text = _line_text(line)
                top = line[0]["top"]
                in_margin = top < height * _MARGIN or top > height * (1 - _MARGIN)
                if in_margin and (_signature(text) in repeated or _PAGE_NUMBER.match(text)):
                    continue
                line_height = max(w["bottom"] - w["top"] for w in line)
                if prev_bottom is not None and top - prev_bottom > max(prev_height, line_height) * 0.9:
                    builder.paragraph_break()
                join = False
                if prev_bottom is not None and builder.words:
                    last_text = data_text_tail(builder)
                    if _HYPHEN_END.search(last_text) and line[0]["text"][:1].islower():
                        builder.remove_trailing_hyphen()
                        join = True
                builder.add_words_line(
                    [(w["text"], number, (w["x0"], w["top"], w["x1"], w["bottom"])) for w in line],
                    kind="line",
                    page=number,
                    ocr_confidence=confidence,
                    join_previous=join,
                )
                prev_bottom = max(w["bottom"] for w in line)
                prev_height = line_height
        doc = builder.build(source_name=name, fmt="pdf", sha256=sha)
    if unreadable and len(unreadable) == n_pages:
        if ocr_ok:
            raise InputDocumentError(f"« {name} » : aucune page n'a pu être lue, même par OCR.", code="D011")
        why = ("l'OCR est désactivé (option --no-ocr) : relancez sans cette option" if not limits.ocr else
               "l'OCR n'est pas disponible : installez tesseract-ocr et tesseract-ocr-fra")
        raise InputDocumentError(
            f"« {name} » est un PDF scanné (aucune couche texte) et {why}, ou fournissez un PDF texte.",
            code="D011",
        )
    if unreadable:
        pages = ", ".join(map(str, unreadable))
        reason = ("même par OCR" if ocr_ok else "OCR désactivé" if not limits.ocr
                  else "OCR indisponible (installez tesseract-ocr-fra)")
        doc.warnings.append(f"Pages sans texte lisible ({reason}) : {pages}.")
    ocr_pages = [p.number for p in doc.pages if p.ocr]
    if ocr_pages:
        doc.warnings.append(
            "Pages lues par OCR (texte à vérifier) : " + ", ".join(map(str, ocr_pages)) + "."
        )
    return doc


def data_text_tail(builder: TextBuilder) -> str:
    """Last characters of the text built so far (for hyphenation checks)."""
    last = builder.words[-1]
    return builder._parts[-1][-3:] if builder._parts else "" if last else ""
