"""Library versioning (clause_library/library.yaml) shown in every report, and the NIS2 coverage tables."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from clausier.cli import main
from clausier.errors import LibraryError
from clausier.ingest import load_bytes
from clausier.library.coverage import Framework, coverage_rows, load_references, render_coverage
from clausier.library.loader import DEFAULT_LIBRARY_DIR, load_library
from clausier.report.exports import export

TEXT = ("Article 1 : Violations\nLe Prestataire notifie au Client toute violation de données dans un délai "
        "de vingt-quatre (24) heures.\n")


def test_release_and_change_log(library):
    info = library.info
    assert info is not None and library.release == info.version == info.changes[0].version
    current = info.changes[0]
    assert set(current.added) == {"D5", "E4", "H5", "L4"}
    assert all(i in library.obligations for c in info.changes for i in (*c.added, *c.changed))
    assert {"recyf", "cir_2024_2690", "clausier", "care"} <= {r.id for r in info.references}
    assert library.version_label == f"{library.release} (empreinte {library.version})"


@pytest.mark.parametrize("fmt", ["text", "json", "md", "html"])
def test_every_report_names_the_library_version(engine, library, fmt):
    report = engine.analyze(load_bytes(TEXT.encode("utf-8"), "c.txt"), "full")
    assert report.tool["library_version"] == library.release
    assert report.tool["library_digest"] == library.version
    out = export(report, library, fmt).decode("utf-8")
    if fmt == "json":
        tool = json.loads(out)["tool"]
        assert tool["library_version"] == "2026.2" and tool["library_digest"] == library.version
        assert any("ReCyF" in r and "v2.5" in r for r in tool["library_references"])
    else:
        assert "2026.2" in out and library.version in out
    if fmt in ("md", "html"):
        assert "ReCyF" in out and "2024/2690" in out  # the references followed, by edition


def _copy(tmp_path, mutate=None, remove=False):
    lib = tmp_path / "lib"
    shutil.copytree(DEFAULT_LIBRARY_DIR, lib)
    path = lib / "library.yaml"
    if remove:
        path.unlink()
    elif mutate:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        mutate(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return lib


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d.update(version="2026.9"), "version courante"),
    (lambda d: d.update(version="deux"), "version"),
    (lambda d: d["changes"].reverse(), "version courante"),
    (lambda d: d["changes"][0].update(added=["Z99"]), "mal formés"),
    (lambda d: d.update(surprise=1), "surprise"),
])
def test_bad_library_yaml_is_refused_in_french(tmp_path, mutate, expected):
    with pytest.raises(LibraryError) as exc:
        load_library(_copy(tmp_path, mutate))
    assert "library.yaml" in str(exc.value) and expected in str(exc.value)
    assert main(["library", "validate", str(_copy(tmp_path / "b", mutate))]) == 2


def test_library_without_release_file_is_reported_unversioned(tmp_path):
    lib = load_library(_copy(tmp_path, remove=True))
    assert lib.release == "" and lib.version_label.startswith("non versionnée")
    assert lib.tool_metadata()["library_version"] == lib.version


def test_coverage_has_the_nis2_tables(library):
    refs = load_references(library.directory)
    rows = [r for r in coverage_rows(library, refs)
            if r.point.framework in (Framework.recyf_v2_5, Framework.cir_2024_2690)]
    ids = {r.point.id for r in rows}
    assert {"ReCyF 3.B.1", "ReCyF 3.B.2", "ReCyF 13.2", "ReCyF 5.B.4", "ReCyF 10.B.2"} <= ids
    assert {f"CIR 2024/2690 annexe 5.1.4.{x}" for x in "abcdefgh"} <= ids
    assert all(r.status in ("covered", "out_of_scope") and not r.conflict for r in rows)
    by_id = {r.point.id: r.obligations for r in rows}
    assert "D5" in by_id["CIR 2024/2690 annexe 5.1.4.c"] and "L4" in by_id["ReCyF 3.B.2"]
    text = render_coverage(library, refs)
    assert "## ReCyF v2.5" in text and "## Règlement d'exécution (UE) 2024/2690" in text
