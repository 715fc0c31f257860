"""Required literals of a regex: strings of which at least one occurs in any match.

Python's ``re`` tries a pattern at every position of a text; with a thousand rules that dominates
the analysis. A literal that every match must contain lets the detector skip the sentences that
cannot match (found with fast substring search). The analysis is conservative: when in doubt it
returns None (no filtering), never a literal that a match could lack.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

Alternatives = frozenset[str]
_MIN_USEFUL = 3


def _score(alts: Alternatives | None) -> int:
    return min((len(a) for a in alts), default=0) if alts else 0


def _sequence(items: list[tuple[object, object]]) -> Alternatives | None:
    """Best requirement of a sequence: a run of literals or a required sub-part."""
    best: Alternatives | None = None
    run: list[str] = []

    def consider(alts: Alternatives | None) -> None:
        nonlocal best
        if alts and _score(alts) > _score(best):
            best = alts

    def flush() -> None:
        if run:
            consider(frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op is C.LITERAL:
            ch = chr(av)  # type: ignore[arg-type]
            # case-insensitive matching: compare lower-cased text; skip chars whose case folding is odd
            if ch.lower().upper().lower() != ch.lower() or len(ch.lower()) != 1:
                flush()
                continue
            run.append(ch.lower())
            continue
        flush()
        consider(_node(op, av))
    flush()
    return best


def _node(op: object, av: object) -> Alternatives | None:
    if op is C.SUBPATTERN:
        return _sequence(list(av[-1]))  # type: ignore[index]
    if op is C.BRANCH:
        out: set[str] = set()
        for branch in av[1]:  # type: ignore[index]
            alts = _sequence(list(branch))
            if not alts:
                return None
            out |= alts
        return frozenset(out)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, _high, inner = av  # type: ignore[misc]
        return _sequence(list(inner)) if low >= 1 else None
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _sequence(list(av))  # type: ignore[arg-type]
    return None  # character classes, anchors, lookarounds, backreferences: no requirement


def required_literals(pattern: str) -> Alternatives | None:
    """Lower-cased strings, one of which every match of ``pattern`` (IGNORECASE) contains.

    None when no useful requirement can be proved (the pattern must then run everywhere)."""
    try:
        parsed = P.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    alts = _sequence(list(parsed))
    if not alts or _score(alts) < _MIN_USEFUL:
        return None
    return alts
