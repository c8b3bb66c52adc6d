"""Answer latency while `qa index` writes to the same store: does indexing starve a running app?

    python -m bench.answers_while_indexing [--n 840] [--queries 100]

A copy of the dev store (`build/dev-store`, built by `python -m bench.answers` or `qa eval`) is
opened by an engine in this process, as `qa serve` opens it; the dev questions are asked once with the
machine idle, then again while a `qa index` subprocess adds the first `--n` PolNeAR news articles of
`../shared/eval/quotes.train.jsonl` (quotes on, prepared ahead in a worker) to the same store. It prints
p50 / p95 / max per phase and the indexing rate. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def _row(name: str, seconds: Sequence[float]) -> str:
    ms = sorted(1000 * s for s in seconds)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    return f"| {name} | {len(ms)} | {statistics.median(ms):.0f} | {p95:.0f} | {ms[-1]:.0f} |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.answers_while_indexing", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--store", type=Path, default=Path("build/dev-store"))
    parser.add_argument("--n", type=int, default=840, help="news articles indexed meanwhile")
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args(argv)
    if not args.store.exists():
        raise SystemExit(f"No store at {args.store}: build it with `python -m bench.answers` first.")

    from index.embedding import DEFAULT_MODEL, make_encoder
    from qa.engine import QAEngine

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        shutil.copytree(args.store, store)
        corpus = Path(tmp) / "news.jsonl"
        with open(EVAL / "quotes.train.jsonl", encoding="utf-8") as source, open(corpus, "w") as out:
            for _, line in zip(range(args.n), source):
                record = json.loads(line)
                record.pop("quotes", None)
                out.write(json.dumps(record) + "\n")
        engine = QAEngine(store, make_encoder(DEFAULT_MODEL))
        engine.warm_up()
        with open(EVAL / "qa.dev.jsonl", encoding="utf-8") as fh:
            questions = [json.loads(line)["question"] for line in fh if line.strip()]
        random.Random(0).shuffle(questions)
        questions = questions[: args.queries]

        def ask_all() -> list[float]:
            seconds = []
            for question in questions:
                started = time.perf_counter()
                engine.ask(question)
                seconds.append(time.perf_counter() - started)
            return seconds

        idle = ask_all()
        started = time.perf_counter()
        indexing = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "index", str(corpus), "--store", str(store)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ},
        )
        busy: list[float] = []
        while indexing.poll() is None:
            busy += ask_all()
        seconds = time.perf_counter() - started
        summary = indexing.stdout.read().strip() if indexing.stdout else ""
    print(f"indexing {args.n} articles alongside: {seconds:.0f} s ({summary})")
    print("| answers | n | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    print(_row("machine idle", idle))
    print(_row("while `qa index` runs", busy))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
