"""Topic vocabularies measured alone (no regex, lemma or fuzzy rule), per fold.

The vocabularies are written from the sector references, not from the labelled contracts, so the
labelled development set is a fair test of them: for each labelled document and obligation, is the
vocabulary on topic where the gold label says present/weak (topic recall), silent where it says
missing (false topic rate), and does one of its passages overlap a gold quote (evidence hit)?

Usage: python scripts/vocab_report.py [--fold 1] [--obligations H1,H2 | --theme H] [--show N]
  --show N prints, for the selected fold only, up to N false-topic passages and N missed gold quotes
  per obligation (study one fold, judge the change on the other fold's counts).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from evaluate import read_folds  # noqa: E402

from clausier.engine.vocabulary import VocabularyDetector  # noqa: E402
from clausier.ingest import load_document  # noqa: E402
from clausier.library.loader import load_library  # noqa: E402
from clausier.nlp import detect_language, load_nlp, pipeline_for  # noqa: E402
from clausier.segment import segment  # noqa: E402


def _scorer(corpus: Path):  # the shared scorer's evidence_hit, so "hit" means the same thing
    spec = importlib.util.spec_from_file_location("score", corpus.parent / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--fold")
    ap.add_argument("--obligations", default="")
    ap.add_argument("--theme", default="")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--txt-only", action="store_true", help="score the .txt form of each document only")
    args = ap.parse_args()
    score = _scorer(args.corpus)
    library = load_library()
    wanted = {o.strip() for o in args.obligations.split(",") if o.strip()}
    obs = [ob for ob in library.obligations.values()
           if (not wanted or ob.id in wanted) and (not args.theme or ob.id[0] in args.theme)]
    detector = VocabularyDetector(library, obs)
    nlp = load_nlp()
    folds = read_folds(args.corpus)
    rows: dict[str, Counter] = defaultdict(Counter)
    per_ob: dict[str, Counter] = defaultdict(Counter)
    shown: list[str] = []
    for lp in sorted((args.corpus / "labels").glob("*.json")):
        gold = json.loads(lp.read_text(encoding="utf-8"))
        fold = folds.get(gold["document"], "unassigned")
        if args.fold and fold != args.fold:
            continue
        files = gold.get("files", [gold["document"] + ".txt"])
        if args.txt_only:
            files = [f for f in files if f.endswith(".txt")][:1] or files[:1]
        for name in files:
            doc = load_document(args.corpus / "documents" / name)
            lang = detect_language(doc.text)
            parsed = segment(doc, pipeline_for(lang, nlp))
            hits = detector.detect(parsed, lang)
            by_ob: dict[str, list] = defaultdict(list)
            for h in hits:
                by_ob[h.obligation_id].append(h)
            for ob in obs:
                g = gold["labels"].get(ob.id)
                if g is None or ob.detection.vocabulary is None:
                    continue
                texts = [doc.text[parsed.structure.sentences[h.sentence].start:parsed.structure.sentences[h.sentence].end]
                         for h in by_ob.get(ob.id, [])]
                on = bool(texts)
                c = rows[fold]
                if g["status"] == "missing":
                    c["missing"] += 1
                    c["false_topic"] += on
                    per_ob[ob.id]["fp"] += on
                    if on and args.show and per_ob[ob.id]["fp_shown"] < args.show:
                        per_ob[ob.id]["fp_shown"] += 1
                        shown.append(f"  {ob.id} FALSE TOPIC {name}: {' '.join(texts[0].split())[:220]}")
                else:
                    c["addressed"] += 1
                    c["topic_hit"] += on
                    per_ob[ob.id]["tp"] += on
                    per_ob[ob.id]["fn"] += not on
                    if g.get("evidence"):
                        c["with_quotes"] += 1
                        hit = score.evidence_hit(g["evidence"], texts)
                        c["evidence_hit"] += hit
                        if not hit and args.show and per_ob[ob.id]["miss_shown"] < args.show:
                            per_ob[ob.id]["miss_shown"] += 1
                            shown.append(f"  {ob.id} MISSED ({g['status']}) {name}: {' '.join(g['evidence'][0].split())[:220]}")
    for line in shown:
        print(line)
    print("per obligation (on topic where addressed / silent-miss / on topic where missing):")
    print("  " + " ".join(f"{k}:{v['tp']}/{v['fn']}/{v['fp']}" for k, v in sorted(per_ob.items(), key=lambda kv: (kv[0][0], int(kv[0][1:])))))
    for fold, c in sorted(rows.items()):
        tr = c["topic_hit"] / c["addressed"] if c["addressed"] else 0
        ft = c["false_topic"] / c["missing"] if c["missing"] else 0
        eh = c["evidence_hit"] / c["with_quotes"] if c["with_quotes"] else 0
        print(f"VOCAB fold={fold} topic_recall={tr:.3f} ({c['topic_hit']}/{c['addressed']}) "
              f"false_topic={ft:.3f} ({c['false_topic']}/{c['missing']}) evidence_hit={eh:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
