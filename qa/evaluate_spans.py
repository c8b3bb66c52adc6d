"""Measure answer spans and type fit on the gold sentence of each question of a SQuAD-style file.

For every question the gold sentence is the article sentence (as `split_sentences` cuts it) that holds
the start of the first gold answer. `find_span` runs on it; span exact match and token F1 use the
reference scorer's normalisation (../shared/tools/score.py: `norm`, `f1`), taking the best over the gold
answers. Also reported: the share of questions without a span, the figures per question type, the time
per `find_span`, and how often `type_fit` ranks the gold sentence first among it and its five nearest
neighbours in the article (ties shared).

Usage: python -m qa.evaluate_spans [QUESTIONS.jsonl ARTICLES.jsonl] [--errors N] [--type T] [--encoder]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.embedding import DEFAULT_MODEL, Encoder, make_encoder
from index.models import Sentence
from index.sentences import split_sentences
from qa.question import Question, analyze_question
from qa.scoring import normalize, read_jsonl, token_f1
from qa.spans import analyze_sentences, find_span, type_fit

_EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
_NEIGHBOURS = 5


@dataclass(frozen=True, slots=True)
class Outcome:
    """One question's result on its gold sentence."""

    question: Question
    sentence: str
    answers: tuple[str, ...]
    span: str | None
    exact: bool
    f1: float
    fit_rank_share: float  # 1 when type_fit ranks the gold sentence first alone, 1/k when tied with k-1


def _gold_position(sentences: Sequence[Sentence], char: int) -> int | None:
    for sentence in sentences:
        if sentence.start <= char < sentence.end:
            return sentence.position
    return None


def evaluate(
    questions_path: Path, articles_path: Path, encoder: Encoder | None = None
) -> tuple[list[Outcome], float]:
    """Run every question on its gold sentence; returns the outcomes and the mean ms per `find_span`."""
    articles = {a["article_id"]: a["text"] for a in read_jsonl(articles_path)}
    sentences = {aid: split_sentences(aid, text) for aid, text in articles.items()}
    analyze_sentences(s.text for ss in sentences.values() for s in ss)  # parse once, in batches
    outcomes: list[Outcome] = []
    elapsed = 0.0
    for item in read_jsonl(questions_path):
        article = sentences.get(item["article_id"], [])
        position = _gold_position(article, item["answer_char_spans"][0][0])
        if position is None:
            continue
        gold = article[position]
        question = analyze_question(item["question"])
        began = time.perf_counter()
        span = find_span(question, gold.text, encoder=encoder)
        elapsed += time.perf_counter() - began
        predicted = "" if span is None else gold.text[span[0] : span[1]]
        answers = tuple(item["answers"])
        neighbours = _neighbours(article, position)
        fits = [type_fit(question, s.text) for s in neighbours]
        gold_fit = type_fit(question, gold.text)
        ties = sum(fit == gold_fit for fit in fits)
        share = 0.0 if any(fit > gold_fit for fit in fits) else 1.0 / (1 + ties)
        outcomes.append(
            Outcome(
                question=question,
                sentence=gold.text,
                answers=answers,
                span=None if span is None else predicted,
                exact=any(normalize(predicted) == normalize(a) for a in answers),
                f1=max(token_f1(predicted, a) for a in answers),
                fit_rank_share=share,
            )
        )
    return outcomes, 1000 * elapsed / max(1, len(outcomes))


def _neighbours(article: Sequence[Sentence], position: int) -> list[Sentence]:
    """The `_NEIGHBOURS` sentences nearest to `position` in the article, nearer first."""
    others = sorted((s for s in article if s.position != position), key=lambda s: abs(s.position - position))
    return others[:_NEIGHBOURS]


def summarize(outcomes: Sequence[Outcome], ms_per_span: float) -> dict[str, Any]:
    """The overall figures and the figures per question type."""
    by_type: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_type[outcome.question.type].append(outcome)
    return {
        **_figures(outcomes),
        "ms_per_find_span": round(ms_per_span, 2),
        "type_fit_gold_first": _fit_share(outcomes),
        "type_fit_gold_first_typed": _fit_share([o for o in outcomes if o.question.expected_labels]),
        "type_fit_chance": round(1 / (1 + _NEIGHBOURS), 4),
        "by_type": {t: _figures(group) for t, group in sorted(by_type.items(), key=lambda kv: -len(kv[1]))},
    }


def _fit_share(outcomes: Sequence[Outcome]) -> float:
    return round(sum(o.fit_rank_share for o in outcomes) / max(1, len(outcomes)), 4)


def _figures(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    n = max(1, len(outcomes))
    return {
        "n": len(outcomes),
        "span_em": round(sum(o.exact for o in outcomes) / n, 4),
        "span_f1": round(sum(o.f1 for o in outcomes) / n, 4),
        "none_rate": round(sum(o.span is None for o in outcomes) / n, 4),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print the summary as JSON (last line); `--errors N` first prints N worst cases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("questions", nargs="?", type=Path, default=_EVAL_DIR / "qa.dev.jsonl")
    parser.add_argument("articles", nargs="?", type=Path, default=_EVAL_DIR / "articles.dev.jsonl")
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong spans")
    parser.add_argument("--type", default=None, help="only print errors of this question type")
    parser.add_argument("--encoder", action="store_true", help="also score with the sentence encoder")
    args = parser.parse_args(argv)
    for path in (args.questions, args.articles):
        if not path.is_file():
            print(f"Cannot read '{path}': no such file.", file=sys.stderr)
            return 2
    encoder = make_encoder(DEFAULT_MODEL) if args.encoder else None
    if encoder is not None:
        encoder.embed_batch(["warm up"])  # load the model before timing
    outcomes, ms = evaluate(args.questions, args.articles, encoder)
    wrong = [o for o in outcomes if o.f1 < 1.0 and (args.type is None or o.question.type == args.type)]
    for o in wrong[: args.errors]:
        q = o.question
        print(f"[{q.type} {q.wh_role}/{q.wh_prep} gov={q.wh_governor} head={q.answer_head}] {q.text}")
        print(f"   gold: {o.answers[0]!r}   got: {o.span!r}   f1={o.f1:.2f}")
        print(f"   in: {o.sentence}")
    print(json.dumps(summarize(outcomes, ms)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
