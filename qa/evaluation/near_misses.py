"""Near misses: hard unanswerable questions made from answerable ones.

Leaving an article out of the search (`qa eval`'s leave-one-out set) makes easy unanswerable questions:
the words of the question are mostly gone from the store. A near miss keeps them: the same question
with its key year, number or name changed to one that no article of the store holds ("in 2011" for
"in 2004", another company, another person), asked over the whole store. The right answer is an
abstention. One change per question, in that order of preference, drawn with a fixed seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qa.nlp import load_spacy

__all__ = ["NearMiss", "make_near_misses"]

_YEAR = re.compile(r"\b(1[0-9]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"\b\d[\d,]*(?:\.\d+)?\b")
_LABELS = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "NORP": "group"}

# Stand-ins for a changed name, by kind: made-up or unlikely to stand in a given store; each one used
# is checked against the store's text before it is chosen.
_STAND_INS = {
    "person": (
        "Margaret Okonkwo", "Henrik Vastergaard", "Luis Ferreira Lima", "Anika Brandstetter",
        "Tobias Ellingham", "Chiara Montevecchi", "Dmitri Kovalenko", "Yusuf Demirtas",
    ),
    "org": (
        "Kestrel Dynamics", "the Halvorsen Foundation", "Northwind Logistics", "Quantarc Systems",
        "the Brightwater Trust", "Calloway Motors",
    ),
    "place": ("Luxembourg", "Tasmania", "Reykjavik", "Montevideo", "Ulaanbaatar", "Nova Scotia"),
    "group": ("Icelandic", "Uruguayan", "Mongolian", "Estonian"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A changed question; `original` and `changed` are the words swapped."""

    source_id: str
    question: str
    original: str
    changed: str


def make_near_misses(
    questions: Iterable[tuple[str, str]], texts: Sequence[str], seed: int = 7
) -> list[NearMiss]:
    """Near misses of (id, question) pairs over a store holding `texts`; questions with no year,
    number or name found in the store are skipped."""

    rng = random.Random(seed)
    corpus = "\n".join(texts).lower()
    nlp = load_spacy()
    made = []
    for qid, question in questions:
        changed = _change_year(question, corpus, rng) or _change_number(question, corpus, rng)
        if changed is None:
            changed = _change_name(question, nlp(question), corpus, rng)
        if changed is not None:
            text, original, new = changed
            made.append(NearMiss(qid, text, original, new))
    return made


def _absent(word: str, corpus: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(word.lower())}(?![\w])", corpus) is None


def _replace(question: str, start: int, end: int, new: str) -> tuple[str, str, str]:
    return question[:start] + new + question[end:], question[start:end], new


def _change_year(question: str, corpus: str, rng: random.Random) -> tuple[str, str, str] | None:
    years = list(_YEAR.finditer(question))
    if not years:
        return None
    match = rng.choice(years)
    for _ in range(30):
        year = str(int(match.group()) + rng.choice([-1, 1]) * rng.randint(1, 12))
        if _absent(year, corpus):
            return _replace(question, match.start(), match.end(), year)
    return None


def _change_number(question: str, corpus: str, rng: random.Random) -> tuple[str, str, str] | None:
    numbers = [m for m in _NUMBER.finditer(question) if not _YEAR.fullmatch(m.group())]
    if not numbers:
        return None
    match = rng.choice(numbers)
    value = float(match.group().replace(",", ""))
    for _ in range(30):
        new = value * rng.choice([2, 3, 5]) + rng.randint(1, 9)
        text = f"{new:,.0f}" if new == int(new) else f"{new:,}"
        if _absent(text, corpus):
            return _replace(question, match.start(), match.end(), text)
    return None


def _change_name(question: str, doc: object, corpus: str, rng: random.Random) -> tuple[str, str, str] | None:
    entities = [e for e in getattr(doc, "ents", ()) if e.label_ in _LABELS and not _absent(e.text, corpus)]
    if not entities:
        return None
    entity = rng.choice(entities)
    choices = [s for s in _STAND_INS[_LABELS[entity.label_]] if _absent(s, corpus)]
    if not choices:
        return None
    new = rng.choice(choices)
    if question[: entity.start_char].lower().endswith("the ") and new.startswith("the "):
        new = new[4:]
    return _replace(question, entity.start_char, entity.end_char, new)
