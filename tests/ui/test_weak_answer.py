"""An answer under 50% bolds no span anywhere it is shown; its JSON record keeps it (issue 29)."""

from __future__ import annotations

import pytest

from index.models import Sentence
from qa.formats.contract import answer_record
from qa.formats.export import export_answer
from qa.models import Answer, Citation
from ui.render import render_answer_markdown

TEXT = "The bridge will reopen on 12 May after repairs."


def _answer(confidence: float) -> Answer:
    sentence = Sentence("a1", 0, 0, len(TEXT), TEXT)
    at = TEXT.index("12 May")
    citation = Citation(1, sentence, "Bridge", 1.0, (at, at + len("12 May")))
    return Answer("When will the bridge reopen?", f"{TEXT} [1]", (citation,), False, confidence=confidence)


@pytest.mark.parametrize(("confidence", "bold"), [(0.49, False), (0.5, True), (0.9, True)])
def test_a_span_is_bold_only_from_50_percent(confidence: float, bold: bool) -> None:
    answer = _answer(confidence)
    assert ("<strong>12 May</strong>" in render_answer_markdown(answer)) is bold
    assert ("**12 May**" in export_answer(answer, lambda _: None, "md")) is bold
    assert answer_record(answer)["citations"][0]["span"] == "12 May"
