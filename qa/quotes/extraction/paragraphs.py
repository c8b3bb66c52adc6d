"""Paragraphs of an article parsed once by spaCy, with each token's quote and sentence numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.models import Sentence
from qa.nlp import load_spacy
from qa.quotes.extraction.marks import QuotedSpan

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph: article offsets, its parse, and per-token quote index and sentence number."""

    number: int
    start: int
    end: int
    doc: Doc
    in_quote: tuple[int, ...]  # per token: index into the article's quoted spans, or -1
    sentence_of: tuple[int, ...]  # per token: sentence number in the article (spaCy's sentences)


def paragraph_bounds(sentences: Sequence[Sentence]) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, from the sentence splitter's paragraph numbers."""
    bounds: dict[int, tuple[int, int]] = {}
    for sentence in sentences:
        start, end = bounds.get(sentence.paragraph, (sentence.start, sentence.end))
        bounds[sentence.paragraph] = (min(start, sentence.start), max(end, sentence.end))
    return [bounds[number] for number in sorted(bounds)]


def parse_paragraphs(
    text: str, bounds: Sequence[tuple[int, int]], spans: Sequence[QuotedSpan]
) -> list[Paragraph]:
    """Parse each paragraph (one `nlp.pipe` pass) and mark which tokens sit inside which quote."""

    nlp = load_spacy()
    docs = nlp.pipe([text[start:end] for start, end in bounds], batch_size=64)
    paragraphs: list[Paragraph] = []
    span_index = 0
    sentence_base = 0
    for number, ((start, end), doc) in enumerate(zip(bounds, docs, strict=True)):
        sentence_of = [0] * len(doc)
        for count, sentence in enumerate(doc.sents):
            for token in sentence:
                sentence_of[token.i] = sentence_base + count
        sentence_base += sum(1 for _ in doc.sents)
        while span_index < len(spans) and spans[span_index].paragraph < number:
            span_index += 1
        in_quote = [-1] * len(doc)
        index = span_index
        while index < len(spans) and spans[index].paragraph == number:
            span = spans[index]
            for token in doc:
                offset = start + token.idx
                if span.open_mark <= offset < span.outer_end:
                    in_quote[token.i] = index
            index += 1
        paragraphs.append(Paragraph(number, start, end, doc, tuple(in_quote), tuple(sentence_of)))
    return paragraphs
