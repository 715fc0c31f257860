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


def to_text(report: Report, library: Library) -> str:
    s = report.summary()
    doc = report.document
    out = [
        f"clausier — {doc['name']} ({doc['format'].upper()}"
        + (f", {doc['pages']} pages" if doc.get("pages") else "") + ")",
        f"Profil : {report.profile['label']}"
        + (f" ; fournisseur : {report.profile['supplier_type']}" if report.profile.get("supplier_type") else ""),
        f"Résultat : {s['present']} présentes, {s['weak']} faibles, {s['missing']} absentes, "
        f"{s['red_flags']} alertes (sur {s['applicable']} obligations applicables).",
    ]
    out.append(f"Bibliothèque : {library_line(report.tool)}")
    out += [f"Avertissement : {w}" for w in doc.get("warnings", [])]
    out.append("")
    for f in ordered_findings(report):
        if f.status == "not_applicable":
            continue
        mark = {"present": "[OK]", "weak": "[FAIBLE]", "missing": "[ABSENT]"}[f.status]
        flag = " [ALERTE]" if f.red_flag else ""
        out.append(f"{mark:9}{flag} {f.obligation_id} {f.title} ({SEVERITY_FR[f.severity]})")
        if f.status != "present":
            out.append(f"          {f.reasons[-1] if f.reasons else ''}")
        if f.evidence:
            e = f.evidence[0]
            where = f"p. {e.page}, " if e.page else ""
            quote = " ".join(e.text.split())
            out.append(f"          « {quote[:160]}{'…' if len(quote) > 160 else ''} » ({where}{e.article})")
    return "\n".join(out) + "\n"
