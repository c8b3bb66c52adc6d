"""An answer span made whole: a place as news names it, with its state or country.

The reader's span often stops at the first place of a pair: "Alexandria" for "Alexandria, Va.",
"Salinas" for "Salinas, Mexico", "Douglas" for "Douglas, Ariz.". The place after the comma tells which
Alexandria it is, and the answer a reader checks is the pair.
"""

from __future__ import annotations

import re
from itertools import pairwise

from qa.nlp import entities_of

__all__ = ["whole_answer"]


def whole_answer(text: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """`span` (character offsets in `text`) widened, when it ends a place, over the place that follows
    it after a comma ("Alexandria, Va.", "Salinas, Mexico"); otherwise unchanged."""
    if span is None:
        return None
    start, end = span
    if not text.startswith(",", end):
        return span  # no comma after it: no place to add, and no NER run for most answers
    places = [(low, high) for low, high, label in entities_of(text) if label == "GPE"]
    for (_, high), (low, next_high) in pairwise(places):
        if high == end and re.fullmatch(r",\s*", text[high:low]):
            return start, next_high
    return span
