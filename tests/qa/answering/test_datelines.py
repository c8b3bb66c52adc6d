"""A news dateline is where the story was filed: the reader reads the sentence without it, and its
spans still index the whole sentence."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pytest

from index.embedding import HashingEncoder
from index.models import Article
from index.pipeline import index_articles, open_or_create
from qa.answering.datelines import body_start
from qa.answering.reader.decide import read_sentences
from qa.answering.reader.reader import Reader, Reading


@pytest.mark.parametrize(
    ("sentence", "dateline"),
    [
        ("WASHINGTON -- President Obama nominated Jim Kim on Thursday.", "WASHINGTON -- "),
        ("MEXICO CITY, Feb. 8 (UPI) — A former president spoke.", "MEXICO CITY, Feb. 8 (UPI) — "),
        ("RANGOON, Burma - Opposition allies predicted a landslide.", "RANGOON, Burma - "),
        ("LONDON, March 3, 2021 (Reuters) - The Bank kept rates.", "LONDON, March 3, 2021 (Reuters) - "),
        ("Kyiv (AFP) - Ukraine said on Monday ...", "Kyiv (AFP) - "),
        ("ST. LOUIS — A judge ruled on Friday.", "ST. LOUIS — "),
        ("Trump — the nominee — said he would win.", ""),
        ("U.S. - China talks resumed on Monday.", ""),
        ("NATO - the alliance - met in Brussels.", ""),
        ("The mayor said the bridge will reopen.", ""),
    ],
)
def test_the_dateline_of_an_opening_sentence_is_cut(sentence: str, dateline: str) -> None:
    assert sentence[: body_start(sentence, 0)] == dateline


def test_a_sentence_deeper_in_the_article_keeps_its_opening() -> None:
    assert body_start("WASHINGTON -- The talks went on.", 4) == 0


class FirstWordReader:
    """Stands in for the reader: the first word of each sentence it is given is its answer."""

    def __init__(self) -> None:
        self.sentences: list[str] = []

    def read(self, question: str, passages: Sequence[tuple[str, str]]) -> list[Reading]:
        self.sentences += [sentence for _, sentence in passages]
        return [Reading((0, sentence.index(" ")), 1.0) for _, sentence in passages]


def test_the_reader_reads_without_the_dateline_and_its_span_indexes_the_sentence(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    store = open_or_create(tmp_path / "store", fake_encoder)
    text = "WASHINGTON -- Senator Ruiz resigned on Friday.\n\nRuiz had served two terms."
    index_articles(store, fake_encoder, [Article(id="ruiz", title="Ruiz resigns", text=text)])
    sentences = store.sentences("ruiz")
    reader = FirstWordReader()
    readings = read_sentences(cast(Reader, reader), store, "Who resigned?", sentences)
    assert reader.sentences == ["Senator Ruiz resigned on Friday.", "Ruiz had served two terms."]
    cited = [s.text[r.span[0] : r.span[1]] if r.span else "" for s, r in zip(sentences, readings)]
    assert cited == ["Senator", "Ruiz"]
