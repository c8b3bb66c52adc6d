"""The news questions' readings, candidate by candidate, for the decline and confidence work (issue 29).

`python -m lab.news.readings` asks every question of ../shared/eval/qa_news.dev.jsonl over the kept
840-article store with the shipped settings and writes, per question, what the answer was (right,
span F1, abstained, confidence; from the quote table or the reader) and every candidate the reader
read, best first (article, position, margin, retrieval score, mixed score, whether it holds a gold
answer in an answering article, the key terms its article misses): declines and orderings can be
replayed on these rows without asking again (docs/news.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import qa.answering.answerer as answerer_module
from index.embedding import DEFAULT_MODEL
from qa.answering.question import analyze_question
from qa.answering.reader.decide import Decision, ReadCandidate, ReaderSettings, decide
from qa.answering.reader.reader import Reader
from qa.engine import QAEngine
from qa.evaluation.news import NewsQuestion, judge, news_store
from qa.evaluation.scoring import normalize, read_jsonl
from qa.models import Answer

_EVAL = Path("../shared/eval")


def holds_gold(question: NewsQuestion, article_id: str, text: str) -> bool:
    """Whether a sentence of `article_id` holds a gold answer of `question` in an answering article."""
    sentence = normalize(text)
    return article_id in question.ok_articles and any(normalize(g) in sentence for g in question.answers)


@contextmanager
def recorded_decisions() -> Iterator[list[tuple[list[ReadCandidate], Decision]]]:
    """Every decision the answerer takes in the block, with the candidates it took it on, in order."""
    calls: list[tuple[list[ReadCandidate], Decision]] = []

    def recording(
        candidates: Sequence[ReadCandidate],
        missing: Sequence[str],
        settings: ReaderSettings,
        *more: Any,
        **named: Any,
    ) -> Decision:
        decision = decide(candidates, missing, settings, *more, **named)
        calls.append((list(candidates), decision))
        return decision

    setattr(answerer_module, "decide", recording)  # noqa: B010 - the lab only: see what decides
    try:
        yield calls
    finally:
        setattr(answerer_module, "decide", decide)  # noqa: B010


def collect(engine: QAEngine, questions: Sequence[NewsQuestion]) -> list[dict[str, Any]]:
    """One row per question: the answer and the reader's candidates (see the module's docstring)."""
    engine.warm_up()
    answerer = engine.answerer
    quoted: list[bool] = []
    from_table = answerer._answer_from_quotes

    def recording_quotes(*args: Any, **kwargs: Any) -> Any:
        answer = from_table(*args, **kwargs)
        quoted.append(answer is not None)
        return answer

    setattr(answerer, "_answer_from_quotes", recording_quotes)  # noqa: B010 - the lab only
    rows = []
    try:
        with recorded_decisions() as calls:
            for question in questions:
                calls.clear()
                quoted.clear()
                answer = engine.ask(question.question)
                candidates, decision = calls[-1] if calls else ([], None)
                rows.append(
                    {
                        **answer_row(question, answer, decision),
                        "from_quotes": any(quoted),
                        "candidates": [
                            {
                                "article": c.sentence.article_id,
                                "position": c.sentence.position,
                                "paragraph": c.sentence.paragraph,
                                "text": c.sentence.text,
                                "margin": c.reading.margin,
                                "retrieval": c.scored.score,
                                "mixed": c.mixed,
                                "gold": holds_gold(question, c.sentence.article_id, c.sentence.text),
                                "span": None
                                if c.reading.span is None
                                else c.sentence.text[c.reading.span[0] : c.reading.span[1]],
                                "missing": answerer.missing_terms(question.question, [c]),
                            }
                            for c in candidates
                        ],
                    }
                )
    finally:
        delattr(answerer, "_answer_from_quotes")  # the method again
    return rows


def answer_row(question: NewsQuestion, answer: Answer, decision: Decision | None) -> dict[str, Any]:
    """What a recorder keeps of every answer: the question, the answer, whether it is right and its span
    F1 (score.py's rules), and the decision's answerability and missing terms."""
    right, span = judge(question, answer)
    return {
        "id": question.id,
        "type": question.type,
        "question": question.question,
        "unanswerable": question.unanswerable,
        "abstained": answer.abstained,
        "confidence": answer.confidence,
        "right": right,
        "span_f1": span,
        "reason": answer.reason,
        "answerability": None if decision is None else decision.answerability,
        "missing": [] if decision is None else list(decision.missing),
        # what the floor and the confidence rest on besides the answerability
        "lacking": decision is not None and decision.lacking,
        "quoted": decision is not None and decision.quoted,
        "kind": analyze_question(question.question).type,
    }


def with_settings(settings: ReaderSettings, assignments: Sequence[str]) -> ReaderSettings:
    """`settings` with each `name=value` of `assignments` set (the value read as the field's type)."""
    changes: dict[str, Any] = {}
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        if name not in ReaderSettings.__dataclass_fields__:
            raise SystemExit(f"--set {assignment!r}: ReaderSettings has no field {name!r}")
        current = getattr(settings, name)
        if value == "None":
            changes[name] = None
        elif isinstance(current, bool):
            changes[name] = value.lower() in ("1", "true", "yes")
        else:
            changes[name] = type(current)(value) if current is not None else float(value)
    return dataclasses.replace(settings, **changes)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lab.news.readings")
    parser.add_argument("--store-cache", type=Path, default=Path("build/eval-news"))
    parser.add_argument("--out", type=Path, default=Path("build/news/readings.json"))
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a ReaderSettings field for this run (e.g. first_read=8, short_paragraph=2), to replay choices",
    )
    parser.add_argument("--reader", type=Path, help="another reader's folder (a run of lab.reader.train)")
    args = parser.parse_args(argv)
    engine = news_store(_EVAL / "quotes.train.jsonl", args.store_cache, DEFAULT_MODEL)
    if args.reader:
        engine.answerer.reader = Reader(args.reader)
    engine.answerer.settings = with_settings(engine.answerer.settings, args.set)
    questions = [NewsQuestion.from_record(r) for r in read_jsonl(_EVAL / "qa_news.dev.jsonl")]
    rows = collect(engine, questions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1))
    print(f"{len(rows)} questions -> {args.out}")


if __name__ == "__main__":
    main()
