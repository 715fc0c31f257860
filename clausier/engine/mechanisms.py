"""Red flags by mechanism: one detector per way of undermining an obligation, applied to every
obligation it can undermine (``clause_library/_mechanisms.yaml``).

A mechanism fires in a sentence; it concerns obligation X when X covers it (``applies_to``) and
the sentence is on X's topic (some rule or vocabulary hit of X in that sentence), unless the
mechanism ``needs_topic: false``. The built-in ``client_duty`` mechanism uses the document's
actors: a duty put on the client while the supplier does not commit in the same sentence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from clausier.engine.actors import ActorMatcher, term_regex
from clausier.engine.detectors import Hit, match_view
from clausier.engine.vocabulary import fold
from clausier.library.loader import Library
from clausier.library.schema import MechanismEffect, MechanismSpec, expand_fragments
from clausier.segment import Parsed

MECHANISM_SCORE = 0.55


@dataclass(frozen=True)
class MechanismResult:
    hits: list[Hit]
    client_duty_sentences: frozenset[int]  # sentences where a duty is the client's alone


class MechanismEngine:
    """Built once per library; ``apply`` runs on one document once its rule hits are known."""

    name = "mechanism"

    def __init__(self, library: Library) -> None:
        self.library = library
        self.mechanisms = list(library.mechanisms)
        self.covered: dict[str, list[str]] = {
            m.name: [oid for oid in library.obligations if m.covers(oid)] for m in self.mechanisms
        }
        self.shift_undermines = {
            ob.id for ob in library.obligations.values()
            if ob.detection.vocabulary is not None and ob.detection.vocabulary.shift_undermines
        }
        self._static = {m.name: re.compile(expand_fragments(m.regex, {"client": "client", "supplier": "prestataire"}))
                        for m in self.mechanisms if m.regex is not None and "{{" not in m.regex.replace("{{within", "")}

    def apply(self, parsed: Parsed, hits: list[Hit], actors: ActorMatcher | None) -> MechanismResult:
        if not self.mechanisms:
            return MechanismResult([], frozenset())
        text = parsed.document.text
        sentences = parsed.structure.sentences
        on_topic: dict[int, set[str]] = defaultdict(set)
        for h in hits:
            on_topic[h.sentence].add(h.obligation_id)
        compiled = dict(self._static)
        for m in self.mechanisms:  # mechanisms naming the document's actors
            if m.regex is not None and m.name not in compiled:
                values = {"client": term_regex(list(actors.actors.client)) if actors else "client",
                          "supplier": term_regex(list(actors.actors.supplier)) if actors else "prestataire"}
                compiled[m.name] = re.compile(expand_fragments(m.regex, values))
        needs_all = any(not m.needs_topic for m in self.mechanisms)
        candidates = range(len(sentences)) if needs_all else sorted(on_topic)
        out: list[Hit] = []
        client_duty: set[int] = set()
        for si in candidates:
            s = sentences[si]
            view, positions = match_view(text, s.start, s.end)
            folded = fold(view)
            for m in self.mechanisms:
                span = self._match(m, compiled.get(m.name), folded, actors)
                if span is None:
                    continue
                a, b = (s.start + span[0], s.start + span[1]) if positions is None else (positions[span[0]], positions[span[1]])
                if m.builtin == "client_duty":
                    client_duty.add(si)
                for oid in self.covered[m.name]:
                    if m.needs_topic and oid not in on_topic.get(si, ()):
                        continue
                    red = m.effect == MechanismEffect.red_flag or (
                        m.effect == MechanismEffect.shift and oid in self.shift_undermines)
                    out.append(Hit(oid, "red_flag" if red else "topic", None, f"mecanisme:{m.name}", self.name,
                                   a, b, si, MECHANISM_SCORE))
        return MechanismResult(out, frozenset(client_duty))

    @staticmethod
    def _match(m: MechanismSpec, rx: re.Pattern[str] | None, folded: str,
               actors: ActorMatcher | None) -> tuple[int, int] | None:
        if m.builtin == "client_duty":
            return actors.client_duty(folded) if actors is not None else None
        if rx is None:
            return None
        found = rx.search(folded)
        return (found.start(), found.end()) if found else None

    def soft_rules(self) -> frozenset[str]:
        """Rule names (without obligation) of the soft mechanisms (see MechanismSpec.soft)."""
        return frozenset(f"mecanisme:{m.name}" for m in self.mechanisms if m.soft)

    def messages(self) -> dict[str, str]:
        """Rule -> French message, for every obligation a mechanism covers."""
        return {f"{oid}/mecanisme:{m.name}": m.message for m in self.mechanisms for oid in self.covered[m.name]}
