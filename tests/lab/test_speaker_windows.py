"""The speaker model's training windows: a quote's paragraphs, the quote marked, the speaker's span."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab.speaker.windows import (
    CLOSE,
    OPEN,
    Article,
    Quote,
    build_windows,
    quote_window,
    read_articles,
    split_articles,
)

TEXT = (
    "Storm closes the harbour.\n\n"
    "The ferry company cancelled every crossing on Monday.\n\n"
    "Its director, Ana Ruiz, said the waves were too high. “We will not put anyone at risk,” she added.\n\n"
    "Fishermen stayed home.\n\n"
    "Repairs will take a week.\n\n"
    "“It is the worst storm in years,” a harbour official said."
)


def _quote(text: str, speakers: tuple[str, ...], quote_type: str = "direct") -> Quote:
    start = TEXT.index(text)
    spans = tuple((TEXT.index(s), TEXT.index(s) + len(s)) for s in speakers)
    return Quote(start, start + len(text), quote_type, spans, speakers == ("she",))  # type: ignore[arg-type]


ARTICLE = Article("a1", TEXT, (_quote("We will not put anyone at risk,", ("she", "Ana Ruiz")),))


def test_the_window_is_the_quote_paragraph_with_one_on_each_side() -> None:
    [window] = build_windows([ARTICLE])
    assert window.context == (
        "The ferry company cancelled every crossing on Monday.\n\n"
        "Its director, Ana Ruiz, said the waves were too high. "
        f"“{OPEN}We will not put anyone at risk,{CLOSE}” she added.\n\nFishermen stayed home."
    )
    assert window.question == "We will not put anyone at risk,"


def test_the_markers_surround_the_quote() -> None:
    [window] = build_windows([ARTICLE])
    opened, closed = window.context.index(OPEN), window.context.index(CLOSE)
    assert window.context[opened + 1 : closed] == TEXT[window.quote_start : window.quote_end]


def test_the_nearest_annotated_speaker_is_the_answer() -> None:
    [window] = build_windows([ARTICLE])
    assert window.context[window.answer_start : window.answer_end] == "she"


def test_every_context_offset_maps_back_to_the_article() -> None:
    window = quote_window(ARTICLE, ARTICLE.quotes[0])
    markers = {window.context.index(OPEN), window.context.index(CLOSE)}
    for offset, char in enumerate(window.context):
        if offset not in markers:
            assert TEXT[window.article_offset(offset)] == char
    start, end = window.article_offset(window.answer_start), window.article_offset(window.answer_end)
    assert TEXT[start:end] == "she"


def test_a_speaker_before_the_quote_maps_back_too() -> None:
    article = Article("a1", TEXT, (_quote("We will not put anyone at risk,", ("Ana Ruiz",)),))
    [window] = build_windows([article])
    assert window.context[window.answer_start : window.answer_end] == "Ana Ruiz"
    assert window.article_offset(window.answer_start) == TEXT.index("Ana Ruiz")


@pytest.mark.parametrize("speakers", [("Its director",), ()])
def test_a_speaker_out_of_reach_or_unannotated_is_no_answer(speakers: tuple[str, ...]) -> None:
    article = Article("a1", TEXT, (_quote("It is the worst storm in years,", speakers),))
    [window] = build_windows([article])
    assert not window.has_speaker and (window.answer_start, window.answer_end) == (-1, -1)
    assert window.context.startswith("Repairs will take a week.")  # the last paragraph: one before only


def test_the_held_out_split_is_seeded_deterministic_and_disjoint() -> None:
    ids = [f"article-{n}" for n in range(200)]
    held = split_articles(ids, 0.1, seed=13)
    assert len(held) == 20 and held <= set(ids)
    assert split_articles(reversed(ids), 0.1, seed=13) == held
    assert split_articles(ids, 0.1, seed=14) != held
    fit = set(ids) - held
    assert fit and not fit & held


def test_articles_are_read_from_the_quotes_file_format(tmp_path: Path) -> None:
    row = {
        "article_id": "a1",
        "text": TEXT,
        "quotes": [
            {
                "char_span": [TEXT.index("We will"), TEXT.index("risk,") + 5],
                "quote_type": "partial",
                "speaker_span": [[TEXT.index("she"), TEXT.index("she") + 3]],
                "speaker_is_pronoun": True,
            }
        ],
    }
    file = tmp_path / "quotes.jsonl"
    file.write_text(json.dumps(row) + "\n", encoding="utf-8")
    [article] = read_articles(file)
    assert article.quotes == (_quote("We will not put anyone at risk,", ("she",), "partial"),)


def test_a_window_without_the_speakers_paragraph_has_no_answer() -> None:
    text = TEXT.replace(" said the waves were too high. ", " said the waves were too high.\n\n")
    start, name = text.index("We will"), text.index("Ana Ruiz")
    quote = Quote(start, start + 31, "direct", ((name, name + len("Ana Ruiz")),), False)
    article = Article("a2", text, (quote,))
    plain, out_of_reach = build_windows([article], out_of_reach=True)
    assert plain.context[plain.answer_start : plain.answer_end] == "Ana Ruiz"
    assert not out_of_reach.has_speaker
    assert "Ana Ruiz" not in out_of_reach.context and out_of_reach.context.endswith("Fishermen stayed home.")


def test_no_out_of_reach_window_when_the_speaker_is_in_the_quotes_paragraph() -> None:
    assert len(build_windows([ARTICLE], out_of_reach=True)) == 1
