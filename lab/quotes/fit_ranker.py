"""Fit the pronoun ranker of `qa.quotes.extraction.ranking` on annotated quotes (PolNeAR train format).

Each pronoun that extraction resolves and that a gold quote names as its speaker (`speaker_span`,
`speaker_is_pronoun`) is one event; its candidates are labelled by the reference scorer's name rule
against the gold `speaker_aliases`. Articles are split in two halves by a hash of their id: the weights
are fitted on one and the pronoun accuracy is reported on the other, then refitted on all of them.
Only the weights are written (a few hundred bytes); no article text leaves the evaluation files.

Usage:
    python -m lab.quotes.fit_ranker ../shared/eval/quotes.train.jsonl [--out PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.models import Article
from index.sentences import split_sentences
from qa.evaluation.quotes import speaker_ok
from qa.evaluation.scoring import read_jsonl
from qa.quotes import extract_quotes
from qa.quotes.extraction import ranking

__all__ = ["Event", "accuracy", "collect_events", "fit", "main", "report_and_fit"]

# L2 penalty and steps of the gradient descent; the loss is convex, so these only set how close to
# its minimum the fit gets and how hard large weights are held back.
_L2 = 0.01
_STEPS = 3000
_RATE = 0.5


@dataclass(frozen=True, slots=True)
class Event:
    """One resolved pronoun: its candidates' features and which candidates are right."""

    features: np.ndarray  # (candidates, features)
    right: np.ndarray  # (candidates,) bool
    chosen_by_rule: int  # index of the salience rule's choice


def collect_events(
    records: Sequence[Mapping[str, Any]], extract: Callable[[Mapping[str, Any]], None]
) -> list[tuple[str, Event]]:
    """Run `extract` on each record while tracing pronouns; keep those a gold quote names as speaker.

    Returns (article id, event) pairs; an event with no right candidate, or only one candidate,
    teaches nothing about ranking and is left out.
    """

    events: list[tuple[str, Event]] = []
    for record in records:
        trace: list[ranking.PronounEvent] = []
        token = ranking.TRACE.set(trace)
        try:
            extract(record)
        finally:
            ranking.TRACE.reset(token)
        speakers = {
            span[0]: quote["speaker_aliases"]
            for quote in record["quotes"]
            if quote.get("speaker_is_pronoun") and quote.get("speaker_aliases")
            for span in quote.get("speaker_span") or []
        }
        for pronoun in trace:
            aliases = speakers.get(pronoun.offset)
            if aliases is None or len(pronoun.candidates) < 2:
                continue
            right = np.array([speaker_ok(name, aliases) for name in pronoun.names], dtype=bool)
            if not right.any():
                continue
            features = np.array([c.features for c in pronoun.candidates], dtype=float)
            rule = int(np.argmax(features[:, 0]))
            events.append((record["article_id"], Event(features, right, rule)))
    return events


def fit(events: Sequence[Event]) -> np.ndarray:
    """Weights that maximise the log-probability of the right candidates (softmax per event), with L2."""
    weights = np.zeros(len(ranking.FEATURES))
    if not events:
        return weights
    features = np.concatenate([e.features for e in events])
    right = np.concatenate([e.right for e in events])
    sizes = np.array([len(e.right) for e in events])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    owner = np.repeat(np.arange(len(events)), sizes)
    for _ in range(_STEPS):
        scores = features @ weights
        scores -= np.maximum.reduceat(scores, starts)[owner]
        p = np.exp(scores)
        q = np.where(right, p, 0.0)
        p /= np.add.reduceat(p, starts)[owner]
        q /= np.add.reduceat(q, starts)[owner]
        # d/dw of -log sum_right p: the features expected under p minus those expected among the right.
        gradient = (p - q) @ features / len(events) + _L2 * weights
        weights -= _RATE * gradient
    return weights


def accuracy(events: Sequence[Event], weights: np.ndarray | None) -> float:
    """Share of events whose top candidate (by the weights, else by the salience rule) is right."""
    if not events:
        return 0.0
    right = 0
    for event in events:
        chosen = event.chosen_by_rule if weights is None else int(np.argmax(event.features @ weights))
        right += bool(event.right[chosen])
    return right / len(events)


def _half(article_id: str) -> int:
    return hashlib.sha256(article_id.encode("utf-8")).digest()[0] % 2


def _extract(record: Mapping[str, Any]) -> None:
    article = Article(id=record["article_id"], title=record.get("title", ""), text=record["text"])
    extract_quotes(article, split_sentences(article.id, article.text))


def report_and_fit(
    records: Sequence[Mapping[str, Any]], extract: Callable[[Mapping[str, Any]], None] = _extract
) -> dict[str, Any]:
    """Fit on one half, measure on the other, then fit on all; returns the weights file's contents."""
    events = collect_events(records, extract)
    halves = [[e for a, e in events if _half(a) == h] for h in (0, 1)]
    held: dict[str, dict[str, float | int]] = {}
    for h in (0, 1):
        weights = fit(halves[h])
        held[f"fit_on_half_{h}"] = {
            "rule": round(accuracy(halves[1 - h], None), 4),
            "ranker": round(accuracy(halves[1 - h], weights), 4),
            "events": len(halves[1 - h]),
        }
    weights = fit([e for _, e in events])
    return {
        "features": list(ranking.FEATURES),
        "weights": [round(float(w), 4) for w in weights],
        "events": len(events),
        "held_out_pronoun_accuracy": held,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Fit the pronoun ranker and write its weights (by default beside `qa.quotes.extraction.ranking`)."""
    parser = argparse.ArgumentParser(
        prog="python -m lab.quotes.fit_ranker", description=__doc__.splitlines()[0]
    )
    parser.add_argument("quotes", type=Path, help="annotated quotes JSONL with speaker_span")
    parser.add_argument("--out", type=Path, default=ranking.WEIGHTS_PATH, help="weights file to write")
    args = parser.parse_args(argv)

    model = report_and_fit(read_jsonl(args.quotes))
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(model["held_out_pronoun_accuracy"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
