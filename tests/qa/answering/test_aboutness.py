"""A cited sentence is about what is asked when the question's terms stand near it (issue 29)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from index.models import Article, Sentence
from qa.answering.question import analyze_question
from qa.answering.reader.aboutness import terms_apart
from qa.answering.reader.decide import (
    ReadCandidate,
    ReaderSettings,
    complete_first,
    decide,
    gives_no_amount,
    gives_no_time,
    names_only_the_asked,
)
from qa.answering.reader.reader import Reading
from qa.answering.sentences import ScoredSentence
from qa.engine import QAEngine

RACE = Article(
    "race",
    "Senator looks back",
    "Mary Smith won her Senate seat in 2012, defeating the banker Tom Jones by ten points.\n"
    "She had served two terms in the state house before.\n"
    "Her office is in the capital.\n"
    "The state changed its voting law in 2011, a year before the race.\n"
    "Smith said the change did not help her.",
    published="2016-05-02",
)


def _sentences(article: Article) -> list[Sentence]:
    found, start = [], 0
    for paragraph, line in enumerate(article.text.split("\n")):
        found.append(Sentence(article.id, paragraph, start, start + len(line), line, paragraph))
        start += len(line) + 1
    return found


@pytest.mark.parametrize(
    ("question", "position", "apart"),
    [
        ("Whom did Mary Smith defeat in her 2011 Senate race?", 0, ["2011"]),  # the year of another line
        ("Whom did Mary Smith defeat in her 2012 Senate race?", 0, []),
        ("What did Mary Smith say about the 2011 law?", 4, []),  # the line before names the year
        ("Whom did Mary Smith defeat in her 2009 Senate race?", 0, []),  # missing, not apart
        ("What does the Senator look back on?", 4, []),  # the title is near every sentence
        ("Whom did Smith defeat in the capital?", 0, []),  # two lines on: near
        ("Where did Tom Jones work?", 4, ["Tom", "Jones"]),
    ],
)
def test_terms_the_article_names_away_from_the_cited_sentence_are_apart(
    question: str, position: int, apart: list[str]
) -> None:
    missing = ["2009"] if "2009" in question else []
    assert terms_apart(question, RACE, _sentences(RACE), position, missing) == apart


def _candidate(text: str, margin: float, retrieval: float, mixed: float = 0.0) -> ReadCandidate:
    sentence = Sentence(text[:5], 0, 0, len(text), text)
    return ReadCandidate(ScoredSentence(sentence, retrieval, 0.0, 0.0, 0.0), Reading((0, 4), margin), mixed)


def test_a_year_apart_asks_for_the_confidence_a_missing_term_asks_for_and_a_name_apart_does_not() -> None:
    settings = ReaderSettings()
    read = [_candidate("Smith won in 2012.", 2.0, 0.6)]  # answerability 2 + 24 x 0.6 = 16.4
    assert decide(read, [], settings).answers
    assert not decide(read, [], settings, apart=["2011"]).answers
    assert decide(read, [], settings, apart=["Jones"]).answers
    assert decide(read, [], settings, apart=["2011"]).confidence < decide(read, [], settings).confidence


def test_why_questions_answer_on_a_smaller_margin() -> None:
    settings = ReaderSettings()
    read = [_candidate("The bank held rates because inflation fell.", -2.2, 0.6)]  # answerability 12.2
    assert not decide(read, [], settings, kind="who").answers
    assert decide(read, [], settings, kind="why").answers
    assert not decide(read, [], dataclasses.replace(settings, type_offsets=()), kind="why").answers
    assert not decide(read, [], settings, kind="why", quoted=True).answers  # the quote table's floor


def test_a_close_candidate_from_an_article_holding_every_term_goes_first() -> None:
    settings = ReaderSettings()
    lacking = _candidate("Lacking article.", 3.0, 0.7, mixed=0.80)
    close = _candidate("Complete article.", 2.0, 0.7, mixed=0.78)
    far = _candidate("Complete but weak.", 0.0, 0.3, mixed=0.50)

    def lacks(c: ReadCandidate) -> bool:
        return c is lacking

    assert complete_first([lacking, close, far], lacks, settings) == [close, lacking, far]
    assert complete_first([lacking, far], lacks, settings) == [lacking, far]  # too far behind
    assert complete_first([close, lacking], lacks, settings) == [close, lacking]
    never = dataclasses.replace(settings, complete_within=None)
    assert complete_first([lacking, close], lacks, never) == [lacking, close]


@pytest.mark.model
def test_a_near_miss_with_a_changed_year_the_article_names_elsewhere_is_not_answered(
    engine_over: Callable[..., QAEngine],
) -> None:
    engine = engine_over(RACE)
    answer = engine.ask("Whom did Mary Smith defeat in her 2011 Senate race?")
    assert answer.abstained or "2011" in answer.reason
    right = engine.ask("Whom did Mary Smith defeat in her 2012 Senate race?")
    assert not right.abstained and "2012" not in right.reason


@pytest.mark.parametrize(
    ("question", "text", "none"),
    [
        ("At what age did Ann Lee die?", "Ann Lee, the author, compared her to a heretic.", True),
        ("At what age did Ann Lee die?", "Ann Lee died at 92 on Monday.", False),
        ("How many people were hurt?", "Dozens of people were hurt.", False),
        ("By how much did the shares rise?", "The shares rose sharply on Monday.", True),
        ("How old was the bridge?", "The bridge was a century old.", False),
        ("How was it decided how many seats each party gets?", "It was decided by lot.", False),
        ("Where did Ann Lee die?", "Ann Lee died in Leeds.", False),
        # a time counts no votes, but it counts weeks
        ("By how many votes did Ann Lee win?", "Three weeks before the vote", True),
        ("By how many votes did Ann Lee win?", "By 3,000 votes", False),
        ("How many weeks did the strike last?", "Three weeks", False),
    ],
)
def test_a_question_asking_for_an_amount_is_not_answered_by_a_span_without_one(
    question: str, text: str, none: bool
) -> None:
    sentence = Sentence("a", 0, 0, len(text), text)
    read = [ReadCandidate(ScoredSentence(sentence, 0.6, 0.0, 0.0, 0.0), Reading((0, len(text) - 1), 2.0))]
    assert gives_no_amount(question, read) is none


@pytest.mark.parametrize(
    ("question", "text", "span", "none"),
    [
        ("When was the firm founded?", "Harlow & Finch to close 24 stores", "24 stores", True),
        (
            "When was the firm founded?",
            "Harlow & Finch to close stores as profits slide",
            "profits slide",
            True,
        ),
        ("When did the club win the cup?", "A crowd of 14,382 saw the win.", "14,382", True),
        ("When was the club formed?", "The club was formed in 1885 by railway workers.", "1885", False),
        ("When did the council meet?", "The council met on Tuesday to approve the plans.", "Tuesday", False),
        ("When did the council meet?", "The council met last week to approve the plans.", "last week", False),
        ("When did the council meet?", "The council met at the town hall to approve the plans.", None, True),
        (
            "In what year did the council meet?",
            "The council met at the town hall to approve the plans.",
            "the town hall",
            True,
        ),
        ("In what year did the council meet?", "The council met in 2012.", "2012", False),
        (
            "When does it occur?",
            "It occurs when the body is less active than normal.",
            "when the body",
            False,
        ),
        ("When did it close?", "It closed after the war.", "after the war", False),
        ("When did it close?", "It closed during the Second World War.", "the Second World War", False),
        ("What was the period called?", "It lived in the mid-Cambrian.", "mid-Cambrian", False),  # not "When"
        (
            "Who approved the plans?",
            "The council met at the town hall to approve the plans.",
            "The council",
            False,
        ),
    ],
)
def test_a_question_asking_when_is_not_answered_by_a_span_naming_no_time(
    question: str, text: str, span: str | None, none: bool
) -> None:
    sentence = Sentence("a", 0, 0, len(text), text)
    where = None if span is None else (text.index(span), text.index(span) + len(span))
    read = [ReadCandidate(ScoredSentence(sentence, 0.6, 0.0, 0.0, 0.0), Reading(where, 2.0))]
    assert gives_no_time(analyze_question(question), read) is none


def test_an_amount_not_given_asks_for_the_confidence_a_missing_term_asks_for() -> None:
    settings = ReaderSettings()
    read = [_candidate("Smith won in 2012.", 2.0, 0.6)]  # answerability 16.4
    assert decide(read, [], settings).answers
    assert not decide(read, [], settings, not_given=True).answers


OBITUARY = Article(
    "obituary",
    "Ann Lee dies",
    "Ann Lee, who led the campaign against the amendment, died on Monday at her home in St. Louis.\n"
    "She had three children.\n"
    "The feminist author Mary Booth, who died before her, once compared her to a religious heretic.\n"
    "Booth called the campaign a disgrace.",
    published="2016-09-06",
)


@pytest.mark.model
def test_an_age_the_article_never_gives_is_not_answered(engine_over: Callable[..., QAEngine]) -> None:
    engine = engine_over(OBITUARY)
    right = engine.ask("How many children did Ann Lee have?")
    assert not right.abstained and "three" in right.text
    near_miss = engine.ask("At what age did the feminist author Mary Booth die?")  # answered at 0.75 before
    assert "gives no number" in near_miss.reason  # declined or "Not sure", saying what is missing
    assert near_miss.abstained or (near_miss.confidence or 0.0) < 0.5


MATCH_REPORT = Article(
    "match",
    "Elm Park Rovers win the county cup",
    "Elm Park Rovers win the county cup\n\n"
    "Elm Park Rovers beat Harlow Town 2-1 to win the county cup at Victoria Ground.\n\n"
    "A crowd of 14,382, the club's biggest of the season, saw the win.\n\n"
    "Rovers' manager Tom Reid said his players had earned it.",
)


@pytest.mark.model
def test_a_when_question_the_article_gives_no_time_for_says_so(engine_over: Callable[..., QAEngine]) -> None:
    engine = engine_over(MATCH_REPORT)
    answer = engine.ask("When was Elm Park Rovers founded?")  # the report never says
    says = "gives no date or time" in (answer.reason or "")
    assert says and (answer.abstained or (answer.confidence or 0.0) < 0.5)
    assert not engine.ask("Who did Elm Park Rovers beat in the county cup?").abstained


@pytest.mark.parametrize(
    ("question", "text", "span", "named"),
    [
        (
            "Whom did Mary Smith defeat in 2012?",
            "Sen. Mary Smith (a Democrat) was elected in 2012.",
            "Sen. Mary Smith (a Democrat",
            "Mary Smith",
        ),
        ("Who did Mary Smith defeat?", "Mary Smith defeated the banker Tom Jones.", "Tom Jones", None),
        # a person the question names once more, beside the one asked for
        (
            "Who did Mary Smith defeat?",
            "Mary Smith defeated Tom Jones.",
            "Mary Smith defeated Tom Jones",
            None,
        ),
        ("Who is Mary Smith?", "Mary Smith is a senator.", "Mary Smith", None),  # asks what she is
        ("Who did Smith defeat?", "Tom Smith lost to her.", "Tom Smith", None),  # another Smith
    ],
)
def test_a_question_about_a_person_is_not_answered_by_that_person(
    question: str, text: str, span: str, named: str | None
) -> None:
    sentence = Sentence("a", 0, 0, len(text), text)
    where = (text.index(span), text.index(span) + len(span))
    read = [ReadCandidate(ScoredSentence(sentence, 0.6, 0.0, 0.0, 0.0), Reading(where, 2.0))]
    assert names_only_the_asked(analyze_question(question), read) == named


ELECTION = Article(
    "election",
    "Smith elected",
    "Mary Smith was elected to the Senate in 2012.\n"
    "She had served two terms in the state house before.\n"
    "Her office is in the capital.",
    published="2016-05-02",
)


@pytest.mark.model
def test_whom_a_person_defeated_is_not_answered_by_that_person(engine_over: Callable[..., QAEngine]) -> None:
    engine = engine_over(ELECTION)
    answer = engine.ask("Whom did Mary Smith defeat in the 2012 Senate race?")  # the article never says
    assert "gives no person other than Mary Smith" in (answer.reason or "")
    assert answer.abstained or (answer.confidence or 0.0) < 0.5
    assert not engine.ask("When was Mary Smith elected to the Senate?").abstained
