"""The store's records: the articles, their sentences, chunks, quotes and speakers, the tombstones of
deleted vector rows and `meta`, in the SQLite file of `index.schema`. Who each quote's speaker is
across the articles is kept in the speakers table by `index.speaker_table`.

`Records` reads them. A write is one transaction (`Records.transaction`) in which `delete_articles` and
`insert_article` change the rows and their full-text entries, and the vector engine adds its part before
the commit (`index.store.Store.write`). Row ids are never reused (AUTOINCREMENT), so a tombstoned id never
comes back to life.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from index.errors import StoreError
from index.models import Article, Chunk, Quote, Sentence, Speaker
from index.schema import KINDS, placeholders, slices
from index.speaker_table import (
    QUOTES_OF_SPEAKERS,
    find_speakers,
    quote_speaker_columns,
    read_speakers,
    refresh_speakers,
    speaker_families,
)
from index.speakers import prepare_quotes
from index.vectors import Vectors

ChunkVectors = Literal["encoded", "sentence-mean"]
# The columns of a `Sentence`, in its field order.
_SENTENCE_COLUMNS = 'article_id, position, start, "end", text, paragraph'
# The columns of a `Quote`, in its field order (quotes q, speakers s): its speaker as the store knows it.
_QUOTE_COLUMNS = (
    'q.article_id, q.text, q.start, q."end", q.kind, s.name, q.speaker_mention, q.cue, q.first_sentence, '
    "q.last_sentence, q.role, s.kind, q.speaker_id"
)
_QUOTES = f"SELECT {_QUOTE_COLUMNS} FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id"


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


def text_key(text: str) -> int:
    """A 64-bit key of a text, to look stored texts up by (equal keys are then compared as text)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


class Records:
    """The records of an open store (see the module docstring)."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self._db = db

    def close(self) -> None:
        self._db.close()

    # -- meta -----------------------------------------------------------------------------------

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

    @property
    def chunk_vectors(self) -> ChunkVectors:
        """How this store's chunk vectors are made: "sentence-mean", the normalised sum of the chunk's
        sentence vectors (every store created since the choice: the chunk texts are not encoded a second
        time), or "encoded" (older stores, which keep it so their vectors stay of one kind)."""
        value = self.meta().get("chunk_vectors", "encoded")
        return "sentence-mean" if value == "sentence-mean" else "encoded"

    # -- articles -------------------------------------------------------------------------------

    def digests(self, article_ids: Sequence[str] | None = None) -> dict[str, str]:
        """Article id -> digest of the stored version, of every article or of those of `article_ids`
        the store holds."""
        if article_ids is None:
            return dict(self._db.execute("SELECT article_id, digest FROM articles").fetchall())
        found: dict[str, str] = {}
        for part in slices(list(article_ids)):
            query = f"SELECT article_id, digest FROM articles WHERE article_id IN ({placeholders(part)})"
            found.update(self._db.execute(query, part).fetchall())
        return found

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def totals(self) -> tuple[int, int, str]:
        """(articles, quotes, the newest publication date or '') for the app's first view."""
        articles, newest = self._db.execute(
            "SELECT count(*), coalesce(max(nullif(published, '')), '') FROM articles"
        ).fetchone()
        quotes = self._db.execute("SELECT count(*) FROM quotes").fetchone()[0]
        return int(articles), int(quotes), str(newest)

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
        for part in slices(list(article_ids)):
            query = f"SELECT article_id, title FROM articles WHERE article_id IN ({placeholders(part)})"
            found.update(self._db.execute(query, part).fetchall())
        return found

    # -- sentences and chunks -------------------------------------------------------------------

    def sentences(self, article_id: str) -> list[Sentence]:
        rows = self._db.execute(
            f"SELECT {_SENTENCE_COLUMNS} FROM sentences WHERE article_id = ? ORDER BY position",
            (article_id,),
        ).fetchall()
        return [Sentence(*row) for row in rows]

    def sentence_rows(self, ids: Sequence[int]) -> dict[int, Sentence]:
        rows = self._db.execute(
            f"SELECT id, {_SENTENCE_COLUMNS} FROM sentences WHERE id IN ({placeholders(ids)})",
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
        for part in slices(list(dict.fromkeys(places)), 250):
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
            f"SELECT id, article_id, first, last, text FROM chunks WHERE id IN ({placeholders(ids)})",
            list(ids),
        ).fetchall()
        return {row[0]: Chunk(row[1], row[2], row[3], row[4], row[0]) for row in rows}

    def live_rows(self, kind: str) -> list[int]:
        """Row ids of every chunk or sentence in the store."""
        return [row[0] for row in self._db.execute(f"SELECT id FROM {kind} ORDER BY id")]

    def rows_of_articles(self, kind: str, article_ids: Sequence[str]) -> list[int]:
        """Row ids of the chunks or sentences of these articles."""
        rows: list[int] = []
        for part in slices(list(article_ids)):
            query = f"SELECT id FROM {kind} WHERE article_id IN ({placeholders(part)})"
            rows += [row[0] for row in self._db.execute(query, part)]
        return rows

    def rows_with_texts(self, kind: str, texts: Sequence[str]) -> dict[str, int]:
        """Text -> the id of one chunk or sentence with exactly that text, for the texts the store holds."""
        wanted = set(texts)
        keys = list({text_key(t) for t in wanted})
        rows: dict[str, int] = {}
        for part in slices(keys):
            query = f"SELECT id, text FROM {kind} WHERE text_key IN ({placeholders(part)})"
            for row, text in self._db.execute(query, part):
                if text in wanted:
                    rows.setdefault(text, row)
        return rows

    def last_id(self, kind: str) -> int:
        """The largest row id of chunks, sentences or quotes (0 for none): about how many there are."""
        return int(self._db.execute(f"SELECT coalesce(max(id), 0) FROM {kind}").fetchone()[0])

    def last_ids(self) -> dict[str, int]:
        """The last row id given to each of chunks and sentences (never reused: AUTOINCREMENT)."""
        return {
            str(name): int(seq) for name, seq in self._db.execute("SELECT name, seq FROM sqlite_sequence")
        }

    def tombstones(self, kind: str) -> list[int]:
        """Row ids deleted from the records whose vectors the engine may still hold."""
        return [row[0] for row in self._db.execute("SELECT id FROM tombstones WHERE kind = ?", (kind,))]

    def clear_tombstones(self, kind: str, through: int) -> None:
        """Forget the tombstones of `kind` up to row id `through`, in a commit of its own: the engine no
        longer holds those rows."""
        self._db.execute("DELETE FROM tombstones WHERE kind = ? AND id <= ?", (kind, through))

    # -- quotes ---------------------------------------------------------------------------------

    def has_quotes(self) -> bool:
        return self._db.execute("SELECT 1 FROM quotes LIMIT 1").fetchone() is not None

    def quotes(self, article_id: str | None = None) -> list[Quote]:
        if article_id is None:
            rows = self._db.execute(_QUOTES + " ORDER BY q.article_id, q.start").fetchall()
        else:
            rows = self._db.execute(
                _QUOTES + " WHERE q.article_id = ? ORDER BY q.start", (article_id,)
            ).fetchall()
        return [Quote(*row) for row in rows]

    def find_quotes(
        self,
        speaker_ids: Sequence[int] | None = None,
        article_id: str | None = None,
        text: str = "",
        limit: int = 1000,
    ) -> list[Quote]:
        """Up to `limit` quotes by these speakers, in this article, holding `text` (any case)."""
        where, args = [], []
        if speaker_ids is not None:
            where.append(QUOTES_OF_SPEAKERS)
            args.append(json.dumps(list(speaker_ids)))
        if article_id:
            where.append("q.article_id = ?")
            args.append(article_id)
        if text:
            where.append("instr(lower(q.text), lower(?)) > 0")
            args.append(text)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._db.execute(
            f"{_QUOTES}{clause} ORDER BY q.article_id, q.start LIMIT ?", [*args, limit]
        ).fetchall()
        return [Quote(*row) for row in rows]

    def speaker_quotes(self, speaker_ids: Sequence[int]) -> list[Quote]:
        """Every quote of these speakers, by article and place: the quotes the speakers table counts."""
        rows = self._db.execute(
            f"{_QUOTES} WHERE {QUOTES_OF_SPEAKERS} ORDER BY q.article_id, q.start",
            [json.dumps(list(speaker_ids))],
        ).fetchall()
        return [Quote(*row) for row in rows]

    def speakers(self, limit: int = 1000, ids: Sequence[int] | None = None) -> list[Speaker]:
        """The `limit` most quoted speakers (or those of `ids`), most quoted first, with their aliases,
        roles, quotes and articles quoting them."""
        return read_speakers(self._db, ids, limit)

    def find_speakers(self, name: str) -> list[Speaker]:
        """The speakers a typed name means, best first: exact canonical name or alias, else those whose
        names, aliases or roles hold its words (`index.speaker_table.find_speakers`)."""
        return find_speakers(self._db, name)

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

    # -- transactions ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        """One write transaction, committed when the block ends and rolled back when it raises. Hold
        the store's write lock (`index.store.write_lock`) around it."""
        cur = self._db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
            self._db.commit()
        except BaseException:
            self._db.rollback()
            raise

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads in the block see one commit, whatever other processes commit meanwhile."""
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.rollback()


# -- writing, inside `Records.transaction` ------------------------------------------------------------


def set_meta(cur: sqlite3.Cursor, key: str, value: str) -> None:
    cur.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))


def add_tombstones(cur: sqlite3.Cursor, kind: str, ids: Sequence[int]) -> None:
    cur.executemany("INSERT INTO tombstones VALUES (?, ?)", [(kind, row) for row in ids])


def delete_articles(
    cur: sqlite3.Cursor, article_ids: Sequence[str], families: set[str] | None = None
) -> dict[str, list[int]]:
    """Delete the articles with their sentences, chunks, quotes and full-text entries (the speakers
    they quoted decided again: one no quote names any more is gone; with `families`, their families
    are added to it for the caller to decide once, `refresh_speakers`); returns the deleted chunk and
    sentence row ids, by kind."""
    removed: dict[str, list[int]] = {kind: [] for kind in KINDS}
    touched = speaker_families(cur, article_ids)
    for article_id in article_ids:
        for kind in KINDS:
            rows = cur.execute(f"SELECT id, text FROM {kind} WHERE article_id = ?", (article_id,)).fetchall()
            cur.executemany(f"INSERT INTO {kind}_fts ({kind}_fts, rowid, text) VALUES ('delete', ?, ?)", rows)
            cur.execute(f"DELETE FROM {kind} WHERE article_id = ?", (article_id,))
            removed[kind].extend(row[0] for row in rows)
        cur.execute(
            "DELETE FROM quotes_fts WHERE rowid IN (SELECT id FROM quotes WHERE article_id = ?)",
            (article_id,),
        )
        cur.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
        cur.execute("DELETE FROM articles WHERE article_id = ?", (article_id,))
    _decide_speakers(cur, touched, families)
    return removed


def insert_article(
    cur: sqlite3.Cursor, item: IndexedArticle, families: set[str] | None = None
) -> dict[str, list[int]]:
    """Insert one article's rows and full-text entries (its quotes' speakers prepared by
    `index.speakers.prepare_quotes`, then decided among the store's, or, with `families`, their
    families added to it for the caller to decide once); returns the new chunk and sentence row ids
    (in the order of `item.chunks` and `item.sentences`), by kind."""
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
    touched: set[str] = set()
    for q in prepare_quotes(item.quotes):
        name, kind, key = quote_speaker_columns(q)
        touched.update([key] if key else [])
        cur.execute(
            'INSERT INTO quotes (article_id, text, start, "end", kind, speaker_mention, cue, first_sentence, '
            "last_sentence, role, speaker_name, speaker_kind, speaker_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                q.article_id,
                q.text,
                q.start,
                q.end,
                q.kind,
                q.speaker_mention,
                q.cue,
                q.first_sentence,
                q.last_sentence,
                q.role,
                name,
                kind,
                key,
            ),
        )
        sentence = by_position.get(q.first_sentence, "")
        cur.execute(
            "INSERT INTO quotes_fts (rowid, text) VALUES (?, ?)", (cur.lastrowid, f"{q.text} {sentence}")
        )
    _decide_speakers(cur, touched, families)
    return {"chunks": chunk_ids, "sentences": sentence_ids}


def _decide_speakers(cur: sqlite3.Cursor, touched: set[str], families: set[str] | None) -> None:
    """Decide the speakers of the `touched` families now, or leave them to the caller in `families`."""
    if families is None:
        refresh_speakers(cur, touched)
    else:
        families |= touched
