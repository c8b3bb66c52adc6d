"""The store's SQLite file (`store.sqlite`): its schema and migrations, opening and creating it, and reading
it whatever its version (to rebuild a store from it). The one owner of the schema.

The file holds the articles, their sentences, chunks, quotes and speakers (read and written by
`index.records`), FTS5 tables over the chunks, sentences and quotes (searched by `index.fulltext`), the
tombstones of deleted vector rows and `meta`: the store's versions, its encoder, its vector engine and
the layout of its own vector files. Versions: 3 added `text_key` (a stored vector is found by its
text), 4 the quote search table, 5 one identity per speaker across the store (speakers with a kind,
aliases and roles; each quote keeps its article's name for its speaker). `migrate` brings a version-3
or 4 store to 5 in place, from its stored quotes, without re-embedding or re-extracting anything.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from index.errors import StoreError
from index.models import Article
from index.speaker_table import build_speakers

SCHEMA_VERSION = 5
MIGRATES_FROM = ("3", "4")
DB = "store.sqlite"
KINDS = ("chunks", "sentences")  # the records that have vectors

# Quote texts with the sentence each starts in (so an indirect quote's paraphrase is found too); the rowid
# is the quote's id. "Who said ..." searches here rather than over every sentence of the store.
_QUOTES_FTS = """
CREATE VIRTUAL TABLE quotes_fts USING fts5 (text, tokenize='porter unicode61');
"""

# Who is who across the articles (`index.speaker_table`): a speaker per person, organisation or
# described source, its name forms and roles. `family` groups the speakers decided together.
_SPEAKERS = """
CREATE TABLE speakers (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, family TEXT NOT NULL,
    UNIQUE (name, kind));
CREATE INDEX speakers_family ON speakers (family);
CREATE TABLE speaker_aliases (
    speaker_id INTEGER NOT NULL REFERENCES speakers (id), alias TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (speaker_id, alias));
CREATE INDEX speaker_aliases_alias ON speaker_aliases (alias);
CREATE TABLE speaker_roles (
    speaker_id INTEGER NOT NULL REFERENCES speakers (id), role TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (speaker_id, role));
CREATE INDEX quotes_speaker ON quotes (speaker_id);
CREATE INDEX quotes_speaker_key ON quotes (speaker_key);
"""
# The columns a quote gained with the speakers table: its article's name for its speaker, the kind and
# the family of that speaker.
_QUOTE_SPEAKER_COLUMNS = ("speaker_name TEXT", "speaker_kind TEXT", "speaker_key TEXT")

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
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY, article_id TEXT NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, kind TEXT NOT NULL, speaker_id INTEGER REFERENCES speakers (id),
    speaker_mention TEXT, cue TEXT, first_sentence INTEGER NOT NULL, last_sentence INTEGER NOT NULL,
    role TEXT, speaker_name TEXT, speaker_kind TEXT, speaker_key TEXT);
CREATE INDEX quotes_article ON quotes (article_id);
CREATE VIRTUAL TABLE chunks_fts USING fts5 (text, content='chunks', content_rowid='id',
    tokenize='porter unicode61');
CREATE VIRTUAL TABLE sentences_fts USING fts5 (text, content='sentences', content_rowid='id',
    tokenize='porter unicode61');
"""
    + _QUOTES_FTS
    + _SPEAKERS
)


def is_store(path: Path) -> bool:
    return (path / DB).is_file()


def connect(file: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun explicitly), WAL so readers never block.

    Raises:
        StoreError: `file` is not an SQLite database.
    """
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


def create_database(path: Path, meta: Mapping[str, str]) -> None:
    """Write the empty database of a new store into the folder `path`, with `meta`. The file appears
    complete or not at all (written beside, then renamed)."""
    tmp = path / f"{DB}.new"
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.executescript(_SCHEMA)
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    db.commit()
    db.close()
    os.replace(tmp, path / DB)


def read_meta(path: Path) -> dict[str, str]:
    """The meta table of the store at `path`, read-only and whatever its schema version."""
    db = sqlite3.connect(f"file:{path / DB}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as error:
        raise StoreError(f"Cannot read the meta table of '{path}' ({error}); index it again.") from None
    finally:
        db.close()


def read_stored_articles(path: Path) -> list[Article]:
    """The articles of the store at `path`, read-only and whatever its encoder or schema version (the
    articles table is the same in every version), so a rebuild can start from them.

    Raises:
        StoreError: there is no store, or its articles cannot be read.
    """
    if not is_store(path):
        raise StoreError(f"No store at '{path}' to rebuild; index articles into it first.")
    db = sqlite3.connect(f"file:{path / DB}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT article_id, title, text, source, url, published FROM articles").fetchall()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"Cannot read the articles of '{path}' ({error}); index them again.") from None
    finally:
        db.close()
    return [Article(*row) for row in rows]


def placeholders(values: Sequence[object]) -> str:
    """The `?, ?, ...` of an SQL `IN (...)` list of `values` (`NULL` for none, which matches nothing)."""
    return ", ".join("?" * len(values)) or "NULL"


def slices(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    """`values` in slices of `size`, to keep an SQL `IN (...)` list under SQLite's variable limit."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def migrate(cur: sqlite3.Cursor) -> None:
    """Bring a version-3 or 4 store to this version, in the caller's write transaction: add the quote
    search table (to a version-3 store), then the speakers tables, filled from the stored quotes. Any
    other version is left alone (another process may have migrated it while this one waited for the
    lock)."""
    row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or row[0] not in MIGRATES_FROM:
        return
    if row[0] == "3":
        cur.execute(_QUOTES_FTS)
        cur.execute(
            "INSERT INTO quotes_fts (rowid, text) SELECT q.id, q.text || ' ' || s.text FROM quotes q "
            "JOIN sentences s ON s.article_id = q.article_id AND s.position = q.first_sentence"
        )
    # Version 4 named a quote's speaker by the article's name only (speakers: id, name).
    for column in _QUOTE_SPEAKER_COLUMNS:
        cur.execute(f"ALTER TABLE quotes ADD COLUMN {column}")
    cur.execute(
        "UPDATE quotes SET speaker_name = (SELECT name FROM speakers s WHERE s.id = quotes.speaker_id), "
        "speaker_id = NULL"
    )
    cur.execute("DROP TABLE speakers")
    for statement in _SPEAKERS.split(";"):
        if statement.strip():
            cur.execute(statement)
    build_speakers(cur)
    cur.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
