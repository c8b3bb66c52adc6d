from __future__ import annotations

from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from index.errors import InputError
from index.models import Article
from qa.answering.answerer import MAX_QUESTION_CHARS
from qa.engine import QAEngine

ARTICLES = [
    Article(
        "harbour",
        "Harbour reopens",
        "The harbour of Port Vell reopened on Monday after a storm.\n"
        "Mayor Ann Fry said repairs cost four million euros.\n"
        "Fishing boats returned to the docks by noon.",
    ),
    Article(
        "election",
        "Vote count",
        "Counting in the regional election finished late on Sunday.\n"
        "The Green party won twelve seats, its best result.\n"
        "Turnout was 61 percent.",
    ),
]


@pytest.fixture
def engine(tmp_path: Path, fake_encoder: HashingEncoder) -> QAEngine:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    engine.add_articles(ARTICLES)
    return engine


def test_answer_cites_the_sentence_that_holds_the_answer(engine: QAEngine) -> None:
    answer = engine.ask("How many seats did the Green party win?")
    assert not answer.abstained
    first = answer.citations[0]
    assert first.sentence.text == "The Green party won twelve seats, its best result."
    assert (first.n, first.title, first.sentence.article_id) == (1, "Vote count", "election")
    assert answer.text.startswith("The Green party won twelve seats, its best result. [1]")


def test_every_answer_sentence_stands_in_an_article(engine: QAEngine) -> None:
    answer = engine.ask("What did the mayor say about repairs?")
    for c in answer.citations:
        source = engine.article(c.sentence.article_id)
        assert source is not None
        assert source.text[c.sentence.start : c.sentence.end] == c.sentence.text
        assert f"{c.sentence.text} [{c.n}]" in answer.text


def test_k_limits_the_number_of_citations(engine: QAEngine) -> None:
    assert len(engine.ask("harbour storm boats", k=1).citations) == 1


def test_scope_limits_the_articles_searched(engine: QAEngine) -> None:
    answer = engine.ask("When did the harbour reopen?", scope={"election"})
    assert {c.sentence.article_id for c in answer.citations} <= {"election"}


def test_scope_combines_chosen_articles_source_and_date(tmp_path: Path, fake_encoder: HashingEncoder) -> None:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    dated = [
        Article("old", "Old", "The old bridge opened.", source="Wire", published="2021-03-01"),
        Article("new", "New", "The new bridge opened.", source="wire", published="2024-06-30"),
        Article("other", "Other", "The ferry sailed.", source="Daily", published="2024-07-01"),
    ]
    engine.add_articles(dated)
    assert engine.scope() is None
    assert engine.scope(["old", "other"]) == {"old", "other"}
    assert engine.scope(source="WIRE") == {"old", "new"}
    assert engine.scope(since="2024-01-01") == {"new", "other"}
    assert engine.scope(["old", "new"], source="wire", since="2024-01-01") == {"new"}
    assert engine.scope(source="Nobody") == set()
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        engine.scope(since="yesterday")


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "The question is empty"),
        ("   ", "The question is empty"),
        ("w" * 10_000, f"10,000 characters long; the limit is {MAX_QUESTION_CHARS:,}"),
    ],
)
def test_bad_questions_raise_a_clear_error(engine: QAEngine, question: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        engine.ask(question)


def test_an_empty_store_abstains(tmp_path: Path, fake_encoder: HashingEncoder) -> None:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    engine.add_articles([])
    answer = engine.ask("Anything?")
    assert answer.abstained
    assert "no articles" in answer.reason


def test_removed_articles_are_no_longer_cited(engine: QAEngine) -> None:
    engine.remove(["election"])
    answer = engine.ask("How many seats did the Green party win?")
    assert all(c.sentence.article_id == "harbour" for c in answer.citations)
