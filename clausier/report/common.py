"""Helpers shared by the exports: reviewed verdicts, French labels, figures, sources, safe text.

Every export reads verdicts through :func:`status_of` (the reviewer's status when there is one)
and shows overrides through :func:`override_of`; the engine's own verdict stays in the Finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from clausier.engine.results import Evidence, FigureCheck, Finding, Report
from clausier.library.loader import Library
from clausier.library.schema import Obligation, Source
from clausier.review.apply import is_overridden, reviewed_status

STATUS_FR = {"present": "Présent", "weak": "Faible", "missing": "Absent", "not_applicable": "Non applicable"}
SEVERITY_FR = {"critical": "critique", "major": "majeure", "minor": "mineure"}
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}
STATUS_ORDER = {"missing": 0, "weak": 1, "present": 2, "not_applicable": 3}

_SOURCE_FR = {
    "csp": "CSP",
    "rgpd": "RGPD",
    "clausier": "Clausier RSSI Santé",
    "hds": "Référentiel HDS",
    "pgssi_s": "PGSSI-S",
    "ans_memento": "Mémento ANS",
    "care": "CaRE",
    "anssi": "ANSSI",
    "secnumcloud": "SecNumCloud",
    "ccag_tic": "CCAG-TIC",
    "cnil": "CNIL",
    "other": "",
}
_UNIT_FR = {"hours": " h", "days": " j", "per_year": " /an", "percent": " %", "zone": "", "certification": ""}
_ZONE_FR = {
    "FR": "France",
    "EU": "UE",
    "EEA": "EEE",
    "NON_EU": "hors UE",
    "US": "États-Unis",
    "UK": "Royaume-Uni",
    "CH": "Suisse",
    "IN": "Inde",
    "CN": "Chine",
    "CA": "Canada",
    "MA": "Maroc",
    "TN": "Tunisie",
}
_COMPARISON_FR = {"max": "≤", "min": "≥", "within": "dans", "includes": "incluant"}

# Characters XML 1.0 refuses (python-docx / openpyxl raise on them).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Leading characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ------------------------------------------------------------------------------------ verdicts
def status_of(report: Report, finding: Finding) -> str:
    """The verdict to show: the reviewer's when there is one, else the engine's."""
    return reviewed_status(report, finding)


def override_of(report: Report, finding: Finding) -> dict[str, Any] | None:
    """The reviewer's decision when it changes the engine verdict or carries a comment."""
    override = report.overrides.get(finding.obligation_id)
    if override and (is_overridden(report, finding) or override.get("comment")):
        return override
    return None


def red_flag_of(report: Report, finding: Finding) -> bool:
    """A red flag stands unless a reviewer has judged the obligation present or not applicable."""
    override = report.overrides.get(finding.obligation_id)
    return finding.red_flag and (override is None or override["status"] in ("weak", "missing"))


def flagged(report: Report, finding: Finding) -> bool:
    status = status_of(report, finding)
    return status in ("weak", "missing") or (status != "not_applicable" and red_flag_of(report, finding))


def applicable(report: Report) -> list[Finding]:
    return [f for f in report.findings if status_of(report, f) != "not_applicable"]


def ordered(report: Report) -> list[Finding]:
    """Most serious first: missing, then weak, red flags first, by severity."""
    return sorted(
        applicable(report),
        key=lambda f: (
            STATUS_ORDER[status_of(report, f)],
            not red_flag_of(report, f),
            SEVERITY_ORDER[f.severity],
            f.obligation_id,
        ),
    )


def by_theme(
    report: Report, library: Library, findings: list[Finding] | None = None
) -> list[tuple[str, str, list[Finding]]]:
    """(theme letter, theme title, findings) in library order, empty themes left out."""
    items = applicable(report) if findings is None else findings
    groups: dict[str, list[Finding]] = {}
    for f in items:
        groups.setdefault(f.theme, []).append(f)
    order = list(library.themes)
    themes = sorted(groups, key=lambda t: order.index(t) if t in order else len(order))
    return [(t, library.theme_title(t), groups[t]) for t in themes]


@dataclass(frozen=True)
class ThemeCount:
    letter: str
    title: str
    present: int
    weak: int
    missing: int
    red_flags: int
    applicable: int  # obligations of the theme in the report (never 0: empty themes are left out)


def theme_counts(report: Report, library: Library) -> list[ThemeCount]:
    """Reviewed verdicts counted per theme (the 'Verdicts par thème' table of every report)."""
    out = []
    for letter, title, items in by_theme(report, library):
        st = [status_of(report, f) for f in items]
        out.append(ThemeCount(letter, title, st.count("present"), st.count("weak"), st.count("missing"),
                              sum(1 for f in items if red_flag_of(report, f)), len(items)))
    return out


@dataclass(frozen=True)
class Summary:
    applicable: int
    present: int
    weak: int
    missing: int
    red_flags: int
    overridden: int
    critical_gaps: tuple[str, ...]

    @property
    def coverage(self) -> float | None:
        return self.present / self.applicable if self.applicable else None


def summary(report: Report) -> Summary:
    """Counts on the reviewed verdicts (Report.summary() counts the engine's)."""
    items = applicable(report)
    statuses = [status_of(report, f) for f in items]
    return Summary(
        applicable=len(items),
        present=statuses.count("present"),
        weak=statuses.count("weak"),
        missing=statuses.count("missing"),
        red_flags=sum(1 for f in items if red_flag_of(report, f)),
        overridden=sum(1 for f in report.findings if is_overridden(report, f)),
        critical_gaps=tuple(
            f.obligation_id for f, s in zip(items, statuses) if f.severity == "critical" and s == "missing"
        ),
    )


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'1 présente', '2 présentes', '0 absente' (French: singular below 2)."""
    return f"{n} {singular if n < 2 else (plural_form or singular + 's')}"


_ALERT, _ALERTS = "point d'alerte", "points d'alerte"


def summary_sentence(s: Summary) -> str:
    cov = f" ; couverture {s.coverage:.0%}".replace("%", " %") if s.coverage is not None else ""
    return (
        f"{plural(s.applicable, 'obligation applicable', 'obligations applicables')} : "
        f"{plural(s.present, 'présente')}, {plural(s.weak, 'faible')}, {plural(s.missing, 'absente')} ; "
        f"{plural(s.red_flags, _ALERT, _ALERTS)}{cov}."
    )


def override_line(override: dict[str, Any], finding: Finding) -> str:
    """'Revu par X le 12/03/2025 : Présent (moteur : Faible) — commentaire'."""
    who = override.get("reviewer") or "relecteur non nommé"
    when = format_datetime(override.get("decided_at"))
    text = f"Revu par {who}" + (f" le {when}" if when else "")
    text += f" : {STATUS_FR[override['status']]} (moteur : {STATUS_FR[finding.status]})"
    if override.get("comment"):
        text += f" — {override['comment']}"
    return text


# ------------------------------------------------------------------------------------ texts
_FREQUENCY_FR = {365: "une fois par jour", 52: "une fois par semaine", 24: "deux fois par mois",
                 12: "une fois par mois", 4: "une fois par trimestre", 2: "deux fois par an", 1: "une fois par an"}


def _number(value: float) -> str:
    """French decimal comma: 99.5 -> '99,5'."""
    return f"{value:g}".replace(".", ",")


def format_value(value: float | str | list[str] | None, unit: str) -> str:
    if value is None:
        return "non chiffré"
    if isinstance(value, list):
        return ", ".join(_ZONE_FR.get(v, v) for v in value) or "—"
    if isinstance(value, (int, float)):
        if unit == "hours" and value >= 1440 and value % 720 == 0:  # 60 days and more: months
            return f"{_number(value / 720)} mois ({_number(value / 24)} j)"
        if unit == "hours" and value >= 48 and value % 24 == 0:
            return f"{_number(value / 24)} j ({_number(value)} h)"
        if unit == "per_year":
            return _FREQUENCY_FR.get(int(value), f"{_number(value)} fois par an") if value == int(value) else \
                f"{_number(value)} fois par an"
        return f"{_number(value)}{_UNIT_FR.get(unit, '')}"
    return _ZONE_FR.get(str(value), str(value))


def expected_text(c: FigureCheck) -> str:
    """What the buyer's profile expects, in words: 'au moins une fois par jour', 'au plus 72 h'."""
    value = format_value(c.threshold, c.unit)
    if c.comparison == "min":
        return f"au moins {value}"
    if c.comparison == "max":
        return f"au plus {value}"
    if c.comparison == "within":
        return f"uniquement : {value}"
    return value


def threshold_text(c: FigureCheck) -> str:
    return expected_text(c)


def figure_verdict(c: FigureCheck) -> str:
    return {True: "conforme", False: "hors seuil", None: "non chiffré"}[c.ok]


def figure_line(c: FigureCheck) -> str:
    """'Fréquence des sauvegardes : aucune valeur chiffrée — attendu au moins une fois par jour'."""
    expected = expected_text(c)
    if c.ok is None:
        return f"{c.label} : aucune valeur chiffrée — attendu {expected}"
    found = format_value(c.found, c.unit)
    if c.ok:
        return f"{c.label} : {found} — conforme (attendu {expected})"
    return f"{c.label} : {found} — hors seuil (attendu {expected})"


def source_label(src: Source) -> str:
    prefix = _SOURCE_FR.get(src.kind.value, src.kind.value)
    return f"{prefix} {src.ref}".strip()


def sources_text(ob: Obligation) -> str:
    return " ; ".join(source_label(s) for s in ob.sources)


def cite(page: int | None, article: str) -> str:
    """'p. 6, art. 10' ; 'p. 2, art. 8.2' ; 'annexe 1' ; 'préambule' (page only for paginated documents)."""
    parts = [p.strip() for p in article.split(" > ") if p.strip()]
    head = parts[0] if parts else ""
    last = parts[-1] if parts else ""
    m = _ARTICLE.match(head)
    if m:
        number = m.group(2)
        sub = last if len(parts) > 1 and re.fullmatch(r"\d+(\.\d+)+", last) else ""
        ref = f"art. {sub or number}"
    elif head.lower().startswith("annexe"):
        ref = "annexe " + head.split(None, 1)[1] if " " in head else "annexe"
        if len(parts) > 1:
            ref += f", {last}"
    else:
        ref = head[:1].lower() + head[1:] if head[1:2].islower() else head
    page_ref = f"p. {page}" if page else ""
    return ", ".join(x for x in (page_ref, ref) if x)


_ARTICLE = re.compile(r"(article|art\.?)\s+([\w.\-]+)", re.IGNORECASE)


def where(e: Evidence) -> str:
    """'p. 3, art. 8.2' (page only for paginated documents)."""
    return cite(e.page, e.article)


def distinct_evidence(finding: Finding, limit: int = 3) -> list[Evidence]:
    """The passages that decided the verdict first, one per sentence (several rules often fire on
    the same sentence): red flags, then commitments stated without a firm undertaking (what made it
    weak), then the sentences that carry the most required elements and figures, topics last."""
    groups: dict[tuple[int, int], list[Evidence]] = {}
    for e in finding.evidence:
        groups.setdefault((e.start, e.end), []).append(e)
    figure_texts = [fc.text for fc in finding.figures if fc.text]

    def rank(item: tuple[tuple[int, int], list[Evidence]]) -> tuple[int, int, int, int, int]:
        (start, _), evs = item
        roles = {e.role for e in evs}
        reqs = {e.requirement for e in evs if e.role == "requirement" and e.requirement}
        weak = finding.status != "present" and any(e.role == "requirement" and not e.firm for e in evs)
        figure = any(t and t in evs[0].text for t in figure_texts)
        return (0 if "red_flag" in roles else 1, 0 if weak else 1, -(len(reqs) + int(figure)),
                0 if "requirement" in roles else 1, start)

    out = []
    for _, evs in sorted(groups.items(), key=rank):
        out.append(min(evs, key=lambda e: {"red_flag": 0, "requirement": 1}.get(e.role, 2)))
    return out[:limit] if limit else out


_PROBLEMS = ("Point d'alerte", "Élément absent", "Élément formulé sans engagement ferme", "À vérifier",
             "Aucun passage")


def _is_problem(reason: str) -> bool:
    return reason.startswith(_PROBLEMS)


_STRENGTH_FR = {"atténuée": "atténué, par ex. « s'efforce », « dans la mesure du possible »",
                "facultative": "facultatif, par ex. « peut », « pourra »",
                "exception": "assorti d'une exception ou d'une réserve",
                "niée": "nié ou exclu"}


def _cite_in_reason(reason: str) -> str:
    """Plain wording of an engine reason: 'Élément trouvé : x (Article 2).' -> '… (art. 2).';
    'Élément formulé sans engagement ferme (exception) : x.' -> 'Engagement non ferme (assorti d'une exception…) : x.'"""
    reason = re.sub(r"\(((?:Article|Annexe|Préambule)[^()]*)\)\.?$", lambda m: f"({cite(None, m.group(1))}).", reason)
    m = re.match(r"Élément formulé sans engagement ferme \(([^)]*)\) : (.*)$", reason)
    if m:
        kinds = " ; ".join(_STRENGTH_FR.get(k.strip(), k.strip()) for k in m.group(1).split(","))
        reason = f"Élément formulé sans engagement ferme ({kinds}) : {m.group(2)}"
    return reason


def display_reasons(finding: Finding, status: str | None = None) -> list[str]:
    """The reasons to show, the one that explains the verdict first.

    For a weak or missing verdict: red flags, missing or non-firm elements and figure problems
    first, then what was found. Figure reasons are rewritten in words (:func:`figure_line`)."""
    status = status or finding.status
    labels = tuple(fc.label for fc in finding.figures)
    text = [_cite_in_reason(r) for r in finding.reasons if not (labels and r.startswith(labels))]
    problems = [r for r in text if _is_problem(r)]
    found = [r for r in text if not _is_problem(r)]
    fig_bad = [figure_line(fc) for fc in finding.figures if fc.ok is False or (fc.ok is None and fc.required)]
    fig_ok = [figure_line(fc) for fc in finding.figures if fc.ok is True]
    if status == "present":
        return found + fig_ok + problems + fig_bad
    return problems + fig_bad + found + fig_ok


def key_reasons(finding: Finding, limit: int = 3) -> list[str]:
    """What is missing or wrong (figure reasons left out: see :func:`figure_line`); else what was found."""
    labels = tuple(fc.label for fc in finding.figures)
    reasons = [_cite_in_reason(r) for r in finding.reasons if not (labels and r.startswith(labels))]
    gaps = [r for r in reasons if _is_problem(r)]
    return (gaps or reasons)[:limit]


def comment_text(report: Report, library: Library, finding: Finding) -> str:
    """The text of a Word comment: verdict, why, figures vs thresholds, sources, one item per line.

    e.g. 'Faible — G1 Notification des violations de données au client (sévérité critique) /
    Élément formulé sans engagement ferme : délai chiffré / Délai de notification : non chiffré ;
    seuil ≤ 72 h (non trouvé) / Clause type proposée : voir l'annexe / Sources : RGPD art. 33.2 ; ...'.
    """
    ob = library.get(finding.obligation_id)
    status = status_of(report, finding)
    lines = [
        f"{STATUS_FR[status]} — {finding.obligation_id} {finding.title} "
        f"(sévérité {SEVERITY_FR[finding.severity]})"
    ]
    override = override_of(report, finding)
    if override:
        lines.append(override_line(override, finding))
    if status != "present":
        lines += key_reasons(finding)
    lines += [figure_line(fc) for fc in sorted(finding.figures, key=lambda fc: fc.ok is True)]
    if red_flag_of(report, finding):
        lines += [f"Alerte : {m}" for m in dict.fromkeys(rf.message for rf in finding.red_flags)][:2]
    if status in ("weak", "missing"):
        lines.append("Clause type proposée : voir l'annexe clausier en fin de document.")
    lines.append(f"Sources : {sources_text(ob)}")
    return "\n".join(xml_safe(line) for line in lines)


# ------------------------------------------------------------------------------------ safety
def xml_safe(text: str) -> str:
    """Drop the control characters XML cannot hold (Word and Excel files are XML)."""
    return _XML_INVALID.sub("", text)


def cell_text(value: str) -> str:
    """A spreadsheet cell that can never run as a formula: a leading apostrophe when needed."""
    value = xml_safe(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def one_line(text: str, limit: int | None = None) -> str:
    flat = " ".join(text.split())
    if limit and len(flat) > limit:
        return flat[: limit - 1].rstrip() + "…"
    return flat


# ------------------------------------------------------------------------------------ dates
def format_datetime(value: str | None) -> str:
    """ISO timestamp -> '12/03/2025 14:05 UTC' (the input unchanged when unparsable)."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return value
    zone = " UTC" if dt.utcoffset() is not None and not dt.utcoffset() else ""
    return f"{dt:%d/%m/%Y %H:%M}{zone}"


def today() -> str:
    return f"{date.today():%d/%m/%Y}"


def document_facts(report: Report) -> list[tuple[str, str]]:
    """(label, value) pairs describing the analysis, shown at the top of every report."""
    doc, prof, tool = report.document, report.profile, report.tool
    facts = [
        ("Document", str(doc.get("name", ""))),
        (
            "Format",
            str(doc.get("format", "")).upper() + (f", {doc['pages']} pages" if doc.get("pages") else ""),
        ),
        ("Empreinte SHA-256", str(doc.get("sha256", ""))),
        ("Profil acheteur", str(prof.get("label", prof.get("id", "")))),
    ]
    if prof.get("supplier_type"):
        facts.append(("Type de fournisseur", str(prof["supplier_type"])))
    facts += [
        ("Analyse", format_datetime(tool.get("analysed_at"))),
        ("Bibliothèque", library_line(tool)),
    ]
    if tool.get("library_references"):
        facts.append(("Référentiels", " ; ".join(tool["library_references"])))
    facts.append(("Export", today()))
    return facts


def library_line(tool: dict) -> str:
    """'version 2026.2 (empreinte 1a2b…, clausier 0.1.0)': which library edition a review used."""
    digest = tool.get("library_digest")
    extra = f"empreinte {digest}, " if digest and digest != tool.get("library_version") else ""
    return f"version {tool.get('library_version', '?')} ({extra}clausier {tool.get('version', '?')})"


# ------------------------------------------------------------------------------------ priorities
PRIORITY_FR = ("Points essentiels", "Points importants", "Autres points")


def priority(report: Report, finding: Finding) -> int | None:
    """How urgent a finding is for the buyer (0 most urgent), None when nothing is to be asked.

    0 critical and missing; 1 red flag still standing; 2 critical and weak; 3 major missing;
    4 major weak; 5 minor missing; 6 minor weak."""
    status = status_of(report, finding)
    if status == "not_applicable" or (status == "present" and not red_flag_of(report, finding)):
        return None
    if finding.severity == "critical" and status == "missing":
        return 0
    if red_flag_of(report, finding):
        return 1
    if finding.severity == "critical":
        return 2
    return {("major", "missing"): 3, ("major", "weak"): 4, ("minor", "missing"): 5}.get(
        (finding.severity, status), 6)


def prioritised(report: Report) -> list[Finding]:
    """The findings to act on, most urgent first (see :func:`priority`)."""
    items = [(p, f) for f in report.findings if (p := priority(report, f)) is not None]
    return [f for _, f in sorted(items, key=lambda x: (x[0], x[1].obligation_id))]


def tier(report: Report, finding: Finding) -> int:
    """0 'Points essentiels' (critical or red flag), 1 'Points importants' (major), 2 the others."""
    p = priority(report, finding)
    if p is not None and p <= 2:
        return 0
    return 1 if finding.severity == "major" else 2


# ------------------------------------------------------------------------------------ jargon
GLOSSARY = {
    "DICT": "disponibilité, intégrité, confidentialité, traçabilité",
    "PDMA": "perte de données maximale admissible, la quantité de données qu'on accepte de perdre",
    "DMIA": "durée maximale d'interruption admissible",
    "DMARD": "durée maximale de restauration des données",
    "RPO": "objectif de point de reprise : perte de données maximale admise",
    "RTO": "objectif de temps de reprise : durée maximale avant le retour du service",
    "GTR": "garantie de temps de rétablissement",
    "SLA": "engagement de niveau de service",
    "PRA": "plan de reprise d'activité",
    "PCA": "plan de continuité d'activité",
    "PAS": "plan d'assurance sécurité",
    "HDS": "hébergeur de données de santé, certification obligatoire",
    "EEE": "Espace économique européen : UE, Islande, Liechtenstein, Norvège",
    "INS": "identité nationale de santé",
    "RSSI": "responsable de la sécurité des systèmes d'information",
    "DPO": "délégué à la protection des données",
    "PGSSI-S": "politique générale de sécurité des systèmes d'information de santé",
    "SSO": "authentification unique",
    "MFA": "authentification à plusieurs facteurs",
    "OWASP": "référentiel de sécurité des applications web",
    "TLS": "protocole de chiffrement des échanges",
    "CPS": "carte de professionnel de santé",
    "DMP": "dossier médical partagé",
    "CNIL": "Commission nationale de l'informatique et des libertés",
    "ANSSI": "Agence nationale de la sécurité des systèmes d'information",
}
_ACRONYM = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, GLOSSARY), key=len, reverse=True)) + r")(?![\w-])")


def jargon(*texts: str) -> list[tuple[str, str]]:
    """(acronym, meaning) for the acronyms of GLOSSARY used in ``texts``, in order of appearance."""
    seen: dict[str, str] = {}
    for text in texts:
        for m in _ACRONYM.finditer(text or ""):
            seen.setdefault(m.group(1), GLOSSARY[m.group(1)])
    return list(seen.items())


def jargon_note(*texts: str) -> str:
    """'Sigles : RTO = objectif de temps de reprise… ; HDS = …' (empty when no acronym is used)."""
    items = jargon(*texts)
    return ("Sigles : " + " ; ".join(f"{k} = {v}" for k, v in items) + ".") if items else ""


def finding_texts(finding: Finding) -> list[str]:
    """The texts shown for a finding whose acronyms get explained."""
    return [finding.title, *display_reasons(finding)]


# ------------------------------------------------------------------------------------ conclusion
@dataclass(frozen=True)
class Point:
    obligation_id: str
    title: str
    severity: str
    status: str
    red_flag: bool
    why: str  # the first reason: what is missing or wrong
    where: str  # citation of the deciding passage, '' when the contract says nothing


@dataclass(frozen=True)
class Conclusion:
    verdict: str  # one sentence: can it be signed as it is?
    points: tuple[Point, ...]  # the most serious points, most urgent first
    first_questions: tuple[str, ...]  # what to ask the supplier first
    next_step: str
    questions_short: int  # number of questions of the short questionnaire
    questions_full: int  # and of the full one


def conclusion(report: Report, library: Library, limit: int = 5) -> Conclusion:
    """The plain-French conclusion shown at the top of every output."""
    from clausier.report.questionnaire import questions

    todo = prioritised(report)
    s = summary(report)
    critical_missing = [f for f in todo if priority(report, f) == 0]
    flags = [f for f in todo if red_flag_of(report, f)]
    critical = [f for f in todo if f.severity == "critical"]
    if critical_missing or flags:
        bits = []
        if critical_missing:
            bits.append(plural(len(critical_missing), "obligation critique absente", "obligations critiques absentes"))
        if flags:
            bits.append(plural(len(flags), "clause défavorable", "clauses défavorables"))
        verdict = f"À ne pas signer en l'état : {' et '.join(bits)}."
    elif critical:
        verdict = (f"À compléter avant signature : {plural(len(critical), 'obligation critique', 'obligations critiques')} "
                   "formulée(s) de façon incomplète ou atténuée.")
    elif todo:
        verdict = (f"Pas de manque critique ; {plural(len(todo), 'point secondaire', 'points secondaires')} "
                   "à faire préciser.")
    else:
        verdict = "Aucun point à revoir : les obligations applicables sont couvertes."
    # The most serious points: critical gaps and unfavourable clauses side by side, then the rest.
    pick = [f for f in todo if priority(report, f) == 0][:3]
    pick += [f for f in todo if priority(report, f) == 1][: limit - len(pick)]
    pick += [f for f in todo if f not in pick][: limit - len(pick)]
    points = []
    for f in sorted(pick, key=todo.index):
        status = status_of(report, f)
        reasons = display_reasons(f, status)
        why = "Le contrat n'en dit rien : clause à ajouter." if status == "missing" else (reasons[0] if reasons else "")
        ev = distinct_evidence(f, 1)
        points.append(Point(f.obligation_id, f.title, f.severity, status, red_flag_of(report, f),
                            why, where(ev[0]) if ev and status != "missing" else ""))
    short = [q for g in questions(report, library) for q in g.questions]
    full = [q for g in questions(report, library, full=True) for q in g.questions]
    if todo:
        next_step = (f"Prochaine étape : envoyer au fournisseur le questionnaire court ({plural(len(short), 'question')}, "
                     f"les points les plus graves d'abord ; version complète : {plural(len(full), 'question')}) "
                     "et lui demander d'ajouter les clauses types proposées"
                     + (f" ; puis relire, contrat en main, {plural(s.weak, 'obligation faible', 'obligations faibles')}"
                        if s.weak else "") + ".")
    else:
        next_step = "Prochaine étape : conserver ce rapport avec le contrat signé."
    return Conclusion(verdict, tuple(points), tuple(q.text for q in short[:3]), next_step, len(short), len(full))
