"""Where the answerable news questions whose first citation misses are lost (docs/news.md).

Reads the rows of `python -m lab.news.readings` and, for each answerable question answered wrong or
declined, asks the store again (retrieval and sentence scoring only, no reader) where its gold
sentences stand:

- `no gold sentence`: no sentence of an answering article holds a gold answer whole;
- `a: not retrieved`: no gold sentence among the scored candidates (`article not retrieved` when no
  candidate comes from an answering article at all);
- `b: not read`: scored, but below the candidates the reader read;
- `c: outranked by ...`: read, but another candidate is first: one of another article, the lead
  (the article's first sentence, its headline in most news text), or another sentence of an answering
  article;
- `d: first, declined`: the gold sentence is first but the answer was declined;
- `e: first, not cited first`: the gold sentence is first among the candidates but not the first
  citation (composing moved it);
- `q: the quote table answered with another quote` (a who-said or what-said question).

Run: `python -m lab.news.misses [--readings build/news/readings.json] [--half nA]`.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.embedding import DEFAULT_MODEL, encode_query
from lab.news.readings import holds_gold
from qa.answering.retrieve import retrieve
from qa.answering.sentences import score_sentences
from qa.engine import QAEngine
from qa.evaluation.news import NewsQuestion, news_store
from qa.evaluation.scoring import read_jsonl

_EVAL = Path("../shared/eval")


def classify(engine: QAEngine, question: NewsQuestion, row: dict[str, Any]) -> dict[str, Any]:
    """The class of one missed question (see the module's docstring) and what stands behind it."""
    store = engine.answerer.store
    candidates = row["candidates"]
    gold_read = [i for i, c in enumerate(candidates) if c["gold"]]
    found: dict[str, Any] = {"id": question.id, "type": question.type, "question": question.question}
    if row["from_quotes"]:  # the candidates are the quote table's citations, read for its confidence
        return {**found, "class": "q: the quote table answered with another quote"}
    if gold_read and gold_read[0] == 0:
        kind = "d: first, declined" if row["abstained"] else "e: first, not cited first"
        return {**found, "class": kind}
    if gold_read:
        first = candidates[0]
        if first["article"] not in question.ok_articles:
            by = "another article"
        elif first["position"] == 0:
            by = "the lead"
        else:
            by = "another sentence of its article"
        return {
            **found,
            "class": f"c: outranked by {by}",
            "gold_at": gold_read[0],
            "first": first["text"][:100],
        }
    golds = [
        (s.article_id, s.position)
        for a in question.ok_articles
        for s in store.sentences(a)
        if holds_gold(question, a, s.text)
    ]
    if not golds:
        return {**found, "class": "no gold sentence"}
    query = encode_query(engine.answerer.library.encoder, question.question)
    hits = retrieve(store, question.question, query)
    ranked = score_sentences(store, question.question, query, hits)
    places = [(s.sentence.article_id, s.sentence.position) for s in ranked]
    at = [i for i, p in enumerate(places) if p in set(golds)]
    if at:
        return {**found, "class": "b: not read", "gold_rank": at[0], "read": len(candidates)}
    in_article = any(s.sentence.article_id in question.ok_articles for s in ranked)
    kind = "a: not retrieved" if in_article else "a: article not retrieved"
    return {**found, "class": kind, "golds": golds[:3]}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lab.news.misses")
    parser.add_argument("--readings", type=Path, default=Path("build/news/readings.json"))
    parser.add_argument("--store-cache", type=Path, default=Path("build/eval-news"))
    parser.add_argument("--half", choices=["nA", "nB"], default=None)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    rows = {r["id"]: r for r in json.loads(args.readings.read_text())}
    questions = [NewsQuestion.from_record(r) for r in read_jsonl(_EVAL / "qa_news.dev.jsonl")]
    questions = [q for q in questions if not q.unanswerable and (args.half is None or q.half == args.half)]
    engine = news_store(_EVAL / "quotes.train.jsonl", args.store_cache, DEFAULT_MODEL)
    missed = [classify(engine, q, rows[q.id]) for q in questions if not rows[q.id]["right"]]
    counts = Counter(m["class"] for m in missed)
    halves = {h: Counter(m["class"] for m in missed if m["id"].startswith(h)) for h in ("nA", "nB")}
    print(f"{len(missed)} of {len(questions)} answerable missed")
    print("| class | all | nA | nB |\n|---|---|---|---|")
    for kind, n in sorted(counts.items()):
        print(f"| {kind} | {n} | {halves['nA'][kind]} | {halves['nB'][kind]} |")
    if args.verbose:
        for m in sorted(missed, key=lambda m: m["class"]):
            print(json.dumps(m))


if __name__ == "__main__":
    main()
