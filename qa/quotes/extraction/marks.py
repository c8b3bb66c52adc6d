"""Pair double quotation marks into quoted spans, paragraph by paragraph, the way news writes them.

Straight marks (") carry no direction, and curly ones are often typed the wrong way round, so each mark is
classed as opening or closing from its neighbours (an opening mark follows a space and precedes a word; a
closing mark does the reverse) and only falls back on its glyph, then on alternation, when the
neighbours do not tell. Quotes nest (a quoted question inside a quote); only the outermost span is kept.

A quote still open at the end of its paragraph is one of two things. News style leaves a quote unclosed
when it runs on into the next paragraph, which opens again with a mark (Chicago Manual of Style 13.30):
then it runs to the paragraph's end. Otherwise a mark is missing, and the words after the opening mark
are quoted only as far as they can be speech: up to an attribution inside them ('"We will win, he said.
Turnout fell ...' quotes "We will win,"), and not at all when they hold closed quotes of their own (the
opening mark was the stray one: the words between two quotes are narration) or when the mark opened a
fragment after a word ('called the plan "a disgrace. The vote ...': its end cannot be told). A closing
mark with no open quote is a stray and opens nothing: a paragraph that starts without a mark is never
inside a quote.

Some news text writes a double mark as two characters: two apostrophes (''We will win,'' he said; the
New York Times's archive text) or, typeset the TeX way, two backquotes opening it (``We will win,'').
Such text is read with each pair turned into one straight mark and a space (`as_double_marks`), every
offset kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from qa.quotes import lexicon

OPENING_MARKS = frozenset("\u201c\u201e\u00ab")
CLOSING_MARKS = frozenset("\u201d\u00bb")
DOUBLE_MARKS = OPENING_MARKS | CLOSING_MARKS | {'"'}
# Characters after which a mark followed by a word opens a quote, and before which a mark closes one.
_BEFORE_OPENING = frozenset("([{\u2014\u2013-/:,")
_AFTER_CLOSING = frozenset(".,;:!?)]}\u2014\u2013-\u2026'\u2019")
# An attribute's value in markup the text kept ('<tweet author="realDonaldTrump" id="6677">'): its marks
# quote nobody.
_MARKUP_VALUE = re.compile(r'(?<=[\w-]=)"[^"\n]*"')

Role = Literal["open", "close", "either"]
# Two apostrophes standing for a double mark (of three, the last two: the first closes a single-quoted
# quote inside it), or two backquotes.
_TWO_CHARACTER_MARK = re.compile(r"''(?!')|``")


@dataclass(frozen=True, slots=True)
class QuotedSpan:
    """The words between a pair of marks (whitespace trimmed), with the marks' own offsets.

    `close_mark` is None when the quote has no closing mark: it runs on to the end of its paragraph, or
    ends where an attribution starts after a missing closing mark.
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


def as_double_marks(text: str) -> str:
    """`text` with each two-character double mark ('' or ``) turned into a straight mark and a space,
    the space on the side away from the quoted words (' "We' opening, '" ' closing), so that every
    offset stays the same."""
    if "''" not in text and "``" not in text:
        return text

    def one_mark(match: re.Match[str]) -> str:
        start, end = match.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        opens = match.group() == "``" or (
            (before.isspace() or before in _BEFORE_OPENING) and not after.isspace()
        )
        return ' "' if opens else '" '

    return _TWO_CHARACTER_MARK.sub(one_mark, text)


def find_quoted_spans(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[QuotedSpan]:
    """Outermost double-quoted spans of `text`, in order; `paragraphs` are (start, end) offsets."""
    spans: list[QuotedSpan] = []
    for number, (start, end) in enumerate(paragraphs):
        following = paragraphs[number + 1] if number + 1 < len(paragraphs) else None
        runs_on = following is not None and _opens_with_mark(text, *following)
        spans.extend(_paragraph_spans(text, start, end, number, runs_on))
    return spans


@dataclass(slots=True)
class _Pair:
    """A quote being paired: its marks, the quotes nested in it, and where it was cut short, if it was."""

    open_mark: int
    close_mark: int | None = None
    children: list[_Pair] = field(default_factory=list)
    cut: int | None = None


def _paragraph_spans(text: str, start: int, end: int, paragraph: int, runs_on: bool) -> Iterator[QuotedSpan]:
    top: list[_Pair] = []
    stack: list[_Pair] = []
    for offset, role in _mark_roles(text, start, end):
        if role == "open" or (role == "either" and not stack):
            pair = _Pair(offset)
            (stack[-1].children if stack else top).append(pair)
            stack.append(pair)
        elif stack:
            stack.pop().close_mark = offset
        # A closing mark with nothing open is a stray: it opens nothing.
    for pair in _settle(text, top, end, runs_on):
        span = _span(text, pair.open_mark, pair.close_mark, paragraph, end if pair.cut is None else pair.cut)
        if span is not None:
            yield span


def _settle(text: str, pairs: list[_Pair], end: int, runs_on: bool) -> Iterator[_Pair]:
    """The outermost quotes, with each unclosed one cut, kept or dropped as the module docstring says."""
    for pair in pairs:
        if pair.close_mark is not None:
            yield pair
            continue
        cut = _attribution_inside(text, pair, end)
        if cut is not None:
            yield _Pair(pair.open_mark, cut=cut)
            yield from _settle(text, [c for c in pair.children if c.open_mark >= cut], end, runs_on)
        elif runs_on:
            yield pair
        elif pair.children:
            yield from _settle(text, pair.children, end, runs_on)
        elif not _after_a_word(text, pair.open_mark):
            yield pair


def _attribution_inside(text: str, pair: _Pair, end: int) -> int | None:
    """Where an unclosed quote ends before an attribution in its own words ('..., he said'), or None.

    The offset returned is just past the quote's last punctuation.
    """
    # Nested quotes are blanked out: an attribution inside them belongs to them.
    body = list(text[pair.open_mark + 1 : end])
    for child in pair.children:
        stop = child.close_mark + 1 if child.close_mark is not None else end
        for i in range(child.open_mark - pair.open_mark - 1, stop - pair.open_mark - 1):
            body[i] = "\u2026"
    match = _attribution_pattern().search("".join(body))
    return None if match is None else pair.open_mark + 1 + match.end("punct")


@lru_cache(maxsize=1)
def _attribution_pattern() -> re.Pattern[str]:
    """Punctuation, then a speaker and a reporting verb (', he said') or the reverse (', said Ford')."""
    verbs = "|".join(sorted(_verb_forms(), key=len, reverse=True))
    # "I" is left out: "..., I said" is a speaker quoting themself.
    speaker = (
        r"(?:[Hh]e|[Ss]he|[Tt]hey|[Tt]he\s+[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}"
        r"|[A-Z][\w'\u2019.-]+(?:\s+[A-Z][\w'\u2019.-]*){0,3})"
    )
    forward = rf"{speaker}\s+(?:also\s+)?(?:{verbs})\b"
    inverted = rf"(?:{verbs})\s+(?:he\b|she\b|the\s|[A-Z])"
    return re.compile(rf"(?P<punct>[,?!.\u2014\u2013])\s+(?:{forward}|{inverted})")


_IRREGULAR = {
    "say": ("said", "says"),
    "tell": ("told", "tells"),
    "write": ("wrote", "writes"),
    "swear": ("swore", "swears"),
    "sing": ("sang", "sings"),
    "read": ("read", "reads"),
}


def _verb_forms() -> set[str]:
    """Past and third-person forms of the reporting verbs ("add" -> "added", "adds")."""
    forms: set[str] = set()
    for verb in lexicon.REPORTING_VERBS:
        if verb in _IRREGULAR:
            forms.update(_IRREGULAR[verb])
        elif verb.endswith("e"):
            forms.update((verb + "d", verb + "s"))
        elif verb.endswith("y") and verb[-2] not in "aeiou":
            forms.update((verb[:-1] + "ied", verb[:-1] + "ies"))
        elif verb.endswith(("sh", "ch", "ss", "x")):
            forms.update((verb + "ed", verb + "es"))
        else:
            forms.update((verb + "ed", verb + "s", verb + verb[-1] + "ed"))
    return forms


def _after_a_word(text: str, offset: int) -> bool:
    """Whether the mark follows a word, as a quoted fragment's does ('called it "a disgrace').

    A fragment left open has lost its closing mark somewhere in the writer's sentence, so no end for it
    can be told.
    """
    before = text[max(0, offset - 16) : offset]
    return before.endswith((" ", "\t")) and before.rstrip(" \t")[-1:].isalnum()


def _opens_with_mark(text: str, start: int, end: int) -> bool:
    words = text[start:end].lstrip()  # a two-character mark read as one leaves a space before it
    return words[:1] in DOUBLE_MARKS and bool(words[1:].strip())


def _mark_roles(text: str, start: int, end: int) -> Iterator[tuple[int, Role]]:
    markup = {
        m for value in _MARKUP_VALUE.finditer(text, start, end) for m in (value.start(), value.end() - 1)
    }
    for offset in range(start, end):
        char = text[offset]
        if char not in DOUBLE_MARKS or offset in markup:
            continue
        before = text[offset - 1] if offset > start else " "
        after = text[offset + 1] if offset + 1 < end else " "
        if not text[offset + 1 : end].strip():
            # The last mark of a paragraph closes whatever its glyph ("... worked out. “").
            yield offset, "close"
            continue
        opens = (before.isspace() or before in _BEFORE_OPENING) and not after.isspace()
        closes = (after.isspace() or after in _AFTER_CLOSING) and not before.isspace()
        if before in ",:" and after.isalpha():
            # A mark glued between a comma and a word ('audiences,"Katie Packer said') closes an open
            # quote or opens one ('said,"We'): a curly glyph tells which, else only the pairing can.
            yield offset, "close" if char in CLOSING_MARKS else "open" if char in OPENING_MARKS else "either"
        elif opens and not closes:
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
