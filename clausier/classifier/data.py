"""Training data of the theme classifier, assembled deterministically from four sources:

- ``library``: the clause library's examples. Positive and red-flag examples are positives of their
  theme. Negative examples are mostly weak wordings of the same topic, so they are negatives for
  every *other* theme and left unlabelled (missing value) for their own theme.
- ``extra``: sentences written by the team (models/training/extra.yaml): paraphrases per theme and
  off-topic contract sentences (negatives for every theme).
- ``labels``: the evidence quotes of the development labels (../shared/corpus/labels), positives of
  the themes of the obligations they support. Optional: skipped when the corpus is absent.
- ``documents``: sentences of the labelled documents that overlap no gold quote and fire no library
  regex, a deterministic sample, negatives for every theme.

Leave-one-document-out evaluation passes ``exclude`` to drop a document's quotes and sentences.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from clausier.classifier import REPO_ROOT, THEMES
from clausier.library.loader import Library

EXTRA_PATH = REPO_ROOT / "models" / "training" / "extra.yaml"
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
NEGATIVES_PER_DOCUMENT = 150
MIN_CHARS = 40
_SHINGLE = 5  # words; a sentence sharing a 5-word run with a gold quote is evidence, not a negative


@dataclass(frozen=True)
class TrainExample:
    text: str
    cats: tuple[tuple[str, float], ...]  # sorted (theme, 0/1); a theme absent here is unlabelled
    source: str  # library | extra | labels | documents
    document: str | None = None


@dataclass
class Dataset:
    examples: list[TrainExample]
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        pos = Counter(t for e in self.examples for t, v in e.cats if v == 1.0)
        return {"examples": len(self.examples), "per_source": dict(self.counts),
                "positives_per_theme": {t: pos.get(t, 0) for t in THEMES},
                "without_positive": sum(1 for e in self.examples if not any(v for _, v in e.cats))}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\\'", "'")
    return re.sub(r"\s+", " ", text).strip()


def _cats(positive: Iterable[str], unlabelled: Iterable[str] = ()) -> tuple[tuple[str, float], ...]:
    pos, skip = set(positive), set(unlabelled)
    return tuple((t, 1.0 if t in pos else 0.0) for t in THEMES if t in pos or t not in skip)


def library_examples(library: Library) -> list[TrainExample]:
    out: list[TrainExample] = []
    for ob in library.obligations.values():
        theme = ob.id[0]
        for text in [*ob.examples.positive, *ob.examples.red_flag]:
            out.append(TrainExample(norm(text), _cats([theme]), "library"))
        for text in ob.examples.negative:
            out.append(TrainExample(norm(text), _cats([], [theme]), "library"))
    return out


def extra_examples(path: Path = EXTRA_PATH) -> list[TrainExample]:
    """``{themes: {A: [sentences]}, negative: [sentences]}`` written by the team."""
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: list[TrainExample] = []
    for theme, sentences in sorted((data.get("themes") or {}).items()):
        if theme not in THEMES:
            raise ValueError(f"{path}: unknown theme {theme!r}")
        out.extend(TrainExample(norm(s), _cats([theme]), "extra") for s in sentences)
    out.extend(TrainExample(norm(s), _cats([]), "extra") for s in data.get("negative") or [])
    return out


def read_labels(corpus: Path) -> list[dict[str, Any]]:
    labels = corpus / "labels"
    if not labels.is_dir():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(labels.glob("*.json"))]


def quote_themes(gold: dict[str, Any]) -> dict[str, set[str]]:
    """Each gold quote of a document and the themes it is evidence for."""
    out: dict[str, set[str]] = {}
    for oid, lab in sorted(gold["labels"].items()):
        for q in lab.get("evidence") or []:
            q = norm(q)
            if len(q) >= 15:
                out.setdefault(q, set()).add(oid[0])
    return out


def label_examples(golds: Sequence[dict[str, Any]], exclude: Iterable[str] = ()) -> list[TrainExample]:
    skip = set(exclude)
    out: list[TrainExample] = []
    for gold in golds:
        if gold["document"] in skip:
            continue
        for quote, themes in sorted(quote_themes(gold).items()):
            out.append(TrainExample(quote, _cats(themes), "labels", gold["document"]))
    return out


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < _SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


def non_evidence(sentences: Sequence[tuple[str, bool]], quotes: Iterable[str]) -> list[str]:
    """Sentences (text, fired_a_rule) that fire no rule and share no 5-word run with a gold quote."""
    gold: set[tuple[str, ...]] = set()
    for q in quotes:
        gold |= _shingles(q)
    return [t for t, fired in sentences
            if not fired and len(t) >= MIN_CHARS and not (_shingles(t) & gold)]


def sample(texts: Iterable[str], n: int, seed: int) -> list[str]:
    """A deterministic sample: the ``n`` texts with the smallest seeded hash."""
    key = lambda t: hashlib.sha1(f"{seed}:{t}".encode()).hexdigest()  # noqa: E731
    return sorted(sorted(set(texts), key=key)[:n])


def document_sentences(corpus: Path, golds: Sequence[dict[str, Any]], library: Library,
                       nlp: Any | None = None) -> dict[str, list[tuple[str, bool]]]:
    """Sentences of each labelled document (its .txt when there is one) and whether a library regex
    fires in them. Costly (segmentation): computed once and reused across folds."""
    from clausier.engine.detectors import RegexDetector, match_view
    from clausier.ingest import load_document
    from clausier.nlp import detect_language, load_nlp, pipeline_for
    from clausier.segment import segment

    regex = RegexDetector(library)
    nlp = nlp or load_nlp()
    out: dict[str, list[tuple[str, bool]]] = {}
    for gold in golds:
        files = gold.get("files") or [gold["document"] + ".txt"]
        name = next((f for f in files if f.endswith(".txt")), files[0])
        doc = load_document(corpus / "documents" / name)
        language = detect_language(doc.text)
        parsed = segment(doc, pipeline_for(language, nlp))
        fired = {h.sentence for h in regex.detect(parsed, language)}
        out[gold["document"]] = [
            (norm(match_view(doc.text, s.start, s.end)[0]), i in fired)
            for i, s in enumerate(parsed.structure.sentences)
        ]
    return out


def document_examples(golds: Sequence[dict[str, Any]], sentences: dict[str, list[tuple[str, bool]]],
                      exclude: Iterable[str] = (), seed: int = 0,
                      per_document: int = NEGATIVES_PER_DOCUMENT) -> list[TrainExample]:
    skip = set(exclude)
    out: list[TrainExample] = []
    for gold in golds:
        name = gold["document"]
        if name in skip or name not in sentences:
            continue
        pool = non_evidence(sentences[name], quote_themes(gold))
        out.extend(TrainExample(t, _cats([]), "documents", name) for t in sample(pool, per_document, seed))
    return out


def build_dataset(library: Library, corpus: Path | None = DEFAULT_CORPUS, exclude: Iterable[str] = (),
                  seed: int = 0, sentences: dict[str, list[tuple[str, bool]]] | None = None,
                  extra: Path = EXTRA_PATH, negatives_per_document: int = NEGATIVES_PER_DOCUMENT) -> Dataset:
    """All sources, deduplicated on text (first source wins: library, extra, labels, documents) and
    sorted, so that the same inputs always give the same dataset."""
    skip = set(exclude)
    parts = [library_examples(library), extra_examples(extra)]
    if corpus is not None and (corpus / "labels").is_dir():
        golds = read_labels(corpus)
        parts.append(label_examples(golds, skip))
        if sentences is None:
            sentences = document_sentences(corpus, [g for g in golds if g["document"] not in skip], library)
        parts.append(document_examples(golds, sentences, skip, seed, negatives_per_document))
    seen: set[str] = set()
    examples: list[TrainExample] = []
    for part in parts:
        for ex in part:
            if ex.text and ex.text not in seen:
                seen.add(ex.text)
                examples.append(ex)
    examples.sort(key=lambda e: (e.source, e.text))
    return Dataset(examples, dict(sorted(Counter(e.source for e in examples).items())))
