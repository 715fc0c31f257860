"""Robustness and security: hostile inputs, hostile names and text, no network, no leftovers,
reviewer decisions kept consistent under concurrency and when a process is killed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from clausier.errors import InputDocumentError
from clausier.ingest import Limits, load_bytes, load_document, safe_display_name
from clausier.ingest.pdf import ocr_resolution
from clausier.review import Decision, DecisionStore
from tests import factories as fx

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD_S = 120  # not a speed target: a file that takes longer than this is a hang


@contextmanager
def hang_guard(seconds: int = HANG_GUARD_S):
    """Fail (instead of blocking CI) if the body does not return in time."""

    def _raise(signum, frame):  # pragma: no cover - only on a hang
        raise TimeoutError(f"pas de réponse après {seconds} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# --- hostile files beyond the basic ones of test_ingest -------------------------------------------

def test_security_pdf_with_thousands_of_pages_is_refused(tmp_path):
    path = fx.many_pages_pdf(tmp_path / "pages.pdf", pages=3000)
    with hang_guard(), pytest.raises(InputDocumentError) as exc:
        load_document(path)
    assert exc.value.code == "D004" and "3000 pages" in exc.value.message and "--max-pages" in exc.value.message


def test_security_pdf_with_huge_page_is_refused(tmp_path):
    path = fx.huge_page_pdf(tmp_path / "huge.pdf")
    with hang_guard(), pytest.raises(InputDocumentError) as exc:
        load_document(path)
    assert exc.value.code == "D010" and "dimensions" in exc.value.message


def test_security_ocr_resolution_bounded_for_large_pages():
    a4 = ocr_resolution(595, 842, 40_000_000)
    assert a4 == 300
    giant = ocr_resolution(14000, 14000, 40_000_000)
    assert giant < 40
    pixels = (14000 / 72 * giant) * (14000 / 72 * giant)
    assert pixels <= 40_000_000 * 1.01


def test_security_text_limit_stops_reading_early(tmp_path):
    sections = fx.contract_sections() * 6
    path = fx.write_pdf(tmp_path / "long.pdf", sections)
    with pytest.raises(InputDocumentError) as exc:
        load_document(path, Limits(max_chars=2000))
    assert exc.value.code == "D004" and "trop de texte" in exc.value.message


def test_security_time_budget_is_enforced(tmp_path):
    path = fx.write_pdf(tmp_path / "slow.pdf", fx.contract_sections() * 4)
    with pytest.raises(InputDocumentError) as exc:
        load_document(path, Limits(max_parse_seconds=0.0))
    assert exc.value.code == "D013" and "limite de temps" in exc.value.message


def test_security_docx_external_relationship_is_not_followed(tmp_path, monkeypatch):
    path = fx.external_link_docx(tmp_path / "ext.docx", fx.contract_sections())
    with no_network(monkeypatch) as attempts:
        doc = load_document(path)
    assert attempts == []
    assert any("liens externes" in w for w in doc.warnings)
    assert "Article" in doc.text


@pytest.mark.parametrize("raw, expected", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\contrat.docx", "contrat.docx"),
    ("contrat\x1b[31m.txt", "contrat_[31m.txt"),
    ("facture\u202etxt.pdf", "facture_txt.pdf"),
    ("\n\r", "document"),
])
def test_security_hostile_file_names_are_neutralised(raw, expected):
    assert safe_display_name(raw) == expected
    doc = load_bytes("Article 1 : Objet\n\nLe contrat a pour objet la maintenance.".encode(), raw)
    assert doc.source_name == expected


def test_security_injected_markup_and_escapes_are_inert(engine, tmp_path):
    from clausier.report import render

    hostile = ("Le Prestataire notifie toute violation <script>alert('x')</script> sous 24 heures "
               "[clic](javascript:alert(1)) \x1b[2J\x1b[31mROUGE\x07 =HYPERLINK(\"http://x\")")
    path = fx.write_txt(tmp_path / "inj.txt", fx.contract_sections(extra={"Article 9 : Divers": hostile}))
    report = engine.analyze_file(path, "full", None)
    text = render.to_text(report, engine.library)
    md = render.to_markdown(report, engine.library)
    assert "\x1b" not in text and "\x07" not in text and "\x1b" not in md
    assert "<script>" not in md and "](javascript:" not in md
    data = json.loads(render.to_json(report, engine.library))
    assert "\x1b" not in json.dumps(data, ensure_ascii=False)


# --- fuzzing of the readers (bounded by the hypothesis profile of conftest) -----------------------

_SEEDS: dict[str, bytes] = {}


def _seed(kind: str) -> bytes:
    if kind not in _SEEDS:
        if kind == "pdf":
            _SEEDS[kind] = fx.pdf_bytes(fx.contract_sections())
        else:
            import io

            import docx

            d = docx.Document()
            d.add_paragraph("Article 1 : Objet")
            d.add_paragraph("Le Prestataire notifie toute violation sous 24 heures.")
            buf = io.BytesIO()
            d.save(buf)
            _SEEDS[kind] = buf.getvalue()
    return _SEEDS[kind]


@example(kind="docx", cut=1.0, flips=[(0.25, 0)])  # found by this fuzzer: bad CRC in word/styles.xml
@given(kind=st.sampled_from(["pdf", "docx"]), cut=st.floats(0.0, 1.0),
       flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8))
def test_security_fuzz_mutated_files_never_crash(kind, cut, flips):
    data = bytearray(_seed(kind))
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    data = bytes(data[: max(1, int(len(data) * (0.5 + cut / 2)))])
    with hang_guard(60):
        try:
            doc = load_bytes(data, f"fuzz.{kind}")
        except InputDocumentError as exc:
            assert exc.code.startswith("D") and exc.message
        else:
            assert doc.text.strip()


@given(data=st.binary(max_size=4096), name=st.text(max_size=30))
def test_security_fuzz_random_bytes_never_crash(data, name):
    try:
        load_bytes(data, name or "x")
    except InputDocumentError as exc:
        assert exc.message


# --- no network, no leftovers ---------------------------------------------------------------------

@contextmanager
def no_network(monkeypatch):
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args)[:80])
        raise OSError("réseau interdit pendant les tests de clausier")

    class NoSocket(socket.socket):
        def connect(self, *args, **kwargs):
            refuse(*args)

        def connect_ex(self, *args, **kwargs):
            refuse(*args)

    with monkeypatch.context() as m:
        m.setattr(socket, "socket", NoSocket)
        m.setattr(socket, "create_connection", refuse)
        m.setattr(socket, "getaddrinfo", refuse)
        yield attempts


def test_security_analysis_opens_no_socket_in_process(engine, tmp_path, monkeypatch):
    pdf = fx.write_pdf(tmp_path / "c.pdf", fx.contract_sections())
    with no_network(monkeypatch) as attempts:
        report = engine.analyze_file(pdf, "etablissement", "SAAS")
    assert report.findings and attempts == []


_GUARD = textwrap.dedent("""
    import socket, sys
    def _refuse(*a, **k):
        sys.stderr.write("SOCKET-ATTEMPT %r\\n" % (a[:2],))
        raise OSError("network disabled")
    # Creating a socket is not traffic (urllib3, imported by spaCy, probes IPv6 support by binding
    # one to ::1); what would reach a network is connect/sendto, name resolution, or a bind off loopback.
    class _S(socket.socket):
        def connect(self, *a, **k): _refuse(*a)
        def connect_ex(self, *a, **k): _refuse(*a)
        def sendto(self, *a, **k): _refuse(*a)
        def bind(self, address, *a, **k):
            if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost", ""):
                _refuse(address)
            return super().bind(address, *a, **k)
    socket.socket = _S
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse
    from clausier.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def test_security_cli_whole_run_opens_no_socket_and_leaves_no_temp_files(tmp_path):
    """The whole process (imports, model load, OCR if present, analysis) with sockets trapped."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    docs = tmp_path / "in"
    docs.mkdir()
    fx.write_docx(docs / "a.docx", fx.contract_sections())
    fx.write_image_pdf(docs / "scan.pdf", "Article 1 : Objet du contrat\nLe Prestataire notifie sous 24 heures.")
    (docs / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    env = {**os.environ, "TMPDIR": str(tmpdir), "CLAUSIER_DB": str(tmp_path / "db.sqlite3")}
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", _GUARD, "check", str(docs), "--format", "json", "-o", str(out)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert "SOCKET-" not in proc.stderr, proc.stderr
    assert proc.returncode == 2  # one bad file in the batch...
    assert (out / "a.docx.json").is_file()  # ...the others reported
    from clausier.ingest.pdf import tesseract_available

    if tesseract_available():
        assert (out / "scan.pdf.json").is_file()
    else:
        assert "scan.pdf" in proc.stderr
    assert "bad.pdf" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmpdir.iterdir()) == []
    assert not (tmp_path / "db.sqlite3").exists()  # nothing persisted without a reviewer decision


# --- reviewer decisions: concurrency and kill -----------------------------------------------------

_WRITER = textwrap.dedent("""
    import sys
    from clausier.review import Decision, DecisionStore
    db, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = DecisionStore(db)
    i = 0
    while n < 0 or i < n:
        store.save(Decision("f" * 64, "%s%d" % (who, i % 50), ("present", "weak", "missing")[i % 3],
                            comment="%s-%d" % (who, i), reviewer=who))
        i += 1
        if i == 5:
            print("started", flush=True)
""")


def test_security_concurrent_sessions_keep_every_decision(tmp_path):
    db = tmp_path / "d.sqlite3"
    DecisionStore(db)
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(db), who, "120"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for who in ("A", "B")]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    store = DecisionStore(db)
    assert store.integrity_ok()
    decisions = store.decisions("f" * 64)
    assert len(decisions) == 100  # 50 obligations per writer, last write wins per key
    log = store.history("f" * 64)
    assert len(log) == 240
    for d in decisions:  # the kept decision is the last one each writer logged for that key
        last = [e for e in log if e["obligation_id"] == d.obligation_id][-1]
        assert (last["status"], last["comment"]) == (d.status, d.comment)


def test_security_killed_writer_leaves_database_consistent(tmp_path):
    db = tmp_path / "d.sqlite3"
    store = DecisionStore(db)
    store.save(Decision("f" * 64, "KEEP", "weak", comment="avant", reviewer="R"))
    for _ in range(3):
        p = subprocess.Popen([sys.executable, "-c", _WRITER, str(db), "K", "-1"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "started"
        time.sleep(0.3)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    store = DecisionStore(db)
    assert store.integrity_ok()
    decisions = {d.obligation_id: d for d in store.decisions("f" * 64)}
    assert decisions["KEEP"].comment == "avant"
    log = store.history("f" * 64)
    for oid, d in decisions.items():  # each row has its log line: a write is all or nothing
        assert any(e["obligation_id"] == oid and e["comment"] == d.comment and e["decided_at"] == d.decided_at
                   for e in log)
    store.save(Decision("f" * 64, "AFTER", "present"))
    assert "AFTER" in {d.obligation_id for d in store.decisions("f" * 64)}


# --- shipped Streamlit configuration ---------------------------------------------------------------

@pytest.mark.parametrize("config", [".streamlit/config.toml", "ui/.streamlit/config.toml"])
def test_security_streamlit_config_is_private_by_default(config):
    import tomllib

    path = ROOT / config
    if not path.exists():
        pytest.skip(f"{config} absent")
    cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["address"] == "127.0.0.1"
    assert 0 < cfg["server"]["maxUploadSize"] <= 200
