"""Answers a minute through the app under load: many `gradio_client` users asking back to back.

    python -m bench.app_load [--users 50] [--seconds 60] [--store build/bench-news-store]

The store holds the 923 PolNeAR news articles of `../shared/eval/quotes.train.jsonl` and
`quotes.dev.jsonl` with their dates and publishers (built when missing; read at run time, never
copied). `qa serve` runs on a free port of 127.0.0.1 as a user starts it; each user is a thread with
its own `gradio_client.Client` asking the news dev questions (`qa_news.dev.jsonl`, shuffled with the
user's number) through the app's `/ask` endpoint, one after the other, for `--seconds`. It prints the
answers a minute, p50 / p95 / max seconds an answer, the errors, one user alone for comparison, and the
CPU an answer took in the server and in the clients (which share the machine's cores).

`--client http` asks through the same queue with plain HTTP instead (`POST /gradio_api/call/ask`, then
its event stream; one keep-alive connection a user): `gradio_client`'s own work per call (a session,
a heartbeat and a stream reader per job, the API's schema) is client CPU the server then cannot use.
Speed is measured here, never asserted in tests (bench/README.md has the latest run).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
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
from typing import Any, Literal

from qa.answering.answerer import DEFAULT_CITATIONS

Asker = Literal["gradio", "http"]

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


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process `pid` so far, all its threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _HttpAsker:
    """One user's plain-HTTP asker, as a page or `gradio_client` asks: its own session, the question
    into gradio's queue (`POST /gradio_api/call/ask`), the answer read off the event's stream, over one
    keep-alive connection."""

    def __init__(self, port: int, number: int) -> None:
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self._session = f"bench-app-load-{number}-{random.getrandbits(32):08x}"

    def predict(self, question: str, api_name: str) -> Any:
        # /ask's inputs in order: question, k, scope, source, since (the API's defaults but the question)
        body = json.dumps(
            {"data": [question, DEFAULT_CITATIONS, None, "", ""], "session_hash": self._session}
        )
        self._connection.request(
            "POST", f"/gradio_api/call{api_name}", body, {"Content-Type": "application/json"}
        )
        response = self._connection.getresponse()
        joined = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"join: HTTP {response.status} {joined}")
        self._connection.request("GET", f"/gradio_api/call{api_name}/{joined['event_id']}")
        response = self._connection.getresponse()
        event = ""
        try:
            for raw in response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event in ("complete", "error"):
                    data = json.loads(line[6:])
                    if event == "error":
                        raise RuntimeError(f"error event: {data}")
                    return data
        finally:
            response.read()  # the stream ends with the event: leave the connection ready for the next
        raise RuntimeError("the event stream ended without an answer")


def _run_users(
    url: str, users: int, seconds: float, questions: Sequence[str], client: Asker = "gradio", server: int = 0
) -> dict[str, Any]:
    if client == "http":
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        clients: list[Any] = [_HttpAsker(port, n) for n in range(users)]
    else:
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
    server_cpu, client_cpu = _cpu_seconds(server) if server else 0.0, _cpu_seconds(os.getpid())
    start.wait()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    server_cpu = (_cpu_seconds(server) if server else 0.0) - server_cpu
    client_cpu = _cpu_seconds(os.getpid()) - client_cpu
    ordered = sorted(times)
    return {
        "users": users,
        "client": client,
        "answers": len(times),
        "server_ms": 1000 * server_cpu / max(1, len(times)),
        "client_ms": 1000 * client_cpu / max(1, len(times)),
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
    parser.add_argument(
        "--client",
        choices=["gradio", "http", "both"],
        default="both",
        help="who asks: gradio_client, plain HTTP, or each in turn (default)",
    )
    args = parser.parse_args(argv)
    kinds: list[Asker] = ["gradio", "http"] if args.client == "both" else [args.client]
    if not args.store.exists():
        print(f"building {args.store} (923 news articles) ...", file=sys.stderr)
        _build_store(args.store)
    load = os.getloadavg()
    port = _free_port()
    server = _serve(args.store, port)
    try:
        url = f"http://127.0.0.1:{port}/"
        questions = _questions()
        _run_users(url, 2, 10, questions, kinds[0], server.pid)  # warm-up: models loaded, caches filled
        rows = []
        for kind in kinds:
            rows.append(_run_users(url, 1, min(args.seconds, 30), questions, kind, server.pid))
            rows.append(_run_users(url, args.users, args.seconds, questions, kind, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"load average before: {load[0]:.2f} (1 min), after: {os.getloadavg()[0]:.2f}")
    print(
        "| client | users | answers | answers a minute | p50 s | p95 s | max s | errors "
        "| server CPU ms an answer | client CPU ms an answer |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['client']} | {row['users']} | {row['answers']} | {row['per_minute']} | "
            f"{row['p50']:.2f} | {row['p95']:.2f} | {row['max']:.2f} | {row['errors']} | "
            f"{row['server_ms']:.0f} | {row['client_ms']:.0f} |"
        )
    for row in rows:
        if row["first_error"]:
            print(f"first error with {row['users']} users: {row['first_error']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
