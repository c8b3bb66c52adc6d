from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pytest import MonkeyPatch

from index import store as store_module
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


def small_store(tmp_path: Path, monkeypatch: MonkeyPatch, **limits: int) -> tuple[Store, HashingEncoder]:
    """A store on the 32-d hashing encoder, with some of `index.store`'s merge limits lowered."""
    for name, value in limits.items():
        monkeypatch.setattr(store_module, name, value)
    encoder = HashingEncoder(32)
    return open_or_create(tmp_path / "store", encoder), encoder


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


def test_a_store_past_the_threshold_switches_and_still_updates(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    store, encoder = small_store(tmp_path, monkeypatch, MERGE_MIN=100)
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


def test_writes_add_deltas_then_merge_and_tombstones_never_come_back(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    store, encoder = small_store(tmp_path, monkeypatch, MERGE_MIN=12)
    texts = ["Ferry one sailed.", "Bridge two opened.", "Market three closed."]
    for i, text in enumerate(texts):
        index_articles(store, encoder, [Article(f"a{i}", "T", text)])
    assert store.segment_count("sentences") == 4  # the empty base and one delta per write
    index_articles(store, encoder, [Article("a0", "T", "Ferry one sank.")])  # a tombstone and a delta
    assert store.vector_count("sentences") == 3
    found = store.search_dense("sentences", encode_query(encoder, "ferry one sailed"), 10)
    assert sorted(store.sentence_rows([r for r, _ in found])[r].text for r, _ in found) == sorted(
        ["Ferry one sank.", "Bridge two opened.", "Market three closed."]
    )
    counts = []
    for i in range(4, 14):
        index_articles(store, encoder, [Article(f"a{i}", "T", f"Story {i} ended.")])
        counts.append(store.segment_count("sentences"))
    assert 1 in counts  # merged into a new base on the way
    reopened = Store.open(store.path, encoder.name)
    assert reopened.vector_count("sentences") == 13
    assert counts == [6, 7, 8, 9, 10, 11, 12, 1, 2, 3]  # the 13th vector pending triggers the merge
    # The files of layouts older than the previous one are deleted: only base + 2 deltas remain.
    assert len(list(store.path.glob("sentences.*.faiss"))) == 3
    rows = reopened.search_dense("sentences", encode_query(encoder, "ferry"), 20)
    assert "Ferry one sailed." not in {s.text for s in reopened.sentence_rows([r for r, _ in rows]).values()}


def test_a_reader_keeps_only_the_current_layout_in_memory(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    writer, encoder = small_store(tmp_path, monkeypatch, MERGE_MIN=4)
    reader = Store.open(writer.path, encoder.name)
    query = encode_query(encoder, "story")
    for i in range(12):  # several merges into new bases on the way
        index_articles(writer, encoder, [Article(f"a{i}", "T", f"Story {i} ended.")])
        assert len(reader.search_dense("sentences", query, 20)) == i + 1
        current = {p.name for p in writer.path.glob("*.faiss")}
        assert set(reader._files) <= current  # no base or delta of an older layout stays loaded
        assert len(reader._files) == writer.segment_count("sentences")  # it searched sentences only


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


def test_many_small_deltas_become_one_without_rewriting_the_base(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    store, encoder = small_store(tmp_path, monkeypatch, MAX_DELTAS=3)
    index_articles(store, encoder, [Article("a0", "T", "Ferry one sailed.")])
    index_articles(store, encoder, [Article("a0", "T", "Ferry one sank.")])  # a tombstone
    counts = []
    for i in range(1, 6):
        index_articles(store, encoder, [Article(f"a{i}", "T", f"Story {i} ended.")])
        counts.append(store.segment_count("sentences"))
    assert counts == [4, 2, 3, 4, 2]  # base + deltas; the 4th delta folds them into one
    assert store.path.joinpath("sentences.0.faiss").exists()  # the (empty) base was never rewritten
    found = store.search_dense("sentences", encode_query(encoder, "ferry one sailed"), 10)
    texts = {s.text for s in store.sentence_rows([r for r, _ in found]).values()}
    assert "Ferry one sailed." not in texts and "Ferry one sank." in texts and len(found) == 6


def sealed_store(tmp_path: Path, monkeypatch: MonkeyPatch) -> tuple[Store, HashingEncoder]:
    """60 one-sentence articles in a store that seals its bases at 20 vectors (approximate, as at scale)."""
    store, encoder = small_store(tmp_path, monkeypatch, MERGE_MIN=5, SEAL_AT=20)
    store.approximate_above = 16
    for i in range(60):
        index_articles(store, encoder, [Article(f"a{i}", "T", f"Story {i} ended quietly.")])
    return store, encoder


def test_a_full_base_is_sealed_and_its_tombstones_outlive_later_merges(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    store, encoder = sealed_store(tmp_path, monkeypatch)
    layout = json.loads(store.meta()["segments"])["sentences"]
    assert len(layout["sealed"]) >= 2
    index_articles(store, encoder, [Article("a1", "T", "Story one was retold.")])  # a1 lives in a sealed base
    remove_articles(store, ["a2"])
    for i in range(60, 80):  # more merges of the newer base
        index_articles(store, encoder, [Article(f"a{i}", "T", f"Story {i} ended quietly.")])
    reopened = Store.open(store.path, encoder.name)
    assert reopened.vector_count("sentences") == 79
    found = reopened.search_dense("sentences", encode_query(encoder, "story ended"), 100)
    texts = {s.text for s in reopened.sentence_rows([r for r, _ in found]).values()}
    assert len(found) == 79 and "Story one was retold." in texts
    assert not {"Story 1 ended quietly.", "Story 2 ended quietly."} & texts
    rows = [r for r, _ in found]
    before, after = store.vectors("sentences", rows), reopened.vectors("sentences", rows)
    np.testing.assert_allclose(after, before, atol=0.01)


def test_sealed_bases_are_rewritten_without_deleted_rows_past_the_compaction_share(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    store, encoder = sealed_store(tmp_path, monkeypatch)
    layout = json.loads(store.meta()["segments"])["sentences"]
    sealed = sum(store._load(store._file("sentences", g)).ntotal for g in layout["sealed"])

    def sealed_tombstones() -> int:
        through = json.loads(store.meta()["segments"])["sentences"]["sealed_through"]
        query = "SELECT COUNT(*) FROM tombstones WHERE kind = 'sentences' AND id <= ?"
        return int(store._db.execute(query, (through,)).fetchone()[0])

    below = int(store_module.COMPACT_SHARE * sealed)  # this many deleted rows do not trigger a rewrite
    remove_articles(store, [f"a{i}" for i in range(below)])
    assert sealed_tombstones() == below
    files_before = set(json.loads(store.meta()["segments"])["sentences"]["sealed"])
    remove_articles(store, [f"a{below}"])  # one more passes the share: the sealed bases are rewritten
    assert sealed_tombstones() == 0
    layout = json.loads(store.meta()["segments"])["sentences"]
    assert set(layout["sealed"]) != files_before
    bases = [store._load(store._file("sentences", g)) for g in layout["sealed"]]
    assert sum(base.ntotal for base in bases) == sealed - below - 1  # they hold only live rows
    # Later deletions in the rewritten bases are tombstones again, and stay hidden.
    index_articles(store, encoder, [Article("a30", "T", "Story thirty was retold.")])
    assert sealed_tombstones() == 1
    live = 60 - below - 1
    reopened = Store.open(store.path, encoder.name)
    assert reopened.vector_count("sentences") == live
    found = reopened.search_dense("sentences", encode_query(encoder, "story ended"), 100)
    texts = {s.text for s in reopened.sentence_rows([r for r, _ in found]).values()}
    assert len(found) == live and "Story thirty was retold." in texts
    assert not {f"Story {i} ended quietly." for i in [*range(below + 1), 30]} & texts
