"""Training windows for the speaker model, built from PolNeAR quotes (`../shared/eval/quotes.train.jsonl`).

One window per quote, direct and partial (the only two `quote_type`s the file holds). The question side
names the quote (its first `QUESTION_WORDS` words); the context is the quote's paragraph with the paragraph
before and after it (paragraphs are the article's lines: its text separates them with newlines, blank
lines between), with the quote itself between `«` and `»`. Those two characters are whole tokens of the
uncased WordPiece vocabulary (neither [UNK] nor split, nor normalised into another character), and news
text almost never uses them, so they mark the quote without being confused with the article's own
quotation marks, which stay in the context as they are.

The answer is the annotated speaker mention (`speaker_span`, marked by people) inside the window, the one
nearest the quote when several are; "no answer" when none lies inside it: the speaker is further away, or
the quote has no annotated mention at all (kept as "no answer": no mention is what the annotators
found).

Every character of a context maps back to the article (`Window.article_offset`), so a span the model
finds is a span of the article. The data is read at training time and never copied: windows live in
memory.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "CLOSE",
    "HELD_OUT_SHARE",
    "OPEN",
    "QUESTION_WORDS",
    "SEED",
    "QuoteType",
    "Window",
    "build_windows",
    "quote_window",
    "read_articles",
    "speaker_out_of_reach",
    "split_articles",
]

OPEN, CLOSE = "\u00ab", "\u00bb"  # « »
QUESTION_WORDS = 20
HELD_OUT_SHARE = 0.1  # of the train articles, held out to choose settings and report scores
SEED = 13

QuoteType = Literal["direct", "partial"]


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote of an article: its characters, its type and the annotated speaker mentions."""

    start: int
    end: int
    quote_type: QuoteType
    speaker_spans: tuple[tuple[int, int], ...]
    speaker_is_pronoun: bool


@dataclass(frozen=True, slots=True)
class Article:
    article_id: str
    text: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Window:
    """A quote over its context; `answer_start`/`answer_end` index `context`, -1 for no answer.

    `context` is `article[context_start:context_end]` with OPEN inserted before the quote's first
    character and CLOSE after its last.
    """

    article_id: str
    question: str
    context: str
    context_start: int
    context_end: int
    quote_start: int  # in the article
    quote_end: int
    answer_start: int  # in the context
    answer_end: int
    quote_type: QuoteType
    speaker_is_pronoun: bool

    @property
    def has_speaker(self) -> bool:
        return self.answer_start >= 0

    def article_offset(self, offset: int) -> int:
        """The article offset of context offset `offset` (a marker maps to the character after it)."""
        opened = self.quote_start - self.context_start  # where OPEN sits in the context
        if offset <= opened:
            return self.context_start + offset
        if offset <= opened + 1 + (self.quote_end - self.quote_start):
            return self.context_start + offset - 1
        return self.context_start + offset - 2


def read_articles(file: Path) -> list[Article]:
    """The articles of a PolNeAR quotes file (one JSON object a line), with their quotes."""
    articles = []
    with file.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            row = json.loads(line)
            quotes = []
            for q in row["quotes"]:
                if q["quote_type"] not in ("direct", "partial"):
                    raise ValueError(f"{file}:{number}: unknown quote_type {q['quote_type']!r}")
                start, end = q["char_span"]
                spans = tuple((int(s), int(e)) for s, e in q.get("speaker_span") or ())
                quotes.append(Quote(start, end, q["quote_type"], spans, bool(q.get("speaker_is_pronoun"))))
            articles.append(Article(str(row["article_id"]), row["text"], tuple(quotes)))
    return articles


def split_articles(article_ids: Iterable[str], share: float = HELD_OUT_SHARE, seed: int = SEED) -> set[str]:
    """The held-out ids: `share` of `article_ids`, drawn with `seed` whatever their order."""
    ids = sorted(set(article_ids))
    return set(random.Random(seed).sample(ids, round(len(ids) * share)))


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of `text`."""
    spans, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def quote_window(article: Article, quote: Quote, without: Literal["before", "after"] | None = None) -> Window:
    """The window of `quote`: its paragraph(s) with one more on each side, the quote marked.

    `without` leaves out the paragraph on that side (a window for `speaker_out_of_reach`).
    """
    paragraphs = _paragraphs(article.text)
    inside = [i for i, (s, e) in enumerate(paragraphs) if s < quote.end and e > quote.start]
    if not inside:
        raise ValueError(f"Quote {quote.start}:{quote.end} of {article.article_id} lies in no paragraph.")
    first = inside[0] if without == "before" else max(inside[0] - 1, 0)
    last = inside[-1] if without == "after" else min(inside[-1] + 1, len(paragraphs) - 1)
    start, end = paragraphs[first][0], paragraphs[last][1]
    text = article.text
    context = text[start : quote.start] + OPEN + text[quote.start : quote.end] + CLOSE + text[quote.end : end]
    answer_start = answer_end = -1
    reach = [
        (s, e)
        for s, e in quote.speaker_spans
        if s >= start and e <= end and (e <= quote.start or s >= quote.end)
    ]
    if reach:
        s, e = min(reach, key=lambda span: max(quote.start - span[1], span[0] - quote.end))
        answer_start, answer_end = _context_offset(s, start, quote), _context_offset(e, start, quote)
    words = text[quote.start : quote.end].split()
    return Window(
        article_id=article.article_id,
        question=" ".join(words[:QUESTION_WORDS]),
        context=context,
        context_start=start,
        context_end=end,
        quote_start=quote.start,
        quote_end=quote.end,
        answer_start=answer_start,
        answer_end=answer_end,
        quote_type=quote.quote_type,
        speaker_is_pronoun=quote.speaker_is_pronoun,
    )


def speaker_out_of_reach(article: Article, quote: Quote, window: Window) -> Window | None:
    """`window` without the neighbouring paragraph that holds its speaker, or None when the speaker is
    in the quote's own paragraph (or there is none).

    Only 2% of quotes have no speaker in reach, so the model would barely learn to say so; news has
    more of them than PolNeAR (transcripts, a pull quote signed below, a name two paragraphs up). The
    window left is the quote with its speaker out of reach: its answer is another annotated mention
    of the speaker still in it, or none.
    """
    if not window.has_speaker:
        return None
    speaker_start = window.article_offset(window.answer_start)
    paragraphs = _paragraphs(article.text)
    own = [(s, e) for s, e in paragraphs if s < quote.end and e > quote.start]
    if own[0][0] <= speaker_start < own[-1][1]:
        return None
    return quote_window(article, quote, "before" if speaker_start < quote.start else "after")


def _context_offset(offset: int, start: int, quote: Quote) -> int:
    """The context offset of article offset `offset` outside the quote."""
    return offset - start if offset <= quote.start else offset - start + 2


def build_windows(articles: Sequence[Article], out_of_reach: bool = False) -> list[Window]:
    """One window per quote of `articles`, in article order; with `out_of_reach`, each followed by its
    `speaker_out_of_reach` window where there is one."""
    windows = []
    for article in articles:
        for quote in article.quotes:
            window = quote_window(article, quote)
            windows.append(window)
            extra = speaker_out_of_reach(article, quote, window) if out_of_reach else None
            if extra is not None:
                windows.append(extra)
    return windows
