"""Pair double quotation marks into quoted spans, paragraph by paragraph.

Straight marks (") carry no direction, and curly ones are often typed the wrong way round, so each mark is
classed as opening or closing from its neighbours (an opening mark follows a space and precedes a word; a
closing mark does the reverse) and only falls back on its glyph, then on alternation, when the
neighbours do not tell. Quotes nest (a quoted question inside a quote); only the outermost span is kept.
A quote still open at the end of a paragraph runs to that end: news style leaves a quote unclosed when it
continues in the next paragraph, which opens again (Chicago Manual of Style 13.30).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

OPENING_MARKS = frozenset("\u201c\u201e\u00ab")
CLOSING_MARKS = frozenset("\u201d\u00bb")
DOUBLE_MARKS = OPENING_MARKS | CLOSING_MARKS | {'"'}
# Characters after which a mark followed by a word opens a quote, and before which a mark closes one.
_BEFORE_OPENING = frozenset("([{\u2014\u2013-/:,")
_AFTER_CLOSING = frozenset(".,;:!?)]}\u2014\u2013-\u2026'\u2019")

Role = Literal["open", "close", "either"]


@dataclass(frozen=True, slots=True)
class QuotedSpan:
    """The words between a pair of marks (whitespace trimmed), with the marks' own offsets.

    `close_mark` is None when the quote runs to the end of its paragraph without a closing mark.
    """

    start: int
    end: int
    open_mark: int
    close_mark: int | None
    paragraph: int

    @property
    def outer_end(self) -> int:
        """Offset just past the closing mark (or the content, when there is none)."""
        return self.end if self.close_mark is None else self.close_mark + 1


def find_quoted_spans(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[QuotedSpan]:
    """Outermost double-quoted spans of `text`, in order; `paragraphs` are (start, end) offsets."""
    spans: list[QuotedSpan] = []
    for number, (start, end) in enumerate(paragraphs):
        spans.extend(_paragraph_spans(text, start, end, number))
    return spans


def _paragraph_spans(text: str, start: int, end: int, paragraph: int) -> Iterator[QuotedSpan]:
    depth = 0
    opened = start
    for offset, role in _mark_roles(text, start, end):
        if role == "open" or (role == "either" and depth == 0):
            if depth == 0:
                opened = offset
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                span = _span(text, opened, offset, paragraph)
                if span is not None:
                    yield span
    if depth > 0:
        span = _span(text, opened, None, paragraph, end)
        if span is not None:
            yield span


def _mark_roles(text: str, start: int, end: int) -> Iterator[tuple[int, Role]]:
    for offset in range(start, end):
        char = text[offset]
        if char not in DOUBLE_MARKS:
            continue
        before = text[offset - 1] if offset > start else " "
        after = text[offset + 1] if offset + 1 < end else " "
        if not text[offset + 1 : end].strip():
            # The last mark of a paragraph closes whatever its glyph ("... worked out. “").
            yield offset, "close"
            continue
        opens = (before.isspace() or before in _BEFORE_OPENING) and not after.isspace()
        closes = (after.isspace() or after in _AFTER_CLOSING) and not before.isspace()
        if opens and not closes:
            yield offset, "open"
        elif closes and not opens:
            yield offset, "close"
        elif char in OPENING_MARKS:
            yield offset, "open"
        elif char in CLOSING_MARKS:
            yield offset, "close"
        else:
            yield offset, "either"


def _span(
    text: str, open_mark: int, close_mark: int | None, paragraph: int, paragraph_end: int = -1
) -> QuotedSpan | None:
    start = open_mark + 1
    end = close_mark if close_mark is not None else paragraph_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return QuotedSpan(start, end, open_mark, close_mark, paragraph)
