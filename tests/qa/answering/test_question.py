"""Question analysis: types, expected labels, terms, entities and quotes of short questions."""

from __future__ import annotations

import pytest

from qa.answering.question import analyze_question


@pytest.mark.parametrize(
    ("question", "expected_type"),
    [
        ("Who founded the bakery?", "who"),
        ("When did the bridge open?", "when"),
        ("Where was the festival held?", "where"),
        ("How many people attended the concert?", "how_many"),
        ("How much did the stadium cost?", "how_much"),
        ("How long did the strike last?", "how_much"),
        ("Why did the council delay the vote?", "why"),
        ("How does the city fund its schools?", "how"),
        ("Did the mayor resign?", "yes_no"),
        ('Who said "we will rebuild"?', "quote_who"),
        ("What did the minister say about taxes?", "quote_what"),
        ("What did Maria Lopez open in Lyon?", "what"),
    ],
)
def test_wh_word_sets_the_question_type(question: str, expected_type: str) -> None:
    assert analyze_question(question).type == expected_type


@pytest.mark.parametrize(
    ("question", "expected_type", "head"),
    [
        ("In what year did the factory close?", "when", "year"),
        ("What day was the election held?", "when", "day"),
        ("What percentage of voters supported the plan?", "how_much", "percentage"),
        ("Which team won the final?", "which", "team"),
        ("What city hosted the summit?", "where", "city"),
        ("What was the name of the ship?", "what", "ship"),
    ],
)
def test_what_noun_phrase_decides_the_type(question: str, expected_type: str, head: str) -> None:
    analysed = analyze_question(question)
    assert (analysed.type, analysed.answer_head) == (expected_type, head)


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        ("Who founded the bakery?", ("PERSON", "ORG", "NORP")),
        ("Who is Tom Hale?", ()),  # asks what he is, not for a name
        ("Who is the chairman of the association?", ("PERSON", "ORG", "NORP")),
        ("When did the bridge open?", ("DATE", "TIME")),
        ("Where was the festival held?", ("GPE", "LOC", "FAC")),
        ("How many people attended the concert?", ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")),
        ("What percentage of voters supported the plan?", ("PERCENT",)),
        ("How many seconds were left?", ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME")),
        ("Why did the council delay the vote?", ()),
    ],
)
def test_type_brings_its_expected_entity_labels(question: str, labels: tuple[str, ...]) -> None:
    assert analyze_question(question).expected_labels == labels


def test_terms_are_content_lemmas_without_stop_or_wh_words() -> None:
    assert analyze_question("Where was the festival held?").terms == ("festival", "hold")


def test_quoted_phrases_are_kept_verbatim() -> None:
    assert analyze_question('Who said "we will rebuild"?').quotes == ("we will rebuild",)


def test_named_entities_of_the_question_are_listed() -> None:
    assert ("Maria Lopez", "PERSON") in analyze_question("What did Maria Lopez open in Lyon?").entities


def test_wh_object_records_its_role_and_governing_verb() -> None:
    analysed = analyze_question("What did Maria Lopez open in Lyon?")
    assert (analysed.wh_role, analysed.wh_governor) == ("obj", "open")


def test_wh_word_in_a_leading_subordinate_clause_is_skipped() -> None:
    analysed = analyze_question("When prices rise, what do shoppers buy?")
    assert (analysed.wh, analysed.type) == ("what", "what")


def test_surrounding_whitespace_is_ignored() -> None:
    assert analyze_question("  Who founded the bakery?  ").text == "Who founded the bakery?"


def test_empty_question_is_rejected_with_a_message() -> None:
    with pytest.raises(ValueError, match="empty question"):
        analyze_question("   ")


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("In what year did the factory close?", "what year"),
        ("Who founded the bakery?", "Who"),
        ("What did Maria Lopez open in Lyon?", "What"),
        ("Which team won the cup?", "Which team"),
    ],
)
def test_wh_span_covers_the_wh_phrase(question: str, phrase: str) -> None:
    analysed = analyze_question(question)
    assert analysed.wh_span is not None
    start, end = analysed.wh_span
    assert question[start:end] == phrase
