"""The store's side of an engine outside its folder, on an engine kept in memory that fails on demand:
rows reach it before the SQLite commit and leave it after, tombstones hide what it still holds."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from index import store as store_module
from index.embedding import HashingEncoder, encode_query
from index.errors import StoreError
from index.models import Article
from index.pipeline import index_articles, open_or_create, remove_articles
from index.store import Store
from index.vector_search import VectorRows, VectorsChoice
from index.vectors import Vectors


class MemoryVectors:
    """An `ExternalVectors` engine in dicts; the methods named in `down` raise as an unreachable one."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self.rows: dict[str, dict[int, tuple[Vectors, str]]] = {"chunks": {}, "sentences": {}}
        self.down: set[str] = set()
        self.ranks_text = False
        self.calls: list[str] = []
        self.on_add = lambda kind: None
        self.on_delete = lambda kind: None

    def _call(self, method: str) -> None:
        self.calls.append(method)
        if method in self.down:
            raise StoreError("The engine is down.")

    def search_dense(
        self,
        kind: str,
        query: Vectors,
        k: int,
        scope: Collection[str] | None = None,
        exclude: Collection[int] = (),
    ) -> list[tuple[int, float]]:
        self._call("search_dense")
        scored = [
            (row, float(vector @ query))
            for row, (vector, article) in self.rows[kind].items()
            if row not in exclude and (scope is None or article in scope)
        ]
        return sorted(scored, key=lambda pair: -pair[1])[:k]

    def search_lexical(
        self,
        kind: str,
        match: str,
        k: int,
        scope: Collection[str] | None = None,
        exclude: Collection[int] = (),
    ) -> list[tuple[int, float]]:
        self._call("search_lexical")
        return [(row, 1.0) for row in self.rows[kind] if row not in exclude][:k]

    def search_fused(
        self,
        kind: str,
        query: Vectors,
        match: str,
        k: int,
        scope: Collection[str] | None = None,
        exclude: Collection[int] = (),
    ) -> list[tuple[int, float]]:
        return self.search_dense(kind, query, k, scope, exclude)

    def vectors(self, kind: str, ids: Sequence[int]) -> Vectors:
        return np.stack([self.rows[kind][i][0] for i in ids]) if ids else np.zeros((0, self.dimension))

    def vector_count(self, kind: str) -> int:
        return len(self.rows[kind])

    def add(self, kind: str, rows: VectorRows) -> None:
        self._call("add")
        self.on_add(kind)
        for i, row in enumerate(rows.ids):
            self.rows[kind][row] = (rows.vectors[i], rows.article_ids[i])

    def delete(self, kind: str, ids: Sequence[int]) -> None:
        self._call("delete")
        self.on_delete(kind)
        for row in ids:
            self.rows[kind].pop(row, None)

    def delete_articles(self, kind: str, article_ids: Sequence[str]) -> None:
        self.rows[kind] = {r: v for r, v in self.rows[kind].items() if v[1] not in article_ids}

    def delete_after(self, kind: str, last_id: int) -> None:
        self._call("delete_after")
        self.rows[kind] = {r: v for r, v in self.rows[kind].items() if r <= last_id}

    def flush(self) -> None:
        self._call("flush")

    def drop(self) -> None:
        self.rows = {"chunks": {}, "sentences": {}}

    def close(self) -> None:
        pass


STORIES = [
    Article("flood", "Flood", "The river flooded the valley. Farmers lost crops."),
    Article("vote", "Vote", "Parliament voted on taxes."),
]


@pytest.fixture
def engine(fake_encoder: HashingEncoder, monkeypatch: pytest.MonkeyPatch) -> MemoryVectors:
    engine = MemoryVectors(fake_encoder.dimension)
    monkeypatch.setattr(store_module, "open_external", lambda choice, name, dimension: engine)
    return engine


@pytest.fixture
def store(tmp_path: Path, fake_encoder: HashingEncoder, engine: MemoryVectors) -> Store:
    store = open_or_create(tmp_path / "store", fake_encoder, VectorsChoice("milvus", str(tmp_path / "v.db")))
    index_articles(store, fake_encoder, STORIES)
    return store


def committed_articles(store: Store) -> int:
    """The articles another process sees in the store."""
    with closing(sqlite3.connect(store.path / "store.sqlite")) as db:
        return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])


def test_rows_reach_the_engine_before_the_commit_and_leave_it_after(
    store: Store, engine: MemoryVectors, fake_encoder: HashingEncoder
) -> None:
    seen = []
    engine.on_add = lambda kind: seen.append(("add", committed_articles(store)))
    engine.on_delete = lambda kind: seen.append(("delete", committed_articles(store)))
    index_articles(store, fake_encoder, [Article("vote", "Vote", "Parliament rejected the tax bill.")])
    assert seen == [("add", 2), ("add", 2), ("delete", 2), ("delete", 2)]  # chunks, then sentences
    remove_articles(store, ["flood"])
    assert seen[4:] == [("delete", 1), ("delete", 1)]
    assert sorted(engine.rows["sentences"]) == sorted(store.live_rows("sentences")) == [4]


def test_rows_a_failed_write_left_in_the_engine_go_at_the_next_write(
    store: Store, engine: MemoryVectors, fake_encoder: HashingEncoder
) -> None:
    def sentences_fail(kind: str) -> None:
        if kind == "sentences":
            engine.down.add("delete_after")  # the clean-up after the rollback fails too
            raise StoreError("The engine is down.")

    engine.on_add = sentences_fail  # the chunks reach the engine, then the sentences fail
    with pytest.raises(StoreError, match="engine is down"):
        index_articles(store, fake_encoder, [Article("bridge", "Bridge", "The old bridge collapsed.")])
    assert [a.id for a in store.articles()] == ["flood", "vote"]
    assert sorted(engine.rows["chunks"]) == [1, 2, 3]  # an orphan above the committed ids
    engine.on_add, engine.down = lambda kind: None, set()
    index_articles(store, fake_encoder, [Article("storm", "Storm", "A storm hit.")])
    assert sorted(engine.rows["chunks"]) == store.live_rows("chunks") == [1, 2, 3]
    assert store.chunks([3])[3].article_id == "storm"


def test_rows_the_engine_failed_to_delete_stay_hidden_until_the_next_write(
    store: Store, engine: MemoryVectors, fake_encoder: HashingEncoder
) -> None:
    engine.down.add("delete")
    remove_articles(store, ["flood"])  # committed; the engine still holds its rows
    query = encode_query(fake_encoder, "The river flooded the valley.")
    assert [row for row, _ in store.search_dense("sentences", query, 5)] == [3]
    assert store.vector_count("sentences") == 1
    assert len(engine.rows["sentences"]) == 3
    engine.down.clear()
    index_articles(store, fake_encoder, [Article("storm", "Storm", "A storm hit.")])
    assert sorted(engine.rows["sentences"]) == [3, 4]
    assert store.tombstones("sentences") == []


@pytest.mark.parametrize("ranks_text", [False, True])
def test_text_is_ranked_by_the_engine_only_when_it_ranks_as_the_store_does(
    ranks_text: bool, store: Store, engine: MemoryVectors
) -> None:
    engine.ranks_text = ranks_text
    engine.calls.clear()
    found = store.search_lexical("sentences", '"taxes"', 5)
    assert ("search_lexical" in engine.calls) == ranks_text
    if not ranks_text:  # the store's FTS5 tables
        assert [row for row, _ in found] == [3]
