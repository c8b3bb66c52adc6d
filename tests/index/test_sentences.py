from __future__ import annotations

import pytest

from index.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences("a", text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Lt. Gen. Mark Dale met Dr. Ann Fry in the U.S. capital. They spoke for an hour.",
            ["Lt. Gen. Mark Dale met Dr. Ann Fry in the U.S. capital.", "They spoke for an hour."],
        ),
        (
            'The mayor said: "We are ready." "The dam will hold," she added.',
            ['The mayor said: "We are ready."', '"The dam will hold," she added.'],
        ),
        (
            "\u201cPrices will rise.\u201d \u201cWe cannot stop it,\u201d the minister said.",
            ["\u201cPrices will rise.\u201d", "\u201cWe cannot stop it,\u201d the minister said."],
        ),
        (
            "First paragraph without a stop\nSecond paragraph.",
            ["First paragraph without a stop", "Second paragraph."],
        ),
    ],
)
def test_splits_news_text(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_offsets_index_the_original_text() -> None:
    text = "  Title line\n\nThe U.S. said no.   It was \u201cfinal,\u201d he said.\n\n\nEnd here. "
    sentences = split_sentences("a", text)
    assert [s.text for s in sentences] == [
        "Title line",
        "The U.S. said no.",
        "It was \u201cfinal,\u201d he said.",
        "End here.",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_paragraphs_and_positions_are_numbered() -> None:
    sentences = split_sentences("a", "One. Two.\nThree.\n\nFour.")
    assert [(s.position, s.paragraph) for s in sentences] == [(0, 0), (1, 0), (2, 1), (3, 2)]


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("a", " \n\n ") == []
