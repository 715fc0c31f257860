"""The wording-independent layer: topic vocabularies, actors resolved per document, red-flag
mechanisms and the reasons of the verdict. Every contract text here is written by the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from clausier.engine.actors import ActorResolver
from clausier.engine.vocabulary import VocabularyDetector, WordIndex, fold, term_words
from clausier.errors import LibraryError
from clausier.ingest import load_bytes
from clausier.library.loader import DEFAULT_LIBRARY_DIR, load_library
from clausier.library.schema import Vocabulary, expand_fragments
from clausier.segment import segment


# ------------------------------------------------------------------ folding and word lookup
@pytest.mark.parametrize("text", ["Sécurité des données", "L’Hébergeur œuvre", "ÉTÉ ß İ x", "a\u00a0b"])
def test_fold_keeps_offsets(text):
    folded = fold(text)
    assert len(folded) == len(text)
    assert not any(c in folded for c in "ÉéœŒ’") and "L" not in folded


@pytest.mark.parametrize("term, words", [
    ("Copie* de sécurité", ("copie*", "de", "securite")),
    ("sous-traitant*", ("sous", "traitant*")),
    ("l'hébergeur", ("l", "hebergeur")),
])
def test_term_words(term, words):
    assert term_words(term) == words


@pytest.mark.parametrize("text, term, expected", [
    ("Les sauvegardes sont quotidiennes.", "sauvegard*", ["sauvegardes"]),
    ("Une copie de sécurité est faite.", "copie* de securite", ["copie de sécurité"]),
    ("Le sous-traitant ultérieur", "sous traitan*", ["sous-traitant"]),
    ("La copie. De sécurité", "copie* de securite", []),  # never across a sentence mark
    ("Sauvegarder", "sauvegarde", []),  # no star: the exact word only
])
def test_word_index_find(text, term, expected):
    index = WordIndex.build(fold(text))
    assert [text[a:b] for a, b in index.find(term_words(term))] == expected


# ------------------------------------------------------------------ the vocabulary detector
def _library_with(tmp_path: Path, vocab: dict, oid: str = "H1") -> Path:
    lib = tmp_path / "lib"
    shutil.copytree(DEFAULT_LIBRARY_DIR, lib)
    path = next(lib.glob(f"{oid[0]}_*.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    ob = next(o for o in data["obligations"] if o["id"] == oid)
    ob["detection"]["vocabulary"] = vocab
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return lib


def _topic_sentences(nlp, library, oid, text):
    doc = load_bytes(text.encode(), "c.txt")
    parsed = segment(doc, nlp)
    det = VocabularyDetector(library, [library.get(oid)])
    hits = det.detect(parsed, "fr")
    return [doc.text[parsed.structure.sentences[h.sentence].start:parsed.structure.sentences[h.sentence].end]
            for h in hits if h.role == "topic"]


TEXT = ("Article 1 - Protection\n\nLe fournisseur conserve des copies de sécurité des dossiers.\n"
        "Elles sont testées une fois par an.\n\nArticle 2 - Divers\n\nLe tribunal de commerce est compétent.\n"
        "Les tests de charge sont réalisés chaque mois.\n")


@pytest.mark.parametrize("scope, topics, expected", [
    ("sentence", [["backup"]], ["Le fournisseur conserve des copies de sécurité des dossiers."]),
    ("sentence", [["backup", "test"]], []),  # test words are in the next sentence
    ("clause", [["backup", "test"]], ["Le fournisseur conserve des copies de sécurité des dossiers."]),
    ("article", [["test", "backup"]], ["Elles sont testées une fois par an."]),  # backup in the title
    ("sentence", [["test"]], ["Elles sont testées une fois par an.", "Les tests de charge sont réalisés chaque mois."]),
])
def test_vocabulary_scope_and_anchor(tmp_path, nlp, scope, topics, expected):
    lib = load_library(_library_with(tmp_path, {
        "scope": scope, "topics": topics,
        "concepts": {"backup": ["copie* de securite", "sauvegard*"], "test": ["test*"]}}))
    assert sorted(_topic_sentences(nlp, lib, "H1", TEXT)) == sorted(expected)


def test_vocabulary_exclude_vetoes_a_sentence(tmp_path, nlp):
    lib = load_library(_library_with(tmp_path, {
        "topics": [["test"]], "concepts": {"test": ["test*"]}, "exclude": ["tests de charge"]}))
    assert _topic_sentences(nlp, lib, "H1", TEXT) == ["Elles sont testées une fois par an."]


@pytest.mark.parametrize("vocab, expected", [
    ({"concepts": {"a": ["x y"]}, "topics": [["b"]]}, ["vocabulary", "unknown concepts", "b"]),
    ({"concepts": {"a": ["sau*vegarde"]}, "topics": [["a"]]}, ["vocabulary.concepts.a"]),
    ({"concepts": {"a": ["ok"]}, "topics": [["a"]], "scope": "page"}, ["vocabulary.scope"]),
    ({"concepts": {"a": ["ok"]}, "topics": [[]]}, ["empty combination"]),
])
def test_vocabulary_errors_are_explained(tmp_path, vocab, expected):
    with pytest.raises(LibraryError) as info:
        load_library(_library_with(tmp_path, vocab))
    message = str(info.value)
    assert "H_" in message and "H1" in message
    for word in expected:
        assert word in message, message


def test_fragments_expand_and_unknown_is_refused(tmp_path):
    assert expand_fragments("a{{within:30}}b", {}) == "a[^.;]{0,30}b"
    with pytest.raises(ValueError, match="unknown fragment"):
        expand_fragments("{{nope}}", {"client": "c"})
    lib = tmp_path / "lib"
    shutil.copytree(DEFAULT_LIBRARY_DIR, lib)
    path = next(lib.glob("C_*.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["obligations"][0]["detection"]["topic"][0]["regex"] = "sous{{inconnu}}traitant"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(LibraryError, match="inconnu"):
        load_library(lib)


def test_every_obligation_vocabulary_is_valid(library):
    for ob in library.obligations.values():
        voc = ob.detection.vocabulary
        if voc is not None:
            assert isinstance(voc, Vocabulary)
            assert all(term_words(t) for terms in voc.concepts.values() for t in terms), ob.id


# ------------------------------------------------------------------ actors
PARTIES = ("Entre la société Medilog SAS, au capital de 10 000 euros, immatriculée au RCS de Lyon "
           "(ci-après « Medilog »), d'une part, et le centre de santé souscripteur "
           "(ci-après dénommé « le Souscripteur »), d'autre part.\n")


def test_actors_from_definitions(library):
    actors = ActorResolver(library.actors).resolve(PARTIES)
    assert ("medilog", "supplier") in actors.defined
    assert dict(actors.defined).get("le souscripteur", "client") == "client"
    assert not actors.first_person_supplier


def test_actors_first_and_second_person(library):
    text = "Nous hébergeons vos données. " * 3 + "Vous pouvez nous écrire. " * 3
    actors = ActorResolver(library.actors).resolve(text)
    assert actors.first_person_supplier
    assert "nous" in actors.to_dict()["supplier"] and "vous" in actors.to_dict()["client"]


@pytest.mark.parametrize("sentence, duty", [
    ("Medilog s'engage à sauvegarder les données chaque jour.", False),
    ("Le Souscripteur doit conserver ses identifiants secrets.", True),
    ("Il appartient au Client de sauvegarder ses données.", True),
    ("Les sauvegardes restent à la charge du Client.", True),
    ("Le personnel du Titulaire intervenant dans l'établissement doit signer un engagement.", False),
    ("Medilog informe le Client, qui doit valider la mise à jour.", False),
    ("The Customer shall keep its credentials confidential.", True),
])
def test_client_duty(library, sentence, duty):
    resolver = ActorResolver(library.actors)
    matcher = resolver.matcher(resolver.resolve(PARTIES))
    assert (matcher.client_duty(fold(sentence)) is not None) is duty


# ------------------------------------------------------------------ mechanisms and verdicts
def _finding(engine, text, oid):
    report = engine.analyze(load_bytes((PARTIES + "\nArticle 1 - Service\n\n" + text + "\n").encode(), "c.txt"))
    return next(f for f in report.findings if f.obligation_id == oid)


@pytest.mark.parametrize("text, oid, rule", [
    ("Le Souscripteur est seul responsable de la sauvegarde de ses données.", "H1", None),
    ("Medilog peut recourir librement à tout sous-traitant de son choix.", "C1", "mecanisme:free_subcontracting"),
    ("Les données peuvent être hébergées dans le monde entier.", "B1", "mecanisme:anywhere_hosting"),
    ("La responsabilité de Medilog au titre des données est limitée au montant payé au cours des trois derniers mois.",
     "P1", None),
    ("Medilog se réserve le droit de modifier les présentes à tout moment ; leur utilisation vaut acceptation.",
     "P3", "mecanisme:unilateral_change"),
])
def test_mechanism_red_flags(engine, text, oid, rule):
    finding = _finding(engine, text, oid)
    assert finding.status == "weak" and finding.red_flag, finding.reasons
    assert finding.reasons[0].startswith("Point d'alerte") or "client" in finding.reasons[0]
    if rule is not None:
        assert any(r.rule == f"{oid}/{rule}" for r in finding.red_flags), finding.red_flags


def test_client_side_duty_is_weak_with_its_reason(engine):
    finding = _finding(engine, "Le Souscripteur doit notifier à Medilog toute violation de données dans les 24 heures.",
                       "G1")
    assert finding.status == "weak"
    assert any("obligation du client" in r or "charge du client" in r for r in finding.reasons), finding.reasons


def test_topic_only_passage_is_weak_and_says_what_is_lacking(engine, library):
    finding = _finding(engine, "Des copies de sécurité sont évoquées dans la documentation du service.", "H1")
    assert finding.status == "weak"
    assert finding.reasons[0].startswith("Sujet abordé")
    assert library.get("H1").detection.vocabulary.lacking in finding.reasons[0]
    assert any(e.detector == "vocabulary" for e in finding.evidence)


def test_soft_mechanism_does_not_undo_a_firm_commitment(engine):
    from tests.factories import CLAUSES

    firm = CLAUSES["breach"]
    hedged = "Medilog s'efforce d'informer le Client des incidents mineurs."
    base = _finding(engine, firm, "G1")
    both = _finding(engine, firm + " " + hedged, "G1")
    assert base.status == "present"
    assert both.status == "present" and not both.red_flag, both.reasons
