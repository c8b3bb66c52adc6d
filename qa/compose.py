"""Turn scored sentences into an answer: the best few, no near-duplicates, each cited [n]."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from index.models import Quote, Sentence
from qa.extract import ScoredSentence
from qa.models import Answer, Citation
from qa.retrieve import content_words

NEAR_DUPLICATE = 0.8

SpanFinder = Callable[[Sentence], "tuple[int, int] | None"]


def compose_answer(
    question: str,
    ranked: Sequence[ScoredSentence],
    titles: Mapping[str, str],
    quotes: Mapping[str, Sequence[Quote]],
    k: int = 3,
    threshold: float = 0.0,
    find_span: SpanFinder | None = None,
    support_threshold: float | None = None,
) -> Answer:
    """An answer of up to `k` cited sentences in the order of `ranked` (best first, though not always by
    score: see `qa.rerank`), or an abstention when the best score is below `threshold`.
    The sentences after the first need only reach `support_threshold` (default: `threshold`): once
    the best sentence is good enough to answer, weaker ones may still hold the answer it lacks."""
    if not ranked or max(c.score for c in ranked) < threshold:
        return abstain(question, "No sentence in the articles matches the question well enough.")
    floor = threshold if support_threshold is None else support_threshold
    chosen: list[ScoredSentence] = []
    for candidate in ranked:
        if len(chosen) == k:
            break
        if chosen and candidate.score < floor:
            break
        if any(_similar(candidate.sentence.text, c.sentence.text) for c in chosen):
            continue
        chosen.append(candidate)
    citations = tuple(
        Citation(
            n=n,
            sentence=c.sentence,
            title=titles.get(c.sentence.article_id, ""),
            score=round(c.score, 4),
            span=find_span(c.sentence) if find_span and n == 1 else None,
            quote=quote_of(c.sentence, quotes.get(c.sentence.article_id, ())),
        )
        for n, c in enumerate(chosen, start=1)
    )
    return Answer(question, render_text(citations), citations, abstained=False)


def abstain(question: str, reason: str) -> Answer:
    return Answer(question, "", (), abstained=True, reason=reason)


def render_text(citations: Sequence[Citation]) -> str:
    """The cited sentences, each followed by its marker: only words that stand in the articles."""
    return " ".join(f"{c.sentence.text} [{c.n}]" for c in citations)


def quote_of(sentence: Sentence, quotes: Sequence[Quote]) -> Quote | None:
    """The quote that overlaps the sentence most, preferring direct quotes."""
    best: Quote | None = None
    best_overlap = 0
    for q in quotes:
        overlap = min(q.end, sentence.end) - max(q.start, sentence.start)
        overlap += 1_000_000 if q.kind != "indirect" and overlap > 0 else 0
        if overlap > best_overlap:
            best, best_overlap = q, overlap
    return best


def _similar(a: str, b: str) -> bool:
    wa, wb = set(content_words(a)), set(content_words(b))
    if not wa or not wb:
        return a == b
    return len(wa & wb) / len(wa | wb) >= NEAR_DUPLICATE
