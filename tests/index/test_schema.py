"""The store's SQLite file through `index.schema`: created whole, migrated from versions 3 and 4, its
articles read whatever its version, its meta read without opening the store."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from index.errors import StoreError
from index.records import Records
from index.schema import (
    SCHEMA_VERSION,
    create_database,
    is_store,
    migrate,
    placeholders,
    read_meta,
    read_stored_articles,
    slices,
)
from index.store import Store
from tests.index.conftest import as_version_4
from tests.speakers import SPOKESMAN, STORIES, store_with


def test_a_new_database_appears_whole_with_its_meta(tmp_path: Path) -> None:
    assert not is_store(tmp_path)
    create_database(tmp_path, {"schema_version": str(SCHEMA_VERSION), "encoder": "hashing-64"})
    assert is_store(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["store.sqlite"]  # nothing left beside it
    assert read_meta(tmp_path) == {"schema_version": str(SCHEMA_VERSION), "encoder": "hashing-64"}


def test_a_version_3_store_gains_the_quote_search_table_and_the_speakers(records: Records) -> None:
    with closing(sqlite3.connect(records.path / "store.sqlite")) as db:
        as_version_4(db)
    with records.transaction() as cur:
        cur.execute("DROP TABLE quotes_fts")
        cur.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    assert records.search_quotes("", 5) == []
    with records.transaction() as cur:
        migrate(cur)
    assert records.meta()["schema_version"] == str(SCHEMA_VERSION)
    assert [q.article_id for q in records.search_quotes('"valley"', 5)] == ["flood"]
    assert [(s.name, s.quotes) for s in records.speakers()] == [("Ann Fry", 1), ("Bo Lund", 1)]
    with records.transaction() as cur:
        migrate(cur)  # a second time (another process migrated it first): nothing to do
    assert len(records.search_quotes('"valley"', 5)) == 1


def speaker_table(store: Store) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...], int, int]]:
    return sorted((s.name, s.kind, s.aliases, s.roles, s.quotes, s.articles) for s in store.speakers())


def test_a_version_4_store_opens_migrated_with_the_speakers_a_new_store_has(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    built = store_with(tmp_path / "store", fake_encoder, STORIES)
    expected = speaker_table(built)
    built.close()
    db = sqlite3.connect(tmp_path / "store" / "store.sqlite")
    as_version_4(db)
    db.execute("UPDATE quotes SET role = 'Mr' WHERE text = 'The budget is sound,'")  # as extracted
    # Version 4 knew each article's name for its speakers, not who is who across them.
    assert {row[0] for row in db.execute("SELECT name FROM speakers")} >= {"Lomax", "Rachel Lomax"}
    db.commit()
    db.close()
    store = Store.open(tmp_path / "store", fake_encoder.name)
    assert store.meta()["schema_version"] == str(SCHEMA_VERSION) == "5"
    assert speaker_table(store) == expected
    assert [q.role for q in store.quotes("budget")] == [None, "Chancellor"]
    for speaker in store.speakers():
        assert len(store.speaker_quotes([speaker.id])) == speaker.quotes
    assert [s.name for s in store.find_speakers("Ms Lomax")] == ["Rachel Lomax"]
    assert [s.name for s in store.find_speakers("Tony Blair")] == ["Tony Blair"] != [SPOKESMAN]


def test_the_articles_of_a_store_are_read_whatever_its_version(records: Records) -> None:
    with records.transaction() as cur:
        cur.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    assert [a.id for a in read_stored_articles(records.path)] == ["flood", "vote"]
    with pytest.raises(StoreError, match=r"No store at .* to rebuild"):
        read_stored_articles(records.path / "none")


def test_in_lists_are_cut_under_sqlites_variable_limit() -> None:
    assert list(slices(list(range(5)), 2)) == [[0, 1], [2, 3], [4]]
    assert placeholders([1, 2, 3]) == "?, ?, ?"
    assert placeholders([]) == "NULL"
