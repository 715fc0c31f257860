"""Every obligation's own examples are tests: positives are assessed present when analysed alone,
negatives never present, red-flag examples raise a red flag. Run one theme at a time, so a broken
theme file fails its own tests only."""

from __future__ import annotations

from functools import lru_cache

import pytest

from clausier.library.loader import DEFAULT_LIBRARY_DIR, load_library, theme_paths

CASES = []
for _path in theme_paths(DEFAULT_LIBRARY_DIR):
    try:
        _lib = load_library(only=[_path])
    except Exception:  # reported by test_library_schema instead
        CASES.append(pytest.param(_path, None, "load", 0, "", id=f"{_path.stem}-load-error"))
        continue
    for _ob in _lib.obligations.values():
        for _kind in ("positive", "negative", "red_flag"):
            for _i, _text in enumerate(getattr(_ob.examples, _kind)):
                CASES.append(pytest.param(_path, _ob.id, _kind, _i, _text, id=f"{_ob.id}-{_kind}-{_i}"))


@lru_cache(maxsize=32)
def _engine_for(path, nlp):
    from clausier.engine.analyze import Engine

    return Engine.create(load_library(only=[path]), nlp)


def _finding(path, oid, text, nlp):
    from clausier.ingest import load_bytes

    engine = _engine_for(path, nlp)
    report = engine.analyze(load_bytes(text.encode("utf-8"), "exemple.txt"), "full")
    return next(f for f in report.findings if f.obligation_id == oid)


@pytest.mark.parametrize("path, oid, kind, index, text", CASES)
def test_library_example(path, oid, kind, index, text, nlp):
    if kind == "load":
        load_library(only=[path])  # raises with the precise message
        return
    finding = _finding(path, oid, text, nlp)
    if kind == "positive":
        assert finding.status == "present", f"{oid} positive #{index} assessed {finding.status}: {finding.reasons}"
    elif kind == "negative":
        assert finding.status != "present", f"{oid} negative #{index} assessed present: {finding.reasons}"
    else:
        assert finding.red_flag, f"{oid} red-flag example #{index} raised no red flag: {finding.reasons}"
