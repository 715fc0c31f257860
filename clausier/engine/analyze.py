"""Orchestration: Document -> parse -> detectors -> evidence + figures -> assess -> Report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from clausier import __version__
from clausier.engine import figures as fig
from clausier.engine.actors import ActorResolver
from clausier.engine.assess import assess
from clausier.engine.mechanisms import MechanismEngine
from clausier.engine.detectors import DetectorRegistry, Hit, match_view
from clausier.engine.results import Evidence, Report
from clausier.engine.strength import CueSet, judge
from clausier.errors import UsageError
from clausier.ingest import DEFAULT_LIMITS, Limits, load_document
from clausier.library.loader import Library, cached_library
from clausier.library.schema import Obligation
from clausier.nlp import detect_language, load_nlp, pipeline_for
from clausier.segment import Parsed, segment
from clausier.types import Document

_ROLE_RANK = {"requirement": 0, "red_flag": 1, "topic": 2}


@dataclass
class Engine:
    """Library + French pipeline + detectors, built once and reused for every contract."""

    library: Library
    nlp: Any
    registry: DetectorRegistry
    cues: CueSet
    classifier: dict[str, Any] = field(default_factory=lambda: {"used": False})  # tool metadata
    actors: ActorResolver | None = None
    mechanisms: MechanismEngine | None = None

    @classmethod
    def create(cls, library: Library | None = None, nlp: Any | None = None, classifier: bool | None = None,
               model_dir: Path | None = None) -> Engine:
        """``classifier``: None = the default policy (models/README.md), False = rules only (--no-model),
        True = use the trained model when present. Without models/ the engine runs on rules only."""
        from clausier.classifier.detector import attach_classifier

        library = library or cached_library()
        nlp = nlp or load_nlp()
        registry = DetectorRegistry.default(library, nlp)
        meta = attach_classifier(registry, library, classifier, model_dir)
        actors = ActorResolver(library.actors) if library.actors is not None else None
        return cls(library, nlp, registry, CueSet(library.language), meta, actors, MechanismEngine(library))

    # ------------------------------------------------------------------ helpers
    def resolve_profile(self, profile_id: str, supplier_type: str | None) -> tuple[Any, str | None]:
        profile = self.library.profile(profile_id)
        if supplier_type is not None and supplier_type not in self.library.supplier_types:
            known = ", ".join(self.library.supplier_types)
            raise UsageError(f"type de fournisseur inconnu : « {supplier_type} » (types : {known})", code="U002")
        if profile.apply_all:
            return profile, supplier_type
        return profile, supplier_type or profile.default_supplier_type

    def applicable(self, ob: Obligation, profile: Any, supplier_type: str | None) -> bool:
        if profile.apply_all:
            return True
        order = {"critical": 0, "major": 1, "minor": 2}
        if order[ob.severity.value] > order[profile.min_severity]:
            return False
        return ob.applies(supplier_type)

    # ------------------------------------------------------------------ main entry points
    def analyze_file(self, path: str | Path, profile: str = "full", supplier_type: str | None = None,
                     limits: Limits = DEFAULT_LIMITS) -> Report:
        return self.analyze(load_document(path, limits), profile, supplier_type)

    def analyze(self, document: Document, profile_id: str = "full", supplier_type: str | None = None,
                parsed: Parsed | None = None) -> Report:
        profile, supplier = self.resolve_profile(profile_id, supplier_type)
        language = detect_language(document.text)
        parsed = parsed or segment(document, pipeline_for(language, self.nlp))
        hits = self.registry.detect(parsed, language)
        for d in self.registry.detectors:  # detectors that filter once all hits are known (classifier)
            select = getattr(d, "select", None)
            hits = select(hits) if select is not None else hits
        actors = self.actors.resolve(document.text) if self.actors is not None else None
        client_duty: frozenset[int] = frozenset()
        if self.mechanisms is not None:
            result = self.mechanisms.apply(parsed, hits, self.actors.matcher(actors) if self.actors and actors else None)
            hits = hits + result.hits
            client_duty = result.client_duty_sentences
        mechanism_messages = self.mechanisms.messages() if self.mechanisms is not None else {}
        by_obligation: dict[str, list[Hit]] = defaultdict(list)
        for h in hits:
            by_obligation[h.obligation_id].append(h)
        text = document.text
        sentences = parsed.structure.sentences
        cue_cache: dict[int, dict[str, Any]] = {}

        def cues_of(si: int) -> dict[str, Any]:
            if si not in cue_cache:
                s = sentences[si]
                cue_cache[si] = self.cues.scan(match_view(text, s.start, s.end)[0])
            return cue_cache[si]

        findings = []
        for ob in self.library.obligations.values():
            applicable = self.applicable(ob, profile, supplier)
            evidence = self._evidence(ob, by_obligation.get(ob.id, []), parsed, cues_of, client_duty) \
                if applicable else []
            figures, vague = self._figures(ob, evidence, parsed)
            messages = {f"{ob.id}/{rf.name}": rf.message for rf in ob.detection.red_flags}
            messages.update({k: v for k, v in mechanism_messages.items() if k.startswith(f"{ob.id}/")})
            finding = assess(ob, evidence, figures, profile.threshold_key, applicable, vague, messages,
                             self.mechanisms.soft_rules() if self.mechanisms is not None else frozenset())
            findings.append(finding)
        meta = self._document_meta(document, parsed, language)
        if actors is not None:
            meta["actors"] = actors.to_dict()
        return Report(
            document=meta,
            profile={"id": profile.id, "label": profile.label, "supplier_type": supplier,
                     "threshold_key": profile.threshold_key},
            findings=findings,
            tool={"name": "clausier", "version": __version__, **self.library.tool_metadata(),
                  "analysed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "classifier": dict(self.classifier)},
        )

    # ------------------------------------------------------------------ evidence and figures
    def _evidence(self, ob: Obligation, hits: list[Hit], parsed: Parsed, cues_of: Any,
                  client_duty: frozenset[int] = frozenset()) -> list[Evidence]:
        """One Evidence per (sentence, role, requirement), best-ranked first, capped for the report.

        Every requirement and red flag keeps at least one evidence (the verdict needs them)."""
        text = parsed.document.text
        permissive = {r.name: r.permissive_ok for r in ob.detection.requirements}
        seen: dict[tuple[int, str, str | None, str | None], Evidence] = {}
        for h in sorted(hits, key=lambda h: (_ROLE_RANK[h.role], -h.score, h.start)):
            # a mechanism's passage is kept beside a rule's passage on the same sentence (its reason differs)
            key = (h.sentence, h.role, h.requirement, h.rule if h.detector == "mechanism" else None)
            if key in seen:
                continue
            sent = parsed.structure.sentences[h.sentence]
            strength, weakeners = judge(cues_of(h.sentence), h.start - sent.start, h.end - sent.start,
                                        permissive.get(h.requirement or "", False))
            if h.role == "requirement" and h.sentence in client_duty and strength == "ferme" \
                    and not permissive.get(h.requirement or "", False):
                # the element is there, but as a duty of the client: not a commitment of the supplier
                strength, weakeners = "à la charge du client", ("client_duty",)
            seen[key] = Evidence(
                text=text[sent.start:sent.end], start=sent.start, end=sent.end,
                match_start=h.start, match_end=h.end, page=parsed.document.page_at(sent.start),
                article=parsed.structure.sections[sent.section].label, detector=h.detector,
                rule=f"{ob.id}/{h.rule}", role=h.role, requirement=h.requirement, score=round(h.score, 3),
                strength=strength, weakeners=weakeners,
            )
        items = list(seen.values())
        # Model passages come after every rule passage (they only ask for a human check).
        items.sort(key=lambda e: (e.detector == "classifier", _ROLE_RANK[e.role], not e.firm, -e.score, e.start))
        return items

    def _figures(self, ob: Obligation, evidence: list[Evidence], parsed: Parsed) -> tuple[dict[str, list[fig.Figure]], bool]:
        out: dict[str, list[fig.Figure]] = {}
        usable = [e for e in evidence if e.role != "red_flag" and e.detector != "classifier"
                  and not (e.detector == "vocabulary" and e.role == "topic")]
        for param in ob.parameters:
            texts: dict[tuple[int, int], str] = {}
            for e in usable:
                if param.requirement is None or (e.role == "requirement" and e.requirement == param.requirement):
                    texts[(e.start, e.end)] = e.text
            out[param.name] = [f for t in texts.values() for f in fig.extract(param.kind.value, t)]
        spans = {(e.start, e.end) for e in usable}
        vague = any(self.cues.scan(parsed.document.text[a:b])["vague_delay"] for a, b in spans)
        return out, vague

    @staticmethod
    def _document_meta(document: Document, parsed: Parsed, language: str) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "name": document.source_name,
            "format": document.format,
            "sha256": document.sha256,
            "pages": document.page_count or None,
            "characters": len(document.text),
            "sections": len(parsed.structure.sections) - 1,
            "sentences": len(parsed.structure.sentences),
            "language": language,
            "warnings": list(document.warnings),
        }
        if language != "fr":
            meta["warnings"].append(
                "Document non rédigé en français : analyse limitée (règles françaises et anglaises de base, "
                "sans lemmes) — résultats à vérifier."
            )
        ocr_pages = [p.number for p in document.pages if p.ocr]
        if ocr_pages:
            meta["ocr_pages"] = ocr_pages
        return meta
