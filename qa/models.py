"""Records of the online side: retrieval hits, citations and answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from index.models import Chunk, Quote, Sentence

__all__ = ["Answer", "Citation", "Hit", "Quote", "Statement", "Turn"]

Retriever = Literal["dense", "lexical", "fused"]

# Under this confidence an answer says it is not sure (its first citation holds the answer less than
# half the time on dev: docs/reader.md).
WEAK_BELOW = 0.5
NOT_SURE = "Not sure: these are the closest passages in the articles, but none clearly answers the question."


@dataclass(frozen=True, slots=True)
class Hit:
    chunk: Chunk
    score: float
    rank: int
    retriever: Retriever


@dataclass(frozen=True, slots=True)
class Citation:
    """A cited sentence. `span` is the answer's (start, end) inside `sentence.text`, or None."""

    n: int
    sentence: Sentence
    title: str
    score: float
    span: tuple[int, int] | None = None
    quote: Quote | None = None

    @property
    def span_text(self) -> str | None:
        return None if self.span is None else self.sentence.text[self.span[0] : self.span[1]]

    @property
    def speaker(self) -> str | None:
        return None if self.quote is None else self.quote.speaker


@dataclass(frozen=True, slots=True)
class Statement:
    """Who says what inside the cited sentence `n`: a quote of the quote table with its speaker and
    reporting verb, its text cut where another speaker's statement begins inside it."""

    n: int
    quote: Quote

    @property
    def text(self) -> str:
        """ "Wagner claimed its forces had captured Soledar": the speaker, the verb, the words."""
        q = self.quote
        said = f"\u201c{q.text}\u201d" if q.kind == "direct" else q.text
        return f"{q.speaker} {q.cue} {said}"


@dataclass(frozen=True, slots=True)
class Answer:
    """Only cited sentences, each followed by its [n] marker; `reason` says why it abstained (or, for
    an answer, what makes it weak: a year or name of the question its article never mentions).
    `statements` say who says what when the cited sentences hold statements by two or more speakers
    (a claim and a denial). `confidence` is the calibrated chance (0–1) that the first citation
    answers the question (None for an abstention). `related` are sentences on the question that do
    not support the answer, listed apart from the citations (numbered after them), never in `text`."""

    question: str
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    reason: str = ""
    statements: tuple[Statement, ...] = ()
    confidence: float | None = None
    related: tuple[Citation, ...] = ()

    @property
    def weak(self) -> bool:
        """An answer the reader is not sure of: shown, but marked as such."""
        return not self.abstained and self.confidence is not None and self.confidence < WEAK_BELOW

    def as_shown(self) -> Answer:
        """The answer as a reader sees it: a weak one bolds no span, so no words are offered as the
        answer under 50% (issue 29); the JSON record keeps the spans, beside the confidence."""
        if not self.weak:
            return self
        return replace(
            self,
            citations=tuple(replace(c, span=None) for c in self.citations),
            related=tuple(replace(c, span=None) for c in self.related),
        )


@dataclass(frozen=True, slots=True)
class Turn:
    """One exchange of a conversation, used to resolve follow-up questions."""

    question: str
    answer: Answer


def render_text(citations: Sequence[Citation]) -> str:
    """The cited sentences, each followed by its marker: only words that stand in the articles."""
    return " ".join(f"{c.sentence.text} [{c.n}]" for c in citations)
