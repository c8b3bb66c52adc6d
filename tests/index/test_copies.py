"""Copies of an article found when it is written: the same text under another id or title."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from index.copies import copy_key
from index.embedding import HashingEncoder
from index.models import Article
from index.pipeline import index_articles, open_or_create, remove_articles
from index.store import Store

BRIDGE = (
    "Harbour bridge to reopen in May\n\n"
    "The Harbour bridge will reopen on 12 May, the city council said on Tuesday. "
    "Repairs to the deck began in January after a lorry struck a support. "
    "Engineers found cracks in two of the steel beams. "
    "The council said the work would cost about 4 million pounds. "
    "Ferries will run every ten minutes until the bridge reopens."
)
FLOOD = (
    "River floods the valley\n\n"
    "The river flooded the valley on Sunday. Farmers lost their crops. "
    "The army sent boats to the villages. Schools were closed for a week."
)


@pytest.fixture
def store(tmp_path: Path, fake_encoder: HashingEncoder) -> Store:
    return open_or_create(tmp_path / "store", fake_encoder)


def test_copy_key_ignores_case_whitespace_and_curly_quotes() -> None:
    assert copy_key("He said \u201cno\u201d.\n\nThe  end") == copy_key('he said "no". the end')
    assert copy_key("He said no.") != copy_key("She said no.")


def test_the_same_text_under_another_id_and_title_is_a_copy_of_the_first(
    store: Store, fake_encoder: HashingEncoder
) -> None:
    index_articles(
        store,
        fake_encoder,
        [
            Article("bridge-1", "Bridge to reopen", BRIDGE),
            Article("flood", "Floods", FLOOD),
            Article("bridge-2", "Harbour bridge: reopening date set", BRIDGE.upper().replace(". ", ".  ")),
        ],
    )
    assert store.originals(["bridge-1", "flood", "bridge-2"]) == {"bridge-2": "bridge-1"}


def test_nearly_all_of_the_text_is_a_copy_but_a_shared_paragraph_is_not(
    store: Store, fake_encoder: HashingEncoder
) -> None:
    index_articles(store, fake_encoder, [Article("bridge-1", "Bridge", BRIDGE)])
    longer = BRIDGE + " The council thanked drivers for their patience."
    shared = "Bridge works in the city\n\nThe Harbour bridge will reopen on 12 May. Other roads stay shut."
    index_articles(
        store, fake_encoder, [Article("bridge-late", "Bridge", longer), Article("roads", "Roads", shared)]
    )
    assert store.originals(["bridge-late", "roads"]) == {"bridge-late": "bridge-1"}


def test_removing_the_original_makes_the_next_copy_the_original(
    store: Store, fake_encoder: HashingEncoder
) -> None:
    copies = [Article(f"bridge-{n}", "Bridge", BRIDGE) for n in (1, 2, 3)]
    index_articles(store, fake_encoder, copies)
    assert store.originals(["bridge-2", "bridge-3"]) == {"bridge-2": "bridge-1", "bridge-3": "bridge-1"}
    remove_articles(store, ["bridge-1"])
    assert store.originals(["bridge-2", "bridge-3"]) == {"bridge-3": "bridge-2"}


def test_a_store_made_before_the_copies_table_has_none_until_it_is_written(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    store = open_or_create(tmp_path / "store", fake_encoder)
    index_articles(store, fake_encoder, [Article("a", "A", BRIDGE), Article("b", "B", BRIDGE)])
    db = sqlite3.connect(tmp_path / "store" / "store.sqlite")
    db.execute("DROP TABLE copies")
    db.commit()
    db.close()
    assert store.originals(["a", "b"]) == {}
    index_articles(store, fake_encoder, [Article("flood", "Floods", FLOOD)])
    assert store.originals(["a", "b", "flood"]) == {"b": "a"}
