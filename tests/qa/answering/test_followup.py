from __future__ import annotations

import pytest

from index.models import Quote, Sentence
from qa.answering.followup import resolve_followup
from qa.models import Answer, Citation, Turn


def turn(question: str, speaker: str | None = None) -> Turn:
    sentence = Sentence("a", 4, 100, 130, '"We will rebuild," Mayor Ann Fry said.')
    quote = None
    if speaker:
        quote = Quote("a", "We will rebuild,", 101, 117, "direct", speaker, "Mayor Ann Fry", "said", 4, 4)
    citation = Citation(1, sentence, "Floods", 0.9, None, quote)
    return Turn(question, Answer(question, f"{sentence.text} [1]", (citation,), abstained=False))


def test_a_question_without_history_is_unchanged() -> None:
    resolved = resolve_followup("What did she say?", [])
    assert (resolved.question, resolved.exclude) == ("What did she say?", frozenset())


def test_what_else_did_she_say_names_the_speaker_and_leaves_out_what_was_shown() -> None:
    resolved = resolve_followup("What else did she say?", [turn("What did the mayor say?", "Ann Fry")])
    assert resolved.question == "What did Ann Fry say?"
    assert resolved.exclude == frozenset({("a", 4)})


def test_a_possessive_pronoun_becomes_a_possessive_name() -> None:
    resolved = resolve_followup("What was his plan?", [turn("Who spoke?", "Tom Reed")])
    assert resolved.question == "What was Tom Reed's plan?"


@pytest.mark.parametrize(
    ("previous", "followup", "expected"),
    [
        ("Who is fighting in Soledar?", "And in Bakhmut?", "Who is fighting in Bakhmut?"),
        ("How many people live in Soledar?", "What about Bakhmut?", "How many people live in Bakhmut?"),
        ("What did Peskov say?", "And Podolyak?", "What did Podolyak say?"),
        ("When did the strike start?", "and the lockout", "When did the strike start the lockout?"),
    ],
)
def test_an_elliptical_followup_reuses_the_previous_question(
    previous: str, followup: str, expected: str
) -> None:
    assert resolve_followup(followup, [turn(previous)]).question == expected


def test_a_pronoun_with_no_known_person_is_left_alone() -> None:
    assert resolve_followup("Did he resign?", [turn("What happened?")]).question == "Did he resign?"


@pytest.mark.parametrize(
    ("previous", "followup", "expected"),
    [
        ("Where did the fire start?", "When?", "When did the fire start?"),
        ("Who scored the winning goal?", "and when?", "When scored the winning goal?"),
        ("Did the union accept the offer?", "Why?", "Why did the union accept the offer?"),
        ("When did the bridge open?", "How much?", "How much did the bridge open?"),
    ],
)
def test_a_bare_question_word_asks_the_previous_question_again(
    previous: str, followup: str, expected: str
) -> None:
    assert resolve_followup(followup, [turn(previous)]).question == expected


def test_follow_ups_chain_through_the_questions_they_resolve_to() -> None:
    history = [turn("Where did the fire start?"), turn("When?")]
    assert resolve_followup("Why?", history).question == "Why did the fire start?"
