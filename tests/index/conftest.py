"""The records of two articles, written as a store writes them, for the tests of records and schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index.models import Article, Chunk, Quote, Sentence
from index.records import IndexedArticle, Records, insert_article
from index.schema import SCHEMA_VERSION, connect, create_database

FLOOD = "The river flooded the valley. Farmers lost crops."


def indexed(
    article_id: str, text: str, speaker: str | None = "Ann Fry", digest: str = "d1"
) -> IndexedArticle:
    """An article cut at its full stops into sentences, one chunk of them all, a quote of the first."""
    sentences, start = [], 0
    for position, piece in enumerate(text.split(". ")):
        piece = piece if piece.endswith(".") else piece + "."
        sentences.append(Sentence(article_id, position, start, start + len(piece), piece))
        start += len(piece) + 1
    chunks = [Chunk(article_id, 0, len(sentences) - 1, text)]
    first = sentences[0]
    quotes = [Quote(article_id, first.text, first.start, first.end, "direct", speaker, "Fry", "said", 0, 0)]
    empty = np.zeros((0, 4), dtype=np.float32)
    return IndexedArticle(
        Article(article_id, f"Story {article_id}", text), digest, sentences, chunks, quotes, empty, empty
    )


@pytest.fixture
def records(tmp_path: Path) -> Iterator[Records]:
    create_database(tmp_path, {"schema_version": str(SCHEMA_VERSION), "dimension": "4"})
    records = Records(tmp_path, connect(tmp_path / "store.sqlite"))
    with records.transaction() as cur:
        insert_article(cur, indexed("flood", FLOOD))
        insert_article(cur, indexed("vote", "Parliament voted on taxes.", speaker="Bo Lund", digest="d2"))
    yield records
    records.close()


def as_version_4(db: sqlite3.Connection) -> None:
    """Turn a store's SQLite file back into what version 4 wrote: speakers as bare names (id, name) that
    quotes point at, the article's name for each speaker and its role as extracted, no aliases or
    roles table, no speaker columns in quotes."""
    db.executescript(
        """
        CREATE TABLE old_speakers (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        INSERT INTO old_speakers (name)
            SELECT DISTINCT speaker_name FROM quotes WHERE speaker_name IS NOT NULL;
        UPDATE quotes SET speaker_id = (SELECT id FROM old_speakers o WHERE o.name = quotes.speaker_name);
        DROP INDEX quotes_speaker;
        DROP INDEX quotes_speaker_key;
        ALTER TABLE quotes DROP COLUMN speaker_name;
        ALTER TABLE quotes DROP COLUMN speaker_kind;
        ALTER TABLE quotes DROP COLUMN speaker_key;
        DROP TABLE speaker_aliases;
        DROP TABLE speaker_roles;
        DROP TABLE speakers;
        ALTER TABLE old_speakers RENAME TO speakers;
        UPDATE meta SET value = '4' WHERE key = 'schema_version';
        """
    )
    db.commit()
