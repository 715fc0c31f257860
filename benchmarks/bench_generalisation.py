"""Cost of the wording-independent layer (topic vocabularies, actors, mechanisms) per document.

Analyses the same documents (segmentation included) with the full engine and with the engine
without that layer (vocabulary detector removed, no actors, no mechanisms), in one process,
alternating runs, and prints the median CPU time per document of each and the ratio.

Usage: python benchmarks/bench_generalisation.py [--corpus ../shared/corpus] [--repeat 3] [--json OUT]
Without ../shared/corpus, a synthetic 30-article contract written by this script is used.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _documents(corpus: Path) -> list:
    from clausier.ingest import load_bytes, load_document

    docs_dir = corpus / "documents"
    if docs_dir.is_dir():
        names = sorted(p for p in docs_dir.iterdir() if p.suffix == ".txt" and not p.name.endswith(".source.txt"))
        return [load_document(p) for p in names]
    body = "\n\n".join(
        f"Article {i} - Clause {i}\n\nLe Prestataire s'engage à sauvegarder les données du Client chaque jour. "
        "Le Client doit conserver ses identifiants secrets. Le Prestataire peut modifier les présentes à tout moment."
        for i in range(1, 31))
    return [load_bytes(body.encode(), "synthetique.txt")]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    from clausier.engine.analyze import Engine
    from clausier.engine.detectors import DetectorRegistry

    full = Engine.create(classifier=False)
    bare = replace(full, registry=DetectorRegistry([d for d in full.registry.detectors if d.name != "vocabulary"]),
                   actors=None, mechanisms=None)
    docs = _documents(args.corpus)
    times: dict[str, list[float]] = {"full": [], "without_layer": []}
    for _ in range(args.repeat):
        for label, engine in (("without_layer", bare), ("full", full)):
            t0 = time.process_time()  # CPU time: other processes on the machine do not count
            for d in docs:
                engine.analyze(d, "full")
            times[label].append((time.process_time() - t0) / len(docs))
    med = {k: statistics.median(v) for k, v in times.items()}
    out = {"documents": len(docs), "seconds_per_document": med, "ratio": med["full"] / med["without_layer"]}
    print(f"{len(docs)} documents, median per document: without the layer {med['without_layer']:.3f} s, "
          f"with it {med['full']:.3f} s, ratio {out['ratio']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
