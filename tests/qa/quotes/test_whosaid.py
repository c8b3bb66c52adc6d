"""Who-said questions: parsing, finding quotes by their words, a speaker's quotes by topic (a speaker's
name is resolved by the store: tests/index/test_speakers.py and test_speaker_table.py)."""

from __future__ import annotations

import difflib

import pytest

from index.models import Quote, QuoteKind
from qa.quotes.whosaid import QuoteQuery, find_quotes_by_text, order_by_topic, parse_quote_question


def _quote(
    text: str, speaker: str | None, start: int = 0, kind: QuoteKind = "direct", role: str | None = None
) -> Quote:
    return Quote("a", text, start, start + len(text), kind, speaker, speaker, "said", 0, 0, role)


QUOTES = [
    _quote(
        "Huge work has been done, absolutely selfless heroic actions,",
        "Dmitry Peskov",
        0,
        role="Kremlin spokesman",
    ),
    _quote("There is still a lot of work ahead. The main work is yet to come,", "Dmitry Peskov", 100),
    _quote("The fiercest fighting is continuing today in the area,", "Ganna Malyar", 200),
    _quote("the city had gone back and forth a number of times", "Lloyd Austin", 300, kind="indirect"),
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ('Who said "The main work is yet to come"?',
         QuoteQuery("who_said", phrase="The main work is yet to come")),
        ("Who said \u201cHuge work has been done ...\u201d?",
         QuoteQuery("who_said", phrase="Huge work has been done ...")),
        ("Who said that the city had gone back and forth?",
         QuoteQuery("who_said", phrase="the city had gone back and forth")),
        ("Who said the main work is yet to come?",
         QuoteQuery("who_said", phrase="the main work is yet to come")),
        ("What did Peskov say?", QuoteQuery("what_said", speaker="Peskov")),
        ("What did Dmitry Peskov say about Soledar?",
         QuoteQuery("what_said", speaker="Dmitry Peskov", topic="Soledar")),
        ("What did Malyar tell AFP?", QuoteQuery("what_said", speaker="Malyar")),
        ("What did the coach complain about?", QuoteQuery("what_said", speaker="the coach")),
        ("What did the mayor announce?", QuoteQuery("what_said", speaker="the mayor")),
        ("Who complained that the referee missed a foul?",
         QuoteQuery("who_said", phrase="the referee missed a foul")),
        ("What else did he say?", None),
        ("What did she say?", None),
        ("When did the fighting start?", None),
    ],
)  # fmt: skip
def test_parse_quote_question(question: str, expected: QuoteQuery | None) -> None:
    assert parse_quote_question(question) == expected


@pytest.mark.parametrize(
    ("phrase", "speaker"),
    [
        ("The main work is yet to come", "Dmitry Peskov"),
        ("Huge work has been done, absolutely ...", "Dmitry Peskov"),
        ("There is still a lot of work ahead. ... yet to come,", "Dmitry Peskov"),
        ("the fiercest fighting continues today", "Ganna Malyar"),
        ("the city has gone back and forth many times", "Lloyd Austin"),
    ],
)
def test_find_quotes_by_text_matches_exact_truncated_and_paraphrased(phrase: str, speaker: str) -> None:
    found = find_quotes_by_text(phrase, QUOTES)
    assert found and found[0][0].speaker == speaker
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)


def test_find_quotes_by_text_scores_a_contained_phrase_as_exact() -> None:
    found = find_quotes_by_text("The main work is yet to come", QUOTES)
    assert (found[0][0].start, found[0][1]) == (100, 1.0)


def test_find_quotes_by_text_returns_nothing_for_unrelated_words() -> None:
    assert find_quotes_by_text("Bananas are rich in potassium", QUOTES) == []


def test_find_quotes_by_text_can_match_the_quote_context() -> None:
    context = {0: "Kremlin spokesman Dmitry Peskov praised the heroic work of the troops."}
    found = find_quotes_by_text(
        "praised the heroic work of the troops", QUOTES, lambda q: context.get(q.start, "")
    )
    assert found[0][0].start == 0


def test_a_speakers_quotes_sharing_the_topics_words_come_first() -> None:
    peskov = [q for q in QUOTES if q.speaker == "Dmitry Peskov"]
    assert [q.start for q in order_by_topic(peskov, "main work to come")] == [100, 0]
    assert [q.start for q in order_by_topic(peskov, None)] == [0, 100]


@pytest.mark.parametrize(
    "a, b",
    [
        ("the main work is yet to come", "he said the main work was still to come"),
        ("we will not give up", "nothing in common"),
        ("aaa", "a"),
        ("", "text"),
        ("", ""),
    ],
)
def test_the_bound_that_rules_quotes_out_is_never_below_difflibs_ratio(a: str, b: str) -> None:
    from qa.quotes.whosaid import _ratio_bound

    assert _ratio_bound(a, b) >= difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def test_ruling_out_by_the_bounds_never_changes_a_score_that_reaches_the_floor() -> None:
    import random

    from qa.quotes.whosaid import _match, _ratio_bound

    words = "the main work is yet to come he said we will not give up army officials told reporters".split()
    rng = random.Random(7)
    for _ in range(500):
        a = " ".join(rng.choices(words, k=rng.randint(1, 12)))
        b = " ".join(rng.choices(words, k=rng.randint(1, 30)))
        assert _ratio_bound(a, b) >= difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), (a, b)
        score = _match([a], b)
        for floor in (0.3, 0.5, 0.7):
            # A score that reaches the floor stands; one below it may be ruled out (0.0) or not.
            expected = (score,) if score >= floor else (score, 0.0)
            assert _match([a], b, floor=floor) in expected, (a, b, floor)
