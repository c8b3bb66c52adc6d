"""The store's own vector engine: segmented FAISS files in the store's folder (the default).

Vectors of each kind (chunks, sentences) live in segments: one base index and a few small delta indexes,
each an immutable file named by the generation that wrote it (`sentences.12.faiss`). A write adds one
delta file with only its new vectors, so indexing does not rewrite what is already stored; deleted rows
become tombstones (a table), filtered out of every search. When deltas and tombstones pass a tenth of the
base, they are merged into a new base file (so each vector is rewritten a logarithmic number of times, not
once per commit); before that, `MAX_DELTAS` deltas are merged into one. A write saves its new files first,
then the store's SQLite commit names them as the live segments (`meta`); files named by neither the current
nor the previous layout are deleted after the commit. A crash at any point leaves the last commit complete.
The FAISS indexes themselves are `index.vector_index`'s.
"""

from __future__ import annotations

import ctypes
import json
import os
import sqlite3
from collections.abc import Collection, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index import vector_index
from index.errors import StoreError, StoreMismatch
from index.fulltext import FullText
from index.records import Records, add_tombstones, set_meta
from index.schema import KINDS
from index.vector_search import VectorRows
from index.vectors import Vectors

# Deltas and tombstones are merged into the base past this share of it (or this many vectors).
MERGE_SHARE = 0.1
MERGE_MIN = 20_000
MAX_DELTAS = 16  # deltas are merged into one at this many: each search visits every segment
# A base this large is sealed: it is never merged again, and new vectors start a new base. A merge then
# copies at most this many vectors (fp16: 384 MB) however large the store grows, where a single base
# would be held twice by each merge.
SEAL_AT = 500_000
# Rows deleted from sealed bases stay as tombstones (searches skip them); once they pass this share of
# the sealed vectors, every sealed base is rewritten without them (a feed that keeps updating old
# articles would otherwise grow the sealed bases and their tombstones without end).
COMPACT_SHARE = 0.1
# The layout of a new store: an empty base per kind, written by generation 0.
EMPTY_SEGMENTS = {kind: {"base": 0, "deltas": []} for kind in KINDS}


class FaissEngine:
    """The segmented FAISS files of one store (see the module docstring); `VectorEngine`."""

    def __init__(self, path: Path, records: Records, text: FullText) -> None:
        self.path = path
        self._records = records
        self._text = text
        self._dimension = records.dimension
        self._files: dict[str, Any] = {}  # file name → loaded FAISS index (files never change)
        self._sets: dict[str, vector_index.Segments] = {}
        self._generation = -1  # the generation `_sets` were loaded at
        self.approximate_above = vector_index.APPROXIMATE_ABOVE
        self._pending: _PendingWrite | None = None

    def create(self) -> None:
        for kind in KINDS:
            self._save(kind, vector_index.new_index(self._dimension), 0)

    def close(self) -> None:
        """Nothing to release: the files are read again by the next store opened."""

    # -- searching ------------------------------------------------------------------------------

    def search_dense(
        self, kind: str, query: Vectors, k: int, scope: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        """The `k` nearest rows, exactly among the rows of the `scope` articles when given."""
        allowed = None
        if scope is not None:
            allowed = self._records.rows_of_articles(kind, list(scope))
            if not allowed:
                return []
        return self._segments(kind).search(query, k, allowed)

    def search_lexical(
        self, kind: str, match: str, k: int, scope: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        return self._text.search(kind, match, k, scope)

    def vectors(self, kind: str, ids: Sequence[int]) -> Vectors:
        return self._segments(kind).reconstruct(ids)

    def vector_count(self, kind: str) -> int:
        """Live vectors (tombstones left out)."""
        return self._segments(kind).count()

    def row_count(self, kind: str) -> int:
        return self.vector_count(kind)

    def segment_count(self, kind: str) -> int:
        return len(self._segments(kind).indexes)

    def is_approximate(self, kind: str) -> bool:
        return vector_index.is_approximate(self._segments(kind).indexes[0])

    def loaded_files(self) -> set[str]:
        """Names of the vector files this process holds in memory."""
        return set(self._files)

    def sealed_sizes(self, kind: str) -> list[int]:
        """Vectors in each sealed base of one kind, tombstoned ones included."""
        layout = json.loads(self._records.meta()["segments"])[kind]
        return [int(self._load(self._file(kind, g)).ntotal) for g in layout.get("sealed", [])]

    # -- writing --------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Nothing: the write reads the layout it starts from in its transaction."""

    def stage(
        self, cur: sqlite3.Cursor, added: Mapping[str, VectorRows], removed: Mapping[str, Sequence[int]]
    ) -> None:
        """Save this write's vectors as new files, and name them and the new tombstones in `cur`. The
        layout it starts from is read in the transaction: another process may have written since this
        one last searched, and the segments are loaded again when it has."""
        meta = dict(cur.execute("SELECT key, value FROM meta").fetchall())
        pending = self._pending = _PendingWrite(int(meta["generation"]) + 1, json.loads(meta["segments"]))
        layout = dict(pending.previous)
        for kind in KINDS:
            add_tombstones(cur, kind, removed.get(kind, []))
            written = self._write_segment(cur, kind, layout[kind], added.get(kind), pending.generation)
            layout[kind] = self._compact_sealed(cur, kind, written, pending.generation)
        last = max([pending.generation, *(g for kind in KINDS for g in _generations(layout[kind]))])
        set_meta(cur, "segments", json.dumps(layout))
        set_meta(cur, "generation", str(last))
        pending.layout = layout

    def discard(self) -> None:
        """Delete the files this write made (its generation and after)."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        for file in self.path.glob("*.faiss"):
            number = file.name.split(".")[1]
            if number.isdigit() and int(number) >= pending.generation:
                file.unlink(missing_ok=True)
                self._files.pop(file.name, None)

    def settle(self) -> None:
        """Delete the files named by neither the committed layout nor the previous one (a reader may have
        read `meta` just before this commit), and hand the memory of merged indexes back to the system."""
        pending, self._pending = self._pending, None
        if pending is None or pending.layout is None:
            return
        self._drop_unreferenced(pending.previous, pending.layout)
        _release_freed_memory()

    def drop(self) -> None:
        """Nothing outside the store's folder."""

    def _write_segment(
        self,
        cur: sqlite3.Cursor,
        kind: str,
        layout: dict[str, Any],
        rows: VectorRows | None,
        generation: int,
    ) -> dict[str, Any]:
        """Save this write's vectors of one kind as a new delta, or merge the base and the deltas into a new
        base (sealed once it holds `SEAL_AT` vectors). Sealed bases hold the lowest row ids, so the
        tombstones above `sealed_through` are the ones a merge can clear."""
        current = self._segments(kind)
        new = vector_index.new_index(self._dimension)
        if rows is not None and len(rows.ids):
            new.add_with_ids(rows.vectors, np.asarray(rows.ids, dtype=np.int64))
        sealed, through = layout.get("sealed", []), layout.get("sealed_through", 0)
        active = current.indexes[len(sealed) :]  # the base (when there is one) and the deltas
        base_size = active[0].ntotal if layout["base"] is not None else 0
        deltas = active[1:] if layout["base"] is not None else active
        dead = [
            row[0]
            for row in cur.execute("SELECT id FROM tombstones WHERE kind = ? AND id > ?", (kind, through))
        ]
        pending = sum(d.ntotal for d in deltas) + new.ntotal + len(dead)
        if pending > max(MERGE_MIN, MERGE_SHARE * base_size):
            merged = vector_index.merge([*active, new], dead)
            merged = vector_index.fit_to_size(merged, self.approximate_above)
            self._save(kind, merged, generation)
            cur.execute("DELETE FROM tombstones WHERE kind = ? AND id > ?", (kind, through))
            if merged.ntotal >= SEAL_AT:
                last = cur.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (kind,)).fetchone()[0]
                return {"sealed": [*sealed, generation], "sealed_through": last, "base": None, "deltas": []}
            return {"sealed": sealed, "sealed_through": through, "base": generation, "deltas": []}
        if len(deltas) >= MAX_DELTAS:
            # Too many small files to search: they become one delta, and the base is left alone (it
            # would be rewritten every MAX_DELTAS commits otherwise). Tombstones stay until the base merge.
            self._save(kind, vector_index.merge([*deltas, new], []), generation)
            return {**layout, "deltas": [generation]}
        if new.ntotal == 0:
            return layout
        self._save(kind, new, generation)
        return {**layout, "deltas": [*layout["deltas"], generation]}

    def _compact_sealed(
        self, cur: sqlite3.Cursor, kind: str, layout: dict[str, Any], generation: int
    ) -> dict[str, Any]:
        """Rewrite the sealed bases without their deleted rows once those pass `COMPACT_SHARE` of them.
        The new files take generations after this write's own; the old ones stay for readers of the
        previous layout until the next write (`settle`)."""
        sealed, through = layout.get("sealed", []), layout.get("sealed_through", 0)
        if not sealed:
            return layout
        deleted = "FROM tombstones WHERE kind = ? AND id <= ?"
        count = cur.execute(f"SELECT COUNT(*) {deleted}", (kind, through)).fetchone()[0]
        if count == 0:
            return layout
        bases = [self._load(self._file(kind, g)) for g in sealed]
        if count <= COMPACT_SHARE * sum(base.ntotal for base in bases):
            return layout
        dead = [row[0] for row in cur.execute(f"SELECT id {deleted}", (kind, through))]
        rewritten = []
        for base, old in zip(bases, sealed):
            compacted = vector_index.merge([base], dead)
            if compacted.ntotal == base.ntotal:
                rewritten.append(old)  # none of its rows was deleted
                continue
            new = generation + 1 + len(rewritten)
            self._save(kind, compacted, new)
            rewritten.append(new)
        cur.execute(f"DELETE {deleted}", (kind, through))
        return {**layout, "sealed": rewritten}

    # -- files ----------------------------------------------------------------------------------

    def _file(self, kind: str, generation: int) -> Path:
        return self.path / f"{kind}.{generation}.faiss"

    def _segments(self, kind: str) -> vector_index.Segments:
        """The live segments of one kind, as of the last commit."""
        meta = self._records.meta()
        generation = int(meta["generation"])
        if generation != self._generation:
            self._sets.clear()
            self._generation = generation
            # Forget the files of older layouts: a long-running reader (the app) would otherwise keep
            # every base it ever loaded in memory while another process indexes.
            current = {
                self._file(k, g).name
                for k, layout in json.loads(meta["segments"]).items()
                for g in _generations(layout)
            }
            self._files = {name: index for name, index in self._files.items() if name in current}
        if kind not in self._sets:
            layout = json.loads(meta["segments"])[kind]
            indexes = [self._load(self._file(kind, g)) for g in _generations(layout)]
            self._sets[kind] = vector_index.Segments(indexes, self._records.tombstones(kind))
        return self._sets[kind]

    def _load(self, file: Path) -> Any:
        if file.name not in self._files:
            import faiss

            try:
                # An approximate base is mapped, not read: its inverted lists stay in the page cache,
                # shared between processes, and a writer touches only the few vectors it looks up.
                index = faiss.read_index(str(file), faiss.IO_FLAG_MMAP)
            except RuntimeError as error:
                raise StoreError(
                    f"Vector file '{file}' is missing or damaged. Repair the store with "
                    f"`qa index --rebuild --store {self.path}`."
                ) from error
            if index.d != self._dimension:
                raise StoreMismatch(
                    f"Vector file '{file}' has dimension {index.d}, the store says {self._dimension}. "
                    f"Rebuild with `qa index --rebuild --store {self.path}`."
                )
            self._files[file.name] = index
        return self._files[file.name]

    def _save(self, kind: str, index: Any, generation: int) -> None:
        import faiss

        file = self._file(kind, generation)
        tmp = file.with_suffix(".tmp")
        faiss.write_index(index, str(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, file)
        if vector_index.is_approximate(index):
            self._files.pop(file.name, None)
            self._load(file)  # mapped: the merged lists' memory is released after the write
        else:
            self._files[file.name] = index  # the next search uses it rather than a second copy from disk

    def _drop_unreferenced(self, *layouts: dict[str, Any]) -> None:
        """Delete vector files named by none of `layouts`."""
        keep = {
            self._file(kind, g).name
            for layout in layouts
            for kind in KINDS
            for g in _generations(layout[kind])
        }
        for file in self.path.glob("*.faiss"):
            if file.name not in keep:
                file.unlink(missing_ok=True)
                self._files.pop(file.name, None)


@dataclass(slots=True)
class _PendingWrite:
    """A write staged and not yet committed or discarded."""

    generation: int  # the generation naming its new files
    previous: dict[str, Any]  # the layout it starts from
    layout: dict[str, Any] | None = None  # the layout it commits, once staged


def _generations(layout: dict[str, Any]) -> list[int]:
    """The generations naming one kind's vector files: sealed bases, the base, the deltas."""
    base = [] if layout["base"] is None else [layout["base"]]
    return [*layout.get("sealed", []), *base, *layout["deltas"]]


def _release_freed_memory() -> None:
    """Hand freed heap pages back to the system (glibc only). A merge frees thousands of inverted-list
    buffers of a few hundred KB, which the process would otherwise keep as fragmented heap."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
