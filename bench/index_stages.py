"""Where indexing time goes, quotes on: real news articles indexed end to end, each stage timed.

    python -m bench.index_stages [--n 840]

The corpus is the PolNeAR news articles of `../shared/eval/quotes.train.jsonl` (real 2016 US political
news, read at run time and never copied), the first `--n` of them, repeated with new ids when `--n` is
larger. They are indexed with `index_articles` into a fresh store with the default encoder and quote
extraction, and each stage is timed from inside the pipeline: splitting and chunking, spaCy's parse,
quote attribution (the rest of `extract_quotes`), encoding, and writing (SQLite + FAISS). Wall time and
CPU time give the cores used. By default batches are prepared one ahead in a worker process, whose
stages this process cannot time (they show as "other"); `--in-turn` prepares them here, and
`--encode-chunks` encodes chunk texts as stores made before chunk vectors were sentence means do: both
flags give the old pipeline. Speed is measured here, never asserted in tests (bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from index.models import Article

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def news_articles(n: int) -> Iterator[Article]:
    """The first `n` PolNeAR articles, cycled with fresh ids past the end of the file."""
    from index.ingest import article_from_record

    with open(EVAL / "quotes.train.jsonl", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    for i in range(n):
        record = records[i % len(records)]
        article = article_from_record({k: v for k, v in record.items() if k != "quotes"})
        yield replace(article, id=f"{article.id}-{i // len(records)}") if i >= len(records) else article


class Stopwatch:
    """Seconds per stage, added up by wrapping the functions each stage calls."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started

        return timed

    def patch(self, owner: object, name: str, stage: str) -> None:
        """Time every call of `owner.name` (a module's function or an object's method) as `stage`."""
        setattr(owner, name, self.wrap(stage, getattr(owner, name)))


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.index_stages", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--n", type=int, default=840, help="articles to index")
    parser.add_argument("--in-turn", action="store_true", help="prepare batches in this process (no worker)")
    parser.add_argument(
        "--encode-chunks", action="store_true", help="encode chunk texts (as older stores do)"
    )
    args = parser.parse_args(argv)

    import index.pipeline as pipeline
    import index.prepare_ahead as prepare_ahead
    import qa.quotes.extraction.extract as extract
    from index.embedding import DEFAULT_MODEL, make_encoder
    from index.records import set_meta
    from index.store import Store
    from qa.library import EXTRACT_QUOTES
    from qa.quotes import extract_quotes

    articles = list(news_articles(args.n))
    encoder = make_encoder(DEFAULT_MODEL)
    encoder.embed_batch(["warm up"])
    from qa.nlp import load_spacy

    load_spacy()
    watch = Stopwatch()
    watch.patch(prepare_ahead, "split_sentences", "split + chunk")
    watch.patch(prepare_ahead, "make_chunks", "split + chunk")
    watch.patch(extract, "parse_paragraphs", "spaCy parse")
    # A wrapped extractor cannot be handed to the worker: time it only when preparing here.
    quotes = watch.wrap("quotes (parse + attribution)", extract_quotes) if args.in_turn else EXTRACT_QUOTES
    watch.patch(pipeline, "encode_documents", "encode")
    sentences = 0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(Path(tmp) / "store", encoder.name, encoder.dimension)
        if args.encode_chunks:
            with store.transaction() as cur:  # as a store made before chunk vectors were sentence means
                set_meta(cur, "chunk_vectors", "encoded")
        watch.patch(store, "write", "write (SQLite + FAISS)")
        cpu, started = _cpu_seconds(), time.perf_counter()
        report = pipeline.index_articles(store, encoder, articles, quotes, ahead=not args.in_turn)
        wall, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        sentences = sum(len(store.sentences(a)) for a in report.added)
        quote_count = len(store.quotes())
        size = sum(f.stat().st_size for f in (Path(tmp) / "store").rglob("*") if f.is_file())
        store.close()
    stages = dict(watch.seconds)
    if args.in_turn:
        stages["attribution"] = stages.pop("quotes (parse + attribution)") - stages.get("spaCy parse", 0.0)
        stages["other"] = wall - sum(stages.values())
    else:  # the first batch is prepared here, the others by the workers meanwhile
        stages = {
            f"{k} (first batch)" if k in ("spaCy parse", "split + chunk") else k: v for k, v in stages.items()
        }
        stages["waiting for the workers, other"] = wall - sum(stages.values())
    print(
        f"{len(report.added)} articles, {sentences:,} sentences, {quote_count:,} quotes, "
        f"store {size / 1e6:.0f} MB, {os.cpu_count()} cores"
    )
    print(f"end to end: {wall:.1f} s wall, {sentences / wall:.0f} sentences/s, {cpu / wall:.2f} cores busy\n")
    print("| stage | seconds | share | sentences/s |")
    print("|---|---|---|---|")
    for stage, seconds in sorted(stages.items(), key=lambda item: -item[1]):
        rate = f"{sentences / seconds:,.0f}" if seconds > 0 else "-"
        print(f"| {stage} | {seconds:.1f} | {seconds / wall:.0%} | {rate} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
