"""Answers a minute through the app under load: many `gradio_client` users asking back to back.

    python -m bench.app_load [--users 50] [--seconds 60] [--store build/bench-news-store]

The store holds the 923 PolNeAR news articles of `../shared/eval/quotes.train.jsonl` and
`quotes.dev.jsonl` with their dates and publishers (built when missing; read at run time, never
copied). `qa serve` runs on a free port of 127.0.0.1 as a user starts it; each user is a thread with
its own `gradio_client.Client` asking the news dev questions (`qa_news.dev.jsonl`, shuffled with the
user's number) through the app's `/ask` endpoint, one after the other, for `--seconds`. It prints the
answers a minute, p50 / p95 / max seconds an answer, the errors, and one user alone for comparison.
Speed is measured here, never asserted in tests (bench/README.md has the latest run).
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
ROOT = Path(__file__).resolve().parents[1]


def _questions() -> list[str]:
    with open(EVAL / "qa_news.dev.jsonl", encoding="utf-8") as fh:
        return [json.loads(line)["question"] for line in fh if line.strip()]


def _build_store(store: Path) -> None:
    from qa.engine import QAEngine
    from qa.evaluation.news import news_articles
    from qa.evaluation.scoring import read_jsonl

    records = read_jsonl(EVAL / "quotes.train.jsonl") + read_jsonl(EVAL / "quotes.dev.jsonl")
    building = store.with_name(store.name + ".building")
    engine = QAEngine(building)
    engine.add_articles(news_articles(records))
    engine.store.close()
    building.rename(store)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _serve(store: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "qa"), "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"`qa serve` exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    server.kill()
    raise SystemExit("`qa serve` did not answer within 180 s")


def _run_users(url: str, users: int, seconds: float, questions: Sequence[str]) -> dict[str, Any]:
    from gradio_client import Client

    clients = [Client(url, verbose=False) for _ in range(users)]
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(users + 1)
    stop_at = [0.0]

    def user(number: int) -> None:
        asked = list(questions)
        random.Random(number).shuffle(asked)
        start.wait()
        i = 0
        while time.monotonic() < stop_at[0]:
            began = time.monotonic()
            try:
                clients[number].predict(asked[i % len(asked)], api_name="/ask")
                with lock:
                    times.append(time.monotonic() - began)
            except Exception as error:  # any failure a user would see counts
                with lock:
                    errors.append(f"{type(error).__name__}: {str(error)[:80]}")
            i += 1

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + seconds
    began = time.monotonic()
    start.wait()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    ordered = sorted(times)
    return {
        "users": users,
        "answers": len(times),
        "per_minute": round(len(times) * 60 / wall),
        "p50": statistics.median(ordered) if ordered else float("nan"),
        "p95": ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan"),
        "max": ordered[-1] if ordered else float("nan"),
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.app_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=ROOT / "build" / "bench-news-store")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    if not args.store.exists():
        print(f"building {args.store} (923 news articles) ...", file=sys.stderr)
        _build_store(args.store)
    port = _free_port()
    server = _serve(args.store, port)
    try:
        url = f"http://127.0.0.1:{port}/"
        questions = _questions()
        _run_users(url, 2, 10, questions)  # warm-up: models loaded, caches filled
        rows = [_run_users(url, 1, min(args.seconds, 30), questions)]
        rows.append(_run_users(url, args.users, args.seconds, questions))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("| users | answers | answers a minute | p50 s | p95 s | max s | errors |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['users']} | {row['answers']} | {row['per_minute']} | {row['p50']:.2f} | "
            f"{row['p95']:.2f} | {row['max']:.2f} | {row['errors']} |"
        )
    for row in rows:
        if row["first_error"]:
            print(f"first error with {row['users']} users: {row['first_error']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
