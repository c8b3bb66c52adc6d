"""Sentence scoring: a question word that is missing from a sentence but stands in the sentence
before counts for part of its weight (the answer sentence often names its topic by a pronoun)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from index.embedding import HashingEncoder, encode_query
from index.models import Article
from index.pipeline import index_articles, open_or_create
from index.store import Store
from qa.answering.retrieve import retrieve
from qa.answering.sentences import ScoredSentence, Weights, score_sentences

# Only term overlap counts, so that the hashing encoder's similarities do not decide the order.
OVERLAP_ONLY = Weights(dense=0.0, overlap=1.0, chunk=0.0, following=0.0)
QUESTION = "When did the Harbor Bakery close after a fire?"


@pytest.fixture
def store(tmp_path: Path, fake_encoder: HashingEncoder) -> Store:
    store = open_or_create(tmp_path / "store", fake_encoder)
    text = (
        "The Harbor Bakery opened on Dock Street in 1998. "
        "It closed after a fire in 2015. "
        "Tourists still photograph the old sign."
    )
    index_articles(store, fake_encoder, [Article(id="bakery", title="Dock Street", text=text)])
    return store


def ranked(store: Store, encoder: HashingEncoder, weights: Weights) -> dict[str, ScoredSentence]:
    query = encode_query(encoder, QUESTION)
    scored = score_sentences(store, QUESTION, query, retrieve(store, QUESTION, query), weights=weights)
    return {s.sentence.text: s for s in scored}


def test_words_of_the_sentence_before_count_at_the_context_share(
    store: Store, fake_encoder: HashingEncoder
) -> None:
    # The four question words (harbor, bakery, close, fire) each hold a quarter of the question:
    # "It closed after a fire" has two, and the other two stand in the sentence before it.
    with_context = ranked(store, fake_encoder, OVERLAP_ONLY)
    assert with_context["It closed after a fire in 2015."].overlap == pytest.approx(0.5 + 0.5 * 0.5)
    assert with_context["The Harbor Bakery opened on Dock Street in 1998."].overlap == pytest.approx(0.5)
    # Words held by the sentence itself are not counted twice, and the first sentence has none before.
    assert with_context["Tourists still photograph the old sign."].overlap == pytest.approx(0.25)
    best = max(with_context.values(), key=lambda s: s.score)
    assert best.sentence.text == "It closed after a fire in 2015."


def test_without_context_the_pronoun_sentence_only_ties(store: Store, fake_encoder: HashingEncoder) -> None:
    plain = ranked(store, fake_encoder, dataclasses.replace(OVERLAP_ONLY, context=0.0))
    assert plain["It closed after a fire in 2015."].overlap == pytest.approx(0.5)
    assert plain["Tourists still photograph the old sign."].overlap == pytest.approx(0.0)
