"""One identity per speaker across a real store (`index.speaker_table`): name forms of two articles are
one speaker, two people of one surname stay two, a description holding a name is not that person; the
table stays right as articles are removed and added again; a typed name resolves exact names first."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from index.models import Article, Speaker
from index.pipeline import remove_articles
from index.store import Store
from tests.speakers import FARMS, SPOKESMAN, STORIES, Said, store_with

TALKS = Article("talks", "Talks", 'The talks ran late. "Talks went well," Brown said.')


@pytest.fixture
def store(tmp_path: Path, fake_encoder: HashingEncoder) -> Store:
    return store_with(tmp_path / "store", fake_encoder, STORIES)


def table(store: Store) -> dict[str, tuple[str, set[str], tuple[str, ...], int, int]]:
    """Name -> (kind, aliases, roles, quotes, articles) of every speaker."""
    return {s.name: (s.kind, set(s.aliases), s.roles, s.quotes, s.articles) for s in store.speakers()}


def test_each_speaker_is_one_identity_across_the_articles(store: Store) -> None:
    assert table(store) == {
        "Rachel Lomax": (
            "person",
            {"Rachel Lomax", "Ms Lomax", "Lomax"},
            ("deputy governor of the Bank of England",),
            2,
            2,
        ),
        "Gordon Brown": ("person", {"Gordon Brown", "Mr Brown"}, ("Chancellor",), 2, 1),
        "Nick Brown": ("person", {"Nick Brown"}, ("farm minister",), 1, 1),
        "Tony Blair": ("person", {"Tony Blair"}, ("Prime Minister",), 1, 1),
        SPOKESMAN: ("source", {SPOKESMAN}, (), 2, 1),
    }
    # Every quote points at its speaker, under the canonical name, with no honorific as its role.
    assert {
        (q.article_id, q.speaker, q.role) for q in store.quotes() if q.article_id in ("rates", "budget")
    } == {
        ("rates", "Rachel Lomax", None),
        ("budget", "Gordon Brown", None),
        ("budget", "Gordon Brown", "Chancellor"),
    }
    assert {q.speaker_kind for q in store.quotes() if q.speaker == SPOKESMAN} == {"source"}


def test_the_table_counts_the_quotes_each_speaker_has(store: Store) -> None:
    for speaker in store.speakers():
        quotes = store.speaker_quotes([speaker.id])
        assert {q.speaker for q in quotes} == {speaker.name}
        assert (len(quotes), len({q.article_id for q in quotes})) == (speaker.quotes, speaker.articles)
    assert sum(s.quotes for s in store.speakers()) == len(store.quotes())


def test_a_bare_surname_is_its_own_speaker_while_two_people_bear_it_and_joins_the_one_left(
    store: Store, tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    store_with(store.path, fake_encoder, [(TALKS, [Said("Talks went well,", "Brown")])])
    assert table(store)["Brown"] == ("person", {"Brown"}, (), 1, 1)
    remove_articles(store, [FARMS.id])
    assert "Brown" not in table(store) and "Nick Brown" not in table(store)
    assert table(store)["Gordon Brown"] == (
        "person",
        {"Gordon Brown", "Mr Brown", "Brown"},
        ("Chancellor",),
        3,
        2,
    )
    farms = next(said for article, said in STORIES if article.id == FARMS.id)
    store_with(store.path, fake_encoder, [(FARMS, farms)])  # Nick Brown is back: "Brown" is unsure again
    assert (table(store)["Gordon Brown"][3], table(store)["Brown"][3], table(store)["Nick Brown"][3]) == (
        2,
        1,
        1,
    )


def test_a_bare_surname_whose_role_agrees_joins_that_person(
    store: Store, fake_encoder: HashingEncoder
) -> None:
    store_with(store.path, fake_encoder, [(TALKS, [Said("Talks went well,", "Brown", role="Chancellor")])])
    assert "Brown" not in table(store)
    assert table(store)["Gordon Brown"][3:] == (3, 2)


def test_an_updated_article_renames_its_speaker_everywhere(
    store: Store, fake_encoder: HashingEncoder
) -> None:
    bank = next(article for article, _ in STORIES if article.id == "bank")
    changed = Article(bank.id, bank.title, bank.text + " Ms Lomax left early.")
    store_with(store.path, fake_encoder, [(changed, [Said("Wages are steady,", "Lomax", "Ms Lomax")])])
    # No full name of Lomax is left: the surname is the speaker, with both its quotes.
    assert table(store)["Lomax"] == ("person", {"Lomax", "Ms Lomax"}, (), 2, 2)
    assert "Rachel Lomax" not in table(store)


def names(found: list[Speaker]) -> list[str]:
    return [s.name for s in found]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Tony Blair", ["Tony Blair"]),  # the exact name: not the spokesman
        ("tony blair", ["Tony Blair"]),
        (SPOKESMAN, [SPOKESMAN]),  # the exact name: not Blair
        ("Ms Lomax", ["Rachel Lomax"]),  # an alias
        ("R. Lomax", ["Rachel Lomax"]),
        ("Blair", ["Tony Blair", SPOKESMAN]),  # words: the person first
        ("Mr Brown", ["Gordon Brown", "Nick Brown"]),  # Gordon's alias, but Nick is a Mr Brown too
        ("Brown", ["Gordon Brown", "Nick Brown"]),
        ("the farm minister", ["Nick Brown"]),  # a role
        ("Nobody Known", []),
    ],
)
def test_a_typed_name_resolves_exact_names_first_then_words(
    store: Store, typed: str, expected: list[str]
) -> None:
    assert names(store.find_speakers(typed)) == expected
