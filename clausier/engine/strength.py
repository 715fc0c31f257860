"""Commitment strength of a sentence around a matched rule, from the shared language cues."""

from __future__ import annotations

import re
from dataclasses import dataclass

from clausier.library.profiles import LanguageCues
from clausier.library.schema import Lang, PatternSpec

_OPTIONAL_WINDOW = 80  # characters before the match where "peut/pourra" weakens it


@dataclass(frozen=True)
class Cue:
    name: str
    start: int
    end: int


class CueSet:
    """Compiled language cues; `scan` returns every cue found in a sentence (relative offsets)."""

    def __init__(self, cues: LanguageCues) -> None:
        def compile_all(patterns: list[PatternSpec]) -> list[tuple[str, Lang, re.Pattern[str]]]:
            return [(p.name, p.lang, re.compile(p.regex or "", re.IGNORECASE)) for p in patterns if p.regex]

        self.groups = {
            "binding": compile_all(cues.binding),
            "hedge": compile_all(cues.hedge),
            "optional": compile_all(cues.optional),
            "vague_delay": compile_all(cues.vague_delay),
            "exception": compile_all(cues.exception),
            "negation": compile_all(cues.negation),
        }

    def scan(self, sentence: str) -> dict[str, list[Cue]]:
        found: dict[str, list[Cue]] = {}
        for group, patterns in self.groups.items():
            hits = []
            for name, _lang, rx in patterns:
                hits.extend(Cue(name, m.start(), m.end()) for m in rx.finditer(sentence))
            found[group] = hits
        return found


def judge(
    cues: dict[str, list[Cue]], match_start: int, match_end: int, permissive_ok: bool = False
) -> tuple[str, tuple[str, ...]]:
    """Strength of the commitment carrying the match (offsets relative to the sentence).

    - niée: the commitment is denied ("ne garantit pas", "aucune obligation");
    - atténuée: hedged ("s'efforce", "obligation de moyens", "best efforts");
    - facultative: "peut/pourra" shortly before the match (unless the element is a client right);
    - exception: a carve-out ("sauf", "sous réserve") after the match;
    - ferme: none of these.
    """
    if cues["negation"]:
        return "niée", tuple(c.name for c in cues["negation"])
    if cues["hedge"]:
        return "atténuée", tuple(c.name for c in cues["hedge"])
    if not permissive_ok:
        near = [c for c in cues["optional"] if match_start - _OPTIONAL_WINDOW <= c.start <= match_end]
        if near:
            return "facultative", tuple(c.name for c in near)
    after = [c for c in cues["exception"] if c.start >= match_end]
    if after:
        return "exception", tuple(c.name for c in after)
    return "ferme", ()
