"""Export to CISO Assistant (audit of the framework clausier-sante-v2): the file is read back the way
CISO Assistant's data import wizard reads it (first sheet, header row, rows matched by ref_id), and
every verdict is checked against the report and the obligations' own `clausier` sources."""

from __future__ import annotations

import io
import re

import pytest

import tests.factories as fx
from clausier.cli import main
from clausier.library.coverage import load_references, normalise_ref
from clausier.report import common as c
from clausier.report.ciso import COLUMNS, PROGRESS, RESULTS, read_ciso_xlsx
from clausier.report.exports import FORMATS, export, output_name
from clausier.review.apply import apply_overrides
from clausier.review.store import Decision

CLAUSES = {
    **fx.CLAUSES,
    "incidents": "Le Prestataire s'efforcera d'informer le Client des incidents de sécurité dans les meilleurs délais.",
    "backups": "Il appartient au Client de procéder à la sauvegarde de ses données sur ses propres supports.",
}


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, engine):
    d = tmp_path_factory.mktemp("ciso")
    sections = fx.contract_sections(CLAUSES)
    path = fx.write_pdf(d / "offre-ciso.pdf", sections)
    return path, engine.analyze_file(path, "etablissement", "SAAS")


def _imported(data: bytes) -> dict[str, dict]:
    """What CISO Assistant's `_process_compliance_assessment` keeps of each row, keyed by ref_id."""
    out = {}
    for record in read_ciso_xlsx(data):
        if not record.get("assessable"):
            continue
        score = record.get("score")
        out[record["ref_id"]] = {
            "result": record.get("compliance_result") or "not_assessed",
            "status": record.get("requirement_progress") or "to_do",
            "observation": record.get("observations", ""),
            "score": int(score) if score != "" and score is not None else None,
            "urn": record["urn"],
        }
    return out


def _citing(library) -> dict[str, list[str]]:
    """clausier point (normalised) -> obligations whose YAML sources cite it, read from the sources."""
    out: dict[str, list[str]] = {}
    for ob in library.obligations.values():
        for s in ob.sources:
            if s.kind.value == "clausier":
                out.setdefault(normalise_ref(s.ref), []).append(ob.id)
    return out


def _expected_result(report, findings) -> str:
    applicable = [f for f in findings if c.status_of(report, f) != "not_applicable"]
    if not applicable:
        return "not_applicable"
    statuses = {c.status_of(report, f) for f in applicable}
    if statuses == {"present"} and not any(c.red_flag_of(report, f) for f in applicable):
        return "compliant"
    return "non_compliant" if statuses == {"missing"} else "partially_compliant"


def test_format_registered_and_named():
    spec = FORMATS["ciso"]
    assert spec.binary and spec.extension == "xlsx" and "CISO Assistant" in spec.label
    assert output_name("offre.pdf", "ciso") == "offre.pdf.ciso.xlsx"


def test_export_round_trips_as_ciso_assistant_reads_it(analysed, library):
    path, report = analysed
    data = export(report, library, "ciso", source_path=path)
    assert data[:2] == b"PK"
    rows = read_ciso_xlsx(data)
    assert tuple(rows[0]) == COLUMNS  # the columns of CISO Assistant's audit template, in order
    points = [p for p in load_references(library.directory).points if p.framework.value == "clausier_v2024"]
    assert [r["ref_id"] for r in rows] == [p.id for p in points] and len(rows) == 118
    imported = _imported(data)
    assert len(imported) == 118  # every row assessable: none skipped by the importer
    citing = _citing(library)
    findings = {f.obligation_id: f for f in report.findings}
    for point in points:
        row = imported[point.id]
        assert row["urn"] == "urn:ackwa:risk:req_node:clausier-sante-v2:" + point.id.lower()
        assert re.fullmatch(r"urn:ackwa:risk:req_node:clausier-sante-v2:o-\d+(\.\d+)+", row["urn"])
        assert row["result"] in RESULTS and row["status"] in PROGRESS
        ids = citing.get(normalise_ref(point.id), [])
        if not ids:  # out of scope: left to the auditor, with the reason
            assert (row["result"], row["status"], row["score"]) == ("not_assessed", "to_do", None)
            assert point.out_of_scope and point.out_of_scope in row["observation"]
            continue
        assert row["result"] == _expected_result(report, [findings[i] for i in ids]), point.id
        assert row["status"] == "in_review"  # automatic verdicts, no reviewer decision yet
        assert ", ".join(ids) in row["observation"]
        if row["result"] == "not_applicable":
            assert row["score"] is None
        else:
            assert 0 <= row["score"] <= 100
            assert (row["score"] == 100) == (row["result"] == "compliant")
            assert (row["score"] == 0) <= (row["result"] != "compliant")
    # The breach clause (G1 -> O-2.5) is quoted with its page and article; its verdict is present.
    o25 = imported["O-2.5"]
    assert o25["result"] == "compliant" and o25["score"] == 100
    assert "vingt-quatre (24) heures" in o25["observation"] and "(p. 1, art. 3" in o25["observation"]
    assert report.document["sha256"] in o25["observation"] and f"bibliothèque {library.release}" in o25["observation"]
    # A hedged incident clause (G2 -> O-9.15) is partial, with the reason; nothing is called compliant
    # without evidence.
    assert imported["O-9.15"]["result"] == "partially_compliant"
    assert "s'efforcera" in imported["O-9.15"]["observation"]
    assert sum(r["result"] == "compliant" for r in imported.values()) < 20


def test_same_rows_through_pandas_like_the_importer(analysed, library):
    """CISO Assistant reads the upload with pandas.read_excel(file).fillna('') (first sheet)."""
    pd = pytest.importorskip("pandas")
    _, report = analysed
    data = export(report, library, "ciso")
    records = pd.read_excel(io.BytesIO(data)).astype(object).fillna("").to_dict(orient="records")
    mine = _imported(data)
    assert len(records) == len(mine)
    for rec in records:
        assert rec["assessable"] is True or rec["assessable"] == True  # noqa: E712 (numpy bool)
        row = mine[rec["ref_id"]]
        assert rec["compliance_result"] == row["result"] and rec["observations"] == row["observation"]
        assert rec["implementation_score"] == "" and rec["documentation_score"] == ""  # so `score` is read
        assert (rec["score"] == "") == (row["score"] is None)


def test_reviewer_decisions_set_done_and_change_the_result(analysed, library):
    _, report = analysed
    g2 = next(f for f in report.findings if f.obligation_id == "G2")
    sha = report.document["sha256"]
    reviewed = apply_overrides(report, [Decision(sha, "G2", "present", "engagement confirmé par avenant", "Dr X")])
    imported = _imported(export(reviewed, library, "ciso"))
    o915 = imported["O-9.15"]  # cited by G2 only
    assert g2.status != "present"
    assert o915["result"] == "compliant" and o915["status"] == "done" and o915["score"] == 100
    assert "engagement confirmé par avenant" in o915["observation"]


def test_mapping_sheet_lists_every_obligation(analysed, library):
    from openpyxl import load_workbook

    _, report = analysed
    wb = load_workbook(io.BytesIO(export(report, library, "ciso")), read_only=True)
    assert wb.sheetnames[1:] == ["Correspondance", "À propos"]
    mapping = {r[0]: r[3] for r in wb["Correspondance"].iter_rows(min_row=2, values_only=True)}
    assert set(mapping) == set(library.obligations)
    assert "O-2.5" in mapping["G1"] and mapping["D5"] == "aucun (autres référentiels)"
    about = {r[0]: r[1] for r in wb["À propos"].iter_rows(min_row=2, values_only=True)}
    assert about["Bibliothèque"].startswith(f"version {library.release}")
    assert "urn:ackwa:risk:framework:clausier-sante-v2" in about["Référentiel CISO Assistant"]


def test_bad_file_is_refused_in_french():
    with pytest.raises(ValueError, match="illisible"):
        read_ciso_xlsx(b"ceci n'est pas un classeur")


def test_cli_ciso_needs_an_output_file_then_writes_it(analysed, tmp_path, capsys):
    path, _ = analysed
    assert main(["check", str(path), "--format", "ciso", "--no-model"]) == 2
    assert "-o" in capsys.readouterr().err
    out = tmp_path / "audit.xlsx"
    assert main(["check", str(path), "--format", "ciso", "--no-model", "-o", str(out)]) == 1
    assert len(_imported(out.read_bytes())) == 118
