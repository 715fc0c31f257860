"""Development-set evaluation: analyse every labelled file (--profile full) and run the shared scorer,
per fold (``../shared/corpus/folds.tsv``) and overall.

Usage: python scripts/evaluate.py [--corpus ../shared/corpus] [--out /tmp/clausier-reports] [--detail]
                                  [--fold 1|2] [--all] [--jobs N]

Equivalent to running `clausier check FILE --profile full --format json -o OUT/FILE.json` for each
file listed in the labels, but the French pipeline is loaded once. The labels folder is read as it
is (documents are added over time); a labelled document missing from folds.tsv is scored in the
overall line and in a fold of its own ("unassigned").

Work fold-wise: study the errors of one fold, change the library or the engine, and judge the
change on the other fold (``--fold``); commit messages give both folds' SCORE lines.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from clausier.engine.analyze import Engine
from clausier.report.render import to_json


def read_folds(corpus: Path) -> dict[str, str]:
    """Document stem -> fold name, from folds.tsv (empty when the file is absent)."""
    path = corpus / "folds.tsv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {row["document"]: row["fold"] for row in csv.DictReader(fh, delimiter="\t") if row.get("document")}


def score(score_py: Path, labels: Path, reports: Path, detail: bool) -> tuple[int, str]:
    cmd = [sys.executable, str(score_py), "--labels", str(labels), "--reports", str(reports)]
    if detail:
        cmd.append("--detail")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def main() -> int:
    ap = argparse.ArgumentParser()
    root = Path(__file__).resolve().parents[1]
    ap.add_argument("--corpus", type=Path, default=root.parent / "shared" / "corpus")
    ap.add_argument("--out", type=Path, default=Path("/tmp/clausier-reports"))
    ap.add_argument("--detail", action="store_true")
    ap.add_argument("--fold", help="analyse and score only this fold's documents")
    ap.add_argument("--all", action="store_true", help="also analyse unlabelled documents (robustness)")
    ap.add_argument("--no-analyse", action="store_true", help="score the reports already in --out")
    args = ap.parse_args()
    labels = args.corpus / "labels"
    docs = args.corpus / "documents"
    if not labels.is_dir():
        print(f"no labels at {labels}", file=sys.stderr)
        return 1
    folds = read_folds(args.corpus)
    args.out.mkdir(parents=True, exist_ok=True)
    by_fold: dict[str, list[Path]] = {}
    files: list[str] = []
    for lp in sorted(labels.glob("*.json")):
        gold = json.loads(lp.read_text(encoding="utf-8"))
        fold = folds.get(gold["document"], "unassigned")
        if args.fold and fold != args.fold:
            continue
        by_fold.setdefault(fold, []).append(lp)
        files.extend(gold.get("files", [gold["document"] + ".txt"]))
    if args.all:
        files += sorted(p.name for p in docs.iterdir() if not p.name.endswith(".source.txt") and p.name not in files)
    if not args.no_analyse:
        engine = Engine.create()
        for name in files:
            t0 = time.perf_counter()
            report = engine.analyze_file(docs / name, "full")
            (args.out / f"{name}.json").write_text(to_json(report, engine.library), encoding="utf-8")
            print(f"{name}: {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    score_py = root.parent / "shared" / "eval" / "score.py"
    rc = 0
    groups = sorted(by_fold.items())
    if not args.fold:
        groups.append(("all", [p for ps in by_fold.values() for p in ps]))
    for fold, paths in groups:
        with tempfile.TemporaryDirectory() as tmp:
            for p in paths:
                shutil.copy(p, tmp)
            code, out = score(score_py, Path(tmp), args.out, args.detail)
        rc = rc or code
        lines = out.rstrip().splitlines()
        print(f"=== fold {fold} ({len(paths)} documents)")
        print("\n".join(lines if args.detail else [ln for ln in lines if not ln.startswith("{")]))
        last = next((ln for ln in reversed(lines) if ln.startswith("SCORE")), "")
        print(f"FOLD {fold} {last}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
