"""The regex prefilter is an optimisation only: it must never change which rules match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clausier.engine.detectors import RegexDetector
from clausier.engine.prefilter import required_literals
from clausier.ingest import load_bytes
from clausier.segment import segment
from tests import factories as fx


@pytest.mark.parametrize("pattern, expected", [
    (r"\bsous-traitan\w+", {"sous-traitan"}),
    (r"(notifi|inform)\w+ .{0,30}violation", {"violation"}),
    (r"(certifi[ée]e? HDS|hébergeur agréé)", None),  # 'certifi' and 'hébergeur agréé' -> both >= 3
    (r"\d+ heures?", {" heure"}),
    (r"(a|b)c", None),
    (r"x?yz", None),
])
def test_prefilter_required_literals(pattern, expected):
    got = required_literals(pattern)
    if pattern.startswith("(certifi"):
        assert got == {"certifi", "hébergeur agréé"}
    else:
        assert got == (frozenset(expected) if expected else None)


def test_prefilter_every_library_regex_keeps_its_matches(library):
    """For every rule, each of its own example sentences that it matches contains a literal."""
    for ob in library.obligations.values():
        examples = ob.examples.positive + ob.examples.negative + ob.examples.red_flag
        patterns = list(ob.detection.topic) + [p for r in ob.detection.requirements for p in r.patterns]
        patterns += list(ob.detection.red_flags)
        for p in patterns:
            if p.regex is None:
                continue
            lits = required_literals(p.regex)
            if lits is None:
                continue
            rx = re.compile(p.regex, re.IGNORECASE)
            for ex in examples:
                if rx.search(ex):
                    assert any(lit in ex.lower() for lit in lits), (ob.id, p.name, ex)


_CACHE: dict[int, tuple[RegexDetector, RegexDetector]] = {}


def _detectors(library):
    if id(library) not in _CACHE:
        _CACHE[id(library)] = (RegexDetector(library), RegexDetector(library, prefilter=False))
    return _CACHE[id(library)]


@given(st.lists(st.sampled_from(list(fx.CLAUSES.values()) + [
    "Le Prestataire pourra librement faire appel à des sous-traitants.",
    "Les données sont hébergées aux États-Unis.", "Texte sans rapport aucun.",
    "The processor shall notify any personal data breach within 48 hours."]), min_size=1, max_size=6))
def test_prefilter_same_hits_as_plain_matching(library, nlp, clauses):
    doc = load_bytes("\n\n".join(clauses).encode("utf-8"), "x.txt")
    parsed = segment(doc, nlp)
    fast = _detectors(library)[0].detect(parsed, "fr")
    slow = _detectors(library)[1].detect(parsed, "fr")
    assert sorted(fast, key=repr) == sorted(slow, key=repr)
