"""Attribution shapes of real news that the cue rules alone got wrong (issue 28), each in a short
article written for this test: a transcript, a pull quote signed below it, a name in the next sentence,
the second half of a split quote, the listener who is not the speaker, a spokesman beside his principal,
and a scare quote that is nobody's statement."""

from __future__ import annotations

import pytest

from index.models import Article, Quote
from index.sentences import split_sentences
from qa.quotes import ExtractOptions, extract_quotes
from qa.quotes.extraction.marks import as_double_marks

pytestmark = pytest.mark.model  # loads the spaCy pipeline and the speaker model


def _quotes(text: str, options: ExtractOptions | None = None) -> list[Quote]:
    article = Article(id="a", title="", text=text)
    quotes = [
        q for q in extract_quotes(article, split_sentences(article.id, text), options) if q.kind != "indirect"
    ]
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text
    return quotes


def _said(quotes: list[Quote], opening: str) -> Quote:
    [found] = [q for q in quotes if q.text.startswith(opening)]
    return found


def test_a_transcript_line_is_the_labelled_persons_statement() -> None:
    text = (
        "Senator Maria Lopez spoke to the host Tom Wallace on Sunday about the budget.\n\n"
        "WALLACE: If I may, Senator, how will you pay for the new bridge?\n\n"
        "LOPEZ: We will raise the fuel tax by two cents and sell the old depot.\n\n"
        "WALLACE: And if the council says no?"
    )
    quotes = _quotes(text)
    assert [(q.kind, q.speaker) for q in quotes] == [
        ("direct", "Tom Wallace"),
        ("direct", "Maria Lopez"),
        ("direct", "Tom Wallace"),
    ]
    assert (
        _said(quotes, "We will raise").text
        == "We will raise the fuel tax by two cents and sell the old depot."
    )


def test_a_dateline_in_capitals_is_no_transcript() -> None:
    text = "LONDON: The city council voted on Monday to close the old depot.\n\nThe vote was close."
    assert _quotes(text) == []


def test_a_pull_quote_signed_on_the_next_line_is_the_signers() -> None:
    text = (
        '"The talks are over for this year," said Ana Ruiz, the union leader.\n\n'
        '"This is the most divided Congress I have seen in forty years of watching it."\n'
        "\u2015 Norm Ornstein\n\n"
        "Leaders met again on Friday."
    )
    assert _said(_quotes(text), "This is the most divided").speaker == "Norm Ornstein"


def test_a_name_in_the_next_sentence_is_the_speaker() -> None:
    text = (
        "The plant will close in March.\n\n"
        '"We have done everything we could to keep the plant open." Energy Minister Karl Berg made the '
        "remarks on Tuesday, a day before the vote."
    )
    quote = _said(_quotes(text), "We have done")
    assert (quote.speaker, quote.role, quote.speaker_kind) == ("Karl Berg", "Energy Minister", "person")


def test_the_second_half_of_a_split_quote_keeps_the_speaker() -> None:
    text = (
        'Residents gathered at the town hall. "The plan is simple," said Mayor Ana Ruiz. "We build the '
        'wall first and the houses after."\n\nNot everyone was convinced.'
    )
    quotes = _quotes(text)
    assert [q.speaker for q in quotes] == ["Ana Ruiz", "Ana Ruiz"]


def test_the_listener_is_not_the_speaker() -> None:
    text = (
        "President Donald Trump clashed with a CNN reporter at the news conference.\n\n"
        '"For you to ask me that question is actually very insulting to the people of this country," '
        "Trump told CNN's Jim Acosta."
    )
    assert _said(_quotes(text), "For you to ask").speaker == "Donald Trump"


def test_a_spokesman_is_not_his_principal() -> None:
    text = (
        'Prime Minister Tony Blair said on Monday that the talks would go on. "We will not walk away," '
        "Mr Blair said.\n\n"
        'The Prime Minister\'s official spokesman said later: "The talks will resume next week in Belfast."'
        '\n\nMr Blair added: "Nobody should doubt our resolve."'
    )
    quotes = _quotes(text)
    spokesman = _said(quotes, "The talks will resume")
    assert (spokesman.speaker, spokesman.speaker_kind, spokesman.role) == (
        "the Prime Minister's official spokesman",
        "source",
        None,
    )
    assert [_said(quotes, o).speaker for o in ("We will not", "Nobody should")] == [
        "Tony Blair",
        "Tony Blair",
    ]
    assert _said(quotes, "We will not").role == "Prime Minister"


@pytest.mark.parametrize(
    "text",
    [
        'The minister dismissed the report as "gossip" on Friday.',
        'Critics said the so-called "reform" was a cut in disguise.',
    ],
)
def test_a_one_word_scare_quote_is_nobodys_statement(text: str) -> None:
    [quote] = _quotes(text)
    assert (quote.kind, quote.speaker, quote.speaker_kind) == ("partial", None, None)


def test_a_reported_word_with_its_own_cue_keeps_its_speaker() -> None:
    [quote] = _quotes('Mayor Ana Ruiz cautioned that the situation at the harbour was "difficult".')
    assert (quote.kind, quote.speaker) == ("mixed", "Ana Ruiz")


def test_a_bare_surname_never_borrows_the_name_of_someone_of_the_other_gender() -> None:
    text = (
        'Michelle Obama spoke in Ohio. "We must vote," Mrs. Obama said.\n\n'
        'President Obama spoke later. "It\'s about me," Mr. Obama said.'
    )
    quotes = _quotes(text)
    assert _said(quotes, "We must vote").speaker == "Michelle Obama"
    assert _said(quotes, "It's about me").speaker == "Obama"


def test_two_people_with_one_surname_stay_two() -> None:
    text = (
        'Chancellor Gordon Brown presented the budget. "This is a budget for families," Mr Brown said.\n\n'
        'Nick Brown, the farming minister, also spoke. "Farmers will gain," Mr Brown said.'
    )
    quotes = _quotes(text)
    gordon, nick = _said(quotes, "This is a budget"), _said(quotes, "Farmers will gain")
    assert (gordon.speaker, gordon.role) == ("Gordon Brown", "Chancellor")
    assert (nick.speaker, nick.role) == ("Nick Brown", "the farming minister")


def test_a_surname_that_is_also_a_nationality_is_the_person_named_before() -> None:
    quotes = _quotes(
        "Dallas Mavericks owner Mark Cuban spoke on Tuesday.\n\n"
        "\u201cI would not vote for him,\u201d Cuban said. \u201cHe has no plan.\u201d\n\n"
        "Cuban added: \u201cThe debate was a mess for everyone involved in it.\u201d"
    )
    assert {(q.speaker, q.speaker_kind) for q in quotes} == {("Mark Cuban", "person")}


def test_markup_kept_in_the_text_quotes_nobody_and_names_nobody() -> None:
    text = (
        "Two candidates called for action on Friday.\n\n"
        '<tweet pic="" author="BenOkafor" timestamp="1449075600" tweet_id="672137288055398401">Horrifying '
        "news out of the valley. We must act now to keep our families safe.</tweet>\n\n"
        '<tweet pic="" author="MeiTanaka" timestamp="1449075600">"Enough is enough," we all say. Our '
        "prayers are with the families.</tweet>\n\n"
        '"We will hold hearings next week," said Tom Reyes, the committee chairman.'
    )
    quotes = _quotes(text)
    assert all(q.text not in ("BenOkafor", "1449075600", "672137288055398401", "MeiTanaka") for q in quotes)
    assert not any(q.speaker and any(mark in q.speaker for mark in "<>=") for q in quotes)
    assert _said(quotes, "We will hold hearings").speaker == "Tom Reyes"


def test_two_apostrophes_or_backquotes_are_a_double_mark() -> None:
    text = (
        "Workers rallied outside the statehouse on Monday.\n\n"
        "''I welcome a debate about wages in this state,'' said Tom Reyes, the labor secretary. ''It shows "
        "what each party stands for.''\n\n"
        "He called the bill ''a disgrace.''\n\n"
        "``We will keep fighting for every worker here,'' said Ana Ruiz, a union organizer.\n\n"
        "''And we will win.''"
    )
    quotes = _quotes(text)
    assert [(q.text, q.speaker) for q in quotes if q.kind == "direct"] == [
        ("I welcome a debate about wages in this state,", "Tom Reyes"),
        ("It shows what each party stands for.", "Tom Reyes"),
        ("We will keep fighting for every worker here,", "Ana Ruiz"),
        ("And we will win.", "Ana Ruiz"),
    ]
    assert _said(quotes, "a disgrace").kind == "mixed"


def test_two_character_marks_keep_every_offset() -> None:
    text = "''Yes,'' she said. ``No,'' he said. It's 'fine.'''"
    read = as_double_marks(text)
    assert len(read) == len(text)
    assert read == ' "Yes,"  she said.  "No,"  he said. It\'s \'fine.\'" '
    assert as_double_marks("No marks here.") == "No marks here."
