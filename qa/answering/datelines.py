"""A news story's dateline ("WASHINGTON --", "MEXICO CITY, Feb. 8 (UPI) —", "RANGOON, Burma -") is
where the story was filed, not part of what it says: the reader took it for the answer ("Which college
did he lead?" → "WASHINGTON"), so the reader reads a sentence without it (`body_start`).

Only the first sentences of an article can open with one (`DATELINE_POSITIONS`: a headline or a byline
may come first), and the place is written in capitals or followed by a wire agency in brackets, so a
sentence opening "Trump — the nominee — said" keeps its words."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from index.models import Sentence
from qa.answering.reader.reader import Reader, Reading

__all__ = ["DATELINE_POSITIONS", "body_start", "read_bodies"]

DATELINE_POSITIONS = 4  # sentences 0-3 of an article: a headline, a byline, a kicker may stand before it

# A place in capitals ("WASHINGTON", "MEXICO CITY", "ST. LOUIS"; not "U.S. - China talks"), or in any
# case when an agency in brackets follows it; then a region (", Burma", ", Conn."), a date (", Feb. 8",
# ", March 3, 2021"), an agency ("(Reuters)"), and a dash before a capital, a digit or a quote mark.
_CAPITALS = r"(?=[A-Z.'’ ]*[A-Z]{3})[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}"  # three letters at least
_PLACE = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_REGION = r"(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?"
_DATE = r"(?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s+\d{4})?)?"
_AGENCY = r"\s*\([A-Za-z .]{2,20}\)"
_DASH = r"\s*(?:--|[-–—])\s+"
_DATELINE = re.compile(
    rf"(?:{_CAPITALS}{_REGION}{_DATE}(?:{_AGENCY})?|{_PLACE}{_REGION}{_DATE}{_AGENCY}){_DASH}(?=[A-Z0-9\"“‘'])"
)


def body_start(text: str, position: int) -> int:
    """Where the sentence `text` at `position` of its article starts after its dateline (0: none)."""
    if position >= DATELINE_POSITIONS:
        return 0
    match = _DATELINE.match(text)
    return match.end() if match else 0


def read_bodies(
    reader: Reader, question: str, pairs: Sequence[tuple[Sentence | None, Sentence]]
) -> list[Reading]:
    """`reader.read` of (context before, sentence) pairs with the datelines cut from both; the spans
    index the whole sentences (and the reading of the context, the whole context)."""
    cuts = [(body_start(b.text, b.position) if b else 0, body_start(s.text, s.position)) for b, s in pairs]
    readings = reader.read(
        question, [(b.text[cb:] if b else "", s.text[cs:]) for (b, s), (cb, cs) in zip(pairs, cuts)]
    )
    return [_shifted(r, cs, cb) for r, (cb, cs) in zip(readings, cuts)]


def _shifted(reading: Reading, by: int, before_by: int) -> Reading:
    """`reading` with its span `by` characters later and its context's span `before_by` later."""
    span = None if reading.span is None else (reading.span[0] + by, reading.span[1] + by)
    before = None if reading.before is None else _shifted(reading.before, before_by, 0)
    return dataclasses.replace(reading, span=span, before=before)
