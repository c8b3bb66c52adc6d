"""Ship a trained reader: copy build/reader's int8 export into qa/answering/reader/model, only when it is
better.

    python -m lab.reader.ship [--work build/reader]   (make ship-reader)

"Better" is the held-out F1 of the int8 model on answer windows (`scores.json`, written by
`lab.reader.train`), with its no-answer split at margin 0 as the tie-break. Each shipped copy stays in
the git history; the model card (qa/answering/reader/model/README.md) is updated by hand with the new scores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.answering.reader.reader import MODEL_DIR, MODEL_FILE


def _key(scores: dict[str, Any]) -> tuple[float, float]:
    int8 = scores["int8"]
    declined = [v for k, v in int8["at_margin"]["0.0"].items() if k != "answer"]
    return int8["f1"], sum(declined) / max(len(declined), 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.reader.ship")
    parser.add_argument("--work", type=Path, default=Path("build/reader"))
    parser.add_argument("--force", action="store_true", help="ship even when not better")
    args = parser.parse_args(argv)
    new_scores = args.work / "scores.json"
    if not new_scores.is_file():
        print(f"No {new_scores}: run `make train-reader` first.", file=sys.stderr)
        return 2
    new = json.loads(new_scores.read_text())
    shipped = MODEL_DIR / "scores.json"
    if shipped.is_file() and not args.force:
        old = json.loads(shipped.read_text())
        if _key(new) <= _key(old):
            print(f"Not shipped: held-out F1 {new['int8']['f1']} is not better than {old['int8']['f1']}.")
            return 1
    MODEL_DIR.mkdir(exist_ok=True)
    for name in (MODEL_FILE, "tokenizer.json"):
        shutil.copyfile(args.work / name, MODEL_DIR / name)
    shutil.copyfile(new_scores, shipped)
    print(f"Shipped to {MODEL_DIR}: held-out F1 {new['int8']['f1']}. Update the model card's scores.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
