"""Development-set evaluation: analyse every labelled file (--profile full) and run the shared scorer.

Usage: python scripts/evaluate.py [--corpus ../shared/corpus] [--out /tmp/clausier-reports] [--detail]

Equivalent to running `clausier check FILE --profile full --format json -o OUT/FILE.json` for each
file listed in the labels, but the French pipeline is loaded once.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from clausier.engine.analyze import Engine
from clausier.report.render import to_json


def main() -> int:
    ap = argparse.ArgumentParser()
    root = Path(__file__).resolve().parents[1]
    ap.add_argument("--corpus", type=Path, default=root.parent / "shared" / "corpus")
    ap.add_argument("--out", type=Path, default=Path("/tmp/clausier-reports"))
    ap.add_argument("--detail", action="store_true")
    ap.add_argument("--all", action="store_true", help="also analyse unlabelled documents (robustness)")
    args = ap.parse_args()
    labels = args.corpus / "labels"
    docs = args.corpus / "documents"
    if not labels.is_dir():
        print(f"no labels at {labels}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    for lp in sorted(labels.glob("*.json")):
        gold = json.loads(lp.read_text(encoding="utf-8"))
        files.extend(gold.get("files", [gold["document"] + ".txt"]))
    if args.all:
        files += sorted(p.name for p in docs.iterdir() if not p.name.endswith(".source.txt") and p.name not in files)
    engine = Engine.create()
    for name in files:
        t0 = time.perf_counter()
        report = engine.analyze_file(docs / name, "full")
        (args.out / f"{name}.json").write_text(to_json(report, engine.library), encoding="utf-8")
        print(f"{name}: {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    score = root.parent / "shared" / "eval" / "score.py"
    cmd = [sys.executable, str(score), "--labels", str(labels), "--reports", str(args.out)]
    if args.detail:
        cmd.append("--detail")
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
