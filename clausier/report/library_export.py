"""Export the model clauses of a buyer profile as a ready-to-use contract annex (Word or Markdown).

For drafting: an e-health group or a buyer pastes the annex into a contract. One section per theme,
one numbered clause per applicable obligation, with its basis (sources) in a smaller note and the
questions to ask the supplier in a final checklist.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from clausier.library.loader import Library
from clausier.library.schema import Obligation

_SEV = {"critical": 0, "major": 1, "minor": 2}
_SEV_FR = {"critical": "critique", "major": "majeure", "minor": "mineure"}


def applicable_obligations(library: Library, profile_id: str, supplier_type: str | None) -> list[Obligation]:
    profile = library.profile(profile_id)
    supplier = supplier_type or (None if profile.apply_all else profile.default_supplier_type)
    if profile.apply_all and supplier_type is None:
        return list(library.obligations.values())
    return [ob for ob in library.obligations.values()
            if ob.applies(supplier) and _SEV[ob.severity.value] <= _SEV[profile.min_severity]]


def _basis(ob: Obligation) -> str:
    return "Fondement : " + " ; ".join(f"{s.kind.value.replace('_', '-')} {s.ref}" for s in ob.sources)


def _title(library: Library, profile_id: str, supplier_type: str | None) -> tuple[str, str]:
    profile = library.profile(profile_id)
    supplier = library.supplier_types.get(supplier_type or "") if supplier_type else None
    subtitle = f"Profil : {profile.label}" + (f" — fournisseur : {supplier.label}" if supplier else "")
    return "Annexe — Clauses de sécurité numérique", subtitle


def export_markdown(library: Library, profile_id: str, supplier_type: str | None) -> str:
    title, subtitle = _title(library, profile_id, supplier_type)
    obs = applicable_obligations(library, profile_id, supplier_type)
    lines = [f"# {title}", "", subtitle, "", f"Bibliothèque clausier {library.version_label}, {date.today():%d/%m/%Y}.", ""]
    n = 0
    for theme, tf in library.themes.items():
        items = [o for o in obs if o.id[0] == theme]
        if not items:
            continue
        lines += [f"## {theme}. {tf.title}", ""]
        for ob in items:
            n += 1
            lines += [f"**Article {n} — {ob.title}** ({ob.id}, sévérité {_SEV_FR[ob.severity.value]})", "",
                      ob.model_clause.strip(), "", f"_{_basis(ob)}_", ""]
    lines += ["## Questions à poser au fournisseur", ""]
    for ob in obs:
        for q in ob.questions:
            lines.append(f"- [{ob.id}] {q}")
    return "\n".join(lines) + "\n"


def export_docx(library: Library, profile_id: str, supplier_type: str | None, path: Path) -> Path:
    import docx
    from docx.shared import Pt, RGBColor

    title, subtitle = _title(library, profile_id, supplier_type)
    obs = applicable_obligations(library, profile_id, supplier_type)
    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.author = "clausier"
    d.add_heading(title, level=0)
    d.add_paragraph(subtitle)
    note = d.add_paragraph(
        f"Clauses types proposées par la bibliothèque clausier (version {library.version_label}, "
        f"{date.today():%d/%m/%Y}), à adapter au contrat. Les références entre crochets indiquent "
        "l'obligation de la bibliothèque et son fondement.")
    note.runs[0].italic = True
    n = 0
    for theme, tf in library.themes.items():
        items = [o for o in obs if o.id[0] == theme]
        if not items:
            continue
        d.add_heading(f"{theme}. {tf.title}", level=1)
        for ob in items:
            n += 1
            d.add_heading(f"Article {n} — {ob.title}", level=2)
            d.add_paragraph(ob.model_clause.strip())
            basis = d.add_paragraph()
            run = basis.add_run(f"[{ob.id} — sévérité {_SEV_FR[ob.severity.value]}] {_basis(ob)}")
            run.font.size = Pt(8)
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    d.add_page_break()
    d.add_heading("Questions à poser au fournisseur", level=1)
    for ob in obs:
        for q in ob.questions:
            d.add_paragraph(f"[{ob.id}] {q}", style="List Bullet")
    d.save(path)
    return path


def export_library(library: Library, profile_id: str, supplier_type: str | None, fmt: str, path: Path) -> Path:
    if fmt == "md":
        path = path if path.suffix == ".md" else path.with_suffix(".md")
        path.write_text(export_markdown(library, profile_id, supplier_type), encoding="utf-8")
        return path
    path = path if path.suffix == ".docx" else path.with_suffix(".docx")
    return export_docx(library, profile_id, supplier_type, path)
