"""Schemas of supplier-type profiles, buyer profiles and language cues (also YAML data)."""

from __future__ import annotations

from pydantic import Field, model_validator

from clausier.library.schema import SUPPLIER_TYPES, Name, NonEmpty, PatternSpec, Strict


class SupplierType(Strict):
    code: str
    label: NonEmpty
    description: NonEmpty

    @model_validator(mode="after")
    def _known(self) -> SupplierType:
        if self.code not in SUPPLIER_TYPES:
            raise ValueError(f"unknown supplier type code '{self.code}'")
        return self


class SupplierFile(Strict):
    schema_version: int = 1
    supplier_types: list[SupplierType] = Field(min_length=1)


class BuyerProfile(Strict):
    id: Name
    label: NonEmpty
    description: NonEmpty
    threshold_key: Name = Field(
        description="Which key of a parameter's thresholds applies (falls back to 'default')."
    )
    default_supplier_type: str | None = Field(
        default=None, description="Supplier type assumed when the user does not choose one."
    )
    apply_all: bool = Field(default=False, description="Every obligation applies (profile 'full').")
    min_severity: str = Field(default="minor", pattern="^(critical|major|minor)$")


class BuyerFile(Strict):
    schema_version: int = 1
    buyer_profiles: list[BuyerProfile] = Field(min_length=1)


class LanguageCues(Strict):
    """Commitment-strength cues shared by every obligation (``clause_library/_language.yaml``).

    binding: firm commitment ("s'engage à", "garantit", "shall").
    hedge: obligation of means / best effort ("s'efforce", "dans la mesure du possible").
    optional: mere possibility ("peut", "pourra", "may").
    vague_delay: a vague substitute for a figure ("dans les meilleurs délais", "raisonnable").
    exception: a carve-out ("sauf", "sous réserve", "dans la limite de").
    negation: the sentence denies the commitment ("ne ... pas", "aucune obligation").
    """

    schema_version: int = 1
    binding: list[PatternSpec] = Field(min_length=1)
    hedge: list[PatternSpec] = Field(min_length=1)
    optional: list[PatternSpec] = Field(min_length=1)
    vague_delay: list[PatternSpec] = Field(min_length=1)
    exception: list[PatternSpec] = Field(min_length=1)
    negation: list[PatternSpec] = Field(min_length=1)
    fragments: dict[Name, str] = Field(
        default_factory=dict,
        description="Named regex pieces used as {{name}} in theme regexes ({{within:N}} is built in).",
    )
