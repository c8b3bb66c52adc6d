"""Hover cards, the speaker page and where else a quote was said, as escaped HTML."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from index.embedding import HashingEncoder
from index.models import Article, Quote, Sentence, Speaker
from qa.engine import QAEngine
from qa.factcheck.record import ArticleQuotes
from qa.models import Answer, Citation, Turn
from ui.hovercards import render_hovercards_html
from ui.render import citation_link, citation_target
from ui.render_check import render_check_html
from ui.session import Session
from ui.speaker_page import render_speaker_page, timeline_bins

EVIL = '<img src=x onerror="window.pwned=1">'
TEXT = f'Ferry news. "The pier {EVIL} will reopen," said Ola <b>Brandt</b>.'
ARTICLE = Article("a1", f"Pier {EVIL}", TEXT, source="Courier", published="2024-05-10")
SENTENCE = Sentence("a1", 1, 12, len(TEXT), TEXT[12:])
QUOTE = Quote(
    "a1", f"The pier {EVIL} will reopen", 13, 13 + 48, "direct", "Ola <b>Brandt</b>", None, "said", 1, 1
)


class Library:
    def article(self, article_id: str) -> Article | None:
        return ARTICLE if article_id == "a1" else None

    def sentences(self, article_id: str) -> list[Sentence]:
        return [SENTENCE]


def _turn() -> Turn:
    citation = Citation(1, SENTENCE, ARTICLE.title, 0.9, span=(1, 9), quote=QUOTE)
    return Turn(
        "Will the pier reopen?", Answer("Will the pier reopen?", SENTENCE.text, (citation,), abstained=False)
    )


def test_a_hover_card_holds_the_sentence_title_date_speaker_and_its_links_all_escaped() -> None:
    html = render_hovercards_html([_turn()], Library())
    ref = citation_target(_turn().answer.citations[0]).to_ref()
    assert f'data-ref="{ref}"' in html
    assert '<div class="qa-hc-title">Pier &lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;</div>' in html
    assert '<div class="qa-hc-meta">Courier · 2024-05-10</div>' in html
    assert "<strong>The pier</strong>" in html
    assert ">Ola &lt;b&gt;Brandt&lt;/b&gt;</a>" in html
    assert f'<a class="cite-link qa-hc-open" href="{ref}">Open in the reader</a>' in html
    assert 'class="where-link" href="#qa-where=The%20pier%20%3Cimg' in html
    assert "<img" not in html and "<b>" not in html


def test_a_citation_cited_twice_has_one_card() -> None:
    assert render_hovercards_html([_turn(), _turn()], Library()).count("qa-hovercard-data") == 1


def group(article_id: str, published: str, quotes: int) -> ArticleQuotes:
    said = tuple(
        Quote(article_id, f"Words {i}", i * 10, i * 10 + 7, "direct", "Ann Fry", None, "said", i, i)
        for i in range(quotes)
    )
    return ArticleQuotes(article_id, f"Story {article_id}", "", "", published, said)


def test_the_timeline_counts_quotes_by_month_with_empty_months_and_undated_apart() -> None:
    groups = [group("a", "2024-01-05", 2), group("b", "2024-03-30", 1), group("c", "", 4)]
    assert timeline_bins(groups) == ([("2024-01", 2), ("2024-02", 0), ("2024-03", 1)], 4)


def test_the_timeline_counts_by_year_over_a_long_span() -> None:
    groups = [group("a", "2001-01-05", 1), group("b", "2006-03-30", 3)]
    periods, undated = timeline_bins(groups)
    assert periods[0] == ("2001", 1) and periods[-1] == ("2006", 3) and len(periods) == 6
    assert undated == 0


def test_a_speaker_page_shows_who_counts_a_chart_and_each_article_once() -> None:
    speaker = Speaker(7, "Ann <i>Fry</i>", "person", ("Ann <i>Fry</i>", "Ms Fry"), ("Mayor",), 6, 3)
    groups = [group("a", "2024-01-05", 2), group("copy", "2024-01-05", 2), group("b", "", 2)]
    html = render_speaker_page(speaker, groups, {"copy": "a"})
    assert '<h3 class="qa-speaker-name">Ann &lt;i&gt;Fry&lt;/i&gt;</h3>' in html
    assert "Person · Roles: Mayor · Also named: Ms Fry" in html
    assert 'data-quotes="6" data-articles="2"' in html  # the copy's quotes counted, its entry folded
    assert html.count('class="qa-record-entry"') == 2
    assert "Also indexed as: Story copy" in html
    assert '<svg class="qa-timeline-chart"' in html and "2 quotes in undated articles" in html
    assert html.count('class="quote-link"') == 4
    assert "<i>" not in html


def test_the_speaker_page_of_an_unknown_name_says_so() -> None:
    assert "No speaker is known by the name \u201cNemo &lt;x&gt;\u201d" in render_speaker_page(
        None, [], None, "Nemo <x>"
    )


STORIES = [
    Article(
        "later",
        "Pier works begin",
        'Mayor Ann Fry said: "The pier will reopen in May."',
        published="2024-05-10",
    ),
    Article(
        "first",
        "Pier plan",
        'Harbour chief Ola Brandt said: "The pier will reopen in May."',
        published="2024-02-01",
    ),
]


def test_the_check_names_its_verdict_once_and_lists_where_else_earliest_first(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    engine.add_articles(STORIES)
    html, _ = Session(engine).check_quote_html("The pier will reopen in June", "")
    verdict = html.split('<div class="qa-verdict')[1].split("</div>")[0]
    assert verdict.count("Close, not exact") == 1
    where = html.split('<div class="qa-where-else">')[1]
    assert where.startswith(
        '<div class="qa-card-head">Where else was this said: 2 articles, earliest first</div>'
    )
    assert where.index("Pier plan") < where.index("Pier works begin")
    assert where.index("Ola Brandt") < where.index("Ann Fry")


def test_a_check_that_finds_nothing_lists_nowhere_else(tmp_path: Path, fake_encoder: HashingEncoder) -> None:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    engine.add_articles(STORIES)
    html, _ = Session(engine).check_quote_html("Taxes on kites will triple next winter", "")
    assert "qa-where-else" not in html and 'data-verdict="not_found"' in html
    assert render_check_html(None).startswith('<div class="qa-empty">')


def test_a_speaker_page_from_the_session_counts_what_the_speakers_table_counts(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    engine.add_articles(STORIES)
    session = Session(engine)
    html = session.speaker_page("Ann Fry")
    _, _, speakers = session.quote_table("Ann Fry", None, "")
    assert f'data-quotes="{speakers[0][1]}" data-articles="{speakers[0][2]}"' in html
    assert "Pier works begin" in html and "Pier plan" not in html


def test_a_speaker_with_many_roles_lists_the_first_few_and_how_many_more() -> None:
    roles = tuple(f"Role {i}" for i in range(9))
    speaker = Speaker(1, "Ann Fry", "person", ("Ann Fry",), roles, 1, 1)
    html = render_speaker_page(speaker, [group("a", "2024-01-05", 1)])
    assert "Roles: Role 0; Role 1; Role 2; Role 3; Role 4; Role 5 and 3 more" in html


def test_a_weak_answers_card_bolds_nothing_and_is_keyed_as_its_chat_link() -> None:
    turn = _turn()
    weak = dataclasses.replace(turn.answer, confidence=0.3)
    html = render_hovercards_html([Turn(turn.question, weak)], Library())
    assert "<strong>" not in html
    shown = weak.as_shown().citations[0]
    assert f'data-ref="{citation_target(shown).to_ref()}"' in html
    assert citation_target(shown).to_ref() in citation_link(shown)


def test_a_weak_answers_citation_link_finds_its_answers_passages(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    engine.add_articles([ARTICLE])
    [sentence] = [s for s in engine.sentences("a1") if s.position == 1]
    citation = Citation(1, sentence, ARTICLE.title, 0.9, span=(1, 9))
    weak = Answer("Will it reopen?", sentence.text, (citation,), abstained=False, confidence=0.3)
    ref = citation_target(weak.as_shown().citations[0]).to_ref()
    cards = Session(engine).cards_of_citation(ref, [Turn("Will it reopen?", weak)])
    assert cards is not None and 'data-question="Will it reopen?"' in cards
