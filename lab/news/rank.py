"""A learned order of the read candidates, fitted on news half nA (docs/news.md, session 20).

The shipped order is `mixed` (retrieval and the reader's margin, weighted) with rules after it
(`qa.answering.rerank`). Here each read candidate of `python -m lab.news.readings` gets a few
features, and a conditional logit (a softmax over one question's candidates, the first gold candidate
the target) is fitted on the answerable questions of one half whose gold sentence was read; the other
half reports.

Run: `python -m lab.news.rank [--readings build/news/readings.json] [--fit nA]`.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.answering.question import analyze_question
from qa.answering.rerank import span_label
from qa.answering.sentences import stems
from qa.answering.spans.parsing import parse_sentence
from qa.answering.spans.reasons import reason_clauses, restates

FEATURES = (
    "retrieval",
    "reader",
    "type_fit",
    "type_clash",
    "cover",
    "echo",
    "head",
    "lead",
    "reason",
    "lacking",
)


def _squash(margin: float, scale: float = 2.0) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, margin / scale))))


def features(question: str, candidate: dict[str, Any]) -> list[float]:
    """One candidate's features (FEATURES)."""
    q = analyze_question(question)
    text, span = candidate["text"], candidate["span"] or ""
    q_stems = frozenset(t[:5] for t in q.terms)
    s_stems = stems(text)
    label = ""
    if span and span in text:
        start = text.index(span)
        label = span_label(text, (start, start + len(span)))
    expected = set(q.expected_labels)
    if q.type == "who" and "PERSON" in expected:
        expected |= {"ORG", "NORP"}
    type_fit = float(bool(expected) and label in expected)
    type_clash = float(bool(expected) and bool(label) and label not in expected)
    cover = len(q_stems & s_stems) / len(q_stems) if q_stems else 0.0
    span_stems = stems(span)
    echo = len(span_stems & q_stems) / len(span_stems) if span_stems else 0.0
    head_stem = (q.answer_head or "")[:5]
    head = float(bool(head_stem) and head_stem in s_stems and head_stem not in span_stems)
    reason = 0.0
    if q.type == "why":
        terms = frozenset(q.terms)
        clauses = reason_clauses(parse_sentence(text))
        reason = max((c.weight for c in clauses if not restates(text, c, terms)), default=0.0)
    return [
        candidate["retrieval"],
        _squash(candidate["margin"]),
        type_fit,
        type_clash,
        cover,
        echo,
        head,
        float(candidate["position"] <= 1),
        reason,
        float(bool(candidate["missing"])),
    ]


def dataset(rows: Sequence[dict[str, Any]]) -> list[tuple[str, np.ndarray, int]]:
    """(id, features of each candidate, index of the first gold candidate) for the answerable questions
    whose gold was read, answered by the reader (not the quote table)."""
    out = []
    for row in rows:
        if row["unanswerable"] or row["from_quotes"] or not row["candidates"]:
            continue
        golds = [i for i, c in enumerate(row["candidates"]) if c["gold"]]
        if not golds:
            continue
        x = np.array([features(row["question"], c) for c in row["candidates"]], dtype=float)
        out.append((row["id"], x, golds[0]))
    return out


def fit(data: Sequence[tuple[str, np.ndarray, int]], l2: float = 0.01, steps: int = 3000) -> np.ndarray:
    """Weights of a conditional logit over each question's candidates, by gradient descent."""
    w = np.zeros(data[0][1].shape[1])
    for _ in range(steps):
        grad = l2 * w
        for _, x, gold in data:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            grad += (p @ x - x[gold]) / len(data)
        w -= 0.5 * grad
    return w


def hits(data: Sequence[tuple[str, np.ndarray, int]], w: np.ndarray | None) -> int:
    """Questions whose gold candidate is first: by the weights, or (None) in the shipped order."""
    if w is None:
        return sum(gold == 0 for _, _, gold in data)
    return sum(int(np.argmax(x @ w)) == gold for _, x, gold in data)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lab.news.rank")
    parser.add_argument("--readings", type=Path, default=Path("build/news/readings.json"))
    parser.add_argument("--fit", choices=["nA", "nB"], default="nA")
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--drop", nargs="*", default=[], help="features left out")
    args = parser.parse_args(argv)
    rows = json.loads(args.readings.read_text())
    keep = [i for i, f in enumerate(FEATURES) if f not in args.drop]
    data = [(i, x[:, keep], g) for i, x, g in dataset(rows)]
    halves = {h: [d for d in data if d[0].startswith(h)] for h in ("nA", "nB")}
    w = fit(halves[args.fit], args.l2)
    print("weights:", ", ".join(f"{FEATURES[k]} {v:+.2f}" for k, v in zip(keep, w, strict=True)))
    print("| half | gold read | first, shipped | first, learned |\n|---|---|---|---|")
    for h, part in halves.items():
        print(f"| {h} | {len(part)} | {hits(part, None)} | {hits(part, w)} |")


if __name__ == "__main__":
    main()
