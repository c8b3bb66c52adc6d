"""Quote and who-said figures with each mistake behind them, one JSON line a mistake, for error analysis.

    python -m lab.quotes.errors ../shared/eval/quotes.dev.jsonl [../shared/eval/qa_whosaid.dev.jsonl] --errors

The metrics are `qa.evaluation.quotes`' (the reference scorer's rules); the files are read where they are.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.evaluation.quotes import predict_quotes, score_quotes, score_whosaid
from qa.evaluation.scoring import read_jsonl


def main(argv: Sequence[str] | None = None) -> int:
    """Print quote and who-said figures for the given evaluation files (and, with --errors, mistakes)."""
    parser = argparse.ArgumentParser(prog="python -m lab.quotes.errors", description=__doc__.splitlines()[0])
    parser.add_argument("quotes", type=Path, help="quotes JSONL (article_id, text, quotes, ...)")
    parser.add_argument("whosaid", type=Path, nargs="?", help="who-said questions JSONL")
    parser.add_argument("--errors", action="store_true", help="print each mistake as a JSON line")
    args = parser.parse_args(argv)
    records = read_jsonl(args.quotes)
    started = time.perf_counter()
    predictions = predict_quotes(records)
    seconds = time.perf_counter() - started
    errors: list[dict[str, Any]] | None = [] if args.errors else None
    result: dict[str, Any] = dict(score_quotes(records, predictions, errors))
    result["kinds"] = dict(Counter(q.kind for quotes in predictions.values() for q in quotes))
    result["extract_s"] = round(seconds, 2)
    if args.whosaid is not None:
        result.update(score_whosaid(read_jsonl(args.whosaid), predictions, errors))
    for error in errors or []:
        print(json.dumps(error, ensure_ascii=False))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
