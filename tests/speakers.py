"""Stores whose quotes are given by the test, not found by the extractor: each test article's text is
written in the test with the quotes it holds and who says them as an extractor would give them (the
article's name for the speaker, the words at the cue, the role), so that the store's speaker identity
is tested apart from the extraction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.embedding import Encoder
from index.models import Article, Quote, Sentence
from index.pipeline import index_articles, open_or_create
from index.prepare_ahead import QuoteExtractor
from index.store import Store


@dataclass(frozen=True, slots=True)
class Said:
    """A quote of a test article: its words (found in the text) and its speaker as the article gives it."""

    words: str
    speaker: str | None
    mention: str | None = None  # the words at the cue; the speaker's name when None
    role: str | None = None
    kind: str | None = None  # the speaker's kind ("person", "organisation", "source")
    quote_kind: str = "direct"  # the quote's: "direct", "mixed", "indirect"


def given_quotes(quotes: Mapping[str, Sequence[Said]]) -> QuoteExtractor:
    """An extractor that finds, in each article, the quotes `quotes` gives for its id."""

    def extract(article: Article, sentences: Sequence[Sentence]) -> list[Quote]:
        found = []
        for said in quotes.get(article.id, ()):
            start = article.text.index(said.words)
            end = start + len(said.words)
            [first, *_, last] = [s.position for s in sentences if s.start < end and start < s.end] * 2
            mention = said.mention or said.speaker
            found.append(
                Quote(
                    article.id,
                    said.words,
                    start,
                    end,
                    said.quote_kind,
                    said.speaker,
                    mention,
                    "said",
                    first,
                    last,
                    said.role,
                    said.kind,
                )
            )
        return found

    return extract


def store_with(path: Path, encoder: Encoder, articles: Sequence[tuple[Article, Sequence[Said]]]) -> Store:
    """A store at `path` (made when new) holding `articles` (added or updated) with their given quotes."""
    store = open_or_create(path, encoder)
    report = index_articles(
        store, encoder, [a for a, _ in articles], given_quotes({a.id: q for a, q in articles})
    )
    assert not report.failed, report.failed
    return store


# Five short stories and their quotes: one person under two name forms in two articles (Lomax), two
# people of one surname (the Browns), a person and a description holding his name (Blair).
BANK = Article(
    "bank",
    "Inflation steady",
    "Rachel Lomax, deputy governor of the Bank of England, spoke on Monday. "
    '"Wages are steady," Ms Lomax said.',
    published="2024-03-04",
)
RATES = Article(
    "rates",
    "Rates hold",
    'The bank kept rates where they were. "Rates will hold for now," Ms Lomax told reporters.',
    published="2024-02-01",
)
BUDGET = Article(
    "budget",
    "Budget defended",
    'Chancellor Gordon Brown defended the budget. "The budget is sound," Mr Brown said. '
    '"Growth will return," the Chancellor added.',
)
FARMS = Article("farms", "Farm aid", '"Farmers need help this winter," Nick Brown, the farm minister, said.')
LEAKS = Article(
    "leaks",
    "No comment",
    '"We do not comment on leaks," Prime Minister Tony Blair\'s official spokesman said. '
    '"The economy is strong," Tony Blair said later. "Mr Blair is confident," the spokesman added.',
)
SPOKESMAN = "Prime Minister Tony Blair's official spokesman"
STORIES: list[tuple[Article, list[Said]]] = [
    (BANK, [Said("Wages are steady,", "Rachel Lomax", "Ms Lomax", "deputy governor of the Bank of England")]),
    (RATES, [Said("Rates will hold for now,", "Lomax", "Ms Lomax")]),
    (
        BUDGET,
        [
            Said("The budget is sound,", "Gordon Brown", "Mr Brown", "Mr"),  # an honorific as the role
            Said("Growth will return,", "Gordon Brown", "the Chancellor", "Chancellor"),
        ],
    ),
    (FARMS, [Said("Farmers need help this winter,", "Nick Brown", role="farm minister")]),
    (
        LEAKS,
        [
            Said("We do not comment on leaks,", SPOKESMAN, role="President"),  # the role of someone else
            Said("The economy is strong,", "Tony Blair", role="Prime Minister"),
            Said("Mr Blair is confident,", SPOKESMAN, "the spokesman", "Mr"),
        ],
    ),
]
