"""A question not in English is told so: the reader and retrieval read English only."""

from __future__ import annotations

import pytest

from qa.answering.language import question_language


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Qui est le président de la France ?", "French"),
        ("Wer ist der Bundeskanzler von Deutschland?", "German"),
        ("¿Quién es el presidente de México?", "Spanish"),
        ("Chi è il presidente della Repubblica?", "Italian"),
        ("Quem é o presidente do Brasil?", "Portuguese"),
        ("Wat is de hoofdstad van Nederland?", "Dutch"),
        ("Кто командует операцией?", "Cyrillic script"),
        ("誰が作戦を指揮していますか", "Japanese"),
    ],
)
def test_a_question_in_another_language_is_named(question: str, language: str) -> None:
    assert question_language(question) == language


@pytest.mark.parametrize(
    "question",
    [
        "Who is in charge of the operation?",
        "What did Peskov say?",
        "Who is Le Pen?",  # a French name in an English question
        "Who won the Copa del Rey in 2010?",
        "What is la Niña?",
        "Where is the Champs-Élysées?",
        "Dmitry Peskov?",  # names alone: too little to tell
        "Peking man kindled fire as early as?",
        "2011?",
    ],
)
def test_an_english_question_is_not_judged_foreign(question: str) -> None:
    assert question_language(question) is None
