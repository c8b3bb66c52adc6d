"""Lexical retrieval at scale: words too common in the store are left out of the FTS5 query."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from index.models import Article
from index.pipeline import index_articles, open_or_create
from index.store import Store
from index.vector_search import VectorsChoice
from qa import lexical


@pytest.fixture
def store(tmp_path: Path, fake_encoder: HashingEncoder, vectors: VectorsChoice | None) -> Store:
    articles = [
        Article(id=f"a{i}", title=f"Report {i}", text=f"Officials said the council met on day {i}.")
        for i in range(40)
    ]
    articles.append(Article(id="flood", title="Flood", text="Officials said floods closed the bridge."))
    store = open_or_create(tmp_path / "store", fake_encoder, vectors)
    index_articles(store, fake_encoder, articles)
    return store


def test_document_frequencies_count_rows_by_the_indexed_stem(store: Store) -> None:
    counts = store.document_frequencies("chunks", ["said", "flooded", "bridge", "zeppelin"])
    assert counts == {"said": 41, "flooded": 1, "bridge": 1, "zeppelin": 0}


def test_common_words_are_left_out_once_the_store_is_large(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "What bridge did officials say the floods closed?"
    assert lexical.lexical_query(store, question) == lexical.fts_query(question)  # a small store
    monkeypatch.setattr(lexical, "COMMON_ROWS", 10)
    # "officials" is in every row; "say" in none (the text has "said"), so it stays.
    assert lexical.lexical_query(store, question) == '"bridge" OR "say" OR "floods" OR "closed"'


def test_the_rarest_words_are_kept_even_when_all_are_common(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lexical, "COMMON_ROWS", 10)
    # Every word is in 40 or 41 of the 41 rows: the two in fewest rows remain.
    query = lexical.lexical_query(store, "Officials said the council met on which day?")
    assert query == '"council" OR "met"'


def test_a_long_query_keeps_only_its_rarest_words_when_asked(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    quote = "Officials said the council met and floods closed the bridge on that day"
    assert lexical.lexical_query(store, quote, most=2) == lexical.lexical_query(store, quote)  # small store
    monkeypatch.setattr(lexical, "COMMON_ROWS", 10)
    monkeypatch.setattr(lexical, "COMMON_SHARE", 1.0)  # no word is too common here
    # "floods", "closed" and "bridge" are in one row of 41, "council" and "met" in 40.
    kept = lexical.lexical_query(store, quote, most=3)
    assert kept == '"floods" OR "closed" OR "bridge"'
    assert lexical.lexical_query(store, quote).count(" OR ") == 7  # without `most`, all eight words
