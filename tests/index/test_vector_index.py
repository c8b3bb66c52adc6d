from __future__ import annotations

from pathlib import Path

import numpy as np

from index import vector_index
from index.embedding import HashingEncoder, encode_query
from index.models import Article
from index.pipeline import index_articles, open_or_create, remove_articles
from index.store import Store


def clustered(n: int, dimension: int = 32, seed: int = 1) -> np.ndarray:
    """Unit vectors around 40 centres, like sentence vectors of a few hundred topics."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dimension))
    vectors = centres[rng.integers(0, 40, n)] + 0.6 * rng.standard_normal((n, dimension))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_an_exact_index_stays_exact_below_the_threshold() -> None:
    index = vector_index.new_index(32)
    index.add_with_ids(clustered(100), np.arange(100, dtype=np.int64))
    assert vector_index.fit_to_size(index, threshold=100) is index


def test_the_approximate_index_finds_what_exact_search_finds() -> None:
    vectors = clustered(6000)
    ids = np.arange(10, 6010, dtype=np.int64)
    exact = vector_index.new_index(32)
    exact.add_with_ids(vectors, ids)
    approximate = vector_index.fit_to_size(exact, threshold=1000)
    assert vector_index.is_approximate(approximate)
    queries = clustered(50, seed=2)
    found = total = 0
    for query in queries:
        truth = {i for i, _ in vector_index.search(exact, query, 10)}
        found += len(truth & {i for i, _ in vector_index.search(approximate, query, 10)})
        total += len(truth)
    assert found / total >= 0.95
    assert np.allclose(vector_index.reconstruct(approximate, [10]), vectors[:1], atol=0.02)
    allowed = [int(i) for i in ids[:300]]
    assert {i for i, _ in vector_index.search(approximate, queries[0], 10, allowed)} <= set(allowed)


def test_a_store_past_the_threshold_switches_and_still_updates(tmp_path: Path) -> None:
    encoder = HashingEncoder(32)
    store = open_or_create(tmp_path / "store", encoder)
    store.approximate_above = 150
    words = ["harbour", "ferry", "storm", "council", "budget", "school", "bridge", "river", "market"]
    articles = [
        Article(
            f"a{i}",
            f"Story {i}",
            f"The {words[i % 9]} story {i} began. The {words[(i + 3) % 9]} part {i} ended.",
        )
        for i in range(120)
    ]
    index_articles(store, encoder, articles)
    assert store.is_approximate("sentences")
    remove_articles(store, ["a0"])
    reopened = Store.open(store.path, encoder.name)
    assert (reopened.is_approximate("sentences"), reopened.vector_count("sentences")) == (True, 238)
    rows = reopened.search_dense("sentences", encode_query(encoder, "harbour story"), 1000)
    assert rows
    assert all(s.article_id != "a0" for s in reopened.sentence_rows([r for r, _ in rows]).values())
