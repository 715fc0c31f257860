"""Shared fixtures (the only place fixtures live). The French pipeline is loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Bounded, reproducible fuzzing in CI (derandomized: the same examples on every run, so CI is not
# flaky); `HYPOTHESIS_PROFILE=fuzz pytest tests/test_security.py` explores new random inputs for longer.
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def nlp():
    from clausier.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def library():
    from clausier.library.loader import load_library

    return load_library()


@pytest.fixture(scope="session")
def engine(library, nlp):
    from clausier.engine.analyze import Engine

    return Engine.create(library, nlp)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "documents").is_dir():
        pytest.skip("../shared/corpus absent (fresh clone): corpus tests skipped")
    return CORPUS
