"""Articles prepared for the store (sentences, chunks, quotes) ahead, in worker processes.

Preparing is spaCy's parse and the quote rules, Python on one core; encoding is onnxruntime. While the
main process encodes and writes batch i, `WORKERS` worker processes prepare the batches after it, so
both cores work (`bench.index_stages`). Input of one batch is prepared in the process itself: starting a
worker (a fresh interpreter loading spaCy) would cost more than it saves.
The workers run at a lower priority, so an app answering on the same machine comes first. What is
prepared is the same either way: a worker runs the same function on the same input.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol, runtime_checkable

import numpy as np

from index.chunking import make_chunks
from index.models import Article, Quote, Sentence
from index.records import IndexedArticle
from index.sentences import split_sentences

__all__ = ["NO_SENTENCES", "Outcome", "Prepared", "ReadsAhead", "prepare_all", "prepare_batches"]

QuoteExtractor = Callable[[Article, Sequence[Sentence]], list[Quote]]
Prepared = tuple[IndexedArticle, list[str]]  # the article without vectors, and the texts to encode
# Per article of a batch: (article, digest, what preparing gave: the prepared article, an error message
# for an article that cannot be indexed, or None when the store already held this version).
Outcome = tuple[Article, str, Prepared | str | None]
NO_SENTENCES = "the article has no sentences"  # why an article without text is not indexed
WORKER_NICENESS = 10
WORKERS = 2  # one per core: preparing (spaCy) costs more than encoding (`bench.index_stages`)


@runtime_checkable
class ReadsAhead(Protocol):
    """A quote extractor that prepares a whole batch first (`qa.quotes.IndexingExtractor` parses the
    batch's paragraphs in one stream), then is called per article inside `read_ahead`."""

    def __call__(self, article: Article, sentences: Sequence[Sentence]) -> list[Quote]: ...

    def read_ahead(
        self, items: Sequence[tuple[Article, Sequence[Sentence]]]
    ) -> AbstractContextManager[None]: ...


def prepare_all(
    batch: Sequence[tuple[Article, str]], dimension: int, extract_quotes: QuoteExtractor | None
) -> list[Prepared | str]:
    """Each (article, digest) of `batch` prepared in this process: its sentences, chunks and quotes,
    and the texts to encode (its sentences, then its chunks; the vectors are filled in after encoding),
    or the error message for an article that cannot be indexed. An extractor that reads ahead reads the
    whole batch first."""
    split = [split_sentences(article.id, article.text) for article, _ in batch]
    items = [(article, sentences) for (article, _), sentences in zip(batch, split) if sentences]
    ahead = extract_quotes.read_ahead(items) if isinstance(extract_quotes, ReadsAhead) else nullcontext()
    with ahead:
        return [
            _prepared(article, digest, dimension, sentences, extract_quotes) if sentences else NO_SENTENCES
            for (article, digest), sentences in zip(batch, split)
        ]


def _prepared(
    article: Article,
    digest: str,
    dimension: int,
    sentences: list[Sentence],
    extract_quotes: QuoteExtractor | None,
) -> Prepared:
    chunks = make_chunks(sentences, article.text)
    quotes = extract_quotes(article, sentences) if extract_quotes else []
    empty = np.zeros((0, dimension), dtype=np.float32)
    item = IndexedArticle(article, digest, sentences, chunks, quotes, empty, empty)
    return item, [s.text for s in sentences] + [c.text for c in chunks]


def prepare_batches(
    batches: Iterable[list[tuple[Article, str]]],
    known: Mapping[str, str],
    dimension: int,
    extract_quotes: QuoteExtractor | None,
    ahead: bool = True,
) -> Iterator[list[Outcome]]:
    """Each batch of (article, digest) prepared, in order; articles whose digest `known` holds when the
    batch is yielded are None (a version written since the batch was sent counts too). With `ahead`,
    `WORKERS` worker processes prepare the next batches while the caller works on the current one.

    Args:
        known: article id -> digest of the version in the store, as the caller keeps it up to date.
    """

    def pending(batch: list[tuple[Article, str]]) -> list[tuple[Article, str]]:
        return [(a, d) for a, d in batch if known.get(a.id) != d]

    def here(batch: list[tuple[Article, str]]) -> list[Outcome]:
        sent = pending(batch)
        return _outcomes(
            batch, sent, prepare_all(sent, dimension, extract_quotes), known, dimension, extract_quotes
        )

    iterator = iter(batches)
    first = next(iterator, None)
    if first is None:
        return
    second = next(iterator, None)
    if second is None or not ahead or not _picklable(extract_quotes):
        for batch in itertools.chain([first], [second] if second is not None else [], iterator):
            yield here(batch)
        return
    context = multiprocessing.get_context("spawn")  # fork would copy onnxruntime's and spaCy's threads
    with ProcessPoolExecutor(WORKERS, mp_context=context, initializer=_start_worker) as worker:

        def submit(sent: list[tuple[Article, str]]) -> Future[list[Prepared | str]] | None:
            try:
                return worker.submit(prepare_all, sent, dimension, extract_quotes)
            except BrokenProcessPool:
                return None

        def collect(
            future: Future[list[Prepared | str]] | None, sent: list[tuple[Article, str]]
        ) -> list[Prepared | str]:
            if future is not None:
                try:
                    return future.result()
                except BrokenProcessPool:  # the worker died (killed, out of memory): go on here
                    pass
            return prepare_all(sent, dimension, extract_quotes)

        # The workers start (and load spaCy) on the next batches while this process prepares the first.
        in_flight: deque[
            tuple[list[tuple[Article, str]], list[tuple[Article, str]], Future[list[Prepared | str]] | None]
        ] = deque()

        def send(batch: list[tuple[Article, str]]) -> None:
            sent = pending(batch)
            in_flight.append((batch, sent, submit(sent)))

        for batch in itertools.islice(itertools.chain([second], iterator), WORKERS):
            send(batch)
        yield here(first)
        while in_flight:
            batch, sent, future = in_flight.popleft()
            done = collect(future, sent)
            following = next(iterator, None)
            if following is not None:
                send(following)
            yield _outcomes(batch, sent, done, known, dimension, extract_quotes)


def _outcomes(
    batch: list[tuple[Article, str]],
    sent: list[tuple[Article, str]],
    done: list[Prepared | str],
    known: Mapping[str, str],
    dimension: int,
    extract_quotes: QuoteExtractor | None,
) -> list[Outcome]:
    """Outcomes of a batch of which `sent` were prepared (`done`, in order): None for an article whose
    version the store holds by now (`known`), and one not sent that the store no longer holds in this
    version is prepared here."""
    prepared = {(a.id, d): result for (a, d), result in zip(sent, done)}
    outcomes: list[Outcome] = []
    for a, d in batch:
        result = None if known.get(a.id) == d else prepared.get((a.id, d))
        if result is None and known.get(a.id) != d:  # an older version given after a newer one: it wins
            result = prepare_all([(a, d)], dimension, extract_quotes)[0]
        outcomes.append((a, d, result))
    return outcomes


def _picklable(function: QuoteExtractor | None) -> bool:
    """Whether the worker can be handed `function` (a module's function can, a closure cannot)."""
    try:
        pickle.dumps(function)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _start_worker() -> None:
    """In the worker: a lower priority, and an end when the indexing process is gone (killed, say),
    instead of living on as an orphan."""
    os.nice(WORKER_NICENESS)
    # A worker parses (spaCy) and reads quotes (onnxruntime): it never runs torch, which thinc imports
    # whenever it is installed, a second of CPU at each worker's start.
    sys.modules.setdefault("torch", None)  # type: ignore[arg-type]
    parent = os.getppid()

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch_parent, name="watch-parent", daemon=True).start()
