"""Where else was this said: every article carrying the same words, earliest first, who is credited."""

from __future__ import annotations

from pathlib import Path

from index.embedding import HashingEncoder
from index.models import Article
from qa.engine import QAEngine
from qa.factcheck.where_else import where_else

WORDS = "We will rebuild the pier before the summer storms arrive"


def stories() -> list[Article]:
    return [
        Article(
            "repeat",
            "Pier works begin",
            f'Work began on Monday. "{WORDS}," said harbour chief Ola Brandt.\nThe council agreed.',
            published="2024-05-10",
        ),
        Article(
            "first",
            "Council backs pier plan",
            f'Mayor Ines Calder said: "{WORDS}."\nThe vote was close.',
            published="2024-02-01",
        ),
        Article(
            "close",
            "Storm season nears",
            'Ola Brandt said: "We will rebuild the old pier before the storms arrive."\nNo date was set.',
        ),
        Article("other", "Ferry news", "The ferry will sail twice a day from March, the operator said."),
    ]


def test_every_article_with_the_words_is_listed_earliest_first_with_who_is_credited(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    engine.add_articles(stories())
    found = where_else(engine.store, engine.encoder, WORDS)
    assert [m.article_id for m in found] == ["first", "repeat", "close"]
    assert [m.exact for m in found] == [True, True, False]
    assert [m.speaker for m in found] == ["Ines Calder", "Ola Brandt", "Ola Brandt"]
    assert [m.published for m in found] == ["2024-02-01", "2024-05-10", ""]


def test_a_copy_of_an_article_is_not_a_repetition(tmp_path: Path, fake_encoder: HashingEncoder) -> None:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    first = stories()[1]
    engine.add_articles([first, Article("copy", "Council backs pier plan (copy)", first.text)])
    assert [m.article_id for m in where_else(engine.store, engine.encoder, WORDS)] == ["first"]


def test_the_store_totals_count_articles_quotes_and_the_newest_date(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    engine.add_articles(stories())
    articles, quotes, newest = engine.store.totals()
    assert (articles, newest) == (4, "2024-05-10")
    assert quotes == len(engine.store.quotes())
