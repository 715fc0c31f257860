"""Leave-one-document-out (LODO) evaluation of the theme classifier.

For each labelled development document d: train the classifier without d (neither its label quotes
nor its sentences), analyse d's files with the rules alone and with rules + that model, then report
(1) per-theme sentence-level precision/recall of the classifier against d's gold quotes and
(2) the SCORE line of ../shared/eval/score.py over all LODO reports, without and with the model.

Usage: python scripts/eval_classifier.py [--corpus ../shared/corpus] [--out /tmp/clausier-lodo]
           [--threshold 0.5] [--seed 0] [--models DIR (reuse/keep the fold models)]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from clausier.classifier import THEMES
from clausier.classifier import detector as clf
from clausier.classifier.data import _shingles, build_dataset, document_sentences, norm, quote_themes, read_labels
from clausier.classifier.train import train_dataset
from clausier.engine.analyze import Engine
from clausier.engine.detectors import match_view
from clausier.ingest import load_document
from clausier.nlp import detect_language, pipeline_for
from clausier.report.render import to_json
from clausier.segment import segment


def gold_themes(sentence: str, quotes: dict[str, set[str]]) -> set[str]:
    """Themes of the gold quotes that overlap this sentence (a shared 5-word run, or containment)."""
    sh = _shingles(sentence)
    low = sentence.lower()
    out: set[str] = set()
    for q, themes in quotes.items():
        if q.lower() in low or low in q.lower() or (sh & _shingles(q)):
            out |= themes
    return out


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=root.parent / "shared" / "corpus")
    ap.add_argument("--out", type=Path, default=Path("/tmp/clausier-lodo"))
    ap.add_argument("--threshold", type=float, default=clf.THRESHOLD)
    ap.add_argument("--alone-threshold", type=float, default=clf.ALONE_THRESHOLD)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--models", type=Path, default=None, help="keep fold models here and reuse them")
    ap.add_argument("--json", type=Path, default=None, help="write the per-theme table as JSON")
    args = ap.parse_args()
    if not (args.corpus / "labels").is_dir():
        print(f"no labels at {args.corpus / 'labels'}", file=sys.stderr)
        return 1
    golds = read_labels(args.corpus)
    engine = Engine.create(classifier=False)
    library = engine.library
    t0 = time.perf_counter()
    sentences = document_sentences(args.corpus, golds, library, engine.nlp)
    print(f"sentences of {len(golds)} documents: {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    out_with, out_without = args.out / "with", args.out / "without"
    for d in (out_with, out_without):
        d.mkdir(parents=True, exist_ok=True)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    profiles = clf.ObligationProfiles(library)
    train_times: list[float] = []
    for gold in golds:
        name = gold["document"]
        t1 = time.perf_counter()
        fold_dir = args.models / name if args.models else None
        if fold_dir is not None and (fold_dir / "meta.json").is_file():
            model = clf.load_model(str(fold_dir))
        else:
            dataset = build_dataset(library, args.corpus, exclude={name}, seed=args.seed, sentences=sentences)
            model = train_dataset(dataset, fold_dir, seed=args.seed)
            train_times.append(time.perf_counter() - t1)
        detector = clf.ClassifierDetector(library, model, threshold=args.threshold,
                                          alone_threshold=args.alone_threshold, profiles=profiles)
        quotes = quote_themes(gold)
        files = gold.get("files") or [name + ".txt"]
        for i, fname in enumerate(files):
            doc = load_document(args.corpus / "documents" / fname)
            language = detect_language(doc.text)
            parsed = segment(doc, pipeline_for(language, engine.nlp))
            (out_without / f"{fname}.json").write_text(to_json(engine.analyze(doc, "full", parsed=parsed), library),
                                                       encoding="utf-8")
            engine.registry.add(detector)
            try:
                report = engine.analyze(doc, "full", parsed=parsed)
            finally:
                engine.registry.remove(detector.name)
            report.tool["classifier"] = {"used": True, "lodo_excluded": name, "threshold": args.threshold,
                                         "alone_threshold": args.alone_threshold}
            (out_with / f"{fname}.json").write_text(to_json(report, library), encoding="utf-8")
            if i:  # sentence-level scores on the first file of each document only
                continue
            views = [" ".join(match_view(doc.text, s.start, s.end)[0].split()) for s in parsed.structure.sentences]
            views = [v for v in views if len(v) >= clf.MIN_CHARS]
            for view, cats in zip(views, detector.scores([v[:clf.MAX_CHARS] for v in views])):
                truth = gold_themes(norm(view), quotes)
                for t in THEMES:
                    pred = cats.get(t, 0.0) >= args.threshold
                    if pred and t in truth:
                        tp[t] += 1
                    elif pred:
                        fp[t] += 1
                    elif t in truth:
                        fn[t] += 1
        print(f"{name}: {time.perf_counter() - t1:.0f}s", file=sys.stderr)

    rows = []
    print(f"\nPer-theme sentence-level precision / recall (LODO, threshold {args.threshold}):")
    print("theme  P      R      TP   FP   FN")
    for t in (*THEMES, "all"):
        a, b, c = (sum(x.values()) for x in (tp, fp, fn)) if t == "all" else (tp[t], fp[t], fn[t])
        p = a / (a + b) if a + b else None
        r = a / (a + c) if a + c else None
        rows.append({"theme": t, "precision": p, "recall": r, "tp": a, "fp": b, "fn": c})
        fmt = lambda v: "  -  " if v is None else f"{v:.3f}"  # noqa: E731
        print(f"{t:5}  {fmt(p)}  {fmt(r)}  {a:4} {b:4} {c:4}")
    if train_times:
        print(f"fold training: mean {sum(train_times) / len(train_times):.0f}s, max {max(train_times):.0f}s")
    if args.json:
        args.json.write_text(json.dumps({"threshold": args.threshold, "themes": rows}, indent=2), encoding="utf-8")
    score = root.parent / "shared" / "eval" / "score.py"
    labels = str(args.corpus / "labels")
    for title, d in (("without classifier", out_without), ("with classifier", out_with)):
        print(f"\n== {title}")
        res = subprocess.run([sys.executable, str(score), "--labels", labels, "--reports", str(d)],
                             capture_output=True, text=True, check=False)
        print(next((ln for ln in res.stdout.splitlines() if ln.startswith("SCORE")), res.stdout + res.stderr))
        print(next((ln for ln in res.stdout.splitlines() if ln.startswith("confusion")), ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
