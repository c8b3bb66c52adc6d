"""Reasons for "why" questions: the clause that gives the cause or purpose, never a concession."""

from __future__ import annotations

import pytest

from index.models import Sentence
from qa.answering.question import analyze_question
from qa.answering.reader.decide import ReadCandidate
from qa.answering.reader.reader import Reading
from qa.answering.rerank import reasons_first
from qa.answering.sentences import ScoredSentence
from qa.answering.spans import find_labelled_span
from qa.answering.spans.parsing import parse_sentence
from qa.answering.spans.reasons import concessive_ranges, reason_clauses, reason_span

DESPITE = "The central bank raised rates despite signs of a slowdown, because inflation kept rising."
ALTHOUGH = "Although ticket sales fell, the theatre hired more staff to meet demand at weekends."


def _reason(question: str, sentence: str, reader: str | None = None) -> str | None:
    terms = frozenset(analyze_question(question).terms)
    at = sentence.find(reader) if reader else -1
    found = reason_span(terms, sentence, (at, at + len(reader)) if reader and at >= 0 else None)
    return None if found is None else sentence[found[0] : found[1]]


def test_a_despite_clause_is_never_the_reason() -> None:
    # The reader's span in the "despite" clause gives way to the "because" clause.
    assert _reason("Why did the central bank raise rates?", DESPITE, "signs of a slowdown") == (
        "inflation kept rising"
    )
    assert _reason("Why did the central bank raise rates?", DESPITE) == "inflation kept rising"


def test_the_rules_span_for_why_skips_the_despite_clause() -> None:
    span = find_labelled_span(analyze_question("Why did the central bank raise rates?"), DESPITE)
    assert span is not None
    assert DESPITE[span.start : span.end] == "inflation kept rising"


def test_concessions_are_found_with_their_connective() -> None:
    doc = parse_sentence(DESPITE)
    assert [doc[s:e].text for s, e in concessive_ranges(doc)] == ["despite signs of a slowdown"]
    doc = parse_sentence(ALTHOUGH)
    assert [doc[s:e].text for s, e in concessive_ranges(doc)] == ["Although ticket sales fell"]


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        (ALTHOUGH, "to meet demand at weekends"),
        (
            "The party apologised to the senator after leaked emails showed staff favouring his rival.",
            "leaked emails showed staff favouring his rival",
        ),
        ("He is not planning an appeal of the ruling due to lack of resources.", "lack of resources"),
        (
            "The network dismissed the analyst after sharing a post that mocked the new law.",
            "sharing a post that mocked the new law",
        ),
        (
            "The mayor closed the bridge to protect the job of the city engineer, who was hired in 2011.",
            "to protect the job of the city engineer",
        ),
        ("His mother refused to teach him Japanese, insisting that he was American.", "he was American"),
    ],
)
def test_reasons_news_gives(sentence: str, reason: str) -> None:
    doc = parse_sentence(sentence)
    assert reason in [doc[c.start : c.end].text for c in reason_clauses(doc)]


def test_the_readers_words_inside_a_reason_clause_grow_to_the_clause() -> None:
    sentence = "The council delayed the vote because the budget figures were incomplete."
    assert _reason("Why did the council delay the vote?", sentence, "budget figures") == (
        "the budget figures were incomplete"
    )


def test_the_readers_span_stands_where_the_rules_find_no_reason() -> None:
    sentence = "Seeing his brother suffer led him to avoid alcohol, he said."
    assert _reason("Why did he avoid alcohol?", sentence, "Seeing his brother suffer") == (
        "Seeing his brother suffer"
    )


def test_a_clause_that_restates_the_question_is_no_reason() -> None:
    sentence = "The council met on Monday to delay the vote."
    assert _reason("Why did the council delay the vote?", sentence) is None


def _read(text: str, position: int, mixed: float) -> ReadCandidate:
    sentence = Sentence("a", position, 0, len(text), text)
    scored = ScoredSentence(sentence, mixed, dense=mixed, overlap=0.0, chunk=0.0)
    return ReadCandidate(scored, Reading(None, -1.0), mixed)


def test_a_close_sentence_giving_the_reason_goes_first_for_why() -> None:
    question = analyze_question("Why was the nomination unlikely to advance?")
    restating = "It is unlikely that the nomination will advance."
    reason = "The nomination stalled because senators have stopped confirming judges."
    read = [_read(restating, 0, 0.6), _read(reason, 1, 0.5)]
    assert [c.sentence.text for c in reasons_first(question, read)] == [reason, restating]
    # Far behind, the sentence with the reason stays behind.
    read = [_read(restating, 0, 0.9), _read(reason, 1, 0.5)]
    assert [c.sentence.text for c in reasons_first(question, read)] == [restating, reason]


def test_an_infinitive_after_a_verb_of_asking_is_no_purpose() -> None:
    doc = parse_sentence("The union asked its members to return to work on Monday.")
    assert reason_clauses(doc) == []


def test_the_role_someone_is_named_to_is_no_purpose() -> None:
    doc = parse_sentence(
        "I am pleased to nominate Ms. Okafor to serve on the district court, the governor said."
    )
    assert reason_clauses(doc) == []


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        (
            "Drivers objected to the company's plans to cut their pay, the union said.",
            "the company's plans to cut their pay",
        ),
        (
            "The minister was referring to the mayor's remarks about the flood.",
            "the mayor's remarks about the flood",
        ),
    ],
)
def test_what_someone_objected_or_referred_to_is_a_reason(sentence: str, reason: str) -> None:
    doc = parse_sentence(sentence)
    assert reason in [doc[c.start : c.end].text for c in reason_clauses(doc)]


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("State law prevents the governor from running twice.", "State law"),
        ("Rising food prices forced the bank to act.", "Rising food prices"),
    ],
)
def test_the_subject_of_a_causal_verb_is_a_reason(sentence: str, reason: str) -> None:
    doc = parse_sentence(sentence)
    assert reason in [doc[c.start : c.end].text for c in reason_clauses(doc)]


def test_a_weak_connective_around_the_readers_words_gives_way_to_a_sure_reason() -> None:
    sentence = (
        "The audit cited a staff memo as naming the contractor as the source of the leak, which managers "
        "hid to protect the director's bonus."
    )
    question = "Why did managers hide the leak?"
    assert _reason(question, sentence, "the source of the leak") == "to protect the director's bonus"
    # With no sure reason elsewhere, the weak clause the reader's words lie in is the span.
    alone = "The board dismissed the coach over his remarks about referees."
    assert _reason("Why was the coach dismissed?", alone, "his remarks") == "his remarks about referees"
