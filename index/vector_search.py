"""Where a store's vectors live, and the seams between the store and the engines holding them.

`VectorSearch` is the part of the store that retrieval calls (`Store.search_dense`, `search_lexical`,
`vectors`, `vector_count`). Behind it, a `VectorEngine` holds a store's vectors and takes its part of
each write transaction: `index.faiss_engine.FaissEngine` (the store's own FAISS files, the default) or
`index.external_engine.ExternalEngine` around an `ExternalVectors` engine outside the store's folder
(Milvus, `index/milvus.py`, for a store built with `--vectors milvus:...`). Articles, sentence offsets,
quotes, speakers and the FTS5 tables stay in the store's SQLite whichever engine holds the vectors.

The choice is made when a store is created and kept in its `meta` table (`VectorsChoice.spec`); an
existing store opens with the engine it was built with.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from index.errors import InputError
from index.vectors import Vectors

Kind = Literal["chunks", "sentences"]
Engine = Literal["faiss", "milvus"]

_SERVER = re.compile(r"^(https?|tcp|grpc)://[^\s/:]+(:\d+)?/?$")
_BAD_VECTORS = (
    "--vectors {value!r} is not a vector engine: use faiss (the default), milvus:FILE.db (Milvus Lite, "
    "a local file) or milvus:http://HOST:19530 (a Milvus server; token from MILVUS_TOKEN)."
)


@dataclass(frozen=True, slots=True)
class VectorsChoice:
    """Which engine holds a store's vectors: its own FAISS files, or Milvus at `uri` (a Milvus Lite
    file, as an absolute path, or a server URL)."""

    engine: Engine = "faiss"
    uri: str = ""

    @property
    def spec(self) -> str:
        """The text kept in the store's meta (and accepted by `parse_vectors`)."""
        return self.engine if self.engine == "faiss" else f"{self.engine}:{self.uri}"

    @property
    def is_server(self) -> bool:
        return _SERVER.match(self.uri) is not None


DEFAULT_VECTORS = VectorsChoice()


def parse_vectors(text: str, base: Path | None = None) -> VectorsChoice:
    """The engine named by a `--vectors` value; a Milvus Lite file is resolved against `base`
    (default: the current folder), so the store finds it from anywhere.

    Raises:
        InputError: `text` names no engine this project can use.
    """
    value = text.strip()
    if value == "faiss":
        return DEFAULT_VECTORS
    engine, colon, uri = value.partition(":")
    if engine != "milvus" or not colon or not uri:
        raise InputError(_BAD_VECTORS.format(value=text))
    if _SERVER.match(uri):
        return VectorsChoice("milvus", uri.rstrip("/"))
    if "://" in uri or not uri.endswith(".db") or uri.endswith("/.db"):
        raise InputError(_BAD_VECTORS.format(value=text))
    path = Path(uri).expanduser()
    return VectorsChoice("milvus", str((base or Path.cwd()) / path if not path.is_absolute() else path))


class VectorSearch(Protocol):
    """The searches retrieval runs over a store's chunks and sentences (row ids are store row ids)."""

    def search_dense(
        self, kind: str, query: Vectors, k: int, scope: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        """Row ids of the `k` nearest rows to a unit query vector, with inner-product scores, best first;
        `scope` limits them to some article ids."""
        ...

    def search_lexical(
        self, kind: str, match: str, k: int, scope: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        """Row ids of the best `k` rows for an FTS5 MATCH expression, BM25 scores (higher is better)."""
        ...

    def vectors(self, kind: str, ids: Sequence[int]) -> Vectors:
        """The stored vectors of these row ids, in their order (KeyError for one it does not hold)."""
        ...

    def vector_count(self, kind: str) -> int:
        """How many live vectors of `kind` it holds."""
        ...


class VectorEngine(VectorSearch, Protocol):
    """A store's vector engine as the store drives it: the searches (deleted rows left out), and its
    part of each write. `Store.write`, with the store's write lock held, calls `prepare`, then runs one
    SQLite transaction (the record changes, `stage`, the commit), then calls `settle`; or `discard` when
    anything failed before the commit."""

    def row_count(self, kind: str) -> int:
        """About how many rows of `kind` the store holds, cheaply."""
        ...

    def create(self) -> None:
        """Make the empty vector storage of a new store."""
        ...

    def prepare(self) -> None:
        """Before the write transaction."""
        ...

    def stage(
        self, cur: sqlite3.Cursor, added: Mapping[str, VectorRows], removed: Mapping[str, Sequence[int]]
    ) -> None:
        """In the write transaction, before its commit: hold the `added` rows' vectors, and keep the
        `removed` row ids (deleted from the records in this transaction) out of every search from the
        commit on. What the engine writes outside SQLite must be durable now; what the commit must say
        goes through `cur`."""
        ...

    def discard(self) -> None:
        """The transaction rolled back: undo what `prepare` and `stage` wrote outside SQLite."""
        ...

    def settle(self) -> None:
        """After the commit: clean-up that no reader of the committed store depends on."""
        ...

    def drop(self) -> None:
        """Delete the vectors kept outside the store's folder (nothing for an engine keeping them in it)."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class VectorRows:
    """Rows of one kind to add to an external engine: ids, unit vectors, texts and the filterable
    fields of each row's article."""

    ids: Sequence[int]
    vectors: Vectors
    texts: Sequence[str]
    article_ids: Sequence[str]
    sources: Sequence[str]
    published: Sequence[str]


class ExternalVectors(VectorSearch, Protocol):
    """An engine outside the store's folder holding its vectors and full-text index, driven by
    `index.external_engine.ExternalEngine`: `add` is called before the store's SQLite commit and `delete`
    after it (deleted rows are tombstones in SQLite until then, which searches skip via `exclude`)."""

    def search_dense(
        self,
        kind: str,
        query: Vectors,
        k: int,
        scope: Collection[str] | None = None,
        exclude: Collection[int] = (),
    ) -> list[tuple[int, float]]: ...

    def search_lexical(
        self,
        kind: str,
        match: str,
        k: int,
        scope: Collection[str] | None = None,
        exclude: Collection[int] = (),
    ) -> list[tuple[int, float]]: ...

    @property
    def ranks_text(self) -> bool:
        """Whether the store sends its lexical searches here; else to its own FTS5 tables, which every
        store keeps (for document frequencies and the quote search)."""
        ...

    def search_fused(
        self,
        kind: str,
        query: Vectors,
        match: str,
        k: int,
        scope: Collection[str] | None = None,
        exclude: Collection[int] = (),
    ) -> list[tuple[int, float]]:
        """Dense and BM25 search fused by reciprocal rank (k=60), in one call where the engine can."""
        ...

    def add(self, kind: str, rows: VectorRows) -> None:
        """Insert (or overwrite) rows; batched by the engine."""
        ...

    def delete(self, kind: str, ids: Sequence[int]) -> None: ...

    def delete_articles(self, kind: str, article_ids: Sequence[str]) -> None: ...

    def delete_after(self, kind: str, last_id: int) -> None:
        """Delete rows with ids above `last_id` (left by a write that failed before its commit)."""
        ...

    def flush(self) -> None:
        """Make what was written fast to search (called after each commit)."""
        ...

    def drop(self) -> None:
        """Delete this store's collections."""
        ...

    def close(self) -> None: ...


_token: list[str | None] = [None]


def set_server_token(token: str | None) -> None:
    """The token for Milvus servers, for the rest of this process. Set by the entry point (the CLI reads
    `MILVUS_TOKEN`); a token is never kept in the store."""
    _token[0] = token or None


def server_token() -> str | None:
    """The token set by `set_server_token`, if any."""
    return _token[0]
