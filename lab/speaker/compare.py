"""Speaker figures of the extractor under each speaker policy (rules, the model, the model filling in
for the rules) on the dev articles (hand-read speakers) and the train articles (reference labels; the
held-out tenth the model never saw apart), one table.

    python -m lab.speaker.compare [--train] [--margins 0,-2,2] [--model build/speaker]

The metrics are `qa.evaluation.quotes`' (the reference scorer's rules); the files are read where they are.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lab.speaker.windows import HELD_OUT_SHARE, SEED, split_articles
from qa.evaluation.quotes import predict_quotes, score_quotes, score_whosaid
from qa.evaluation.scoring import read_jsonl
from qa.quotes import ExtractOptions
from qa.quotes.extraction.extract import SPEAKER_MODEL

EVAL = Path("../shared/eval")


def hand_read(records: list[dict[str, Any]], speakers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`records` with each direct quote's accepted names replaced by the hand-read ones (as
    `score.py speakers` does)."""
    names = {
        (r["article_id"], tuple(r["char_span"])): [
            n for n in [r.get("speaker"), *(r.get("aliases") or [])] if n
        ]
        for r in speakers
    }
    records = copy.deepcopy(records)
    for record in records:
        for quote in record["quotes"]:
            key = (record["article_id"], tuple(quote["char_span"]))
            if quote["quote_type"] == "direct" and key in names:
                quote["speaker_aliases"] = names[key]
    return records


def _row(
    name: str, records: list[dict[str, Any]], options: ExtractOptions, whosaid: list[dict[str, Any]]
) -> dict[str, Any]:
    started = time.perf_counter()
    predictions = predict_quotes(records, options)
    row: dict[str, Any] = {"set": name, "speakers": options.speakers, "margin": options.model_margin}
    row.update(score_quotes(records, predictions))
    if whosaid:
        row.update(score_whosaid(whosaid, predictions))
    row["seconds"] = round(time.perf_counter() - started, 1)
    return row


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m lab.speaker.compare", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--train", action="store_true", help="also the held-out tenth of the train articles")
    parser.add_argument("--train-fit", action="store_true", help="also the other train articles (slow)")
    parser.add_argument("--margins", default="0", help="model margins to try, comma-separated")
    parser.add_argument("--policies", default="rules,model,own,fill")
    parser.add_argument(
        "--model", type=Path, help="a speaker model folder to use instead of the shipped one (build/speaker)"
    )
    args = parser.parse_args(argv)
    if args.model is not None:
        SPEAKER_MODEL.model_dir = args.model  # before its first use: every extraction shares it
    sets = [
        (
            "dev",
            hand_read(read_jsonl(EVAL / "quotes.dev.jsonl"), read_jsonl(EVAL / "speakers.dev.jsonl")),
            read_jsonl(EVAL / "qa_whosaid.dev.jsonl"),
        )
    ]
    if args.train or args.train_fit:
        train = read_jsonl(EVAL / "quotes.train.jsonl")
        held = split_articles((str(r["article_id"]) for r in train), HELD_OUT_SHARE, SEED)
        if args.train:
            sets.append(("train held-out", [r for r in train if str(r["article_id"]) in held], []))
        if args.train_fit:
            sets.append(("train fit", [r for r in train if str(r["article_id"]) not in held], []))
    for policy in args.policies.split(","):
        margins = [float(m) for m in args.margins.split(",")] if policy != "rules" else [0.0]
        for margin in margins:
            options = ExtractOptions(speakers=policy, model_margin=margin)
            for name, records, whosaid in sets:
                print(json.dumps(_row(name, records, options, whosaid)), flush=True)


if __name__ == "__main__":
    main()
