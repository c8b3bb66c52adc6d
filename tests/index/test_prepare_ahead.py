"""Preparing one batch ahead in a worker process writes the same store as preparing in turn."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import numpy as np
import pytest

from index.embedding import HashingEncoder
from index.models import Article, Quote
from index.pipeline import BATCH_ARTICLES, index_articles, open_or_create
from index.prepare_ahead import prepare_batches
from index.store import Store
from qa.quotes import extract_quotes

NAMES = ("Rosa Lind", "Omar Haddad", "Mei Tanaka", "Piotr Nowak", "Ada Okafor")


def news(i: int, version: int = 0) -> Article:
    name = NAMES[i % len(NAMES)]
    text = (
        f"Storm {i} hit the coast on Monday, version {version}.\n\n"
        f'"We have never seen water this high," said {name}, the harbour master.\n\n'
        f"Crews worked through the night. {name.split()[0]} said the port would reopen on day {i % 7 + 1}."
    )
    return Article(id=f"storm-{i}", title=f"Storm {i}", text=text)


def snapshot(store: Store) -> dict[str, object]:
    """Everything the store holds per article, vectors included."""
    ids = sorted(store.article_ids())
    sentences = {a: [(s.start, s.end, s.text) for s in store.sentences(a)] for a in ids}
    quotes = sorted((q.article_id, q.start, q.end, q.kind, q.speaker, q.cue) for q in store.quotes())
    rows = store.live_rows("sentences")
    return {
        "sentences": sentences,
        "quotes": quotes,
        "speakers": sorted(
            (s.name, s.kind, s.aliases, s.roles, s.quotes, s.articles) for s in store.speakers()
        ),
        "vectors": np.round(store.vectors("sentences", rows), 5).tolist(),
    }


def build(path: Path, encoder: HashingEncoder, articles: list[Article], ahead: bool) -> dict[str, object]:
    store = open_or_create(path, encoder)
    report = index_articles(store, encoder, articles, extract_quotes, ahead=ahead)
    assert not report.failed
    shot = snapshot(store)
    store.close()
    return shot


@pytest.mark.model
def test_a_worker_preparing_ahead_writes_the_same_store(tmp_path: Path, fake_encoder: HashingEncoder) -> None:
    articles = [news(i) for i in range(2 * BATCH_ARTICLES + 5)]  # three batches
    # an article changed in a later batch, and one repeated unchanged: the last version wins
    articles += [news(3, version=1), news(4)]
    in_turn = build(tmp_path / "in-turn", fake_encoder, articles, ahead=False)
    ahead = build(tmp_path / "ahead", fake_encoder, articles, ahead=True)
    assert ahead == in_turn
    assert len(in_turn["quotes"]) >= 2 * BATCH_ARTICLES  # type: ignore[arg-type]
    assert "version 1" in in_turn["sentences"]["storm-3"][0][2]  # type: ignore[index]


def test_an_extractor_a_worker_cannot_be_handed_is_run_here(fake_encoder: HashingEncoder) -> None:
    seen: list[str] = []

    def closure(article: Article, sentences: object) -> list[Quote]:
        seen.append(article.id)
        return []

    batches = [[(news(i), f"d{i}")] for i in range(3)]
    outcomes = list(prepare_batches(batches, {}, fake_encoder.dimension, closure))
    assert seen == ["storm-0", "storm-1", "storm-2"]
    assert [[a.id for a, _, _ in batch] for batch in outcomes] == [["storm-0"], ["storm-1"], ["storm-2"]]


def test_articles_the_store_holds_in_that_version_are_not_prepared(fake_encoder: HashingEncoder) -> None:
    batches = [[(news(0), "same"), (news(1), "new")]]
    [outcomes] = list(prepare_batches(batches, {"storm-0": "same"}, fake_encoder.dimension, None))
    assert outcomes[0][2] is None
    assert not isinstance(outcomes[1][2], str) and outcomes[1][2] is not None


def test_an_article_with_no_sentences_is_an_error_line(fake_encoder: HashingEncoder) -> None:
    empty = Article(id="blank", title="Blank", text="   \n\n  ")
    [outcomes] = list(prepare_batches([[(empty, "d")]], {}, fake_encoder.dimension, None))
    assert outcomes[0][2] == "the article has no sentences"


def dies_in_a_worker(article: Article, sentences: object) -> list[Quote]:
    """A quote extractor that kills the worker process it runs in (and finds nothing elsewhere)."""
    if multiprocessing.parent_process() is not None:
        os._exit(1)
    return []


def test_indexing_goes_on_when_the_worker_dies(tmp_path: Path, fake_encoder: HashingEncoder) -> None:
    store = open_or_create(tmp_path / "store", fake_encoder)
    articles = [news(i) for i in range(2 * BATCH_ARTICLES + 5)]
    report = index_articles(store, fake_encoder, articles, dies_in_a_worker, ahead=True)
    assert sorted(report.added) == sorted(a.id for a in articles)
    assert sorted(store.article_ids()) == sorted(a.id for a in articles)


@pytest.mark.model
def test_a_batch_read_ahead_gives_each_article_the_quotes_it_gets_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import qa.quotes.extraction.paragraphs as paragraphs
    from index.prepare_ahead import prepare_all
    from index.sentences import split_sentences
    from qa.library import EXTRACT_QUOTES

    articles = [news(i) for i in range(6)] + [news(0)]  # the same paragraphs twice: each parsed for itself
    articles.append(Article(id="empty", title="Empty", text="   "))
    alone = [extract_quotes(a, split_sentences(a.id, a.text)) for a in articles[:-1]]
    parsed_here = []
    parse = paragraphs.load_spacy

    def counted() -> object:
        parsed_here.append(1)
        return parse()

    monkeypatch.setattr(paragraphs, "load_spacy", counted)
    done = prepare_all([(a, "digest") for a in articles], 8, EXTRACT_QUOTES)
    assert done[-1] == "the article has no sentences"
    assert [item.quotes for item, _ in done[:-1]] == alone  # type: ignore[union-attr]
    assert any(alone)
    assert len(parsed_here) == 1  # one stream for the batch, none per article
    assert not paragraphs._AHEAD  # nothing kept after the batch
