"""Hostile inputs: outcome, wall time and peak memory of reading each kind of bad file.

Usage: python benchmarks/bench_hostile.py [--json OUT]

Each file is generated here (tests/factories.py) and read by ``clausier parse`` in a fresh
process, so the peak resident memory (ru_maxrss of the child) is that file's alone. The French
pipeline is not loaded by ``parse`` when the file is refused, so the figures are the reader's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import factories as fx  # noqa: E402


def _cases(tmp: Path) -> dict[str, tuple[Callable[[], Path], list[str]]]:
    sections = fx.contract_sections()

    def write(name: str, data: bytes) -> Path:
        p = tmp / name
        p.write_bytes(data)
        return p

    return {
        "empty file": (lambda: write("empty.pdf", b""), []),
        "truncated PDF": (lambda: write("trunc.pdf", fx.truncated(fx.pdf_bytes(sections), 0.3)), []),
        "garbage after %PDF": (lambda: write("garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40), []),
        "encrypted PDF": (lambda: fx.write_pdf(tmp / "enc.pdf", sections, encrypt="secret"), []),
        "image-only PDF, OCR off": (lambda: fx.write_image_pdf(tmp / "scan.pdf"), ["--no-ocr"]),
        "image-only PDF, OCR on": (lambda: fx.write_image_pdf(tmp / "scan2.pdf"), []),
        "PDF with 3000 pages": (lambda: fx.many_pages_pdf(tmp / "many.pdf", 3000), []),
        "PDF with a 300-inch page": (lambda: fx.huge_page_pdf(tmp / "huge.pdf"), []),
        "oversized text (limit 1 MB)": (lambda: write("big.txt", b"Article 1 : Objet\n" * 80_000),
                                        ["--max-size-mb", "1"]),
        "DOCX zip bomb (400 MB inflated)": (lambda: fx.zip_bomb_docx(tmp / "bomb.docx", 400), []),
        "DOCX nested XML (5000 levels)": (lambda: fx.nested_xml_docx(tmp / "nested.docx"), []),
        "DOCX with external relationship": (lambda: fx.external_link_docx(tmp / "ext.docx", sections), []),
        "XLSX renamed .docx": (lambda: fx.xlsx_like(tmp / "sheet.docx"), []),
        "ELF binary renamed .docx": (lambda: write("elf.docx", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200), []),
        "legacy .doc (OLE)": (lambda: write("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512), []),
        "PDF renamed .txt": (lambda: write("lying.txt", fx.pdf_bytes(sections)), []),
        "cp1252 text": (lambda: write("latin.txt", "Article 1 : Données hébergées\n".encode("cp1252")), []),
        "whitespace only": (lambda: write("blank.txt", b"   \n\n\t \n"), []),
        "control chars in name": (lambda: write("contrat\x1b[31m.txt", b"Article 1 : Objet\n\nTexte."), []),
        "HTML/JS in text": (lambda: write("inj.txt", b"Article 1 : <script>alert(1)</script>\n\n[x](javascript:1)"), []),
    }


# VmHWM (peak RSS of this process image) rather than ru_maxrss, which Linux carries over exec().
_CHILD = """
import sys
from clausier.cli import main
try:
    code = main(sys.argv[1:])
finally:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
    sys.stderr.write("\\nMAXRSS_KB=%s\\n" % (hwm[0].split()[1] if hwm else 0))
sys.exit(code)
"""


def run_case(path: Path, extra: list[str]) -> dict[str, object]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, "parse", str(path), *extra],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    elapsed = time.perf_counter() - t0
    lines = proc.stderr.strip().splitlines()
    peak = int(lines.pop().split("=")[1]) if lines and lines[-1].startswith("MAXRSS_KB=") else 0
    proc.stderr = "\n".join(lines)
    message = (proc.stderr.strip().splitlines() or [""])[-1] if proc.returncode else \
        (proc.stdout.strip().splitlines() or [""])[0]
    return {"exit": proc.returncode, "seconds": round(elapsed, 2),
            "peak_rss_mb": round(peak / 1024, 1), "message": message[:160],
            "traceback": "Traceback" in proc.stderr}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as d:
        for name, (make, extra) in _cases(Path(d)).items():
            results[name] = r = run_case(make(), extra)
            print(f"{name:34} exit {r['exit']}  {r['seconds']:6.2f} s  {r['peak_rss_mb']:7.1f} MB  {r['message']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
