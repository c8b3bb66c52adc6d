"""What-did-X-say questions: the quote of the person asked about, the topic choosing among their quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from index.models import Article
from qa.engine import QAEngine
from qa.quotes.whosaid import QuoteQuery, parse_quote_question
from tests.speakers import Said, store_with

# Two people quoted on the same topic (the harbour bridge) in one article, one of them also on another
# topic in a second article.
BRIDGE = Article(
    "bridge",
    "Harbour bridge to close for repairs",
    "The harbour bridge will close for six weeks of repairs, the council said on Monday. "
    '"The bridge repairs cannot wait any longer," said council engineer Maria Lopez. '
    'Shop owner Tom Hardy disagreed. "Closing the bridge in summer will ruin the harbour shops," he said.',
    published="2024-05-06",
)
FESTIVAL = Article(
    "festival",
    "Jazz festival returns",
    "The jazz festival returns to the old town in July. "
    '"We expect twice as many visitors as last year," said Tom Hardy, who chairs the traders group.',
    published="2024-05-07",
)
STORIES = [
    (
        BRIDGE,
        [
            Said("The bridge repairs cannot wait any longer,", "Maria Lopez", role="council engineer"),
            Said("Closing the bridge in summer will ruin the harbour shops,", "Tom Hardy", mention="he"),
        ],
    ),
    (FESTIVAL, [Said("We expect twice as many visitors as last year,", "Tom Hardy")]),
]


@pytest.fixture
def engine(tmp_path: Path, fake_encoder: HashingEncoder) -> QAEngine:
    store_with(tmp_path / "store", fake_encoder, STORIES).close()
    return QAEngine(tmp_path / "store", fake_encoder)


@pytest.mark.parametrize(
    ("question", "speaker", "quote"),
    [
        (
            "What did shop owner Tom Hardy say about closing the harbour bridge?",
            "Tom Hardy",
            "Closing the bridge in summer will ruin the harbour shops",
        ),
        (
            "What did Maria Lopez say about the harbour bridge repairs?",
            "Maria Lopez",
            "The bridge repairs cannot wait any longer",
        ),
        (
            "What did Tom Hardy tell reporters about the jazz festival visitors?",
            "Tom Hardy",
            "We expect twice as many visitors as last year",
        ),
    ],
)
def test_what_did_x_say_about_a_topic_cites_the_quote_of_that_person_on_it(
    engine: QAEngine, question: str, speaker: str, quote: str
) -> None:
    first = engine.ask(question).citations[0]
    assert first.speaker == speaker
    assert first.span is not None
    assert first.sentence.text[first.span[0] : first.span[1]].rstrip(",") == quote


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "What did Mitt Romney say in May about the tax returns?",
            QuoteQuery("what_said", speaker="Mitt Romney", topic="the tax returns"),
        ),
        (
            "What did Ana Ruiz tell Breitbart News about her campaign?",
            QuoteQuery("what_said", speaker="Ana Ruiz", topic="her campaign"),
        ),
        (
            "In an interview with AFP, what did Ana Ruiz say about the strike?",
            QuoteQuery("what_said", speaker="Ana Ruiz", topic="the strike"),
        ),
        (
            "What did Ana Ruiz say the council would have to do?",
            QuoteQuery("what_said", speaker="Ana Ruiz", topic="the council would have to do"),
        ),
        (
            "How did Ana Ruiz respond when asked about the strike?",
            QuoteQuery("what_said", speaker="Ana Ruiz", topic="the strike"),
        ),
        (
            "To what did Ana Ruiz compare the strike?",
            QuoteQuery("what_said", speaker="Ana Ruiz", topic="the strike"),
        ),
        (
            "What did Ana Ruiz ask of her supporters?",
            QuoteQuery("what_said", speaker="Ana Ruiz", topic="her supporters"),
        ),
    ],
)
def test_what_said_questions_as_news_readers_ask_them(question: str, expected: QuoteQuery) -> None:
    assert parse_quote_question(question) == expected


def test_a_speaker_never_quoted_on_the_topic_is_not_answered_from_their_other_quotes(
    engine: QAEngine,
) -> None:
    answer = engine.ask("What did Maria Lopez say about the jazz festival visitors?")
    cited = [c.sentence.text for c in answer.citations]
    assert not any("bridge repairs cannot wait" in text for text in cited)


def test_the_speakers_own_words_come_before_the_writers_account_of_them(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    # One sentence, two quotes of one speaker on one topic: the writer's account of what she said and
    # her own quoted words. "What did X say" asks for her words.
    strike = Article(
        "strike",
        "Bus drivers strike",
        "Bus drivers walked out on Monday. "
        'Ana Ruiz said the council had ignored the drivers, and the strike "will go on until we are heard," '
        "she added.",
        published="2024-05-06",
    )
    said = [
        Said("the council had ignored the drivers", "Ana Ruiz", quote_kind="indirect"),
        Said("will go on until we are heard", "Ana Ruiz", mention="she", quote_kind="mixed"),
    ]
    store_with(tmp_path / "store", fake_encoder, [(strike, said)]).close()
    first = (
        QAEngine(tmp_path / "store", fake_encoder).ask("What did Ana Ruiz say about the strike?").citations[0]
    )
    assert first.span is not None
    assert first.sentence.text[first.span[0] : first.span[1]] == "will go on until we are heard"


def test_a_quote_is_scored_as_well_as_the_account_of_it_that_leads_into_it(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    # The writer sums up what she said after a sentence in the question's words; her own words follow
    # in the next sentence and share none of them.
    swap = Article(
        "swap",
        "Prisoner exchange",
        "Ana Ruiz spoke about the released prisoners on Sunday. "
        "Ana Ruiz said the released prisoners were close to finishing their sentences. "
        '"What we gave up were people about to get out anyway," she told reporters.',
        published="2024-05-06",
    )
    said = [
        Said(
            "the released prisoners were close to finishing their sentences",
            "Ana Ruiz",
            quote_kind="indirect",
        ),
        Said("What we gave up were people about to get out anyway,", "Ana Ruiz", mention="she"),
    ]
    store_with(tmp_path / "store", fake_encoder, [(swap, said)]).close()
    answer = QAEngine(tmp_path / "store", fake_encoder).ask(
        "What did Ana Ruiz say about the released prisoners?"
    )
    first = answer.citations[0]
    assert first.span is not None
    assert first.sentence.text[first.span[0] : first.span[1]].startswith("What we gave up")
