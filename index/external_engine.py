"""The store's side of a vector engine outside its folder (Milvus: `index/milvus.py`).

Such an engine cannot take part in the store's SQLite transaction, so a write orders its calls around the
commit: new rows go to the engine before the commit; deleted rows become tombstones in the same commit
(skipped by every search) and leave the engine after it. A crash before the commit leaves rows above the
committed ids in the engine, deleted at the next write; one after it leaves tombstones, skipped by searches
and deleted from the engine at the next write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping, Sequence
from contextlib import suppress

from index.errors import StoreError
from index.fulltext import FullText
from index.milvus import MilvusVectors
from index.records import Records, add_tombstones
from index.schema import KINDS
from index.vector_search import ExternalVectors, VectorRows, VectorsChoice, server_token
from index.vectors import Vectors


def open_external(choice: VectorsChoice, name: str, dimension: int) -> ExternalVectors:
    """The engine of `choice` for the store whose collections are named `name`, created when missing.

    Raises:
        StoreError: the engine cannot be reached or refused the collections.
    """
    return MilvusVectors.connect(choice, name, dimension, server_token() if choice.is_server else None)


class ExternalEngine:
    """A store's vectors in an `ExternalVectors` engine, its tombstones in the store (`VectorEngine`)."""

    def __init__(self, vectors: ExternalVectors, records: Records, text: FullText) -> None:
        self._vectors = vectors
        self._records = records
        self._text = text
        self._last: dict[str, int] | None = None  # the write in progress: the last committed row ids

    def create(self) -> None:
        """Nothing: the collections were made when the engine was connected."""

    def close(self) -> None:
        self._vectors.close()

    def drop(self) -> None:
        self._vectors.drop()

    # -- searching ------------------------------------------------------------------------------

    def search_dense(
        self, kind: str, query: Vectors, k: int, scope: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        return self._vectors.search_dense(kind, query, k, scope, self._records.tombstones(kind))

    def search_lexical(
        self, kind: str, match: str, k: int, scope: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        """BM25 from the engine when it ranks text as the store's FTS5 tables do, else from them."""
        if self._vectors.ranks_text:
            return self._vectors.search_lexical(kind, match, k, scope, self._records.tombstones(kind))
        return self._text.search(kind, match, k, scope)

    def vectors(self, kind: str, ids: Sequence[int]) -> Vectors:
        return self._vectors.vectors(kind, ids)

    def vector_count(self, kind: str) -> int:
        """Live vectors (tombstones left out)."""
        return self._vectors.vector_count(kind) - len(self._records.tombstones(kind))

    def row_count(self, kind: str) -> int:
        """The largest row id: the engine's own count is a round trip."""
        return self._records.last_id(kind)

    # -- writing --------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Note the last committed row ids (the write lock keeps them until the transaction), and delete
        the rows tombstoned by earlier writes from the engine: a failure after their commit left them."""
        self._last = self._records.last_ids()
        self._clear_tombstones()

    def stage(
        self, cur: sqlite3.Cursor, added: Mapping[str, VectorRows], removed: Mapping[str, Sequence[int]]
    ) -> None:
        """Tombstone the removed rows; replace whatever the engine holds above the last committed ids
        (left by a write that failed before its commit) with the added rows."""
        assert self._last is not None, "stage() before prepare()"
        for kind in KINDS:
            add_tombstones(cur, kind, removed.get(kind, []))
        for kind in KINDS:
            self._vectors.delete_after(kind, self._last.get(kind, 0))
            rows = added.get(kind)
            if rows is not None and len(rows.ids):
                self._vectors.add(kind, rows)

    def discard(self) -> None:
        """Delete the rows this write added; should the engine fail, the next write deletes them."""
        last, self._last = self._last, None
        if last is None:
            return
        with suppress(StoreError):
            for kind in KINDS:
                self._vectors.delete_after(kind, last.get(kind, 0))

    def settle(self) -> None:
        """Delete the rows just tombstoned from the engine and make the new ones fast to search. Should
        the engine fail now, the tombstones keep the old rows out of searches until the next write."""
        self._last = None
        with suppress(StoreError):
            self._clear_tombstones()
            self._vectors.flush()

    def _clear_tombstones(self) -> None:
        """Delete the tombstoned rows from the engine, then their tombstones (a kind at a time)."""
        for kind in KINDS:
            dead = self._records.tombstones(kind)
            if dead:
                self._vectors.delete(kind, dead)
                self._records.clear_tombstones(kind, max(dead))
