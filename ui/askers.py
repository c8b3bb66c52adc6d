"""Engines that answer questions side by side in the app: each has its own store connection, and all
share the one encoder and a reader on one onnxruntime thread (their sessions are thread-safe), so two
questions are answered at once instead of one after the other behind the page's lock.

The store is made for several readers at once (a feed watcher and the app each open it): every engine
reads a commit of its own and sees the others' writes at its next read. The app writes through its
main engine, under the page's lock, and asks through these.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from index.schema import is_store
from qa.answering.reader.reader import Reader
from qa.engine import QAEngine

__all__ = ["ASKING_ENGINES", "Askers"]

# Two engines for two cores: the engine alone answered 813 questions a minute on one thread and 1,419 on
# two on the 840-article news store (bench/README.md).
ASKING_ENGINES = 2
# Each question read on one onnxruntime thread: with two questions at once on the main reader's pool
# of two, an answer took 98 ms of CPU on the 840-article news store; on one thread each 87 ms, and the
# same answers to the byte (bench/README.md).
READER_THREADS = 1


class Askers:
    """Up to `size` engines over `main`'s store, made on first use, reading with one reader on
    `reader_threads` threads; a question waits for a free one."""

    def __init__(
        self, main: QAEngine, size: int = ASKING_ENGINES, reader_threads: int = READER_THREADS
    ) -> None:
        self._main = main
        self._size = size
        self._reader = Reader(main.answerer.reader.model_dir, reader_threads)  # loaded on first use
        self._made = 0
        self._free: queue.LifoQueue[QAEngine] = queue.LifoQueue()
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the engines' reader now rather than on the first question."""
        self._reader.load()

    @contextmanager
    def engine(self) -> Iterator[QAEngine | None]:
        """A free engine for one question, or None while the store does not exist yet (ask the main one)."""
        if not is_store(self._main.store_path):
            yield None
            return
        engine = self._take()
        try:
            yield engine
        finally:
            self._free.put(engine)

    def _take(self) -> QAEngine:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            make = self._made < self._size
            if make:
                self._made += 1
        if not make:
            return self._free.get()
        main = self._main
        return QAEngine(main.store_path, main.encoder, self._reader, main.answerer.settings)
