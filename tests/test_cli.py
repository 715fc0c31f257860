"""CLI: exit codes, batch resilience, output naming, JSON report contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clausier.cli import main
from tests import factories as fx

ROOT = Path(__file__).resolve().parents[1]


def test_cli_check_sample_pdf_text_report(capsys):
    code = main(["check", str(ROOT / "examples" / "contrat_exemple.pdf"), "--profile", "liberal",
                 "--supplier-type", "SAAS"])
    out = capsys.readouterr().out
    assert code == 1  # the sample has weak and missing clauses on purpose
    assert "Cabinet libéral" in out and "[ABSENT]" in out and "[OK]" in out


def test_cli_check_json_follows_report_contract(tmp_path):
    out = tmp_path / "r.json"
    code = main(["check", str(ROOT / "examples" / "contrat_exemple.docx"), "--format", "json", "-o", str(out)])
    assert code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    ids = [f["obligation_id"] for f in data["findings"]]
    assert len(ids) == 74 and len(set(ids)) == 74  # library 2026.2: 70 + D5, E4, H5, L4
    text = (ROOT / "examples" / "contrat_exemple.docx")
    assert text.exists()
    for f in data["findings"]:
        assert f["status"] in {"present", "weak", "missing", "not_applicable"}
        assert isinstance(f["red_flag"], bool)
        for e in f["evidence"]:
            assert {"text", "start", "end", "page", "article", "detector", "rule"} <= set(e)
        if f["status"] in ("weak", "missing"):
            assert f["model_clause"] and f["questions"] and f["sources"]
    assert data["document"]["sha256"] and data["tool"]["library_version"]


def test_cli_batch_continues_past_bad_files(tmp_path, capsys):
    good = fx.write_txt(tmp_path / "bon.txt", fx.contract_sections())
    bad = tmp_path / "mauvais.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    empty = tmp_path / "vide.docx"
    empty.write_bytes(b"")
    outdir = tmp_path / "out"
    code = main(["check", str(bad), str(good), str(empty), "--format", "json", "-o", str(outdir)])
    err = capsys.readouterr().err
    assert code == 2
    assert (outdir / "bon.txt.json").exists()
    assert not (outdir / "mauvais.pdf.json").exists()
    assert "endommagé" in err and "vide" in err and "2 fichier(s)" in err
    assert "Traceback" not in err


def test_cli_directory_input_one_report_per_file(tmp_path):
    src = tmp_path / "offres"
    src.mkdir()
    fx.write_txt(src / "a.txt", fx.contract_sections())
    fx.write_docx(src / "b.docx", fx.contract_sections())
    (src / "notes.xyz").write_text("ignored", encoding="utf-8")
    outdir = tmp_path / "rapports"
    assert main(["check", str(src), "--format", "md", "-o", str(outdir)]) == 1
    assert sorted(p.name for p in outdir.iterdir()) == ["a.txt.md", "b.docx.md"]


def test_cli_same_name_in_two_folders_and_hostile_name_do_not_collide(tmp_path):
    for folder in ("offre1", "offre2"):
        (tmp_path / folder).mkdir()
        fx.write_txt(tmp_path / folder / "contrat.txt", fx.contract_sections())
    fx.write_txt(tmp_path / "offre1" / "x\x1b[2Jy.txt", fx.contract_sections())
    outdir = tmp_path / "rapports"
    argv = ["check", str(tmp_path / "offre1" / "contrat.txt"), str(tmp_path / "offre2" / "contrat.txt"),
            str(tmp_path / "offre1" / "x\x1b[2Jy.txt"), "--format", "json", "-o", str(outdir)]
    assert main(argv) == 1
    assert sorted(p.name for p in outdir.iterdir()) == ["contrat.txt-2.json", "contrat.txt.json", "x_[2Jy.txt.json"]


@pytest.mark.parametrize("argv", [
    ["check", "x.txt", "--profile", "inconnu"],
    ["check", "x.txt", "--supplier-type", "ZZZ"],
    ["check"],
    ["frobnicate"],
])
def test_cli_usage_errors_exit_2(tmp_path, argv, capsys):
    (tmp_path / "x.txt").write_text("Article 1 : Objet\nTexte.", encoding="utf-8")
    argv = [str(tmp_path / a) if a == "x.txt" else a for a in argv]
    assert main(argv) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_cli_parse_outline(capsys):
    assert main(["parse", str(ROOT / "examples" / "contrat_exemple.pdf")]) == 0
    out = capsys.readouterr().out
    assert "Article 9 — Fin du contrat et réversibilité" in out and "Annexe 1 — Audits" in out


def test_cli_library_validate_and_list(capsys):
    assert main(["library", "validate"]) == 0
    out = capsys.readouterr().out
    assert "74 obligations" in out and "version 2026.2 (empreinte " in out
    assert main(["library", "show", "g1"]) == 0
    assert '"id": "G1"' in capsys.readouterr().out


def test_cli_library_validate_fails_on_broken_yaml(tmp_path, capsys):
    import shutil

    lib = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", lib)
    path = next(lib.glob("G_*.yaml"))
    path.write_text(path.read_text(encoding="utf-8").replace("severity: critical", "severity: urgent", 1),
                    encoding="utf-8")
    assert main(["library", "validate", str(lib)]) == 2
    err = capsys.readouterr().err
    assert path.name in err and "G1" in err and "severity" in err


# ------------------------------------------------------------------------------ exports (issue 6)
def test_cli_check_export_formats_naming_and_binary_needs_output(tmp_path, capsys):
    a = fx.write_txt(tmp_path / "a.txt", fx.contract_sections())
    b = fx.write_docx(tmp_path / "b.docx", fx.contract_sections())
    assert main(["check", str(a), "--format", "docx"]) == 2
    assert "-o" in capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["check", str(a), str(b), "--format", "docx", "-o", str(out)]) == 1
    assert main(["check", str(a), str(b), "--format", "questions", "-o", str(out)]) == 1
    assert sorted(p.name for p in out.iterdir()) == ["a.txt.questions.txt", "a.txt.revue.docx",
                                                      "b.docx.questions.txt", "b.docx.revue.docx"]
    assert b"word/comments.xml" in (out / "b.docx.revue.docx").read_bytes()  # DOCX input: annotated copy
    single = tmp_path / "rapport.html"
    assert main(["check", str(a), "--format", "html", "-o", str(single)]) == 1
    assert single.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_compare_reports_bad_files_and_still_compares(tmp_path, capsys):
    from openpyxl import load_workbook

    good = fx.write_txt(tmp_path / "offre1.txt", fx.contract_sections())
    weak = fx.write_txt(tmp_path / "offre2.txt", fx.contract_sections({"objet": "Le Prestataire fournit le service."}))
    bad = tmp_path / "offre3.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    target = tmp_path / "grille" / "matrice.xlsx"
    code = main(["compare", str(good), str(weak), str(bad), "--profile", "liberal", "-o", str(target)])
    captured = capsys.readouterr()
    assert code == 2
    assert "offre3.pdf" in captured.err and "Traceback" not in captured.err
    assert captured.out.startswith("1. offre1.txt")
    wb = load_workbook(target)
    assert wb.sheetnames == ["Synthèse", "Matrice", "offre1.txt", "offre2.txt"]
    assert any(r[1] == "offre3.pdf" for r in wb["Synthèse"].iter_rows(values_only=True))
    assert main(["compare", str(good), "-o", str(tmp_path / "m.csv")]) == 1
    assert (tmp_path / "m.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["compare", str(good), "-o", str(tmp_path / "m.pdf")]) == 2


def test_cli_check_applies_reviewer_decisions(tmp_path):
    from clausier.ingest import load_document
    from clausier.review import Decision, DecisionStore

    src = fx.write_txt(tmp_path / "c.txt", fx.contract_sections())
    db = tmp_path / "decisions.sqlite3"
    DecisionStore(db).save(Decision(load_document(src).sha256, "G1", "missing", comment="Délai refusé",
                                    reviewer="Me Durand"))
    out = tmp_path / "r.md"
    assert main(["check", str(src), "--format", "md", "--decisions", str(db), "-o", str(out)]) == 1
    text = out.read_text(encoding="utf-8")
    assert "## Décisions du relecteur" in text and "Délai refusé" in text


def test_cli_closed_output_pipe_is_not_a_crash(tmp_path):
    """`clausier parse big.txt | head -1`: no traceback when the reader stops early."""
    import subprocess
    import sys

    big = tmp_path / "long.txt"
    big.write_text("\n\n".join(f"Article {i} : Stipulation {i}\n\nLe Prestataire exécute la prestation {i}."
                                 for i in range(1, 1500)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "clausier", "parse", str(big), "--format", "json"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    proc.stdout.read(10)  # the output is far larger than a pipe buffer: the writer will hit the closed pipe
    proc.stdout.close()
    _, err = proc.communicate(timeout=300)
    assert b"Traceback" not in err, err.decode()
    assert proc.returncode == 0


# ------------------------------------------------------------------------------ issue 16
def test_cli_text_report_opens_with_conclusion_and_ends_with_summary_and_next_step(capsys):
    code = main(["check", str(ROOT / "examples" / "contrat_exemple.pdf"), "--profile", "liberal",
                 "--supplier-type", "SAAS"])
    captured = capsys.readouterr()
    lines = captured.out.rstrip().splitlines()
    assert code == 1
    top = lines.index("CONCLUSION")
    assert top <= 5 and lines[top + 1].startswith("  À ne pas signer en l'état")
    assert lines[-4] == "EN RÉSUMÉ" and lines[-1].startswith("  Prochaine étape : envoyer au fournisseur")
    assert "obligations applicables" in lines[-3]
    assert "p. 1, art. 6" in captured.out  # citations read 'p. 6, art. 10'
    assert "l'EEE" in captured.out and "l'eee" not in captured.out  # acronyms keep their case
    # Exit code 1 explained in one line, on stderr: points to review, not an error.
    note = [line for line in captured.err.splitlines() if "code de sortie 1" in line]
    assert len(note) == 1 and "à revoir" in note[0] and "pas une erreur" in note[0]


def test_cli_export_says_exit_code_1_means_points_to_review(tmp_path, capsys):
    out = tmp_path / "rapport.html"
    assert main(["check", str(ROOT / "examples" / "contrat_exemple.docx"), "--format", "html", "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-2].endswith(f"rapport écrit dans {out}")
    assert err[-1].startswith("clausier : code de sortie 1 : des points du contrat sont à revoir")


def test_cli_folder_lists_skipped_files(tmp_path, capsys):
    src = tmp_path / "offres"
    src.mkdir()
    fx.write_txt(src / "a.txt", fx.contract_sections())
    (src / "ancien.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (src / "tableau.xlsx").write_bytes(b"PK\x03\x04")
    (src / ".DS_Store").write_bytes(b"\x00")
    outdir = tmp_path / "rapports"
    assert main(["check", str(src), "--format", "json", "-o", f"{outdir}/"]) == 1
    err = capsys.readouterr().err
    assert sorted(p.name for p in outdir.iterdir()) == ["a.txt.json"]
    assert "ignoré : « ancien.doc »" in err and ".docx ou en PDF" in err
    assert "ignoré : « tableau.xlsx »" in err and ".DS_Store" not in err


def test_cli_questionnaire_short_by_default_full_on_demand(tmp_path):
    from clausier.report.questionnaire import SHORT_LIMIT

    src = ROOT / "examples" / "contrat_exemple.pdf"
    short, full = tmp_path / "q.txt", tmp_path / "q-complet.txt"
    assert main(["check", str(src), "--format", "questions", "-o", str(short)]) == 1
    assert main(["check", str(src), "--format", "questions", "--all-questions", "-o", str(full)]) == 1
    count = lambda p: len(re.findall(r"^  Question \d+ ", p.read_text(encoding="utf-8"), flags=re.MULTILINE))  # noqa: E731
    assert count(short) == SHORT_LIMIT < count(full)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has stopped


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGKILL"])
def test_cli_ui_stopping_the_command_stops_its_streamlit_child(tmp_path, sig):
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    if not Path("/proc").is_dir():
        pytest.skip("/proc absent : test Linux")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CLAUSIER_DB": str(tmp_path / "d.sqlite3"), "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-m", "clausier", "ui", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    child = None
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("l'interface n'a pas démarré")
        kids = _children(parent.pid)
        assert len(kids) == 1
        child = kids[0]
        parent.send_signal(getattr(signal, sig))
        parent.wait(timeout=20)
        deadline = time.monotonic() + 20
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(child), "Streamlit tourne encore après l'arrêt de « clausier ui »"
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
        assert b"ouvrez http://127.0.0.1:" in parent.stderr.read()
    finally:
        for pid in (parent.pid, child):
            if pid and _alive(pid):
                os.kill(pid, signal.SIGKILL)
