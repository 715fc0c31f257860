"""Word exports of a review.

- :func:`annotated_docx`: for a DOCX contract, a copy of the original with one native Word comment
  per obligation anchored on its evidence passage (runs are split so that the comment covers the
  sentence exactly; the whole paragraph when the passage cannot be located), and an appendix at
  the end: reviewer decisions, missing and weak obligations with the model clauses to insert.
- :func:`review_docx`: for any contract (PDF, text), a review document quoting each evidence
  passage with its page and article.

Evidence offsets point into ``Document.text``; the original is re-read with the same reader to
get the blocks (``position`` = body paragraph ``p12`` or table cell ``t2:r3:c1``), then the text
of the paragraph's runs is aligned with the normalised block text character by character.
"""

from __future__ import annotations

import copy
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from clausier.engine.results import Evidence, Finding, Report
from clausier.ingest import DEFAULT_LIMITS, load_bytes
from clausier.ingest.docx import _in_fallback, iter_body_paragraphs
from clausier.ingest.normalize import clean
from clausier.library.loader import Library
from clausier.report import common as c
from clausier.types import Block, Document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TEXT_TAGS = (f"{W}t", f"{W}tab", f"{W}br", f"{W}noBreakHyphen")
AUTHOR = "clausier"
INITIALS = "CL"


# ============================================================================ locating passages
@dataclass
class _Segment:
    run: Any  # w:r element
    start: int  # offsets in the paragraph's raw text
    end: int


def _length(el: Any) -> int:
    if el.tag == f"{W}t":
        return len(el.text or "")
    return 1 if el.tag in _TEXT_TAGS else 0


def _body_paragraphs(body: Any) -> Iterator[tuple[str, Any]]:
    """(block position, w:p) in reading order: the reader's own traversal, so positions agree."""
    for position, _kind, p in iter_body_paragraphs(body):
        yield position, p


def _segments(p: Any) -> tuple[str, list[_Segment]]:
    """The paragraph's visible text exactly as the DOCX reader builds it, with the run of each piece."""
    parts: list[str] = []
    segments: list[_Segment] = []
    pos = 0
    for el in p.iter(*_TEXT_TAGS):
        if _in_fallback(el, p):
            continue
        n = _length(el)
        piece = (el.text or "") if el.tag == f"{W}t" else ("-" if el.tag == f"{W}noBreakHyphen" else " ")
        parts.append(piece)
        run = el.getparent()
        if run is None or run.tag != f"{W}r" or n == 0:
            pos += n
            continue
        if segments and segments[-1].run is run and segments[-1].end == pos:
            segments[-1].end += n
        else:
            segments.append(_Segment(run, pos, pos + n))
        pos += n
    return "".join(parts), segments


def _align(raw: str) -> tuple[str, list[int]]:
    """Normalise ``raw`` like the reader does (clean + strip) and map each output char to raw."""
    chars: list[str] = []
    origin: list[int] = []
    for j, ch in enumerate(raw):
        if unicodedata.combining(ch) and chars:
            composed = unicodedata.normalize("NFC", chars[-1] + ch)
            if len(composed) == 1:
                chars[-1] = composed
                continue
        t = clean(ch) if ch != "\n" else ch
        for k in t:
            if k == " " and (not chars or chars[-1] == " "):
                continue  # leading space (stripped) or a run of spaces (folded)
            chars.append(k)
            origin.append(j)
    while chars and chars[-1] in " \n":
        chars.pop()
        origin.pop()
    return "".join(chars), origin


class Locator:
    """Maps spans of ``Document.text`` to runs of the python-docx document it was read from."""

    def __init__(self, wdoc: Any, doc: Document) -> None:
        self.wdoc = wdoc
        self.doc = doc
        self.by_position = self._paragraphs(wdoc)
        self._ordinal: dict[int, int] = {}
        seen: dict[str, int] = {}
        for i, b in enumerate(doc.blocks):
            if b.position:
                self._ordinal[b.start] = seen.get(b.position, 0)
                seen[b.position] = self._ordinal[b.start] + 1

    @staticmethod
    def _paragraphs(wdoc: Any) -> dict[str, list[Any]]:
        """Paragraph elements by block position, in the order clausier.ingest.docx reads them."""
        out: dict[str, list[Any]] = {}
        for position, p in _body_paragraphs(wdoc.element.body):
            out.setdefault(position, []).append(p)
        return out

    def paragraph(self, block: Block) -> tuple[Any, int] | None:
        """(w:p element, length of the numbering label the reader put before its text)."""
        candidates = self.by_position.get(block.position or "", [])
        text = self.doc.text[block.start : block.end]
        nonempty = [p for p in candidates if clean(_segments(p)[0]).strip()]
        k = self._ordinal.get(block.start, 0)
        ordered = ([nonempty[k]] if k < len(nonempty) else []) + nonempty
        for p in ordered:
            norm = _align(_segments(p)[0])[0]
            if norm and text.endswith(norm):
                return p, len(text) - len(norm)
        return None

    def runs_for(self, start: int, end: int) -> tuple[list[Any], bool] | None:
        """Runs covering [start, end) of Document.text (split as needed), clipped to one paragraph.

        Returns (runs, exact): exact is False when the whole paragraph had to be used."""
        block = self.doc.block_at(start)
        if block is None or block.kind == "footnote" or not block.position:
            return None
        located = self.paragraph(block)
        if located is None:
            return None
        p, label = located
        raw, segments = _segments(p)
        norm, origin = _align(raw)
        a = start - block.start - label
        b = min(end, block.end) - block.start - label
        a, b = max(a, 0), min(b, len(norm))
        while a < b and norm[a].isspace():
            a += 1
        while b > a and norm[b - 1].isspace():
            b -= 1
        if a >= b:
            runs = [s.run for s in segments]
            return (runs, False) if runs else None
        raw_a, raw_b = origin[a], origin[b - 1] + 1
        _split_at(p, raw_a)
        _split_at(p, raw_b)
        runs = [s.run for s in _segments(p)[1] if s.start >= raw_a and s.end <= raw_b]
        return (runs, True) if runs else None


def _split_run(r: Any, offset: int) -> None:
    """Split a w:r in two at ``offset`` characters of its visible text (formatting copied)."""
    right = copy.deepcopy(r)
    left_children = [ch for ch in r if ch.tag != f"{W}rPr"]
    right_children = [ch for ch in right if ch.tag != f"{W}rPr"]
    pos = 0
    for lc, rc in zip(left_children, right_children):
        n = _length(lc)
        if pos + n <= offset:
            right.remove(rc)
        elif pos >= offset:
            r.remove(lc)
        else:
            cut = offset - pos
            text = lc.text or ""
            lc.text, rc.text = text[:cut], text[cut:]
            lc.set(_XML_SPACE, "preserve")
            rc.set(_XML_SPACE, "preserve")
        pos += n
    r.addnext(right)


def _split_at(p: Any, pos: int) -> None:
    """Make ``pos`` (raw paragraph offset) fall on a run boundary."""
    for s in _segments(p)[1]:
        if s.start < pos < s.end:
            _split_run(s.run, pos - s.start)
            return


# ============================================================================ annotated copy
def _anchors(report: Report, f: Finding) -> list[tuple[Evidence, str]]:
    """Where to comment a finding: its best evidence, plus its first red-flag passage."""
    out: list[tuple[Evidence, str]] = []
    verdict = next((e for e in f.evidence if e.role != "red_flag"), None)
    if verdict is not None:
        out.append((verdict, "verdict"))
    flag = next((e for e in f.evidence if e.role == "red_flag"), None)
    if flag is not None and c.red_flag_of(report, f):
        out.append((flag, "red_flag"))
    elif verdict is None and flag is not None:
        out.append((flag, "verdict"))
    return out


def _flag_comment(report: Report, library: Library, f: Finding, e: Evidence) -> str:
    rule = next(
        (rf.message for rf in f.red_flags if rf.start <= e.match_start < rf.end or rf.rule == e.rule), None
    )
    message = rule or (f.red_flags[0].message if f.red_flags else "passage défavorable")
    return c.xml_safe(
        f"Alerte — {f.obligation_id} {f.title} : {message}\n"
        f"Sources : {c.sources_text(library.get(f.obligation_id))}"
    )


def annotated_docx(report: Report, library: Library, source: bytes) -> bytes:
    """A copy of the original DOCX with a Word comment on each evidence passage and an appendix."""
    import docx
    from docx.text.run import Run

    limits = replace(DEFAULT_LIMITS, max_file_bytes=max(DEFAULT_LIMITS.max_file_bytes, len(source)))
    doc = load_bytes(source, str(report.document.get("name") or "contrat.docx"), limits)
    if doc.sha256 != report.document.get("sha256"):
        raise ValueError("le fichier fourni n'est pas celui qui a été analysé (empreinte différente)")
    wdoc = docx.Document(io.BytesIO(source))
    locator = Locator(wdoc, doc)
    unplaced: list[Finding] = []
    for f in c.ordered(report):
        anchors = _anchors(report, f)
        placed = False
        for e, kind in anchors:
            found = locator.runs_for(e.start, e.end)
            if found is None:
                continue
            runs, _exact = found
            text = (
                c.comment_text(report, library, f)
                if kind == "verdict"
                else _flag_comment(report, library, f, e)
            )
            wdoc.add_comment(
                [Run(runs[0], None), Run(runs[-1], None)], text=text, author=AUTHOR, initials=INITIALS
            )
            placed = True
        if anchors and not placed:
            unplaced.append(f)
    _appendix(wdoc, report, library, unplaced)
    buf = io.BytesIO()
    wdoc.save(buf)
    return buf.getvalue()


# ============================================================================ writing helpers
class _Writer:
    """Small layer over python-docx that degrades gracefully when a style is missing."""

    def __init__(self, wdoc: Any) -> None:
        from docx.shared import Pt, RGBColor

        self.d = wdoc
        self.Pt, self.RGB = Pt, RGBColor

        self._ids: dict[str, str | None] = {}

    def _style_id(self, name: str) -> str | None:
        """Style id by UI name, looked up once (python-docx's own lookup is slow on big documents)."""
        if name not in self._ids:
            try:
                self._ids[name] = self.d.styles[name].style_id
            except KeyError:
                self._ids[name] = None
        return self._ids[name]

    def _paragraph(self, style: str | None) -> Any:
        p = self.d.add_paragraph()
        style_id = self._style_id(style) if style else None
        if style_id:
            p._p.style = style_id
        return p

    def heading(self, text: str, level: int) -> Any:
        name = "Title" if level == 0 else f"Heading {level}"
        p = self._paragraph(name)
        if self._style_id(name):
            self.run(p, text)
            return p
        run = self.run(p, text, bold=True)
        run.font.size = self.Pt({0: 20, 1: 15, 2: 12}.get(level, 11))
        return p

    def para(
        self,
        text: str = "",
        *,
        italic: bool = False,
        bold: bool = False,
        size: float | None = None,
        color: tuple[int, int, int] | None = None,
        style: str | None = None,
    ) -> Any:
        p = self._paragraph(style)
        if text:
            self.run(p, text, italic=italic, bold=bold, size=size, color=color)
        return p

    def run(
        self,
        p: Any,
        text: str,
        *,
        italic: bool = False,
        bold: bool = False,
        size: float | None = None,
        color: tuple[int, int, int] | None = None,
    ) -> Any:
        run = p.add_run(c.xml_safe(text))
        if italic:
            run.italic = True
        if bold:
            run.bold = True
        if size:
            run.font.size = self.Pt(size)
        if color:
            run.font.color.rgb = self.RGB(*color)
        return run

    def bullet(self, text: str) -> Any:
        style = "List Bullet" if self._style_id("List Bullet") else None
        return self.para(("" if style else "• ") + text, style=style)

    def table(self, header: list[str], rows: list[list[str]], widths_cm: list[float] | None = None) -> Any:
        from docx.shared import Cm

        t = self.d.add_table(rows=1, cols=len(header))
        if self._style_id("Table Grid"):
            t.style = self.d.styles["Table Grid"]
        for cell, h in zip(t.rows[0].cells, header):
            cell.text = ""
            self.run(cell.paragraphs[0], h, bold=True, size=9)
        for row in rows:
            cells = t.add_row().cells
            for cell, v in zip(cells, row):
                cell.text = ""
                self.run(cell.paragraphs[0], v, size=9)
        if widths_cm:
            t.autofit = False
            for col, w in zip(t.columns, widths_cm):
                col.width = Cm(w)
            for row in t.rows:
                for cell, w in zip(row.cells, widths_cm):
                    cell.width = Cm(w)
        return t


STATUS_RGB = {
    "present": (0x1B, 0x7F, 0x3B),
    "weak": (0xB3, 0x5C, 0x00),
    "missing": (0xB3, 0x26, 0x1E),
    "not_applicable": (0x6B, 0x6B, 0x6B),
}
GREY = (0x55, 0x55, 0x55)


def _facts(w: _Writer, report: Report) -> None:
    w.table(["Élément", "Valeur"], [[k, v] for k, v in c.document_facts(report)], [4.5, 12])
    s = c.summary(report)
    w.para()
    w.para(
        c.summary_sentence(s)
        + (f" Verdicts modifiés par un relecteur : {s.overridden}." if s.overridden else ""),
        bold=True,
    )
    if s.critical_gaps:
        w.para(
            "Obligations critiques absentes : " + ", ".join(s.critical_gaps) + ".",
            color=STATUS_RGB["missing"],
        )
    for warning in report.document.get("warnings", []):
        w.para("Avertissement : " + warning, italic=True)


def _overrides_table(w: _Writer, report: Report) -> None:
    rows = [(f, o) for f in report.findings if (o := c.override_of(report, f))]
    if not rows:
        return
    w.heading("Décisions du relecteur", 2)
    w.table(
        ["Obligation", "Moteur", "Relecteur", "Commentaire", "Par / date"],
        [
            [
                f"{f.obligation_id} {f.title}",
                c.STATUS_FR[f.status],
                c.STATUS_FR[o["status"]],
                o.get("comment") or "",
                " ".join(x for x in (o.get("reviewer") or "", c.format_datetime(o.get("decided_at"))) if x),
            ]
            for f, o in rows
        ],
        [4.5, 2, 2, 5.5, 3],
    )


def _clauses(w: _Writer, report: Report, library: Library, status: str, title: str, intro: str) -> None:
    items = [f for f in c.applicable(report) if c.status_of(report, f) == status]
    if not items:
        return
    w.heading(title, 2)
    w.para(intro, italic=True, size=9, color=GREY)
    for letter, theme_title, group in c.by_theme(report, library, items):
        w.heading(f"{letter}. {theme_title}", 3)
        for f in group:
            ob = library.get(f.obligation_id)
            p = w.para()
            w.run(p, f"{f.obligation_id} — {f.title}", bold=True)
            w.run(p, f"  (sévérité {c.SEVERITY_FR[f.severity]})", size=9, color=GREY)
            override = c.override_of(report, f)
            if override:
                w.para(c.override_line(override, f), italic=True, size=9, color=(0x3A, 0x4E, 0xA0))
            if status == "weak":
                for r in c.key_reasons(f):
                    w.para(r, size=9, color=STATUS_RGB["weak"])
            w.para(ob.model_clause.strip())
            w.para(f"Sources : {c.sources_text(ob)}", size=8, color=GREY)


def _appendix(wdoc: Any, report: Report, library: Library, unplaced: list[Finding]) -> None:
    from docx.enum.text import WD_BREAK

    w = _Writer(wdoc)
    w.para().add_run().add_break(WD_BREAK.PAGE)
    w.heading("Annexe clausier — revue des clauses de sécurité", 1)
    w.para(
        "Annexe ajoutée par clausier à la copie de relecture du contrat. Les commentaires dans la marge "
        "indiquent, pour chaque obligation, le verdict, les éléments manquants et les chiffres comparés aux "
        "seuils de l'acheteur. Aide à la relecture : elle ne remplace pas l'avis d'un juriste.",
        italic=True,
        size=9,
        color=GREY,
    )
    _facts(w, report)
    _overrides_table(w, report)
    _clauses(
        w,
        report,
        library,
        "missing",
        "Obligations absentes : clauses à insérer",
        "Aucun passage du contrat ne traite de ces obligations. Clauses types à adapter puis insérer.",
    )
    _clauses(
        w,
        report,
        library,
        "weak",
        "Obligations faibles : clauses de référence",
        "Le contrat aborde ces obligations sans les couvrir entièrement (voir les commentaires). "
        "Clauses types pouvant remplacer ou compléter la rédaction actuelle.",
    )
    if unplaced:
        w.heading("Passages non localisés dans le corps du document", 2)
        w.para(
            "Ces obligations s'appuient sur des passages (notes de bas de page, zones particulières) "
            "qu'aucun commentaire n'a pu signaler :",
            italic=True,
            size=9,
            color=GREY,
        )
        for f in unplaced:
            e = f.evidence[0]
            w.bullet(
                f"{f.obligation_id} {f.title} ({c.STATUS_FR[c.status_of(report, f)]}) : "
                f"« {c.one_line(e.text, 300)} » ({c.where(e)})"
            )


# ============================================================================ review document
def _quote(w: _Writer, e: Evidence) -> None:
    p = w.para(style="Quote")
    text = e.text
    a = min(max(e.match_start - e.start, 0), len(text))
    b = min(max(e.match_end - e.start, a), len(text))
    w.run(p, "« " + " ".join(text[:a].split()) + (" " if text[:a].endswith((" ", "\n")) else ""), italic=True)
    w.run(p, " ".join(text[a:b].split()), italic=True, bold=True)
    w.run(
        p, (" " if text[b:].startswith((" ", "\n")) else "") + " ".join(text[b:].split()) + " »", italic=True
    )
    label = f"{c.where(e)}" + (f" ; engagement {e.strength}" if e.strength != "ferme" else "")
    if e.role == "red_flag":
        label += " ; passage défavorable"
    w.para("— " + label, size=8, color=GREY)


def _finding_section(w: _Writer, report: Report, library: Library, f: Finding) -> None:
    ob = library.get(f.obligation_id)
    status = c.status_of(report, f)
    p = w.heading(f"{f.obligation_id} — {f.title}", 3)
    w.run(p, f"  {c.STATUS_FR[status]}", color=STATUS_RGB[status])
    if c.red_flag_of(report, f):
        w.run(p, "  ⚠ alerte", color=STATUS_RGB["missing"])
    w.para(f"Sévérité {c.SEVERITY_FR[f.severity]}", size=9, color=GREY)
    override = c.override_of(report, f)
    if override:
        w.para(c.override_line(override, f), italic=True, color=(0x3A, 0x4E, 0xA0))
    for r in f.reasons:
        w.bullet(r)
    for rf in f.red_flags[:3]:
        w.bullet(f"Alerte : {rf.message}")
    for fc in f.figures:
        w.bullet(c.figure_line(fc))
    for e in c.distinct_evidence(f):
        _quote(w, e)
    if status in ("weak", "missing"):
        p = w.para()
        w.run(p, "Clause type à proposer : ", bold=True)
        w.run(p, ob.model_clause.strip())
    w.para(f"Sources : {c.sources_text(ob)}", size=8, color=GREY)


def review_docx(report: Report, library: Library) -> bytes:
    """A Word review of any contract: summary, then each obligation with its quoted evidence."""
    import docx
    from docx.shared import Cm

    wdoc = docx.Document()
    for section in wdoc.sections:
        section.left_margin = section.right_margin = Cm(2)
    wdoc.core_properties.title = c.xml_safe(f"Revue — {report.document.get('name', '')}")
    wdoc.core_properties.author = AUTHOR
    w = _Writer(wdoc)
    w.heading("Revue des clauses de sécurité", 0)
    w.para(str(report.document.get("name", "")), bold=True, size=13)
    _facts(w, report)
    _overrides_table(w, report)
    w.heading("Verdicts par thème", 1)
    rows = [[f"{t.letter}. {t.title}", str(t.present), str(t.weak), str(t.missing), str(t.red_flags or "")]
            for t in c.theme_counts(report, library)]
    w.table(["Thème", "Présentes", "Faibles", "Absentes", "Alertes"], rows, [8.2, 2.3, 2.1, 2.2, 2.2])
    for letter, title, items in c.by_theme(report, library):
        w.heading(f"{letter}. {title}", 1)
        for f in sorted(
            items, key=lambda f: (c.STATUS_ORDER[c.status_of(report, f)], c.SEVERITY_ORDER[f.severity])
        ):
            _finding_section(w, report, library, f)
    w.para(
        f"Revue produite hors ligne par clausier le {c.today()} (bibliothèque "
        f"{report.tool.get('library_version', '?')}). "
        "Aide à la relecture : ne remplace pas l'avis d'un juriste.",
        italic=True,
        size=8,
        color=GREY,
    )
    buf = io.BytesIO()
    wdoc.save(buf)
    return buf.getvalue()


def iter_comment_anchors(data: bytes) -> Iterator[tuple[int, str, str]]:
    """(comment id, commented text, comment text) of a DOCX: for tests and for checking exports."""
    import docx

    wdoc = docx.Document(io.BytesIO(data))
    comments = {cm.comment_id: cm.text for cm in wdoc.comments}
    body = wdoc.element.body
    open_ids: dict[int, list[str]] = {}
    for el in body.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", *_TEXT_TAGS):
        tag = el.tag
        if tag == f"{W}commentRangeStart":
            open_ids[int(el.get(f"{W}id"))] = []
        elif tag == f"{W}commentRangeEnd":
            cid = int(el.get(f"{W}id"))
            yield cid, "".join(open_ids.pop(cid, [])), comments.get(cid, "")
        else:
            piece = (el.text or "") if tag == f"{W}t" else " "
            for parts in open_ids.values():
                parts.append(piece)
