"""The store's own FAISS files: deltas, merges into a base, sealed bases and their compaction, and what a
reader keeps in memory, through the store and its `FaissEngine`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pytest import MonkeyPatch

from index import faiss_engine
from index.embedding import HashingEncoder, encode_query
from index.faiss_engine import FaissEngine
from index.models import Article
from index.pipeline import index_articles, open_or_create, remove_articles
from index.store import Store


def faiss_of(store: Store) -> FaissEngine:
    assert isinstance(store.engine, FaissEngine)
    return store.engine


def small_store(tmp_path: Path, monkeypatch: MonkeyPatch, **limits: int) -> tuple[Store, HashingEncoder]:
    """A store on the 32-d hashing encoder, with some of `index.faiss_engine`'s merge limits lowered."""
    for name, value in limits.items():
        monkeypatch.setattr(faiss_engine, name, value)
    encoder = HashingEncoder(32)
    return open_or_create(tmp_path / "store", encoder), encoder


def test_a_store_past_the_threshold_switches_and_still_updates(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    store, encoder = small_store(tmp_path, monkeypatch, MERGE_MIN=100)
    faiss_of(store).approximate_above = 150
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
    assert faiss_of(store).is_approximate("sentences")
    remove_articles(store, ["a0"])
    reopened = Store.open(store.path, encoder.name)
    assert (faiss_of(reopened).is_approximate("sentences"), reopened.vector_count("sentences")) == (True, 238)
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
    assert faiss_of(store).segment_count("sentences") == 4  # the empty base and one delta per write
    index_articles(store, encoder, [Article("a0", "T", "Ferry one sank.")])  # a tombstone and a delta
    assert store.vector_count("sentences") == 3
    found = store.search_dense("sentences", encode_query(encoder, "ferry one sailed"), 10)
    assert sorted(store.sentence_rows([r for r, _ in found])[r].text for r, _ in found) == sorted(
        ["Ferry one sank.", "Bridge two opened.", "Market three closed."]
    )
    counts = []
    for i in range(4, 14):
        index_articles(store, encoder, [Article(f"a{i}", "T", f"Story {i} ended.")])
        counts.append(faiss_of(store).segment_count("sentences"))
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
        assert faiss_of(reader).loaded_files() <= current  # no base or delta of an older layout stays loaded
        assert len(faiss_of(reader).loaded_files()) == faiss_of(writer).segment_count(
            "sentences"
        )  # it searched sentences only


def test_many_small_deltas_become_one_without_rewriting_the_base(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    store, encoder = small_store(tmp_path, monkeypatch, MAX_DELTAS=3)
    index_articles(store, encoder, [Article("a0", "T", "Ferry one sailed.")])
    index_articles(store, encoder, [Article("a0", "T", "Ferry one sank.")])  # a tombstone
    counts = []
    for i in range(1, 6):
        index_articles(store, encoder, [Article(f"a{i}", "T", f"Story {i} ended.")])
        counts.append(faiss_of(store).segment_count("sentences"))
    assert counts == [4, 2, 3, 4, 2]  # base + deltas; the 4th delta folds them into one
    assert store.path.joinpath("sentences.0.faiss").exists()  # the (empty) base was never rewritten
    found = store.search_dense("sentences", encode_query(encoder, "ferry one sailed"), 10)
    texts = {s.text for s in store.sentence_rows([r for r, _ in found]).values()}
    assert "Ferry one sailed." not in texts and "Ferry one sank." in texts and len(found) == 6


def sealed_store(tmp_path: Path, monkeypatch: MonkeyPatch) -> tuple[Store, HashingEncoder]:
    """60 one-sentence articles in a store that seals its bases at 20 vectors (approximate, as at scale)."""
    store, encoder = small_store(tmp_path, monkeypatch, MERGE_MIN=5, SEAL_AT=20)
    faiss_of(store).approximate_above = 16
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
    sealed = sum(faiss_of(store).sealed_sizes("sentences"))

    def sealed_tombstones() -> int:
        through = json.loads(store.meta()["segments"])["sentences"]["sealed_through"]
        return sum(row <= through for row in store.tombstones("sentences"))

    below = int(faiss_engine.COMPACT_SHARE * sealed)  # this many deleted rows do not trigger a rewrite
    remove_articles(store, [f"a{i}" for i in range(below)])
    assert sealed_tombstones() == below
    files_before = set(json.loads(store.meta()["segments"])["sentences"]["sealed"])
    remove_articles(store, [f"a{below}"])  # one more passes the share: the sealed bases are rewritten
    assert sealed_tombstones() == 0
    layout = json.loads(store.meta()["segments"])["sentences"]
    assert set(layout["sealed"]) != files_before
    assert sum(faiss_of(store).sealed_sizes("sentences")) == sealed - below - 1  # they hold only live rows
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
