"""Who-said questions search the quote table's own full-text index (schema 4), kept in step with updates."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from index.embedding import HashingEncoder
from index.models import Article
from index.store import SCHEMA_VERSION, Store
from qa.engine import QAEngine
from qa.models import Turn
from tests.index.conftest import as_version_4

MAYOR = Article(
    "harbour",
    "Harbour reopens",
    'The harbour reopened on Monday. "We will rebuild every pier by spring," Mayor Ana Ruiz said.',
)
COACH = Article(
    "match",
    "Cup final",
    'The team lost the final. "The referee cost us the cup," coach Tom Hale told reporters.',
)


def engine_with_quotes(tmp_path: Path) -> QAEngine:
    engine = QAEngine(tmp_path / "store", HashingEncoder(32))
    engine.add_articles([MAYOR, COACH])
    return engine


def test_who_said_finds_the_speaker_through_the_quote_index(tmp_path: Path) -> None:
    engine = engine_with_quotes(tmp_path)
    answer = engine.ask("Who said the referee cost us the cup?")
    assert answer.citations[0].quote is not None
    assert answer.citations[0].quote.speaker == "Tom Hale"
    assert [q.article_id for q in engine.store.search_quotes('"pier"', 5)] == ["harbour"]


def test_an_updated_or_removed_article_leaves_no_quote_behind(tmp_path: Path) -> None:
    engine = engine_with_quotes(tmp_path)
    engine.add_articles([Article(MAYOR.id, MAYOR.title, "The harbour reopened on Monday without a word.")])
    assert engine.store.search_quotes('"pier"', 5) == []
    engine.remove([COACH.id])
    assert engine.store.search_quotes('"referee"', 5) == []
    assert not engine.store.has_quotes()
    db = sqlite3.connect(engine.store.path / "store.sqlite")
    assert db.execute("SELECT count(*) FROM quotes_fts").fetchone() == (0,)  # no row left to match a new id


def test_a_schema_3_store_gains_the_quote_index_when_opened(tmp_path: Path) -> None:
    engine = engine_with_quotes(tmp_path)
    path = engine.store.path
    engine.store.close()
    db = sqlite3.connect(path / "store.sqlite")
    as_version_4(db)
    db.execute("DROP TABLE quotes_fts")
    db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    store = Store.open(path, HashingEncoder(32).name)
    assert store.meta()["schema_version"] == str(SCHEMA_VERSION)
    assert [q.speaker for q in store.search_quotes('"referee"', 5)] == ["Tom Hale"]


def test_a_speaker_described_in_the_plural_is_found_by_the_singular_and_back(tmp_path: Path) -> None:
    engine = QAEngine(tmp_path / "store", HashingEncoder(32))
    text = "The clinic stayed open. One of the few remaining nurses said she would not leave her patients."
    engine.add_articles([Article("clinic", "Clinic", text)])
    for question in ("What did the nurse say?", "What did the nurses say?"):
        answer = engine.ask(question)
        assert not answer.abstained, question
        quote = answer.citations[0].quote
        assert quote is not None and quote.speaker == "One of the few remaining nurses", question


def test_what_else_once_every_quote_was_shown_says_so(tmp_path: Path) -> None:
    engine = engine_with_quotes(tmp_path)
    first = engine.ask("What did Ana Ruiz say?")
    assert first.citations[0].quote is not None
    follow_up = engine.ask("What else did she say?", history=[Turn("What did Ana Ruiz say?", first)])
    assert follow_up.abstained
    assert follow_up.reason == "Ana Ruiz says nothing else in the 2 articles searched than the answers above."


def test_a_speaker_is_found_through_y_plurals_and_letters_beyond_ascii(tmp_path: Path) -> None:
    engine = QAEngine(tmp_path / "store", HashingEncoder(32))
    engine.add_articles(
        [
            Article("cup", "Cup", 'The match ended late. "We were robbed," said Rudar coach Zoran Šimić.'),
            Article(
                "aid", "Aid", 'The plan was criticised. "It will not work," two aid agencies said on Monday.'
            ),
        ]
    )
    for question, speaker in (
        ("What did the agency say?", "two aid agencies"),
        ("What did Šimić say?", "Zoran Šimić"),  # SQLite's LIKE folds case for ASCII letters only
    ):
        quote = engine.ask(question).citations[0].quote
        assert quote is not None and quote.speaker == speaker, question
