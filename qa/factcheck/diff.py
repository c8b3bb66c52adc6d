"""Word-level alignment of a pasted wording with the words that stand in an article.

Words are compared folded (lower case, no punctuation, curly and straight quote marks alike), so
"exact" ignores case, punctuation and quote marks; the diff shows the article's own words.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "TEXT_MARKS",
    "Alignment",
    "DiffMarks",
    "DiffOp",
    "DiffPiece",
    "Word",
    "align",
    "folded_words",
    "render_diff",
    "similarity_bound",
    "words",
]

DiffOp = Literal["same", "added", "dropped", "changed"]

_WORD = re.compile(r"[\w'\u2019-]+|[^\w\s]", re.UNICODE)
_ALNUM = re.compile(r"[^\W_]")


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a text: its characters there and its folded form (empty for punctuation)."""

    start: int
    end: int
    text: str
    folded: str


@dataclass(frozen=True, slots=True)
class DiffPiece:
    """One step from the article's words to the pasted ones: `text` is the pasted words (the article's
    for `same` and `dropped`), `original` the article's words a `changed` piece replaces."""

    op: DiffOp
    text: str
    original: str | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    """The stretch of a passage that the pasted words align with, and how alike they are.

    `start`/`end` index the passage; `similarity` is 2 × matched words ÷ (pasted + stretch words);
    `exact` when the stretch holds the pasted words and no others (folded)."""

    start: int
    end: int
    similarity: float
    exact: bool
    diff: tuple[DiffPiece, ...]


def words(text: str) -> list[Word]:
    """The words of `text` that count: punctuation and quote marks are left out."""
    found = []
    for match in _WORD.finditer(text):
        folded = _fold(match.group())
        if folded:
            found.append(Word(match.start(), match.end(), match.group(), folded))
    return found


def folded_words(text: str) -> list[str]:
    """The folded forms of `words(text)`, without building the words."""
    return [f for f in map(_fold, _WORD.findall(text)) if f]


def _fold(word: str) -> str:
    """`word` lower-cased, curly apostrophes straight, with no apostrophe or hyphen at either end;
    empty when no letter or digit is left."""
    folded = word.lower().replace("\u2019", "'").strip("'-")
    return folded if _ALNUM.search(folded) else ""


def similarity_bound(pasted: Counter[str], passage: Sequence[str]) -> float:
    """The highest similarity `align` can give pasted words (their folded forms counted: `pasted`)
    against a passage with these folded words: no alignment matches more words than the two share
    (counted with repeats), and its stretch holds at least the words it matches."""
    shared = sum((pasted & Counter(passage)).values())
    return 2 * shared / (pasted.total() + shared) if shared else 0.0


def align(
    pasted: Sequence[Word], passage_text: str, passage: Sequence[Word] | None = None
) -> Alignment | None:
    """How `pasted` words align with a passage; None when no word matches.

    The stretch runs from the first to the last passage word matched, so a short quote inside a long
    sentence is compared with its own words, not with the whole sentence."""
    passage = list(passage) if passage is not None else words(passage_text)
    a = [w.folded for w in passage]
    b = [w.folded for w in pasted]
    if not a or not b:
        return None
    blocks = [m for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks() if m.size]
    if not blocks:
        return None
    lo, hi = blocks[0].a, blocks[-1].a + blocks[-1].size
    stretch = passage[lo:hi]
    matcher = difflib.SequenceMatcher(None, a[lo:hi], b, autojunk=False)
    matched = sum(m.size for m in matcher.get_matching_blocks())
    similarity = 2 * matched / (len(b) + len(stretch))
    diff = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        original = _join(passage_text, stretch[i1:i2])
        given = " ".join(w.text for w in pasted[j1:j2])
        if op == "equal":
            diff.append(DiffPiece("same", original))
        elif op == "delete":
            diff.append(DiffPiece("dropped", original))
        elif op == "insert":
            diff.append(DiffPiece("added", given))
        else:
            diff.append(DiffPiece("changed", given, original))
    exact = [w.folded for w in stretch] == b
    return Alignment(stretch[0].start, stretch[-1].end, round(similarity, 4), exact, tuple(diff))


def _join(text: str, run: Sequence[Word]) -> str:
    """The words of `run` as they stand in `text` (punctuation between them kept)."""
    return text[run[0].start : run[-1].end] if run else ""


@dataclass(frozen=True, slots=True)
class DiffMarks:
    """How a rendering marks the pieces of a diff: templates around the (escaped) words."""

    dropped: str  # "{}" stands for the article's words the pasted text drops
    added: str  # "{}" for the words the pasted text adds
    changed: str  # "{was}" and "{now}" for the article's words and the pasted ones
    escape: Callable[[str], str] = str


TEXT_MARKS = DiffMarks("[-{}-]", "{{+{}+}}", "[-{was}-]{{+{now}+}}")


def render_diff(diff: Sequence[DiffPiece], marks: DiffMarks = TEXT_MARKS) -> str:
    """The diff as one line of words, each piece marked by `marks` (plain text by default:
    [-dropped-] {+added+} [-was-]{+now+})."""
    parts = []
    for piece in diff:
        text = marks.escape(piece.text)
        if piece.op == "same":
            parts.append(text)
        elif piece.op == "dropped":
            parts.append(marks.dropped.format(text))
        elif piece.op == "added":
            parts.append(marks.added.format(text))
        else:
            parts.append(marks.changed.format(was=marks.escape(piece.original or ""), now=text))
    return " ".join(parts)
