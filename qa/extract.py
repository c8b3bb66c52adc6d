"""Score the sentences of the retrieved chunks (and their neighbours) against the question."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from index.embedding import Vectors
from index.models import Sentence
from index.store import Store
from qa.models import Hit
from qa.retrieve import content_words

SENTENCE_DEPTH = 30
NEIGHBOURS = 1


@dataclass(frozen=True, slots=True)
class Weights:
    """Chosen by grid search on the dev questions (README "Results"); `following` rewards a sentence
    whose next sentence also matches, since news and encyclopaedic text often name the topic first and
    give the answer right after it ("This is called antigenic variation. An example is HIV, ...")."""

    dense: float = 0.5
    overlap: float = 0.4
    chunk: float = 0.1
    following: float = 0.1


@dataclass(frozen=True, slots=True)
class ScoredSentence:
    """A candidate sentence with its score and the signals behind it."""

    sentence: Sentence
    score: float
    dense: float
    overlap: float
    chunk: float


def candidate_sentences(
    store: Store, query: Vectors, hits: Sequence[Hit], scope: Collection[str] | None
) -> dict[int, tuple[Sentence, float]]:
    """Sentence row id → (sentence, best chunk score) for sentences of the hits, their neighbours, and
    the best sentences by direct dense search. (A sentence-level BM25 search added nothing on the dev
    set, hit@1/3/10 identical, since lexical chunk retrieval already covers it, and cost up to 35 ms
    per question at 10k articles: bench/README.md.)"""
    found: dict[int, tuple[Sentence, float]] = {}
    top = hits[0].score if hits else 1.0
    for hit in hits:
        c = hit.chunk
        for row, sentence in store.sentence_range(c.article_id, c.first - NEIGHBOURS, c.last + NEIGHBOURS):
            inside = c.first <= sentence.position <= c.last
            chunk_score = hit.score / top if inside else 0.5 * hit.score / top
            if row not in found or found[row][1] < chunk_score:
                found[row] = (sentence, chunk_score)
    direct = [row for row, _ in store.search_dense("sentences", query, SENTENCE_DEPTH, scope)]
    missing = [row for row in direct if row not in found]
    for row, sentence in store.sentence_rows(missing).items():
        found[row] = (sentence, 0.0)
    return found


def score_sentences(
    store: Store,
    question: str,
    query: Vectors,
    hits: Sequence[Hit],
    scope: Collection[str] | None = None,
    weights: Weights = Weights(),
) -> list[ScoredSentence]:
    """Candidates ranked best first by a weighted sum of similarity, term overlap and chunk rank."""
    found = candidate_sentences(store, query, hits, scope)
    if not found:
        return []
    rows = list(found)
    similarity = store.vectors("sentences", rows) @ np.asarray(query, dtype=np.float32)
    terms = content_words(question)
    by_place = {
        (found[row][0].article_id, found[row][0].position): float(d) for row, d in zip(rows, similarity)
    }
    scored = []
    for row, dense in zip(rows, similarity):
        sentence, chunk = found[row]
        overlap = term_overlap(terms, sentence.text)
        following = by_place.get((sentence.article_id, sentence.position + 1), 0.0)
        score = (
            weights.dense * float(dense)
            + weights.overlap * overlap
            + weights.chunk * chunk
            + weights.following * following
        )
        scored.append(ScoredSentence(sentence, score, float(dense), overlap, chunk))
    scored.sort(key=lambda s: -s.score)
    return scored


def term_overlap(terms: Sequence[str], text: str) -> float:
    """Share of the question's content words found in `text` (matching on a 5-letter stem)."""
    if not terms:
        return 0.0
    stems = {w[:5] for w in content_words(text)}
    return sum(1 for t in terms if t[:5] in stems) / len(terms)
