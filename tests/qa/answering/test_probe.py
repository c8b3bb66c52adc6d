"""The cited passage is read again with the question's name swapped for one it names (issue 29)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from index.models import Article
from qa.answering.reader.probe import Instead, named_instead
from qa.engine import QAEngine

# Germany's troops stand in the sentence; Poland, named in another paragraph, is the near miss's name.
BORDER = Article(
    "border",
    "Troops gather on the border",
    "Tensions rose on the border on Thursday after a week of exercises.\n\n"
    "Germany has around 12,000 troops stationed along its eastern border, according to estimates.\n\n"
    "Officials in Warsaw said Poland had protested to the ambassador.\n\n"
    "The exercises end next month.",
    published="2021-10-08",
)


@pytest.fixture(scope="module")
def engine(engine_over: Callable[..., QAEngine]) -> QAEngine:
    return engine_over(BORDER)


def _instead(engine: QAEngine, question: str, cited: str) -> Instead | None:
    """The probe on the first candidate of `question`, which must hold `cited`, at a gain of 4."""
    first = engine.answerer.read(question, None)[0]
    assert cited in first.sentence.text
    return named_instead(engine.answerer.reader, engine.store, question, first, 1, 4.0, 3)


def _answered_as_asked(engine: QAEngine, question: str) -> bool:
    """Whether `question` is answered with no note that the passage is about another name."""
    answer = engine.ask(question)
    return not answer.abstained and "reads as about" not in (answer.reason or "")


@pytest.mark.model
def test_a_passage_about_another_country_reads_as_about_it(engine: QAEngine) -> None:
    question = "How many troops does Poland have stationed along the border?"
    found = _instead(engine, question, "Germany has around 12,000 troops")
    assert found is not None and (found.asked, found.named) == ("Poland", "Germany")
    assert found.gain >= 4.0


@pytest.mark.model
def test_a_passage_about_the_country_asked_is_not_swapped(engine: QAEngine) -> None:
    question = "How many troops does Germany have stationed along the border?"
    assert _instead(engine, question, "Germany has around 12,000 troops") is None


@pytest.mark.model
def test_the_near_miss_is_declined_or_not_sure_saying_what_the_passage_is_about(engine: QAEngine) -> None:
    answer = engine.ask("How many troops does Poland have stationed along the border?")
    assert "Germany" in (answer.reason or "") and "Poland" in (answer.reason or "")
    assert answer.abstained or (answer.confidence or 0.0) < 0.5
    right = engine.ask("How many troops does Germany have stationed along the border?")
    assert not right.abstained and "12,000" in right.text


# The person asked about is named in a later paragraph; the sentence that answers calls him "him".
SENTENCING = Article(
    "sentencing",
    "Former treasurer jailed",
    "Judge Ruth Castellanos sentenced him to six years in prison on Friday.\n\n"
    "Gregory Dunmore, 54, had admitted taking money from the club over a decade.\n\n"
    "The club said it was relieved.",
    published="2021-10-08",
)


@pytest.mark.model
def test_the_answer_itself_is_never_swapped_in(engine_over: Callable[..., QAEngine]) -> None:
    engine = engine_over(SENTENCING)
    question = "Which judge sentenced Gregory Dunmore?"
    # "Which judge sentenced Ruth Castellanos?" would read as well answered: she is the answer
    assert _instead(engine, question, "Castellanos") is None
    assert _answered_as_asked(engine, question)


# The firm is named in the first paragraph; the sentence that answers calls it "the ... company".
RESULTS = Article(
    "results",
    "Corvana results",
    "Corvana beat forecasts for the third quarter, helped by demand for its cloud software.\n\n"
    "Revenue rose 18% to $4.2 billion, and the chief executive said demand was still growing. "
    "Analysts had expected $3.9 billion.\n\n"
    "Shares of the San Jose, California-based company rose 9.4% in extended trading.\n\n"
    "The results come a week after a rival cut its forecast.",
    published="2024-05-02",
)


@pytest.mark.model
def test_a_firm_the_passage_describes_is_not_swapped_for_its_town(
    engine_over: Callable[..., QAEngine],
) -> None:
    engine = engine_over(RESULTS)
    question = "How much did Corvana shares rise in extended trading?"
    # "How much did San Jose shares rise ...?" reads better, but the passage is about Corvana
    assert _instead(engine, question, "9.4%") is None
    assert _answered_as_asked(engine, question)
