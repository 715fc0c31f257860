"""Figures read in a sentence: delays, frequencies, percentages, locations, certifications.

Number words are converted with text2num ("quarante-huit (48) heures", "quinze jours",
"within seventy-two hours"); values are normalised (delays in hours, frequencies per year).
Pure functions of a string: easy to test and to fuzz.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import alpha2digit


@dataclass(frozen=True)
class Figure:
    kind: str  # duration | frequency | percentage | location | certification
    value: float | str
    unit: str  # hours | per_year | percent | zone | certification
    text: str  # the words the figure was read from
    note: str | None = None  # e.g. "jours ouvrés"


_HOURS = {
    "minute": 1 / 60, "minutes": 1 / 60, "min": 1 / 60, "mn": 1 / 60,
    "h": 1, "heure": 1, "heures": 1, "hour": 1, "hours": 1, "hr": 1, "hrs": 1,
    "jour": 24, "jours": 24, "j": 24, "day": 24, "days": 24,
    "semaine": 168, "semaines": 168, "week": 168, "weeks": 168,
    "mois": 720, "month": 720, "months": 720,
    "an": 8760, "ans": 8760, "année": 8760, "années": 8760, "annee": 8760, "annees": 8760,
    "year": 8760, "years": 8760,
}
_SMALL = {"un": 1, "une": 1, "one": 1, "a": 1, "an": 1, "once": 1, "deux": 2, "two": 2, "twice": 2,
          "trois": 3, "three": 3, "quatre": 4, "four": 4, "cinq": 5, "five": 5, "six": 6, "sept": 7,
          "seven": 7, "huit": 8, "eight": 8, "neuf": 9, "nine": 9, "dix": 10, "ten": 10}
_NUM = r"(\d{1,4}(?:[.,]\d{1,2})?|un|une|one|a|an|deux|two|trois|three|quatre|four|cinq|five|six|sept|seven|huit|eight|neuf|nine|dix|ten)"
_DURATION = re.compile(
    _NUM + r"\s*(?:\(\s*\d{1,4}\s*\)\s*)?(?:(business|working|calendar|consecutive)\s+)?"
    r"(minutes?|min|mn|heures?|hours?|hrs?|h|jours?|j|days?|semaines?|weeks?|mois|months?|années?|annees?|ans?|years?)"
    r"(?![a-zà-ÿ])(\s+(?:ouvr[ée]s|ouvrables|calendaires|calendar|business|working))?",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d{1,4})?)\s*(?:%|pour\s?cent|percent)", re.IGNORECASE)
_FREQ_EXPLICIT = re.compile(
    r"(\d{1,3}|une?|one|once|twice|deux|two|trois|three|quatre|four|six|douze|twelve)\s*(?:\(\s*\d+\s*\)\s*)?(?:fois|times?)?\s*(?:par|per|a|every|each|chaque)\s*"
    r"(an|année|annee|year|mois|month|semaine|week|jour|day|trimestre|quarter|semestre)\b",
    re.IGNORECASE,
)
_FREQ_EVERY = re.compile(
    r"(?:tous les|toutes les|every)\s*(\d{1,3})?\s*(ans?|années?|years?|mois|months?|semaines?|weeks?|jours?|days?|trimestres?|quarters?)\b",
    re.IGNORECASE,
)
_FREQ_ADJ = {
    "annuel": 1, "annuelle": 1, "annuellement": 1, "annually": 1, "annual": 1, "yearly": 1,
    "chaque année": 1, "each year": 1, "every year": 1,
    "semestriel": 2, "semestrielle": 2, "semestriellement": 2, "biannual": 2, "semi-annual": 2,
    "trimestriel": 4, "trimestrielle": 4, "trimestriellement": 4, "quarterly": 4,
    "mensuel": 12, "mensuelle": 12, "mensuellement": 12, "monthly": 12,
    "hebdomadaire": 52, "weekly": 52, "quotidien": 365, "quotidienne": 365, "quotidiennement": 365,
    "journalier": 365, "journalière": 365, "daily": 365,
    "chaque jour": 365, "chaque nuit": 365, "toutes les nuits": 365, "each day": 365, "every night": 365,
    "nightly": 365, "chaque semaine": 52, "each week": 52, "chaque mois": 12, "each month": 12,
    "chaque trimestre": 4, "each quarter": 4, "chaque semestre": 2,
}
_FREQ_ADJ.update({w + "s": v for w, v in list(_FREQ_ADJ.items())
                  if w.endswith(("el", "elle", "ier", "ière", "ien", "ienne", "aire")) and " " not in w})
_FREQ_ADJ_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _FREQ_ADJ), key=len, reverse=True)) + r")\b", re.I)
_PER_YEAR = {"an": 1, "année": 1, "annee": 1, "year": 1, "mois": 12, "month": 12, "semaine": 52, "week": 52,
             "jour": 365, "day": 365, "trimestre": 4, "quarter": 4, "semestre": 2}

_ZONES = [
    ("NON_EU", r"hors (de l'|de la |du territoire de l')?(union europ[ée]enne|ue|eee|espace [ée]conomique europ[ée]en)\b"
               r"|outside (of )?the (eu|eea|european union|european economic area)\b|monde entier|worldwide|anywhere in the world"),
    ("EEA", r"espace [ée]conomique europ[ée]en|\beee\b|european economic area|\beea\b"),
    ("EU", r"union europ[ée]enne|\bu\.?e\.?\b|european union|\beu\b|\beurope\b"),
    ("FR", r"\bfrance\b|territoire fran[çc]ais|\ben france\b|m[ée]tropolitaine"),
    ("US", r"[ée]tats[- ]unis|\busa\b|united states|\bu\.s\.(a\.)?"),
    ("UK", r"royaume[- ]uni|united kingdom|\buk\b"),
    ("CH", r"\bsuisse\b|switzerland"),
    ("IN", r"\binde\b|\bindia\b"),
    ("CN", r"\bchine\b|\bchina\b"),
    ("CA", r"\bcanada\b"),
    ("MA", r"\bmaroc\b|morocco"),
    ("TN", r"\btunisie\b|tunisia"),
]
_NEGATED_BEFORE = re.compile(r"\b(jamais|pas|aucune?|interdit\w*|never|not|no|prohibited)\b[^.;]*$", re.I)
_ZONE_RES = [(code, re.compile(rx, re.IGNORECASE)) for code, rx in _ZONES]
_CERTS = [
    ("HDS", r"\bHDS\b|h[ée]bergeurs? (agr[ée][ée]|certifi[ée])s? (de |pour l'h[ée]bergement de )?donn[ée]es de sant[ée]"
            r"|certification h[ée]bergeur de donn[ée]es de sant[ée]|health data host"),
    ("ISO27001", r"iso(/iec)?\s*27\s?001"),
    ("ISO27017", r"iso(/iec)?\s*27\s?017"),
    ("ISO27018", r"iso(/iec)?\s*27\s?018"),
    ("ISO27701", r"iso(/iec)?\s*27\s?701"),
    ("SECNUMCLOUD", r"secnum\s?cloud"),
    ("SOC2", r"\bsoc\s?2\b"),
]
_CERT_RES = [(code, re.compile(rx, re.IGNORECASE)) for code, rx in _CERTS]


def _number(token: str) -> float:
    t = token.lower()
    if t in _SMALL:
        return float(_SMALL[t])
    if t in ("douze", "twelve"):
        return 12.0
    return float(t.replace(",", "."))


def normalise_numbers(text: str) -> str:
    """Number words -> digits (French and English), keeping the rest of the sentence."""
    out = text
    for lang in ("fr", "en"):
        try:
            out = alpha2digit(out, lang)
        except Exception:  # text2num may refuse odd inputs; figures are best effort
            pass
    return out


def durations(text: str) -> list[Figure]:
    t = normalise_numbers(text)
    out = []
    for m in _DURATION.finditer(t):
        raw_num, unit = m.group(1), m.group(3).lower()
        qualifier = (m.group(2) or m.group(4) or "").strip().lower()
        if raw_num.lower() in ("a", "an") and unit not in ("hour", "day", "week", "month", "year"):
            continue
        if unit in ("h", "j") and raw_num.lower() in ("un", "une", "a", "an", "one"):
            continue
        try:
            value = _number(raw_num) * _HOURS[unit]
        except (KeyError, ValueError):
            continue
        # "24h/24", "7j/7" describe service hours, not delays.
        if re.match(r"\s*/\s*\d", t[m.end():m.end() + 4]):
            continue
        note = qualifier or None
        if qualifier in ("ouvrés", "ouvres", "ouvrables", "business", "working"):
            value *= 1.4  # business days: a week of 5 working days spans 7 calendar days
        out.append(Figure("duration", round(value, 2), "hours", m.group(0).strip(), note))
    return out


def frequencies(text: str) -> list[Figure]:
    t = normalise_numbers(text)
    out = []
    for m in _FREQ_EXPLICIT.finditer(t):
        count = _number(m.group(1))
        out.append(Figure("frequency", count * _PER_YEAR.get(m.group(2).lower().rstrip("s"), 1), "per_year",
                          m.group(0).strip()))
    for m in _FREQ_EVERY.finditer(t):
        n = float(m.group(1)) if m.group(1) else 1.0
        unit = m.group(2).lower()
        key = next((k for k in _PER_YEAR if unit.startswith(k)), None)
        if key is None or n <= 0:
            continue
        out.append(Figure("frequency", round(_PER_YEAR[key] / n, 3), "per_year", m.group(0).strip()))
    for m in _FREQ_ADJ_RE.finditer(t):
        out.append(Figure("frequency", float(_FREQ_ADJ[m.group(1).lower()]), "per_year", m.group(0)))
    return out


def percentages(text: str) -> list[Figure]:
    out = []
    for m in _PERCENT.finditer(text):
        value = float(m.group(1).replace(",", "."))
        if 0 <= value <= 100:
            out.append(Figure("percentage", value, "percent", m.group(0)))
    return out


def locations(text: str) -> list[Figure]:
    out = []
    taken: list[tuple[int, int]] = []
    for code, rx in _ZONE_RES:
        for m in rx.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue  # "hors Union européenne" is NON_EU, not EU
            taken.append((m.start(), m.end()))
            if code == "NON_EU" and _NEGATED_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
                continue  # "jamais hors de l'UE", "no transfer outside the EEA": a ban, not a place
            out.append(Figure("location", code, "zone", m.group(0)))
    return out


def certifications(text: str) -> list[Figure]:
    out = []
    for code, rx in _CERT_RES:
        m = rx.search(text)
        if m:
            out.append(Figure("certification", code, "certification", m.group(0)))
    return out


EXTRACTORS = {
    "duration": durations,
    "frequency": frequencies,
    "percentage": percentages,
    "location": locations,
    "certification": certifications,
}


def extract(kind: str, text: str) -> list[Figure]:
    """All figures of one kind in a sentence."""
    return EXTRACTORS[kind](text)
