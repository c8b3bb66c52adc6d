"""Choose how the reader decides (`ReaderSettings`) on the dev questions, and fit its confidence.

    python -m lab.reader.calibrate [--store DIR] [--cache FILE]

Indexes the dev articles with the quotes articles as distractors (as `qa eval` does; `--store` keeps
the store for the next run), reads the best `--depth` candidates of every question once, and of the
leave-one-out and near-miss questions (`qa.evaluation.near_misses`), caches the readings, then prints:

- hit@1 / hit@3 / span F1 of the first citation for each mix of retrieval score and reader margin
  (`weight`, `scale`), and with the rules' span (`qa.answering.spans`) in place of the reader's;
- the share abstained (answerable, leave-one-out, near misses) for each `abstain_below`;
- the logistic fit of confidence (P(first citation holds the answer) from the best margin).

The figures it chooses are written into `qa.answering.reader.decide.ReaderSettings` by hand, with the table in
docs/reader.md. Dev data is read at run time from ../shared/eval and never copied.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding import DEFAULT_MODEL, make_encoder
from index.ingest import article_from_record
from qa.answering.question import analyze_question
from qa.answering.reader.decide import ReaderSettings, order_by_reader, squash
from qa.answering.spans import find_labelled_span
from qa.engine import QAEngine
from qa.evaluation.near_misses import make_near_misses
from qa.evaluation.questions import HELD_OUT_EVERY
from qa.evaluation.scoring import normalize, read_jsonl, token_f1

_EVAL = Path("../shared/eval")


def _record(
    candidates: Sequence[Any], spans: Sequence[str | None], before: dict[tuple[str, int], str]
) -> list[dict[str, Any]]:
    """The cache's rows of `candidates`; `before` holds the text of the sentences read as context."""
    rows = []
    for c, rule in zip(candidates, spans):
        text, place = c.sentence.text, (c.sentence.article_id, c.sentence.position - 1)
        read_before = c.reading.before
        rows.append(
            {"text": text, "article_id": c.sentence.article_id, "position": c.sentence.position,
             "paragraph": c.sentence.paragraph,
             "score": c.scored.score, "margin": c.reading.margin, "span": _text(text, c.reading.span),
             "rule": rule,
             "before": None if read_before is None or place not in before else {
                 "text": before[place], "margin": read_before.margin,
                 "span": _text(before[place], read_before.span)}}
        )  # fmt: skip
    return rows


def _text(text: str, span: tuple[int, int] | None) -> str | None:
    return None if span is None else text[span[0] : span[1]]


def collect(store_dir: Path, depth: int) -> dict[str, Any]:
    """Read every dev, leave-one-out and near-miss question once."""

    questions = read_jsonl(_EVAL / "qa.dev.jsonl")
    records = read_jsonl(_EVAL / "articles.dev.jsonl") + read_jsonl(_EVAL / "quotes.dev.jsonl")
    articles = [article_from_record(r) for r in records]
    engine = QAEngine(store_dir, make_encoder(DEFAULT_MODEL))
    if not store_dir.exists():
        engine.add_articles(articles)
    engine.warm_up()

    def read_all(question: str, scope: set[str] | None) -> list[Any]:
        """Every one of the first `depth` candidates read (no early stop: it is simulated below)."""
        settings = engine.answerer.settings
        engine.answerer.settings = dataclasses.replace(
            settings, first_read=depth, sure_above=math.inf, before_over=None
        )
        try:
            return engine.answerer.read_unordered(question, scope, (), depth)
        finally:
            engine.answerer.settings = settings

    def befores(candidates: Sequence[Any]) -> dict[tuple[str, int], str]:
        places = [(c.sentence.article_id, c.sentence.position - 1) for c in candidates if c.reading.before]
        return {place: s.text for place, s in engine.store.sentences_at(places).items()}

    def missing(question: str, candidates: Sequence[Any]) -> list[str]:
        return engine.answerer.missing_terms(question, order_by_reader(candidates, engine.answerer.settings))

    def rules(question: str, candidates: Sequence[Any]) -> list[str | None]:
        analysed = analyze_question(question)
        found = []
        ordered = order_by_reader(candidates, engine.answerer.settings)
        first = {(c.sentence.article_id, c.sentence.position) for c in ordered[:2]}
        wanted = {
            i for i, c in enumerate(candidates) if (c.sentence.article_id, c.sentence.position) in first
        }
        for i, c in enumerate(candidates):
            span = (
                find_labelled_span(analysed, c.sentence.text, encoder=engine.encoder) if i in wanted else None
            )
            found.append(None if span is None else c.sentence.text[span.start : span.end])
        return found

    data: dict[str, Any] = {"answerable": [], "held_out": [], "near_miss": []}
    for q in questions:
        found = read_all(q["question"], None)
        record = {
            "question": q["question"],
            "answers": q["answers"],
            "missing": missing(q["question"], found),
        }
        data["answerable"].append(
            {**record, "candidates": _record(found, rules(q["question"], found), befores(found))}
        )
    all_ids = sorted({a.id for a in articles})
    held = set(sorted({q["article_id"] for q in questions})[::HELD_OUT_EVERY])
    for q in questions:
        if q["article_id"] in held:
            scope = {i for i in all_ids if i != q["article_id"]}
            found = read_all(q["question"], scope)
            data["held_out"].append(
                {"question": q["question"], "missing": missing(q["question"], found),
                 "candidates": _record(found, [None] * len(found), befores(found))}
            )  # fmt: skip
    for miss in make_near_misses([(q["id"], q["question"]) for q in questions], [a.text for a in articles]):
        found = read_all(miss.question, None)
        data["near_miss"].append(
            {"question": miss.question, "missing": missing(miss.question, found),
             "candidates": _record(found, [None] * len(found), befores(found))}
        )  # fmt: skip
    return data


def _holds(text: str, answers: Sequence[str]) -> bool:
    folded = normalize(text)
    return any(normalize(a) in folded for a in answers)


def _order(candidates: Sequence[dict[str, Any]], weight: float, scale: float) -> list[dict[str, Any]]:
    return sorted(
        candidates, key=lambda c: -((1 - weight) * c["score"] + weight * squash(c["margin"], scale))
    )


def ranking_table(
    data: dict[str, Any], depths: Sequence[int] = (16,), over: float | None = None
) -> list[dict[str, Any]]:
    rows = []
    for depth, weight, scale in (
        (d, w, s)
        for d in depths
        for w in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
        for s in (1.0, 2.0, 3.0, 4.0)
    ):
        if weight == 0.0 and scale > 1.0:
            continue
        hit1 = hit3 = f1 = rule_f1 = 0.0
        for q in data["answerable"]:
            head = q["candidates"][:depth]
            ranked = _order(head if over is None else promote(head, over), weight, scale)
            if not ranked:
                continue
            holds = [_holds(c["text"], q["answers"]) for c in ranked[:3]]
            hit1 += holds[0]
            hit3 += any(holds)
            first = ranked[0]
            f1 += max(token_f1(first["span"] or "", a) for a in q["answers"])
            rule_f1 += max(token_f1(first["rule"] or "", a) for a in q["answers"])
        n = len(data["answerable"])
        setting = {"depth": depth, "weight": weight, "scale": scale}
        rows.append(
            {**setting, "hit@1": hit1 / n, "hit@3": hit3 / n, "span_f1": f1 / n, "rule_span_f1": rule_f1 / n}
        )
    return rows


def cascade(
    candidates: Sequence[dict[str, Any]],
    first: int,
    sure: float,
    depth: int,
    over: float | None = None,
    after_of: int = 0,
) -> list[dict[str, Any]]:
    """The candidates `read_candidates` would read with an early stop after `first` at margin `sure`,
    the sentences after the first `after_of` of them, and the sentences before them that answer better
    by `over` (`promote`). The cache holds the first `depth` candidates and, after them, the sentence
    after the best one when it is not among those."""
    read = first_batch(candidates, first, after_of, ReaderSettings().short_paragraph)
    if max((c["margin"] for c in read), default=-math.inf) < sure:
        done = {(c["article_id"], c["position"]) for c in read}
        read += [c for c in candidates[first:depth] if (c["article_id"], c["position"]) not in done]
    return read if over is None else promote(read, over)


def first_batch(
    candidates: Sequence[dict[str, Any]], first: int, after_of: int, short: int = 0
) -> list[dict[str, Any]]:
    """The first `first` candidates and the sentences after the first `after_of` of them (with their
    retrieval score), as the engine reads them in one batch."""
    read = list(candidates[:first])
    at = {(c["article_id"], c["position"]): c for c in candidates}
    for c in list(read[:after_of]):
        after = at.get((c["article_id"], c["position"] + 1))
        same = after is not None and (after["paragraph"] == c["paragraph"] or _short(candidates, c, short))
        if after is not None and same and after not in read:
            read.append({**after, "score": c["score"]})
    return read


def _short(candidates: Sequence[dict[str, Any]], row: dict[str, Any], short: int) -> bool:
    """Whether `row` ends a paragraph of at most `short` sentences, as far as the cached candidates
    show (`qa.answering.reader.decide.contexts`)."""
    at = {(c["article_id"], c["position"]): c for c in candidates}
    further = at.get((row["article_id"], row["position"] - short))
    return bool(short) and (further is None or further["paragraph"] != row["paragraph"])


def promote(rows: Sequence[dict[str, Any]], over: float) -> list[dict[str, Any]]:
    """`qa.answering.reader.decide.answers_before` on the cache's rows."""
    found = {(r["article_id"], r["position"]): r for r in rows}
    for row in rows:
        before = row.get("before")
        if before is None or before["margin"] < row["margin"] + over:
            continue
        place = (row["article_id"], row["position"] - 1)
        reading = {"margin": before["margin"], "span": before["span"], "before": None}
        known = found.get(place)
        if known is None:
            found[place] = {**row, **reading, "text": before["text"], "position": place[1], "rule": None}
        elif known["margin"] < before["margin"]:
            found[place] = {**known, **reading}
    return list(found.values())


def cascade_table(
    data: dict[str, Any],
    weight: float,
    scale: float,
    depth: int,
    over: float | None = None,
    after_of: int = 0,
) -> list[dict[str, Any]]:
    """hit@1 / hit@3 / span F1 and the share of questions read in one batch, per early-stop setting."""
    rows = []
    for first in (3, 4, 6, 8):
        for sure in (2.0, 3.0, 4.0, 5.0, 6.0, math.inf):
            hit1 = hit3 = f1 = one_batch = 0.0
            for q in data["answerable"]:
                read = cascade(q["candidates"], first, sure, depth, over, after_of)
                batch = first_batch(q["candidates"], first, after_of, ReaderSettings().short_paragraph)
                one_batch += max((c["margin"] for c in batch), default=-math.inf) >= sure
                ranked = _order(read, weight, scale)
                if not ranked:
                    continue
                holds = [_holds(c["text"], q["answers"]) for c in ranked[:3]]
                hit1 += holds[0]
                hit3 += any(holds)
                f1 += max(token_f1(ranked[0]["span"] or "", a) for a in q["answers"])
            n = len(data["answerable"])
            figures = {"hit@1": hit1 / n, "hit@3": hit3 / n, "span_f1": f1 / n, "one_batch": one_batch / n}
            rows.append({"first": first, "sure": sure, **figures})
    return rows


def as_read(data: dict[str, Any], settings: ReaderSettings) -> dict[str, Any]:
    """`data` with each question's candidates cut to those the engine reads (`cascade` with the early
    stop of `settings`), so abstention and confidence are fitted on what answering really sees."""
    return {
        kind: [
            {
                **q,
                "candidates": cascade(
                    q["candidates"],
                    settings.first_read,
                    settings.sure_above,
                    settings.depth,
                    settings.before_over,
                    settings.after_of,
                ),
            }
            for q in items
        ]
        for kind, items in data.items()
    }


def _answerability(q: dict[str, Any], share: float) -> float:
    candidates = q["candidates"]
    if not candidates:
        return -math.inf
    return float(max(c["margin"] for c in candidates) + share * max(c["score"] for c in candidates))


def abstention_table(data: dict[str, Any], most_answerable: float = 0.03) -> list[dict[str, float]]:
    """For each retrieval share, the thresholds (`abstain_below`, `missing_below`) that abstain on at
    most `most_answerable` of the answerable questions and on the most unanswerable ones."""
    rows = []
    for share in (0.0, 4.0, 8.0, 12.0, 16.0, 24.0, 32.0, 40.0):
        scores = {
            kind: [(_answerability(q, share), bool(q["missing"])) for q in items]
            for kind, items in data.items()
        }
        finite = sorted(v for v, _ in scores["answerable"] if v > -math.inf)
        best: dict[str, float] | None = None
        for low in np.quantile(finite, np.linspace(0.0, 0.06, 31)):
            for extra in np.arange(0.0, 12.01, 0.5):
                shares = {
                    kind: float(np.mean([v < low or (m and v < low + extra) for v, m in values]))
                    for kind, values in scores.items()
                }
                if shares["answerable"] > most_answerable:
                    continue
                gain = shares["held_out"] + shares["near_miss"]
                if best is None or gain > best["gain"]:
                    floors = {
                        "abstain_below": round(float(low), 2),
                        "missing_below": round(float(low + extra), 2),
                    }
                    best = {"share": share, **floors, **shares, "gain": gain}
        if best is not None:
            rows.append(best)
    return rows


def fit_confidence(data: dict[str, Any], settings: ReaderSettings) -> tuple[float, float, float]:
    """Logistic regression of "the first citation holds the answer" on answerability and a missing
    term, over answerable and unanswerable questions (whose first citation never holds one)."""
    xs, ms, ys = [], [], []
    for kind, items in data.items():
        for q in items:
            score = _answerability(q, settings.retrieval_share)
            if score == -math.inf:
                continue
            right = 0.0
            if kind == "answerable":
                ranked = _order(q["candidates"], settings.weight, settings.scale)
                right = float(_holds(ranked[0]["text"], q["answers"]))
            xs.append(score)
            ms.append(float(bool(q["missing"])))
            ys.append(right)
    return fit_logistic(xs, ms, ys)


def fit_logistic(
    answerability: Sequence[float], missing: Sequence[float], right: Sequence[float]
) -> tuple[float, float, float]:
    """(slope, missing_slope, intercept) of P(right) = logistic(slope * answerability + missing_slope *
    missing + intercept), by gradient descent on the standardised answerability (`fit_logistic_flags`)."""
    slope, (missing_slope,), intercept = fit_logistic_flags(answerability, [[m] for m in missing], right)
    return slope, missing_slope, intercept


def fit_logistic_flags(
    answerability: Sequence[float], flags: Sequence[Sequence[float]], right: Sequence[float]
) -> tuple[float, tuple[float, ...], float]:
    """(slope, flag slopes, intercept) of P(right) = logistic(slope * answerability + flag slopes . flags
    + intercept), by gradient descent on the standardised answerability; `flags` holds one row of 0/1
    features per answer (a term missing, an answer from the quote table)."""
    x, y = np.asarray(answerability, dtype=float), np.asarray(right, dtype=float)
    mean, spread = float(x.mean()), float(x.std()) or 1.0
    z = np.column_stack(
        [(x - mean) / spread, np.asarray(flags, dtype=float).reshape(len(x), -1), np.ones(len(x))]
    )
    w = np.zeros(z.shape[1])
    for _ in range(20000):
        p = 1 / (1 + np.exp(-(z @ w)))
        w -= 0.1 * (z.T @ (p - y)) / len(y)
    # back to the unscaled answerability: w0 * (x - mean) / spread + flags . w[1:-1] + w[-1]
    slopes = tuple(round(float(v), 4) for v in w[1:-1])
    return round(float(w[0]) / spread, 4), slopes, round(float(w[-1] - w[0] * mean / spread), 4)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lab.reader.calibrate")
    parser.add_argument("--store", type=Path, default=Path("build/dev-store"))
    parser.add_argument("--cache", type=Path, default=Path("build/reader/dev-readings.json"))
    parser.add_argument("--depth", type=int, default=12)
    parser.add_argument("--fresh", action="store_true", help="read again even when the cache exists")
    parser.add_argument("--depths", type=int, nargs="+", default=[4, 6, 8, 12, 16], help="depths to compare")
    args = parser.parse_args(argv)
    if args.fresh or not args.cache.exists():
        data = collect(args.store, args.depth)
        args.cache.parent.mkdir(parents=True, exist_ok=True)
        args.cache.write_text(json.dumps(data))
    data = json.loads(args.cache.read_text())
    print("depth weight scale  hit@1  hit@3  span_f1  rule_span_f1")
    settings = ReaderSettings()
    for row in ranking_table(data, args.depths, settings.before_over):
        setting = f"{row['depth']:5d} {row['weight']:5.1f} {row['scale']:5.1f}"
        figures = "  ".join(f"{row[k]:.3f}" for k in ("hit@1", "hit@3", "span_f1", "rule_span_f1"))
        print(f"{setting}  {figures}")
    print(f"\nearly stop (weight {settings.weight}, scale {settings.scale}, depth {settings.depth})")
    print("first  sure  hit@1  hit@3  span_f1  read_once")
    for row in cascade_table(
        data, settings.weight, settings.scale, settings.depth, settings.before_over, settings.after_of
    ):
        figures = "  ".join(f"{row[k]:.3f}" for k in ("hit@1", "hit@3", "span_f1", "one_batch"))
        print(f"{row['first']:5d} {row['sure']:5.1f}  {figures}")
    counts = {k: len(v) for k, v in data.items()}
    data = as_read(data, settings)
    print(f"\nabstention at most 3% of answerable, on what the engine reads (n = {counts})")
    print("share  abstain_below  missing_below  answerable  held_out  near_miss")
    for row in abstention_table(data):
        shares = "  ".join(f"{row[k]:.3f}    " for k in ("answerable", "held_out", "near_miss"))
        print(f"{row['share']:5.1f}  {row['abstain_below']:13.2f}  {row['missing_below']:13.2f}  {shares}")
    slope, missing_slope, intercept = fit_confidence(data, settings)
    print(f"\nconfidence fit: slope {slope}, missing_slope {missing_slope}, intercept {intercept}")


if __name__ == "__main__":
    main()
