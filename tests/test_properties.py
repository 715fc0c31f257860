"""Property tests: offsets always point at the stored text; parsers and extractors never crash."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clausier.engine import figures
from clausier.ingest import load_bytes
from clausier.segment import find_headings, segment

WORDS = ["Article", "1", "2.1", "Annexe", "Le", "Prestataire", "s'engage", "à", "notifier", "sous", "48",
         "heures", "données", "de", "santé", "hébergées", "en", "France", ".", ";", ":", "-", "•", "a)",
         "ARTICLE", "3", "SOUS-TRAITANCE", "l’Union", "européenne", "\u00a0", "%", "99,9", "«", "»", "…"]

line = st.lists(st.sampled_from(WORDS) | st.text(min_size=1, max_size=8), min_size=0, max_size=14).map(" ".join)
contract_text = st.lists(line, min_size=1, max_size=40).map("\n".join)


@given(contract_text)
def test_properties_blocks_and_sentences_point_into_text(nlp, raw):
    try:
        doc = load_bytes(raw.encode("utf-8"), "p.txt")
    except Exception as exc:  # only our own, explained errors are allowed
        assert type(exc).__name__ == "InputDocumentError"
        return
    text = doc.text
    previous_end = 0
    for b in doc.blocks:
        assert 0 <= b.start < b.end <= len(text)
        assert b.start >= previous_end
        assert text[b.start:b.end] == text[b.start:b.end].strip()
        previous_end = b.end
    parsed = segment(doc, nlp)
    previous = 0
    for s in parsed.structure.sentences:
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= previous
        assert text[s.start:s.end].strip() == text[s.start:s.end]
        assert 0 <= s.section < len(parsed.structure.sections)
        previous = s.end
    for sec in parsed.structure.sections:
        assert 0 <= sec.start <= sec.end <= len(text)


@given(contract_text)
def test_properties_evidence_text_equals_span(engine, raw):
    try:
        doc = load_bytes(raw.encode("utf-8"), "p.txt")
    except Exception:
        return
    report = engine.analyze(doc, "full")
    for f in report.findings:
        for e in f.evidence:
            assert doc.text[e.start:e.end] == e.text
            assert e.start <= e.match_start < e.match_end <= max(e.end, e.match_end)


@given(st.text(max_size=300))
def test_properties_figure_extractors_total(text):
    for kind in figures.EXTRACTORS:
        for f in figures.extract(kind, text):
            assert f.kind == kind
            if isinstance(f.value, float):
                assert f.value >= 0


@given(st.text(max_size=2000))
def test_properties_headings_total(text):
    headings, toc = find_headings(text)
    assert all(0 <= t <= len(text) for t in toc)
    assert not toc & {h.line_start for h in headings}  # a TOC line is never also a heading
    starts = [h.line_start for h in headings]
    assert starts == sorted(starts)


def test_segment_joins_a_definition_label_to_its_text(nlp):
    from clausier.ingest import load_bytes

    text = ("Article 1 : Définitions\n\nLES DONNÉES : Toutes les informations saisies par le Client dans "
            "la solution.\nLA SOLUTION : Le logiciel édité par le Prestataire.")
    doc = load_bytes(text.encode(), "def.txt")
    parsed = segment(doc, nlp)
    sentences = [doc.text[s.start:s.end] for s in parsed.structure.sentences]
    assert any(s.startswith("LES DONNÉES : Toutes les informations") for s in sentences), sentences
    assert not any(s.strip() in ("LES DONNÉES :", "LA SOLUTION :") for s in sentences)
