"""Score the sentences of the retrieved chunks (and their neighbours) against the question."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from index.embedding import Vectors
from index.models import Sentence
from index.store import Store
from qa.lexical import content_words
from qa.models import Hit

SENTENCE_DEPTH = 30
NEIGHBOURS = 1


@dataclass(frozen=True, slots=True)
class Weights:
    """Chosen by grid search on the dev questions (README "Results"). `overlap` weights each question
    word by how few candidates hold it (`_local_weights`: better than a plain share of words at both
    ranking and splitting answerable from unanswerable); `following` rewards a sentence
    whose next sentence also matches, since news and encyclopaedic text often name the topic first and
    give the answer right after it ("This is called antigenic variation. An example is HIV, ...").
    `context` is the share of its weight that a question word keeps when it is missing from a sentence
    but stands in the sentence before: the answer sentence often names its topic by a pronoun or a
    short noun ("He is also the oldest quarterback ...", "The statement was in Latin ..."), after the
    sentence that names it in full (figures: docs/results.md)."""

    dense: float = 0.5
    overlap: float = 0.6
    chunk: float = 0.1
    following: float = 0.1
    context: float = 0.5


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
    the best sentences by direct dense search. (A sentence-level BM25 search added nothing, since
    lexical chunk retrieval already covers it, and cost time at scale: bench/README.md.)"""
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
    sentences = [found[row][0] for row in rows]
    # Stems of the candidates and of the sentence before each, computed once per sentence.
    stems_at = {place: stems(s.text) for place, s in _sentences_before(store, sentences).items()}
    held_stems = [stems_at[(s.article_id, s.position)] for s in sentences]
    weights_of_terms = _local_weights(content_words(question), held_stems)
    by_place = {(s.article_id, s.position): float(d) for s, d in zip(sentences, similarity)}
    scored = []
    for row, dense, held in zip(rows, similarity, held_stems):
        sentence, chunk = found[row]
        overlap = weighted_overlap(weights_of_terms, held)
        previous = stems_at.get((sentence.article_id, sentence.position - 1))
        if previous is not None:
            missing = {t: w for t, w in weights_of_terms.items() if t not in held}
            overlap += weights.context * weighted_overlap(missing, previous)
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


def _sentences_before(store: Store, sentences: Sequence[Sentence]) -> dict[tuple[str, int], Sentence]:
    """The candidates and the sentence before each, by (article id, position); most of those are
    candidates already, the others are read from the store in one query."""
    at = {(s.article_id, s.position): s for s in sentences}
    missing = [(s.article_id, s.position - 1) for s in sentences if s.position > 0]
    missing = [place for place in missing if place not in at]
    if missing:
        at.update(store.sentences_at(missing))
    return at


@lru_cache(maxsize=50_000)
def stems(text: str) -> frozenset[str]:
    """The first five letters of each content word (`content_words`) of `text`; cached, as the same
    sentences come back as candidates question after question."""
    return frozenset(w[:5] for w in content_words(text))


def _local_weights(terms: Sequence[str], stems: Sequence[Collection[str]]) -> dict[str, float]:
    """Each question word's share of the question, weighted by how few candidates hold it: a word in
    every candidate (the article's subject, "Jacksonville") tells them apart less than one in a few
    ("county"). The shares sum to 1 (or there are none)."""
    n = len(stems)
    weights = {t[:5]: math.log(1 + n / (1 + sum(t[:5] in held for held in stems))) for t in terms}
    total = sum(weights.values())
    return {t: w / total for t, w in weights.items()} if total else {}


def weighted_overlap(weights: dict[str, float], stems: Collection[str]) -> float:
    """The question's share (`_local_weights`) found in a sentence's stems."""
    return sum(w for t, w in weights.items() if t in stems)
