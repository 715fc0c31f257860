"""Result types: evidence, figure checks, findings and the report (the only result objects)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A passage supporting (or undermining) an obligation, with its full provenance."""

    text: str  # the sentence quoted from the document
    start: int  # sentence offsets in Document.text
    end: int
    match_start: int  # offsets of the words that fired the rule
    match_end: int
    page: int | None
    article: str  # section path, e.g. "Article 8 > 8.2" or "Préambule"
    detector: str  # regex | lemma | fuzzy | classifier
    rule: str  # "<obligation>/<rule name>"
    role: str  # topic | requirement | red_flag
    requirement: str | None
    score: float
    strength: str  # ferme | atténuée | facultative | niée | exception
    weakeners: tuple[str, ...] = ()  # cue names that weakened the commitment

    @property
    def firm(self) -> bool:
        return self.strength == "ferme"


@dataclass(frozen=True)
class FigureCheck:
    parameter: str
    label: str
    kind: str
    found: float | str | list[str] | None
    unit: str
    threshold: float | list[str]
    comparison: str
    ok: bool | None  # None: no figure found
    text: str | None  # words the figure was read from
    required: bool


@dataclass(frozen=True)
class RedFlag:
    rule: str
    message: str
    text: str
    page: int | None
    article: str
    start: int
    end: int


@dataclass(frozen=True)
class Finding:
    obligation_id: str
    slug: str
    title: str
    theme: str
    severity: str
    status: str  # present | weak | missing | not_applicable
    red_flag: bool
    confidence: float
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()
    figures: tuple[FigureCheck, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    requirements_met: tuple[str, ...] = ()
    requirements_missing: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return self.status in ("weak", "missing") or self.red_flag


@dataclass
class Report:
    document: dict[str, Any]
    profile: dict[str, Any]
    findings: list[Finding]
    tool: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        applicable = [f for f in self.findings if f.status != "not_applicable"]
        counts = {s: sum(1 for f in applicable if f.status == s) for s in ("present", "weak", "missing")}
        by_sev: dict[str, dict[str, int]] = {}
        for f in applicable:
            by_sev.setdefault(f.severity, {"present": 0, "weak": 0, "missing": 0})[f.status] += 1
        return {
            "applicable": len(applicable),
            **counts,
            "red_flags": sum(1 for f in applicable if f.red_flag),
            "not_applicable": len(self.findings) - len(applicable),
            "coverage": round(counts["present"] / len(applicable), 3) if applicable else None,
            "by_severity": by_sev,
            "critical_gaps": [f.obligation_id for f in applicable
                              if f.severity == "critical" and f.status == "missing"],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "document": self.document,
            "profile": self.profile,
            "summary": self.summary(),
            "findings": [finding_to_dict(f) for f in self.findings],
            "overrides": self.overrides,
        }


def finding_to_dict(f: Finding) -> dict[str, Any]:
    d = asdict(f)
    d["reasons"] = list(f.reasons)
    return d
