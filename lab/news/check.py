"""Does a second reader, trained on near misses, tell a shown answer that is wrong from one that is right?

`python -m lab.news.check --model DIR` asks the news dev questions (over the kept 840-article store) and
the fresh sets (`lab.news.fresh`) with the shipped engine, reads the first candidate of every decision
again with the model in DIR (a reader's folder: `reader.int8.onnx`, `tokenizer.json`; e.g. a run of
`lab.reader.train --swap`), and prints, per set: how well that margin ranks right answers above wrong
ones and near misses (AUC), and what declining the answers under each threshold would do (a check
failed counts as a term lacking: the higher floor of `decide`). Rows go to `--out` for replay.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.embedding import DEFAULT_MODEL
from lab.news.fresh import DATA, SETS, engine_for, first_holds
from lab.news.readings import recorded_decisions
from qa.answering.question import analyze_question
from qa.answering.reader.decide import ReaderSettings, read_sentences
from qa.answering.reader.probe import named_instead
from qa.answering.reader.reader import Reader
from qa.engine import QAEngine
from qa.evaluation.news import NewsQuestion, judge, news_store, separation
from qa.evaluation.scoring import read_jsonl

_EVAL = Path("../shared/eval")


def ask(
    engine: QAEngine, checker: Reader, questions: Sequence[tuple[str, str, bool, Any]]
) -> list[dict[str, Any]]:
    """One row per (id, question, answerable, judge) asked: shown or not, right or not, the decision's
    figures and the checker's margin on the first candidate."""
    engine.warm_up()
    settings = engine.answerer.settings
    rows = []
    with recorded_decisions() as calls:
        for qid, text, answerable, right_of in questions:
            calls.clear()
            answer = engine.ask(text)
            if not calls:  # the quote table answered, or the question was turned away
                rows.append(
                    {
                        "id": qid,
                        "answerable": answerable,
                        "checked": False,
                        "shown": not answer.abstained,
                        "right": bool(right_of(answer)) and not answer.abstained,
                    }
                )
                continue
            candidates, decision = calls[-1]
            first = candidates[0]
            [reading] = read_sentences(
                checker, engine.store, text, [first.sentence], settings.short_paragraph
            )
            probe, pair = _probe(engine, text, first, settings)
            rows.append(
                {
                    "id": qid,
                    "answerable": answerable,
                    "checked": True,
                    "probe": probe,
                    "pair": pair,
                    "shown": not answer.abstained,
                    "right": bool(right_of(answer)) and not answer.abstained,
                    "answerability": decision.answerability,
                    "lacking": decision.lacking,
                    "quoted": decision.quoted,
                    "margin": first.reading.margin,
                    "check": reading.margin,
                    "kind": analyze_question(text).type,
                    "question": text,
                    "sentence": first.sentence.text,
                    "span": None
                    if first.reading.span is None
                    else first.sentence.text[first.reading.span[0] : first.reading.span[1]],
                }
            )
    return rows


def _probe(engine: QAEngine, question: str, first: Any, settings: ReaderSettings) -> tuple[float, str]:
    """The largest rise of the reader's margin on the first candidate when a name of the question its
    passage lacks is swapped for one it names (`qa.answering.reader.probe`), and the swap; -99 when
    there is no swap to read."""
    found = named_instead(
        engine.answerer.reader,
        engine.store,
        question,
        first,
        settings.short_paragraph,
        -99.0,
        settings.swap_tries,
    )
    return (-99.0, "") if found is None else (found.gain, f"{found.asked} -> {found.named}")


def news_questions() -> tuple[QAEngine, list[tuple[str, str, bool, Any]]]:
    engine = news_store(_EVAL / "quotes.train.jsonl", Path("build/eval-news"), DEFAULT_MODEL)
    asked = []
    for record in read_jsonl(_EVAL / "qa_news.dev.jsonl"):
        question = NewsQuestion.from_record(record)
        asked.append(
            (question.id, question.question, not question.unanswerable,
             lambda answer, q=question: judge(q, answer)[0])
        )  # fmt: skip
    return engine, asked


def fresh_questions(name: str) -> tuple[QAEngine, list[tuple[str, str, bool, Any]]]:
    import csv

    with (DATA / name / "questions.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))

    asked = [
        (f"{name}:{r['id']}", r["question"], r["kind"] == "A",
         lambda answer, e=r["expected"], a=r["kind"] == "A": a and first_holds(answer, e))
        for r in rows
    ]  # fmt: skip
    return engine_for(name, Path("build/fresh")), asked


def auc(good: Sequence[float], bad: Sequence[float]) -> float:
    found = separation(good, bad)
    return float("nan") if found is None else found


def replay(rows: Sequence[dict[str, Any]], below: float | None, settings: ReaderSettings) -> dict[str, float]:
    """Answerable declined, near misses declined and hit@1 when a check under `below` counts as a term
    lacking (None: as shipped)."""
    offsets = dict(settings.type_offsets)
    declined, right = [], []
    for row in rows:
        shown, ok = row["shown"], row["right"]
        if row["checked"] and below is not None and shown and not row["lacking"] and row["check"] < below:
            floor = settings.missing_below
            if not row["quoted"]:
                floor -= offsets.get(row["kind"], 0.0)
            shown = row["answerability"] >= floor
            ok = ok and shown
        declined.append(not shown)
        right.append(ok)
    answerable = [i for i, r in enumerate(rows) if r["answerable"]]
    misses = [i for i, r in enumerate(rows) if not r["answerable"]]
    return {
        "hit@1": sum(right[i] for i in answerable) / len(answerable),
        "declined": sum(declined[i] for i in answerable) / len(answerable),
        "near declined": sum(declined[i] for i in misses) / len(misses),
    }


def report(name: str, rows: Sequence[dict[str, Any]], settings: ReaderSettings) -> None:
    shown = [r for r in rows if r["checked"] and r["shown"]]
    right = [r for r in shown if r["right"]]
    wrong = [r for r in shown if not r["right"]]
    print(
        f"## {name}: {len(right)} right, {len(wrong)} wrong shown "
        f"({sum(not r['answerable'] for r in wrong)} near misses); AUC check "
        f"{auc([r['check'] for r in right], [r['check'] for r in wrong]):.3f}, reader margin "
        f"{auc([r['margin'] for r in right], [r['margin'] for r in wrong]):.3f}"
    )
    print("| check below | hit@1 | answerable declined | near misses declined |")
    print("|---|---|---|---|")
    for below in (None, -4.0, -2.0, -1.0, 0.0, 1.0, 2.0):
        found = replay(rows, below, settings)
        print(f"| {below} | {found['hit@1']:.3f} | {found['declined']:.3f} | {found['near declined']:.3f} |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lab.news.check")
    parser.add_argument("--model", type=Path, required=True, help="a reader's folder")
    parser.add_argument("--out", type=Path, default=Path("build/news/check.json"))
    parser.add_argument("--sets", nargs="*", default=["news", *SETS])
    args = parser.parse_args(argv)
    checker = Reader(args.model)
    found: dict[str, list[dict[str, Any]]] = {}
    for name in args.sets:
        engine, questions = news_questions() if name == "news" else fresh_questions(name)
        rows = ask(engine, checker, questions)
        engine.store.close()
        if name == "news":
            found["nA"] = [r for r in rows if r["id"].startswith("nA")]
            found["nB"] = [r for r in rows if r["id"].startswith("nB")]
        else:
            found[name] = rows
    settings = ReaderSettings()
    for name, rows in found.items():
        report(name, rows, settings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
