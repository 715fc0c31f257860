"""Vendor questionnaire: the questions attached to the weak and missing obligations (reviewed
verdicts), most urgent first, numbered, ready to send to the supplier (plain text or Word).

The short version (default) asks the main question of the SHORT_LIMIT most urgent obligations;
the full version asks every question. Questions are grouped by priority: essential points
(critical obligations and unfavourable clauses), important points (major), other points.
It is addressed to the supplier: it names the contract and the topics, never the internal verdicts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from clausier.engine.results import Report
from clausier.library.loader import Library
from clausier.report import common as c

SHORT_LIMIT = 15  # questions of the short questionnaire: one per obligation, the most urgent first

INTRO = (
    "Madame, Monsieur,\n\n"
    "Dans le cadre de l'examen du contrat « {name} », nous avons relevé plusieurs points relatifs à la "
    "sécurité des données et des systèmes d'information sur lesquels nous souhaiterions obtenir des "
    "précisions. Nous vous remercions de bien vouloir répondre aux questions ci-dessous, en indiquant pour "
    "chacune l'article du contrat ou de ses annexes qui s'y rapporte, ou la rédaction que vous proposez "
    "d'y ajouter, et en joignant le cas échéant les justificatifs (certificats, rapports d'audit, "
    "procédures). Les questions sont classées de la plus importante à la moins importante pour nous."
)
CLOSING = (
    "Nous restons à votre disposition pour en échanger et vous remercions par avance de vos réponses.\n\n"
    "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."
)


@dataclass(frozen=True)
class Question:
    number: int
    obligation_id: str
    obligation_title: str
    text: str
    theme_title: str = ""


@dataclass(frozen=True)
class ThemeQuestions:
    """A group of questions: one priority level ('1', '2', '3') and its French title."""

    letter: str
    title: str
    questions: tuple[Question, ...]


def questions(report: Report, library: Library, full: bool = False) -> list[ThemeQuestions]:
    """Questions of the weak, missing and red-flagged obligations, most urgent first, numbered from 1.

    Short (default): the first question of the SHORT_LIMIT most urgent obligations. Full: all."""
    todo = c.prioritised(report)
    if not full:
        todo = todo[:SHORT_LIMIT]
    groups: dict[int, list[Question]] = {}
    n = 0
    for f in todo:
        asked = library.get(f.obligation_id).questions
        for q in asked if full else asked[:1]:
            n += 1
            groups.setdefault(c.tier(report, f), []).append(
                Question(n, f.obligation_id, f.title, q.strip(), library.theme_title(f.theme)))
    return [ThemeQuestions(str(t + 1), c.PRIORITY_FR[t], tuple(groups[t])) for t in sorted(groups)]


def count(report: Report, library: Library, full: bool = False) -> int:
    return sum(len(g.questions) for g in questions(report, library, full))


def _subject(report: Report) -> str:
    return f"Questions sur les clauses de sécurité du contrat « {report.document.get('name', '')} »"


def questionnaire_text(report: Report, library: Library, full: bool = False) -> str:
    groups = questions(report, library, full)
    name = str(report.document.get("name", ""))
    lines = [f"Objet : {_subject(report)}", "", INTRO.format(name=name), ""]
    if not groups:
        lines += ["Après examen, aucune question n'est à vous soumettre à ce stade.", ""]
    for i, g in enumerate(groups, start=1):
        lines += [f"{i}. {g.title}", ""]
        for q in g.questions:
            lines.append(f"  Question {q.number} ({q.theme_title} — {q.obligation_title}, réf. {q.obligation_id}) :")
            lines.append(f"  {q.text}")
            lines.append("")
    lines += [
        CLOSING,
        "",
        f"Questionnaire établi le {c.today()} (réf. {report.document.get('sha256', '')[:12]}).",
    ]
    return "\n".join(lines) + "\n"


def questionnaire_docx(report: Report, library: Library, full: bool = False) -> bytes:
    import docx
    from docx.shared import Cm, Pt, RGBColor

    groups = questions(report, library, full)
    name = str(report.document.get("name", ""))
    d = docx.Document()
    for section in d.sections:
        section.left_margin = section.right_margin = Cm(2.2)
    d.core_properties.title = c.xml_safe(_subject(report))
    d.core_properties.author = "clausier"
    d.add_heading("Questionnaire de sécurité", level=0)
    p = d.add_paragraph()
    p.add_run("Objet : ").bold = True
    p.add_run(c.xml_safe(_subject(report)))
    for para in INTRO.format(name=c.xml_safe(name)).split("\n\n"):
        d.add_paragraph(para)
    if not groups:
        d.add_paragraph("Après examen, aucune question n'est à vous soumettre à ce stade.")
    for i, g in enumerate(groups, start=1):
        d.add_heading(f"{i}. {g.title}", level=1)
        for q in g.questions:
            qp = d.add_paragraph()
            qp.paragraph_format.space_after = Pt(2)
            qp.add_run(f"Question {q.number}").bold = True
            sub = qp.add_run(f"  ({q.theme_title} — {q.obligation_title}, réf. {q.obligation_id})")
            sub.font.size = Pt(9)
            sub.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
            d.add_paragraph(q.text)
            answer = d.add_paragraph()
            answer.paragraph_format.left_indent = Cm(0.8)
            run = answer.add_run("Réponse du fournisseur : ……………………………………………………………………")
            run.font.color.rgb = RGBColor(0x88, 0x88, 0x88)
    for para in CLOSING.split("\n\n"):
        d.add_paragraph(para)
    note = d.add_paragraph().add_run(
        f"Questionnaire établi le {c.today()} (réf. {report.document.get('sha256', '')[:12]})."
    )
    note.font.size = Pt(8)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
