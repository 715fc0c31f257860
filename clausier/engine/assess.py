"""The one place that decides a verdict. Pure: evidence + figures + thresholds -> Finding.

Policy (see clause_library/README.md):
- not applicable for the profile / supplier type -> ``not_applicable``;
- no evidence at all -> ``missing``;
- a red flag -> at most ``weak``, ``red_flag`` true;
- every required element met by a firm sentence, every required figure found and within the
  buyer's threshold, no figure out of threshold -> ``present``;
- otherwise ``weak``.
A classifier hit alone never makes an obligation present.
"""

from __future__ import annotations

from collections.abc import Sequence

from clausier.engine.figures import Figure
from clausier.engine.results import Evidence, FigureCheck, Finding, RedFlag
from clausier.library.schema import Comparison, Obligation, ParameterSpec

_UNIT_FR = {"hours": "h", "days": " j", "per_year": "/an", "percent": " %", "zone": "", "certification": ""}
# Durations are extracted in hours; a parameter expressed in days is compared in days.
_PER_HOUR_UNIT = {"days": 24.0}
_ZONE_FR = {"FR": "France", "EU": "UE", "EEA": "EEE", "NON_EU": "hors UE", "US": "États-Unis",
            "UK": "Royaume-Uni", "CH": "Suisse", "IN": "Inde", "CN": "Chine", "CA": "Canada",
            "MA": "Maroc", "TN": "Tunisie"}


def _fmt(value: float | str | list[str] | None, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(_ZONE_FR.get(v, v) for v in value)
    if isinstance(value, float) and unit == "days":
        return f"{value:g} j"
    if isinstance(value, float) and unit == "hours":
        if value >= 48 and value % 24 == 0:
            return f"{value / 24:g} j ({value:g} h)"
        return f"{value:g} h"
    if isinstance(value, float):
        return f"{value:g}{_UNIT_FR.get(unit, '')}"
    return _ZONE_FR.get(str(value), str(value))


def check_parameter(param: ParameterSpec, figures: Sequence[Figure], threshold_key: str) -> FigureCheck:
    """Compare the figures found with the profile's threshold for one parameter."""
    threshold = param.thresholds.get(threshold_key, param.thresholds["default"])
    found: float | str | list[str] | None = None
    ok: bool | None = None
    text: str | None = None
    if figures:
        if param.comparison in (Comparison.max, Comparison.min):
            values = [f for f in figures if isinstance(f.value, (int, float))]
            if values:
                # The most favourable figure stated is the commitment; it must meet the threshold.
                best = min(values, key=lambda f: f.value) if param.comparison == Comparison.max else max(
                    values, key=lambda f: f.value)
                found, text = float(best.value) / _PER_HOUR_UNIT.get(param.unit, 1.0), best.text
                assert isinstance(threshold, (int, float))
                ok = found <= threshold if param.comparison == Comparison.max else found >= threshold
        else:
            codes = sorted({str(f.value) for f in figures})
            found, text = codes, "; ".join(dict.fromkeys(f.text for f in figures))
            allowed = set(threshold) if isinstance(threshold, list) else set()
            if param.comparison == Comparison.within:
                ok = all(_zone_ok(c, allowed) for c in codes)
            else:
                ok = allowed.issubset(codes)
    return FigureCheck(param.name, param.label, param.kind.value, found, param.unit, threshold,
                       param.comparison.value, ok, text, param.required_for_present)


def assess(
    obligation: Obligation,
    evidence: Sequence[Evidence],
    figures: dict[str, Sequence[Figure]],
    threshold_key: str,
    applicable: bool = True,
    vague_delay: bool = False,
    red_flag_messages: dict[str, str] | None = None,
    soft_rules: frozenset[str] = frozenset(),
) -> Finding:
    """Decide the status of one obligation and record why, step by step, in French."""
    base = dict(obligation_id=obligation.id, slug=obligation.slug, title=obligation.title,
                theme=obligation.id[0], severity=obligation.severity.value)
    if not applicable:
        return Finding(**base, status="not_applicable", red_flag=False, confidence=1.0,
                       reasons=("Ne s'applique pas au profil ou au type de fournisseur choisi.",))
    reasons: list[str] = []
    messages = red_flag_messages or {}
    flags = [e for e in evidence if e.role == "red_flag"]
    soft_flags = [e for e in flags if e.rule.split("/", 1)[-1] in soft_rules]
    rule_evidence = [e for e in evidence if e.detector != "classifier"]
    if not evidence:
        return Finding(**base, status="missing", red_flag=False, confidence=0.8,
                       reasons=(f"Aucun passage du contrat ne traite de : {_lower_first(obligation.title)}.",))

    met: list[str] = []
    unmet: list[str] = []
    for req in obligation.detection.requirements:
        hits = [e for e in rule_evidence if e.role == "requirement" and e.requirement == req.name]
        firm = [e for e in hits if e.firm]
        if firm:
            met.append(req.name)
            reasons.append(f"Élément trouvé : {req.label} ({firm[0].article}).")
        elif hits:
            kinds = ", ".join(sorted({e.strength for e in hits}))
            if req.required:
                unmet.append(req.name)
            reasons.append(f"Élément formulé sans engagement ferme ({kinds}) : {req.label}.")
        elif req.required:
            unmet.append(req.name)
            reasons.append(f"Élément absent : {req.label}.")

    checks = [check_parameter(p, figures.get(p.name, ()), threshold_key) for p in obligation.parameters]
    figure_problem = False
    for c in checks:
        if c.ok is None:
            if c.required:
                figure_problem = True
                extra = " (formulation vague, par ex. « dans les meilleurs délais »)" if vague_delay and \
                    c.kind == "duration" else ""
                reasons.append(f"{c.label} : aucune valeur chiffrée trouvée{extra} ; "
                               f"attendu {_cmp(c)} {_fmt(c.threshold, c.unit)}.")
        elif c.ok:
            reasons.append(f"{c.label} trouvé : {_fmt(c.found, c.unit)} (seuil {_cmp(c)} {_fmt(c.threshold, c.unit)}) : conforme.")
        else:
            figure_problem = True
            reasons.append(f"{c.label} trouvé : {_fmt(c.found, c.unit)} — hors seuil du profil "
                           f"({_cmp(c)} {_fmt(c.threshold, c.unit)}).")

    if soft_flags and len(soft_flags) == len(flags) and not unmet and not figure_problem:
        # a hedged passage beside firm commitments that meet every element: not an alert
        reasons.append("Passage atténué ailleurs dans le contrat, sans effet sur les engagements fermes : "
                       f"{messages.get(soft_flags[0].rule, 'formulation atténuée')}")
        flags = []
        evidence = [e for e in evidence if e not in soft_flags]
    red_flags = tuple(
        RedFlag(e.rule, messages.get(e.rule, "Formulation défavorable."), e.text, e.page, e.article, e.start, e.end)
        for e in flags
    )
    for rf in dict.fromkeys(r.message for r in red_flags):
        reasons.append(f"Point d'alerte : {rf}")

    only_classifier = not rule_evidence
    if only_classifier:
        status = "weak"
        reasons.append("À vérifier : passage repéré par le modèle (classifieur), sans règle ni chiffre "
                       "qui le confirme ; ne vaut pas engagement établi.")
    elif red_flags:
        status = "weak"
    elif not unmet and not figure_problem:
        status = "present"
    else:
        status = "weak"
    if status == "weak":
        # first reason: why it is not present — what the passages lack, or what undermines them
        weakened = [messages[e.rule] for e in evidence if e.role == "topic" and e.rule in messages]
        client_side = any(e.strength == "à la charge du client" for e in evidence)
        lead: list[str] = []
        if client_side:
            lead.append("Élément formulé comme une obligation du client, non comme un engagement du fournisseur.")
        lead += [f"Point faible : {m}" for m in dict.fromkeys(weakened)]
        if not met and not red_flags and not only_classifier:
            topic = next((e for e in evidence if e.role == "topic"), evidence[0])
            lacking = obligation.detection.vocabulary.lacking if obligation.detection.vocabulary else None
            missing_labels = [r.label for r in obligation.detection.requirements if r.name in unmet]
            what = lacking or ", ".join(missing_labels) or "un engagement ferme"
            lead.insert(0, f"Sujet abordé ({topic.article}) sans engagement suffisant : il manque {what}.")
        # then what is wrong (alerts, absent or unfirm elements, figures) before what was found
        def rank(r: str) -> int:
            if r.startswith("Point d'alerte"):
                return 0
            return 2 if r.startswith("Élément trouvé") or r.endswith(": conforme.") else 1
        reasons = lead + sorted(reasons, key=rank)
    firm_count = sum(1 for e in rule_evidence if e.firm and e.role == "requirement")
    if status == "present":
        confidence = min(0.95, 0.6 + 0.1 * firm_count)
    elif status == "weak":
        confidence = 0.75 if red_flags or met else 0.6
    else:
        confidence = 0.8
    if status != "present":  # the first reason says why the obligation is not met (order only)
        reasons.sort(key=_problem_first)
    return Finding(**base, status=status, red_flag=bool(red_flags), confidence=round(confidence, 2),
                   reasons=tuple(reasons), evidence=tuple(evidence), figures=tuple(checks),
                   red_flags=red_flags, requirements_met=tuple(met), requirements_missing=tuple(unmet))


def _zone_ok(code: str, allowed: set[str]) -> bool:
    """France is within the EU, and the EU within the EEA."""
    if code in allowed:
        return True
    if code == "FR":
        return bool(allowed & {"EU", "EEA"})
    return code == "EU" and "EEA" in allowed


def _cmp(c: FigureCheck) -> str:
    return {"max": "≤", "min": "≥", "within": "dans", "includes": "incluant"}[c.comparison]


_PROBLEM_ORDER = ("Sujet abordé", "Point d'alerte", "Élément formulé comme une obligation du client", "Point faible",
                  "Élément absent", "Élément formulé sans engagement ferme", "À vérifier")


def _problem_first(reason: str) -> int:
    """Sort key of a reason: red flags, missing and non-firm elements, figure problems, then what was found."""
    for i, prefix in enumerate(_PROBLEM_ORDER):
        if reason.startswith(prefix):
            return i
    if "aucune valeur chiffrée" in reason or "hors seuil" in reason:
        return len(_PROBLEM_ORDER)
    return len(_PROBLEM_ORDER) + 1


def _lower_first(title: str) -> str:
    """'Accès depuis l'extérieur de l'EEE' -> 'accès depuis l'extérieur de l'EEE' (acronyms keep their case)."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]
