"""The store's SQLite file through `index.schema`: created whole, migrated from version 3, its articles
read whatever its version, its meta read without opening the store."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_a_new_database_appears_whole_with_its_meta(tmp_path: Path) -> None:
    assert not is_store(tmp_path)
    create_database(tmp_path, {"schema_version": str(SCHEMA_VERSION), "encoder": "hashing-64"})
    assert is_store(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["store.sqlite"]  # nothing left beside it
    assert read_meta(tmp_path) == {"schema_version": str(SCHEMA_VERSION), "encoder": "hashing-64"}


def test_a_version_3_store_gains_the_quote_search_table(records: Records) -> None:
    with records.transaction() as cur:
        cur.execute("DROP TABLE quotes_fts")
        cur.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    assert records.search_quotes("", 5) == []
    with records.transaction() as cur:
        migrate(cur)
    assert records.meta()["schema_version"] == str(SCHEMA_VERSION)
    assert [q.article_id for q in records.search_quotes('"valley"', 5)] == ["flood"]
    with records.transaction() as cur:
        migrate(cur)  # a second time (another process migrated it first): nothing to do
    assert len(records.search_quotes('"valley"', 5)) == 1


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
