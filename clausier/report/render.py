"""Pure renderers of a Report: JSON (the evaluation contract + extras), Markdown and plain text."""

from __future__ import annotations

import json
from typing import Any

from clausier.engine.results import Finding, Report
from clausier.library.loader import Library
from clausier.report.common import library_line

STATUS_FR = {"present": "Présent", "weak": "Faible", "missing": "Absent", "not_applicable": "Non applicable"}
SEVERITY_FR = {"critical": "critique", "major": "majeure", "minor": "mineure"}
_SEV_ORDER = {"critical": 0, "major": 1, "minor": 2}


def _sources(library: Library, oid: str) -> list[dict[str, str]]:
    return [{"kind": s.kind.value, "ref": s.ref} for s in library.get(oid).sources]


def to_dict(report: Report, library: Library) -> dict[str, Any]:
    data = report.to_dict()
    for f in data["findings"]:
        ob = library.get(f["obligation_id"])
        f["sources"] = _sources(library, ob.id)
        f["theme_title"] = library.theme_title(ob.id[0])
        if f["status"] in ("weak", "missing") or f["red_flag"]:
            f["model_clause"] = ob.model_clause
            f["questions"] = list(ob.questions)
    return data


def to_json(report: Report, library: Library) -> str:
    return json.dumps(to_dict(report, library), ensure_ascii=False, indent=2)


def ordered_findings(report: Report) -> list[Finding]:
    """Most serious first: red flags and critical gaps, then by severity and status."""
    status_rank = {"missing": 0, "weak": 1, "present": 2, "not_applicable": 3}
    return sorted(report.findings, key=lambda f: (status_rank[f.status], not f.red_flag,
                                                   _SEV_ORDER[f.severity], f.obligation_id))


def to_markdown(report: Report, library: Library) -> str:
    """The Markdown report (kept here for callers of the original renderer)."""
    from clausier.report.markdown import to_markdown as render_markdown

    return render_markdown(report, library)


def conclusion_lines(report: Report, library: Library, indent: str = "  ") -> list[str]:
    """The plain-French conclusion: verdict, most serious points, what to ask first."""
    from clausier.report import common as c

    k = c.conclusion(report, library)
    out = [f"{indent}{k.verdict}"]
    if k.points:
        out.append(f"{indent}Le plus grave :")
        for i, p in enumerate(k.points, start=1):
            state = {"missing": "absente", "weak": "faible", "present": "présente"}.get(p.status, "") + (
                ", clause défavorable" if p.red_flag else "")
            where = f" ({p.where})" if p.where else ""
            out.append(f"{indent}  {i}. {p.obligation_id} {p.title} — {c.SEVERITY_FR[p.severity]}, {state}{where}")
            out.append(f"{indent}     {p.why}")
    if k.first_questions:
        out.append(f"{indent}À demander d'abord au fournisseur :")
        out += [f"{indent}  - {q}" for q in k.first_questions]
    return out


def to_text(report: Report, library: Library) -> str:
    """Plain-text report on the reviewed verdicts: conclusion first, the points to review most
    urgent first, the obligations met in one line each, and it ends with the summary and next step."""
    from clausier.report import common as c

    s = c.summary(report)
    doc = report.document
    k = c.conclusion(report, library)
    out = [
        f"clausier — {doc['name']} ({doc['format'].upper()}"
        + (f", {doc['pages']} pages" if doc.get("pages") else "") + ")",
        f"Profil : {report.profile['label']}"
        + (f" ; fournisseur : {report.profile['supplier_type']}" if report.profile.get("supplier_type") else ""),
    ]
    out.append(f"Bibliothèque : {library_line(report.tool)}")
    out += [f"Avertissement : {w}" for w in doc.get("warnings", [])]
    out += ["", "CONCLUSION", *conclusion_lines(report, library), ""]
    todo = c.prioritised(report)
    if todo:
        out.append(f"POINTS À REVOIR ({len(todo)}, les plus urgents d'abord)")
    shown: list[str] = []
    for f in todo:
        status = c.status_of(report, f)
        mark = {"present": "[OK]", "weak": "[FAIBLE]", "missing": "[ABSENT]"}[status]
        flag = " [ALERTE]" if c.red_flag_of(report, f) else ""
        out.append(f"{mark:9}{flag} {f.obligation_id} {f.title} ({SEVERITY_FR[f.severity]})")
        override = c.override_of(report, f)
        if override:
            out.append(f"          {c.override_line(override, f)}")
        reasons = c.display_reasons(f, status)
        shown += [f.title, *reasons[:2]]
        out += [f"          {r}" for r in reasons[:2]]
        ev = c.distinct_evidence(f, 1)
        if ev and status != "missing":
            quote = " ".join(ev[0].text.split())
            out.append(f"          « {quote[:160]}{'…' if len(quote) > 160 else ''} » ({c.where(ev[0])})")
    met = [f for f in c.ordered(report) if c.priority(report, f) is None]
    if met:
        out += ["", f"OBLIGATIONS PRÉSENTES ({len(met)})"]
        for f in met:
            ev = c.distinct_evidence(f, 1)
            out.append(f"[OK]      {f.obligation_id} {f.title} ({SEVERITY_FR[f.severity]})"
                       + (f" — {c.where(ev[0])}" if ev else ""))
            override = c.override_of(report, f)
            if override:
                out.append(f"          {c.override_line(override, f)}")
    note = c.jargon_note(*shown)
    if note:
        out += ["", note]
    out += ["", "EN RÉSUMÉ", f"  {c.summary_sentence(s)}", f"  {k.verdict}", f"  {k.next_step}"]
    return "\n".join(out) + "\n"
