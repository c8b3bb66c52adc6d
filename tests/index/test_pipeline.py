"""Writers queue: each holds the store's write lock only to commit a batch, decides what it writes
against the store as it is under the lock, and says once that it waits."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from index.models import Article, Quote
from index.pipeline import BATCH_ARTICLES, IndexReport, index_articles, open_or_create, rebuild_store
from index.store import Store, write_lock


def story(id: str, version: int = 0) -> Article:
    return Article(id, f"Story {id}", f"The council of {id} met. It approved budget {version}.")


def another_writer(path: Path, encoder: HashingEncoder, articles: list[Article]) -> IndexReport:
    """A second writer: its own store object, as another process would have."""
    store = Store.open(path, encoder.name)
    try:
        return index_articles(store, encoder, articles)
    finally:
        store.close()


def on_preparing(article_id: str, action: Callable[[], object]) -> Callable[[Article, object], list[Quote]]:
    """A quote extractor that runs `action` while this writer prepares `article_id` (once)."""
    done: list[object] = []

    def extract(article: Article, sentences: object) -> list[Quote]:
        if article.id == article_id and not done:
            done.append(action())
        return []

    return extract


def in_thread(action: Callable[[], object], seconds: float = 30.0) -> object:
    """`action()` in another thread, which must end within `seconds` (it would hang on a held lock)."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(action()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, "the other writer did not finish: the lock was held while preparing"
    return result[0]


def test_another_writer_commits_while_this_one_prepares(tmp_path: Path, fake_encoder: HashingEncoder) -> None:
    store = open_or_create(tmp_path / "store", fake_encoder)
    other = on_preparing(
        "b", lambda: in_thread(lambda: another_writer(store.path, fake_encoder, [story("x")]))
    )
    report = index_articles(store, fake_encoder, [story("a"), story("b")], other, ahead=False)
    assert report.added == ["a", "b"]
    assert sorted(store.article_ids()) == ["a", "b", "x"]


def test_an_article_another_writer_committed_meanwhile_is_unchanged(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    store = open_or_create(tmp_path / "store", fake_encoder)
    same = on_preparing("b", lambda: another_writer(store.path, fake_encoder, [story("b"), story("c", 1)]))
    report = index_articles(store, fake_encoder, [story("a"), story("b"), story("c")], same, ahead=False)
    assert (report.added, report.updated, report.unchanged) == (["a"], ["c"], ["b"])  # c: another version
    assert [s.text for s in store.sentences("c")][1] == "It approved budget 0."  # the last commit's
    assert store.vector_count("sentences") == 6  # b once


def test_an_article_replaced_meanwhile_is_written_again(tmp_path: Path, fake_encoder: HashingEncoder) -> None:
    store = open_or_create(tmp_path / "store", fake_encoder)
    index_articles(store, fake_encoder, [story("a")])
    replace = on_preparing("b", lambda: another_writer(store.path, fake_encoder, [story("a", 1)]))
    report = index_articles(store, fake_encoder, [story("a"), story("b")], replace, ahead=False)
    assert (report.added, report.updated, report.unchanged) == (["b"], ["a"], [])
    assert [s.text for s in store.sentences("a")][1] == "It approved budget 0."  # the last commit's


def test_a_writer_that_must_wait_says_so_once(tmp_path: Path, fake_encoder: HashingEncoder) -> None:
    store = open_or_create(tmp_path / "store", fake_encoder)
    waits: list[str] = []
    waiting, first_commit, locked_again = threading.Event(), threading.Event(), threading.Event()

    def notice() -> None:
        waits.append("waiting for another import to commit")
        waiting.set()

    def progress(done: int, total: int) -> None:
        if done == BATCH_ARTICLES:  # after the first commit, another writer takes the lock again
            first_commit.set()
            assert locked_again.wait(10)

    articles = [story(f"s{i}") for i in range(BATCH_ARTICLES + 1)]
    with write_lock(store.path):
        thread = threading.Thread(
            target=index_articles,
            args=(store, fake_encoder, articles),
            kwargs={"progress": progress, "ahead": False, "on_wait": notice},
        )
        thread.start()
        assert waiting.wait(10)
    assert first_commit.wait(10)
    with write_lock(store.path):
        locked_again.set()
        thread.join(0.5)
        assert thread.is_alive()  # it waits for this lock
    thread.join(10)
    assert waits == ["waiting for another import to commit"]
    assert store.count() == BATCH_ARTICLES + 1


def test_a_writer_that_waited_for_a_rebuild_writes_to_the_rebuilt_store(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    store = open_or_create(tmp_path / "store", fake_encoder)
    index_articles(store, fake_encoder, [story("a")])
    rebuild_store(store.path, fake_encoder, None)  # swapped in under this store object
    report = index_articles(store, fake_encoder, [story("a"), story("b")])
    assert (report.added, report.unchanged) == (["b"], ["a"])
    reopened = Store.open(store.path, fake_encoder.name)
    assert sorted(reopened.article_ids()) == ["a", "b"]
    assert reopened.vector_count("sentences") == 4


@pytest.mark.parametrize("late", [[story("c")], [story("a", 1)]], ids=["added", "updated"])
def test_a_rebuild_keeps_what_another_writer_committed_meanwhile(
    late: Sequence[Article], tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    store = open_or_create(tmp_path / "store", fake_encoder)
    index_articles(store, fake_encoder, [story("a"), story("b")])
    store.close()
    meanwhile = on_preparing("b", lambda: another_writer(tmp_path / "store", fake_encoder, list(late)))
    report = rebuild_store(tmp_path / "store", fake_encoder, meanwhile)
    assert sorted(report.added) == sorted({"a", "b", *(a.id for a in late)})
    rebuilt = Store.open(tmp_path / "store", fake_encoder.name)
    for article in late:
        assert rebuilt.article(article.id) == article
