"""Actors resolved once per document: who is the supplier, who is the client.

A contract names its parties in its own way: « le Prestataire », « le Titulaire », the vendor's brand
as a defined term, « nous » / « vous », "Provider" / "Customer". The generic role nouns and cue words
are data (``clause_library/_actors.yaml``); the terms a contract defines (« ci-après « X » »,
« « X » désigne », (the "X")) are classified by the role nouns of their definition. Every rule then
asks the same questions of a sentence: is a duty put on the client here, does the supplier commit?
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from clausier.engine.vocabulary import fold, term_words
from clausier.library.schema import ActorSpec


def term_regex(terms: list[str]) -> str:
    """One alternation matching any of the terms on folded text (words, '*' = any ending)."""
    alts = []
    for t in sorted(set(terms), key=len, reverse=True):
        words = term_words(t)
        if not words:
            continue
        parts = [re.escape(w[:-1]) + "[a-z0-9]*" if w.endswith("*") else re.escape(w) for w in words]
        alts.append(r"[\s'\-\\]{1,3}".join(parts))
    return r"(?<![a-z0-9])(?:" + "|".join(alts) + r")(?![a-z0-9])"


# Defined terms: « ... » or "..." after "ci-après (dénommé) (le)", before "désigne/means", or in
# parentheses after a party's description. On folded text (no accents, lower case).
_Q_OPEN = "\"«“"
_Q_CLOSE = "\"»”"
_NAME = rf"[{_Q_OPEN}]\s*([^{_Q_CLOSE}\n]{{2,40}}?)\s*[{_Q_CLOSE}]"
_DEFINITIONS = [
    re.compile(rf"ci[\s-]apres\s*(?:,\s*)?(?:(?:denomme|designe|appele|nomme|reference)e?s?\s+)?(?:(?:comme|par)\s+)?"
               rf"(?:(?:le|la|les|l')\s*)?{_NAME}"),
    re.compile(rf"(?:hereinafter|hereafter)\s*(?:,\s*)?(?:(?:referred\s+to|called|designated)\s+(?:as\s+)?)?(?:the\s+)?{_NAME}"),
    re.compile(rf"\(\s*(?:the\s+|le\s+|la\s+|l')?{_NAME}\s*\)"),
    re.compile(rf"(?:^|\n|\s)(?:le\s+|la\s+|les\s+|l'|the\s+)?{_NAME}\s*(?::\s*)?(?:designe|signifie|means|refers\s+to|shall\s+mean)\b"),
]
_CONTEXT = 300  # characters before a definition where its party is described


@dataclass(frozen=True)
class Actors:
    """The document's actors: the terms naming the supplier and the client, and why."""

    supplier: tuple[str, ...]
    client: tuple[str, ...]
    defined: tuple[tuple[str, str], ...]  # (defined name, "supplier" | "client")
    first_person_supplier: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "supplier": [n for n, r in self.defined if r == "supplier"] + (["nous"] if self.first_person_supplier else []),
            "client": [n for n, r in self.defined if r == "client"] + (["vous"] if self.first_person_supplier else []),
        }


class ActorResolver:
    """Built once from the library; ``resolve`` reads one document, ``matcher`` answers per sentence."""

    def __init__(self, spec: ActorSpec) -> None:
        self.spec = spec
        self._supplier_rx = re.compile(term_regex(spec.supplier))
        self._client_rx = re.compile(term_regex(spec.client))
        self._company_rx = re.compile(term_regex(spec.company_words)) if spec.company_words else None
        self._first_rx = re.compile(term_regex(spec.first_person)) if spec.first_person else None
        self._second_rx = re.compile(term_regex(spec.second_person)) if spec.second_person else None

    def resolve(self, text: str) -> Actors:
        folded = fold(text)
        defined: dict[str, str] = {}
        for rx in _DEFINITIONS:
            for m in rx.finditer(folded):
                name = " ".join(m.group(1).split()).strip(" .,'")
                if len(name) < 2 or name in defined or not re.search(r"[a-z]", name):
                    continue
                role = self._role_of(name, folded[max(0, m.start() - _CONTEXT):m.start()], folded[m.end():m.end() + 200])
                if role is not None:
                    defined[name] = role
        first = bool(self._first_rx and len(self._first_rx.findall(folded)) >= self.spec.min_mentions)
        second = bool(self._second_rx and len(self._second_rx.findall(folded)) >= self.spec.min_mentions)
        first_person = first and second
        supplier = list(self.spec.supplier) + [n for n, r in defined.items() if r == "supplier"]
        client = list(self.spec.client) + [n for n, r in defined.items() if r == "client"]
        if first_person:
            supplier += self.spec.first_person
            client += self.spec.second_person
        return Actors(tuple(supplier), tuple(client), tuple(sorted(defined.items())), first_person)

    def _role_of(self, name: str, before: str, after: str) -> str | None:
        """A defined name's role: from role nouns in the name itself, else in its definition."""
        if self._client_rx.search(name):
            return "client"
        if self._supplier_rx.search(name):
            return "supplier"
        if len(name.split()) > 3:
            return None  # a defined concept ("Données à caractère personnel"), not a party
        # the clause of the definition just before the name ("La société X, ..., ci-après « Y »")
        tail = re.split(r"[.;]\s|\n\n|\bet\b|\band\b|\bd'une part\b|\bd'autre part\b", before)[-1]
        tail_client = bool(self._client_rx.search(tail))
        tail_supplier = bool(self._supplier_rx.search(tail)) or bool(self._company_rx and self._company_rx.search(tail))
        if tail_client and not tail_supplier:
            return "client"
        if tail_supplier and not tail_client:
            return "supplier"
        # "« X » désigne la société ... / le client ..."
        head = re.split(r"[.;]\s|\n", after)[0]
        if self._client_rx.search(head) and not self._supplier_rx.search(head):
            return "client"
        if (self._supplier_rx.search(head) or (self._company_rx and self._company_rx.search(head))) \
                and not self._client_rx.search(head):
            return "supplier"
        return None

    def matcher(self, actors: Actors) -> ActorMatcher:
        return ActorMatcher(actors, self.spec)


class ActorMatcher:
    """Per-document questions about one sentence (folded text)."""

    def __init__(self, actors: Actors, spec: ActorSpec) -> None:
        self.actors = actors
        client = term_regex(list(actors.client))
        supplier = term_regex(list(actors.supplier))
        duty = term_regex(spec.duty + ["devez", "devrez", "etes tenu", "etes responsable"])
        commit = term_regex(spec.commitment)
        # the client as the subject: at the start of a clause or after a determiner, never as a
        # complement ("du Client", "de l'établissement", "to the Customer"); no supplier in between
        not_complement = "".join(rf"(?<!\b{w} )" for w in ("de", "a", "par", "pour", "of", "to", "by", "for", "with", "avec", "aupres"))
        determiner = r"(?:le|la|les|l'|the|chaque|each|tout|toute|tous|ce|cet|cette|son|sa|ses|votre|your)\s*"
        subject = rf"(?:(?:^|(?<=[,:(\"«]))\W*(?:{determiner})?{client}|{not_complement}(?<![a-z0-9']){determiner}{client})"
        gap = rf"(?:(?!{supplier})[^.;:!?]){{0,40}}?"
        parts = [rf"{subject}{gap}{duty}"]
        if actors.first_person_supplier:  # "vous devez", "you must"
            parts.append(rf"(?<![a-z0-9]){term_regex(spec.second_person)}{gap}{duty}")
        commit_gap = r"(?:[^.;:!?]{0,40}?)"
        if spec.impersonal_duty:
            impersonal = term_regex(spec.impersonal_duty)
            # "il appartient au Client", "à la charge du Client"; second-person forms stand alone
            parts.append(rf"{impersonal}[\s']{{0,3}}(?:l'|la\s+|le\s+|du\s+|des\s+|the\s+|its\s+)?{client}")
            if actors.first_person_supplier:
                parts.append(term_regex(["il vous appartient", "il vous incombe", "il vous revient", "vous incombe",
                                         "your responsibility", "your sole responsibility"]))
        self.client_duty_rx = re.compile("|".join(f"(?:{p})" for p in parts))
        self.supplier_commit_rx = re.compile(rf"{supplier}{commit_gap}{commit}")

    def client_duty(self, folded_sentence: str) -> tuple[int, int] | None:
        """Span of a duty put on the client, when the supplier does not commit in the same sentence."""
        m = self.client_duty_rx.search(folded_sentence)
        if m is None or self.supplier_commit_rx.search(folded_sentence):
            return None
        return m.start(), m.end()


