"""Coverage table of the sector references (clause_library/references.yaml -> COVERAGE.md)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from clausier.errors import LibraryError
from clausier.library.coverage import (
    COVERAGE_FILE,
    Framework,
    ReferencePoint,
    coverage_rows,
    load_references,
    normalise_ref,
    render_coverage,
    unmatched_refs,
)
from clausier.library.loader import DEFAULT_LIBRARY_DIR
from clausier.library.schema import Source

REGENERATE = "clausier library coverage -o clause_library/COVERAGE.md"


@pytest.fixture(scope="module")
def references():
    return load_references(DEFAULT_LIBRARY_DIR)


def _ids(references, framework: Framework) -> list[str]:
    return [p.id for p in references.points if p.framework == framework]


def test_references_file_validates_and_lists_every_point(references):
    assert _ids(references, Framework.csp_r1111_11) == [f"R.1111-11 {n}°" for n in range(1, 15)]
    assert _ids(references, Framework.rgpd_28_3) == [f"art. 28.3.{c}" for c in "abcdefgh"]
    clausier = _ids(references, Framework.clausier_v2024)
    # Chapter sizes given by domain.md § 1.1 (introduction, then the ten thematic chapters).
    expected = {"1": 1, "2": 8, "3": 11, "4": 1, "5": 6, "6": 6, "7": 2, "8": 4, "9": 16, "10": 2, "11": 2}
    for chapter, size in expected.items():
        assert sum(1 for i in clausier if i.split("-")[1].split(".")[0] == chapter) == size, chapter
    assert sum(1 for i in clausier if i.startswith("O-12.")) > 50  # perimeter-specific cases (≈60)


def test_every_point_is_covered_or_out_of_scope(library, references):
    rows = coverage_rows(library, references)
    uncovered = [r.point.id for r in rows if r.status == "uncovered"]
    assert not uncovered, f"points non couverts et sans raison out_of_scope : {uncovered}"
    conflicts = [r.point.id for r in rows if r.conflict]
    assert not conflicts, f"points déclarés hors périmètre mais cités par une obligation : {conflicts}"
    assert "NON COUVERT" not in render_coverage(library, references)


def test_no_source_cites_an_unknown_point(library, references):
    unknown = [(u.ref, u.obligations) for u in unmatched_refs(library, references) if not u.general]
    assert not unknown, f"références de sources qui ne désignent aucun point de references.yaml : {unknown}"


def test_coverage_md_is_up_to_date(library):
    committed = (DEFAULT_LIBRARY_DIR / COVERAGE_FILE).read_text(encoding="utf-8")
    assert committed == render_coverage(library), f"{COVERAGE_FILE} n'est pas à jour : lancer « {REGENERATE} »"


def test_matching_is_tolerant_but_exact(library):
    assert normalise_ref("o - 2.3") == normalise_ref("O-2.3") == normalise_ref("O2.3")
    assert normalise_ref("R1111-11 7 °") == normalise_ref("R.1111-11 7°")
    assert normalise_ref("Article 28(3)(a)") == normalise_ref("art. 28.3.a")
    base = library.obligations["N1"]
    ob = base.model_copy(update={"sources": [
        Source(kind="rgpd", ref="art. 28.3"),
        Source(kind="clausier", ref="o - 2.3"),
        Source(kind="csp", ref="R1111-11 7 °"),
        Source(kind="rgpd", ref="ART. 28.3.B"),
        Source(kind="clausier", ref="O-2.13"),  # typo
        Source(kind="csp", ref="O-2.3"),  # right ref, wrong kind: covers nothing
    ]})
    lib = dataclasses.replace(library, obligations={"N1": ob})
    points = [
        ReferencePoint(framework="rgpd_28_3", id="art. 28.3.a", title="a"),
        ReferencePoint(framework="rgpd_28_3", id="art. 28.3.b", title="b"),
        ReferencePoint(framework="clausier_v2024", id="O-2.3", title="c"),
        ReferencePoint(framework="csp_r1111_11", id="R.1111-11 7°", title="d"),
    ]
    covered = {r.point.id: r.obligations for r in coverage_rows(lib, points)}
    assert covered == {"art. 28.3.a": (), "art. 28.3.b": ("N1",), "O-2.3": ("N1",), "R.1111-11 7°": ("N1",)}
    unmatched = {(u.ref, u.general) for u in unmatched_refs(lib, points)}
    assert unmatched == {("O-2.13", False), ("art. 28.3", True)}
    text = render_coverage(lib, load_references(DEFAULT_LIBRARY_DIR))
    assert "`O-2.13` (clausier) — cité par N1" in text


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "references.yaml").write_text(body, encoding="utf-8")
    return tmp_path


def test_unknown_key_is_refused_with_a_clear_message(tmp_path):
    directory = _write(tmp_path, (
        "schema_version: 1\n"
        "points:\n"
        "  - {framework: clausier_v2024, id: \"O-2.3\", title: \"Sous-traitance\", hors_scope: \"oups\"}\n"
    ))
    with pytest.raises(LibraryError) as info:
        load_references(directory)
    message = str(info.value)
    assert info.value.code == "L021"
    assert "references.yaml" in message and "point O-2.3" in message and "hors_scope" in message


@pytest.mark.parametrize(("body", "expected"), [
    ("schema_version: 1\npoints:\n  - {framework: clausier_v2024, id: \"2.3\", title: \"x\"}\n", "mal formé"),
    ("schema_version: 1\npoints:\n  - {framework: csp_r1111_11, id: \"R.1111-11\", title: \"x\"}\n", "mal formé"),
    ("schema_version: 1\npoints:\n  - {framework: iso27001, id: \"A.5.1\", title: \"x\"}\n", "framework"),
    ("schema_version: 1\npoints:\n  - {framework: rgpd_28_3, id: \"art. 28.3.a\", title: \"x\", out_of_scope: \"  \"}\n",
     "out_of_scope"),
    ("schema_version: 1\npoints:\n  - {framework: rgpd_28_3, id: \"art. 28.3.a\", title: \"x\"}\n"
     "  - {framework: rgpd_28_3, id: \"Art. 28(3)(a)\", title: \"y\"}\n", "en double"),
    ("schema_version: 1\npoints: [\n", "YAML invalide"),
])
def test_broken_references_files_are_refused(tmp_path, body, expected):
    with pytest.raises(LibraryError) as info:
        load_references(_write(tmp_path, body))
    assert expected in str(info.value)


def test_missing_references_file(tmp_path):
    with pytest.raises(LibraryError, match="references.yaml"):
        load_references(tmp_path)
