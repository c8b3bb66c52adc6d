"""Kill `qa index` mid-run, run two writers at once, read while writing: the store stays whole."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from index.embedding import HashingEncoder, encode_query
from index.prepare_ahead import WORKER_NICENESS
from index.store import Store

QA = [sys.executable, "-m", "ui.cli"]
ENV = {**os.environ, "QA_MODEL": "hashing-64"}
TOWNS = ["Arden", "Belmont", "Corwin", "Dalby", "Easton", "Fenwick", "Garrow", "Holt"]


def write_feed(path: Path, n: int, prefix: str = "story") -> list[str]:
    ids = []
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            town = TOWNS[i % len(TOWNS)]
            text = (
                f"The council of {town} met on day {i}. It approved budget number {i * 7}. Residents cheered."
            )
            ids.append(f"{prefix}-{i}")
            fh.write(json.dumps({"id": ids[-1], "title": f"{town} council {i}", "text": text}) + "\n")
    return ids


def check_consistent(path: Path) -> list[str]:
    """The store opens, its vectors match its rows, and it answers; returns its article ids."""
    store = Store.open(path, "hashing-64")
    ids = [a.id for a in store.articles()]
    sentences = sum(a.sentences for a in store.articles())
    query = encode_query(HashingEncoder(64), "council budget")
    assert store.vector_count("sentences") == sentences
    assert len(store.search_dense("sentences", query, 100_000)) == sentences
    if ids:
        assert store.search_lexical("chunks", '"council"', 5)
    store.close()
    return ids


def children(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc)."""
    listing = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in listing.read_text().split()] if listing.exists() else []


def assert_ended(pids: list[int], within: float = 10.0) -> None:
    """Each of `pids` ends within `within` seconds: nothing an indexing run started outlives it."""
    deadline = time.monotonic() + within
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in alive if Path(f"/proc/{p}").exists() and "Z" not in _state(p)]
    assert not alive, f"processes outlived the killed indexing run: {alive}"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return "Z"


def test_sigkill_while_indexing_leaves_the_last_commit(tmp_path: Path) -> None:
    feed, store = tmp_path / "feed.jsonl", tmp_path / "store"
    ids = write_feed(feed, 384)  # six batches of 64
    started = time.monotonic()
    subprocess.run(
        [*QA, "index", str(feed), "--store", str(tmp_path / "timing")],
        env=ENV,
        check=True,
        capture_output=True,
    )
    full_run = time.monotonic() - started
    rng = random.Random(7)
    seen_counts = []
    for _ in range(4):
        process = subprocess.Popen(
            [*QA, "index", str(feed), "--store", str(store)],
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 0.6) * full_run)  # mid-run: after start-up, before the end
        workers = children(process.pid)  # the worker preparing batches ahead, once it has started
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert_ended(workers)
        if not (store / "store.sqlite").exists():
            continue
        indexed = check_consistent(store)
        assert indexed == ids[: len(indexed)]  # whole batches, in order: exactly what was committed
        assert len(indexed) % 64 == 0 or len(indexed) == len(ids)
        seen_counts.append(len(indexed))
    assert any(n < len(ids) for n in seen_counts), f"no kill landed mid-run: {seen_counts}"
    result = subprocess.run(
        [*QA, "index", str(feed), "--store", str(store)], env=ENV, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert check_consistent(store) == ids
    assert seen_counts == sorted(seen_counts)


@contextmanager
def busy_cores(processes: int = 2) -> Iterator[None]:
    """Every core of a 2-core machine busy for the block: `processes` busy-looping Python processes,
    killed when it ends. They run at the niceness of the workers that prepare articles ahead
    (`index.prepare_ahead.WORKER_NICENESS`), as other batch work on the machine would: at the writers'
    own priority they would starve those workers, and the test would measure little but the wait."""
    hog = f"import os\nos.nice({WORKER_NICENESS})\nwhile True: pass"
    hogs = [subprocess.Popen([sys.executable, "-c", hog]) for _ in range(processes)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait()


def test_two_writers_at_once_both_land(tmp_path: Path) -> None:
    """Both cores busy, as on a loaded machine. An import started while a long one runs commits between
    the long one's batches, instead of waiting for it to end (or giving up)."""
    store = tmp_path / "store"
    long = write_feed(tmp_path / "long.jsonl", 256, "a")  # four batches
    write_feed(tmp_path / "known.jsonl", 40, "b")
    more = write_feed(tmp_path / "more.jsonl", 60, "b")  # the same 40, and 20 more
    subprocess.run(
        [*QA, "index", str(tmp_path / "known.jsonl"), "--store", str(store)],
        env=ENV,
        check=True,
        capture_output=True,
    )

    def start(feed: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*QA, "index", str(tmp_path / feed), "--store", str(store)],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    with busy_cores():
        first = start("long.jsonl")
        while first.poll() is None and not added_at(store, "a-%"):  # its first batch is committed
            time.sleep(0.1)
        second = start("more.jsonl")
        outputs = [writer.communicate(timeout=600) for writer in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert outputs[1][0].startswith("20 added, 0 updated, 40 unchanged"), outputs[1]
    assert sorted(check_consistent(store)) == sorted(long + more)
    long_commits = added_at(store, "a-%")
    assert min(long_commits) < added_at(store, "b-59")[0] < max(long_commits), "not between its batches"


def added_at(store: Path, pattern: str) -> list[float]:
    """When the articles whose ids match `pattern` (SQL LIKE) were committed."""
    with closing(sqlite3.connect(store / "store.sqlite")) as db:
        query = "SELECT added_at FROM articles WHERE article_id LIKE ?"
        return [row[0] for row in db.execute(query, [pattern])]


def test_a_reader_keeps_answering_while_a_writer_adds(tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_feed(tmp_path / "a.jsonl", 30, "a")
    write_feed(tmp_path / "b.jsonl", 130, "b")  # three commits while the reader asks
    subprocess.run(
        [*QA, "index", str(tmp_path / "a.jsonl"), "--store", str(store)],
        env=ENV,
        check=True,
        capture_output=True,
    )
    writer = subprocess.Popen(
        [*QA, "index", str(tmp_path / "b.jsonl"), "--store", str(store)],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    answers = 0
    while writer.poll() is None:
        result = subprocess.run(
            [*QA, "ask", "--json", "Which council approved a budget?", "--store", str(store)],
            env=ENV,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["citations"]
        answers += 1
    _, errors = writer.communicate()
    assert writer.returncode == 0, errors
    assert answers >= 1
    assert len(check_consistent(store)) == 160
