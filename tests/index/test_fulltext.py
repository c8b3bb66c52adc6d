"""Full-text search over the FTS5 tables, and the tokens and stems that reproduce their tokenizer."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing

import pytest

from index.fulltext import FullText, fts_tokens, index_terms, match_words, stem

TEXTS = [
    "The river flooded the valley.",
    "Floods hit Zürich and its old_town; 12 bridges closed.",
    "Parliament voted on taxes.",
    "Café owners say the flooding cost them 3.5 million.",
]


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    """A sentences table with its FTS5 table, as in a store."""
    with closing(sqlite3.connect(":memory:")) as db:
        db.executescript(
            "CREATE TABLE sentences (id INTEGER PRIMARY KEY, article_id TEXT, text TEXT);"
            "CREATE VIRTUAL TABLE sentences_fts USING fts5 (text, content='sentences', content_rowid='id', "
            "tokenize='porter unicode61');"
        )
        for i, text in enumerate(TEXTS, 1):
            db.execute("INSERT INTO sentences VALUES (?, ?, ?)", (i, "flood" if i != 3 else "vote", text))
            db.execute("INSERT INTO sentences_fts (rowid, text) VALUES (?, ?)", (i, text))
        yield db


def test_index_terms_are_the_terms_fts5_indexes(db: sqlite3.Connection) -> None:
    db.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, sentences_fts, row)")
    indexed = {row[0] for row in db.execute("SELECT term FROM temp.vocabulary")}
    assert {term for text in TEXTS for term in index_terms(text).split()} == indexed


@pytest.mark.xfail(strict=True, reason="snowball's Porter stems a one-letter word to '', FTS5 keeps it")
def test_a_one_letter_word_is_a_term_as_in_fts5() -> None:
    assert index_terms("Zürich's") == "zurich s"


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Zürich's old_town", ["zurich", "s", "old", "town"]),
        ("Café, 3.5 million", ["cafe", "3", "5", "million"]),
        ("", []),
    ],
)
def test_tokens_are_split_as_unicode61_splits_them(text: str, tokens: list[str]) -> None:
    assert fts_tokens(text) == tokens


def test_words_are_stemmed_as_the_porter_tokenizer_stems_them() -> None:
    assert [stem(w) for w in ["Flooding", "floods", "flooded", "taxes"]] == ["flood", "flood", "flood", "tax"]
    assert index_terms("Flooding FLOODED floods, Café") == "flood flood flood cafe"


def test_the_words_of_a_match_expression_leave_its_operators_out() -> None:
    assert match_words('"flooding" OR "taxes" NOT vote') == ["flooding", "taxes", "vote"]
    assert match_words('"old_town" AND NEAR') == ["old", "town"]


def test_search_ranks_by_bm25_higher_is_better(db: sqlite3.Connection) -> None:
    text = FullText(db)
    found = text.search("sentences", '"flood"', 10)
    assert sorted(row for row, _ in found) == [1, 2, 4]  # flooded, Floods, flooding: one stem
    assert all(score > 0 for _, score in found)
    assert [row for row, _ in text.search("sentences", '"flood" OR "taxes"', 10, scope={"vote"})] == [3]
    assert text.search("sentences", '"flood"', 10, scope=set()) == []
    assert text.search("sentences", "", 10) == []


def test_document_frequencies_count_rows_by_stem(db: sqlite3.Connection) -> None:
    counts = FullText(db).document_frequencies("sentences", ["flooding", "Taxes", "drought"])
    assert counts == {"flooding": 3, "Taxes": 1, "drought": 0}
