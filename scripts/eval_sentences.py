"""The engine on team-written sentences of many registers (models/training/sentences_*.yaml).

Each sentence is analysed alone (full engine, profile full) and the verdict of its obligation is
compared with its category: positive -> present, weak -> weak, red_flag -> a red flag,
hard_negative -> missing (a neighbouring topic must not be taken for this one). The sentences are
split in two halves by a hash of their text ("study" and "judge"): study the errors of one half,
judge a change on the other.

Usage: python scripts/eval_sentences.py [--theme H] [--half study|judge] [--show N] [--json OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = ("positive", "weak", "red_flag", "hard_negative")


def half_of(text: str) -> str:
    return "study" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else "judge"


def load_sentences(folder: Path) -> list[tuple[str, str, str]]:
    """(obligation, category, sentence) from every sentences_*.yaml of the folder."""
    out = []
    for path in sorted(folder.glob("sentences_*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for oid, cats in (data.get("obligations") or {}).items():
            for cat in CATEGORIES:
                for s in (cats or {}).get(cat) or []:
                    if isinstance(s, str) and s.strip():
                        out.append((str(oid), cat, s.strip()))
    return out


def ok(cat: str, status: str, red: bool) -> bool:
    return {"positive": status == "present", "weak": status == "weak", "red_flag": red,
            "hard_negative": status == "missing"}[cat]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folder", type=Path, default=ROOT / "models" / "training")
    ap.add_argument("--theme", default="")
    ap.add_argument("--half", choices=("study", "judge"))
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    from clausier.engine.analyze import Engine
    from clausier.ingest import load_bytes

    engine = Engine.create(classifier=False)
    rows = [r for r in load_sentences(args.folder)
            if (not args.theme or r[0][0] in args.theme) and r[0] in engine.library.obligations]
    stats: dict[str, Counter] = defaultdict(Counter)
    per_theme: dict[str, Counter] = defaultdict(Counter)
    shown: Counter = Counter()
    for oid, cat, text in rows:
        half = half_of(text)
        if args.half and half != args.half:
            continue
        report = engine.analyze(load_bytes(text.encode("utf-8"), "phrase.txt"), "full")
        f = next(x for x in report.findings if x.obligation_id == oid)
        good = ok(cat, f.status, f.red_flag)
        for key in (half, "all"):
            c = stats[key]
            c[f"{cat}_n"] += 1
            c[f"{cat}_ok"] += good
            c[f"{cat}_{f.status}"] += 1
        per_theme[oid[0]][f"{cat}_n"] += 1
        per_theme[oid[0]][f"{cat}_ok"] += good
        if not good and args.show and shown[(oid, cat)] < args.show and (args.half or half == "study"):
            shown[(oid, cat)] += 1
            print(f"  {oid} {cat} -> {f.status}{' !' if f.red_flag else ''}: {text[:200]}")

    def rate(c: Counter, cat: str, key: str = "ok") -> str:
        n = c[f"{cat}_n"]
        return f"{c[f'{cat}_{key}'] / n:.3f}" if n else "-"

    print("per theme (positive->present / weak->weak / red flag / hard negative->missing):")
    print("  " + " ".join(f"{t}:{rate(c, 'positive')}/{rate(c, 'weak')}/{rate(c, 'red_flag')}/{rate(c, 'hard_negative')}"
                          for t, c in sorted(per_theme.items())))
    out = {}
    for key, c in sorted(stats.items()):
        line = (f"SENTENCES half={key} n={sum(c[f'{k}_n'] for k in CATEGORIES)} "
                f"present_recall={rate(c, 'positive')} positive_missed={rate(c, 'positive', 'missing')} "
                f"weak_ok={rate(c, 'weak')} weak_called_present={rate(c, 'weak', 'present')} "
                f"weak_missed={rate(c, 'weak', 'missing')} red_flag_recall={rate(c, 'red_flag')} "
                f"red_flag_called_present={rate(c, 'red_flag', 'present')} hard_negative_ok={rate(c, 'hard_negative')}")
        print(line)
        out[key] = dict(c)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
