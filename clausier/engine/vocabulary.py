"""Topic vocabularies: find where a contract talks about an obligation, whatever its wording.

Each obligation's ``detection.vocabulary`` (YAML) names concepts (lists of French and English
terms) and the combinations of concepts that make a passage on-topic within a scope (sentence,
clause, article). Matching is done on words, accent- and case-insensitively: the text is folded
once per document (same length, so offsets are unchanged), split into word tokens, and each term
is looked up in a word index (a trailing ``*`` is a prefix). No regular expression is written by
the library author and none is run per sentence.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from clausier.engine.detectors import Hit
from clausier.library.loader import Library
from clausier.library.schema import Obligation, Scope, Vocabulary
from clausier.segment import Parsed

_WORD = re.compile(r"[a-z0-9]+")
_SEPARATORS = frozenset(" \t\n\r'-\\\u00a0")
#: Topic passages kept per obligation (the best ones): the verdict needs one, a reader a few.
MAX_PASSAGES = 5
VOCABULARY_SCORE = 0.5  # below every rule: rule evidence is listed first


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    low = c.lower()
    if len(low) != 1:
        return c
    if low in "’‘`´ʼ":
        return "'"
    if low in "œæ":
        return low[0] if low == "æ" else "o"
    base = unicodedata.normalize("NFD", low)[0]
    return base if len(base) == 1 else low


def fold(text: str) -> str:
    """Lower case without accents, one character for one (offsets into ``text`` stay valid)."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) if not c.isascii() else c.lower() for c in text)


def term_words(term: str) -> tuple[str, ...]:
    """'Copie* de sécurité' -> ('copie*', 'de', 'securite'); apostrophes and hyphens split words."""
    words: list[str] = []
    for raw in fold(term).split():
        star = raw.endswith("*")
        parts = [p for p in re.split(r"[^a-z0-9*]+", raw.rstrip("*")) if p]
        if star and parts:
            parts[-1] += "*"
        words.extend(parts)
    return tuple(words)


@dataclass
class WordIndex:
    """Word tokens of a folded text and where each distinct word occurs."""

    text: str
    starts: list[int]
    ends: list[int]
    words: list[str]
    positions: dict[str, list[int]]
    vocabulary: list[str]  # sorted distinct words (prefix lookup)

    @classmethod
    def build(cls, folded: str) -> WordIndex:
        starts: list[int] = []
        ends: list[int] = []
        words: list[str] = []
        positions: dict[str, list[int]] = defaultdict(list)
        for i, m in enumerate(_WORD.finditer(folded)):
            starts.append(m.start())
            ends.append(m.end())
            words.append(m.group())
            positions[m.group()].append(i)
        return cls(folded, starts, ends, words, dict(positions), sorted(positions))

    def _matching(self, word: str) -> list[str]:
        if not word.endswith("*"):
            return [word] if word in self.positions else []
        prefix = word[:-1]
        i = bisect.bisect_left(self.vocabulary, prefix)
        out = []
        while i < len(self.vocabulary) and self.vocabulary[i].startswith(prefix):
            out.append(self.vocabulary[i])
            i += 1
        return out

    def _word_ok(self, i: int, word: str) -> bool:
        w = self.words[i]
        return w.startswith(word[:-1]) if word.endswith("*") else w == word

    def find(self, words: tuple[str, ...]) -> list[tuple[int, int]]:
        """Character spans where the words follow each other (only spaces, apostrophes, hyphens
        between them)."""
        if not words:
            return []
        spans: list[tuple[int, int]] = []
        for first in self._matching(words[0]):
            for i in self.positions[first]:
                j = i
                ok = True
                for w in words[1:]:
                    j += 1
                    if j >= len(self.words) or not self._word_ok(j, w):
                        ok = False
                        break
                    gap = self.text[self.ends[j - 1]:self.starts[j]]
                    if len(gap) > 3 or any(c not in _SEPARATORS for c in gap):
                        ok = False
                        break
                if ok:
                    spans.append((self.starts[i], self.ends[j]))
        return spans


@dataclass(frozen=True)
class _CompiledVocabulary:
    obligation_id: str
    spec: Vocabulary
    concepts: dict[str, tuple[tuple[str, ...], ...]]
    exclude: tuple[tuple[str, ...], ...]
    requirements: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()  # (requirement, terms)


#: A requirement term right after one of these words is negated ("sans autorisation", "without consent").
_NEGATED = re.compile(r"(?:^|[^a-z0-9])(?:sans|aucune?|pas de|pas d|ni|without|no|not|non|never|jamais)"
                      r"(?:[\s'-]+[a-z0-9]+){0,2}[\s'-]*$")
REQUIREMENT_SCORE = 0.45


class VocabularyDetector:
    """Topic evidence from the library's vocabularies (role ``topic``, detector ``vocabulary``)."""

    name = "vocabulary"
    trust = "rule"

    def __init__(self, library: Library, obligations: Iterable[Obligation] | None = None) -> None:
        self.items: list[_CompiledVocabulary] = []
        for ob in obligations if obligations is not None else library.obligations.values():
            voc = ob.detection.vocabulary
            if voc is None:
                continue
            concepts = {name: tuple(term_words(t) for t in terms) for name, terms in voc.concepts.items()}
            reqs = tuple((r.name, tuple(term_words(t) for t in r.terms)) for r in ob.detection.requirements if r.terms)
            self.items.append(_CompiledVocabulary(ob.id, voc, concepts, tuple(term_words(t) for t in voc.exclude),
                                                  reqs))

    def detect(self, parsed: Parsed, language: str) -> list[Hit]:
        if not self.items:
            return []
        index = WordIndex.build(fold(parsed.document.text))
        sentences = parsed.structure.sentences
        sentence_starts = [s.start for s in sentences]

        def sentence_of(offset: int) -> int | None:
            i = bisect.bisect_right(sentence_starts, offset) - 1
            return i if i >= 0 and offset < sentences[i].end else None

        cache: dict[tuple[str, ...], list[tuple[int, int]]] = {}

        def spans_of(words: tuple[str, ...]) -> list[tuple[int, int]]:
            if words not in cache:
                cache[words] = index.find(words)
            return cache[words]

        sections = parsed.structure.sections
        text = parsed.document.text
        hits: list[Hit] = []
        for item in self.items:
            vetoed: set[int] = set()
            for words in item.exclude:
                for a, _b in spans_of(words):
                    si = sentence_of(a)
                    if si is not None:
                        vetoed.add(si)
            # concept -> sentence -> first span in that sentence; plus concepts in section titles
            found: dict[str, dict[int, tuple[int, int]]] = {}
            in_title: dict[int, set[str]] = defaultdict(set)
            for concept, variants in item.concepts.items():
                where: dict[int, tuple[int, int]] = {}
                for words in variants:
                    for a, b in spans_of(words):
                        si = sentence_of(a)
                        if si is None:
                            if item.spec.scope == Scope.article:
                                sec = _section_of_heading(sections, text, a)
                                if sec is not None:
                                    in_title[sec].add(concept)
                            continue
                        if si in vetoed:
                            continue
                        if si not in where or a < where[si][0]:
                            where[si] = (a, b)
                found[concept] = where
            by_sentence: dict[int, set[str]] = defaultdict(set)
            for concept, where in found.items():
                for si in where:
                    by_sentence[si].add(concept)
            candidates: list[tuple[int, int, str, tuple[int, int]]] = []  # (-concepts, si, rule, span)
            for si, here in by_sentence.items():
                around = self._scope_concepts(item.spec.scope, si, by_sentence, sentences, in_title)
                for combo in item.spec.topics:
                    anchor = combo[0]
                    if anchor in here and all(c in around for c in combo):
                        span = found[anchor][si]
                        candidates.append((-len(here), si, "+".join(combo), span))
                        break
            candidates.sort()
            on_topic = {si for _n, si, _r, _s in candidates}
            for req_name, variants in item.requirements:
                # the element named in other words, in a sentence on the obligation's topic
                best: dict[int, tuple[int, int]] = {}
                for words in variants:
                    for a, b in spans_of(words):
                        si = sentence_of(a)
                        if si is None or si not in on_topic or si in best:
                            continue
                        if _NEGATED.search(index.text[max(sentences[si].start, a - 30):a]):
                            continue
                        best[si] = (a, b)
                for si, (a, b) in sorted(best.items())[:MAX_PASSAGES]:
                    hits.append(Hit(item.obligation_id, "requirement", req_name, f"vocabulaire:{req_name}",
                                    self.name, a, min(b, sentences[si].end), si, REQUIREMENT_SCORE))
            for neg, si, rule, (a, b) in candidates[:MAX_PASSAGES]:
                score = round(VOCABULARY_SCORE + 0.02 * min(-neg, 5), 3)
                hits.append(Hit(item.obligation_id, "topic", None, f"vocabulaire:{rule}", self.name,
                                a, min(b, sentences[si].end), si, score))
        return hits

    @staticmethod
    def _scope_concepts(scope: Scope, si: int, by_sentence: dict[int, set[str]], sentences: list,
                        in_title: dict[int, set[str]]) -> set[str]:
        here = set(by_sentence.get(si, ()))
        if scope == Scope.sentence:
            return here
        section = sentences[si].section
        if scope == Scope.clause:
            for j in (si - 1, si + 1):
                if 0 <= j < len(sentences) and sentences[j].section == section:
                    here |= by_sentence.get(j, set())
            return here
        j = si - 1
        while j >= 0 and sentences[j].section == section:
            here |= by_sentence.get(j, set())
            j -= 1
        j = si + 1
        while j < len(sentences) and sentences[j].section == section:
            here |= by_sentence.get(j, set())
            j += 1
        return here | in_title.get(section, set())


def _section_of_heading(sections: list, text: str, offset: int) -> int | None:
    """The section whose heading line contains ``offset`` (concepts in an article's title)."""
    for i, sec in enumerate(sections):
        if sec.kind == "preamble":
            continue
        line_end = text.find("\n", sec.start)
        line_end = len(text) if line_end == -1 else line_end
        if sec.start <= offset < line_end:
            return i
    return None
