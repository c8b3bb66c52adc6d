"""Fresh news: three small sets of articles the project was never tuned on, in other styles (docs/news.md,
session 20).

`lab/data/fresh_news/set1..set3` each hold five or six invented news articles (business, wire copy with
a dateline, council, sport, science; US politics, an environment feature, earnings, a court report, an
obituary, breaking news; UK politics, a conflict with two sides, a school budget, a transfer, a drug
trial, a merger of "H&W") and `questions.tsv`: answerable questions (`A`, the answer verbatim in the
article) and near misses (`N`: a year, person, place or number changed, often to one the article
names elsewhere). They were written in session 20 by helpers who had not seen the code; set1 was read
by hand to find failures (the speaker's business title, a headline for "When ...?"), sets 2 and 3 only
measure. A question is right when its first citation's sentence holds the expected words.

Run: `python -m lab.news.fresh [--sets set2 set3]` (builds a store per set under build/fresh, once).
"""

from __future__ import annotations

import argparse
import csv
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.embedding import DEFAULT_MODEL, make_encoder
from index.ingest import read_paths
from index.schema import is_store
from lab.news.readings import with_settings
from qa.engine import QAEngine
from qa.evaluation.news import separation
from qa.evaluation.scoring import normalize, token_f1
from qa.models import Answer

DATA = Path(__file__).resolve().parents[1] / "data" / "fresh_news"
SETS = ("set1", "set2", "set3")


@dataclass(frozen=True, slots=True)
class Asked:
    """One question of a set and what the engine answered."""

    id: str
    answerable: bool
    right: bool
    declined: bool
    span_f1: float
    confidence: float | None
    question: str = ""
    cited: str = ""  # the first citation's sentence, or the reason declined


def ask_set(name: str, engine: QAEngine) -> list[Asked]:
    """Every question of set `name`, asked of `engine` (a store of that set's articles)."""
    with (DATA / name / "questions.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        ask_one(engine, row["id"], row["question"], row["expected"] if row["kind"] == "A" else None)
        for row in rows
    ]


def ask_one(engine: QAEngine, id: str, question: str, expected: str | None) -> Asked:
    """`question` asked of `engine`, judged against the `expected` words (None: a near miss)."""
    answer = engine.ask(question)
    first = answer.citations[0] if answer.citations and not answer.abstained else None
    right = expected is not None and first_holds(answer, expected)
    span = token_f1(first.span_text or "", expected) if expected is not None and first else 0.0
    cited = first.sentence.text if first else (answer.reason or "")
    if expected is not None:
        cited = f"{cited}  [expected: {expected}]"
    return Asked(id, expected is not None, right, answer.abstained, span, answer.confidence, question, cited)


def first_holds(answer: Answer, expected: str) -> bool:
    """Whether `answer` is given and its first citation's sentence holds the `expected` words."""
    first = answer.citations[0] if answer.citations and not answer.abstained else None
    return first is not None and normalize(expected) in normalize(first.sentence.text)


def figures(asked: Sequence[Asked]) -> dict[str, float]:
    answerable = [a for a in asked if a.answerable]
    misses = [a for a in asked if not a.answerable]
    shown = [a for a in asked if not a.declined]
    auc = separation(
        [a.confidence or 0.0 for a in shown if a.right], [a.confidence or 0.0 for a in shown if not a.right]
    )
    return {
        "hit@1": sum(a.right for a in answerable) / len(answerable),
        "span F1": sum(a.span_f1 for a in answerable) / len(answerable),
        "declined": sum(a.declined for a in answerable) / len(answerable),
        "near misses declined": sum(a.declined for a in misses) / len(misses),
        "conf AUC": float("nan") if auc is None else auc,
    }


def engine_for(name: str, cache: Path) -> QAEngine:
    """An engine over set `name`'s articles, in a store under `cache` built on first use."""
    path, encoder = cache / name, make_encoder(DEFAULT_MODEL)
    if not is_store(path):
        read = read_paths([DATA / name / "articles"])
        if read.failures:
            raise SystemExit(f"{name}: {read.failures[0]}")
        building = cache / f"{name}.building"
        shutil.rmtree(building, ignore_errors=True)
        builder = QAEngine(building, encoder)
        builder.add_articles(read.articles)
        builder.store.close()
        building.rename(path)
    return QAEngine(path, encoder)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lab.news.fresh")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument("--cache", type=Path, default=Path("build/fresh"))
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a ReaderSettings field"
    )
    args = parser.parse_args(argv)
    names = ["hit@1", "span F1", "declined", "near misses declined", "conf AUC"]
    print("| set | answerable | near misses | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 3) + "|")
    for name in args.sets:
        engine = engine_for(name, args.cache)
        engine.answerer.settings = with_settings(engine.answerer.settings, args.set)
        asked = ask_set(name, engine)
        engine.store.close()
        found = figures(asked)
        counts = f"{sum(a.answerable for a in asked)} | {sum(not a.answerable for a in asked)}"
        print(f"| {name} | {counts} | " + " | ".join(f"{found[n]:.3f}" for n in names) + " |")


if __name__ == "__main__":
    main()
