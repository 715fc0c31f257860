"""Load and validate the clause library directory.

Layout::

    clause_library/
      A_hebergement_hds.yaml ... R_developpement.yaml   one file per theme (ThemeFile)
      _language.yaml                                    commitment-strength cues (LanguageCues)
      profiles/suppliers.yaml, profiles/buyers.yaml     supplier types and buyer profiles
      references.yaml                                   reference points (coverage table, not a theme)
      library.yaml                                      release number, references followed, change log
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from clausier.errors import LibraryError
from clausier.library.profiles import BuyerFile, BuyerProfile, LanguageCues, SupplierFile, SupplierType
from clausier.library.release import LIBRARY_FILE, LibraryInfo, load_library_info
from clausier.library.schema import ActorSpec, MechanismFile, MechanismSpec, Obligation, ThemeFile, expand_fragments

DEFAULT_LIBRARY_DIR = Path(__file__).resolve().parents[2] / "clause_library"


@dataclass(frozen=True)
class Library:
    """The validated library: obligations in canonical order, profiles and language cues."""

    directory: Path
    themes: dict[str, ThemeFile]
    obligations: dict[str, Obligation]
    language: LanguageCues
    supplier_types: dict[str, SupplierType]
    buyer_profiles: dict[str, BuyerProfile]
    version: str = field(default="")  # content digest of the YAML files
    info: LibraryInfo | None = None  # library.yaml: release number, references, change log
    actors: ActorSpec | None = None  # _actors.yaml: who is the supplier / the client
    mechanisms: tuple[MechanismSpec, ...] = ()  # _mechanisms.yaml: red flags by mechanism

    @property
    def release(self) -> str:
        """The published library version ('2026.1'), or '' for an unversioned library."""
        return self.info.version if self.info is not None else ""

    def tool_metadata(self) -> dict[str, Any]:
        """The library fields of a report's ``tool`` block: release (else digest), digest, references."""
        return {
            "library_version": self.release or self.version,
            "library_digest": self.version,
            "library_references": [f"{r.title} : {r.edition}" for r in self.info.references] if self.info else [],
        }

    @property
    def version_label(self) -> str:
        """'2026.1 (empreinte 1a2b3c4d5e6f)': what the reports print."""
        return f"{self.release} (empreinte {self.version})" if self.release else f"non versionnée (empreinte {self.version})"

    def get(self, obligation_id: str) -> Obligation:
        try:
            return self.obligations[obligation_id]
        except KeyError:
            raise LibraryError(f"obligation inconnue : {obligation_id}", code="L010") from None

    def profile(self, profile_id: str) -> BuyerProfile:
        try:
            return self.buyer_profiles[profile_id]
        except KeyError:
            known = ", ".join(sorted(self.buyer_profiles))
            raise LibraryError(
                f"profil acheteur inconnu : « {profile_id} » (profils disponibles : {known})",
                code="L011",
            ) from None

    def theme_title(self, theme: str) -> str:
        return self.themes[theme].title if theme in self.themes else theme


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LibraryError(f"{path.name} : lecture impossible ({exc})", code="L002") from exc
    except yaml.YAMLError as exc:
        raise LibraryError(f"{path.name} : YAML invalide ({exc})", code="L003") from exc


def describe_errors(exc: ValidationError, path: Path, raw: Any, items: str = "obligations",
                    item_label: str = "obligation") -> str:
    """Turn pydantic errors into French lines naming the file, the item (its id) and the field.
    ``items`` is the list key of the YAML file whose entries are named ``item_label``."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == items and isinstance(loc[1], int):
            try:
                where = f"{item_label} {raw[items][loc[1]].get('id', '#' + str(loc[1]))}, "
            except (KeyError, IndexError, TypeError, AttributeError):
                where = f"{item_label} #{loc[1]}, "
            loc = loc[2:]
        field_path = ".".join(str(p) for p in loc) or "(racine)"
        lines.append(f"{path.name} : {where}champ {field_path} : {err['msg']}")
    return "\n".join(lines)


def _expand(node: Any, fragments: dict[str, str], path: Path) -> Any:
    """Expand {{fragment}} placeholders in every ``regex`` of a theme file (before validation)."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "regex" and isinstance(v, str) and "{{" in v:
                try:
                    v = expand_fragments(v, fragments)
                except ValueError as exc:
                    where = node.get("name", "?")
                    raise LibraryError(f"{path.name} : règle {where}, champ regex : {exc}", code="L004") from None
            out[k] = _expand(v, fragments, path)
        return out
    if isinstance(node, list):
        return [_expand(v, fragments, path) for v in node]
    return node


def _validate(model: type[BaseModel], path: Path, fragments: dict[str, str] | None = None) -> Any:
    raw = _read_yaml(path)
    if fragments is not None:
        raw = _expand(raw, fragments, path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise LibraryError(describe_errors(exc, path, raw), code="L004") from None


#: YAML files of the library directory that are not theme files (read by other modules).
NON_THEME_FILES = frozenset({"references.yaml", LIBRARY_FILE})  # coverage points; release and change log


def theme_paths(root: Path) -> list[Path]:
    return sorted(
        p for p in root.glob("*.yaml") if not p.name.startswith("_") and p.name not in NON_THEME_FILES
    )


def load_library(directory: str | Path | None = None, only: Iterable[Path] | None = None) -> Library:
    """Load and validate every file of the library; raise LibraryError on the first bad file.

    ``only`` restricts the theme files loaded (tests load one theme at a time)."""
    root = Path(directory) if directory is not None else DEFAULT_LIBRARY_DIR
    if not root.is_dir():
        raise LibraryError(f"bibliothèque introuvable : {root}", code="L001")
    theme_paths_ = list(only) if only is not None else theme_paths(root)
    if not theme_paths_:
        raise LibraryError(f"aucun fichier de thème dans {root}", code="L001")
    digest = hashlib.sha256()
    themes: dict[str, ThemeFile] = {}
    obligations: dict[str, Obligation] = {}
    language_path = root / "_language.yaml"
    if not language_path.is_file():
        raise LibraryError("fichier manquant : _language.yaml", code="L007")
    language = _validate(LanguageCues, language_path)
    fragments = dict(language.fragments)
    for path in theme_paths_:
        digest.update(path.read_bytes())
        theme = _validate(ThemeFile, path, fragments)
        if theme.theme in themes:
            raise LibraryError(f"{path.name} : thème {theme.theme} déjà défini", code="L005")
        themes[theme.theme] = theme
        for ob in theme.obligations:
            if ob.id in obligations:
                raise LibraryError(f"{path.name} : identifiant {ob.id} en double", code="L006")
            obligations[ob.id] = ob
    profiles_dir = root / "profiles"
    actors_path, mechanisms_path = root / "_actors.yaml", root / "_mechanisms.yaml"
    for extra in (language_path, profiles_dir / "suppliers.yaml", profiles_dir / "buyers.yaml",
                  actors_path, mechanisms_path):
        if not extra.is_file():
            raise LibraryError(f"fichier manquant : {extra.relative_to(root)}", code="L007")
        digest.update(extra.read_bytes())
    actors = _validate(ActorSpec, actors_path)
    mechanisms = _validate(MechanismFile, mechanisms_path)
    suppliers = _validate(SupplierFile, profiles_dir / "suppliers.yaml")
    buyers = _validate(BuyerFile, profiles_dir / "buyers.yaml")
    info = None
    if (root / LIBRARY_FILE).is_file():  # optional: a library without it is reported "non versionnée"
        digest.update((root / LIBRARY_FILE).read_bytes())
        info = load_library_info(root, _read_yaml(root / LIBRARY_FILE))
    ordered = dict(sorted(obligations.items(), key=lambda kv: (kv[0][0], int(kv[0][1:]))))
    return Library(
        directory=root,
        themes=dict(sorted(themes.items())),
        obligations=ordered,
        language=language,
        supplier_types={s.code: s for s in suppliers.supplier_types},
        buyer_profiles={b.id: b for b in buyers.buyer_profiles},
        version=digest.hexdigest()[:12],
        info=info,
        actors=actors,
        mechanisms=tuple(mechanisms.mechanisms),
    )


@lru_cache(maxsize=4)
def cached_library(directory: str | None = None) -> Library:
    """Library loaded once per process (the CLI and the UI share it)."""
    return load_library(directory)
