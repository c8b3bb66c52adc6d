"""The store: one directory holding its records (SQLite: `index.records`, with the FTS5 tables searched by
`index.fulltext`) and, behind the `VectorEngine` protocol, its vectors: its own FAISS files
(`index.faiss_engine`, the default) or an engine outside the folder (`index.external_engine`).

A write is one SQLite transaction that changes the records and lets the engine stage its part before the
commit; a crash at any point leaves the last commit complete. One writer at a time commits: it holds
`write.lock` (`Store.writing`) around each batch it writes, and a second writer waits for it (readers never
wait), so two imports interleave their batches.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index.copies import originals, record_copies
from index.errors import StoreError, StoreMismatch
from index.external_engine import ExternalEngine, open_external
from index.faiss_engine import EMPTY_SEGMENTS, FaissEngine
from index.fulltext import FullText
from index.records import (
    ArticleInfo,
    IndexedArticle,
    Records,
    delete_articles,
    insert_article,
    set_meta,
    text_key,
)
from index.schema import (
    DB,
    KINDS,
    MIGRATES_FROM,
    SCHEMA_VERSION,
    connect,
    create_database,
    is_store,
    migrate,
    read_meta,
    read_stored_articles,
)
from index.speaker_table import refresh_speakers
from index.vector_search import DEFAULT_VECTORS, VectorEngine, VectorRows, VectorsChoice, parse_vectors
from index.vectors import Vectors

__all__ = [
    "SCHEMA_VERSION",
    "ArticleInfo",
    "IndexedArticle",
    "Store",
    "drop_stored_vectors",
    "is_store",
    "read_stored_articles",
    "read_stored_vectors",
    "recover_interrupted_rebuild",
    "text_key",
    "write_lock",
]

LOCK = "write.lock"


def read_stored_vectors(path: Path) -> VectorsChoice:
    """The vector engine of the store at `path` (FAISS for a store from before the choice), read-only
    whatever its encoder or schema version, so a rebuild keeps it."""
    return parse_vectors(read_meta(path).get("vectors", "faiss"))


def drop_stored_vectors(path: Path) -> None:
    """Delete the collections of the store at `path` from its external vector engine (nothing for a
    store whose vectors are its own files). Reads only `meta`, whatever the store's schema version."""
    meta = read_meta(path)
    choice = parse_vectors(meta.get("vectors", "faiss"))
    if choice.engine != "faiss":
        engine = open_external(choice, meta["vectors_name"], int(meta["dimension"]))
        try:
            engine.drop()
        finally:
            engine.close()


def recover_interrupted_rebuild(path: Path) -> None:
    """Put back the old store when a rebuild was killed between moving it aside and moving the new
    one in (see `index.pipeline.rebuild_store`)."""
    old = path.with_name(path.name + ".old")
    if not is_store(path) and is_store(old):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
        os.replace(old, path)


@contextmanager
def write_lock(path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the write lock of the store folder `path` for the block. When another process holds it,
    call `on_wait` and wait, without a deadline: a writer holds it only to commit a batch, and the
    system releases it when that process ends, however it ends. Should the folder be replaced while
    this one waits (a rebuild swapped in), the lock of the new folder is taken."""
    while True:
        lock = open(path / LOCK, "a")  # noqa: SIM115  # held past this block, closed below
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(lock, fcntl.LOCK_EX)
        except BaseException:
            lock.close()
            raise
        if _same_file(lock.fileno(), path / LOCK):
            break
        lock.close()  # the lock of a folder that was moved away meanwhile
    try:
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


class Store(Records):
    """An open store: its records (`Records`, whose reads it offers) with full-text and vector search
    over them. `Store.open` for an existing one, `Store.create` for a new one."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        super().__init__(path, db)
        try:
            self._attach()
        except BaseException:
            db.close()
            raise

    def _attach(self) -> None:
        """Set up full-text search and the vector engine over the records' connection."""
        self._identity = _file_identity(self.path / DB)
        self._text = FullText(self._db)
        self.engine: VectorEngine = _open_engine(self, self._text)

    # -- opening --------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, encoder_name: str | None = None) -> Store:
        """Open an existing store, checking it was built with `encoder_name` and this schema.

        Raises:
            StoreError: the folder is missing or is not a store.
            StoreMismatch: built with another encoder or schema version.
        """
        recover_interrupted_rebuild(path)
        if not path.exists():
            raise StoreError(f"No store at '{path}'. Create one with `qa index PATH --store {path}`.")
        if not is_store(path):
            raise StoreError(f"'{path}' is not a store (no {DB} in it). Choose another --store folder.")
        db = connect(path / DB)
        try:
            records = Records(path, db)
            if records.meta().get("schema_version") in MIGRATES_FROM:
                with write_lock(path), records.transaction() as cur:
                    migrate(cur)
            _check(records, encoder_name)
            return cls(path, db)
        except BaseException:
            db.close()
            raise

    @classmethod
    def create(
        cls, path: Path, encoder_name: str, dimension: int, vectors: VectorsChoice = DEFAULT_VECTORS
    ) -> Store:
        """Create an empty store in `path` (which must not hold one yet), its vectors in `vectors`."""
        if path.exists() and not path.is_dir():
            raise StoreError(f"Cannot create a store at '{path}': it is a file, not a folder.")
        if path.is_dir() and any(p.name != LOCK for p in path.iterdir()) and not is_store(path):
            raise StoreError(
                f"'{path}' is a folder with other files in it, not a store. Choose another --store."
            )
        path.mkdir(parents=True, exist_ok=True)
        meta = {
            "schema_version": str(SCHEMA_VERSION),
            "encoder": encoder_name,
            "dimension": str(dimension),
            "normaliser": "unit",
            # The layout of the store's own vector files (`index.faiss_engine`; empty when they live in
            # another engine).
            "generation": "0",
            "segments": json.dumps(EMPTY_SEGMENTS),
            "built_at": str(time.time()),
            "vectors": vectors.spec,
            "vectors_name": f"qa_{secrets.token_hex(6)}",  # its collections' names in an external engine
            "chunk_vectors": "sentence-mean",  # see `Records.chunk_vectors`
        }
        create_database(path, meta)
        store = cls(path, connect(path / DB))
        store.engine.create()
        return store

    def close(self) -> None:
        self.engine.close()
        super().close()

    @property
    def vectors_choice(self) -> VectorsChoice:
        """The engine holding this store's vectors (stores from before the choice existed: FAISS)."""
        return parse_vectors(self.meta().get("vectors", "faiss"))

    # -- searching ------------------------------------------------------------------------------

    def search_dense(
        self, kind: str, query: Vectors, k: int, scope: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        """Row ids of the `k` nearest chunks or sentences to a unit query vector, with cosine scores;
        `scope` limits them to some article ids (searched exactly inside that subset)."""
        return self.engine.search_dense(kind, query, k, scope)

    def search_lexical(
        self, kind: str, match: str, k: int, scope: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        """Row ids of the best `k` chunks or sentences for an FTS5 MATCH expression, with BM25 scores
        (higher is better); `scope` limits them to some article ids."""
        if not match or (scope is not None and not scope):
            return []
        return self.engine.search_lexical(kind, match, k, scope)

    def document_frequencies(self, kind: str, words: Sequence[str]) -> dict[str, int]:
        """How many chunks or sentences hold each word, as the full-text index counts it (Porter stems,
        like its `porter` tokenizer); 0 for words it does not hold."""
        return self._text.document_frequencies(kind, words)

    def originals(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Article id -> the article it is a copy of, for those of `article_ids` that are copies."""
        return originals(self._db, article_ids)

    def vectors(self, kind: str, ids: Sequence[int]) -> Vectors:
        return self.engine.vectors(kind, ids)

    def vector_count(self, kind: str) -> int:
        """Live vectors (tombstones left out)."""
        return self.engine.vector_count(kind)

    def row_count(self, kind: str) -> int:
        """About how many rows a full-text table holds (chunks, sentences or quotes), cheaply."""
        return self.engine.row_count(kind) if kind in KINDS else self.last_id(kind)

    def stored_vectors(self, texts: Sequence[str]) -> dict[str, Vectors]:
        """Text → the stored vector of a sentence or chunk with exactly that text, for the texts the
        store holds (an updated article's unchanged sentences, a story republished under another id),
        so that no text is embedded twice. Rows and vectors are read as of one commit."""
        try:
            return self._stored_vectors(texts)
        except StoreError:
            # A writer reads these without the write lock: two commits by another writer since the
            # snapshot began may have deleted the vector files it names. A new snapshot names newer ones.
            return self._stored_vectors(texts)

    def _stored_vectors(self, texts: Sequence[str]) -> dict[str, Vectors]:
        found: dict[str, Vectors] = {}
        with self.snapshot():
            for kind in KINDS:
                rows = self.rows_with_texts(kind, [text for text in texts if text not in found])
                if rows:
                    found.update(zip(rows, self.vectors(kind, list(rows.values()))))
        return found

    # -- writing --------------------------------------------------------------------------------

    @contextmanager
    def writing(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the store's write lock for the block (see `write_lock`: `on_wait` is called when another
        writer holds it, then this one waits its turn). Hold it only to commit: whatever the block
        decides from the store's contents, it reads them inside. A store rebuilt and swapped in while
        this one waited is reopened first.

        Raises:
            StoreMismatch: the store was rebuilt with another encoder meanwhile.
        """
        with write_lock(self.path, on_wait):
            if _file_identity(self.path / DB) != self._identity:
                self._reopen()
            yield

    def write(self, add: Sequence[IndexedArticle], remove: Sequence[str] = ()) -> None:
        """Replace the articles of `add` (and delete those of `remove`) in one atomic step.

        Call inside `writing()`."""
        replaced = [item.article.id for item in add]
        doomed = list(dict.fromkeys([*remove, *replaced]))
        self.engine.prepare()
        try:
            with self.transaction() as cur:
                families: set[str] = set()  # of the speakers quoted, decided once for the whole write
                removed = delete_articles(cur, doomed, families)
                inserted = [insert_article(cur, item, families) for item in add]
                refresh_speakers(cur, families)
                record_copies(cur, replaced, remove)  # the same text under another id (index.copies)
                self.engine.stage(cur, _vector_rows(add, inserted, self.dimension), removed)
                set_meta(cur, "built_at", str(time.time()))
        except BaseException:
            self.engine.discard()
            raise
        self.engine.settle()

    def _reopen(self) -> None:
        """Open the store now at `self.path` in place of the one this object had open."""
        encoder = self.meta()["encoder"]
        self.close()
        self._db = connect(self.path / DB)
        try:
            _check(self, encoder)
            self._attach()
        except BaseException:
            self._db.close()
            raise


def _check(records: Records, encoder_name: str | None) -> None:
    """Refuse a store of another schema version, or built with another encoder than `encoder_name`."""
    meta, path = records.meta(), records.path
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        raise StoreMismatch(
            f"Cannot open store at '{path}': schema version {meta.get('schema_version')}, this version "
            f"uses {SCHEMA_VERSION}. Rebuild it with `qa index --rebuild --store {path}`."
        )
    if encoder_name is not None and meta.get("encoder") != encoder_name:
        raise StoreMismatch(
            f"Cannot open store at '{path}': built with encoder {meta.get('encoder')}, this run uses "
            f"{encoder_name}. Use that model (QA_MODEL) or rebuild with `qa index --rebuild`."
        )


def _open_engine(records: Records, text: FullText) -> VectorEngine:
    """The engine the store was built with (meta `vectors`)."""
    meta = records.meta()
    choice = parse_vectors(meta.get("vectors", "faiss"))
    if choice.engine == "faiss":
        return FaissEngine(records.path, records, text)
    external = open_external(choice, meta["vectors_name"], int(meta["dimension"]))
    return ExternalEngine(external, records, text)


def _vector_rows(
    items: Sequence[IndexedArticle], inserted: Sequence[dict[str, list[int]]], dimension: int
) -> dict[str, VectorRows]:
    """The new rows of each kind with their vectors, texts and articles' fields, in insertion order."""
    rows = {}
    for kind in KINDS:
        ids, vectors, texts, articles = [], [], [], []
        for item, item_ids in zip(items, inserted):
            ids += item_ids[kind]
            vectors.append(item.sentence_vectors if kind == "sentences" else item.chunk_vectors)
            texts += [part.text for part in (item.sentences if kind == "sentences" else item.chunks)]
            articles += [item.article] * len(item_ids[kind])
        rows[kind] = VectorRows(
            ids,
            np.concatenate(vectors) if vectors else np.zeros((0, dimension), dtype=np.float32),
            texts,
            [a.id for a in articles],
            [a.source for a in articles],
            [a.published for a in articles],
        )
    return rows


def _file_identity(file: Path) -> tuple[int, int]:
    """(device, inode) of `file`: which file a path names, to notice when it was replaced."""
    stat = file.stat()
    return stat.st_dev, stat.st_ino


def _same_file(fd: int, file: Path) -> bool:
    """Whether the open file `fd` is the one `file` names."""
    stat = os.fstat(fd)
    try:
        return _file_identity(file) == (stat.st_dev, stat.st_ino)
    except FileNotFoundError:
        return False
