from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from index import store as store_module
from index.embedding import HashingEncoder, Vectors, encode_query
from index.errors import StoreError, StoreMismatch
from index.models import Article, Quote
from index.pipeline import index_articles, open_or_create, rebuild_store, remove_articles
from index.store import Store
from index.vector_search import VectorsChoice


def story(id: str, text: str) -> Article:
    return Article(id=id, title=f"Story {id}", text=text)


def one_quote(article: Article, sentences: object) -> list[Quote]:
    end = article.text.index(".") + 1
    return [Quote(article.id, article.text[:end], 0, end, "direct", "Ann Fry", "Fry", "said", 0, 0)]


@pytest.fixture
def store(tmp_path: Path, fake_encoder: HashingEncoder, vectors: VectorsChoice | None) -> Store:
    """Two stories, their vectors in each engine (`vectors`, tests/conftest.py)."""
    store = open_or_create(tmp_path / "store", fake_encoder, vectors)
    index_articles(
        store,
        fake_encoder,
        [
            story("flood", "The river flooded the valley. Farmers lost crops."),
            story("vote", "Parliament voted on taxes."),
        ],
        one_quote,
    )
    return store


def test_the_store_module_keeps_the_names_other_packages_import() -> None:
    assert sorted(store_module.__all__) == [
        "ArticleInfo",
        "IndexedArticle",
        "SCHEMA_VERSION",
        "Store",
        "drop_stored_vectors",
        "is_store",
        "read_stored_articles",
        "read_stored_vectors",
        "recover_interrupted_rebuild",
        "text_key",
        "write_lock",
    ]
    assert all(hasattr(store_module, name) for name in store_module.__all__)


def test_articles_sentences_chunks_and_quotes_are_stored(store: Store) -> None:
    assert [(a.id, a.sentences, a.quotes) for a in store.articles()] == [("flood", 2, 1), ("vote", 1, 1)]
    assert [s.text for s in store.sentences("flood")] == [
        "The river flooded the valley.",
        "Farmers lost crops.",
    ]
    assert [(q.article_id, q.speaker) for q in store.quotes()] == [("flood", "Ann Fry"), ("vote", "Ann Fry")]


def test_sentences_are_read_by_article_and_position(store: Store) -> None:
    found = store.sentences_at([("flood", 1), ("vote", 0), ("flood", 1), ("flood", 7), ("gone", 0)])
    assert {place: s.text for place, s in found.items()} == {
        ("flood", 1): "Farmers lost crops.",
        ("vote", 0): "Parliament voted on taxes.",
    }
    assert store.sentences_at([]) == {}


def test_dense_and_lexical_search_find_the_right_sentence(store: Store, fake_encoder: HashingEncoder) -> None:
    [(row, _), *_] = store.search_dense("sentences", encode_query(fake_encoder, "farmers lost crops"), 3)
    assert store.sentence_rows([row])[row].text == "Farmers lost crops."
    [(row, _)] = store.search_lexical("sentences", '"taxes"', 3)
    assert store.sentence_rows([row])[row].text == "Parliament voted on taxes."


def test_unchanged_articles_are_skipped_and_changed_ones_replaced(
    store: Store, fake_encoder: HashingEncoder
) -> None:
    report = index_articles(
        store,
        fake_encoder,
        [
            story("flood", "The river flooded the valley. Farmers lost crops."),
            story("vote", "Parliament rejected the tax bill."),
        ],
    )
    assert (report.added, report.updated, report.unchanged) == ([], ["vote"], ["flood"])
    assert [s.text for s in store.sentences("vote")] == ["Parliament rejected the tax bill."]
    assert store.search_lexical("sentences", '"voted"', 3) == []
    rows = store.search_dense("sentences", encode_query(fake_encoder, "tax"), 10)
    assert len(rows) == 3  # the old sentence's vector is gone


def test_remove_deletes_everything_of_an_article(store: Store, fake_encoder: HashingEncoder) -> None:
    remove_articles(store, ["flood"])
    assert [a.id for a in store.articles()] == ["vote"]
    assert len(store.search_dense("chunks", encode_query(fake_encoder, "river"), 10)) == 1
    assert store.search_lexical("chunks", '"river"', 10) == []
    assert [q.article_id for q in store.quotes()] == ["vote"]


def test_opening_with_another_encoder_says_how_to_rebuild(store: Store) -> None:
    with pytest.raises(StoreMismatch, match=r"built with encoder hashing-64, this run uses other.*--rebuild"):
        Store.open(store.path, "other")


def test_a_folder_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(StoreError, match="is not a store"):
        Store.open(tmp_path)
    with pytest.raises(StoreError, match="not a store"):
        Store.create(tmp_path, "hashing-64", 64)


def test_a_missing_store_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"No store at .*qa index PATH"):
        Store.open(tmp_path / "none")


@pytest.mark.parametrize("vectors", [None], ids=["faiss"])  # FAISS files are the default store's
def test_a_deleted_vector_file_is_reported_and_rebuild_repairs_it(
    store: Store, fake_encoder: HashingEncoder
) -> None:
    path = store.path
    store.close()
    for file in path.glob("sentences.*.faiss"):
        file.unlink()
    broken = Store.open(path, fake_encoder.name)
    with pytest.raises(StoreError, match=r"missing or damaged.*qa index --rebuild"):
        broken.search_dense("sentences", encode_query(fake_encoder, "river"), 3)
    broken.close()
    report = rebuild_store(path, fake_encoder, one_quote)
    assert sorted(report.added) == ["flood", "vote"]
    repaired = Store.open(path, fake_encoder.name)
    assert len(repaired.search_dense("sentences", encode_query(fake_encoder, "river"), 10)) == 3


@pytest.mark.parametrize("vectors", [None], ids=["faiss"])
def test_a_truncated_vector_file_is_reported(store: Store, fake_encoder: HashingEncoder) -> None:
    generation = store.meta()["generation"]
    file = store.path / f"chunks.{generation}.faiss"
    file.write_bytes(file.read_bytes()[:40])
    reopened = Store.open(store.path, fake_encoder.name)
    with pytest.raises(StoreError, match="missing or damaged"):
        reopened.search_dense("chunks", encode_query(fake_encoder, "river"), 3)


def test_a_failed_write_leaves_the_previous_store_intact(store: Store, fake_encoder: HashingEncoder) -> None:
    def explode(article: Article, sentences: object) -> list[Quote]:
        raise RuntimeError("crash while indexing")

    with pytest.raises(RuntimeError):
        index_articles(store, fake_encoder, [story("new", "A new story.")], explode)
    reopened = Store.open(store.path, fake_encoder.name)
    assert [a.id for a in reopened.articles()] == ["flood", "vote"]
    assert len(reopened.search_dense("chunks", encode_query(fake_encoder, "story"), 10)) == 2


def test_schema_version_mismatch_is_refused(store: Store) -> None:
    db = sqlite3.connect(store.path / "store.sqlite")
    db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(StoreMismatch, match="schema version 0"):
        Store.open(store.path)


def test_a_rebuild_killed_midway_is_recovered(store: Store, fake_encoder: HashingEncoder) -> None:
    path = store.path
    store.close()
    path.rename(path.with_name(path.name + ".old"))  # as if killed right after moving the old store aside
    reopened = Store.open(path, fake_encoder.name)
    assert [a.id for a in reopened.articles()] == ["flood", "vote"]


def test_scope_limits_dense_and_lexical_search(store: Store, fake_encoder: HashingEncoder) -> None:
    query = encode_query(fake_encoder, "river parliament")
    rows = store.search_dense("sentences", query, 10, scope={"vote"})
    assert [store.sentence_rows([r])[r].article_id for r, _ in rows] == ["vote"]
    assert store.search_lexical("sentences", '"river"', 10, scope={"vote"}) == []
    assert store.search_dense("sentences", query, 10, scope=set()) == []


class CountingEncoder(HashingEncoder):
    """The fake encoder, remembering every text it was asked to embed."""

    def __init__(self) -> None:
        super().__init__(64)
        self.seen: list[str] = []

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        self.seen.extend(texts)
        return super().embed_batch(texts)


def test_an_updated_article_embeds_only_its_new_texts(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    store = open_or_create(tmp_path / "store", encoder)
    index_articles(store, encoder, [story("flood", "The river flooded the valley. Farmers lost crops.")])
    encoder.seen.clear()
    index_articles(store, encoder, [story("flood", "The river flooded the valley. Farmers saved crops.")])
    assert "The river flooded the valley." not in encoder.seen
    assert "Farmers saved crops." in encoder.seen
    [(row, _)] = store.search_dense("sentences", encode_query(encoder, "river flooded the valley"), 1)
    assert store.sentence_rows([row])[row].text == "The river flooded the valley."


def test_a_text_the_store_holds_is_not_embedded_again(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    store = open_or_create(tmp_path / "store", encoder)
    index_articles(store, encoder, [story("wire", "The river flooded the valley. Farmers lost crops.")])
    encoder.seen.clear()
    republished = "The river flooded the valley. Farmers lost crops. The mayor asked for help."
    index_articles(store, encoder, [story("daily", republished)])
    assert "The river flooded the valley." not in encoder.seen
    assert "Farmers lost crops." not in encoder.seen
    assert "The mayor asked for help." in encoder.seen
    copies = store.search_dense("sentences", encode_query(encoder, "river flooded the valley"), 2)
    assert sorted(store.sentence_rows([r])[r].article_id for r, _ in copies) == ["daily", "wire"]
    assert copies[0][1] == pytest.approx(copies[1][1])
