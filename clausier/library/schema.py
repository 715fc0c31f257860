"""Strict schema of the clause library (YAML files in ``clause_library/``).

Every theme file is validated at load: unknown keys are refused, regular expressions are
compiled, ids must be unique and thresholds typed. A jurist edits YAML, never Python; the
schema is what tells them, precisely, when an entry is wrong.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1

#: Supplier-type codes used by ``applies_to`` (see ``clause_library/profiles/suppliers.yaml``).
SUPPLIER_TYPES = ("EDI", "SAAS", "HEB", "MAINT", "TLC", "RDV", "DM", "DEV", "FAI")

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
ObligationId = Annotated[str, Field(pattern=r"^[A-R][0-9]{1,2}$")]
NonEmpty = Annotated[str, Field(min_length=1)]
#: A vocabulary term: words separated by one space, lower case, accents optional, '*' at a word's end.
Term = Annotated[str, Field(min_length=2, max_length=80, pattern=r"^[^\s*]+\*?( [^\s*]+\*?)*$",
                                 description="words separated by one space; '*' only at a word's end")]


class Strict(BaseModel):
    """Base model: unknown keys are errors, objects are immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Severity(str, Enum):
    critical = "critical"
    major = "major"
    minor = "minor"


class SourceKind(str, Enum):
    csp = "csp"  # Code de la santé publique (L.1111-8, R.1111-11 ...)
    rgpd = "rgpd"  # GDPR articles
    clausier = "clausier"  # Club RSSI Santé clausier v2024 control points (O-x.y)
    hds = "hds"  # HDS certification référentiel (EXI n)
    pgssi_s = "pgssi_s"
    ans_memento = "ans_memento"  # ANS memento for self-employed professionals + questionnaires
    care = "care"
    anssi = "anssi"
    secnumcloud = "secnumcloud"
    ccag_tic = "ccag_tic"
    cnil = "cnil"
    nis2 = "nis2"  # NIS2 texts: ANSSI ReCyF ('ReCyF 3.B.1'), Implementing Regulation (EU) 2024/2690 ('CIR 2024/2690 annexe 5.1.4.a')
    other = "other"


class Source(Strict):
    kind: SourceKind
    ref: NonEmpty = Field(description="Precise reference, e.g. 'R.1111-11 3°' or 'O-2.3'.")
    note: str | None = None


class Lang(str, Enum):
    fr = "fr"
    en = "en"
    any = "any"


class PatternSpec(Strict):
    """One named detection rule. Exactly one of ``regex``, ``lemmas`` or ``phrase``.

    - ``regex``: Python regular expression, matched case-insensitively on the sentence text
      (apostrophes normalised to ``'``, non-breaking spaces to spaces).
    - ``lemmas``: a sequence of slots, each a list of alternative lemmas (lower case); slots
      must follow each other in the sentence with at most ``gap`` tokens between them.
      Matched with spaCy's Matcher on the French pipeline's lemmas.
    - ``phrase``: a key phrase compared with rapidfuzz (partial ratio >= ``min_similarity``).
    """

    name: Name
    regex: str | None = None
    lemmas: list[list[NonEmpty]] | None = None
    phrase: str | None = None
    gap: int = Field(default=3, ge=0, le=10)
    min_similarity: int = Field(default=88, ge=50, le=100)
    lang: Lang = Lang.any
    score: float = Field(default=0.8, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> PatternSpec:
        kinds = [k for k in ("regex", "lemmas", "phrase") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                f"pattern '{self.name}': give exactly one of regex / lemmas / phrase (got {kinds or 'none'})"
            )
        if self.regex is not None:
            try:
                compiled = re.compile(self.regex, re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"pattern '{self.name}': invalid regex: {exc}") from exc
            if compiled.match(""):
                raise ValueError(f"pattern '{self.name}': regex matches the empty string")
        if self.lemmas is not None and not self.lemmas:
            raise ValueError(f"pattern '{self.name}': lemmas needs at least one slot")
        return self

    @property
    def kind(self) -> str:
        if self.regex is not None:
            return "regex"
        if self.lemmas is not None:
            return "lemmas"
        return "phrase"


class RedFlagSpec(PatternSpec):
    """A pattern whose match undermines the obligation (e.g. free subcontracting)."""

    message: NonEmpty = Field(description="French explanation shown to the user.")


class RequirementSpec(Strict):
    """One element the clause must contain to count as ``present``."""

    name: Name
    label: NonEmpty = Field(description="French label, e.g. 'autorisation écrite préalable'.")
    patterns: list[PatternSpec] = Field(min_length=1)
    required: bool = True
    permissive_ok: bool = Field(
        default=False,
        description="The element is a right of the client ('le Client peut auditer'): "
        "'peut/pourra' does not weaken it.",
    )
    terms: list[Term] = Field(
        default_factory=list,
        description="Vocabulary of the element (words, any wording): met by a firm sentence on the "
        "obligation's vocabulary topic that contains one of these terms, not negated just before "
        "(« sans », « aucun », 'without').",
    )


class ParameterKind(str, Enum):
    duration = "duration"  # delays: value normalised to hours
    frequency = "frequency"  # occurrences per year
    percentage = "percentage"  # availability etc.
    location = "location"  # zone codes: FR, EU, EEA, NON_EU
    certification = "certification"  # HDS, ISO27001, SECNUMCLOUD, SOC2, ...


class Comparison(str, Enum):
    max = "max"  # the figure found must be <= threshold (delays)
    min = "min"  # the figure found must be >= threshold (availability, frequency)
    within = "within"  # every location found must be in the allowed set
    includes = "includes"  # the expected certification(s) must be among those found


Threshold = float | list[str]


class ParameterSpec(Strict):
    """A figure the obligation is expected to state, with per-buyer-profile thresholds."""

    name: Name
    label: NonEmpty
    kind: ParameterKind
    unit: Literal["hours", "days", "per_year", "percent", "zone", "certification"]
    comparison: Comparison
    thresholds: dict[Name, Threshold] = Field(
        description="Key 'default' is mandatory; other keys are buyer-profile ids."
    )
    requirement: Name | None = Field(
        default=None, description="Read the figure only in evidence of this requirement."
    )
    required_for_present: bool = True

    @model_validator(mode="after")
    def _check_thresholds(self) -> ParameterSpec:
        if "default" not in self.thresholds:
            raise ValueError(f"parameter '{self.name}': thresholds must have a 'default' key")
        numeric = self.comparison in (Comparison.max, Comparison.min)
        for key, value in self.thresholds.items():
            if numeric and not isinstance(value, (int, float)):
                raise ValueError(f"parameter '{self.name}': threshold '{key}' must be a number")
            if not numeric and not isinstance(value, list):
                raise ValueError(f"parameter '{self.name}': threshold '{key}' must be a list")
        return self


class Scope(str, Enum):
    """Where the concepts of a topic combination must be found together."""

    sentence = "sentence"  # one sentence
    clause = "clause"  # a sentence and its neighbours in the same section
    article = "article"  # the deepest numbered section (title included)


class Vocabulary(Strict):
    """Topic vocabulary of an obligation, independent of exact wording.

    ``concepts`` name lists of terms (French and English; lower case; accents optional — text and
    terms are compared without accents; a trailing ``*`` on a word matches any ending:
    ``sauvegard*`` = sauvegarde, sauvegardes, sauvegarder...; words of a multi-word term follow each
    other, apostrophes and hyphens count as spaces). ``topics`` lists combinations of concepts: a
    passage is on the obligation's topic when it contains every concept of one combination within
    ``scope``. ``exclude`` terms veto a sentence. A passage on the topic that meets no requirement
    makes the obligation ``weak`` with that passage as evidence; ``lacking`` says, in French, what
    such a passage usually lacks (first reason of the verdict).
    """

    scope: Scope = Scope.sentence
    concepts: dict[Name, list[Term]] = Field(min_length=1)
    topics: list[list[Name]] = Field(min_length=1)
    exclude: list[Term] = Field(default_factory=list)
    lacking: str | None = None
    shift_undermines: bool = Field(
        default=False,
        description="The duty belongs to the supplier: putting it on the client is a red flag "
        "(e.g. backups of a hosted service), not only a weakness.",
    )

    @model_validator(mode="after")
    def _topics_use_known_concepts(self) -> Vocabulary:
        for combo in self.topics:
            if not combo:
                raise ValueError("vocabulary.topics: an empty combination would match everything")
            unknown = [c for c in combo if c not in self.concepts]
            if unknown:
                raise ValueError(f"vocabulary.topics: unknown concepts {unknown}; "
                                 f"defined concepts: {sorted(self.concepts)}")
        return self


class Detection(Strict):
    topic: list[PatternSpec] = Field(min_length=1)
    requirements: list[RequirementSpec] = Field(min_length=1)
    red_flags: list[RedFlagSpec] = Field(default_factory=list)
    vocabulary: Vocabulary | None = None


class Examples(Strict):
    """Sentences written by the team; the test suite turns them into tests.

    positive: assessed ``present`` when analysed alone. negative: never ``present``.
    red_flag: each raises a red flag for this obligation.
    """

    positive: list[NonEmpty] = Field(min_length=3)
    negative: list[NonEmpty] = Field(min_length=3)
    red_flag: list[NonEmpty] = Field(default_factory=list)


class Obligation(Strict):
    id: ObligationId
    slug: Name
    title: NonEmpty = Field(description="Short French title.")
    explanation: NonEmpty = Field(description="Plain French: why it matters, what can go wrong.")
    severity: Severity
    applies_to: list[str] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    parameters: list[ParameterSpec] = Field(default_factory=list)
    detection: Detection
    model_clause: NonEmpty
    questions: list[NonEmpty] = Field(min_length=1, max_length=3)
    examples: Examples

    @field_validator("applies_to")
    @classmethod
    def _known_supplier_types(cls, value: list[str]) -> list[str]:
        allowed = {*SUPPLIER_TYPES, "ALL"}
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise ValueError(f"unknown supplier types {unknown}; must be among {sorted(allowed)}")
        return value

    @model_validator(mode="after")
    def _names_unique_and_linked(self) -> Obligation:
        names = [p.name for p in self.detection.topic]
        names += [r.name for r in self.detection.requirements]
        names += [p.name for r in self.detection.requirements for p in r.patterns]
        names += [p.name for p in self.detection.red_flags]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate rule names {dupes}")
        req_names = {r.name for r in self.detection.requirements}
        for param in self.parameters:
            if param.requirement is not None and param.requirement not in req_names:
                raise ValueError(
                    f"parameter '{param.name}' refers to unknown requirement '{param.requirement}'"
                )
        return self

    def applies(self, supplier_type: str | None) -> bool:
        """Whether this obligation applies to a supplier type (None: every type)."""
        return supplier_type is None or "ALL" in self.applies_to or supplier_type in self.applies_to


class ThemeFile(Strict):
    schema_version: Literal[1]
    theme: Annotated[str, Field(pattern=r"^[A-R]$")]
    title: NonEmpty
    obligations: list[Obligation] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_in_theme(self) -> ThemeFile:
        for ob in self.obligations:
            if ob.id[0] != self.theme:
                raise ValueError(f"obligation {ob.id} does not belong to theme {self.theme}")
        return self


# ---------------------------------------------------------------------------------------------
# Shared files: actors (clause_library/_actors.yaml) and red-flag mechanisms (_mechanisms.yaml).

class ActorSpec(Strict):
    """``clause_library/_actors.yaml``: role nouns and cue words that resolve who is the supplier
    and who is the client in a document (clausier/engine/actors.py)."""

    schema_version: int = 1
    supplier: list[Term] = Field(min_length=1)
    client: list[Term] = Field(min_length=1)
    first_person: list[Term] = Field(default_factory=list)
    second_person: list[Term] = Field(default_factory=list)
    min_mentions: int = Field(default=5, ge=1)
    company_words: list[Term] = Field(default_factory=list)
    duty: list[Term] = Field(min_length=1)
    impersonal_duty: list[Term] = Field(default_factory=list)
    commitment: list[Term] = Field(min_length=1)



FRAGMENT = re.compile(r"\{\{\s*([a-z_]+)(?::(\d{1,3}))?\s*\}\}")
#: Fragments usable in mechanism regexes; actors are filled in per document.
MECHANISM_FRAGMENTS = ("client", "supplier", "within")


def expand_fragments(regex: str, values: dict[str, str]) -> str:
    """Replace {{name}} / {{within:N}} in a regex; unknown names raise ValueError."""

    def sub(m: re.Match[str]) -> str:
        name, arg = m.group(1), m.group(2)
        if name == "within":
            if arg is None:
                raise ValueError("fragment {{within:N}} needs a number of characters")
            return f"[^.;]{{0,{int(arg)}}}"
        if name not in values:
            raise ValueError(f"unknown fragment '{{{{{name}}}}}' (known: {', '.join(sorted({*values, 'within'}))})")
        return values[name]

    return FRAGMENT.sub(sub, regex)


class MechanismEffect(str, Enum):
    red_flag = "red_flag"  # the obligation is at most weak; the message is an alert
    weakens = "weakens"  # topic evidence; the message is a reason
    shift = "shift"  # client duty: weakens, red flag when vocabulary.shift_undermines


class MechanismSpec(Strict):
    """One way a contract undermines obligations, applied to every obligation it can undermine."""

    name: Name
    label: NonEmpty
    message: NonEmpty
    regex: str | None = None
    builtin: Literal["client_duty"] | None = None
    effect: MechanismEffect
    applies_to: list[Annotated[str, Field(pattern=r"^(ALL|[A-R]|[A-R][0-9]{1,2})$")]] = Field(min_length=1)
    needs_topic: bool = True
    soft: bool = Field(
        default=False,
        description="A passage weakened this way does not undermine a firm commitment that meets "
        "every requirement elsewhere in the contract (e.g. one hedged sentence beside firm ones).",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> MechanismSpec:
        if (self.regex is None) == (self.builtin is None):
            raise ValueError(f"mechanism '{self.name}': give exactly one of regex / builtin")
        if self.regex is not None:
            probe = expand_fragments(self.regex, {"client": "client", "supplier": "prestataire"})
            try:
                compiled = re.compile(probe)
            except re.error as exc:
                raise ValueError(f"mechanism '{self.name}': invalid regex: {exc}") from exc
            if compiled.match(""):
                raise ValueError(f"mechanism '{self.name}': regex matches the empty string")
        return self

    def covers(self, obligation_id: str) -> bool:
        return any(a == "ALL" or a == obligation_id or a == obligation_id[0] for a in self.applies_to)


class MechanismFile(Strict):
    schema_version: Literal[1]
    mechanisms: list[MechanismSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> MechanismFile:
        names = [m.name for m in self.mechanisms]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate mechanism names {dupes}")
        return self
