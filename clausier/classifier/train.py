"""Deterministic training of the theme classifier (``clausier model train``).

Same data + same seed + same config -> the same weights: the dataset is sorted, each epoch is
shuffled by a seeded ``random.Random``, ``spacy.util.fix_random_seed`` seeds numpy and thinc, and
the work runs on one thread.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from clausier.classifier import THEMES
from clausier.classifier.data import DEFAULT_CORPUS, Dataset, TrainExample, build_dataset

CONFIG_PATH = Path(__file__).with_name("config.cfg")
PIPE = "textcat_multilabel"


def _single_thread() -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - optional
        pass


def training_settings(config_path: Path = CONFIG_PATH) -> dict[str, Any]:
    from spacy import util

    return dict(util.load_config(config_path)["training"])


def train(examples: Sequence[TrainExample], seed: int = 0, config_path: Path = CONFIG_PATH,
          epochs: int | None = None) -> Any:
    """A new pipeline built from ``config_path`` and trained on ``examples``; returns the Language."""
    from spacy import util
    from spacy.training import Example

    _single_thread()
    config = util.load_config(config_path)
    settings = dict(config["training"])
    nlp = util.load_model_from_config(config, auto_fill=True, validate=True)
    nlp.meta.update({"name": "clause_textcat", "version": "0.1.0",
                     "description": "clausier: thèmes des clauses de sécurité (A à R)"})
    textcat = nlp.get_pipe(PIPE)
    for theme in THEMES:
        textcat.add_label(theme)
    util.fix_random_seed(seed)
    data = [Example.from_dict(nlp.make_doc(e.text), {"cats": dict(e.cats)})
            for e in sorted(examples, key=lambda e: (e.text, e.cats))]
    optimizer = nlp.initialize(lambda: data)  # Adam from [training.optimizer]
    rng = random.Random(seed)
    batch_size = int(settings.get("batch_size", 32))
    dropout = float(settings.get("dropout", 0.2))
    for _ in range(epochs if epochs is not None else int(settings.get("max_epochs", 25))):
        order = list(data)
        rng.shuffle(order)
        for i in range(0, len(order), batch_size):
            nlp.update(order[i:i + batch_size], sgd=optimizer, drop=dropout, losses={})
    if optimizer.averages:  # keep the averaged weights (use_averages = true)
        with nlp.use_params(optimizer.averages):
            weights = nlp.to_bytes()
        nlp.from_bytes(weights)
    return nlp


def train_dataset(dataset: Dataset, out: Path | None, seed: int = 0, epochs: int | None = None) -> Any:
    nlp = train(dataset.examples, seed=seed, epochs=epochs)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        nlp.meta["clausier_training"] = {"seed": seed, **dataset.summary()}
        vectors = nlp.config["initialize"].get("vectors")
        if vectors:  # referenced by name (installed with clausier), not copied into models/
            nlp.meta["clausier_vectors"] = vectors
        nlp.to_disk(out, exclude=["vectors"] if vectors else [])
    return nlp


def train_default(out: Path, seed: int = 0, corpus: Path | None = DEFAULT_CORPUS) -> str:
    """The documented command: every source (corpus labels when present), written to ``out``."""
    from clausier.library.loader import load_library

    t0 = time.perf_counter()
    dataset = build_dataset(load_library(), corpus if corpus is not None and corpus.is_dir() else None, seed=seed)
    t1 = time.perf_counter()
    train_dataset(dataset, out, seed=seed)
    t2 = time.perf_counter()
    s = dataset.summary()
    return (f"{s['examples']} exemples {s['per_source']}, données {t1 - t0:.0f} s, "
            f"entraînement {t2 - t1:.0f} s, graine {seed}")
