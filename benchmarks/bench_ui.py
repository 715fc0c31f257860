"""UI latency benchmark (Streamlit AppTest, no browser): what a reviewer waits for.

Usage: python benchmarks/bench_ui.py [--json OUT]

- cold: first upload of examples/contrat_exemple.pdf -> verdicts, including the one-off load of the
  French pipeline (what the first user of a fresh `clausier ui` waits for);
- warm: upload of the DOCX sample once the engine is loaded (a new contract, nothing cached);
- profile: change of buyer profile on an analysed contract (parsing is cached, only assessment reruns);
- open obligation: show an obligation with its highlighted page band;
- override: save a reviewer decision and redraw (summary and checklist follow);
- reopen: a new session opening the same contract (verdicts cached, decisions read from SQLite).
Decisions go to a temporary SQLite file, removed at the end. The browser test
(tests/test_ui_browser.py) measures the same steps end to end in chromium (timings in /tmp/ui-shots).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
APP = ROOT / "ui" / "app.py"
PDF = ROOT / "examples" / "contrat_exemple.pdf"
DOCX = ROOT / "examples" / "contrat_exemple.docx"


def timed(step, runs: dict[str, float], name: str) -> None:
    started = time.perf_counter()
    at = step()
    runs[name] = round(time.perf_counter() - started, 3)
    if at is not None and at.exception:
        raise RuntimeError(f"{name}: {at.exception}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the timings to this file")
    args = parser.parse_args()
    from streamlit.testing.v1 import AppTest

    from ui.logic import TAB_CHECK

    runs: dict[str, float] = {}
    sha = hashlib.sha256(PDF.read_bytes()).hexdigest()
    with tempfile.TemporaryDirectory(prefix="clausier-bench-ui-") as tmp:
        os.environ["CLAUSIER_DB"] = str(Path(tmp) / "decisions.sqlite3")
        at = AppTest.from_file(str(APP), default_timeout=300)
        timed(at.run, runs, "first_page_s")
        uploader = at.file_uploader(key="uploads")
        uploader.set_value(("contrat_exemple.pdf", PDF.read_bytes(), "application/pdf"))
        timed(at.run, runs, "upload_to_verdicts_cold_s")
        uploader = at.file_uploader(key="uploads")
        uploader.set_value([("contrat_exemple.pdf", PDF.read_bytes(), "application/pdf"),
                            ("contrat_exemple.docx", DOCX.read_bytes(), "application/octet-stream")])
        timed(at.run, runs, "second_contract_warm_s")
        at.selectbox(key="shown").set_value(0)
        at.selectbox(key="profile").set_value("etablissement")
        timed(at.run, runs, "change_profile_s")
        at.selectbox(key="profile").set_value("liberal")
        at.run()
        at.session_state["tab"] = TAB_CHECK
        at.run()
        at.selectbox(key=f"oid_{sha}").set_value("G1")
        timed(at.run, runs, "open_obligation_with_page_image_s")
        suffix = f"{sha}_G1"
        at.radio(key=f"dec_status_{suffix}").set_value("present")
        at.text_area(key=f"dec_comment_{suffix}").input("benchmark")
        at.button(key=f"dec_submit_{suffix}").click()
        timed(at.run, runs, "rerun_after_override_s")
        again = AppTest.from_file(str(APP), default_timeout=300)
        again.run()
        again.file_uploader(key="uploads").set_value(("contrat_exemple.pdf", PDF.read_bytes(), "application/pdf"))
        timed(again.run, runs, "reopen_same_contract_new_session_s")
    result = {"timings": runs, "python": sys.version.split()[0], "cpus": os.cpu_count()}
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
