"""Engine behaviour on synthetic contracts written by the tests: mutation tests and the pure
assessment function."""

from __future__ import annotations

import pytest

from clausier.engine.assess import assess
from clausier.engine.figures import Figure, durations, frequencies, locations, percentages
from clausier.engine.results import Evidence
from clausier.ingest import load_bytes
from tests import factories as fx

BASE = dict(fx.CLAUSES)


def _status(engine, clauses, oid, annex=None, profile="full"):
    text = fx.as_text(fx.contract_sections(clauses, annex=annex))
    report = engine.analyze(load_bytes(text.encode(), "c.txt"), profile)
    return next(f for f in report.findings if f.obligation_id == oid)


@pytest.mark.parametrize("key, oid", [("hds", "A1"), ("breach", "G1"), ("audit", "L1")])
def test_engine_compliant_clause_present(engine, key, oid):
    assert _status(engine, BASE, oid).status == "present"


@pytest.mark.parametrize("key, oid", [("hds", "A1"), ("breach", "G1"), ("audit", "L1")])
def test_engine_deleting_clause_makes_missing(engine, key, oid):
    clauses = {k: v for k, v in BASE.items() if k != key}
    assert _status(engine, clauses, oid).status == "missing"


@pytest.mark.parametrize("key, oid, old, new", [
    ("breach", "G1", "Le Prestataire notifie", "Le Prestataire s'efforcera de notifier"),
    ("breach", "G1", "dans un délai maximal de vingt-quatre (24) heures", "dans les meilleurs délais"),
    ("breach", "G1", "après en avoir pris connaissance", "après en avoir pris connaissance, sauf impossibilité technique"),
    ("breach", "G1", "vingt-quatre (24) heures", "dix (10) jours"),
    ("hds", "A1", "s'engage à héberger", "s'efforcera d'héberger"),
    ("audit", "L1", "Le Client peut faire réaliser", "Le Prestataire s'efforcera de permettre au Client de faire réaliser"),
])
def test_engine_weakened_clause_is_weak(engine, key, oid, old, new):
    assert old in BASE[key]
    clauses = {**BASE, key: BASE[key].replace(old, new)}
    finding = _status(engine, clauses, oid)
    assert finding.status == "weak", finding.reasons


@pytest.mark.parametrize("key, oid", [("hds", "A1"), ("breach", "G1"), ("audit", "L1")])
def test_engine_clause_moved_to_annex_still_found(engine, key, oid):
    clauses = {k: v for k, v in BASE.items() if k != key}
    finding = _status(engine, clauses, oid, annex={key: BASE[key]})
    assert finding.status == "present"
    assert finding.evidence[0].article.startswith("Annexe 1")


def test_engine_threshold_depends_on_profile(engine):
    clauses = {**BASE, "breach": BASE["breach"].replace("vingt-quatre (24) heures", "quarante-huit (48) heures")}
    assert _status(engine, clauses, "G1", profile="full").status == "present"
    finding = _status(engine, clauses, "G1", profile="etablissement")
    assert finding.status == "weak"
    assert any("hors seuil" in r for r in finding.reasons)


def test_engine_red_flag_free_subcontracting(engine):
    clauses = {**BASE, "sous": "Le Prestataire pourra librement faire appel à tout sous-traitant de son choix, "
                                "sans autorisation préalable du Client."}
    finding = _status(engine, clauses, "C1")
    assert finding.red_flag and finding.status == "weak"
    assert finding.red_flags[0].text.startswith("Le Prestataire pourra librement")


def test_engine_evidence_carries_provenance(engine):
    finding = _status(engine, BASE, "G1")
    e = finding.evidence[0]
    assert e.detector in {"regex", "lemma", "fuzzy"} and e.rule.startswith("G1/")
    assert e.article.startswith("Article") and e.role == "requirement" and e.strength == "ferme"


def test_engine_not_applicable_for_supplier_type(engine):
    text = fx.as_text(fx.contract_sections())
    report = engine.analyze(load_bytes(text.encode(), "c.txt"), "liberal", "FAI")
    statuses = {f.obligation_id: f.status for f in report.findings}
    assert statuses["I5"] != "not_applicable"
    assert statuses["A1"] == "not_applicable"


def test_engine_english_document_flagged_as_limited(engine):
    text = ("Article 1 Data breaches\nThe Processor shall notify the Controller of any personal data breach "
            "within 24 hours after becoming aware of it.\n")
    report = engine.analyze(load_bytes(text.encode(), "dpa.txt"), "full")
    assert report.document["language"] == "en"
    assert any("analyse limitée" in w for w in report.document["warnings"])


# ------------------------------------------------------------------ figures


@pytest.mark.parametrize("text, hours", [
    ("dans un délai de quarante-huit (48) heures", 48),
    ("sous 72 h", 72),
    ("dans un délai d'un mois", 720),
    ("within seventy-two hours", 72),
    ("sous cinq (5) jours ouvrés", 168),
    ("within ten (10) calendar days", 240),
])
def test_engine_figures_durations(text, hours):
    assert [f.value for f in durations(text)] == [hours]


def test_engine_figures_service_hours_are_not_delays():
    assert durations("support disponible 24h/24 et 7j/7") == []


@pytest.mark.parametrize("text, per_year", [
    ("une fois par an", 1), ("deux fois par an", 2), ("tous les six mois", 2), ("audit annuel", 1),
    ("once a year", 1),
])
def test_engine_figures_frequencies(text, per_year):
    assert per_year in [f.value for f in frequencies(text)]


def test_engine_figures_locations_and_percent():
    assert {f.value for f in locations("hébergées en France, jamais hors de l'Union européenne")} == {"FR"}
    assert {f.value for f in locations("transfert possible aux États-Unis")} == {"US"}
    assert [f.value for f in percentages("disponibilité de 99,95 % par mois")] == [99.95]


# ------------------------------------------------------------------ the pure assessment function


def _ev(role, req=None, strength="ferme", text="Le Prestataire notifie sous 24 heures.", rule="x"):
    return Evidence(text, 0, len(text), 0, 5, 1, "Article 1", "regex", f"G1/{rule}", role, req, 0.8, strength)


def test_assess_pure_decisions(library):
    ob = library.get("G1")
    reqs = [r.name for r in ob.detection.requirements if r.required]
    all_firm = [_ev("requirement", r) for r in reqs]
    delay = {p.name: [Figure("duration", 24.0, "hours", "24 heures")] for p in ob.parameters}
    assert assess(ob, [], {}, "default").status == "missing"
    assert assess(ob, all_firm, delay, "default").status == "present"
    hedged = [_ev("requirement", r, strength="atténuée") for r in reqs]
    assert assess(ob, hedged, delay, "default").status == "weak"
    flagged = assess(ob, all_firm + [_ev("red_flag", rule="rf")], delay, "default", red_flag_messages={"G1/rf": "alerte"})
    assert flagged.status == "weak" and flagged.red_flag and "Point d'alerte : alerte" in flagged.reasons
    late = {p.name: [Figure("duration", 240.0, "hours", "10 jours")] for p in ob.parameters}
    assert assess(ob, all_firm, late, "default").status == "weak"
    assert assess(ob, all_firm, delay, "default", applicable=False).status == "not_applicable"
    classifier_only = [Evidence("t", 0, 1, 0, 1, None, "A", "classifier", "G1/clf", "topic", None, 0.9, "ferme")]
    assert assess(ob, classifier_only, {}, "default").status == "weak"
