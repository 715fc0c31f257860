"""Real-browser test of the review view: Debian chromium driven by Playwright against `streamlit run`.

Skipped when chromium (/usr/bin/chromium) or the playwright package is absent. Never downloads a
browser (no `playwright install`). It walks a first-time user's path: a .doc refused in French, a
PDF uploaded, the conclusion read, the two most serious gaps opened, a decision recorded from a
row of the checklist (the panel must keep its obligation), two bids compared and renamed, the
short questionnaire downloaded. Screenshots go to tests/_artifacts/ (git-ignored) and /tmp/ui-shots
for a human to look at; timings are printed (pytest -s) and written next to them.
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
ARTIFACTS = ROOT / "tests" / "_artifacts"
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600  # the header of a Word 97-2003 .doc
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


def _heading(page) -> str:
    """The obligation shown in the detail panel ('G1' of '### G1 — …')."""
    h = page.locator('[data-testid="stMarkdownContainer"] h3').filter(has_text=" — ").first
    h.wait_for()
    return h.inner_text().split(" — ")[0].strip()


def _click_row(page, table, row: int) -> None:
    """Tick the row-selection box of a Streamlit dataframe (a canvas: rows are 35 px high)."""
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    assert box
    page.mouse.move(box["x"] + 60, box["y"] + 35 + 35 * row + 17)
    page.wait_for_timeout(150)
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 35 * row + 17)


def test_first_time_user_path(server, browser, tmp_path, engine, library):
    from clausier.ingest import load_document
    from clausier.report import common
    from ui import logic

    url, db = server
    shots = ARTIFACTS
    shots.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="fr-FR", accept_downloads=True)
    page.set_default_timeout(30_000)

    def shot(name: str, full: bool = True) -> None:
        page.wait_for_timeout(700)  # let charts and images finish drawing
        page.screenshot(path=str(shots / f"{name}.png"), full_page=full)
        SHOTS_FOR_LEAD.mkdir(parents=True, exist_ok=True)
        shutil.copy(shots / f"{name}.png", SHOTS_FOR_LEAD / f"{name}.png")

    # The expected order of the checklist, computed with the same engine and the sidebar defaults.
    report = engine.analyze(load_document(SAMPLE_PDF), "liberal", "SAAS")
    expected_points = [p.obligation_id for p in common.conclusion(report, library).points]
    checklist_ids = [f.obligation_id for f in logic.checklist(report)]

    page.goto(url)
    page.get_by_text("Vérifier les clauses de sécurité d'un contrat").wait_for()
    # Streamlit's English uploader strings are hidden, French ones drawn instead.
    assert not page.get_by_text("Drag and drop files here").is_visible()
    assert not page.get_by_text("Browse files", exact=True).is_visible()
    instructions = page.locator('[data-testid="stFileUploaderDropzoneInstructions"] > div').first
    before = instructions.evaluate("e => getComputedStyle(e, '::before').content")
    assert "Glissez-déposez" in before
    shot("01_accueil", full=False)

    # A .doc is accepted by the uploader, then refused with a French message; the PDF goes through
    # (the first run also loads the French pipeline: a progress bar says so).
    doc = tmp_path / "ancien contrat.doc"
    doc.write_bytes(OLE_DOC)
    started = time.perf_counter()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(doc), str(SAMPLE_PDF)])
    page.get_by_text("Conclusion", exact=True).wait_for(timeout=240_000)
    timings["upload_to_conclusion_cold_s"] = round(time.perf_counter() - started, 2)
    error = page.locator('[data-testid="stAlertContentError"]').filter(has_text="ancien contrat.doc").first
    assert ".docx" in error.inner_text() and "PDF" in error.inner_text()
    assert not page.get_by_text("not allowed").is_visible()
    caption = page.get_by_text("Dernière analyse").first.inner_text()
    assert "modèle de langue" in caption, caption  # the first analysis includes the model load
    box = page.locator(".st-key-conclusion")
    assert "À ne pas signer en l'état" in box.inner_text()
    for oid in expected_points[:2]:
        assert f"{oid} — " in box.inner_text()
    page.locator(".st-key-conclusion").scroll_into_view_if_needed()
    shot("02_synthese_conclusion")

    # The two most serious gaps, opened from the conclusion.
    for i, oid in enumerate(expected_points[:2]):
        if i:
            page.get_by_role("tab", name="Synthèse").click()
        started = time.perf_counter()
        page.locator(".st-key-conclusion").get_by_role("button", name="Ouvrir").nth(i).click()
        page.wait_for_function(
            "oid => [...document.querySelectorAll('h3')].some(h => h.innerText.startsWith(oid + ' — '))",
            arg=oid)
        timings[f"open_gap_{i + 1}_s"] = round(time.perf_counter() - started, 2)
        assert _heading(page) == oid
        if i == 1:
            page.get_by_text("Pourquoi ce verdict").first.scroll_into_view_if_needed()
            shot("03_obligation")

    # A row of the checklist, then a decision: the panel keeps that obligation (issue 16, point 1).
    row = 2
    target = checklist_ids[row]
    table = page.locator('[data-testid="stDataFrame"]').first
    _click_row(page, table, row)
    page.wait_for_function(
        "oid => [...document.querySelectorAll('h3')].some(h => h.innerText.startsWith(oid + ' — '))",
        arg=target)
    assert _heading(page) == target
    form = page.locator('[data-testid="stForm"]').first
    form.scroll_into_view_if_needed()
    form.locator('label').filter(has_text="Présent").first.click()
    form.locator("textarea").fill("Clause présente à l'annexe 3 du PAS (test navigateur).")
    form.locator('input[type="text"]').fill("Relecteur test")
    started = time.perf_counter()
    form.get_by_role("button", name="Enregistrer la décision").click()
    try:
        page.get_by_text(f"Décision enregistrée pour {target}").first.wait_for()
    except Exception:
        shot("99_echec_decision")
        raise
    page.get_by_text("Verdict modifié").first.wait_for()
    timings["rerun_after_decision_s"] = round(time.perf_counter() - started, 2)
    page.wait_for_timeout(800)
    assert _heading(page) == target, "le panneau a changé d'obligation après l'enregistrement"
    assert checklist_ids.index(target) == row  # and the row now holds another obligation (re-sorted)
    page.get_by_text("Verdict modifié").first.scroll_into_view_if_needed()
    shot("04_decision")

    from clausier.review import DecisionStore

    stored = DecisionStore(db).decisions(__import__("hashlib").sha256(SAMPLE_PDF.read_bytes()).hexdigest())
    assert [(d.obligation_id, d.status, d.reviewer) for d in stored] == [(target, "present", "Relecteur test")]
    page.get_by_role("tab", name="Synthèse").click()
    page.get_by_text("dont 1 modifié par le relecteur").first.wait_for()

    # A second bid (the DOCX version): compared, named after the vendor, renamed.
    started = time.perf_counter()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(SAMPLE_DOCX))
    page.get_by_text("Contrat affiché").first.wait_for(timeout=120_000)
    timings["second_upload_warm_s"] = round(time.perf_counter() - started, 2)
    page.get_by_role("link", name="Comparaison d'offres").click()
    page.get_by_text("Obligation par obligation", exact=True).wait_for()
    names = page.locator('[data-testid="stMainBlockContainer"] [data-testid="stTextInput"] input')
    assert [names.nth(i).input_value() for i in range(2)] == ["Exemple Santé Logiciels"] * 2
    names.nth(1).fill("Offre B (Word)")
    names.nth(1).press("Enter")
    page.get_by_text("Offre B (Word)").first.wait_for()
    page.wait_for_timeout(1500)
    main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    ranking = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()
    assert main and ranking and chart
    assert ranking["width"] > 0.9 * (main["width"] - 200) and chart["width"] > 0.9 * (main["width"] - 200)
    assert ranking["x"] + ranking["width"] <= main["x"] + main["width"] + 1  # nothing clipped
    assert chart["height"] >= 2 * 40
    page.get_by_text("Classement", exact=True).first.scroll_into_view_if_needed()
    shot("05_comparaison")

    # Back to the PDF: download the short questionnaire and read it.
    page.get_by_role("link", name="Analyse d'un contrat").click()
    page.get_by_role("tab", name="Exporter").click()
    button = page.get_by_role("button", name="Questionnaire fournisseur, les questions les plus importantes (texte)")
    with page.expect_download() as info:
        button.click()
    path = tmp_path / "questions.txt"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    import re

    asked = re.findall(r"^  Question (\d+) ", text, flags=re.MULTILINE)
    assert 0 < len(asked) <= 15 and text.startswith("Objet : ")
    assert "1. Points essentiels" in text
    shot("06_exporter", full=False)
    view = browser.new_page(viewport={"width": 1100, "height": 1400})
    view.set_content("<pre style='white-space:pre-wrap;font:14px/1.45 DejaVu Sans, sans-serif;margin:24px'>"
                     + __import__("html").escape(text) + "</pre>")
    view.screenshot(path=str(shots / "07_questionnaire.png"), full_page=False)
    shutil.copy(shots / "07_questionnaire.png", SHOTS_FOR_LEAD / "07_questionnaire.png")
    view.close()
    page.close()

    (shots / "timings.json").write_text(json.dumps(timings, indent=2), encoding="utf-8")
    shutil.copy(shots / "timings.json", SHOTS_FOR_LEAD / "timings.json")
    print(f"\nUI timings: {timings} ; screenshots: {shots}", file=sys.stderr)
