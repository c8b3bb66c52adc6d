"""The speaker model as the extractor runs it: a quote's window in, the speaker's words out."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from index.errors import ModelError
from index.models import Article
from index.sentences import split_sentences
from qa.quotes import extract_quotes
from qa.quotes.extraction.speaker_model import (
    CLOSE,
    MODEL_DIR,
    MODEL_FILE,
    OPEN,
    QuoteWindow,
    SpeakerGuess,
    SpeakerModel,
    mark_quote,
)

TEXT = (
    "The ferry company cancelled every crossing on Monday.\n\n"
    "Its director, Ana Ruiz, spoke to reporters at the port. "
    "\u201cWe will not put anyone at risk,\u201d she added.\n\n"
    "Fishermen stayed home."
)


def _window(quote: str) -> QuoteWindow:
    start = TEXT.index(quote)
    return QuoteWindow(0, len(TEXT), start, start + len(quote))


def test_the_window_marks_the_quote_and_maps_back_to_the_article() -> None:
    window = _window("We will not put anyone at risk,")
    context = mark_quote(TEXT, window.start, window.end, window.quote_start, window.quote_end)
    assert context[context.index(OPEN) + 1 : context.index(CLOSE)] == "We will not put anyone at risk,"
    markers = {context.index(OPEN), context.index(CLOSE)}
    assert all(TEXT[window.article_offset(i)] == c for i, c in enumerate(context) if i not in markers)


@pytest.fixture(scope="module")
def model() -> SpeakerModel:
    return SpeakerModel()


def test_the_model_finds_the_speakers_words_outside_the_quote(model: SpeakerModel) -> None:
    [guess] = model.find(TEXT, [_window("We will not put anyone at risk,")])
    assert guess.span is not None and guess.margin > 0
    assert TEXT[guess.span[0] : guess.span[1]] in ("she", "Ana Ruiz")


def test_a_quote_with_no_one_in_reach_gets_a_lower_margin(model: SpeakerModel) -> None:
    text = (
        "Storm warning.\n\n\u201cThe sea will rise by two metres tonight and tomorrow.\u201d\n\n"
        "Boats stay in."
    )
    start = text.index("The sea")
    quote = QuoteWindow(0, len(text), start, text.index("\u201d"))
    [alone] = model.find(text, [quote])
    [named] = model.find(TEXT, [_window("We will not put anyone at risk,")])
    assert alone.margin < named.margin


def test_a_missing_or_damaged_model_file_says_how_to_restore_it(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"speaker model file .* is missing; restore it with `git checkout"):
        SpeakerModel(tmp_path).load()
    shutil.copy(MODEL_DIR / "tokenizer.json", tmp_path)
    (tmp_path / MODEL_FILE).write_bytes(b"not a model")
    with pytest.raises(ModelError, match=r"speaker model in .* is damaged"):
        SpeakerModel(tmp_path).load()


class _CountingModel(SpeakerModel):
    """The shipped model, recording which quotes it was asked to read."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def find(self, text: str, windows: Sequence[QuoteWindow]) -> list[SpeakerGuess]:
        self.read += [text[w.quote_start : w.quote_end] for w in windows]
        return super().find(text, windows)


def test_the_model_reads_only_quotes_whose_own_cue_names_no_one() -> None:
    text = (
        "Port closed.\n\n"
        "\u201cWe will not put anyone at risk,\u201d said Ana Ruiz, the ferry company's director.\n\n"
        "\u201cThe crossings resume when the wind drops below gale force.\u201d\n\n"
        "Fishermen stayed home."
    )
    article = Article(id="a", title="", text=text)
    counting = _CountingModel()
    quotes = extract_quotes(article, split_sentences("a", text), model=counting)
    assert counting.read == ["The crossings resume when the wind drops below gale force."]
    assert [q.speaker for q in quotes if q.kind == "direct"] == ["Ana Ruiz", "Ana Ruiz"]


def test_a_whole_statement_linked_to_a_cue_naming_someone_is_not_read_but_a_fragment_is() -> None:
    text = (
        "Port closed.\n\n"
        "\u201cWe will not put anyone at risk,\u201d said Ana Ruiz, the ferry company's director. "
        "\u201cThe crossings resume when the wind drops.\u201d "
        "The crossings stay \u201csuspended until further notice\u201d for now.\n\n"
        "Fishermen stayed home."
    )
    article = Article(id="a", title="", text=text)
    counting = _CountingModel()
    quotes = extract_quotes(article, split_sentences("a", text), model=counting)
    # The first quote's own cue names her, the second is a whole statement linked to that cue; only the
    # fragment, whose speaker a linked cue names less surely, is read.
    assert counting.read == ["suspended until further notice"]
    assert [(q.kind, q.speaker) for q in quotes] == [
        ("direct", "Ana Ruiz"),
        ("direct", "Ana Ruiz"),
        ("mixed", "Ana Ruiz"),
    ]
