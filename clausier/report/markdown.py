"""Markdown report on the reviewed verdicts: summary, verdicts by theme, figures, evidence, overrides.

Contract text is escaped (Markdown and inline HTML) and folded onto one line per quote.
"""

from __future__ import annotations

from clausier.engine.results import Finding, Report
from clausier.library.loader import Library
from clausier.report import common as c


def md(text: object) -> str:
    """Escape Markdown/HTML syntax and fold whitespace: safe inside a paragraph or a table cell."""
    out = str(text).replace("\\", "\\\\").replace("&", "&amp;")
    for ch in "`*_[]()<>|#~!":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines + [""]


def _finding(report: Report, library: Library, f: Finding) -> list[str]:
    ob = library.get(f.obligation_id)
    status = c.status_of(report, f)
    flag = " — ⚠ alerte" if c.red_flag_of(report, f) else ""
    lines = [
        f"### {f.obligation_id} — {md(f.title)} : {c.STATUS_FR[status]}{flag}",
        "",
        f"Sévérité {c.SEVERITY_FR[f.severity]}.",
        "",
    ]
    override = c.override_of(report, f)
    if override:
        lines += [f"> **Revue :** {md(c.override_line(override, f))}", ""]
    reasons = c.display_reasons(f, status)
    lines += [f"- {md(r)}" for r in reasons]
    if reasons:
        lines.append("")
    for e in c.distinct_evidence(f):
        lines += [f"> « {md(c.one_line(e.text, 600))} »  ", f"> — {md(c.where(e))}", ""]
    if status in ("weak", "missing"):
        lines += [f"**Clause type à proposer :** {md(ob.model_clause)}", ""]
        lines += [f"- Question au fournisseur : {md(q)}" for q in ob.questions] + [""]
    note = c.jargon_note(f.title, *reasons)
    if note:
        lines += [md(note), ""]
    lines += [f"_Sources : {md(c.sources_text(ob))}_", ""]
    return lines


def conclusion_lines(report: Report, library: Library) -> list[str]:
    k = c.conclusion(report, library)
    lines = ["## Conclusion", "", f"**{md(k.verdict)}**", ""]
    if k.points:
        lines += ["Le plus grave :", ""]
        for i, p in enumerate(k.points, start=1):
            state = {"missing": "absente", "weak": "faible", "present": "présente"}.get(p.status, "")
            flag = ", clause défavorable" if p.red_flag else ""
            where = f" ({md(p.where)})" if p.where else ""
            lines.append(f"{i}. **{p.obligation_id} — {md(p.title)}** ({c.SEVERITY_FR[p.severity]}, {state}{flag}){where} : "
                         f"{md(p.why)}")
        lines.append("")
    if k.first_questions:
        lines += ["À demander d'abord au fournisseur :", ""] + [f"- {md(q)}" for q in k.first_questions] + [""]
    lines += [md(k.next_step), ""]
    note = c.jargon_note(*(p.title for p in k.points), *(p.why for p in k.points))
    if note:
        lines += [md(note), ""]
    return lines


def to_markdown(report: Report, library: Library) -> str:
    s = c.summary(report)
    lines = [f"# Analyse des clauses de sécurité — {md(report.document.get('name', ''))}", ""]
    lines += [f"- {k} : {md(v)}" for k, v in c.document_facts(report)] + [""]
    lines += conclusion_lines(report, library)
    lines += ["## Synthèse", "", md(c.summary_sentence(s)), ""]
    if s.critical_gaps:
        lines += [f"**Obligations critiques absentes :** {', '.join(s.critical_gaps)}.", ""]
    lines += [f"> Avertissement : {md(w)}" for w in report.document.get("warnings", [])]
    if report.document.get("warnings"):
        lines.append("")
    reviewed = [(f, o) for f in report.findings if (o := c.override_of(report, f))]
    if reviewed:
        lines += ["## Décisions du relecteur", ""]
        lines += _table(
            ["Obligation", "Moteur", "Relecteur", "Commentaire", "Par", "Date"],
            [
                [
                    f"{f.obligation_id} {md(f.title)}",
                    c.STATUS_FR[f.status],
                    c.STATUS_FR[o["status"]],
                    md(o.get("comment") or ""),
                    md(o.get("reviewer") or ""),
                    c.format_datetime(o.get("decided_at")),
                ]
                for f, o in reviewed
            ],
        )
    lines += ["## Verdicts par thème", ""]
    rows = [[f"{t.letter}. {md(t.title)}", str(t.present), str(t.weak), str(t.missing), str(t.red_flags)]
            for t in c.theme_counts(report, library)]
    lines += _table(["Thème", "Présentes", "Faibles", "Absentes", "Alertes"], rows)
    figures = [(f, fc) for f in c.applicable(report) for fc in f.figures]
    if figures:
        lines += ["## Chiffres comparés aux seuils", ""]
        lines += _table(
            ["Obligation", "Paramètre", "Trouvé", "Seuil", "Verdict"],
            [
                [
                    f.obligation_id,
                    md(fc.label),
                    md(c.format_value(fc.found, fc.unit)),
                    md(c.threshold_text(fc)),
                    c.figure_verdict(fc),
                ]
                for f, fc in figures
            ],
        )
    lines += ["## Détail par obligation", ""]
    for letter, title, items in c.by_theme(report, library):
        lines += [f"## {letter}. {md(title)}", ""]
        for f in sorted(
            items, key=lambda f: (c.STATUS_ORDER[c.status_of(report, f)], c.SEVERITY_ORDER[f.severity])
        ):
            lines += _finding(report, library, f)
    lines.append(
        f"_Rapport produit hors ligne par clausier le {c.today()} ; aide à la relecture, "
        "ne remplace pas l'avis d'un juriste._"
    )
    return "\n".join(lines) + "\n"
