"""The page's lists stay bounded on a large store: the newest articles, the most quoted speakers."""

from __future__ import annotations

from pathlib import Path

from pytest import MonkeyPatch

from index.embedding import HashingEncoder
from index.models import Article
from qa.engine import QAEngine
from tests.speakers import SPOKESMAN, STORIES, store_with
from ui import session as ui_session


def engine_with(tmp_path: Path, count: int) -> QAEngine:
    engine = QAEngine(tmp_path / "store", HashingEncoder(32))
    for i in range(count):  # one write each, so each has its own time of adding
        speaker = "Ana Ruiz" if i % 2 else "Tom Hale"
        text = f'The pier {i} reopened. "We rebuilt pier {i} in a week," {speaker} said.'
        engine.add_articles([Article(f"a{i}", f"Pier {i}", text)])
    return engine


def test_lists_show_the_newest_articles_and_say_how_many_there_are(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    monkeypatch.setattr(ui_session, "LIST_LIMIT", 3)
    session = ui_session.Session(engine_with(tmp_path, 5))
    assert [row[-1] for row in session.article_rows()] == ["a2", "a3", "a4"]
    assert [value for _, value in session.article_choices()] == ["a2", "a3", "a4"]
    assert "newest 3 of 5" in ui_session.articles_label(session.article_count())
    rows, shown, speakers = session.quote_table(None, None, "")
    assert len(rows) == len(shown) == 3
    assert speakers == [["Tom Hale", 3, 3], ["Ana Ruiz", 2, 2]]
    _, shown, _ = session.quote_table("Ana Ruiz", None, "PIER 3")
    assert [(q.article_id, q.speaker) for q in shown] == [("a3", "Ana Ruiz")]
    assert session.speaker_choices() == ["Tom Hale", "Ana Ruiz"]  # most quoted first


def test_the_library_lists_newest_published_first_with_file_names_and_searches_titles(tmp_path: Path) -> None:
    engine = QAEngine(tmp_path / "store", HashingEncoder(32))
    engine.add_articles(
        [
            Article(
                "old",
                "Harbour opens",
                "The harbour opened.",
                published="2021-03-01",
                url="file:///news/harbour%20a.txt",
            ),
            Article(
                "new",
                "Harbour closes",
                "The harbour closed.",
                published="2024-07-09",
                url="https://news.example/h",
            ),
            Article("undated", "Ferry strike", "The ferries stopped."),
        ]
    )
    session = ui_session.Session(engine)
    rows = session.article_rows()
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("Harbour closes", "https://news.example/h", "2024-07-09"),
        ("Harbour opens", "harbour a.txt", "2021-03-01"),
        ("Ferry strike", "", ""),
    ]
    assert [r[-1] for r in session.article_rows("HARBOUR")] == ["new", "old"]
    assert ui_session.articles_label(session.article_count()) == "Indexed articles (3)"


def test_the_first_view_says_what_the_store_holds_and_asks_about_its_speakers(tmp_path: Path) -> None:
    session = ui_session.Session(engine_with(tmp_path, 3))
    assert session.store_summary() == "3 articles, 3 quotes"
    assert session.example_prompt() == (
        "**3 articles, 3 quotes** — Ask about the articles, e.g. "
        "*What did Tom Hale say?* or *Who is Ana Ruiz?*"
    )


def test_the_store_summary_names_the_newest_publication_date(tmp_path: Path) -> None:
    engine = QAEngine(tmp_path / "store", HashingEncoder(32))
    engine.add_articles(
        [
            Article("a", "Old", "The pier opened.", published="2004-01-02"),
            Article("b", "New", "The pier closed.", published="2005-03-31"),
            Article("c", "Undated", "The pier shut."),
        ]
    )
    assert ui_session.Session(engine).store_summary() == "3 articles, 0 quotes, newest 2005-03-31"


def test_the_library_table_hides_empty_columns_and_counts_what_a_search_finds(tmp_path: Path) -> None:
    session = ui_session.Session(engine_with(tmp_path, 3))
    table = session.library("pier 1")
    assert table.headers == ["Title", "Sentences", "Quotes"]  # no file, source or date to show
    assert [row[0] for row in table.value["data"]] == ["Pier 1"]
    assert table.label == "1 of 3 articles match \u2018pier 1\u2019"
    assert session.library("xyz").label == "No article matches \u2018xyz\u2019 (3 articles)"
    assert session.library().label == "Indexed articles (3)"


def test_the_speakers_list_follows_the_speaker_chosen(tmp_path: Path) -> None:
    session = ui_session.Session(engine_with(tmp_path, 3))
    _, _, speakers = session.quote_table("Ana Ruiz", None, "")
    assert speakers == [["Ana Ruiz", 1, 1]]


def test_the_chosen_speakers_quotes_row_and_record_count_the_same_quotes(tmp_path: Path) -> None:
    store_with(tmp_path / "store", HashingEncoder(32), STORIES).close()
    session = ui_session.Session(QAEngine(tmp_path / "store", HashingEncoder(32)))
    assert SPOKESMAN in session.speaker_choices()
    rows, shown, speakers = session.quote_table(SPOKESMAN, None, "")
    assert speakers == [[SPOKESMAN, 2, 1]]  # not Tony Blair's quote, nor his row
    assert [row[:2] for row in rows] == [[SPOKESMAN, ""], [SPOKESMAN, ""]]  # no "Mr", no "President"
    record = session.engine.speaker_record(SPOKESMAN)
    assert sum(len(g.quotes) for g in record) == len(shown) == speakers[0][1]
    _, shown, speakers = session.quote_table("Ms Lomax", None, "")
    assert speakers == [["Rachel Lomax", 2, 2]]
    assert {q.article_id for q in shown} == {"bank", "rates"}


def test_a_library_row_opens_its_article_in_the_reader(tmp_path: Path) -> None:
    session = ui_session.Session(engine_with(tmp_path, 3))
    [row] = session.library("pier 2").value["data"]
    assert 'data-article="a2"' in (session.open_listed("pier 2", row) or "")
    assert session.open_listed("pier 2", ["Pier 9", 1, 1]) is None
