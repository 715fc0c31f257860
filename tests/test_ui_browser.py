"""Real-browser test of the review view: Debian chromium driven by Playwright against `streamlit run`.

Skipped when chromium (/usr/bin/chromium) or the playwright package is absent. Never downloads a
browser (no `playwright install`). Screenshots go to a temporary directory and are copied to
/tmp/ui-shots for a human to look at; timings are printed (pytest -s) and written next to them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SAMPLE_PDF = ROOT / "examples" / "contrat_exemple.pdf"
SAMPLE_DOCX = ROOT / "examples" / "contrat_exemple.docx"
SHOTS_FOR_LEAD = Path("/tmp/ui-shots")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not start")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("chromium absent (/usr/bin/chromium) : test navigateur ignoré")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("paquet playwright absent : test navigateur ignoré")
    from clausier.cli import ui_command

    db = tmp_path_factory.mktemp("ui-db") / "decisions.sqlite3"
    port = _free_port()
    env = {**os.environ, "CLAUSIER_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "PYTHONPATH": str(ROOT)}
    log = tmp_path_factory.mktemp("ui-log") / "streamlit.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(ui_command(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url, db
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")[-3000:]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _select_option(page, label: str, text: str) -> None:
    """Open a Streamlit selectbox by its label and pick the option containing ``text``."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.keyboard.type(text)
    page.locator('[role="option"]').filter(has_text=text).first.click()


def test_upload_open_obligation_highlight_override_compare(server, browser, tmp_path):
    url, db = server
    shots = tmp_path / "shots"
    shots.mkdir()
    timings: dict[str, float] = {}
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="fr-FR")
    page.set_default_timeout(30_000)

    def shot(name: str, full: bool = True) -> None:
        page.wait_for_timeout(600)  # let charts and images finish drawing
        page.screenshot(path=str(shots / f"{name}.png"), full_page=full)
        SHOTS_FOR_LEAD.mkdir(parents=True, exist_ok=True)
        shutil.copy(shots / f"{name}.png", SHOTS_FOR_LEAD / f"{name}.png")

    page.goto(url)
    page.get_by_text("Vérifier les clauses de sécurité d'un contrat").wait_for()
    shot("01_accueil", full=False)

    # Upload the sample PDF and wait for the verdicts (first run also loads the French pipeline).
    started = time.perf_counter()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(SAMPLE_PDF))
    page.get_by_text("Lacunes les plus graves").wait_for(timeout=240_000)
    timings["upload_to_verdicts_cold_s"] = round(time.perf_counter() - started, 2)
    page.locator('[data-testid="stMetric"]').filter(has_text="Couverture").first.wait_for()
    shot("02_synthese")

    # Checklist, then the detail of an obligation with a passage on a PDF page.
    page.get_by_role("tab", name="Vérification clause par clause").click()
    page.get_by_text("Obligation à examiner").first.wait_for()
    started = time.perf_counter()
    _select_option(page, "Obligation à examiner", "G1 —")
    image = page.locator('[data-testid="stImage"] img').first
    image.wait_for(state="visible")
    timings["open_obligation_s"] = round(time.perf_counter() - started, 2)
    assert page.get_by_text("passage surligné en jaune").first.is_visible()
    box = image.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    page.get_by_text("Obligation à examiner").first.scroll_into_view_if_needed()
    shot("03_preuve_pdf")

    # Override the verdict with a comment: stored, and the summary follows.
    form = page.locator('[data-testid="stForm"]').first
    form.scroll_into_view_if_needed()
    form.get_by_text("Présent", exact=False).first.click()
    form.locator("textarea").fill("Délai de 48 h accepté après négociation (test navigateur).")
    form.locator('input[type="text"]').fill("Relecteur test")
    started = time.perf_counter()
    form.get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_text("Verdict modifié").first.wait_for()
    timings["rerun_after_override_s"] = round(time.perf_counter() - started, 2)
    page.get_by_text("Verdict modifié").first.scroll_into_view_if_needed()
    shot("04_decision")

    from clausier.review import DecisionStore

    stored = DecisionStore(db).decisions(__import__("hashlib").sha256(SAMPLE_PDF.read_bytes()).hexdigest())
    assert [(d.obligation_id, d.status, d.reviewer) for d in stored] == [("G1", "present", "Relecteur test")]

    page.get_by_role("tab", name="Synthèse").click()
    page.get_by_text("dont 1 modifié(s) par le relecteur").first.wait_for()

    # A second bid (the DOCX version) and the comparison page.
    started = time.perf_counter()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(SAMPLE_DOCX))
    page.get_by_text("Contrat affiché").first.wait_for(timeout=120_000)
    timings["second_upload_warm_s"] = round(time.perf_counter() - started, 2)
    page.get_by_role("link", name="Comparaison d'offres").click()
    page.get_by_text("Obligation par obligation", exact=True).wait_for()
    assert page.get_by_text("Score pondéré").first.is_visible()
    shot("05_comparaison")

    # Back to the DOCX bid: its passage is shown as escaped text with the words marked.
    page.get_by_role("link", name="Analyse d'un contrat").click()
    _select_option(page, "Contrat affiché", "contrat_exemple.docx")
    page.get_by_role("tab", name="Vérification clause par clause").click()
    page.get_by_text("Obligation à examiner").first.wait_for()
    _select_option(page, "Obligation à examiner", "G1 —")
    mark = page.locator(".clausier-excerpt mark").first
    mark.wait_for(state="visible")
    assert "efforcera" in mark.inner_text()
    page.get_by_text("Dans le contrat", exact=True).first.scroll_into_view_if_needed()
    shot("06_preuve_docx")
    page.close()

    (shots / "timings.json").write_text(json.dumps(timings, indent=2), encoding="utf-8")
    shutil.copy(shots / "timings.json", SHOTS_FOR_LEAD / "timings.json")
    print(f"\nUI timings: {timings} ; screenshots: {SHOTS_FOR_LEAD}", file=sys.stderr)
