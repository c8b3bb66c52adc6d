"""The store's records through `index.records`: written in a transaction, read back, deleted."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from index.records import Records, delete_articles, insert_article, text_key
from tests.index.conftest import FLOOD, indexed


def test_an_article_is_read_back_with_its_sentences_chunks_and_quotes(records: Records) -> None:
    assert [(a.id, a.sentences, a.quotes) for a in records.articles()] == [("flood", 2, 1), ("vote", 1, 1)]
    assert [s.text for s in records.sentences("flood")] == [
        "The river flooded the valley.",
        "Farmers lost crops.",
    ]
    assert [c.text for c in records.chunks(records.live_rows("chunks")).values()] == [
        FLOOD,
        "Parliament voted on taxes.",
    ]
    assert [(q.article_id, q.speaker) for q in records.quotes()] == [
        ("flood", "Ann Fry"),
        ("vote", "Bo Lund"),
    ]
    assert [(s.name, s.quotes, s.articles) for s in records.speakers()] == [
        ("Ann Fry", 1, 1),
        ("Bo Lund", 1, 1),
    ]
    assert records.digests(["vote", "gone"]) == {"vote": "d2"}
    assert records.digests() == {"flood": "d1", "vote": "d2"}


def test_rows_are_found_by_article_and_by_exact_text(records: Records) -> None:
    assert records.rows_of_articles("sentences", ["flood"]) == [1, 2]
    assert records.rows_of_articles("chunks", []) == []
    assert records.rows_with_texts("sentences", ["Farmers lost crops.", "Farmers lost crops", "x"]) == {
        "Farmers lost crops.": 2
    }
    assert (records.last_id("sentences"), records.last_id("quotes")) == (3, 2)
    assert records.last_ids() == {"sentences": 3, "chunks": 2}


def test_quotes_are_searched_with_the_sentence_they_start_in(records: Records) -> None:
    [quote] = records.search_quotes('"flooded"', 5)
    assert (quote.article_id, quote.speaker) == ("flood", "Ann Fry")
    assert records.search_quotes("", 5) == []
    [lund] = records.find_speakers("lund")
    assert [q.speaker for q in records.speaker_quotes([lund.id])] == ["Bo Lund"]
    assert [q.article_id for q in records.find_quotes(text="TAXES")] == ["vote"]
    assert [q.article_id for q in records.find_quotes([lund.id], text="parliament")] == ["vote"]
    assert records.find_quotes([lund.id], text="valley") == []


def test_deleting_an_article_returns_its_row_ids_and_forgets_its_speaker(records: Records) -> None:
    with records.transaction() as cur:
        removed = delete_articles(cur, ["vote"])
    assert removed == {"chunks": [2], "sentences": [3]}
    assert [a.id for a in records.articles()] == ["flood"]
    assert [(s.name, s.quotes) for s in records.speakers()] == [("Ann Fry", 1)]
    assert records.search_quotes('"taxes"', 5) == []
    with records.transaction() as cur:  # ids are never given again
        insert_article(cur, indexed("vote", "Parliament voted again."))
    assert records.rows_of_articles("sentences", ["vote"]) == [4]


def test_a_transaction_that_raises_changes_nothing(records: Records) -> None:
    with pytest.raises(RuntimeError), records.transaction() as cur:
        delete_articles(cur, ["flood"])
        insert_article(cur, indexed("new", "A new story."))
        raise RuntimeError("crash before the commit")
    assert [a.id for a in records.articles()] == ["flood", "vote"]
    assert records.last_ids() == {"sentences": 3, "chunks": 2}


def test_a_snapshot_reads_one_commit(records: Records) -> None:
    with closing(sqlite3.connect(records.path / "store.sqlite")) as other, records.snapshot():
        before = records.count()
        other.execute("DELETE FROM articles WHERE article_id = 'vote'")
        other.commit()
        assert records.count() == before == 2
    assert records.count() == 1


def test_a_text_key_is_the_same_for_the_same_text_only() -> None:
    assert text_key("Farmers lost crops.") == text_key("Farmers lost crops.")
    assert text_key("Farmers lost crops.") != text_key("Farmers lost crops")
    assert -(2**63) <= text_key("") < 2**63
