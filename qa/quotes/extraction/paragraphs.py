"""Paragraphs of an article parsed once by spaCy, with each token's quote and sentence numbers."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.models import Sentence
from qa.nlp import load_spacy
from qa.quotes.extraction.marks import QuotedSpan

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph: article offsets, its parse, and per-token quote index and sentence number."""

    number: int
    start: int
    end: int
    text: str  # the words parsed, `doc.text` (which joins every token's text again at each use)
    doc: Doc
    in_quote: tuple[int, ...]  # per token: index into the article's quoted spans, or -1
    sentence_of: tuple[int, ...]  # per token: sentence number in the article (spaCy's sentences)
    # per token: its offset in the article (in order: `bisect` finds the tokens before an offset)
    offsets: tuple[int, ...]
    sentences: tuple[Span, ...]  # spaCy's sentences of `doc` (each `doc.sents` walks every token again)

    def tokens_before(self, offset: int) -> int:
        """How many of the paragraph's tokens start before article offset `offset`."""
        return bisect.bisect_left(self.offsets, offset)


def paragraph_bounds(sentences: Sequence[Sentence]) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, from the sentence splitter's paragraph numbers."""
    bounds: dict[int, tuple[int, int]] = {}
    for sentence in sentences:
        start, end = bounds.get(sentence.paragraph, (sentence.start, sentence.end))
        bounds[sentence.paragraph] = (min(start, sentence.start), max(end, sentence.end))
    return [bounds[number] for number in sorted(bounds)]


# Paragraph texts parsed ahead (`parsed_ahead`), each with its docs in the order parsed.
_AHEAD: dict[str, list[Doc]] = {}


@contextmanager
def parsed_ahead(texts: Iterable[str]) -> Iterator[None]:
    """Parse `texts` now, in one stream, for `parse_paragraphs` to take instead of parsing them itself
    while inside: spaCy parses a batch of articles' paragraphs together a sixth faster than one article
    at a time (bench/README.md), with the same parses."""
    texts = list(texts)
    for text, doc in zip(texts, load_spacy().pipe(texts, batch_size=64), strict=True):
        _AHEAD.setdefault(text, []).append(doc)
    try:
        yield
    finally:
        _AHEAD.clear()


def _parse(texts: list[str]) -> Iterable[Doc]:
    """The docs of `texts`: those parsed ahead when every one of them was, else parsed here."""
    if _AHEAD and all(len(_AHEAD.get(text, ())) >= count for text, count in Counter(texts).items()):
        return [_AHEAD[text].pop(0) for text in texts]
    docs: Iterable[Doc] = load_spacy().pipe(texts, batch_size=64)
    return docs


def parse_paragraphs(
    text: str, bounds: Sequence[tuple[int, int]], spans: Sequence[QuotedSpan]
) -> list[Paragraph]:
    """Parse each paragraph (one `nlp.pipe` pass, or as parsed ahead) and mark which tokens sit inside
    which quote."""
    docs = _parse([text[start:end] for start, end in bounds])
    paragraphs: list[Paragraph] = []
    span_index = 0
    sentence_base = 0
    for number, ((start, end), doc) in enumerate(zip(bounds, docs, strict=True)):
        sentence_of: list[int] = []
        sentences = tuple(doc.sents)
        for sentence in sentences:  # spaCy's sentences cover the doc's tokens in order
            sentence_of.extend([sentence_base] * len(sentence))
            sentence_base += 1
        while span_index < len(spans) and spans[span_index].paragraph < number:
            span_index += 1
        offsets = [start + token.idx for token in doc]
        in_quote = [-1] * len(doc)
        index = span_index
        while index < len(spans) and spans[index].paragraph == number:
            span = spans[index]
            first = bisect.bisect_left(offsets, span.open_mark)
            last = bisect.bisect_left(offsets, span.outer_end)
            in_quote[first:last] = [index] * (last - first)  # a later span's tokens are its own
            index += 1
        paragraphs.append(
            Paragraph(
                number,
                start,
                end,
                text[start:end],
                doc,
                tuple(in_quote),
                tuple(sentence_of),
                tuple(offsets),
                sentences,
            )
        )
    return paragraphs
