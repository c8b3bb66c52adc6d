"""The library's speakers: a name resolved through the store's speakers table for the quotes listed, a
speaker's record and the speakers table, which count the same quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from qa.engine import QAEngine
from tests.speakers import SPOKESMAN, STORIES, store_with


@pytest.fixture
def engine(tmp_path: Path, fake_encoder: HashingEncoder) -> QAEngine:
    store_with(tmp_path / "store", fake_encoder, STORIES).close()
    return QAEngine(tmp_path / "store", fake_encoder)


def test_a_speakers_record_counts_what_the_speakers_table_counts(engine: QAEngine) -> None:
    for speaker in engine.store.speakers():
        record = engine.speaker_record(speaker.name)
        assert sum(len(g.quotes) for g in record) == speaker.quotes, speaker.name
        assert len(record) == speaker.articles, speaker.name
        assert {q.speaker for g in record for q in g.quotes} == {speaker.name}


def test_the_record_of_a_description_holds_none_of_the_person_it_names(engine: QAEngine) -> None:
    record = engine.speaker_record(SPOKESMAN)
    assert [q.text for g in record for q in g.quotes] == [
        "We do not comment on leaks,",
        "Mr Blair is confident,",
    ]
    assert [q.text for g in engine.speaker_record("Tony Blair") for q in g.quotes] == [
        "The economy is strong,"
    ]


def test_a_record_by_any_name_form_is_the_persons_whole_record_oldest_first(engine: QAEngine) -> None:
    record = engine.speaker_record("Ms Lomax")
    assert [(g.article_id, g.quotes[0].speaker) for g in record] == [
        ("rates", "Rachel Lomax"),
        ("bank", "Rachel Lomax"),
    ]


@pytest.mark.parametrize(
    ("name", "speakers"),
    [
        ("Tony Blair", ["Tony Blair"]),
        ("Blair", ["Tony Blair", SPOKESMAN, SPOKESMAN]),  # the person's quotes first
        ("Lomax", ["Rachel Lomax", "Rachel Lomax"]),
        ("Nick Brown", ["Nick Brown"]),
    ],
)
def test_quotes_by_a_name_are_those_of_the_speakers_it_means(
    engine: QAEngine, name: str, speakers: list[str]
) -> None:
    assert [q.speaker for q in engine.quotes(speaker=name)] == speakers


def test_no_quotes_by_a_name_names_the_speakers_of_that_surname(engine: QAEngine) -> None:
    assert engine.quotes(speaker="Jane Brown") == []
    assert engine.speaker_record("Jane Brown") == []
    assert engine.no_quotes_line("Jane Brown") == (
        "No quotes by Jane Brown; speakers with a close name: Gordon Brown, Nick Brown."
    )
