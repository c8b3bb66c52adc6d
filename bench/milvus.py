"""Milvus Lite beside the default store (FAISS files + FTS5): insert rate, query p50/p95, recall@10.

    python -m bench.milvus --articles 400

Both stores get the same generated articles (`bench.corpus`) through `index_articles`, embedded by the
hashing encoder at 384 dimensions: deterministic pseudo-random unit vectors from each text's hash, so
no model runs and the figures are the engines' own (and both stores hold the same row ids). Then, for
`--queries` dev questions (their hashed vectors): dense search of the sentences (top 10), lexical
search of the chunks (the `qa.answering.retrieve` query, top 40) and the fused chunk search retrieval runs
(`qa.answering.retrieve.retrieve` for both stores; Milvus' own `hybrid_search` with RRF as another row).
Recall@10 of the dense search is against exact inner-product search over every stored sentence
vector (ties count as found, see `bench.latency`); "BM25 agreement" is the share of FTS5's top 10
chunks that Milvus' BM25 also ranks in its top 10. Last, approximate Milvus indexes (IVF_FLAT, HNSW)
over the same sentence vectors, inserted straight into the engine and flushed so that the index is
built. Insert rates count sentence and chunk rows per second, end to end for the stores (splitting,
SQLite, FTS5 and the vector engine), the engine alone for the index rows.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from bench.corpus import generate_articles
from bench.latency import _exact_top10_scores, _ms, _recall_at_10, read_questions
from index.embedding import HashingEncoder, Vectors, encode_query
from index.milvus import DenseIndex, MilvusVectors
from index.pipeline import index_articles, open_or_create
from index.store import Store
from index.vector_search import VectorRows, parse_vectors
from qa.answering.retrieve import retrieve
from qa.lexical import lexical_query

DIMENSION = 384
T = TypeVar("T")
X = TypeVar("X")
Hits = list[tuple[int, float]]


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    engine: str
    rows: int
    insert_per_s: float
    dense: tuple[float, float]  # p50, p95 ms
    lexical: tuple[float, float] | None
    fused: tuple[float, float] | None
    recall: float
    bm25_agreement: float | None = None


def timed(search: Callable[[X], T], inputs: Sequence[X]) -> tuple[tuple[float, float], list[T]]:
    """p50 and p95 milliseconds of `search` on each input (after three warm-up calls), and its results."""
    for value in inputs[:3]:
        search(value)
    seconds: list[float] = []
    results: list[T] = []
    for value in inputs:
        started = time.perf_counter()
        results.append(search(value))
        seconds.append(time.perf_counter() - started)
    return (_ms(seconds, 50), _ms(seconds, 95)), results


def recall_at_10(live: list[int], vectors: Vectors, queries: Vectors, found: list[Hits]) -> float:
    """Recall@10 of `found` (row ids) against exact search over `vectors` (the rows `live`, in order)."""
    position = {row: i for i, row in enumerate(live)}
    rows = [[position[row] for row, _ in hits] for hits in found]
    return _recall_at_10(vectors, queries, rows, _exact_top10_scores(vectors, queries))


def measure_store(
    store: Store, seconds: float, questions: list[str], queries: Vectors
) -> tuple[Row, list[Hits]]:
    """Insert rate and the dense, lexical and fused searches of one store; also the lexical hits."""
    live = store.live_rows("sentences")
    rows = len(live) + len(store.live_rows("chunks"))
    asked = list(zip(questions, queries))
    dense, found = timed(lambda q: store.search_dense("sentences", q, 10), list(queries))
    lexical, words = timed(lambda t: store.search_lexical("chunks", lexical_query(store, t), 40), questions)
    fused, _ = timed(lambda pair: retrieve(store, pair[0], pair[1]), asked)
    recall = recall_at_10(live, store.vectors("sentences", live), queries, found)
    return Row("default: FAISS flat + FTS5", rows, rows / seconds, dense, lexical, fused, recall), words


def measure_milvus_text(
    store: Store, questions: list[str], queries: Vectors, row: Row
) -> tuple[Row, list[Hits]]:
    """The Milvus store's row with Milvus' own BM25 and `hybrid_search` (dense + BM25, RRF) over its
    chunks, asked of the engine: on Milvus Lite the store itself ranks text with FTS5
    (`MilvusVectors.ranks_text`), as the `retrieve` row shows."""
    engine = MilvusVectors.connect(store.vectors_choice, store.meta()["vectors_name"], DIMENSION, None)
    asked = list(zip(questions, queries))
    lexical, words = timed(lambda t: engine.search_lexical("chunks", lexical_query(store, t), 40), questions)
    fused, _ = timed(
        lambda pair: engine.search_fused("chunks", pair[1], lexical_query(store, pair[0]), 40), asked
    )
    return replace(
        row, engine="Milvus Lite, FLAT; BM25 and `hybrid_search` (RRF)", lexical=lexical, fused=fused
    ), words


def measure_index(store: Store, dense: DenseIndex, queries: Vectors, uri: str) -> Row:
    """An approximate Milvus index over the store's sentence vectors, inserted and flushed, then queried."""
    live = store.live_rows("sentences")
    vectors = store.vectors("sentences", live)
    sentences = store.sentence_rows(live)
    choice = parse_vectors(f"milvus:{uri}")
    engine = MilvusVectors.connect(choice, f"bench_{dense.type.lower()}", DIMENSION, None, dense)
    try:
        started = time.perf_counter()
        texts = [sentences[r].text for r in live]
        owners = [sentences[r].article_id for r in live]
        engine.add("sentences", VectorRows(live, vectors, texts, owners, [""] * len(live), [""] * len(live)))
        engine.flush()
        seconds = time.perf_counter() - started
        timing, found = timed(lambda q: engine.search_dense("sentences", q, 10), list(queries))
        params = ", ".join(f"{k} {v}" for k, v in {**dense.build, **dense.search}.items())
        name = f"Milvus Lite, {dense.type} ({params}), engine alone"
        return Row(
            name,
            len(live),
            len(live) / seconds,
            timing,
            None,
            None,
            recall_at_10(live, vectors, queries, found),
        )
    finally:
        engine.drop()
        engine.close()


def format_table(rows: list[Row]) -> str:
    def pair(value: tuple[float, float] | None) -> str:
        return "–" if value is None else f"{value[0]:.1f} / {value[1]:.1f}"

    lines = [
        "| engine | rows | insert rows/s | dense p50 / p95 ms | lexical p50 / p95 ms | fused p50 / p95 ms | "
        "recall@10 | BM25 agreement@10 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        agreement = "–" if r.bm25_agreement is None else f"{r.bm25_agreement:.3f}"
        lines.append(
            f"| {r.engine} | {r.rows:,} | {r.insert_per_s:,.0f} | {pair(r.dense)} | {pair(r.lexical)} | "
            f"{pair(r.fused)} | {r.recall:.3f} | {agreement} |"
        )
    return "\n".join(lines)


def run(articles: int, queries: int, seed: int, folder: Path) -> list[Row]:
    encoder = HashingEncoder(DIMENSION)
    questions = read_questions(queries, seed)
    vectors = np.stack([encode_query(encoder, q) for q in questions])
    lite = str(folder / "vectors.db")
    table: list[Row] = []
    lexical: dict[str, list[Hits]] = {}
    for name, choice in [("faiss", None), ("milvus", parse_vectors(f"milvus:{lite}"))]:
        store = open_or_create(folder / name, encoder, choice)
        started = time.perf_counter()
        index_articles(store, encoder, generate_articles(articles, seed))
        row, lexical[name] = measure_store(store, time.perf_counter() - started, questions, vectors)
        if choice is None:
            table.append(row)
        else:
            table.append(
                replace(row, engine="Milvus Lite, FLAT; FTS5 (the store on Lite)", recall=row.recall)
            )
            milvus, words = measure_milvus_text(store, questions, vectors, row)
            table.append(replace(milvus, bm25_agreement=_agreement(lexical["faiss"], words)))
            lists = 4 * int(len(store.live_rows("sentences")) ** 0.5)
            for dense in (
                DenseIndex("IVF_FLAT", {"nlist": lists}, {"nprobe": 16}),
                DenseIndex("HNSW", {"M": 16, "efConstruction": 200}, {"ef": 64}),
            ):
                table.append(measure_index(store, dense, vectors, lite))
        store.close()
    return table


def _agreement(fts5: list[Hits], milvus: list[Hits]) -> float:
    """Share of FTS5's top 10 rows that Milvus' BM25 also has in its top 10."""
    shared = total = 0
    for a, b in zip(fts5, milvus):
        top = {row for row, _ in a[:10]}
        shared += len(top & {row for row, _ in b[:10]})
        total += len(top)
    return shared / max(total, 1)


def main(argv: Sequence[str] | None = None) -> int:
    """Milvus Lite beside the default store; prints a markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.milvus", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=400, help="generated articles (default 400)")
    parser.add_argument("--queries", type=int, default=200, help="questions per search (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="corpus and question seed (default 0)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-milvus-"))
    try:
        print(format_table(run(args.articles, args.queries, args.seed, folder)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
