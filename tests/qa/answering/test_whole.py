"""A place as news names it: the reader's span widened over the state or country after a comma."""

from __future__ import annotations

import pytest

from qa.answering.spans.whole import whole_answer


@pytest.mark.parametrize(
    ("text", "span", "whole"),
    [
        (
            "He pleaded guilty in federal court in Alexandria, Va., on Wednesday.",
            "Alexandria",
            "Alexandria, Va.",
        ),
        ("The new lines will go to Salinas, Mexico, where costs are lower.", "Salinas", "Salinas, Mexico"),
        # not a place, or no place after the comma: unchanged
        ("Mitch Daniels, the former governor, ruled it out.", "Mitch Daniels", "Mitch Daniels"),
        ("He flew from Cincinnati to Burns on Jan. 2.", "Cincinnati", "Cincinnati"),
    ],
)
def test_a_place_keeps_its_state_or_country(text: str, span: str, whole: str) -> None:
    start = text.index(span)
    widened = whole_answer(text, (start, start + len(span)))
    assert widened is not None
    assert text[widened[0] : widened[1]] == whole


def test_no_span_stays_none() -> None:
    assert whole_answer("Nothing here.", None) is None
