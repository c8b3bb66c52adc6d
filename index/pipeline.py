"""Articles → sentences, chunks, quotes and vectors → the store, in atomic batches."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from index.embedding import Encoder, Vectors, encode_documents
from index.errors import InputError, StoreError
from index.ingest import Failure, FeedRead, text_digest
from index.models import Article, Chunk
from index.prepare_ahead import Prepared, QuoteExtractor, prepare_batches
from index.store import (
    IndexedArticle,
    Store,
    drop_stored_vectors,
    is_store,
    read_stored_articles,
    read_stored_vectors,
    recover_interrupted_rebuild,
)
from index.vector_search import VectorsChoice

Progress = Callable[[int, int], None]
BATCH_ARTICLES = 64


@dataclass(slots=True)
class IndexReport:
    """What one indexing run did, article ids per outcome."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    feeds: list[FeedRead] = field(default_factory=list)  # per feed read: items new and already indexed

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} failed"
        )


def open_or_create(path: Path, encoder: Encoder, vectors: VectorsChoice | None = None) -> Store:
    """The store at `path` checked against `encoder`, created empty when there is none (its vectors in
    `vectors`, default FAISS files in the store).

    Raises:
        InputError: `vectors` names another engine than the existing store's.
    """
    recover_interrupted_rebuild(path)
    if is_store(path):
        store = Store.open(path, encoder.name)
        if vectors is not None and store.vectors_choice != vectors:
            built = store.vectors_choice.spec
            store.close()
            raise InputError(
                f"The store at '{path}' keeps its vectors in {built}, not {vectors.spec}: --vectors applies "
                "only to a new store. Index into a new --store folder to use another engine."
            )
        return store
    if vectors is None:
        return Store.create(path, encoder.name, encoder.dimension)
    return Store.create(path, encoder.name, encoder.dimension, vectors)


def index_articles(
    store: Store,
    encoder: Encoder,
    articles: Iterable[Article],
    extract_quotes: QuoteExtractor | None = None,
    progress: Progress | None = None,
    report: IndexReport | None = None,
    ahead: bool = True,
) -> IndexReport:
    """Add new articles and replace changed ones; unchanged ones are skipped. Each batch is one commit.
    With `ahead`, input of more than one batch is prepared (sentences, chunks, quotes) one batch ahead
    in a worker process while this one encodes and writes (`index.prepare_ahead`).

    `articles` is read batch by batch, so a generator of 100k articles is never held in memory at
    once; an id given twice ends with its last version. `progress` gets (done, total) when `articles`
    has a length, (done, 0) otherwise."""
    report = report or IndexReport()
    total = len(articles) if isinstance(articles, Sized) else 0
    with store.writing():
        known = store.digests()
        done = 0
        batches = ([(a, _digest(a)) for a in _unique(batch)] for batch in _batches(articles, BATCH_ARTICLES))
        for outcomes in prepare_batches(batches, known, encoder.dimension, extract_quotes, ahead):
            prepared = []
            for article, _, outcome in outcomes:
                if outcome is None:
                    report.unchanged.append(article.id)
                elif isinstance(outcome, str):
                    report.failed.append(Failure(article.id, outcome))
                else:
                    prepared.append(outcome)
            embedded = _embed(encoder, prepared, store)
            if embedded:
                store.write(embedded)
            for item in embedded:
                (report.updated if item.article.id in known else report.added).append(item.article.id)
                known[item.article.id] = item.digest
            done += len(outcomes)
            if progress:
                progress(done, total)
    return report


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def remove_articles(store: Store, article_ids: Sequence[str]) -> IndexReport:
    """Delete articles with their sentences, chunks, vectors and quotes."""
    report = IndexReport()
    with store.writing():
        known = store.digests()
        missing = [i for i in article_ids if i not in known]
        if missing:
            raise InputError(f"No article with id {missing[0]!r} in the store; `qa articles` lists them.")
        store.write([], remove=article_ids)
    report.removed.extend(article_ids)
    return report


def _embed(encoder: Encoder, prepared: list[Prepared], store: Store) -> list[IndexedArticle]:
    """Encode all texts of a batch in one call, never the same text twice (a one-sentence chunk is
    its sentence), and not at all when the store already holds a vector for it (an updated article's
    unchanged sentences, a story republished under another id). In a store whose chunk vectors are
    its sentences' (`Store.chunk_vectors`), only the sentences are encoded."""
    from_sentences = store.chunk_vectors == "sentence-mean"
    wanted = [texts[: len(item.sentences)] if from_sentences else texts for item, texts in prepared]
    texts = list(dict.fromkeys(text for item_texts in wanted for text in item_texts))
    stored = store.stored_vectors(texts)
    fresh = [text for text in texts if text not in stored]
    encoded = encode_documents(encoder, fresh)
    vector_of = {**stored, **dict(zip(fresh, encoded))}
    embedded = []
    for (item, _), item_texts in zip(prepared, wanted):
        n = len(item.sentences)
        vectors = np.stack([vector_of[t] for t in item_texts]).astype(np.float32)
        chunks = sentence_mean(item.chunks, vectors) if from_sentences else vectors[n:]
        embedded.append(replace(item, sentence_vectors=vectors[:n], chunk_vectors=chunks))
    return embedded


def sentence_mean(chunks: Sequence[Chunk], sentence_vectors: Vectors) -> Vectors:
    """Each chunk's vector as the normalised sum of its sentences' (unit) vectors: on dev the same
    answers as encoding the chunk's text (hit@1 0.873 both), with 55% fewer words encoded."""
    summed = np.stack([sentence_vectors[c.first : c.last + 1].sum(axis=0) for c in chunks])
    norms = np.linalg.norm(summed, axis=1, keepdims=True)
    return (summed / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def _digest(article: Article) -> str:
    return text_digest(
        "\x1f".join([article.title, article.text, article.source, article.url, article.published])
    )


def _unique(articles: Sequence[Article]) -> list[Article]:
    """The last version of each id, in first-seen order."""
    latest = {article.id: article for article in articles}
    return list(latest.values())


def rebuild_store(
    path: Path, encoder: Encoder, extract_quotes: QuoteExtractor | None, progress: Progress | None = None
) -> IndexReport:
    """Rebuild the store at `path` from its stored articles (repairs lost or damaged vector files, or
    moves it to another encoder or schema). The new store is built beside the old one and swapped in."""
    import shutil

    articles = read_stored_articles(path)
    vectors = read_stored_vectors(path)  # a rebuild keeps the engine (new collections in it)
    fresh = path.with_name(path.name + ".rebuild")
    shutil.rmtree(fresh, ignore_errors=True)
    store = Store.create(fresh, encoder.name, encoder.dimension, vectors)
    try:
        report = index_articles(store, encoder, articles, extract_quotes, progress)
    finally:
        store.close()
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(path, old)
    os.replace(fresh, path)
    with suppress(StoreError):  # the old collections, if any (left behind when the engine is down)
        drop_stored_vectors(old)
    shutil.rmtree(old, ignore_errors=True)
    return report
