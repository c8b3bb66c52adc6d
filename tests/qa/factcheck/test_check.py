"""Quote check: a pasted wording against the words of the articles, with a verdict and a word diff."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from index.errors import InputError
from index.models import Article
from qa.engine import QAEngine
from qa.factcheck.diff import align, folded_words, similarity_bound, words
from qa.formats.contract import check_record
from tests.speakers import SPOKESMAN, STORIES, Said, store_with

ARTICLE = Article(
    "resign",
    "Minister resigns",
    "The health minister resigned on Monday after a week of pressure.\n"
    '"I have done nothing wrong and I will clear my name," said Alan Johnson, the health secretary.\n'
    'His deputy, Nigel Waterson, said: "The main work is yet to come."\n'
    "Officials said the hospital budget would be cut by a tenth next year.",
    published="2024-03-02",
)


@pytest.fixture
def engine(tmp_path: Path, fake_encoder: HashingEncoder) -> QAEngine:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    engine.add_articles([ARTICLE])
    return engine


def test_the_same_words_are_exact_whatever_the_case_punctuation_and_quote_marks(engine: QAEngine) -> None:
    check = engine.check_quote("\u201ci have done nothing wrong, and I will clear my name!\u201d")
    assert check.verdict == "exact"
    best = check.matches[0]
    assert best.quote == "I have done nothing wrong and I will clear my name"
    assert ARTICLE.text[best.start : best.end] == best.quote
    assert (best.speaker, best.title, best.published) == ("Alan Johnson", "Minister resigns", "2024-03-02")
    assert {d.op for d in best.diff} == {"same"}


def test_a_misquote_is_close_and_the_diff_says_what_changed(engine: QAEngine) -> None:
    check = engine.check_quote("I did nothing wrong and I will clear my good name")
    assert check.verdict == "close"
    best = check.matches[0]
    assert best.speaker == "Alan Johnson"
    changed = [(d.op, d.text, d.original) for d in best.diff if d.op != "same"]
    assert changed == [("changed", "did", "have done"), ("added", "good", None)]
    assert 0.6 <= best.similarity < 1.0


def test_words_dropped_from_the_original_are_shown(engine: QAEngine) -> None:
    best = engine.check_quote("I have done nothing wrong and will clear my name").matches[0]
    assert [(d.op, d.text) for d in best.diff if d.op != "same"] == [("dropped", "I")]


def test_a_quote_by_someone_else_names_who_said_it(engine: QAEngine) -> None:
    check = engine.check_quote("The main work is yet to come", speaker="Alan Johnson")
    assert check.verdict == "exact"
    assert check.matches[0].speaker_matches is False
    assert check.summary.startswith(
        "Not Alan Johnson: Nigel Waterson said it, in \u201cMinister resigns\u201d"
    )


def test_the_right_speaker_is_confirmed(engine: QAEngine) -> None:
    check = engine.check_quote("the main work is yet to come", speaker="Waterson")
    assert check.matches[0].speaker_matches is True
    assert check.summary.startswith("Exact: Nigel Waterson said it")


def test_reported_speech_is_found_in_any_sentence(engine: QAEngine) -> None:
    check = engine.check_quote("the hospital budget would be cut by a tenth")
    assert check.verdict == "exact"
    assert check.matches[0].quote == "the hospital budget would be cut by a tenth"


def test_words_nobody_said_are_not_found_and_no_passage_is_offered(engine: QAEngine) -> None:
    check = engine.check_quote("We will win the war before Christmas, whatever it costs")
    assert check.verdict == "not_found"
    assert check.matches == ()
    assert check.summary == "Not found: nothing in the 1 article searched is close to these words."


@pytest.mark.parametrize("text", ["", "   ", "!!! ...", "x" * 2001])
def test_an_empty_or_huge_quote_is_refused_in_one_line(engine: QAEngine, text: str) -> None:
    with pytest.raises(InputError) as error:
        engine.check_quote(text)
    assert "\n" not in str(error.value)


def test_the_json_record_follows_the_contract(engine: QAEngine) -> None:
    record = check_record(engine.check_quote("I did nothing wrong and I will clear my name", "Johnson"))
    assert set(record) == {"verdict", "query", "speaker_asked", "summary", "matches"}
    assert (record["verdict"], record["speaker_asked"]) == ("close", "Johnson")
    match = record["matches"][0]
    assert set(match) == {
        "quote", "speaker", "article_id", "title", "published", "start", "end", "similarity",
        "speaker_matches", "diff",
    }  # fmt: skip
    assert match["speaker_matches"] is True
    assert {"op": "changed", "text": "did", "original": "have done"} in match["diff"]


def test_alignment_compares_a_short_quote_with_its_own_stretch_of_a_long_sentence() -> None:
    sentence = "After the vote, the mayor said the city would never give up on the harbour plan."
    alignment = align(words("the city would never give up"), sentence)
    assert alignment is not None
    assert sentence[alignment.start : alignment.end] == "the city would never give up"
    assert alignment.exact


def test_a_speakers_record_runs_oldest_article_first_and_undated_last(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    said = 'Mayor Ann Fry said: "{}"\nFry added that talks would go on.'
    engine.add_articles(
        [
            Article(
                "later", "Harbour plan approved", said.format("The plan is approved."), published="2024-06-01"
            ),
            Article("undated", "Harbour plan explained", said.format("The plan is simple.")),
            Article(
                "earlier", "Harbour plan drafted", said.format("The plan is drafted."), published="2023-11-20"
            ),
        ]
    )
    record = engine.speaker_record("Ann Fry")
    assert [g.article_id for g in record] == ["earlier", "later", "undated"]
    assert [g.published for g in record] == ["2023-11-20", "2024-06-01", ""]
    assert all(q.speaker == "Ann Fry" for g in record for q in g.quotes)
    assert record[0].quotes[0].text == "The plan is drafted."


def test_no_alignment_is_more_alike_than_its_bound() -> None:
    import random

    rng = random.Random(5)
    vocabulary = "the minister said we will never give up on the people of this town again".split()
    for _ in range(300):
        pasted = words(" ".join(rng.choices(vocabulary, k=rng.randint(3, 12))))
        passage = " ".join(rng.choices(vocabulary, k=rng.randint(3, 20)))
        alignment = align(pasted, passage)
        bound = similarity_bound(Counter(w.folded for w in pasted), folded_words(passage))
        assert (alignment.similarity if alignment else 0.0) <= bound + 1e-4  # similarity is rounded
    # The bound is reached by a passage that holds the pasted words as they stand.
    pasted = Counter(w.folded for w in words("We will never give up."))
    assert similarity_bound(pasted, folded_words("And we will never give up, he said.")) == pytest.approx(
        2 * 5 / 10
    )


def test_who_said_it_is_the_speakers_name_across_the_store_never_a_bare_role(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    hustings = Article(
        "hustings",
        "Hustings",
        'The debate was short. "The tax is unfair," the Shadow Secretary said. "We will fight it," he added.',
    )
    store_with(
        tmp_path / "store",
        fake_encoder,
        [*STORIES, (hustings, [Said("The tax is unfair,", "Shadow Secretary", "the Shadow Secretary")])],
    ).close()
    engine = QAEngine(tmp_path / "store", fake_encoder)
    lomax = engine.check_quote("Rates will hold for now", speaker="Charles Kennedy")
    # "Ms Lomax" in that article: the speaker is Rachel Lomax, the one Lomax of the store.
    assert (
        lomax.summary == "Not Charles Kennedy: Rachel Lomax said it, in \u201cRates hold\u201d (2024-02-01)."
    )
    assert (
        engine.check_quote("Rates will hold for now", speaker="Ms Lomax").matches[0].speaker_matches is True
    )
    unnamed = engine.check_quote("The tax is unfair", speaker="Charles Kennedy")
    assert unnamed.summary == (
        "Not Charles Kennedy: someone described only as \u201cShadow Secretary\u201d said it, "
        "in \u201cHustings\u201d."
    )


def test_a_description_holding_a_name_is_not_that_person_in_a_check(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    store_with(tmp_path / "store", fake_encoder, STORIES).close()
    engine = QAEngine(tmp_path / "store", fake_encoder)
    check = engine.check_quote("We do not comment on leaks", speaker="Tony Blair")
    assert check.matches[0].speaker_matches is False
    assert check.summary.startswith(f"Not Tony Blair: {SPOKESMAN} said it")
