"""Who-said questions and their follow-ups name a speaker through the store's speakers table."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from qa.engine import QAEngine
from qa.models import Turn
from tests.speakers import SPOKESMAN, STORIES, store_with


@pytest.fixture
def engine(tmp_path: Path, fake_encoder: HashingEncoder) -> QAEngine:
    store_with(tmp_path / "store", fake_encoder, STORIES).close()
    return QAEngine(tmp_path / "store", fake_encoder)


def speakers(engine: QAEngine, question: str, history: list[Turn] | None = None) -> list[str | None]:
    return [c.speaker for c in engine.ask(question, history or []).citations]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did Tony Blair say?", ["Tony Blair"]),  # not his spokesman
        (f"What did {SPOKESMAN} say?", [SPOKESMAN, SPOKESMAN]),  # not Blair
        ("What did Ms Lomax say?", ["Rachel Lomax", "Rachel Lomax"]),  # both articles
        ("What did the farm minister say?", ["Nick Brown"]),
        ("What did Blair say?", ["Tony Blair", SPOKESMAN, SPOKESMAN]),  # the person first
    ],
)
def test_what_did_x_say_gives_the_quotes_of_the_speaker_meant(
    engine: QAEngine, question: str, expected: list[str]
) -> None:
    assert speakers(engine, question) == expected


def test_what_else_did_he_say_stays_with_the_person_not_a_description_of_him(engine: QAEngine) -> None:
    first = engine.ask("What did Tony Blair say?")
    follow_up = engine.ask("What else did he say?", [Turn("What did Tony Blair say?", first)])
    assert follow_up.abstained
    assert follow_up.reason.startswith("Tony Blair says nothing else")
