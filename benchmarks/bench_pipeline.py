"""Speed benchmark: pipeline load, parsing (pages/s) and end-to-end analysis (s/page).

Usage: python benchmarks/bench_pipeline.py [--corpus ../shared/corpus] [--json OUT]

- load: French pipeline + library + detectors (once per process);
- parse: ingestion + segmentation (spaCy sentences and lemmas) of every corpus PDF and DOCX;
- analyse: detection + figures + assessment on top of parsing;
- a synthetic 50-page contract (generated here) end to end.
Targets (issue 4): analysis beyond parsing costs no more than parsing itself.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def synthetic_contract(pages: int) -> str:
    """~50 pages of contract-like French text (articles of generic clauses), written here."""
    para = ("Le Prestataire exécute les prestations conformément aux règles de l'art et aux stipulations du "
            "présent contrat. Il informe le Client de toute difficulté susceptible d'affecter la bonne exécution "
            "des prestations et propose les mesures correctives appropriées. ")
    clauses = [
        "Le Prestataire notifie au Client toute violation de données à caractère personnel dans un délai de "
        "quarante-huit (48) heures.",
        "Le Prestataire ne peut recourir à un sous-traitant ultérieur sans l'autorisation écrite préalable du Client.",
        "Les données sont hébergées en France par un hébergeur certifié HDS.",
    ]
    out = []
    for i in range(1, pages * 2 + 1):
        out.append(f"Article {i} : Stipulation {i}\n" + para * 6 + clauses[i % 3])
    return "\n\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    results: dict[str, object] = {}

    t0 = time.perf_counter()
    from clausier.engine.analyze import Engine
    from clausier.ingest import load_bytes, load_document
    from clausier.nlp import detect_language, pipeline_for
    from clausier.segment import segment

    engine = Engine.create()
    results["load_seconds"] = round(time.perf_counter() - t0, 2)

    rows = []
    docs = args.corpus / "documents"
    files = sorted(p for p in docs.glob("*") if p.suffix in (".pdf", ".docx")) if docs.is_dir() else []
    for path in files:
        t1 = time.perf_counter()
        doc = load_document(path)
        parsed = segment(doc, pipeline_for(detect_language(doc.text), engine.nlp))
        t2 = time.perf_counter()
        engine.analyze(doc, "full", parsed=parsed)
        t3 = time.perf_counter()
        pages = doc.page_count or max(1, round(len(doc.text) / 3000))  # DOCX: 3,000 characters a page
        rows.append({"file": path.name, "pages": pages, "chars": len(doc.text),
                     "parse_s": round(t2 - t1, 2), "analyse_s": round(t3 - t2, 2)})
        print(f"{path.name:60} {pages:4} p  parse {t2 - t1:6.2f}s  analyse {t3 - t2:6.2f}s", file=sys.stderr)
    for fmt in ("pdf", "docx"):
        sel = [r for r in rows if r["file"].endswith(fmt)]
        if sel:
            pages = sum(r["pages"] for r in sel)
            parse = sum(r["parse_s"] for r in sel)
            analyse = sum(r["analyse_s"] for r in sel)
            results[f"{fmt}_pages"] = pages
            results[f"{fmt}_parse_pages_per_s"] = round(pages / parse, 2)
            results[f"{fmt}_end_to_end_s_per_page"] = round((parse + analyse) / pages, 3)
            results[f"{fmt}_analysis_over_parse"] = round(analyse / parse, 2)

    text = synthetic_contract(50)
    t1 = time.perf_counter()
    doc = load_bytes(text.encode("utf-8"), "synthetique-50p.txt")
    parsed = segment(doc, engine.nlp)
    t2 = time.perf_counter()
    engine.analyze(doc, "full", parsed=parsed)
    t3 = time.perf_counter()
    results["synthetic_50_pages"] = {"chars": len(text), "parse_s": round(t2 - t1, 2),
                                     "analyse_s": round(t3 - t2, 2), "total_s": round(t3 - t1, 2)}
    results["files"] = rows
    print(json.dumps({k: v for k, v in results.items() if k != "files"}, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
