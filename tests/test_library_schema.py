"""The library loads, is complete, and deliberately broken YAML fails with precise messages."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml

from clausier.errors import LibraryError
from clausier.library.loader import DEFAULT_LIBRARY_DIR, load_library

SPEC = DEFAULT_LIBRARY_DIR.parent.parent / "shared" / "spec" / "obligations.tsv"
EXPECTED_IDS = {f"{t}{n}" for t, n in [("A", 7), ("B", 4), ("C", 3), ("D", 4), ("E", 3), ("F", 3), ("G", 3),
                                        ("H", 4), ("I", 5), ("J", 5), ("K", 5), ("L", 3), ("M", 3), ("N", 5),
                                        ("O", 4), ("P", 4), ("Q", 4), ("R", 1)] for n in range(1, n + 1)}
#: Obligations added after the 70 of the spec (library 2026.2); not in the gold labels.
ADDED_2026 = {"D5", "E4", "H5", "L4"}


def test_library_all_70_obligations_complete(library):
    assert set(library.obligations) == EXPECTED_IDS | ADDED_2026
    for ob in library.obligations.values():
        assert ob.sources and ob.explanation and ob.model_clause and ob.questions
        assert len(ob.examples.positive) >= 3 and len(ob.examples.negative) >= 3


def test_library_ids_and_slugs_match_spec(library):
    if not SPEC.exists():
        pytest.skip("../shared/spec absent")
    with SPEC.open(encoding="utf-8") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh, delimiter="\t")}
    assert set(rows) == set(library.obligations) - ADDED_2026
    added = {i for change in library.info.changes for i in change.added}
    assert ADDED_2026 <= added  # every obligation beyond the spec is announced in the change log
    for oid, row in rows.items():
        assert library.get(oid).slug == row["slug"], oid


def test_library_profiles(library):
    assert {"liberal", "etablissement", "groupement", "full"} <= set(library.buyer_profiles)
    assert library.profile("full").apply_all
    assert set(library.supplier_types) == {"EDI", "SAAS", "HEB", "MAINT", "TLC", "RDV", "DM", "DEV", "FAI"}


def _broken_copy(tmp_path: Path, mutate) -> Path:
    lib = tmp_path / "lib"
    shutil.copytree(DEFAULT_LIBRARY_DIR, lib)
    path = next(lib.glob("C_*.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return lib


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["obligations"][0].update(surprise=1), ["C1", "surprise", "Extra inputs"]),
    (lambda d: d["obligations"][0]["detection"]["topic"][0].update(regex="(unclosed"), ["C1", "invalid regex"]),
    (lambda d: d["obligations"][1].update(id="C1"), ["en double"]),
    (lambda d: d["obligations"][0].update(severity="grave"), ["C1", "severity"]),
    (lambda d: d["obligations"][0]["examples"].update(positive=["un seul"]), ["C1", "examples.positive"]),
    (lambda d: d["obligations"][0].update(applies_to=["BANQUE"]), ["C1", "applies_to", "BANQUE"]),
    (lambda d: d["obligations"][0].update(parameters=[{"name": "x", "label": "x", "kind": "duration",
                                                       "unit": "hours", "comparison": "max",
                                                       "thresholds": {"liberal": 48}}]), ["default"]),
])
def test_library_broken_yaml_precise_message(tmp_path, mutate, expected):
    lib = _broken_copy(tmp_path, mutate)
    with pytest.raises(LibraryError) as info:
        load_library(lib)
    message = str(info.value)
    assert "C_" in message
    for word in expected:
        assert word in message, message


def test_library_round_trip_dump_reload(library, tmp_path):
    """Every theme dumps to YAML and reloads to the same objects (tools can rewrite the library)."""
    from clausier.library.schema import ThemeFile

    for theme in library.themes.values():
        dumped = yaml.safe_dump(theme.model_dump(mode="json", exclude_defaults=True), allow_unicode=True)
        assert ThemeFile.model_validate(yaml.safe_load(dumped)) == theme


def test_library_export_docx_reopens(tmp_path, library):
    import docx

    from clausier.report.library_export import applicable_obligations, export_library

    path = export_library(library, "liberal", "SAAS", "docx", tmp_path / "annexe.docx")
    d = docx.Document(path)
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    expected = applicable_obligations(library, "liberal", "SAAS")
    assert 0 < len(expected) < len(library.obligations)
    assert sum(1 for h in headings if h.startswith("Article ")) == len(expected)
    body = "\n".join(p.text for p in d.paragraphs)
    g1 = library.get("G1")
    assert g1.model_clause.strip() in body and g1.questions[0] in body
    assert "Questions à poser au fournisseur" in headings


def test_library_export_markdown_full_profile(tmp_path, library):
    from clausier.report.library_export import export_library

    text = export_library(library, "full", None, "md", tmp_path / "annexe.md").read_text(encoding="utf-8")
    assert text.count("**Article ") == len(library.obligations) == 74
