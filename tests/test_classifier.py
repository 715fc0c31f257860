"""Trained theme classifier: loading by path, determinism, the trust policy in ``assess`` (a model
hit alone is never ``present``), hit selection, reproducible training, and ``--no-model``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clausier.classifier import DEFAULT_MODEL_DIR, THEMES, model_available
from clausier.classifier.data import TrainExample, _cats, library_examples, non_evidence, sample
from clausier.engine.assess import assess
from clausier.engine.detectors import Hit
from clausier.engine.figures import Figure
from clausier.engine.results import Evidence
from tests import factories as fx

needs_model = pytest.mark.skipif(not model_available(DEFAULT_MODEL_DIR), reason="models/clause_textcat absent")

TEXTS = [
    "Le prestataire notifie au client toute violation de données dans un délai de vingt-quatre heures.",
    "Les sauvegardes sont réalisées chaque nuit et conservées sur un second site.",
    "Le prix est payable à trente jours fin de mois.",
]


def _evidence(detector: str, role: str = "topic", requirement: str | None = None, text: str = "x") -> Evidence:
    return Evidence(text=text, start=0, end=len(text), match_start=0, match_end=len(text), page=None,
                    article="Article 1", detector=detector, rule="G1/modele_theme_G", role=role,
                    requirement=requirement, score=0.9, strength="ferme")


# ---------------------------------------------------------------- the trust policy (pure)
def test_classifier_only_evidence_is_weak_never_present(library):
    ob = library.get("G1")
    text = "Le prestataire notifie toute violation de données au client sous 24 heures."
    # Even evidence dressed as firm requirements, with a conforming figure, stays weak when it all
    # comes from the model.
    evidence = [_evidence("classifier", text=text)] + [
        _evidence("classifier", "requirement", r.name, text) for r in ob.detection.requirements]
    figures = {p.name: [Figure("duration", 24.0, "hours", "24 heures")] for p in ob.parameters}
    finding = assess(ob, evidence, figures, "default")
    assert finding.status == "weak"
    assert any("repéré par le modèle" in r for r in finding.reasons)


def test_classifier_evidence_does_not_change_a_rule_verdict(library):
    ob = library.get("G1")
    rules_only = assess(ob, [_evidence("regex")], {}, "default")
    with_model = assess(ob, [_evidence("regex"), _evidence("classifier")], {}, "default")
    assert rules_only.status == with_model.status == "weak"


def test_select_keeps_supported_and_confident_hits_only(library):
    from clausier.classifier.detector import MAX_PER_OBLIGATION, ClassifierDetector

    det = ClassifierDetector(library, model=None, threshold=0.4, alone_threshold=0.6)

    def hit(oid: str, detector: str, score: float, si: int, rule: str = "modele_theme_G") -> Hit:
        return Hit(oid, "topic", None, rule, detector, si * 10, si * 10 + 5, si, score)

    hits = [hit("G1", "regex", 1.0, 0)]
    hits += [hit("G1", "classifier", 0.5, i) for i in range(1, 5)]  # supported: capped
    hits += [hit("G2", "classifier", 0.5, 6)]  # unsupported, not confident: dropped
    hits += [hit("G3", "classifier", 0.9, 7)]  # unsupported but confident and closest: kept
    hits += [hit("G2", "classifier", 0.95, 8, "modele_theme_G_voisin")]  # only a neighbour: dropped
    kept = det.select(hits)
    model = [h for h in kept if h.detector == "classifier"]
    assert sum(h.obligation_id == "G1" for h in model) == MAX_PER_OBLIGATION
    assert {h.obligation_id for h in model} == {"G1", "G3"}
    assert hits[0] in kept


# ---------------------------------------------------------------- data
def test_library_negatives_are_unlabelled_for_their_own_theme(library):
    examples = library_examples(library)
    neg = next(e for e in examples if dict(e.cats).get("G") is None)
    assert all(v == 0.0 for _, v in neg.cats) and len(neg.cats) == len(THEMES) - 1


def test_non_evidence_excludes_quoted_and_rule_sentences():
    quoted = "Le prestataire notifie toute violation de données au client dans les meilleurs délais possibles."
    other = "Le prix de l'abonnement est payable mensuellement par prélèvement automatique sur le compte."
    fired = "Les sauvegardes sont quotidiennes et conservées trente jours sur un second site distant."
    kept = non_evidence([(quoted, False), (other, False), (fired, True)], ["notifie toute violation de données au client"])
    assert kept == [other]
    assert sample(["b", "a", "c"], 2, seed=0) == sample(["c", "b", "a"], 2, seed=0)


# ---------------------------------------------------------------- training is reproducible
def test_training_same_seed_gives_identical_scores():
    from clausier.classifier.train import train

    examples = [TrainExample(t, _cats([th]), "test") for t, th in [
        ("Le prestataire notifie toute violation de données au client.", "G"),
        ("Les incidents de sécurité sont signalés sans délai.", "G"),
        ("Les sauvegardes sont chiffrées et conservées sur un autre site.", "H"),
        ("Une copie de secours est réalisée chaque nuit.", "H"),
    ]] + [TrainExample("Le prix est payable à trente jours.", _cats([]), "test")]
    scores = []
    for _ in range(2):
        nlp = train(examples, seed=0, epochs=2)
        scores.append([doc.cats for doc in nlp.pipe(TEXTS)])
    assert scores[0] == scores[1]
    assert set(scores[0][0]) == set(THEMES)


# ---------------------------------------------------------------- the committed model
@needs_model
def test_model_loads_by_path_and_predicts_deterministically():
    from clausier.classifier.detector import load_model

    model = load_model(str(DEFAULT_MODEL_DIR))
    first = [doc.cats for doc in model.pipe(TEXTS)]
    second = [doc.cats for doc in model.pipe(TEXTS)]
    assert first == second
    assert set(first[0]) == set(THEMES)
    assert all(0.0 <= v <= 1.0 for cats in first for v in cats.values())


@needs_model
def test_engine_with_model_reports_it_and_never_present_from_model_alone(library, nlp):
    from clausier.engine.analyze import Engine
    from clausier.ingest import load_bytes

    engine = Engine.create(library, nlp, classifier=True)
    assert engine.classifier["used"] is True
    text = fx.as_text(fx.contract_sections(dict(fx.CLAUSES)))
    report = engine.analyze(load_bytes(text.encode(), "c.txt"), "full")
    assert report.tool["classifier"]["used"] is True
    for f in report.findings:
        if f.evidence and all(e.detector == "classifier" for e in f.evidence):
            assert f.status == "weak"


def test_engine_without_model_dir_runs_on_rules(library, nlp, tmp_path):
    from clausier.engine.analyze import Engine

    engine = Engine.create(library, nlp, classifier=True, model_dir=tmp_path / "absent")
    assert engine.classifier["used"] is False
    assert all(d.name != "classifier" for d in engine.registry.detectors)


def test_cli_no_model(tmp_path):
    from clausier.cli import main

    src = fx.write_txt(tmp_path / "c.txt", fx.contract_sections(dict(fx.CLAUSES)))
    out = tmp_path / "r.json"
    assert main(["check", str(src), "--no-model", "--format", "json", "-o", str(out)]) in (0, 1)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["tool"]["classifier"]["used"] is False
    assert all(e["detector"] != "classifier" for f in data["findings"] for e in f["evidence"])


def test_cli_model_train_is_wired():
    from clausier.cli import build_parser

    args = build_parser().parse_args(["model", "train", "--out", "x", "--seed", "3"])
    assert args.model_cmd == "train" and args.out == "x" and args.seed == 3
    assert Path(str(DEFAULT_MODEL_DIR)).name == "clause_textcat"
