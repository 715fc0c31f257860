"""Streamlit services shared by the pages: cached engine, analyses, decision store, sidebar context.

Contracts stay in memory (Streamlit's upload manager and the caches below); the only thing
written to disk is a reviewer decision, in the SQLite store (``$CLAUSIER_DB`` or the default path).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from clausier.engine.analyze import Engine
from clausier.engine.results import Finding
from clausier.errors import ClausierError
from clausier.ingest import load_bytes
from clausier.library.loader import Library, cached_library
from clausier.nlp import detect_language, pipeline_for
from clausier.review import Decision, DecisionStore, apply_overrides, default_db_path
from clausier.segment import segment
from ui.logic import Analysis, Upload

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SAMPLES = ("contrat_exemple.pdf", "contrat_exemple.docx")


@st.cache_resource(show_spinner=False)
def get_library() -> Library:
    return cached_library()


_ENGINE_LOADED: list[float] = []  # seconds the first load took (once per server process)
LOADING_TEXT = ("Chargement du modèle de langue français : une seule fois par lancement, une vingtaine de "
                "secondes. L'analyse suit.")


@st.cache_resource(show_spinner=False)
def get_engine() -> Engine:
    started = time.perf_counter()
    engine = Engine.create(get_library())
    _ENGINE_LOADED.append(time.perf_counter() - started)
    return engine


def engine_loaded() -> bool:
    return bool(_ENGINE_LOADED)


@st.cache_resource(show_spinner=False)
def get_store(path: str) -> DecisionStore:
    return DecisionStore(path)


def store() -> DecisionStore:
    return get_store(str(default_db_path()))


@st.cache_resource(max_entries=32, show_spinner=False)
def _parse(sha256: str, name: str, _data: bytes) -> tuple[Any, Any, str | None]:
    """Read and segment a contract once (whatever the profile). Errors are returned, not raised."""
    try:
        document = load_bytes(_data, name)
        parsed = segment(document, pipeline_for(detect_language(document.text), get_engine().nlp))
    except ClausierError as exc:
        return None, None, exc.message
    except Exception as exc:  # noqa: BLE001 - a hostile file must not stop the other files
        return None, None, f"« {name} » n'a pas pu être lu ({type(exc).__name__}) : fichier endommagé ou non pris en charge."
    return document, parsed, None


@st.cache_resource(max_entries=128, show_spinner=False)
def _analyse(sha256: str, name: str, profile: str, supplier: str | None, _data: bytes) -> Analysis:
    document, parsed, error = _parse(sha256, name, _data)
    if error is not None:
        return Analysis(name, sha256, error=error)
    try:
        report = get_engine().analyze(document, profile, supplier, parsed=parsed)
    except ClausierError as exc:
        return Analysis(name, sha256, error=exc.message)
    return Analysis(name, sha256, report=report, document=document)


def with_decisions(analysis: Analysis) -> Analysis:
    """Attach the reviewer decisions stored for this contract (by SHA-256) to its report."""
    if analysis.report is None:
        return analysis
    report = apply_overrides(analysis.report, store().decisions(analysis.sha256))
    return Analysis(analysis.name, analysis.sha256, report, analysis.document)


def analyse_all(uploads: list[Upload], profile: str, supplier: str | None) -> list[Analysis]:
    """Analyse every contract (cached by hash + profile + supplier type), with a progress bar."""
    done: set[tuple[str, str, str, str | None]] = st.session_state.setdefault("_analysed", set())
    todo = [u for u in uploads if (u.sha256, u.name, profile, supplier) not in done]
    bar = None
    started = time.perf_counter()  # the honest time: model load (first analysis only) included
    load_s = 0.0
    if todo:
        bar = st.progress(0.0, text="Analyse en cours…")
        if not engine_loaded():
            bar.progress(0.02, text=LOADING_TEXT)
        t0 = time.perf_counter()
        get_engine()
        load_s = time.perf_counter() - t0
        load_s = load_s if load_s > 0.5 else 0.0  # already loaded: not worth mentioning
    out = []
    for i, u in enumerate(uploads):
        if bar is not None:
            bar.progress(i / len(uploads), text=f"Analyse de « {u.name} » ({i + 1}/{len(uploads)})…")
        out.append(_analyse(u.sha256, u.name, profile, supplier, u.data))
        done.add((u.sha256, u.name, profile, supplier))
    if bar is not None:
        bar.empty()
        st.session_state["_last_analysis_s"] = round(time.perf_counter() - started, 2)
        st.session_state["_last_model_load_s"] = round(load_s, 2)
    return [with_decisions(a) for a in out]


def save_decision(analysis: Analysis, finding: Finding, status: str, comment: str, reviewer: str) -> None:
    store().save(Decision(analysis.sha256, finding.obligation_id, status, comment.strip(), reviewer.strip(),
                          engine_status=finding.status, document_name=analysis.name))


def clear_decision(analysis: Analysis, obligation_id: str, reviewer: str) -> None:
    store().clear(analysis.sha256, obligation_id, reviewer.strip())


@dataclass
class Context:
    """What the sidebar decided, read by every page."""

    profile: str
    supplier: str | None
    reviewer: str
    uploads: list[Upload] = field(default_factory=list)
    analyses: list[Analysis] = field(default_factory=list)

    def data_of(self, sha256: str) -> bytes | None:
        return next((u.data for u in self.uploads if u.sha256 == sha256), None)


def context() -> Context:
    ctx = st.session_state.get("_ctx")
    assert isinstance(ctx, Context), "ui/app.py must run first"
    return ctx


def sample_upload(name: str) -> Upload:
    return Upload.of(name, (EXAMPLES / name).read_bytes())
