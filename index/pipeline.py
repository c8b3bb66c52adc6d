"""Articles → sentences, chunks, quotes and vectors → the store, in atomic batches."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from index.chunking import make_chunks
from index.embedding import Encoder, encode_documents
from index.errors import InputError
from index.ingest import Failure, text_digest
from index.models import Article, Quote, Sentence
from index.sentences import split_sentences
from index.store import IndexedArticle, Store, is_store, read_stored_articles, recover_interrupted_rebuild

QuoteExtractor = Callable[[Article, Sequence[Sentence]], list[Quote]]
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

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} failed"
        )


def open_or_create(path: Path, encoder: Encoder) -> Store:
    """The store at `path` checked against `encoder`, created empty when there is none."""
    recover_interrupted_rebuild(path)
    if is_store(path):
        return Store.open(path, encoder.name)
    return Store.create(path, encoder.name, encoder.dimension)


def index_articles(
    store: Store,
    encoder: Encoder,
    articles: Iterable[Article],
    extract_quotes: QuoteExtractor | None = None,
    progress: Progress | None = None,
    report: IndexReport | None = None,
) -> IndexReport:
    """Add new articles and replace changed ones; unchanged ones are skipped. Each batch is one commit.

    `articles` is read batch by batch, so a generator of 100k articles is never held in memory at
    once; an id given twice ends with its last version. `progress` gets (done, total) when `articles`
    has a length, (done, 0) otherwise."""
    report = report or IndexReport()
    total = len(articles) if isinstance(articles, Sized) else 0
    with store.writing():
        known = store.digests()
        done = 0
        for batch in _batches(articles, BATCH_ARTICLES):
            prepared = []
            for article in _unique(batch):
                digest = _digest(article)
                if known.get(article.id) == digest:
                    report.unchanged.append(article.id)
                    continue
                try:
                    prepared.append(prepare_article(article, digest, encoder, extract_quotes))
                except InputError as error:
                    report.failed.append(Failure(article.id, str(error)))
            embedded = _embed(encoder, prepared, store)
            if embedded:
                store.write(embedded)
            for item in embedded:
                (report.updated if item.article.id in known else report.added).append(item.article.id)
                known[item.article.id] = item.digest
            done += len(batch)
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


def prepare_article(
    article: Article, digest: str, encoder: Encoder, extract_quotes: QuoteExtractor | None
) -> tuple[IndexedArticle, list[str]]:
    """Sentences, chunks and quotes of an article; vectors are filled in by `_embed`."""
    sentences = split_sentences(article.id, article.text)
    if not sentences:
        raise InputError("the article has no sentences")
    chunks = make_chunks(sentences, article.text)
    quotes = extract_quotes(article, sentences) if extract_quotes else []
    empty = encode_documents(encoder, [])
    item = IndexedArticle(article, digest, sentences, chunks, quotes, empty, empty)
    return item, [s.text for s in sentences] + [c.text for c in chunks]


def _embed(
    encoder: Encoder, prepared: list[tuple[IndexedArticle, list[str]]], store: Store
) -> list[IndexedArticle]:
    """Encode all texts of a batch in one call, never the same text twice (a one-sentence chunk is
    its sentence), and not at all when the store already holds a vector for it (an updated article's
    unchanged sentences, a story republished under another id)."""
    texts = list(dict.fromkeys(text for _, item_texts in prepared for text in item_texts))
    stored = store.stored_vectors(texts)
    fresh = [text for text in texts if text not in stored]
    encoded = encode_documents(encoder, fresh)
    vector_of = {**stored, **dict(zip(fresh, encoded))}
    embedded = []
    for item, item_texts in prepared:
        n = len(item.sentences)
        vectors = np.stack([vector_of[t] for t in item_texts]).astype(np.float32)
        embedded.append(replace(item, sentence_vectors=vectors[:n], chunk_vectors=vectors[n:]))
    return embedded


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
    fresh = path.with_name(path.name + ".rebuild")
    shutil.rmtree(fresh, ignore_errors=True)
    store = Store.create(fresh, encoder.name, encoder.dimension)
    try:
        report = index_articles(store, encoder, articles, extract_quotes, progress)
    finally:
        store.close()
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(path, old)
    os.replace(fresh, path)
    shutil.rmtree(old, ignore_errors=True)
    return report
