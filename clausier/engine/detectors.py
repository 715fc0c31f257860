"""Detectors: each turns a parsed contract into hits (evidence candidates), never into verdicts.

A hit names its obligation, the role of the rule that fired (topic, a requirement, a red flag),
the rule, the detector, a score and exact character offsets into ``Document.text``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from rapidfuzz import fuzz

from clausier.engine.prefilter import required_literals
from clausier.library.loader import Library
from clausier.library.schema import Lang, Obligation, PatternSpec
from clausier.segment import Parsed


@dataclass(frozen=True)
class Hit:
    obligation_id: str
    role: str  # "topic" | "requirement" | "red_flag"
    requirement: str | None  # requirement name when role == "requirement"
    rule: str  # pattern name
    detector: str  # "regex" | "lemma" | "fuzzy" | "classifier"
    start: int  # offsets of the matched text
    end: int
    sentence: int  # index into Structure.sentences
    score: float


@dataclass(frozen=True)
class RuleRef:
    obligation_id: str
    role: str
    requirement: str | None
    pattern: PatternSpec


def iter_rules(library: Library, obligations: Iterable[Obligation] | None = None) -> Iterator[RuleRef]:
    for ob in obligations if obligations is not None else library.obligations.values():
        for p in ob.detection.topic:
            yield RuleRef(ob.id, "topic", None, p)
        for req in ob.detection.requirements:
            for p in req.patterns:
                yield RuleRef(ob.id, "requirement", req.name, p)
        for rf in ob.detection.red_flags:
            yield RuleRef(ob.id, "red_flag", None, rf)


class Detector(Protocol):
    name: str

    def detect(self, parsed: Parsed, language: str) -> list[Hit]: ...


def _lang_ok(pattern: PatternSpec, language: str) -> bool:
    return pattern.lang == Lang.any or pattern.lang.value == language or language not in ("fr", "en")


class _SentenceIndex:
    def __init__(self, parsed: Parsed) -> None:
        self.sentences = parsed.structure.sentences
        self.starts = [s.start for s in self.sentences]

    def find(self, offset: int) -> int | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return i
        return None


def match_view(text: str, start: int, end: int) -> tuple[str, list[int] | None]:
    """The sentence as rules see it: line wraps become spaces and escaped apostrophes (\\') plain.

    Returns the view and, when its length differs from the original, a map from view positions to
    offsets in ``text`` (None means position i is ``start + i``)."""
    raw = text[start:end]
    if "\\'" not in raw:
        return raw.replace("\n", " "), None
    chars: list[str] = []
    positions: list[int] = []
    i = 0
    while i < len(raw):
        if raw[i] == "\\" and raw[i + 1:i + 2] == "'":
            i += 1
            continue
        chars.append(" " if raw[i] == "\n" else raw[i])
        positions.append(start + i)
        i += 1
    positions.append(end)
    return "".join(chars), positions


class RegexDetector:
    """Python regexes matched sentence by sentence (``^`` is the start of a sentence, ``.`` never
    leaves it), on the sentence view of ``match_view``."""

    name = "regex"

    def __init__(self, library: Library, obligations: Iterable[Obligation] | None = None,
                 prefilter: bool = True) -> None:
        self.rules = [
            (r, re.compile(r.pattern.regex, re.IGNORECASE),
             required_literals(r.pattern.regex) if prefilter else None)
            for r in iter_rules(library, obligations)
            if r.pattern.regex is not None
        ]

    def detect(self, parsed: Parsed, language: str) -> list[Hit]:
        text = parsed.document.text
        sentences = parsed.structure.sentences
        views = [match_view(text, s.start, s.end) for s in sentences]
        # Lower-cased sentence views joined by newlines: required literals are located with str.find,
        # and a rule runs only on the sentences that contain one of its literals.
        joined = "\n".join(v.lower() for v, _ in views)
        starts: list[int] = []
        pos = 0
        for v, _ in views:
            starts.append(pos)
            pos += len(v) + 1
        literal_cache: dict[str, set[int]] = {}

        def sentences_with(literal: str) -> set[int]:
            if literal not in literal_cache:
                found: set[int] = set()
                i = joined.find(literal)
                while i != -1:
                    found.add(bisect.bisect_right(starts, i) - 1)
                    i = joined.find(literal, i + 1)
                literal_cache[literal] = found
            return literal_cache[literal]

        hits: list[Hit] = []
        everywhere = range(len(sentences))
        for ref, rx, literals in self.rules:
            if not _lang_ok(ref.pattern, language):
                continue
            candidates: Iterable[int] = everywhere
            if literals is not None:
                candidates = sorted(set().union(*(sentences_with(lit) for lit in literals)))
            for si in candidates:
                sent = sentences[si]
                view, positions = views[si]
                for m in rx.finditer(view):
                    if m.end() <= m.start():
                        continue
                    if positions is None:
                        a, b = sent.start + m.start(), sent.start + m.end()
                    else:
                        a, b = positions[m.start()], positions[m.end()]
                    hits.append(Hit(ref.obligation_id, ref.role, ref.requirement, ref.pattern.name, self.name,
                                    a, b, si, ref.pattern.score))
        return hits


class LemmaDetector:
    """spaCy Matcher on lemmas (French pipeline): slots of alternative lemmas with bounded gaps."""

    name = "lemma"

    def __init__(self, library: Library, nlp: Any, obligations: Iterable[Obligation] | None = None) -> None:
        from spacy.matcher import Matcher

        self.matcher = Matcher(nlp.vocab)
        self.refs: dict[str, RuleRef] = {}
        for i, ref in enumerate(iter_rules(library, obligations)):
            if ref.pattern.lemmas is None:
                continue
            key = f"r{i}"
            tokens: list[dict[str, Any]] = []
            for j, slot in enumerate(ref.pattern.lemmas):
                if j:
                    tokens.append({"IS_SENT_START": False, "OP": f"{{0,{ref.pattern.gap}}}"})
                variants = sorted({w.lower() for w in slot} | {w.capitalize() for w in slot})
                tokens.append({"LEMMA": {"IN": variants}})
            self.matcher.add(key, [tokens])
            self.refs[key] = ref

    def detect(self, parsed: Parsed, language: str) -> list[Hit]:
        if language != "fr" or not self.refs:
            return []
        index = _SentenceIndex(parsed)
        hits: list[Hit] = []
        vocab_strings = self.matcher.vocab.strings
        for offset, sdoc in parsed.units:
            for match_id, s, e in self.matcher(sdoc):
                ref = self.refs[vocab_strings[match_id]]
                span = sdoc[s:e]
                start, end = offset + span.start_char, offset + span.end_char
                si = index.find(start)
                if si is None:
                    continue
                hits.append(Hit(ref.obligation_id, ref.role, ref.requirement, ref.pattern.name, self.name,
                                start, min(end, index.sentences[si].end), si, ref.pattern.score))
        return hits


class FuzzyDetector:
    """rapidfuzz partial ratio between key phrases and each sentence (tolerates small rewordings)."""

    name = "fuzzy"

    def __init__(self, library: Library, obligations: Iterable[Obligation] | None = None) -> None:
        self.rules = [r for r in iter_rules(library, obligations) if r.pattern.phrase is not None]

    def detect(self, parsed: Parsed, language: str) -> list[Hit]:
        if not self.rules:
            return []
        text = parsed.document.text
        hits: list[Hit] = []
        for si, sent in enumerate(parsed.structure.sentences):
            view, positions = match_view(text, sent.start, sent.end)
            s_text = view.lower()
            for ref in self.rules:
                if not _lang_ok(ref.pattern, language):
                    continue
                phrase = ref.pattern.phrase.lower()  # type: ignore[union-attr]
                if len(s_text) < len(phrase) * 0.7:
                    continue
                al = fuzz.partial_ratio_alignment(phrase, s_text, score_cutoff=ref.pattern.min_similarity)
                if al is None:
                    continue
                score = ref.pattern.score * al.score / 100.0
                if positions is None:
                    a, b = sent.start + al.dest_start, sent.start + al.dest_end
                else:
                    a, b = positions[al.dest_start], positions[al.dest_end]
                hits.append(Hit(ref.obligation_id, ref.role, ref.requirement, ref.pattern.name, self.name,
                                a, b, si, score))
        return hits


class DetectorRegistry:
    """The detectors that run; tests and the classifier integration add or remove detectors."""

    def __init__(self, detectors: list[Detector] | None = None) -> None:
        self.detectors: list[Detector] = list(detectors or [])

    def add(self, detector: Detector) -> None:
        self.detectors.append(detector)

    def remove(self, name: str) -> None:
        self.detectors = [d for d in self.detectors if d.name != name]

    def detect(self, parsed: Parsed, language: str) -> list[Hit]:
        hits: list[Hit] = []
        for d in self.detectors:
            hits.extend(d.detect(parsed, language))
        return hits

    @classmethod
    def default(cls, library: Library, nlp: Any) -> DetectorRegistry:
        from clausier.engine.vocabulary import VocabularyDetector

        return cls([RegexDetector(library), LemmaDetector(library, nlp), FuzzyDetector(library),
                    VocabularyDetector(library)])
