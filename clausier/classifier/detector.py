"""The trained theme classifier as a detector: sentences the model assigns to a theme become
``topic`` evidence (detector ``classifier``) for the obligation of that theme whose library wording
the sentence is closest to. Evidence only: ``assess`` never lets it make an obligation present.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from clausier.classifier import DEFAULT_MODEL_DIR, ENABLED_BY_DEFAULT, model_available
from clausier.engine.detectors import DetectorRegistry, Hit, match_view
from clausier.errors import ModelError
from clausier.library.loader import Library
from clausier.library.schema import Obligation
from clausier.segment import Parsed

THRESHOLD = 0.4  # theme probability from which a sentence becomes evidence
ALONE_THRESHOLD = 0.6  # ... for an obligation that no rule detects anywhere in the document
MAX_PER_OBLIGATION = 2  # model passages kept per obligation (best scores first)
MIN_SUPPORT = 0.08  # lexical closeness to an obligation of the theme (cosine of stem weights)
MIN_CHARS = 40  # headings and fragments are not clauses
MAX_CHARS = 1500  # long tables/lists are cut before classification

_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
_STOP = frozenset(
    "avec dans pour sont cette celle ceux leur leurs elle elles être avoir fait faire peut peuvent "
    "doit doivent sera seront dont sans tout tous toute toutes autre autres ainsi plus moins "
    "selon entre lors afin notamment également article présent présente présentes contrat client "
    "prestataire titulaire hébergeur éditeur fournisseur société parties partie shall with that "
    "this from will such other which have under".split()
)


def stems(text: str) -> list[str]:
    """Crude French stems: lower-cased words of 4+ letters cut to 6 characters, minus stop words."""
    return [w[:6] for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in _STOP]


class ObligationProfiles:
    """TF-IDF stem vectors of each obligation's library wording (title, examples, model clause),
    used to pick the obligation a theme-level prediction refers to."""

    def __init__(self, library: Library) -> None:
        bags: dict[str, Counter[str]] = {}
        for ob in library.obligations.values():
            bags[ob.id] = Counter(stems(" ".join(_wording(ob))))
        df = Counter(s for bag in bags.values() for s in bag)
        n = len(bags)
        self.idf = {s: math.log((1 + n) / (1 + c)) + 1.0 for s, c in df.items()}
        self.vectors = {oid: self._normed(bag) for oid, bag in bags.items()}
        self.by_theme: dict[str, list[str]] = {}
        for oid in sorted(bags):
            self.by_theme.setdefault(oid[0], []).append(oid)

    def _normed(self, bag: Counter[str]) -> dict[str, float]:
        vec = {s: (1 + math.log(c)) * self.idf.get(s, 1.0) for s, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {s: v / norm for s, v in vec.items()}

    def ranked(self, theme: str, text: str) -> list[tuple[str, float]]:
        """Obligations of ``theme`` lexically close to ``text`` (cosine >= MIN_SUPPORT), closest first."""
        vec = self._normed(Counter(stems(text)))
        scored = [(oid, sum(w * self.vectors[oid].get(s, 0.0) for s, w in vec.items()))
                  for oid in self.by_theme.get(theme, [])]
        return sorted(((o, c) for o, c in scored if c >= MIN_SUPPORT), key=lambda t: (-t[1], t[0]))


def _wording(ob: Obligation) -> list[str]:
    ex = ob.examples
    return [ob.title, ob.model_clause, *ex.positive, *ex.negative, *ex.red_flag]


@lru_cache(maxsize=4)
def load_model(model_dir: str) -> Any:
    """The trained pipeline, loaded by path (no custom components; no download).

    The static word vectors are not stored with the model: they are those of the installed French
    pipeline named in the model's meta (``clausier_vectors``), copied in at load time."""
    import spacy

    try:
        model = spacy.load(model_dir)
    except (OSError, ValueError) as exc:
        raise ModelError(f"le classifieur de « {model_dir} » est illisible : relancez « clausier model train ».",
                         code="M003") from exc
    attach_vectors(model)
    return model


def attach_vectors(model: Any) -> None:
    """Give ``model`` the vectors of the pipeline named in its meta, when they were left out on disk."""
    from spacy.vectors import Vectors

    from clausier.nlp import load_nlp

    name = model.meta.get("clausier_vectors")
    if not name or model.vocab.vectors.shape[0]:
        return
    source = load_nlp(name).vocab.vectors
    copy = Vectors(name=source.name)
    copy.from_bytes(source.to_bytes(exclude=["strings"]))
    model.vocab.vectors = copy


class ClassifierDetector:
    """Theme probabilities per sentence; one ``topic`` hit per (sentence, theme) above the threshold."""

    name = "classifier"

    def __init__(self, library: Library, model: Any, threshold: float = THRESHOLD,
                 alone_threshold: float = ALONE_THRESHOLD, profiles: ObligationProfiles | None = None) -> None:
        self.model = model
        self.threshold = threshold
        self.alone_threshold = alone_threshold
        self.profiles = profiles or ObligationProfiles(library)

    def scores(self, texts: list[str]) -> list[dict[str, float]]:
        return [dict(doc.cats) for doc in self.model.pipe(texts, batch_size=128)]

    def detect(self, parsed: Parsed, language: str) -> list[Hit]:
        text = parsed.document.text
        idx: list[int] = []
        views: list[str] = []
        for si, s in enumerate(parsed.structure.sentences):
            view = " ".join(match_view(text, s.start, s.end)[0].split())
            if len(view) >= MIN_CHARS:
                idx.append(si)
                views.append(view[:MAX_CHARS])
        hits: list[Hit] = []
        for si, view, cats in zip(idx, views, self.scores(views)):
            s = parsed.structure.sentences[si]
            for theme, p in sorted(cats.items()):
                if p < self.threshold:
                    continue
                # The closest obligation is the prediction; the others of the theme are neighbours.
                for rank, (oid, _) in enumerate(self.profiles.ranked(theme, view)):
                    rule = f"modele_theme_{theme}" + ("_voisin" if rank else "")
                    hits.append(Hit(oid, "topic", None, rule, self.name, s.start, s.end, si, round(float(p), 3)))
        return hits

    def select(self, hits: list[Hit]) -> list[Hit]:
        """Keep the model hits worth showing once every detector has run: for an obligation that the
        rules detect somewhere, up to MAX_PER_OBLIGATION more passages; for an obligation that no rule
        detects, only a sentence it is the closest obligation for, with probability >= ALONE_THRESHOLD."""
        supported = {h.obligation_id for h in hits if h.detector != self.name}
        kept: list[Hit] = [h for h in hits if h.detector != self.name]
        count: Counter[str] = Counter()
        for h in sorted((h for h in hits if h.detector == self.name), key=lambda h: (-h.score, h.start, h.rule)):
            alone_ok = not h.rule.endswith("_voisin") and h.score >= self.alone_threshold
            if (h.obligation_id in supported or alone_ok) and count[h.obligation_id] < MAX_PER_OBLIGATION:
                kept.append(h)
                count[h.obligation_id] += 1
        return kept


def attach_classifier(registry: DetectorRegistry, library: Library, use: bool | None,
                      model_dir: Path | None = None) -> dict[str, Any]:
    """Add the classifier to ``registry`` when asked (or by default policy) and the model exists.

    Returns the report's tool metadata: whether the model was used, and why not."""
    path = model_dir or DEFAULT_MODEL_DIR
    wanted = ENABLED_BY_DEFAULT if use is None else use
    if not wanted:
        return {"used": False, "reason": "désactivé" if use is False else "désactivé par défaut"}
    if not model_available(path):
        return {"used": False, "reason": f"modèle absent ({path.name})"}
    model = load_model(str(path))
    registry.add(ClassifierDetector(library, model))
    return {"used": True, "model": path.name, "version": model.meta.get("version"), "threshold": THRESHOLD,
            "alone_threshold": ALONE_THRESHOLD}
