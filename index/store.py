"""The store: one directory holding SQLite (articles, sentences, chunks, quotes, FTS5, meta) and FAISS vector
files. The one owner of sqlite3 and faiss.

Vectors of each kind (chunks, sentences) live in segments: one base index and a few small delta indexes,
each an immutable file named by the generation that wrote it (`sentences.12.faiss`). A write adds one
delta file with only its new vectors, so indexing does not rewrite what is already stored; deleted rows
become tombstones (a table), filtered out of every search. When deltas and tombstones pass a tenth of the
base, they are merged into a new base file (so each vector is rewritten a logarithmic number of times, not
once per commit); before that, 16 deltas are merged into one. A write saves its new file first, then
commits SQLite, whose `meta` names the live segments, in one transaction; files no longer named by the
current or previous `meta` are deleted after. A crash at any point leaves the last commit complete. Row
ids are never reused (AUTOINCREMENT), so a tombstoned id can never come back to life. One writer at a time
holds `write.lock`; readers never block.
"""

from __future__ import annotations

import ctypes
import fcntl
import functools
import hashlib
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from index import vector_index
from index.embedding import Vectors
from index.errors import StoreError, StoreMismatch
from index.models import Article, Chunk, Quote, Sentence
from index.vector_search import DEFAULT_VECTORS, ExternalVectors, VectorRows, VectorsChoice, parse_vectors

ChunkVectors = Literal["encoded", "sentence-mean"]
SCHEMA_VERSION = 4  # 3: text_key on sentences and chunks, to find a stored vector by its text; 4: quotes_fts
# Deltas and tombstones are merged into the base past this share of it (or this many vectors).
MERGE_SHARE = 0.1
MERGE_MIN = 20_000
MAX_DELTAS = 16  # deltas are merged into one at this many: each search visits every segment
# A base this large is sealed: it is never merged again, and new vectors start a new base. A merge then
# copies at most this many vectors (fp16: 384 MB) however large the store grows; at 100k articles the
# single sentence base was 1.5 GB and each merge held it twice.
SEAL_AT = 500_000
# Rows deleted from sealed bases stay as tombstones (searches skip them); once they pass this share of
# the sealed vectors, every sealed base is rewritten without them (a feed that keeps updating old
# articles would otherwise grow the sealed bases and their tombstones without end).
COMPACT_SHARE = 0.1
# The columns of a `Sentence`, in its field order.
_SENTENCE_COLUMNS = 'article_id, position, start, "end", text, paragraph'
# The columns of a `Quote`, in its field order (quotes q, speakers s).
_QUOTE_COLUMNS = (
    'q.article_id, q.text, q.start, q."end", q.kind, s.name, q.speaker_mention, q.cue, q.first_sentence, '
    "q.last_sentence, q.role"
)
_DB = "store.sqlite"
_LOCK = "write.lock"
_KINDS = ("chunks", "sentences")

# Quote texts with the sentence each starts in (so an indirect quote's paraphrase is found too); the rowid
# is the quote's id. "Who said ..." searches here rather than over every sentence of the store.
_QUOTES_FTS = """
CREATE VIRTUAL TABLE quotes_fts USING fts5 (text, tokenize='porter unicode61');
"""

_SCHEMA = (
    """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, text TEXT NOT NULL,
    source TEXT NOT NULL, url TEXT NOT NULL, published TEXT NOT NULL, digest TEXT NOT NULL,
    added_at REAL NOT NULL);
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY AUTOINCREMENT, article_id TEXT NOT NULL, position INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, paragraph INTEGER NOT NULL,
    text_key INTEGER NOT NULL, UNIQUE (article_id, position));
CREATE INDEX sentences_text_key ON sentences (text_key);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, article_id TEXT NOT NULL, first INTEGER NOT NULL,
    last INTEGER NOT NULL, text TEXT NOT NULL, text_key INTEGER NOT NULL);
CREATE INDEX chunks_article ON chunks (article_id);
CREATE INDEX chunks_text_key ON chunks (text_key);
CREATE TABLE tombstones (kind TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE speakers (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY, article_id TEXT NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, kind TEXT NOT NULL, speaker_id INTEGER REFERENCES speakers (id),
    speaker_mention TEXT, cue TEXT, first_sentence INTEGER NOT NULL, last_sentence INTEGER NOT NULL,
    role TEXT);
CREATE INDEX quotes_article ON quotes (article_id);
CREATE VIRTUAL TABLE chunks_fts USING fts5 (text, content='chunks', content_rowid='id',
    tokenize='porter unicode61');
CREATE VIRTUAL TABLE sentences_fts USING fts5 (text, content='sentences', content_rowid='id',
    tokenize='porter unicode61');
"""
    + _QUOTES_FTS
)


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What `qa articles` lists."""

    id: str
    title: str
    source: str
    url: str
    published: str
    sentences: int
    quotes: int


@dataclass(frozen=True, slots=True)
class IndexedArticle:
    """An article with everything derived from it, ready to be written."""

    article: Article
    digest: str
    sentences: Sequence[Sentence]
    chunks: Sequence[Chunk]
    quotes: Sequence[Quote]
    sentence_vectors: Vectors
    chunk_vectors: Vectors


def is_store(path: Path) -> bool:
    return (path / _DB).is_file()


def read_stored_articles(path: Path) -> list[Article]:
    """The articles of the store at `path`, read-only and whatever its encoder or schema version (the
    articles table is the same in every version), so a rebuild can start from them.

    Raises:
        StoreError: there is no store, or its articles cannot be read.
    """
    if not is_store(path):
        raise StoreError(f"No store at '{path}' to rebuild; index articles into it first.")
    db = sqlite3.connect(f"file:{path / _DB}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT article_id, title, text, source, url, published FROM articles").fetchall()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"Cannot read the articles of '{path}' ({error}); index them again.") from None
    finally:
        db.close()
    return [Article(*row) for row in rows]


def read_stored_vectors(path: Path) -> VectorsChoice:
    """The vector engine of the store at `path` (FAISS for a store from before the choice), read-only
    whatever its encoder or schema version, so a rebuild keeps it."""
    return parse_vectors(_read_meta(path).get("vectors", "faiss"))


def drop_stored_vectors(path: Path) -> None:
    """Delete the collections of the store at `path` from its external vector engine (nothing for a
    store whose vectors are its own files)."""
    meta = _read_meta(path)
    choice = parse_vectors(meta.get("vectors", "faiss"))
    if choice.engine != "faiss":
        from index.vector_search import open_external

        engine = open_external(choice, meta["vectors_name"], int(meta["dimension"]))
        try:
            engine.drop()
        finally:
            engine.close()


def _read_meta(path: Path) -> dict[str, str]:
    db = sqlite3.connect(f"file:{path / _DB}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as error:
        raise StoreError(f"Cannot read the meta table of '{path}' ({error}); index it again.") from None
    finally:
        db.close()


def recover_interrupted_rebuild(path: Path) -> None:
    """Put back the old store when a rebuild was killed between moving it aside and moving the new
    one in (see `index.pipeline.rebuild_store`)."""
    old = path.with_name(path.name + ".old")
    if not is_store(path) and is_store(old):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
        os.replace(old, path)


class Store:
    """An open store. `Store.open` for an existing one, `Store.create` for a new one."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self._db = db
        self._files: dict[str, Any] = {}  # file name → loaded FAISS index (files never change)
        self._sets: dict[str, vector_index.Segments] = {}
        self.approximate_above = vector_index.APPROXIMATE_ABOVE
        self._generation = -1
        self._vocabularies: set[str] = set()
        # Set when the store was built with an external vector engine (meta `vectors`, see
        # index/vector_search.py): searches and vector writes go there instead of the FAISS files.
        self._external: ExternalVectors | None = None

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
            raise StoreError(f"'{path}' is not a store (no {_DB} in it). Choose another --store folder.")
        store = cls(path, _connect(path / _DB))
        meta = store.meta()
        if meta.get("schema_version") == "3":
            store._upgrade_from_3()
            meta = store.meta()
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            store.close()
            raise StoreMismatch(
                f"Cannot open store at '{path}': schema version {meta.get('schema_version')}, this version "
                f"uses {SCHEMA_VERSION}. Rebuild it with `qa index --rebuild --store {path}`."
            )
        if encoder_name is not None and meta.get("encoder") != encoder_name:
            store.close()
            raise StoreMismatch(
                f"Cannot open store at '{path}': built with encoder {meta.get('encoder')}, this run uses "
                f"{encoder_name}. Use that model (QA_MODEL) or rebuild with `qa index --rebuild`."
            )
        store._attach_vectors()
        return store

    @classmethod
    def create(
        cls, path: Path, encoder_name: str, dimension: int, vectors: VectorsChoice = DEFAULT_VECTORS
    ) -> Store:
        """Create an empty store in `path` (which must not hold one yet), its vectors in `vectors`."""
        if path.exists() and not path.is_dir():
            raise StoreError(f"Cannot create a store at '{path}': it is a file, not a folder.")
        if path.is_dir() and any(p.name != _LOCK for p in path.iterdir()) and not is_store(path):
            raise StoreError(
                f"'{path}' is a folder with other files in it, not a store. Choose another --store."
            )
        path.mkdir(parents=True, exist_ok=True)
        tmp = path / f"{_DB}.new"
        tmp.unlink(missing_ok=True)
        db = sqlite3.connect(tmp)
        db.executescript(_SCHEMA)
        meta = {
            "schema_version": str(SCHEMA_VERSION),
            "encoder": encoder_name,
            "dimension": str(dimension),
            "normaliser": "unit",
            "generation": "0",
            "segments": json.dumps({kind: {"base": 0, "deltas": []} for kind in _KINDS}),
            "built_at": str(time.time()),
            "vectors": vectors.spec,
            "vectors_name": f"qa_{secrets.token_hex(6)}",  # its collections' names in an external engine
            "chunk_vectors": "sentence-mean",  # see `Store.chunk_vectors`
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.commit()
        db.close()
        os.replace(tmp, path / _DB)
        store = cls(path, _connect(path / _DB))
        for kind in _KINDS:
            store._save_vectors(kind, vector_index.new_index(dimension), 0)
        store._attach_vectors()
        return store

    def close(self) -> None:
        if self._external is not None:
            self._external.close()
        self._db.close()

    @property
    def vectors_choice(self) -> VectorsChoice:
        """The engine holding this store's vectors (stores from before the choice existed: FAISS)."""
        return parse_vectors(self.meta().get("vectors", "faiss"))

    def _attach_vectors(self) -> None:
        """Connect to the external vector engine the store was built with, if any."""
        choice = self.vectors_choice
        if choice.engine == "faiss":
            return
        from index.vector_search import open_external

        try:
            self._external = open_external(choice, self.meta()["vectors_name"], self.dimension)
        except BaseException:
            self._db.close()
            raise

    def _upgrade_from_3(self) -> None:
        """Schema 3 → 4: add the quote search table, filled from the stored quotes (no re-embedding)."""
        with self.writing():
            if self.meta().get("schema_version") != "3":
                return  # another process upgraded it while this one waited
            cur = self._db.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                cur.execute(_QUOTES_FTS)
                cur.execute(
                    "INSERT INTO quotes_fts (rowid, text) SELECT q.id, q.text || ' ' || s.text FROM quotes q "
                    "JOIN sentences s ON s.article_id = q.article_id AND s.position = q.first_sentence"
                )
                cur.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
                self._db.commit()
            except BaseException:
                self._db.rollback()
                raise

    # -- reading --------------------------------------------------------------------------------

    @property
    def chunk_vectors(self) -> ChunkVectors:
        """How this store's chunk vectors are made: "sentence-mean", the normalised sum of the chunk's
        sentence vectors (stores created since session 7: the chunk texts, 55% of the words, are not
        encoded again; dev figures unchanged, docs/results.md), or "encoded" (older stores, which keep
        it so their vectors stay of one kind)."""
        value = self.meta().get("chunk_vectors", "encoded")
        return "sentence-mean" if value == "sentence-mean" else "encoded"

    def meta(self) -> dict[str, str]:
        try:
            return dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as error:
            raise StoreError(
                f"Store at '{self.path}' is corrupt ({error}). Rebuild it: `qa index PATH --store NEWDIR`."
            ) from error

    @property
    def dimension(self) -> int:
        return int(self.meta()["dimension"])

    def digests(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT article_id, digest FROM articles").fetchall())

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def urls(self) -> set[str]:
        """The URLs of the stored articles (a feed's items with these links need no fetching)."""
        return {row[0] for row in self._db.execute("SELECT url FROM articles WHERE url != ''")}

    def article_ids(self, source: str | None = None, since: str | None = None) -> list[str]:
        """Ids of the articles from `source` (case-insensitive) published on or after `since`."""
        rows = self._db.execute(
            "SELECT article_id FROM articles WHERE (? IS NULL OR lower(source) = lower(?)) "
            "AND (? IS NULL OR (published != '' AND published >= ?)) ORDER BY id",
            (source, source, since, since),
        ).fetchall()
        return [row[0] for row in rows]

    def article(self, article_id: str) -> Article | None:
        row = self._db.execute(
            "SELECT article_id, title, text, source, url, published FROM articles WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        return None if row is None else Article(*row)

    def articles(self, newest: int | None = None) -> list[ArticleInfo]:
        """Every article in the order they were added, or only the `newest` ones (in that order too)."""
        limit = "" if newest is None else f" ORDER BY a.added_at DESC, a.id DESC LIMIT {int(newest)}"
        rows = self._db.execute(
            f"""SELECT * FROM (SELECT a.article_id, a.title, a.source, a.url, a.published,
                      (SELECT count(*) FROM sentences s WHERE s.article_id = a.article_id),
                      (SELECT count(*) FROM quotes q WHERE q.article_id = a.article_id), a.added_at, a.id
               FROM articles a{limit}) ORDER BY added_at, id"""
        ).fetchall()
        return [ArticleInfo(*row[:7]) for row in rows]

    def titles(self, article_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for part in _parts(list(article_ids)):
            query = f"SELECT article_id, title FROM articles WHERE article_id IN ({_marks(part)})"
            found.update(self._db.execute(query, part).fetchall())
        return found

    def sentences(self, article_id: str) -> list[Sentence]:
        rows = self._db.execute(
            f"SELECT {_SENTENCE_COLUMNS} FROM sentences WHERE article_id = ? ORDER BY position",
            (article_id,),
        ).fetchall()
        return [Sentence(*row) for row in rows]

    def sentence_rows(self, ids: Sequence[int]) -> dict[int, Sentence]:
        rows = self._db.execute(
            f"SELECT id, {_SENTENCE_COLUMNS} FROM sentences WHERE id IN ({_marks(ids)})",
            list(ids),
        ).fetchall()
        return {row[0]: Sentence(*row[1:]) for row in rows}

    def sentence_range(self, article_id: str, first: int, last: int) -> list[tuple[int, Sentence]]:
        rows = self._db.execute(
            f"SELECT id, {_SENTENCE_COLUMNS} FROM sentences "
            "WHERE article_id = ? AND position BETWEEN ? AND ? ORDER BY position",
            (article_id, first, last),
        ).fetchall()
        return [(row[0], Sentence(*row[1:])) for row in rows]

    def sentences_at(self, places: Sequence[tuple[str, int]]) -> dict[tuple[str, int], Sentence]:
        """The sentences at these (article id, position) places; places with no sentence are left out."""
        found: dict[tuple[str, int], Sentence] = {}
        for part in _parts(list(dict.fromkeys(places)), 250):
            # A join from the places (not `(article_id, position) IN (VALUES ...)`, which scans the
            # table) so that each place is one lookup in the (article_id, position) index.
            rows = self._db.execute(
                f"WITH place(article_id, position) AS (VALUES {', '.join(['(?, ?)'] * len(part))}) "
                f"SELECT {_SENTENCE_COLUMNS} FROM place CROSS JOIN sentences USING (article_id, position)",
                [value for place in part for value in place],
            ).fetchall()
            found.update({(row[0], row[1]): Sentence(*row) for row in rows})
        return found

    def chunks(self, ids: Sequence[int]) -> dict[int, Chunk]:
        rows = self._db.execute(
            f"SELECT id, article_id, first, last, text FROM chunks WHERE id IN ({_marks(ids)})", list(ids)
        ).fetchall()
        return {row[0]: Chunk(row[1], row[2], row[3], row[4], row[0]) for row in rows}

    def has_quotes(self) -> bool:
        return self._db.execute("SELECT 1 FROM quotes LIMIT 1").fetchone() is not None

    def quotes(self, article_id: str | None = None) -> list[Quote]:
        sql = f"SELECT {_QUOTE_COLUMNS} FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id"
        if article_id is None:
            rows = self._db.execute(sql + " ORDER BY q.article_id, q.start").fetchall()
        else:
            rows = self._db.execute(
                sql + " WHERE q.article_id = ? ORDER BY q.start", (article_id,)
            ).fetchall()
        return [Quote(*row) for row in rows]

    def find_quotes(
        self, speaker: str | None = None, article_id: str | None = None, text: str = "", limit: int = 1000
    ) -> list[Quote]:
        """Up to `limit` quotes by this exact speaker name, in this article, holding `text` (any case)."""
        where, args = [], []
        if speaker:
            where.append("s.name = ?")
            args.append(speaker)
        if article_id:
            where.append("q.article_id = ?")
            args.append(article_id)
        if text:
            where.append("instr(lower(q.text), lower(?)) > 0")
            args.append(text)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._db.execute(
            f"SELECT {_QUOTE_COLUMNS} FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id{clause} "
            "ORDER BY q.article_id, q.start LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [Quote(*row) for row in rows]

    def speakers(self, limit: int = 1000) -> list[tuple[str, int, int]]:
        """(name, quotes, articles quoting them) of the `limit` most quoted speakers, most quoted first."""
        return [
            (str(name), int(quotes), int(articles))
            for name, quotes, articles in self._db.execute(
                "SELECT s.name, count(*), count(DISTINCT q.article_id) FROM quotes q "
                "JOIN speakers s ON s.id = q.speaker_id GROUP BY s.id ORDER BY count(*) DESC, s.name LIMIT ?",
                [limit],
            )
        ]

    def search_quotes(self, match: str, k: int) -> list[Quote]:
        """The best `k` quotes for an FTS5 MATCH expression over quote texts and their sentences."""
        if not match:
            return []
        rows = self._db.execute(
            f"SELECT {_QUOTE_COLUMNS} FROM quotes_fts f JOIN quotes q ON q.id = f.rowid "
            "LEFT JOIN speakers s ON s.id = q.speaker_id WHERE quotes_fts MATCH ? ORDER BY f.rank LIMIT ?",
            [match, k],
        ).fetchall()
        return [Quote(*row) for row in rows]

    def quotes_of_speaker(self, words: Sequence[str]) -> list[Quote]:
        """Quotes whose speaker's name or role contains any of `words` (any case): a pre-filter, the
        caller matches exactly (`qa.whosaid.speaker_search_words` gives the words)."""
        # LIKE folds case for ASCII letters only: "šimić" is searched as "imić" to find "Šimić".
        words = [w[1:] if not w[:1].isascii() and len(w) > 2 else w for w in words]
        if not words:
            return []
        clause = " OR ".join("s.name LIKE ? OR q.role LIKE ?" for _ in words)
        rows = self._db.execute(
            f"SELECT {_QUOTE_COLUMNS} FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id "
            f"WHERE {clause} ORDER BY q.article_id, q.start",
            [f"%{w}%" for w in words for _ in (0, 1)],
        ).fetchall()
        return [Quote(*row) for row in rows]

    def search_dense(
        self, kind: str, query: Vectors, k: int, scope: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        """Row ids of the `k` nearest chunks or sentences to a unit query vector, with cosine scores;
        `scope` limits them to some article ids (searched exactly inside that subset)."""
        if self._external is not None:
            return self._external.search_dense(kind, query, k, scope, self._tombstones(kind))
        allowed = None
        if scope is not None:
            allowed = self._rows_in_scope(kind, scope)
            if not allowed:
                return []
        return self._segments(kind).search(query, k, allowed)

    def search_lexical(
        self, kind: str, match: str, k: int, scope: Collection[str] | None = None
    ) -> list[tuple[int, float]]:
        """Row ids of the best `k` chunks or sentences for an FTS5 MATCH expression, with BM25 scores
        (higher is better); `scope` limits them to some article ids."""
        if not match or (scope is not None and not scope):
            return []
        if self._external is not None and self._external.ranks_text:
            return self._external.search_lexical(kind, match, k, scope, self._tombstones(kind))
        table = f"{kind}_fts"
        where, args = "", [match]
        if scope is not None:
            where = f" AND rowid IN (SELECT id FROM {kind} WHERE article_id IN ({_marks(list(scope))}))"
            args += list(scope)
        rows = self._db.execute(
            f"SELECT rowid, -bm25({table}) FROM {table} WHERE {table} MATCH ?{where} "
            f"ORDER BY bm25({table}) LIMIT ?",
            [*args, k],
        ).fetchall()
        return [(int(r), float(s)) for r, s in rows]

    def document_frequencies(self, kind: str, words: Sequence[str]) -> dict[str, int]:
        """How many chunks or sentences hold each word, as the full-text index counts it (Porter stems,
        like its `porter` tokenizer); 0 for words it does not hold."""
        vocab = self._vocabulary(kind)
        counts = {}
        for word in words:
            row = self._db.execute(f"SELECT doc FROM {vocab} WHERE term = ?", [_stem(word)]).fetchone()
            counts[word] = int(row[0]) if row else 0
        return counts

    def _vocabulary(self, kind: str) -> str:
        """The fts5vocab table over `{kind}_fts`, made once per connection in the temp schema."""
        name = f"temp.{kind}_vocabulary"
        if name not in self._vocabularies:
            self._db.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5vocab(main, {kind}_fts, row)"
            )
            self._vocabularies.add(name)
        return name

    def _rows_in_scope(self, kind: str, scope: Collection[str]) -> list[int]:
        ids = list(scope)
        rows: list[int] = []
        for part in _parts(ids):
            rows += [
                r[0]
                for r in self._db.execute(f"SELECT id FROM {kind} WHERE article_id IN ({_marks(part)})", part)
            ]
        return rows

    def stored_vectors(self, texts: Sequence[str]) -> dict[str, Vectors]:
        """Text → the stored vector of a sentence or chunk with exactly that text, for the texts the
        store holds (an updated article's unchanged sentences, a story republished under another id),
        so that no text is embedded twice."""
        wanted = set(texts)
        keys = list({text_key(t) for t in wanted})
        found: dict[str, Vectors] = {}
        for kind in _KINDS:
            rows: dict[str, int] = {}
            for part in _parts(keys):
                query = f"SELECT id, text FROM {kind} WHERE text_key IN ({_marks(part)})"
                for row, text in self._db.execute(query, part):
                    if text in wanted and text not in found:
                        rows.setdefault(text, row)
            if rows:
                found.update(zip(rows, self.vectors(kind, list(rows.values()))))
        return found

    def live_rows(self, kind: str) -> list[int]:
        """Row ids of every chunk or sentence in the store."""
        return [row[0] for row in self._db.execute(f"SELECT id FROM {kind} ORDER BY id")]

    def row_count(self, kind: str) -> int:
        """About how many rows a full-text table holds (chunks, sentences or quotes), cheaply: live
        vectors for chunks and sentences, the largest id for quotes."""
        if kind in _KINDS and self._external is None:
            return self.vector_count(kind)  # (an external engine's count is a round trip: the largest id)
        return int(self._db.execute(f"SELECT coalesce(max(id), 0) FROM {kind}").fetchone()[0])

    def vector_count(self, kind: str) -> int:
        """Live vectors (tombstones left out)."""
        if self._external is not None:
            return self._external.vector_count(kind) - len(self._tombstones(kind))
        return self._segments(kind).count()

    def segment_count(self, kind: str) -> int:
        return len(self._segments(kind).indexes)

    def is_approximate(self, kind: str) -> bool:
        return vector_index.is_approximate(self._segments(kind).indexes[0])

    def vectors(self, kind: str, ids: Sequence[int]) -> Vectors:
        if self._external is not None:
            return self._external.vectors(kind, ids)
        return self._segments(kind).reconstruct(ids)

    # -- writing --------------------------------------------------------------------------------

    @contextmanager
    def writing(self, wait_seconds: float = 30.0) -> Iterator[None]:
        """Hold the store's write lock; a second writer waits, then fails with a clear message."""
        with open(self.path / _LOCK, "a") as lock:
            deadline = time.monotonic() + wait_seconds
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreError(
                            f"Store at '{self.path}' is being written by another process; try again when "
                            "it has finished."
                        ) from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def write(self, add: Sequence[IndexedArticle], remove: Sequence[str] = ()) -> None:
        """Replace the articles of `add` (and delete those of `remove`) in one atomic step.

        Call inside `writing()`."""
        replaced = [item.article.id for item in add]
        doomed = list(dict.fromkeys([*remove, *replaced]))
        if self._external is not None:
            self._write_external(self._external, add, doomed)
            return
        meta = self.meta()
        generation = int(meta["generation"]) + 1
        layout = json.loads(meta["segments"])
        try:
            cur = self._db.cursor()
            cur.execute("BEGIN IMMEDIATE")
            for kind, rows in self._delete(cur, doomed).items():
                cur.executemany("INSERT INTO tombstones VALUES (?, ?)", [(kind, row) for row in rows])
            fresh: dict[str, list[tuple[Vectors, list[int]]]] = {kind: [] for kind in _KINDS}
            for item in add:
                for kind, pair in self._insert(cur, item).items():
                    fresh[kind].append(pair)
            for kind in _KINDS:
                written = self._write_segment(cur, kind, layout[kind], fresh[kind], generation)
                layout[kind] = self._compact_sealed(cur, kind, written, generation)
            last = max([generation, *(g for kind in _KINDS for g in _generations(layout[kind]))])
            cur.execute("UPDATE meta SET value = ? WHERE key = 'segments'", (json.dumps(layout),))
            cur.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (str(last),))
            cur.execute("UPDATE meta SET value = ? WHERE key = 'built_at'", (str(time.time()),))
            self._db.commit()
        except BaseException:
            self._db.rollback()
            for file in self.path.glob("*.faiss"):  # the files this write made
                number = file.name.split(".")[1]
                if number.isdigit() and int(number) >= generation:
                    file.unlink(missing_ok=True)
                    self._files.pop(file.name, None)
            raise
        self._drop_unreferenced(json.loads(meta["segments"]), layout)
        _release_freed_memory()

    def _write_segment(
        self,
        cur: sqlite3.Cursor,
        kind: str,
        layout: dict[str, Any],
        fresh: Sequence[tuple[Vectors, list[int]]],
        generation: int,
    ) -> dict[str, Any]:
        """Save this write's vectors of one kind as a new delta, or merge the base and the deltas into a new
        base (sealed once it holds `SEAL_AT` vectors). Sealed bases hold the lowest row ids, so the
        tombstones above `sealed_through` are the ones a merge can clear."""
        current = self._segments(kind)
        new = vector_index.new_index(self.dimension)
        for vectors, ids in fresh:
            new.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))
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
            self._save_vectors(kind, merged, generation)
            cur.execute("DELETE FROM tombstones WHERE kind = ? AND id > ?", (kind, through))
            if merged.ntotal >= SEAL_AT:
                last = cur.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (kind,)).fetchone()[0]
                return {"sealed": [*sealed, generation], "sealed_through": last, "base": None, "deltas": []}
            return {"sealed": sealed, "sealed_through": through, "base": generation, "deltas": []}
        if len(deltas) >= MAX_DELTAS:
            # Too many small files to search: they become one delta, and the base is left alone (it
            # would be rewritten every MAX_DELTAS commits otherwise). Tombstones stay until the base merge.
            self._save_vectors(kind, vector_index.merge([*deltas, new], []), generation)
            return {**layout, "deltas": [generation]}
        if new.ntotal == 0:
            return layout
        self._save_vectors(kind, new, generation)
        return {**layout, "deltas": [*layout["deltas"], generation]}

    def _compact_sealed(
        self, cur: sqlite3.Cursor, kind: str, layout: dict[str, Any], generation: int
    ) -> dict[str, Any]:
        """Rewrite the sealed bases without their deleted rows once those pass `COMPACT_SHARE` of them.
        The new files take generations after this write's own; the old ones stay for readers of the
        previous layout until the next write (`_drop_unreferenced`)."""
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
            self._save_vectors(kind, compacted, new)
            rewritten.append(new)
        cur.execute(f"DELETE {deleted}", (kind, through))
        return {**layout, "sealed": rewritten}

    def _delete(self, cur: sqlite3.Cursor, article_ids: Sequence[str]) -> dict[str, list[int]]:
        removed: dict[str, list[int]] = {kind: [] for kind in _KINDS}
        for article_id in article_ids:
            for kind in _KINDS:
                rows = cur.execute(
                    f"SELECT id, text FROM {kind} WHERE article_id = ?", (article_id,)
                ).fetchall()
                cur.executemany(
                    f"INSERT INTO {kind}_fts ({kind}_fts, rowid, text) VALUES ('delete', ?, ?)", rows
                )
                cur.execute(f"DELETE FROM {kind} WHERE article_id = ?", (article_id,))
                removed[kind].extend(row[0] for row in rows)
            cur.execute(
                "DELETE FROM quotes_fts WHERE rowid IN (SELECT id FROM quotes WHERE article_id = ?)",
                (article_id,),
            )
            cur.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
            cur.execute("DELETE FROM articles WHERE article_id = ?", (article_id,))
        cur.execute(
            "DELETE FROM speakers WHERE id NOT IN "
            "(SELECT speaker_id FROM quotes WHERE speaker_id IS NOT NULL)"
        )
        return removed

    def _insert(self, cur: sqlite3.Cursor, item: IndexedArticle) -> dict[str, tuple[Vectors, list[int]]]:
        """Insert one article's rows; returns the vectors to store with their new row ids, by kind."""
        a = item.article
        cur.execute(
            "INSERT INTO articles (article_id, title, text, source, url, published, digest, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, a.title, a.text, a.source, a.url, a.published, item.digest, time.time()),
        )
        sentence_ids: list[int] = []
        for s in item.sentences:
            cur.execute(
                'INSERT INTO sentences (article_id, position, start, "end", text, paragraph, text_key) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (s.article_id, s.position, s.start, s.end, s.text, s.paragraph, text_key(s.text)),
            )
            sentence_ids.append(int(cur.lastrowid or 0))
            cur.execute("INSERT INTO sentences_fts (rowid, text) VALUES (?, ?)", (cur.lastrowid, s.text))
        chunk_ids: list[int] = []
        for c in item.chunks:
            cur.execute(
                "INSERT INTO chunks (article_id, first, last, text, text_key) VALUES (?, ?, ?, ?, ?)",
                (c.article_id, c.first, c.last, c.text, text_key(c.text)),
            )
            chunk_ids.append(int(cur.lastrowid or 0))
            cur.execute("INSERT INTO chunks_fts (rowid, text) VALUES (?, ?)", (cur.lastrowid, c.text))
        by_position = {s.position: s.text for s in item.sentences}
        for q in item.quotes:
            speaker_id = None
            if q.speaker is not None:
                cur.execute("INSERT OR IGNORE INTO speakers (name) VALUES (?)", (q.speaker,))
                speaker_id = cur.execute("SELECT id FROM speakers WHERE name = ?", (q.speaker,)).fetchone()[0]
            cur.execute(
                'INSERT INTO quotes (article_id, text, start, "end", kind, speaker_id, speaker_mention, cue, '
                "first_sentence, last_sentence, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    q.article_id,
                    q.text,
                    q.start,
                    q.end,
                    q.kind,
                    speaker_id,
                    q.speaker_mention,
                    q.cue,
                    q.first_sentence,
                    q.last_sentence,
                    q.role,
                ),
            )
            sentence = by_position.get(q.first_sentence, "")
            cur.execute(
                "INSERT INTO quotes_fts (rowid, text) VALUES (?, ?)", (cur.lastrowid, f"{q.text} {sentence}")
            )
        return {"sentences": (item.sentence_vectors, sentence_ids), "chunks": (item.chunk_vectors, chunk_ids)}

    def _write_external(
        self, engine: ExternalVectors, add: Sequence[IndexedArticle], doomed: list[str]
    ) -> None:
        """`write` for a store whose vectors live in an external engine. New rows go to the engine before
        the SQLite commit; deleted rows become tombstones in the same commit and leave the engine after
        it. A crash before the commit leaves rows above the committed ids in the engine (deleted at the
        next write); one after it, tombstones (skipped by searches, deleted at the next write)."""
        self._clear_tombstones(engine)
        cur = self._db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        last = dict(cur.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
        try:
            for kind, rows in self._delete(cur, doomed).items():
                cur.executemany("INSERT INTO tombstones VALUES (?, ?)", [(kind, row) for row in rows])
            ids: dict[str, list[int]] = {kind: [] for kind in _KINDS}
            vectors: dict[str, list[Vectors]] = {kind: [] for kind in _KINDS}
            texts: dict[str, list[str]] = {kind: [] for kind in _KINDS}
            articles: dict[str, list[Article]] = {kind: [] for kind in _KINDS}
            for item in add:
                for kind, (kind_vectors, kind_ids) in self._insert(cur, item).items():
                    ids[kind] += kind_ids
                    vectors[kind].append(kind_vectors)
                    parts = item.sentences if kind == "sentences" else item.chunks
                    texts[kind] += [part.text for part in parts]
                    articles[kind] += [item.article] * len(kind_ids)
            for kind in _KINDS:
                engine.delete_after(kind, int(last.get(kind, 0)))
                if ids[kind]:
                    engine.add(
                        kind,
                        VectorRows(
                            ids[kind],
                            np.concatenate(vectors[kind]),
                            texts[kind],
                            [a.id for a in articles[kind]],
                            [a.source for a in articles[kind]],
                            [a.published for a in articles[kind]],
                        ),
                    )
            cur.execute("UPDATE meta SET value = ? WHERE key = 'built_at'", (str(time.time()),))
            self._db.commit()
        except BaseException:
            self._db.rollback()
            with suppress(StoreError):  # else the next write deletes them
                for kind in _KINDS:
                    engine.delete_after(kind, int(last.get(kind, 0)))
            raise
        # Committed: should the engine fail now, the tombstones keep the rows out of searches until the
        # next write deletes them.
        with suppress(StoreError):
            self._clear_tombstones(engine)
            engine.flush()

    def _tombstones(self, kind: str) -> list[int]:
        return [row[0] for row in self._db.execute("SELECT id FROM tombstones WHERE kind = ?", (kind,))]

    def _clear_tombstones(self, engine: ExternalVectors) -> None:
        """Delete the tombstoned rows from the engine, then the tombstones."""
        for kind in _KINDS:
            dead = self._tombstones(kind)
            if dead:
                engine.delete(kind, dead)
                self._db.execute("DELETE FROM tombstones WHERE kind = ? AND id <= ?", (kind, max(dead)))

    # -- vector files ---------------------------------------------------------------------------

    def _file(self, kind: str, generation: int) -> Path:
        return self.path / f"{kind}.{generation}.faiss"

    def _segments(self, kind: str) -> vector_index.Segments:
        """The live segments of one kind, as of the last commit."""
        meta = self.meta()
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
            dead = [row[0] for row in self._db.execute("SELECT id FROM tombstones WHERE kind = ?", (kind,))]
            self._sets[kind] = vector_index.Segments(indexes, dead)
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
            if index.d != self.dimension:
                raise StoreMismatch(
                    f"Vector file '{file}' has dimension {index.d}, the store says {self.dimension}. "
                    f"Rebuild with `qa index --rebuild --store {self.path}`."
                )
            self._files[file.name] = index
        return self._files[file.name]

    def _save_vectors(self, kind: str, index: Any, generation: int) -> None:
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
        """Delete vector files named by none of `layouts` (the previous layout is kept: a reader may have
        read `meta` just before this commit)."""
        keep = {
            self._file(kind, g).name
            for layout in layouts
            for kind in _KINDS
            for g in _generations(layout[kind])
        }
        for file in self.path.glob("*.faiss"):
            if file.name not in keep:
                file.unlink(missing_ok=True)
                self._files.pop(file.name, None)


def _parts(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    """`values` in slices of `size`, to keep an SQL `IN (...)` list under SQLite's variable limit."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _release_freed_memory() -> None:
    """Hand freed heap pages back to the system (glibc only). A merge frees thousands of inverted-list
    buffers of a few hundred KB; without this the indexing process kept them as fragmented heap (resident
    memory 94 MB lower after indexing 3k articles with IVF merges)."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _generations(layout: dict[str, Any]) -> list[int]:
    """The generations naming one kind's vector files: sealed bases, the base, the deltas."""
    base = [] if layout["base"] is None else [layout["base"]]
    return [*layout.get("sealed", []), *base, *layout["deltas"]]


def _connect(file: Path) -> sqlite3.Connection:
    db = sqlite3.connect(file, isolation_level=None, check_same_thread=False, timeout=30)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError as error:
        db.close()
        raise StoreError(
            f"'{file}' is not a readable SQLite store ({error}). Choose another --store."
        ) from error
    return db


def _stem(word: str) -> str:
    """`word` as the `porter` tokenizer of the FTS tables indexes it (its Porter stem, lower case)."""
    return str(_porter().stemWord(word.lower()))


@functools.cache
def _porter() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("porter")


def text_key(text: str) -> int:
    """A 64-bit key of a text, to look stored texts up by (equal keys are then compared as text)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values)) or "NULL"
