"""Which sentences an answer cites: the body before a headline that says the same, one copy of an
article, later sentences only when they support the answer (else related), two of a paragraph."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedding import Encoder
from index.models import Article, Sentence
from qa.answering.citations import SpanOf, cite_one_copy, is_headline, select_citations
from qa.answering.compose import compose_answer
from qa.answering.sentences import ScoredSentence
from qa.engine import QAEngine
from qa.formats.contract import answer_record
from qa.models import Answer, Citation

TITLE = "Harbour bridge to reopen in May"
QUESTION = "When will the Harbour bridge reopen?"


def sentence(article_id: str, position: int, text: str, paragraph: int | None = None) -> Sentence:
    start = position * 1000  # offsets are not read here
    para = position if paragraph is None else paragraph
    return Sentence(article_id, position, start, start + len(text), text, para)


def scored(s: Sentence, score: float) -> ScoredSentence:
    return ScoredSentence(s, score, 0.0, 0.0, 0.0)


HEADLINE = sentence("bridge", 0, TITLE)
BODY = sentence("bridge", 1, "The Harbour bridge will reopen on 12 May, the city council said on Tuesday.")
FERRIES = sentence("bridge", 4, "Ferries will run every ten minutes while the bridge is shut.")
DATE = sentence("bridge", 6, "Drivers were told the crossing opens again on 12 May.")


def spans(*found: tuple[Sentence, str]) -> dict[tuple[str, int], tuple[int, int]]:
    out = {}
    for s, words in found:
        at = s.text.index(words)
        out[(s.article_id, s.position)] = (at, at + len(words))
    return out


def span_of(found: dict[tuple[str, int], tuple[int, int]]) -> SpanOf:
    return lambda s: found.get((s.article_id, s.position))


def texts(selected: tuple[ScoredSentence, ...]) -> list[str]:
    return [c.sentence.text for c in selected]


def test_a_headline_is_a_first_sentence_that_says_the_title() -> None:
    assert is_headline(HEADLINE, TITLE)
    assert not is_headline(BODY, TITLE)
    assert not is_headline(sentence("bridge", 0, "The council met on Tuesday."), TITLE)
    assert is_headline(HEADLINE, "Bridge news: a date at last")  # a copy under another title


def test_a_body_sentence_that_says_what_the_headline_says_is_cited_instead_of_it() -> None:
    found = spans((HEADLINE, "May"), (BODY, "12 May"))
    chosen = select_citations(
        QUESTION, [scored(HEADLINE, 0.9), scored(BODY, 0.8)], {"bridge": TITLE}, 3, 0.25, span_of(found)
    )
    assert texts(chosen.cited) == [BODY.text]
    assert chosen.related == ()


def test_a_headline_stays_first_when_no_body_sentence_says_the_same() -> None:
    found = spans((HEADLINE, "May"), (FERRIES, "ten minutes"))
    chosen = select_citations(
        QUESTION, [scored(HEADLINE, 0.9), scored(FERRIES, 0.8)], {"bridge": TITLE}, 3, 0.25, span_of(found)
    )
    assert texts(chosen.cited) == [TITLE]
    assert texts(chosen.related) == [FERRIES.text]


def test_a_later_sentence_is_cited_when_it_holds_the_answer_and_listed_as_related_when_not() -> None:
    found = spans((BODY, "12 May"), (FERRIES, "every ten minutes"), (DATE, "12 May"))
    ranked = [scored(BODY, 0.9), scored(FERRIES, 0.7), scored(DATE, 0.6)]
    chosen = select_citations(QUESTION, ranked, {"bridge": TITLE}, 3, 0.25, span_of(found))
    assert texts(chosen.cited) == [BODY.text, DATE.text]
    assert texts(chosen.related) == [FERRIES.text]


def test_a_later_sentence_with_another_answer_of_its_own_is_related_not_cited() -> None:
    # it holds the question's words and the reader found an answer in it, but another one: it does
    # not support "12 May" (on the news questions such citations held a right answer 0 times in 40)
    closed = sentence("bridge", 7, "The Harbour bridge was closed to reopen after repairs in 2023.")
    found = spans((BODY, "12 May"), (closed, "2023"))
    chosen = select_citations(QUESTION, [scored(BODY, 0.9), scored(closed, 0.8)], {}, 3, 0.25, span_of(found))
    assert (texts(chosen.cited), texts(chosen.related)) == ([BODY.text], [closed.text])
    # with no answer words in the first, a sentence holding most of the question's words and an answer
    # of its own still supports it
    chosen = select_citations(
        QUESTION, [scored(FERRIES, 0.9), scored(closed, 0.8)], {}, 3, 0.25, span_of(spans((closed, "2023")))
    )
    assert texts(chosen.cited) == [FERRIES.text, closed.text]


def test_a_sentence_with_none_of_the_questions_words_is_neither_cited_nor_related() -> None:
    thanks = sentence("bridge", 9, "The mayor thanked the volunteers on Sunday.")
    found = spans((BODY, "12 May"), (thanks, "Sunday"))
    chosen = select_citations(QUESTION, [scored(BODY, 0.9), scored(thanks, 0.8)], {}, 3, 0.25, span_of(found))
    assert (texts(chosen.cited), chosen.related) == ([BODY.text], ())


def test_a_sentence_under_the_floor_is_neither_cited_nor_related() -> None:
    ranked = [scored(BODY, 0.9), scored(FERRIES, 0.1)]
    chosen = select_citations(QUESTION, ranked, {}, 3, 0.25, span_of(spans((BODY, "12 May"))))
    assert (texts(chosen.cited), chosen.related) == ([BODY.text], ())


def test_another_copy_of_a_cited_article_is_not_cited_again() -> None:
    copy_body = sentence("bridge-copy", 1, BODY.text)
    copy_date = sentence("bridge-copy", 6, DATE.text.replace("Drivers", "Motorists"))
    found = spans((BODY, "12 May"), (copy_body, "12 May"), (copy_date, "12 May"))
    ranked = [scored(BODY, 0.9), scored(copy_body, 0.9), scored(copy_date, 0.8)]
    chosen = select_citations(
        QUESTION, ranked, {}, 3, 0.25, span_of(found), originals={"bridge-copy": "bridge"}
    )
    assert [(c.sentence.article_id, c.sentence.position) for c in chosen.cited] == [("bridge", 1)]


def test_at_most_two_sentences_of_one_paragraph() -> None:
    first, second, third = (
        sentence("bridge", n, text, paragraph=2)
        for n, text in enumerate(
            [
                "The bridge reopens on 12 May.",
                "Tolls return on 12 May as well.",
                "Buses use the bridge again from 12 May.",
            ],
            start=5,
        )
    )
    found = spans((first, "12 May"), (second, "12 May"), (third, "12 May"))
    ranked = [scored(first, 0.9), scored(second, 0.8), scored(third, 0.7)]
    chosen = select_citations(QUESTION, ranked, {}, 3, 0.25, span_of(found))
    assert texts(chosen.cited) == [first.text, second.text]


def test_the_json_answer_lists_related_sentences_apart_from_the_citations() -> None:
    found = spans((HEADLINE, "May"), (BODY, "12 May"), (FERRIES, "every ten minutes"))
    answer = compose_answer(
        QUESTION,
        [scored(HEADLINE, 0.95), scored(BODY, 0.9), scored(FERRIES, 0.7)],
        {"bridge": TITLE},
        {},
        threshold=0.0,
        support_threshold=0.25,
        find_span=span_of(found),
    )
    record = answer_record(answer)
    assert [(c["n"], c["sentence"], c["span"]) for c in record["citations"]] == [(1, BODY.text, "12 May")]
    assert [(c["n"], c["sentence"], c["span"]) for c in record["related"]] == [(2, FERRIES.text, None)]
    assert record["answer"] == f"{BODY.text} [1]"


def test_quote_answers_cite_one_copy_of_an_article_renumbered() -> None:
    copy = sentence("bridge-copy", 1, BODY.text)
    answer = Answer(
        "What did the council say?",
        "",
        (Citation(1, BODY, "", 1.0), Citation(2, copy, "", 1.0), Citation(3, FERRIES, "", 1.0)),
        abstained=False,
    )
    kept = cite_one_copy(answer, {"bridge-copy": "bridge"})
    assert [(c.n, c.sentence.article_id, c.sentence.position) for c in kept.citations] == [
        (1, "bridge", 1),
        (2, "bridge", 4),
    ]
    assert kept.text == f"{BODY.text} [1] {FERRIES.text} [2]"


BRIDGE = (
    f"{TITLE}\n\n"
    "The Harbour bridge will reopen on 12 May, the city council said on Tuesday.\n\n"
    "Repairs to the deck began in January after a lorry struck a support. "
    "Engineers found cracks in two of the steel beams.\n\n"
    "The council said the work would cost about 4 million pounds.\n\n"
    "Ferries will run every ten minutes until the bridge reopens."
)


@pytest.mark.model
def test_a_page_with_its_headline_and_a_copy_cites_the_body_sentence_once(
    real_encoder: Encoder, tmp_path: Path
) -> None:
    engine = QAEngine(tmp_path / "store", real_encoder)
    engine.add_articles(
        [
            Article("bridge", TITLE, BRIDGE, url="https://example.org/news/bridge"),
            Article("bridge-again", "Harbour bridge: reopening date", BRIDGE.replace("\n\n", "\n")),
        ]
    )
    assert engine.store.originals(["bridge", "bridge-again"]) == {"bridge-again": "bridge"}
    answer = engine.ask(QUESTION)
    assert not answer.abstained, answer.reason
    first = answer.citations[0]
    assert first.sentence.text.startswith("The Harbour bridge will reopen on 12 May")
    assert "12 May" in (first.span_text or "")
    cited = [*answer.citations, *answer.related]
    assert TITLE not in [c.sentence.text for c in cited]
    assert len({c.sentence.article_id for c in cited}) == 1


def test_a_headline_later_in_the_list_gives_way_to_its_body_sentence_too() -> None:
    other = sentence("ferry", 3, "Ferry operators expect more passengers until the Harbour bridge reopens.")
    found = spans((other, "until the Harbour bridge reopens"), (HEADLINE, "May"), (BODY, "12 May"))
    ranked = [scored(other, 0.9), scored(HEADLINE, 0.8), scored(BODY, 0.3)]
    chosen = select_citations(QUESTION, ranked, {"bridge": TITLE}, 3, 0.25, span_of(found))
    assert [*texts(chosen.cited), *texts(chosen.related)] == [other.text, BODY.text]


def test_a_later_sentence_holding_the_answer_with_its_accents_supports_it() -> None:
    first = sentence("wall", 2, "\u201cWe will not pay for the wall,\u201d Calderon told CNBC on Saturday.")
    again = sentence("interview", 7, "Calder\u00f3n repeated in an interview that Mexico would not pay.")
    found = spans((first, "Calderon"))
    ranked = [scored(first, 0.9), scored(again, 0.6)]
    chosen = select_citations("Who said Mexico would not pay?", ranked, {}, 3, 0.25, span_of(found))
    assert texts(chosen.cited) == [first.text, again.text]
