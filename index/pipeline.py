"""Articles → sentences, chunks, quotes and vectors → the store, in atomic batches.

Two writers may run at once (a feed watcher and an upload in the app, two imports): each prepares and
encodes its batches without the store's write lock and holds it only to commit one, so their batches
interleave and both land. A writer that must wait for the lock says so through `on_wait`, once a run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from index.embedding import Encoder, encode_documents
from index.errors import InputError, StoreError
from index.ingest import Failure, FeedRead, text_digest
from index.models import Article, Chunk
from index.prepare_ahead import Prepared, QuoteExtractor, prepare_all, prepare_batches
from index.records import IndexedArticle
from index.schema import is_store, read_stored_articles
from index.store import (
    Store,
    drop_stored_vectors,
    read_stored_vectors,
    recover_interrupted_rebuild,
    write_lock,
)
from index.vector_search import VectorsChoice
from index.vectors import Vectors

Progress = Callable[[int, int], None]
Notice = Callable[[], None]
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
    on_wait: Notice | None = None,
) -> IndexReport:
    """Add new articles and replace changed ones; unchanged ones are skipped. Each batch is one commit.
    With `ahead`, input of more than one batch is prepared (sentences, chunks, quotes) one batch ahead
    in a worker process while this one encodes and writes (`index.prepare_ahead`).

    Preparing and encoding run without the store's write lock; it is held only to commit a batch, so
    another writer's batches interleave with these and both land. What is added, updated or unchanged
    is decided against the store as it is under the lock: another writer may have committed the same
    articles since they were read. `on_wait` is called (once a run) when the lock is held by another
    writer and this one waits for it.

    `articles` is read batch by batch, so a generator of 100k articles is never held in memory at
    once; an id given twice ends with its last version. `progress` gets (done, total) when `articles`
    has a length, (done, 0) otherwise."""
    report = report or IndexReport()
    total = len(articles) if isinstance(articles, Sized) else 0
    on_wait = _once(on_wait)
    known = store.digests()  # as this run last saw the store: what need not be prepared
    done = 0
    batches = ([(a, _digest(a)) for a in _unique(batch)] for batch in _batches(articles, BATCH_ARTICLES))
    for outcomes in prepare_batches(batches, known, encoder.dimension, extract_quotes, ahead):
        prepared, unchanged = [], []
        for article, digest, outcome in outcomes:
            if outcome is None:
                unchanged.append((article, digest))
            elif isinstance(outcome, str):
                report.failed.append(Failure(article.id, outcome))
            else:
                prepared.append(outcome)
        batch = _Batch(prepared, unchanged, store.chunk_vectors, _embed(encoder, prepared, store))
        _commit(store, encoder, batch, extract_quotes, report, known, on_wait)
        done += len(outcomes)
        if progress:
            progress(done, total)
    return report


@dataclass(slots=True)
class _Batch:
    """A batch on its way to the store: the articles prepared and those found unchanged, and the
    prepared ones with their vectors (made for the store's `chunk_vectors` at the time)."""

    prepared: list[Prepared]
    unchanged: list[tuple[Article, str]]
    chunk_vectors: str
    embedded: list[IndexedArticle]


def _commit(
    store: Store,
    encoder: Encoder,
    batch: _Batch,
    extract_quotes: QuoteExtractor | None,
    report: IndexReport,
    known: dict[str, str],
    on_wait: Notice | None,
) -> None:
    """Write a batch, deciding what is added, updated or unchanged against the store under the lock.
    An article found unchanged before that another writer has replaced since is prepared and encoded
    under the lock (rare: two imports of one article in different versions at once)."""
    ids = [a.id for a, _ in batch.unchanged] + [item.article.id for item in batch.embedded]
    current = store.digests(ids)
    write: list[IndexedArticle] = []
    if _changes(batch, current) != ([], []):  # else nothing to write: no need to wait for the lock
        with store.writing(on_wait):
            current = store.digests(ids)
            if batch.chunk_vectors != store.chunk_vectors:  # a store rebuilt meanwhile was swapped in
                batch.embedded = _embed(encoder, batch.prepared, store)
            _, stale = _changes(batch, current)
            if stale:
                redo = []
                for (article, _), outcome in zip(
                    stale, prepare_all(stale, encoder.dimension, extract_quotes)
                ):
                    if isinstance(outcome, str):
                        report.failed.append(Failure(article.id, outcome))
                    else:
                        redo.append(outcome)
                batch.embedded += _embed(encoder, redo, store)
            write, _ = _changes(batch, current)
            if write:
                store.write(write)
    written = {item.article.id for item in write}
    report.unchanged.extend(a.id for a, d in batch.unchanged if current.get(a.id) == d)
    for item in batch.embedded:
        if item.article.id not in written:
            report.unchanged.append(item.article.id)
        else:
            (report.updated if item.article.id in current else report.added).append(item.article.id)
    for article_id in ids:
        known.pop(article_id, None)
    known.update(current)
    known.update({item.article.id: item.digest for item in write})


def _changes(
    batch: _Batch, current: Mapping[str, str]
) -> tuple[list[IndexedArticle], list[tuple[Article, str]]]:
    """Against the store's versions (`current`: id -> digest): the articles of `batch` to write, and
    those found unchanged earlier that the store no longer holds in that version."""
    write = [item for item in batch.embedded if current.get(item.article.id) != item.digest]
    stale = [(a, d) for a, d in batch.unchanged if current.get(a.id) != d]
    return write, stale


def _once(notice: Notice | None) -> Notice | None:
    """`notice`, called at most once."""
    if notice is None:
        return None
    called = False

    def once() -> None:
        nonlocal called
        if not called:
            called = True
            notice()

    return once


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def remove_articles(store: Store, article_ids: Sequence[str], on_wait: Notice | None = None) -> IndexReport:
    """Delete articles with their sentences, chunks, vectors and quotes, in one commit (`on_wait`: as
    `index_articles`).

    Raises:
        InputError: the store holds no article with one of these ids.
    """
    report = IndexReport()
    with store.writing(on_wait):
        known = store.digests(article_ids)
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
    """Each chunk's vector as the normalised sum of its sentences' (unit) vectors: the same answers as
    encoding the chunk's text, without encoding the chunk texts (docs/results.md)."""
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
    path: Path,
    encoder: Encoder,
    extract_quotes: QuoteExtractor | None,
    progress: Progress | None = None,
    on_wait: Notice | None = None,
) -> IndexReport:
    """Rebuild the store at `path` from its stored articles (repairs lost or damaged vector files, or
    moves it to another encoder or schema). The new store is built beside the old one, brought up to
    what other writers committed to the old one meanwhile, and swapped in under the old one's write
    lock (`on_wait`: as `index_articles`); a writer that was waiting for that lock writes to the new one.
    """
    on_wait = _once(on_wait)
    articles = read_stored_articles(path)
    vectors = read_stored_vectors(path)  # a rebuild keeps the engine (new collections in it)
    fresh = path.with_name(path.name + ".rebuild")
    old = path.with_name(path.name + ".old")
    shutil.rmtree(fresh, ignore_errors=True)
    store = Store.create(fresh, encoder.name, encoder.dimension, vectors)
    try:
        report = index_articles(store, encoder, articles, extract_quotes, progress)
        _catch_up(store, path, encoder, extract_quotes, report)
        with write_lock(path, on_wait):
            _catch_up(store, path, encoder, extract_quotes, report)  # what was committed since
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
            os.replace(fresh, path)
    finally:
        store.close()
    with suppress(StoreError):  # the old collections, if any (left behind when the engine is down)
        drop_stored_vectors(old)
    shutil.rmtree(old, ignore_errors=True)
    return report


def _catch_up(
    rebuilt: Store, path: Path, encoder: Encoder, extract_quotes: QuoteExtractor | None, report: IndexReport
) -> None:
    """Bring the `rebuilt` store to the articles the store at `path` holds now."""
    articles = read_stored_articles(path)
    caught = index_articles(rebuilt, encoder, articles, extract_quotes, ahead=False)
    report.added += [i for i in caught.added if i not in report.added]
    report.failed += caught.failed
    gone = sorted(set(rebuilt.digests()) - {a.id for a in articles})
    if gone:
        remove_articles(rebuilt, gone)
        report.added = [i for i in report.added if i not in gone]
