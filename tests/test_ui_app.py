"""The Streamlit review view: pure helpers (ui/logic.py) and the app driven by AppTest.

AppTest runs ui/app.py in this process; its st.file_uploader support is used directly (1.67), and
the bundled sample can also be picked from the sidebar. The French pipeline loaded by conftest is
handed to the app (Engine.create patched) so it is loaded once for the whole test session.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest

from tests.factories import CLAUSES, as_text, contract_sections

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "ui" / "app.py"
SAMPLE_PDF = ROOT / "examples" / "contrat_exemple.pdf"
TIMEOUT = 180

WEAK_CLAUSES = {
    "breach": "Le Prestataire s'efforcera d'informer le Client dans les meilleurs délais de toute violation "
              "de données à caractère personnel.",
    "hds": "Les données sont hébergées par le Prestataire.",
}


def _txt(sections: list[tuple[str, str]]) -> bytes:
    return as_text(sections).encode("utf-8")


GOOD = _txt(contract_sections())
WEAK = _txt(contract_sections(WEAK_CLAUSES))


@pytest.fixture()
def app_env(engine, tmp_path, monkeypatch):
    """A fresh decision DB per test; the app reuses the session's engine instead of loading its own."""
    from clausier.engine.analyze import Engine

    monkeypatch.setenv("CLAUSIER_DB", str(tmp_path / "decisions.sqlite3"))
    monkeypatch.setattr(Engine, "create", classmethod(lambda cls, *a, **k: engine))
    return tmp_path / "decisions.sqlite3"


def _app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def _upload(at, files: list[tuple[str, bytes]]):
    at.file_uploader(key="uploads").set_value([(name, data, "application/octet-stream") for name, data in files])
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [i.value for i in at.info] + [e.value for e in at.error] + [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


# ------------------------------------------------------------------------------------ pure helpers
def test_highlight_escapes_contract_markup():
    from ui.logic import highlight_html

    text = "Préambule <script>alert('x')</script> & <b>gras</b>. Le Prestataire notifie toute violation sous 24 h. Fin."
    start = text.index("Le Prestataire")
    end = text.index(" Fin")
    out = highlight_html(text, start, end, [(start, end)], context=200)
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;" in out and "&amp;" in out
    assert out.count("<mark>") == 1
    assert "<mark>Le Prestataire notifie toute violation sous 24 h.</mark>" in out


def test_highlight_clips_and_merges_marks():
    from ui.logic import highlight_html

    text = "x" * 300 + "\n" + "a" * 50 + " bbb ccc " + "d" * 300
    s = text.index("bbb")
    out = highlight_html(text, s, s + 7, [(s, s + 3), (s + 2, s + 7), (-10, 2), (len(text) - 3, len(text) + 9)],
                         context=5)
    assert out.count("<mark>") == 1 and "<mark>bbb ccc</mark>" in out
    assert out.startswith("… " + "a" * 50)  # snapped to the start of the line, marks outside dropped
    assert out.endswith(" …") and "x" not in out


def test_summary_checklist_and_overrides(engine, library):
    from clausier.ingest import load_bytes
    from clausier.review import Decision, apply_overrides
    from ui import logic

    report = engine.analyze(load_bytes(WEAK, "faible.txt"), "etablissement", "SAAS")
    base = logic.summary(report)
    missing = next(f for f in logic.applicable(report) if f.status == "missing")
    reviewed = apply_overrides(report, [Decision("x", missing.obligation_id, "present", "vu en annexe", "Alice")])
    after = logic.summary(reviewed)
    assert after["present"] == base["present"] + 1 and after["missing"] == base["missing"] - 1
    assert after["overridden"] == 1 and after["reviewed"] == 1
    rows = logic.checklist_rows(reviewed, library, logic.checklist(reviewed))
    row = next(r for r in rows if r["Réf."] == missing.obligation_id)
    assert row["Verdict"].endswith("Présent") and row["Relecture"].startswith("modifié")
    only_missing = logic.checklist(reviewed, logic.Filters(statuses=("missing",)))
    assert missing not in only_missing and all(f.status == "missing" for f in only_missing)
    order = logic.ordered(report)
    assert [logic.STATUS_ORDER[f.status] for f in order] == sorted(logic.STATUS_ORDER[f.status] for f in order)
    gaps = logic.serious_gaps(report)
    assert gaps and all(f.status != "present" for f in gaps)


def test_weighted_score_and_comparison(engine, library):
    from clausier.ingest import load_bytes
    from ui import logic

    good = logic.Analysis("a.txt", "1", engine.analyze(load_bytes(GOOD, "a.txt"), "liberal", "SAAS"))
    weak = logic.Analysis("a.txt", "2", engine.analyze(load_bytes(WEAK, "a.txt"), "liberal", "SAAS"))
    report = good.report
    weights, values = {"critical": 3, "major": 2, "minor": 1}, {"present": 1.0, "weak": 0.5, "missing": 0.0}
    num = sum(weights[f.severity] * max(values[f.status] - (0.5 if f.red_flag else 0), 0) for f in logic.applicable(report))
    den = sum(weights[f.severity] for f in logic.applicable(report))
    assert abs(logic.weighted_score(report) - num / den) < 0.001
    assert logic.weighted_score(good.report) > logic.weighted_score(weak.report)
    assert logic.bidder_names([good, weak]) == ["a.txt", "a.txt (2)"]
    scores = logic.score_rows([weak, good])
    assert scores[0]["Offre"] == "a.txt (2)"  # the compliant bid ranks first
    rows = logic.compare_rows([good, weak], library)
    assert {"Réf.", "Obligation", "Sévérité", "a.txt", "a.txt (2)"} <= set(rows[0])
    g1 = next(r for r in rows if r["Réf."] == "G1")
    assert "24 h" in g1["a.txt"]
    csv_bytes = logic.to_csv(rows)
    assert csv_bytes.startswith(b"\xef\xbb\xbf") and b";" in csv_bytes.splitlines()[0]
    xlsx = logic.to_xlsx({"Classement": scores, "Grille": rows})
    assert xlsx[:2] == b"PK"


def test_spreadsheet_formulas_are_neutralised():
    from ui.logic import to_csv

    out = to_csv([{"Offre": "=HYPERLINK(\"http://x\")", "Score": 1}]).decode("utf-8-sig")
    assert "'=HYPERLINK" in out


def test_pdf_page_boxes_and_render(engine):
    from clausier.ingest import load_document
    from ui import logic
    from ui.highlight import render_page_png

    doc = load_document(SAMPLE_PDF)
    report = engine.analyze(doc, "liberal", "SAAS")
    g1 = next(f for f in report.findings if f.obligation_id == "G1")
    ev = logic.pick_evidence(g1)[0]
    boxes = logic.page_boxes(doc, ev)
    assert ev.page in boxes
    sentence, match = boxes[ev.page]
    assert sentence and match and len(sentence) <= len(doc.boxes(ev.start, ev.end))
    png = render_page_png(SAMPLE_PDF.read_bytes(), ev.page, sentence, match, zoom=True)
    assert png.startswith(b"\x89PNG")


def test_exports_fallback_and_formats(engine, library):
    from clausier.ingest import load_bytes
    from ui import exporting

    report = engine.analyze(load_bytes(GOOD, "a.txt"), "liberal", "SAAS")
    items = exporting.available(report, library)
    fmts = {i.fmt for i in items}
    assert {"json", "md"} <= fmts
    for item in items:
        data = item.make()
        assert isinstance(data, bytes) and data
        assert item.file_name.startswith("a.txt")
    if exporting.exports_module() is not None:
        assert {"html", "docx", "questions-docx", "xlsx"} <= fmts
        assert exporting.comparison_xlsx([report, report], library)[:2] == b"PK"


def test_launch_command_and_config_are_local_and_silent():
    from clausier.cli import ui_command

    cmd = ui_command(8765)
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"
    assert cmd[cmd.index("--server.headless") + 1] == "true"
    for path in (ROOT / "ui" / ".streamlit" / "config.toml", ROOT / ".streamlit" / "config.toml"):
        config = tomllib.loads(path.read_text(encoding="utf-8"))
        assert config["browser"]["gatherUsageStats"] is False
        assert config["server"]["address"] == "127.0.0.1"
        assert config["server"]["maxUploadSize"] == 50
        assert config["server"]["fileWatcherType"] == "none"


# ------------------------------------------------------------------------------------ the app
def test_welcome_then_upload_and_change_profile(app_env):
    from ui.logic import TAB_EXPORT

    at = _app()
    assert "Pour commencer" in _texts(at)
    at = _upload(at, [("offre.txt", GOOD)])
    assert [m.label for m in at.metric][:4] == ["Couverture", "Présentes", "Faibles", "Absentes"]
    assert "Cabinet libéral" in _texts(at)
    at.selectbox(key="profile").set_value("etablissement").run()
    assert not at.exception
    assert "Établissement de santé" in _texts(at)
    assert at.selectbox(key="supplier_etablissement").value == "SAAS"
    at.selectbox(key="supplier_etablissement").set_value("HEB").run()
    assert "HEB — " in _texts(at)
    at.selectbox(key="profile").set_value("full").run()
    assert not at.exception
    assert at.selectbox(key="supplier_full").value is None and "Tous les types" in _texts(at)
    at.session_state["tab"] = TAB_EXPORT
    at.run()
    labels = [b.label for b in at.get("download_button")]
    assert any("JSON" in label for label in labels) and any("Markdown" in label for label in labels)


def test_bad_file_shows_french_error_and_others_go_through(app_env):
    at = _upload(_app(), [("vide.pdf", b"%PDF-1.7\n%%EOF garbage"), ("offre.txt", GOOD),
                          ("image.docx", b"\x00\x01\x02binary\x00")])
    errors = [e.value for e in at.error]
    assert len(errors) == 2, errors
    assert any("vide.pdf" in e for e in errors) and any("image.docx" in e for e in errors)
    assert all("n'a pas été analysé" in e for e in errors)
    assert "offre.txt" in _texts(at) and at.metric  # the good file was analysed


def test_sample_pdf_evidence_image(app_env):
    from ui.logic import TAB_CHECK

    at = _app()
    at.multiselect(key="samples").set_value(["contrat_exemple.pdf"]).run()
    assert not at.exception
    sha = hashlib.sha256(SAMPLE_PDF.read_bytes()).hexdigest()
    at.session_state["tab"] = TAB_CHECK
    at.run()
    at.selectbox(key=f"oid_{sha}").set_value("G1").run()
    assert not at.exception
    assert len(at.image) >= 1  # the page band with the passage highlighted
    assert any("Clause à proposer" in m.value for m in at.markdown)
    assert any("Questions à poser" in m.value for m in at.markdown)


def test_override_persists_across_sessions(app_env):
    from clausier.review import DecisionStore
    from ui.logic import TAB_CHECK

    sha = hashlib.sha256(WEAK).hexdigest()
    at = _upload(_app(), [("offre-faible.txt", WEAK)])
    at.session_state["tab"] = TAB_CHECK
    at.run()
    at.selectbox(key=f"oid_{sha}").set_value("G1").run()
    suffix = f"{sha}_G1"
    engine_status = at.radio(key=f"dec_status_{suffix}").value
    assert engine_status in ("weak", "missing")
    at.radio(key=f"dec_status_{suffix}").set_value("present")
    at.text_area(key=f"dec_comment_{suffix}").input("Délai de 24 h prévu au PAS, annexe 2.")
    at.text_input(key=f"dec_reviewer_{suffix}").input("Alice Martin")
    at.button(key=f"dec_submit_{suffix}").click().run()
    assert not at.exception
    stored = DecisionStore(app_env).decisions(sha)
    assert [(d.obligation_id, d.status, d.reviewer, d.engine_status) for d in stored] == [
        ("G1", "present", "Alice Martin", engine_status)]

    # A new session (new AppTest, nothing in session state) opening the same contract.
    again = _upload(_app(), [("offre-faible-copie.txt", WEAK)])
    assert "dont 1 modifié par le relecteur" in _texts(again)
    again.session_state["tab"] = TAB_CHECK
    again.run()
    again.selectbox(key=f"oid_{sha}").set_value("G1").run()
    text = _texts(again)
    assert "Verdict **modifié** par Alice Martin" in text and "Délai de 24 h prévu au PAS" in text
    excerpt = next(m.value for m in again.markdown if "clausier-excerpt" in m.value)
    assert "<mark>" in excerpt and "s&#x27;efforcera" in excerpt  # text contract: escaped passage, marked
    assert again.radio(key=f"dec_status_{suffix}").value == "present"

    # Withdraw the decision: the engine verdict is back.
    again.button(key=f"clear_{sha}_G1").click().run()
    assert DecisionStore(app_env).decisions(sha) == []


VENDOR_PREAMBLE = ("Préambule", "Entre le Cabinet des Lilas, ci-après « le Client », et la société Alpha Santé "
                   "Logiciels SAS, au capital de 10 000 euros, ci-après « le Prestataire ».")


def test_compare_two_bids_named_after_vendor_or_file_and_renamed(app_env):
    import json

    named = _txt([VENDOR_PREAMBLE, *contract_sections()])
    at = _upload(_app(), [("offre-A.txt", named), ("offre-B.txt", WEAK)])
    assert at.selectbox(key="shown") is not None
    at.switch_page("views/compare.py").run()
    assert not at.exception
    assert "Classement" in [s.value for s in at.subheader]
    sha_a, sha_b = hashlib.sha256(named).hexdigest(), hashlib.sha256(WEAK).hexdigest()
    # Default names: the vendor introduced by the contract, else the file name without extension.
    assert at.text_input(key=f"bidname_{sha_a}").value == "Alpha Santé Logiciels"
    assert at.text_input(key=f"bidname_{sha_b}").value == "offre-B"
    scores = at.dataframe[0].value
    assert list(scores["Offre"]) == ["Alpha Santé Logiciels", "offre-B"]
    assert scores["Score pondéré"].iloc[0] > scores["Score pondéré"].iloc[1]
    matrix = at.dataframe[1]
    assert {"Réf.", "Obligation", "Alpha Santé Logiciels", "offre-B"} <= set(matrix.value.columns)
    # The obligation columns are frozen (pinned) while the bids scroll horizontally.
    config = json.loads(matrix.proto.columns)
    assert config["Réf."]["pinned"] is True and config["Obligation"]["pinned"] is True
    at.toggle(key="cmp_diff").set_value(True).run()
    fewer = at.dataframe[1].value
    assert 0 < len(fewer) < len(matrix.value)

    # Renamed by the reviewer: the table, the matrix and the kept name follow (also after a page change).
    at.text_input(key=f"bidname_{sha_b}").input("Offre Bêta").run()
    assert list(at.dataframe[0].value["Offre"]) == ["Alpha Santé Logiciels", "Offre Bêta"]
    assert "Offre Bêta" in at.dataframe[1].value.columns
    at.switch_page("views/review.py").run()
    at.switch_page("views/compare.py").run()
    assert at.text_input(key=f"bidname_{sha_b}").value == "Offre Bêta"


def test_vendor_name_heuristics():
    from ui.logic import vendor_name

    assert vendor_name("Entre la société Alpha Santé SAS, ci-après « le Prestataire », et le Client.") == "Alpha Santé"
    assert vendor_name("Le Client et BetaSoft SARL, au capital de 1 000 €, ci-après dénommée « le Fournisseur ».") \
        == "BetaSoft"
    assert vendor_name("Les présentes lient le client et la société FirstCloud-Hosting SAS immatriculée à Lyon.") \
        == "FirstCloud-Hosting"
    assert vendor_name("Article 1 : Objet. Le Prestataire fournit un logiciel.") is None


def test_compare_needs_two_bids(app_env):
    at = _upload(_app(), [("offre-A.txt", GOOD)])
    at.switch_page("views/compare.py").run()
    assert any("au moins deux offres" in i.value for i in at.info)


def test_clauses_text_sanity():
    assert "24" in CLAUSES["breach"]  # the comparison test relies on the 24 h figure of the good bid


def test_file_names_and_contract_text_never_become_markdown_links(app_env):
    hostile = contract_sections({"Article 9 : [clic](javascript:alert(1))": "Le Prestataire **notifie** <b>x</b>."})
    at = _upload(_app(), [("[offre](javascript:alert(1)).txt", _txt(hostile)),
                          ("[x](http://evil.invalid).pdf", b"%PDF-1.7\n%%EOF garbage")])
    shown = "\n".join([t.value for t in at.title] + [e.value for e in at.error])
    assert "\\[offre\\]\\(javascript" in shown and "\\[x\\]\\(http" in shown
    assert "[offre](javascript" not in shown and "[x](http" not in shown


# ------------------------------------------------------------------------------------ issue 16
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600  # the header of a Word 97-2003 .doc


def test_conclusion_on_top_and_its_points_open_their_detail(app_env, library):
    from clausier.report import common
    from ui.logic import TAB_CHECK

    at = _upload(_app(), [("offre-faible.txt", WEAK)])
    sha = hashlib.sha256(WEAK).hexdigest()
    first = [m.value for m in at.main.markdown][:2]
    assert first[0] == "#### Conclusion" and ("signer" in first[1] or "compléter" in first[1]), first
    texts = _texts(at)
    assert "Le plus grave" in texts and "À demander d'abord au fournisseur" in texts and "Prochaine étape" in texts
    # The points are the most urgent ones, in the order of the shared priority.
    report = at.session_state["_ctx"].analyses[0].report
    todo = [f.obligation_id for f in common.prioritised(report)]
    points = common.conclusion(report, library).points
    assert len(points) >= 2 and points[0].obligation_id == todo[0]
    assert [todo.index(p.obligation_id) for p in points] == sorted(todo.index(p.obligation_id) for p in points)
    # 'Ouvrir' on the second point: the check tab, on that obligation.
    second = points[1].obligation_id
    at.button(key=f"open_{sha}_{second}").click().run()
    assert not at.exception
    assert at.session_state["tab"] == TAB_CHECK
    assert at.selectbox(key=f"oid_{sha}").value == second
    assert any(m.value.startswith(f"### {second} — ") for m in at.markdown)


def test_weak_verdict_first_reason_is_the_missing_element(app_env):
    from ui.logic import TAB_CHECK

    at = _upload(_app(), [("offre-faible.txt", WEAK)])
    sha = hashlib.sha256(WEAK).hexdigest()
    at.session_state["tab"] = TAB_CHECK
    at.run()
    report = at.session_state["_ctx"].analyses[0].report
    weak = [f for f in report.findings if f.status == "weak"]
    assert weak
    for f in weak[:6]:
        at.selectbox(key=f"oid_{sha}").set_value(f.obligation_id).run()
        md_values = [m.value for m in at.markdown]
        start = md_values.index("#### Pourquoi ce verdict")
        first_reason = md_values[start + 1]
        assert first_reason.startswith("- ") and "conforme" not in first_reason, (f.obligation_id, first_reason)


def test_saving_a_decision_keeps_the_obligation_shown(app_env):
    from clausier.review import DecisionStore
    from ui.logic import TAB_CHECK

    at = _upload(_app(), [("offre-faible.txt", WEAK)])
    sha = hashlib.sha256(WEAK).hexdigest()
    at.session_state["tab"] = TAB_CHECK
    at.run()
    options = at.selectbox(key=f"oid_{sha}").options
    target = at.session_state["_ctx"].analyses[0].report.findings
    # A missing critical obligation: marking it present moves it to the bottom of the checklist.
    oid = next(f.obligation_id for f in target if f.status == "missing" and f.severity == "critical")
    at.selectbox(key=f"oid_{sha}").set_value(oid).run()
    suffix = f"{sha}_{oid}"
    at.radio(key=f"dec_status_{suffix}").set_value("present")
    at.button(key=f"dec_submit_{suffix}").click().run()
    assert not at.exception
    assert [d.obligation_id for d in DecisionStore(app_env).decisions(sha)] == [oid]
    assert at.selectbox(key=f"oid_{sha}").value == oid
    assert any(m.value.startswith(f"### {oid} — ") for m in at.markdown)
    # The choices did not move under the reviewer (only the status icon of the decided one changed).
    assert [o[2:] for o in at.selectbox(key=f"oid_{sha}").options] == [o[2:] for o in options]
    assert "Verdict **modifié**" in _texts(at)


def test_doc_upload_is_accepted_then_refused_in_french(app_env):
    at = _upload(_app(), [("ancien contrat.doc", OLE_DOC), ("offre.txt", GOOD)])
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "ancien contrat.doc" in errors[0]
    assert ".docx" in errors[0] and "PDF" in errors[0] and "n'a pas été analysé" in errors[0]
    assert at.metric  # the other file went through


def test_streamlit_english_strings_are_replaced(app_env):
    at = _app()
    style = next(m.value for m in at.sidebar.markdown if m.value.startswith("<style"))
    assert "Glissez-déposez vos contrats ici" in style and "50 Mo au plus" in style and "Parcourir" in style
    assert "stFileUploaderDropzoneInstructions" in style and "InputInstructions" in style
    assert at.sidebar.get("file_uploader")[0].proto.type == []  # every file accepted, refused in French if need be


def test_first_analysis_time_includes_the_model_load(app_env, engine, monkeypatch):
    import time as _time

    from clausier.engine.analyze import Engine
    from ui import state

    def slow_create(cls, *a, **k):
        _time.sleep(0.8)
        return engine

    monkeypatch.setattr(Engine, "create", classmethod(slow_create))
    state.get_engine.clear()
    state._ENGINE_LOADED.clear()
    try:
        at = _upload(_app(), [("offre.txt", GOOD)])
        caption = next(c.value for c in at.caption if c.value.startswith("Dernière analyse"))
        assert "pour charger le modèle de langue" in caption
        total = float(caption.split(" : ")[1].split(" s")[0].replace(",", "."))
        load = float(caption.split("dont ")[1].split(" s")[0].replace(",", "."))
        assert load >= 0.8 and total >= load
        # A second contract: the model is loaded, the time is the analysis alone.
        fresh = WEAK + b"\n\nAnnexe 9 : test du temps d'analyse.\n"  # new content: really analysed, not cached
        at = _upload(at, [("offre.txt", GOOD), ("offre-neuve.txt", fresh)])
        captions = [c.value for c in at.caption]
        caption = next((c for c in captions if c.startswith("Dernière analyse")), None)
        assert caption, captions
        assert "modèle" not in caption
    finally:
        state.get_engine.clear()
        state._ENGINE_LOADED.clear()


def test_questionnaire_download_short_by_default_full_on_demand(app_env, library):
    from clausier.report.questionnaire import SHORT_LIMIT
    from ui.logic import TAB_EXPORT

    at = _upload(_app(), [("offre-faible.txt", WEAK)])
    sha = hashlib.sha256(WEAK).hexdigest()
    at.session_state["tab"] = TAB_EXPORT
    at.run()
    labels = [b.label for b in at.get("download_button")]
    assert labels[0].startswith("Questionnaire fournisseur") and "les plus importantes" in labels[0]
    toggle = at.toggle(key=f"all_q_{sha}")
    assert toggle.value is False and f"les {SHORT_LIMIT} plus importantes" in toggle.label
    toggle.set_value(True).run()
    labels = [b.label for b in at.get("download_button")]
    assert "toutes les questions" in labels[0]
