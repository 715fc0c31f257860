"""Export of a review to CISO Assistant, as an audit of the framework "Clausier Sécurité Santé v2024".

CISO Assistant (intuitem/ciso-assistant-community) ships the Club RSSI Santé clausier v2024 as the
library ``clausier-sante-v2`` (framework ``urn:ackwa:risk:framework:clausier-sante-v2``; requirement
``ref_id`` ``O-x.y``, node URN ``urn:ackwa:risk:req_node:clausier-sante-v2:o-x.y``). Its data import
wizard (``backend/data_wizard/views.py``, model type ``ComplianceAssessment``; also the CLI command
``clica.py import-compliance-assessments --file … --perimeter … --framework …``) reads the FIRST
sheet of an Excel file with ``pandas.read_excel``, header on the first row, and for each row:

- skips it unless ``assessable`` is true;
- finds the requirement of the chosen framework by ``ref_id`` (else by ``urn``);
- sets ``result`` from ``compliance_result`` (``compliant``, ``partially_compliant``,
  ``non_compliant``, ``not_applicable``, ``not_assessed``; empty: ``not_assessed``), ``status`` from
  ``requirement_progress`` (``to_do``, ``in_progress``, ``in_review``, ``done``; empty: ``to_do``),
  ``observation`` from ``observations``, and ``score`` (0 to 100) when ``score`` is not empty.
  When both ``implementation_score`` and ``documentation_score`` are not empty they are used
  instead; the two columns are therefore written, empty, so that ``score`` is the one read.

One row per clausier control point of ``clause_library/references.yaml`` (118 points). A point's
verdict aggregates the obligations whose ``sources`` cite it (the mapping of COVERAGE.md), with the
reviewed statuses: all present -> ``compliant``, all missing -> ``non_compliant``, otherwise
``partially_compliant``; every citing obligation not applicable -> ``not_applicable``; a point
that no obligation checks (out of scope) -> ``not_assessed`` with the reason. ``score`` is the
weighted score of the tender matrix (critical 3, major 2, minor 1; present 1, weak 0.5, missing 0,
minus 0.5 for a standing red flag) over the citing obligations. ``requirement_progress`` is
``done`` when a reviewer decided every citing obligation, else ``in_review`` (an automatic
verdict to be reviewed). The observation quotes the evidence with its page and article.

Two more sheets (ignored by the importer): the obligation -> control point mapping with each
verdict, and the facts of the analysis (contract SHA-256, profile, library version).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clausier.engine.results import Finding, Report
from clausier.library.coverage import Framework, ReferencePoint, coverage_rows, load_references
from clausier.library.loader import Library
from clausier.report import common as c

FRAMEWORK_URN = "urn:ackwa:risk:framework:clausier-sante-v2"
FRAMEWORK_NAME = "Clausier Sécurité Santé v2024"
NODE_URN_PREFIX = "urn:ackwa:risk:req_node:clausier-sante-v2:"
#: Columns read by CISO Assistant's compliance assessment import (data wizard), in its template order.
COLUMNS = ("urn", "assessable", "ref_id", "name", "description", "compliance_result", "requirement_progress",
           "score", "implementation_score", "documentation_score", "observations")
RESULTS = ("compliant", "partially_compliant", "non_compliant", "not_applicable", "not_assessed")
PROGRESS = ("to_do", "in_progress", "in_review", "done")
AUDIT_SHEET = "Audit clausier v2024"

_WEIGHTS = {"critical": 3, "major": 2, "minor": 1}
_VALUES = {"present": 1.0, "weak": 0.5, "missing": 0.0}
_QUOTE_CHARS = 300


def node_urn(ref_id: str) -> str:
    """'O-12.3.14' -> 'urn:ackwa:risk:req_node:clausier-sante-v2:o-12.3.14'."""
    return NODE_URN_PREFIX + ref_id.strip().lower()


@dataclass(frozen=True)
class PointAssessment:
    """One row of the audit sheet: a clausier control point and its aggregated verdict."""

    point: ReferencePoint
    obligations: tuple[str, ...]  # obligations citing the point (library order)
    result: str
    progress: str
    score: int | None
    observation: str

    def row(self) -> list[Any]:
        return [node_urn(self.point.id), True, self.point.id, self.point.title, "", self.result, self.progress,
                "" if self.score is None else self.score, "", "", self.observation]


def clausier_mapping(library: Library) -> list[tuple[ReferencePoint, tuple[str, ...]]]:
    """Every clausier v2024 control point (references.yaml order) with the obligations citing it."""
    rows = coverage_rows(library, load_references(library.directory))
    return [(r.point, r.obligations) for r in rows if r.point.framework == Framework.clausier_v2024]


def _finding_lines(report: Report, finding: Finding) -> list[str]:
    status = c.status_of(report, finding)
    head = f"{finding.obligation_id} {finding.title} : {c.STATUS_FR[status]}"
    if c.red_flag_of(report, finding):
        head += " (point d'alerte)"
    lines = [head]
    override = c.override_of(report, finding)
    if override:
        lines.append("  " + c.override_line(override, finding))
    for e in c.distinct_evidence(finding, limit=2):
        lines.append(f"  « {c.one_line(e.text, _QUOTE_CHARS)} » ({c.where(e)})")
    if status in ("weak", "missing"):
        lines += [f"  {r}" for r in c.key_reasons(finding, limit=2)]
        if c.red_flag_of(report, finding):
            lines += [f"  Alerte : {m}" for m in dict.fromkeys(rf.message for rf in finding.red_flags)][:1]
    return lines


def assess_point(report: Report, point: ReferencePoint, obligations: Sequence[str],
                 findings: dict[str, Finding]) -> PointAssessment:
    """The aggregated verdict of one control point (see the module docstring)."""
    ids = tuple(obligations)
    if not ids:
        reason = point.out_of_scope or "aucune obligation de la bibliothèque ne vérifie ce point"
        return PointAssessment(point, ids, "not_assessed", "to_do", None,
                               f"Non évalué par clausier : {reason}.")
    cited = [findings[i] for i in ids if i in findings]
    applicable = [f for f in cited if c.status_of(report, f) != "not_applicable"]
    lines = [f"Obligations clausier : {', '.join(ids)}."]
    if not applicable:
        return PointAssessment(point, ids, "not_applicable", "in_review", None,
                               "\n".join(lines + ["Non applicable au profil ou au type de fournisseur choisi."]))
    statuses = [c.status_of(report, f) for f in applicable]
    flags = [c.red_flag_of(report, f) for f in applicable]
    if all(s == "present" for s in statuses) and not any(flags):
        result = "compliant"
    elif all(s == "missing" for s in statuses):
        result = "non_compliant"
    else:
        result = "partially_compliant"
    earned = possible = 0.0
    for f, s, flag in zip(applicable, statuses, flags):
        weight = _WEIGHTS[f.severity]
        earned += weight * max(_VALUES[s] - (0.5 if flag else 0.0), 0.0)
        possible += weight
    score = round(100 * earned / possible)
    decided = all(f.obligation_id in report.overrides for f in applicable)
    for f in applicable:
        lines += _finding_lines(report, f)
    return PointAssessment(point, ids, result, "done" if decided else "in_review", score, "\n".join(lines))


def assessments(report: Report, library: Library) -> list[PointAssessment]:
    findings = {f.obligation_id: f for f in report.findings}
    return [assess_point(report, p, ids, findings) for p, ids in clausier_mapping(library)]


def _header(report: Report, library: Library) -> str:
    doc = report.document
    return (f"Revue clausier (bibliothèque {library.release or 'non versionnée'}, empreinte {library.version}) "
            f"du contrat « {doc.get('name', '')} » "
            f"(SHA-256 {doc.get('sha256', '')}), profil {report.profile.get('label', report.profile.get('id', ''))}.")


def ciso_xlsx(report: Report, library: Library) -> bytes:
    """The workbook to import into CISO Assistant (first sheet) with the mapping and the facts."""
    from openpyxl import Workbook

    from clausier.report.matrix import _Sheet

    rows = assessments(report, library)
    header = _header(report, library)
    wb = Workbook()
    ws = wb.active
    ws.title = AUDIT_SHEET
    s = _Sheet(ws)
    s.write(list(COLUMNS), bold=True)
    for pa in rows:
        values = pa.row()
        if pa.obligations:
            values[-1] = header + "\n" + pa.observation
        s.write(values, wrap=True)
    s.widths([16, 11, 11, 40, 6, 20, 18, 7, 8, 8, 100])
    ws.freeze_panes = "A2"

    m = _Sheet(wb.create_sheet("Correspondance"))
    m.write(["Obligation", "Intitulé", "Verdict", "Points du clausier v2024"], bold=True)
    cited: dict[str, list[str]] = {}
    for pa in rows:
        for i in pa.obligations:
            cited.setdefault(i, []).append(pa.point.id)
    for f in report.findings:
        m.write([f.obligation_id, f.title, c.STATUS_FR[c.status_of(report, f)],
                 ", ".join(cited.get(f.obligation_id, [])) or "aucun (autres référentiels)"])
    m.widths([11, 70, 16, 50])

    a = _Sheet(wb.create_sheet("À propos"))
    a.write(["Élément", "Valeur"], bold=True)
    for k, v in c.document_facts(report):
        a.write([k, v], wrap=True)
    a.write(["Référentiel CISO Assistant", f"{FRAMEWORK_NAME} ({FRAMEWORK_URN})"], wrap=True)
    a.write(["Import", "Catalogue > importer des données (assistant d'import) : type « audit » "
             "(ComplianceAssessment), choisir le périmètre et le référentiel « Clausier Sécurité Santé v2024 » ; "
             "seule la première feuille est lue."], wrap=True)
    a.widths([28, 110])

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_ciso_xlsx(data: bytes) -> list[dict[str, Any]]:
    """Rows of the first sheet as CISO Assistant reads them (header row, empty cells as '').

    Used by the tests to check the export round-trips; a bad file raises ValueError in French."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise ValueError(f"fichier CISO Assistant illisible : {exc}") from exc
    ws = wb.worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    wb.close()
    if not values:
        raise ValueError("fichier CISO Assistant vide")
    header = [str(h) if h is not None else "" for h in values[0]]
    missing = [col for col in ("ref_id", "assessable", "compliance_result") if col not in header]
    if missing:
        raise ValueError(f"colonnes absentes : {', '.join(missing)}")
    return [{h: ("" if v is None else v) for h, v in zip(header, row)} for row in values[1:]]
