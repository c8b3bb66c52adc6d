"""Answer and quote-check latency with the reader, warm, on the dev store.

    python -m bench.answers [--store build/dev-store] [--queries 300] [--news]

The store holds the dev articles and the quotes articles as distractors (as `qa eval` builds it; it
is built when missing). Every question of `qa.dev.jsonl` and `qa_whosaid.dev.jsonl` (up to
`--queries`, shuffled with the seed) is asked through `QAEngine.ask` after a warm-up, then the same
number of quote checks (gold quotes of the dev news articles: as they stand, with a word dropped, and
spliced from halves of two) through `QAEngine.check_quote`; it prints p50 / p95 / max ms and the
reader's share. `--news`: the 840 news articles of `quotes.train.jsonl` (dates and publishers, as
`qa eval news` indexes them) and the news questions of `qa_news.dev.jsonl` instead. Speed is
measured here, never asserted in tests (bench/README.md has the latest run).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def _lines(name: str) -> list[dict[str, Any]]:
    with open(EVAL / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _row(name: str, seconds: Sequence[float]) -> str:
    ms = sorted(1000 * s for s in seconds)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    return f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | {p95:.1f} | {ms[-1]:.1f} |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.answers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="default: build/dev-store, with --news build/news-store")
    parser.add_argument(
        "--news",
        action="store_true",
        help="the 840 news articles of quotes.train.jsonl and the news questions (qa_news.dev.jsonl)",
    )
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from index.embedding import DEFAULT_MODEL, make_encoder
    from index.ingest import article_from_record
    from qa.engine import QAEngine
    from qa.evaluation.news import news_articles

    store = args.store or Path("build/news-store" if args.news else "build/dev-store")
    quote_file = "quotes.train.jsonl" if args.news else "quotes.dev.jsonl"
    engine = QAEngine(store, make_encoder(DEFAULT_MODEL))
    if not store.exists():
        if args.news:
            engine.add_articles(news_articles(_lines(quote_file)))
        else:
            records = _lines("articles.dev.jsonl") + _lines("quotes.dev.jsonl")
            engine.add_articles([article_from_record(r) for r in records])
    engine.warm_up()
    rng = random.Random(args.seed)
    asked = ["qa_news.dev.jsonl"] if args.news else ["qa.dev.jsonl", "qa_whosaid.dev.jsonl"]
    questions = [str(q["question"]) for name in asked for q in _lines(name)]
    rng.shuffle(questions)
    questions = questions[: args.queries]
    reader_seconds: list[float] = []
    read = engine.answerer.reader.read

    def timed_read(*a: Any, **kw: Any) -> Any:
        started = time.perf_counter()
        try:
            return read(*a, **kw)
        finally:
            reader_seconds.append(time.perf_counter() - started)

    setattr(engine.answerer.reader, "read", timed_read)  # noqa: B010 - time each call of this one engine
    answers = []
    for question in questions:
        started = time.perf_counter()
        engine.ask(question)
        answers.append(time.perf_counter() - started)
    quotes = [
        str(q["quote"])
        for r in _lines(quote_file)
        for q in r["quotes"]
        if q["quote_type"] == "direct" and len(str(q["quote"]).split()) >= 6
    ]
    rng.shuffle(quotes)
    checks = []
    verdicts: dict[str, int] = {}
    for i, quote in enumerate(quotes[: args.queries]):
        words = quote.split()
        if i % 3 == 0:
            text = quote  # as it stands
        elif i % 3 == 1:
            text = " ".join(words[:2] + words[3:])  # a word dropped
        else:  # spliced: the first half of this quote, the second half of another
            other = quotes[(i + 1) % len(quotes)].split()
            text = " ".join(words[: len(words) // 2] + other[len(other) // 2 :])
        started = time.perf_counter()
        verdict = engine.check_quote(text).verdict
        checks.append(time.perf_counter() - started)
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    articles = engine.store.count()
    print(f"store: {articles:,} articles; reader calls: {len(reader_seconds)}; quote checks: {verdicts}")
    print("| what | n | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    print(_row("`QAEngine.ask` (retrieval, scoring, reader, composition)", answers))
    print(_row("of which the reader (`Reader.read`, per call)", reader_seconds))
    print(_row("`QAEngine.check_quote`", checks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
