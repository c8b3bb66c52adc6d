"""The FAISS indexes themselves: exact, approximate, and merging them."""

from __future__ import annotations

import numpy as np

from index import vector_index


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
    exact_set, approximate_set = vector_index.Segments([exact], []), vector_index.Segments([approximate], [])
    for query in queries:
        truth = {i for i, _ in exact_set.search(query, 10)}
        found += len(truth & {i for i, _ in approximate_set.search(query, 10)})
        total += len(truth)
    assert found / total >= 0.95
    assert np.allclose(approximate_set.reconstruct([10]), vectors[:1], atol=0.02)
    allowed = [int(i) for i in ids[:300]]
    assert {i for i, _ in approximate_set.search(queries[0], 10, allowed)} <= set(allowed)


def test_merging_into_an_approximate_base_keeps_every_live_vector_findable() -> None:
    vectors = clustered(3000)
    exact = vector_index.new_index(32)
    exact.add_with_ids(vectors[:2000], np.arange(2000, dtype=np.int64))
    base = vector_index.fit_to_size(exact, threshold=1000)
    delta = vector_index.new_index(32)
    delta.add_with_ids(vectors[2000:], np.arange(2000, 3000, dtype=np.int64))
    dead = list(range(0, 3000, 7))
    merged = vector_index.merge([base, delta], dead)
    assert vector_index.is_approximate(merged) and merged.ntotal == 3000 - len(dead)
    assert base.ntotal == 2000  # the base itself is untouched
    segments = vector_index.Segments([merged], [])
    for row in (1, 1999, 2001, 2999):
        [(found, score)] = segments.search(vectors[row], 1)
        assert found == row and score > 0.99
    assert not {i for i, _ in segments.search(vectors[7], 50)} & set(dead)
    np.testing.assert_allclose(segments.reconstruct([2001]), vectors[2001:2002], atol=0.01)
