"""Query latency, store size and peak memory over generated corpora of 1k, 10k (and 100k) articles.

For each size a store is built with the ONNX int8 encoder (`index_articles`), then questions from
the dev sets are asked through `QAEngine.ask` with a warm model, twice:
- ours: the ONNX int8 query encoder, the store as built (`index/faiss_engine.py`: FAISS flat segments,
  the base an IVF of half-precision vectors above 200k vectors);
- naive: `SentenceTransformer.encode` with default settings as the query encoder, on the same store.
  The store holds ONNX vectors (cosine ~0.99 to torch ones), which changes no timing;
  it is opened under the ONNX encoder's name so the naive store need not be built a second time.
Each phase runs in a fresh process so its peak resident memory (`ru_maxrss`) is its own. A stage table
splits a question's time (encoding, dense and lexical search per kind), and an ANN table measures what
an approximate FAISS index would give on the store's own vectors (one FAISS thread): search time and
recall@10 against exact search, ties counted as found (the issue asks for >= 0.95).

    python -m bench.latency --sizes 1000,10000          # add 100000 for the long run
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Literal

import numpy as np

from bench.corpus import EVAL, generate_articles
from bench.indexing import NaiveEncoder
from index.embedding import Encoder, Vectors, encode_query
from index.onnx_embedding import DEFAULT_CACHE, OnnxEncoder

QueryPath = Literal["ours", "naive"]
DENSE_DEPTH = 40  # what `qa.answering.retrieve.retrieve` asks for (k * 2 with k = 20)
SENTENCE_DEPTH = 30  # `qa.answering.sentences.SENTENCE_DEPTH`
ALTERNATIVES_UP_TO = 300_000  # other index types are built and compared up to this many vectors


@dataclass(frozen=True, slots=True)
class Build:
    """A built store: its size on disk, counts and the building process's figures."""

    articles: int
    sentences: int
    chunks: int
    seconds: float
    store_bytes: int
    peak_rss_mb: float


@dataclass(frozen=True, slots=True)
class Latency:
    """Per-question seconds of one query path, plus stage timings and the process's peak memory."""

    path: QueryPath
    seconds: list[float]
    stages: dict[str, list[float]]
    peak_rss_mb: float


@dataclass(frozen=True, slots=True)
class AnnRow:
    """An index type measured on one kind of the store's vectors."""

    kind: str
    index: str
    vectors: int
    build_seconds: float
    seconds: list[float]
    recall_at_10: float
    megabytes: float


class NamedEncoder:
    """An encoder presented under another name, to query a store built with a sibling encoder."""

    def __init__(self, inner: Encoder, name: str) -> None:
        self.inner = inner
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        return self.inner.embed_batch(texts)


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_questions(count: int, seed: int) -> list[str]:
    """`count` questions drawn from the dev QA and who-said sets."""
    import json

    questions = []
    for name in ("qa.dev.jsonl", "qa_whosaid.dev.jsonl"):
        with open(EVAL / name, encoding="utf-8") as fh:
            questions += [json.loads(line)["question"] for line in fh if line.strip()]
    random.Random(seed).shuffle(questions)
    return questions[:count]


def build_store(store_path: Path, n: int, seed: int, cache: Path, quotes: bool) -> Build:
    """Index `n` generated articles into a new store with the ONNX encoder (run in a child process)."""
    from index.pipeline import index_articles, open_or_create

    encoder = OnnxEncoder(cache)
    encoder.embed_batch(["warm up"])
    extract = None
    if quotes:
        from qa.quotes import extract_quotes

        extract = extract_quotes
    store = open_or_create(store_path, encoder)
    started = time.perf_counter()
    try:
        index_articles(store, encoder, generate_articles(n, seed), extract)  # streamed, batch by batch
        seconds = time.perf_counter() - started
        sentences = sum(info.sentences for info in store.articles())
    finally:
        store.close()
    chunks = _count_rows(store_path, "chunks")
    size = sum(f.stat().st_size for f in store_path.iterdir() if f.is_file())
    return Build(n, sentences, chunks, seconds, size, peak_rss_mb())


def describe_store(store_path: Path) -> Build:
    """An existing store's counts and size (for `--existing`: its build was measured elsewhere)."""
    articles = _count_rows(store_path, "articles")
    sentences = _count_rows(store_path, "sentences")
    size = sum(f.stat().st_size for f in store_path.iterdir() if f.is_file())
    return Build(articles, sentences, _count_rows(store_path, "chunks"), math.nan, size, math.nan)


def _count_rows(store_path: Path, table: str) -> int:
    import sqlite3

    db = sqlite3.connect(f"file:{store_path / 'store.sqlite'}?mode=ro", uri=True)
    try:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        db.close()


def measure_queries(store_path: Path, path: QueryPath, questions: list[str], cache: Path) -> Latency:
    """Ask every question through `QAEngine.ask` after a warm-up (run in a child process)."""
    from qa.engine import QAEngine
    from qa.lexical import lexical_query

    onnx = OnnxEncoder(cache)
    encoder: Encoder = onnx if path == "ours" else NamedEncoder(NaiveEncoder(), onnx.name)
    engine = QAEngine(store_path, encoder)
    engine.warm_up()
    for question in questions[:5]:
        engine.ask(question)
    seconds = []
    for question in questions:
        started = time.perf_counter()
        engine.ask(question)
        seconds.append(time.perf_counter() - started)
    stages: dict[str, list[float]] = {}
    store = engine.store
    for question in questions:
        started = time.perf_counter()
        query = encode_query(encoder, question)
        timings = [("encode", time.perf_counter() - started)]
        for kind, depth in (("chunks", DENSE_DEPTH), ("sentences", SENTENCE_DEPTH)):
            started = time.perf_counter()
            store.search_dense(kind, query, depth)
            timings.append((f"dense {kind}", time.perf_counter() - started))
            started = time.perf_counter()
            store.search_lexical(kind, lexical_query(store, question, kind), depth)
            timings.append((f"lexical {kind}", time.perf_counter() - started))
        for stage, value in timings:
            stages.setdefault(stage, []).append(value)
    return Latency(path, seconds, stages, peak_rss_mb())


def measure_ann(store_path: Path, questions: list[str], cache: Path) -> list[AnnRow]:
    """The store's own vector search (as built: segments, IVF above the threshold) against exact search,
    and, up to `ALTERNATIVES_UP_TO` vectors, other index types built on the same vectors (in a child)."""
    import faiss

    from index.faiss_engine import FaissEngine
    from index.store import Store

    # Single queries gain nothing from threads, and a busy second core makes each OpenMP region cost
    # tens of milliseconds (bench/README.md), so every index is measured with one thread.
    faiss.omp_set_num_threads(1)
    encoder = OnnxEncoder(cache)
    queries = np.stack([encode_query(encoder, q) for q in questions]).astype(np.float32)
    store = Store.open(store_path, encoder.name)
    rows = []
    for kind in ("chunks", "sentences"):
        ids = np.asarray(store.live_rows(kind), dtype=np.int64)  # sorted
        vectors = store.vectors(kind, list(ids))  # whatever the segments: bases, deltas, IVF or flat
        depth = DENSE_DEPTH if kind == "chunks" else SENTENCE_DEPTH
        truth_scores = _exact_top10_scores(vectors, queries)
        seconds, found = [], []
        for query in queries:
            started = time.perf_counter()
            hits = store.search_dense(kind, query, depth)
            seconds.append(time.perf_counter() - started)
            found.append(np.searchsorted(ids, [row for row, _ in hits[:10]]))
        size = sum(f.stat().st_size for f in store_path.glob(f"{kind}.*.faiss")) / 2**20
        recall = _recall_at_10(vectors, queries, found, truth_scores)
        approximate = isinstance(store.engine, FaissEngine) and store.engine.is_approximate(kind)
        label = "store as built (IVF fp16)" if approximate else "store as built (flat)"
        rows.append(AnnRow(kind, label, len(ids), 0.0, seconds, recall, size))
        if len(ids) <= ALTERNATIVES_UP_TO:
            rows += _alternatives(kind, vectors, queries, depth, truth_scores)
    store.close()
    return rows


def _alternatives(
    kind: str, vectors: Vectors, queries: Vectors, depth: int, truth_scores: Any
) -> list[AnnRow]:
    """Flat, HNSW (float and 8-bit) and IVF flat indexes built on the vectors, each measured."""
    import faiss

    dimension = vectors.shape[1]
    eight_bit: Any = faiss.ScalarQuantizer.QT_8bit
    candidates: list[tuple[str, Any]] = [
        ("flat (exact)", faiss.IndexFlatIP(dimension)),
        ("HNSW32", faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)),
        ("HNSW32 + SQ8", faiss.IndexHNSWSQ(dimension, eight_bit, 32, faiss.METRIC_INNER_PRODUCT)),
    ]
    # IVF keeps near-copies of a sentence in one cell and supports `remove_ids`, which the store's
    # updates need; about 4 * sqrt(n) lists, with at least 40 training vectors per list.
    lists = max(1, min(int(4 * np.sqrt(len(vectors))), len(vectors) // 40))
    ivf = faiss.index_factory(dimension, f"IVF{lists},Flat", faiss.METRIC_INNER_PRODUCT)
    candidates.append((f"IVF{lists} flat, nprobe 16", ivf))
    rows = []
    for label, index in candidates:
        started = time.perf_counter()
        if label.startswith("HNSW"):
            index.hnsw.efConstruction = 80
        index.train(vectors)
        index.add(vectors)
        if label.startswith("HNSW"):
            index.hnsw.efSearch = 128
        if label.startswith("IVF"):
            faiss.extract_index_ivf(index).nprobe = 16
        build = time.perf_counter() - started if label != "flat (exact)" else 0.0
        seconds = []
        for query in queries:
            started = time.perf_counter()
            index.search(query.reshape(1, -1), depth)
            seconds.append(time.perf_counter() - started)
        found = list(index.search(queries, 10)[1])
        recall = _recall_at_10(vectors, queries, found, truth_scores)
        size = faiss.serialize_index(index).nbytes / 2**20
        rows.append(AnnRow(kind, label, len(vectors), build, seconds, recall, size))
    return rows


def _exact_top10_scores(vectors: Vectors, queries: Vectors) -> Any:
    """Each query's 10 best inner products over all vectors, best first (by blocks: no index copy)."""
    best = np.full((len(queries), 10), -np.inf, dtype=np.float32)
    for start in range(0, len(vectors), 200_000):
        scores = queries @ vectors[start : start + 200_000].T
        best = -np.sort(-np.concatenate([best, scores], axis=1), axis=1)[:, :10]
    return best


def _recall_at_10(vectors: Vectors, queries: Vectors, found: Sequence[Any], truth_scores: Any) -> float:
    """Share of the exact top 10 an index finds, counting ties: the generated corpus repeats sentences,
    so an equally near duplicate of a true neighbour counts as found (ids alone would under-count)."""
    hits = 0
    for query, rows, scores in zip(queries, found, truth_scores):
        rows = [r for r in rows if r >= 0]
        exact = vectors[rows] @ query if rows else np.zeros(0, dtype=np.float32)
        hits += int(np.sum(exact >= scores[-1] - 1e-5))
    return hits / (10 * len(queries))


def _ms(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


def run_in_child(function: Any, *args: Any) -> Any:
    """Run `function(*args)` in a fresh process, so memory and loaded models are the call's own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def format_tables(results: list[tuple[Build, list[Latency], list[AnnRow]]]) -> str:
    """Markdown tables: latency and memory per size and path, stages, approximate indexes."""
    lines = [
        "| articles | sentences | chunks | query path | p50 ms | p95 ms | peak RSS MB (query process) | "
        "store MB | index s (onnx, peak RSS MB) |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for build, latencies, _ in results:
        for latency in latencies:
            label = (
                "ours: onnx int8 query"
                if latency.path == "ours"
                else "naive: sentence-transformers query, same store"
            )
            lines.append(
                f"| {build.articles:,} | {build.sentences:,} | {build.chunks:,} | {label} | "
                f"{_ms(latency.seconds, 50):.0f} | {_ms(latency.seconds, 95):.0f} | "
                f"{latency.peak_rss_mb:,.0f} | {build.store_bytes / 2**20:,.0f} | "
                + (
                    "– |"
                    if math.isnan(build.seconds)
                    else f"{build.seconds:,.0f} ({build.peak_rss_mb:,.0f}) |"
                )
            )
    stage_names = list(results[0][1][0].stages) if results and results[0][1] else []
    lines += ["", "| articles | query path | " + " | ".join(f"{s} p50/p95 ms" for s in stage_names) + " |"]
    lines.append("|---:|---|" + "---:|" * len(stage_names))
    for build, latencies, _ in results:
        for latency in latencies:
            cells = [
                f"{_ms(latency.stages[s], 50):.1f} / {_ms(latency.stages[s], 95):.1f}" for s in stage_names
            ]
            lines.append(f"| {build.articles:,} | {latency.path} | " + " | ".join(cells) + " |")
    if any(ann for _, _, ann in results):
        lines += [
            "",
            "| articles | vectors | index | vectors (n) | build s | search p50 / p95 ms | recall@10 | MB |",
            "|---:|---|---|---:|---:|---:|---:|---:|",
        ]
        for build, _, ann in results:
            for row in ann:
                lines.append(
                    f"| {build.articles:,} | {row.kind} | {row.index} | {row.vectors:,} | "
                    f"{row.build_seconds:.0f} | {_ms(row.seconds, 50):.2f} / {_ms(row.seconds, 95):.2f} | "
                    f"{row.recall_at_10:.3f} | {row.megabytes:,.0f} |"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure query latency, store size and peak memory per corpus size; print markdown tables.

    Example: python -m bench.latency --sizes 1000,10000 --queries 200
    """
    parser = argparse.ArgumentParser(prog="python -m bench.latency", description=main.__doc__)
    parser.add_argument(
        "--sizes", default="1000,10000", help="comma-separated article counts (default 1000,10000)"
    )
    parser.add_argument("--queries", type=int, default=200, help="questions asked per path (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="corpus and question seed (default 0)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="ONNX model cache folder")
    parser.add_argument("--quotes", action="store_true", help="extract quotes while indexing (spaCy; slow)")
    parser.add_argument("--skip-ann", action="store_true", help="do not measure approximate indexes")
    parser.add_argument("--keep", type=Path, help="build the stores under this folder and keep them")
    parser.add_argument(
        "--existing", type=Path, help="measure queries on this store (built with the ONNX encoder) instead"
    )
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated whole numbers, got {args.sizes!r}")
    if not sizes or min(sizes) < 1 or args.queries < 1:
        parser.error(f"--sizes and --queries must be positive, got {args.sizes!r} and {args.queries}")
    questions = read_questions(args.queries, args.seed)
    cache = args.cache.expanduser()
    results = []
    if args.existing:
        if not (args.existing / "store.sqlite").is_file():
            parser.error(f"--existing: no store at '{args.existing}'")
        build = describe_store(args.existing)
        print(f"measuring {build.articles:,} articles in {args.existing} ...", flush=True)
        latencies = [
            run_in_child(measure_queries, args.existing, p, questions, cache) for p in ("ours", "naive")
        ]
        ann = [] if args.skip_ann else run_in_child(measure_ann, args.existing, questions, cache)
        print()
        print(format_tables([(build, latencies, ann)]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        for n in sizes:
            store_path = root / f"store-{n}"
            print(f"building {n:,} articles into {store_path} ...", flush=True)
            build = run_in_child(build_store, store_path, n, args.seed, cache, args.quotes)
            print(f"  {build.sentences:,} sentences in {build.seconds:,.0f} s", flush=True)
            latencies = [
                run_in_child(measure_queries, store_path, path, questions, cache)
                for path in ("ours", "naive")
            ]
            for latency in latencies:
                print(
                    f"  {latency.path}: p50 {_ms(latency.seconds, 50):.0f} ms, "
                    f"p95 {_ms(latency.seconds, 95):.0f} ms",
                    flush=True,
                )
            ann = [] if args.skip_ann else run_in_child(measure_ann, store_path, questions, cache)
            results.append((build, latencies, ann))
    print()
    print(format_tables(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
