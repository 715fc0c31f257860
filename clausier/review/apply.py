"""Apply reviewer decisions to a report (pure: returns a new Report, the engine findings untouched).

The engine verdict stays in each Finding; the reviewer's verdict goes in ``Report.overrides``
keyed by obligation id. Every export reads the reviewed status through :func:`reviewed_status`
and shows when it differs from the engine's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from clausier.engine.results import Finding, Report
from clausier.review.store import Decision

STATUSES = ("present", "weak", "missing", "not_applicable")


def apply_overrides(report: Report, decisions: Iterable[Decision]) -> Report:
    """Return a copy of ``report`` whose ``overrides`` hold the decisions on its obligations."""
    ids = {f.obligation_id: f for f in report.findings}
    overrides: dict[str, dict[str, Any]] = {}
    for d in decisions:
        finding = ids.get(d.obligation_id)
        if finding is None:
            continue
        overrides[d.obligation_id] = {
            "status": d.status,
            "engine_status": finding.status,
            "changed": d.status != finding.status,
            "comment": d.comment,
            "reviewer": d.reviewer,
            "decided_at": d.decided_at,
        }
    return replace(report, overrides=overrides)


def reviewed_status(report: Report, finding: Finding) -> str:
    """The status to show: the reviewer's when there is one, else the engine's."""
    override = report.overrides.get(finding.obligation_id)
    return str(override["status"]) if override else finding.status


def is_overridden(report: Report, finding: Finding) -> bool:
    override = report.overrides.get(finding.obligation_id)
    return bool(override and override["status"] != finding.status)


def reviewed_summary(report: Report) -> dict[str, Any]:
    """``Report.summary()`` computed on the reviewed verdicts, plus how many were reviewed.

    Obligations the engine found not applicable stay out of the counts; one the reviewer marks
    not applicable leaves them too."""
    base = report.summary()
    engine_applicable = [f for f in report.findings if f.status != "not_applicable"]
    counted = [(f, reviewed_status(report, f)) for f in engine_applicable]
    counted = [(f, s) for f, s in counted if s != "not_applicable"]
    counts = {s: sum(1 for _, st in counted if st == s) for s in ("present", "weak", "missing")}
    by_sev: dict[str, dict[str, int]] = {}
    for f, s in counted:
        by_sev.setdefault(f.severity, {"present": 0, "weak": 0, "missing": 0})[s] += 1
    return {
        **base,
        "applicable": len(counted),
        **counts,
        "red_flags": sum(1 for f, _ in counted if f.red_flag),
        "not_applicable": len(report.findings) - len(counted),
        "coverage": round(counts["present"] / len(counted), 3) if counted else None,
        "by_severity": by_sev,
        "critical_gaps": [f.obligation_id for f, s in counted if f.severity == "critical" and s == "missing"],
        "reviewed": len(report.overrides),
        "overridden": sum(1 for f in engine_applicable if is_overridden(report, f)),
    }
