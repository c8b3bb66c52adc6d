"""Near misses: the question's year, number or name changed to one no article holds."""

from __future__ import annotations

import pytest

from qa.evaluation.near_misses import make_near_misses

TEXTS = [
    "The tsunami of 2004 killed many people on the coast of Sumatra.\n"
    "Mayor Ann Fry said repairs cost 40 million euros.",
]


@pytest.mark.parametrize(
    ("question", "original"),
    [
        ("How many people died in the tsunami in 2004?", "2004"),
        ("How much did the repairs cost, 40 million euros or more?", "40"),
    ],
)
def test_a_year_or_number_is_changed_to_one_no_article_holds(question: str, original: str) -> None:
    (miss,) = make_near_misses([("q1", question)], TEXTS)
    assert miss.original == original
    assert miss.changed != original
    assert miss.changed not in TEXTS[0]
    assert miss.question == question.replace(original, miss.changed, 1)


@pytest.mark.model
def test_a_name_is_changed_to_one_no_article_holds() -> None:
    (miss,) = make_near_misses([("q1", "What did Ann Fry say about the repairs?")], TEXTS)
    assert miss.original == "Ann Fry"
    assert miss.changed not in TEXTS[0]
    assert miss.question == f"What did {miss.changed} say about the repairs?"


def test_a_question_with_nothing_to_change_is_skipped() -> None:
    assert make_near_misses([("q1", "why did it happen?")], TEXTS) == []


def test_the_same_seed_makes_the_same_near_misses() -> None:
    questions = [("q1", "What happened in 2004?"), ("q2", "Who paid 40 million?")]
    assert make_near_misses(questions, TEXTS) == make_near_misses(questions, TEXTS)
