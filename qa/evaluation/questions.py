"""`qa eval`: answer quality on a question file, with the conventions of ../shared/eval/README.md.

Questions are answered over a temporary store of ARTICLES (plus DISTRACTORS). Unanswerable questions
are made two ways, and the right answer to both is an abstention:

- leave-one-out: every fifth article (by id order) is kept out of the search scope and its questions
  are asked again (easy: most of the question's words are gone);
- near misses (`qa.evaluation.near_misses`): every question whose year, number or name can be changed to one
no
  article holds, asked over the whole store (hard: the words are all there but one).

The reader's effect is reported beside: hit@1 of the candidates in retrieval order, before the reader
reorders them.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.embedding import DEFAULT_MODEL, make_encoder
from index.ingest import article_from_record
from qa.engine import QAEngine
from qa.evaluation.near_misses import make_near_misses
from qa.evaluation.quotes import score_quotes, speaker_ok
from qa.evaluation.scoring import normalize, read_jsonl, token_f1
from qa.models import Answer

HELD_OUT_EVERY = 5


def score_answer(answer: Answer, golds: Sequence[str]) -> dict[str, float]:
    """hit@1, hit@3, reciprocal rank, span EM and F1 of one answer."""
    gold = [normalize(g) for g in golds]
    sentences = [] if answer.abstained else [normalize(c.sentence.text) for c in answer.citations]
    rank = next((i + 1 for i, s in enumerate(sentences) if any(g in s for g in gold)), 0)
    span = (answer.citations[0].span_text or "") if sentences else ""
    return {
        "hit@1": float(rank == 1),
        "hit@3": float(0 < rank <= 3),
        "mrr": 1.0 / rank if rank else 0.0,
        "span_em": float(any(normalize(span) == g for g in gold)),
        "span_f1": max((token_f1(span, g) for g in golds), default=0.0),
    }


def evaluate_qa(
    questions_path: Path,
    articles_path: Path,
    distractors_path: Path | None = None,
    model: str = DEFAULT_MODEL,
    engine: QAEngine | None = None,
) -> dict[str, Any]:
    """Index into a temporary store and measure; returns a flat report of figures."""
    questions = read_jsonl(questions_path)
    records = read_jsonl(articles_path) + (read_jsonl(distractors_path) if distractors_path else [])
    articles = [article_from_record(r) for r in records]
    with tempfile.TemporaryDirectory() as tmp:
        if engine is None:
            engine = QAEngine(Path(tmp) / "store", make_encoder(model))
        started = time.perf_counter()
        engine.add_articles(articles)
        index_seconds = time.perf_counter() - started
        engine.warm_up()
        totals: Counter[str] = Counter()
        seconds: list[float] = []
        abstained = 0
        retrieval_hits = 0
        for q in questions:
            started = time.perf_counter()
            answer = engine.ask(q["question"])
            seconds.append(time.perf_counter() - started)
            totals.update(score_answer(answer, q["answers"]))
            abstained += answer.abstained
            first = engine.answerer.read_unordered(q["question"], None, (), depth=1)
            retrieval_hits += bool(first) and any(
                normalize(g) in normalize(first[0].sentence.text) for g in q["answers"]
            )
        all_ids = sorted({a.id for a in articles})
        answerable_ids = sorted({q["article_id"] for q in questions})
        held_out = set(answerable_ids[::HELD_OUT_EVERY])
        unanswerable = [q for q in questions if q["article_id"] in held_out]
        unanswered = 0
        for q in unanswerable:
            scope = [i for i in all_ids if i != q["article_id"]]
            unanswered += engine.ask(q["question"], scope=scope).abstained
        misses = make_near_misses([(q["id"], q["question"]) for q in questions], [a.text for a in articles])
        missed = sum(engine.ask(m.question).abstained for m in misses)
    n = len(questions)
    report: dict[str, Any] = {key: round(value / n, 4) for key, value in sorted(totals.items())}
    report.update(
        n=n,
        articles=len(articles),
        abstained_answerable=round(abstained / n, 4),
        abstained_unanswerable=round(unanswered / max(len(unanswerable), 1), 4),
        n_unanswerable=len(unanswerable),
        abstained_near_miss=round(missed / max(len(misses), 1), 4),
        n_near_miss=len(misses),
        hit_at_1_retrieval_order=round(retrieval_hits / n, 4),
        median_s=round(statistics.median(seconds), 4),
        p95_s=round(sorted(seconds)[int(0.95 * (n - 1))], 4),
        index_s=round(index_seconds, 2),
    )
    return report


def evaluate_attribution(
    quotes_path: Path,
    whosaid_path: Path | None = None,
    model: str = DEFAULT_MODEL,
    engine: QAEngine | None = None,
) -> dict[str, Any]:
    """Quote detection and speaker accuracy from the store's quote table, and who-said accuracy of
    `QAEngine.ask`, with the rules of ../shared/tools/score.py (`quotes` and `whosaid`)."""

    records = read_jsonl(quotes_path)
    articles = [
        article_from_record({"id": r["article_id"], "title": r.get("title", ""), "text": r["text"]})
        for r in records
    ]
    with tempfile.TemporaryDirectory() as tmp:
        if engine is None:
            engine = QAEngine(Path(tmp) / "store", make_encoder(model))
        engine.add_articles(articles)
        predictions: dict[str, list[Any]] = {}
        for quote in engine.quotes():
            predictions.setdefault(quote.article_id, []).append(quote)
        report: dict[str, Any] = dict(score_quotes(records, predictions))
        if whosaid_path is not None:
            questions = read_jsonl(whosaid_path)
            right = 0
            for q in questions:
                answer = engine.ask(q["question"])
                first = answer.citations[0] if answer.citations else None
                right += first is not None and (
                    speaker_ok(first.speaker, q["answers"]) or speaker_ok(first.span_text, q["answers"])
                )
            report.update(whosaid_n=len(questions), whosaid_acc=round(right / max(len(questions), 1), 4))
    return report


def format_report(report: dict[str, Any]) -> str:
    rows = [
        ("questions", report["n"]),
        ("articles indexed", report["articles"]),
        ("hit@1", report["hit@1"]),
        ("hit@1 in retrieval order (no reader)", report["hit_at_1_retrieval_order"]),
        ("hit@3", report["hit@3"]),
        ("MRR", report["mrr"]),
        ("span exact match", report["span_em"]),
        ("span F1", report["span_f1"]),
        ("abstained, answerable", report["abstained_answerable"]),
        (f"abstained, leave-one-out (n={report['n_unanswerable']})", report["abstained_unanswerable"]),
        (f"abstained, near misses (n={report['n_near_miss']})", report["abstained_near_miss"]),
        ("median s/question", report["median_s"]),
        ("p95 s/question", report["p95_s"]),
        ("indexing s", report["index_s"]),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)
