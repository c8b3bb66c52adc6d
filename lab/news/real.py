"""Real news never tuned on: questions over the 83 PolNeAR dev articles (docs/news.md, session 21).

The news dev questions (`qa_news.dev.jsonl`) are over the 840 train articles, and every choice of issue
29 was fitted on their half nA; the fresh sets (`lab.news.fresh`) are invented text, whose sentences
name things more plainly than news does. `lab/data/real_news/set_a.tsv` and `set_b.tsv` hold questions
written in session 21 by helpers who never saw the code, over the dev articles of
`../shared/eval/quotes.dev.jsonl` (21 articles each; `set_c.tsv`, by a third helper, over the other
41): answerable ones (`A`) with the answer as
character offsets into the article (the articles' text is read at run time, never copied here: the
PolNeAR texts belong to their publishers) and near misses (`N`: a year, number, person, place or
organisation changed, often to one the same article names elsewhere). Only measured on, never tuned:
a question is right when its first citation's sentence holds the answer.

Run: `python -m lab.news.real [--sets set_a set_b set_c]` (builds the store of the 83 articles under
build/real-news once).
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

from index.embedding import DEFAULT_MODEL
from lab.news.fresh import Asked, ask_one, figures
from lab.news.readings import with_settings
from qa.engine import QAEngine
from qa.evaluation.news import news_store
from qa.evaluation.scoring import read_jsonl

DATA = Path(__file__).resolve().parents[1] / "data" / "real_news"
SETS = ("set_a", "set_b", "set_c")
ARTICLES = Path("../shared/eval/quotes.dev.jsonl")


def ask_set(name: str, engine: QAEngine, texts: dict[str, str]) -> list[Asked]:
    """Every question of set `name`, asked of `engine` (a store of the dev articles, whose texts by id
    are `texts`)."""
    with (DATA / f"{name}.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    asked = []
    for row in rows:
        expected = None
        if row["kind"] == "A":
            expected = texts[row["article_id"]][int(row["answer_start"]) : int(row["answer_end"])]
        asked.append(ask_one(engine, f"{name}:{row['id']}", row["question"], expected))
    return asked


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lab.news.real")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument("--cache", type=Path, default=Path("build/real-news"))
    parser.add_argument("--verbose", action="store_true", help="print the questions missed")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a ReaderSettings field"
    )
    args = parser.parse_args(argv)
    if not ARTICLES.is_file():
        raise SystemExit(f"No {ARTICLES}: the dev articles are read from ../shared/eval/.")
    texts = {r["article_id"]: r["text"] for r in read_jsonl(ARTICLES)}
    engine = news_store(ARTICLES, args.cache, DEFAULT_MODEL)
    engine.answerer.settings = with_settings(engine.answerer.settings, args.set)
    names = ["hit@1", "span F1", "declined", "near misses declined", "conf AUC"]
    print("| set | answerable | near misses | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 3) + "|")
    for name in args.sets:
        asked = ask_set(name, engine, texts)
        found = figures(asked)
        counts = f"{sum(a.answerable for a in asked)} | {sum(not a.answerable for a in asked)}"
        print(f"| {name} | {counts} | " + " | ".join(f"{found[n]:.3f}" for n in names) + " |")
        if args.verbose:
            for a in asked:
                if (a.answerable and not a.right) or (not a.answerable and not a.declined):
                    what = "near miss answered" if not a.answerable else "declined" if a.declined else "wrong"
                    print(f"  {a.id} {what} ({a.confidence}): {a.question}\n      -> {a.cited[:200]}")
    engine.store.close()


if __name__ == "__main__":
    main()
