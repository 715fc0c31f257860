"""Cost of the trained theme classifier: model load time and per-page inference cost.

Usage: python benchmarks/bench_classifier.py [--model models/clause_textcat] [--corpus ../shared/corpus] [--json OUT]

- load: the classifier pipeline by path, vectors copied from the (already loaded) French pipeline;
- per document (corpus PDF and DOCX): sentences classified (ClassifierDetector.detect), seconds per
  page and per 1,000 sentences, and the extra cost of an analysis with the model vs rules only.
Without the corpus (fresh clone) a synthetic 20-page contract is used.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from clausier.classifier import DEFAULT_MODEL_DIR, model_available

    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if not model_available(args.model):
        print(f"no model at {args.model}: run `clausier model train`", file=sys.stderr)
        return 1

    from clausier.classifier.detector import ClassifierDetector, load_model
    from clausier.engine.analyze import Engine
    from clausier.ingest import load_bytes, load_document
    from clausier.nlp import detect_language, pipeline_for
    from clausier.segment import segment

    engine = Engine.create(classifier=False)  # French pipeline loaded first, as in the CLI
    t0 = time.perf_counter()
    model = load_model(str(args.model))
    load_s = time.perf_counter() - t0
    detector = ClassifierDetector(engine.library, model)
    size_mb = sum(p.stat().st_size for p in args.model.rglob("*") if p.is_file()) / 1e6

    docs = args.corpus / "documents"
    inputs = []
    if docs.is_dir():
        inputs = [(p.name, load_document(p)) for p in sorted(docs.glob("*")) if p.suffix in (".pdf", ".docx")]
    if not inputs:
        text = "\n\n".join(f"Article {i}\nLe Prestataire notifie au Client toute violation de données "
                           f"dans un délai de quarante-huit heures. Le prix est payable à trente jours." * 8
                           for i in range(1, 41))
        inputs = [("synthetique.txt", load_bytes(text.encode(), "synthetique.txt"))]
    rows = []
    for name, doc in inputs:
        language = detect_language(doc.text)
        parsed = segment(doc, pipeline_for(language, engine.nlp))
        pages = doc.page_count or max(1, len(doc.text) // 3000)
        t1 = time.perf_counter()
        detector.detect(parsed, language)
        clf_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        engine.analyze(doc, "full", parsed=parsed)
        rules_s = time.perf_counter() - t2
        n = len(parsed.structure.sentences)
        rows.append({"file": name, "pages": pages, "sentences": n, "classifier_s": round(clf_s, 3),
                     "ms_per_page": round(1000 * clf_s / pages, 1), "rules_analysis_s": round(rules_s, 3)})
        print(f"{name}: {pages} p., {n} phrases, classifieur {clf_s:.2f}s ({1000 * clf_s / pages:.0f} ms/page), "
              f"règles {rules_s:.2f}s")
    total_pages = sum(r["pages"] for r in rows)
    total_s = sum(r["classifier_s"] for r in rows)
    summary = {"model_mb": round(size_mb, 1), "load_seconds": round(load_s, 2), "documents": len(rows),
               "pages": total_pages, "classifier_seconds": round(total_s, 2),
               "ms_per_page": round(1000 * total_s / max(1, total_pages), 1), "rows": rows}
    print(f"modèle {size_mb:.1f} Mo, chargement {load_s:.2f}s, {total_pages} pages : "
          f"{summary['ms_per_page']} ms/page en moyenne")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
