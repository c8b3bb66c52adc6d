"""Fit the confidence and the decline thresholds on the news questions of half nA; check them on nB.

    python -m lab.news.calibrate [--cache FILE] [--fresh]

Asks every news question (../shared/eval/qa_news.dev.jsonl) over the 840-article store of `qa eval
news` (`qa.evaluation.news.news_store`) once, with the engine never declining, and records for each
the answerability and the missing terms the decision rests on (`qa.answering.reader.decide`), the
confidence shown and whether the answer is right (score.py's rules). Then, from the cache:

- the figures of the shipped settings on each half (and with `--wikipedia`, on the Wikipedia dev set
  with its near misses and leave-one-out questions, scored the same way);
- the floors (`abstain_below`, `missing_below`) that decline on at most 5% of the answerable
  questions of nA and on the most near misses, applied to nB and Wikipedia;
- the logistic fit of confidence on the answers nA shows at the shipped floors (answerability, a term
  lacking, an answer from the quote table), its ECE and reliability on each half; and the intercept
  alone refitted on them, the shipped slopes kept.

The figures it chooses are written into `ReaderSettings` by hand, with the tables in docs/news.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding import DEFAULT_MODEL, make_encoder
from index.ingest import article_from_record
from lab.news.readings import answer_row, recorded_decisions
from lab.reader.calibrate import fit_logistic_flags
from qa.answering.reader.decide import ReadCandidate, ReaderSettings, confidence_logit
from qa.answering.reader.decide import confidence as confidence_of
from qa.engine import QAEngine
from qa.evaluation.near_misses import make_near_misses
from qa.evaluation.news import (
    NEAR_MISS,
    Given,
    NewsQuestion,
    expected_calibration_error,
    news_store,
    reliability,
)
from qa.evaluation.questions import HELD_OUT_EVERY
from qa.evaluation.scoring import read_jsonl

_EVAL = Path("../shared/eval")
MOST_DECLINED = 0.05


def never_declining(engine: QAEngine) -> QAEngine:
    """An engine over the same store that never declines on answerability (the lab sets the floors)."""
    never = dataclasses.replace(ReaderSettings(), abstain_below=-1e9, missing_below=-1e9)
    return QAEngine(engine.store_path, engine.encoder, reader_settings=never)


def collect(
    engine: QAEngine, questions: Sequence[NewsQuestion], scopes: Sequence[list[str] | None] = ()
) -> list[dict[str, Any]]:
    """One row per question (asked within its scope, if any): the decision's inputs, the confidence
    and whether the answer is right (score.py's rules)."""
    engine.warm_up()
    rows = []
    with recorded_decisions() as calls:
        for i, question in enumerate(questions):
            calls.clear()
            answer = engine.ask(question.question, scope=scopes[i] if i < len(scopes) else None)
            last = calls[-1][1] if calls else None
            read = [candidates for candidates, _ in calls if candidates]
            rows.append(
                {
                    **answer_row(question, answer, last),
                    "sentence": answer.citations[0].sentence.text if answer.citations else "",
                    "span": answer.citations[0].span_text if answer.citations else None,
                    "article": answer.citations[0].sentence.article_id if answer.citations else "",
                    **(_features(read[-1]) if read else {}),
                }
            )
    return rows


def _features(candidates: Sequence[ReadCandidate]) -> dict[str, float]:
    """What the reader found in a decision's candidates (for fits beyond the answerability)."""
    return {
        "best_margin": max(c.reading.margin for c in candidates),
        "best_retrieval": max(c.scored.score for c in candidates),
        "first_margin": candidates[0].reading.margin,
        "first_retrieval": candidates[0].scored.score,
        "first_mixed": candidates[0].mixed,
        "second_mixed": candidates[1].mixed if len(candidates) > 1 else 0.0,
    }


def collect_news(store_cache: Path, model: str) -> list[dict[str, Any]]:
    engine = never_declining(news_store(_EVAL / "quotes.train.jsonl", store_cache, model))
    questions = [NewsQuestion.from_record(r) for r in read_jsonl(_EVAL / "qa_news.dev.jsonl")]
    return collect(engine, questions)


def collect_wikipedia(model: str) -> list[dict[str, Any]]:
    """The rows of the Wikipedia dev set (`make eval`'s) and its near misses, over a temporary store."""
    records = read_jsonl(_EVAL / "qa.dev.jsonl")
    extra = read_jsonl(_EVAL / "quotes.dev.jsonl")
    articles = [article_from_record(r) for r in read_jsonl(_EVAL / "articles.dev.jsonl") + extra]
    questions = [
        NewsQuestion(r["id"], r["article_id"], r["question"], "wikipedia", tuple(r["answers"]),
                     frozenset([r["article_id"]]), False)
        for r in records
    ]  # fmt: skip
    misses = make_near_misses([(q.id, q.question) for q in questions], [a.text for a in articles])
    scopes: list[list[str] | None] = [None] * (len(questions) + len(misses))
    questions += [NewsQuestion(m.source_id, "", m.question, NEAR_MISS, (), frozenset(), True) for m in misses]
    # leave-one-out (`qa eval`'s): every fifth article out of the scope, its questions asked again
    all_ids = sorted({a.id for a in articles})
    held_out = set(sorted({r["article_id"] for r in records})[::HELD_OUT_EVERY])
    for q in [q for q in questions[: len(records)] if q.article_id in held_out]:
        questions.append(dataclasses.replace(q, type="leave-one-out", unanswerable=True))
        scopes.append([i for i in all_ids if i != q.article_id])
    with tempfile.TemporaryDirectory() as tmp:
        engine = QAEngine(Path(tmp) / "store", make_encoder(model))
        engine.add_articles(articles)
        rows = collect(never_declining(engine), questions, scopes)
        engine.store.close()
    return rows


def declined(row: dict[str, Any], settings: ReaderSettings) -> bool:
    """Whether `settings`' floors decline the answer of `row` (as `decide` does: the higher floor when a
    term is lacking, a type's offset except for the quote table's answers)."""
    if row["abstained"]:
        return True
    score = row["answerability"]
    if score is None:
        return False
    floor = settings.missing_below if row["lacking"] else settings.abstain_below
    if not row["quoted"]:
        floor -= dict(settings.type_offsets).get(row["kind"], 0.0)
    return bool(score < floor)


def decline_table(rows: Sequence[dict[str, Any]], settings: ReaderSettings) -> dict[str, float]:
    groups = {
        "answerable": [r for r in rows if not r["unanswerable"]],
        "near_miss": [r for r in rows if r["type"] == NEAR_MISS],
        "leave_one_out": [r for r in rows if r["type"] == "leave-one-out"],
    }
    return {k: float(np.mean([declined(r, settings) for r in v])) if v else 0.0 for k, v in groups.items()}


def choose_thresholds(rows: Sequence[dict[str, Any]], low_kept: float | None = None) -> tuple[float, float]:
    """The floors that decline on at most MOST_DECLINED of the answerable and the most near misses (the
    lowest such); with `low_kept`, only the floor of an answer lacking a term, `abstain_below` kept."""
    finite = sorted(r["answerability"] for r in rows if r["answerability"] is not None)
    best: tuple[float, float, float] | None = None
    lows = (
        [low_kept]
        if low_kept is not None
        else np.arange(math.floor(finite[0]), math.ceil(finite[-1]) + 0.5, 0.5)
    )
    for low in lows:
        for high in np.arange(low, low + 30.01, 0.5):
            shares = decline_table(
                rows, dataclasses.replace(ReaderSettings(), abstain_below=low, missing_below=high)
            )
            if shares["answerable"] > MOST_DECLINED:
                continue
            gain = shares["near_miss"] - 0.01 * shares["answerable"]
            if best is None or gain > best[0]:
                best = (gain, float(low), float(high))
    assert best is not None
    return best[1], best[2]


def fit_confidence(rows: Sequence[dict[str, Any]]) -> tuple[float, float, float, float]:
    """(slope, missing_slope, quote_offset, intercept): the logistic regression of "right" on the
    answerability, a term lacking and an answer from the quote table (near misses never right)."""
    used = [r for r in rows if r["answerability"] is not None]
    slope, (missing_slope, quote_offset), intercept = fit_logistic_flags(
        [r["answerability"] for r in used],
        [[float(r["lacking"]), float(r["quoted"])] for r in used],
        [float(r["right"]) for r in used],
    )
    return slope, missing_slope, quote_offset, intercept


def fit_intercept(rows: Sequence[dict[str, Any]], settings: ReaderSettings) -> float:
    """The intercept, `settings`' slopes kept, at which the confidences of `rows` sum to their right
    answers (the logistic's maximum likelihood in the intercept alone): one figure to fit when a change
    moves how often answers are right but not what the answerability says of them."""
    used = [r for r in rows if r["answerability"] is not None]
    right = sum(bool(r["right"]) for r in used)
    low, high = -10.0, 10.0
    for _ in range(60):
        middle = (low + high) / 2
        trial = dataclasses.replace(settings, intercept=middle)
        expected = sum(
            1 / (1 + math.exp(-confidence_logit(r["answerability"], r["lacking"], trial, r["quoted"])))
            for r in used
        )
        low, high = (middle, high) if expected < right else (low, middle)
    return round((low + high) / 2, 4)


def shown(rows: Sequence[dict[str, Any]], settings: ReaderSettings) -> list[Given]:
    """The answers shown under `settings`, with the confidence its fit gives them."""
    given = []
    for r in rows:
        if declined(r, settings):
            continue
        if r["answerability"] is None:
            confidence = r["confidence"] or 0.0
        else:
            confidence = confidence_of(r["answerability"], r["lacking"], settings, r["quoted"])
        question = NewsQuestion(r["id"], "", r["question"], r["type"], (), frozenset(), r["unanswerable"])
        given.append(Given(question, confidence, r["right"]))
    return given


def report(
    rows: Sequence[dict[str, Any]], settings: ReaderSettings, name: str, wiki: Sequence[dict[str, Any]] = ()
) -> None:
    groups = [(h, [r for r in rows if r["id"].startswith(h)]) for h in ("nA", "nB") if rows]
    if wiki:
        groups.append(("wiki", list(wiki)))
    for label, part in groups:
        shares = decline_table(part, settings)
        given = shown(part, settings)
        sure = [g.right for g in given if g.confidence >= 0.9]
        answerable = [r for r in part if not r["unanswerable"]]
        hits = sum(r["right"] for r in answerable if not declined(r, settings))
        print(
            f"{name:<8} {label:<4}  hit@1 {hits / len(answerable):.3f}  declined {shares['answerable']:.3f}  "
            f"near misses declined {shares['near_miss']:.3f}  LOO {shares['leave_one_out']:.3f}  "
            f"ECE {expected_calibration_error(given):.3f}  "
            f"sure_wrong {1 - sum(sure) / len(sure) if sure else float('nan'):.3f} (n={len(sure)})"
        )
        for row in reliability(given):
            print(f"             {row['bin']}  {row['n']:>4}  {row['confidence']:.3f}  {row['right']:.3f}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lab.news.calibrate")
    parser.add_argument("--cache", type=Path, default=Path("build/news"), help="the readings are kept here")
    parser.add_argument("--store-cache", type=Path, default=Path("build/eval-news"))
    parser.add_argument("--fresh", action="store_true", help="ask again even when the cache exists")
    parser.add_argument("--wikipedia", action="store_true", help="the Wikipedia dev set too, scored the same")
    args = parser.parse_args(argv)
    news_rows = _cached(
        args.cache / "news.json", args.fresh, lambda: collect_news(args.store_cache, DEFAULT_MODEL)
    )
    wiki_rows = (
        _cached(args.cache / "wikipedia.json", args.fresh, lambda: collect_wikipedia(DEFAULT_MODEL))
        if args.wikipedia
        else []
    )
    fit_on = [r for r in news_rows if r["id"].startswith("nA")]
    current = ReaderSettings()
    report(news_rows, current, "shipped", wiki_rows)
    low, high = choose_thresholds(fit_on)
    print(f"\nfloors declining the most near misses of nA at <= {MOST_DECLINED:.0%} declined: {low} / {high}")
    report(
        news_rows, dataclasses.replace(current, abstain_below=low, missing_below=high), "floors", wiki_rows
    )
    # abstain_below kept: lower, it answers the Wikipedia leave-one-out questions (docs/news.md)
    _, high = choose_thresholds(fit_on, current.abstain_below)
    print(f"\nthe floor lacking a term fitted on nA, abstain_below {current.abstain_below} kept: {high}")
    report(news_rows, dataclasses.replace(current, missing_below=high), "missing", wiki_rows)
    # The confidence is fitted at the shipped floors (the Wikipedia leave-one-out needs them: docs/news.md).
    shown_nA = [r for r in fit_on if not declined(r, current)]
    slope, missing_slope, quote_offset, intercept = fit_confidence(shown_nA)
    fitted = dataclasses.replace(
        current, slope=slope, missing_slope=missing_slope, quote_offset=quote_offset, intercept=intercept
    )
    print(
        f"\nconfidence fitted on nA: slope {slope}, missing_slope {missing_slope}, "
        f"quote_offset {quote_offset}, intercept {intercept}"
    )
    report(news_rows, fitted, "fitted", wiki_rows)
    intercept = fit_intercept(shown_nA, current)
    print(f"\nintercept refitted on nA, the shipped slopes kept: {intercept}")
    report(news_rows, dataclasses.replace(current, intercept=intercept), "intercept", wiki_rows)


def _cached(path: Path, fresh: bool, make: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    if fresh or not path.exists():
        rows = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(rows, indent=1))
    rows = json.loads(path.read_text())
    assert isinstance(rows, list)
    return rows


if __name__ == "__main__":
    main()
