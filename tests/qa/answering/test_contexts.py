"""The reader's context on news: a paragraph of one sentence runs on into the next paragraph, so it is
the context of that paragraph's first sentence; a longer paragraph before is a new topic. The sentence
before, read as context, is a candidate itself when its span reads nearly as well."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from index.models import Article, Sentence
from index.pipeline import index_articles, open_or_create
from index.store import Store
from qa.answering.reader.decide import ReadCandidate, ReaderSettings, answers_before, contexts
from qa.answering.reader.reader import Reading
from qa.answering.sentences import ScoredSentence

NEWS = (
    "Maria Ortiz has presented the evening news on Canal Sur for two decades.\n\n"
    "She has anchored the programme since 2004, drawing a million viewers.\n\n"
    "The channel was founded in 1989. It broadcasts from Seville.\n\n"
    "Its studios moved in 2010."
)


@pytest.fixture
def store(tmp_path: Path, fake_encoder: HashingEncoder) -> Store:
    store = open_or_create(tmp_path / "store", fake_encoder)
    index_articles(store, fake_encoder, [Article(id="anchor", title="Anchor", text=NEWS)])
    return store


def test_a_one_sentence_paragraph_is_the_context_of_the_next_by_default(store: Store) -> None:
    sentences = store.sentences("anchor")
    found = contexts(store, sentences, ReaderSettings().short_paragraph)
    texts = [None if s is None else s.text for s in found]
    assert texts == [
        None,
        "Maria Ortiz has presented the evening news on Canal Sur for two decades.",
        "She has anchored the programme since 2004, drawing a million viewers.",
        "The channel was founded in 1989.",
        None,  # the paragraph before has two sentences: a new topic
    ]


def test_with_no_short_paragraph_only_the_same_paragraph_is_context(store: Store) -> None:
    found = contexts(store, store.sentences("anchor"), 0)
    assert [None if s is None else s.text for s in found] == [
        None,
        None,
        None,
        "The channel was founded in 1989.",
        None,
    ]


def _read(position: int, margin: float, before_margin: float) -> tuple[ReadCandidate, Sentence]:
    sentence = Sentence("a", position, 0, 20, f"Sentence {position} here.")
    previous = Sentence("a", position - 1, 0, 20, f"Sentence {position - 1} here.")
    reading = Reading((0, 8), margin, Reading((0, 8), before_margin))
    return ReadCandidate(ScoredSentence(sentence, 0.5, 0.0, 0.0, 0.0), reading), previous


def test_a_sentence_before_reading_a_little_weaker_still_becomes_a_candidate() -> None:
    over = ReaderSettings().before_over
    assert over is not None
    close = _read(5, 3.0, 2.5)  # the sentence before reads 0.5 weaker: a candidate by default
    far = _read(9, 3.0, 1.0)  # 2.0 weaker: not
    found = answers_before([close, far], over)
    assert sorted(c.sentence.position for c in found) == [4, 5, 9]
