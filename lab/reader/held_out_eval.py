"""`qa eval` on a second set: the reader's held-out slice of the training file.

    python -m lab.reader.held_out_eval [--paragraphs 6]      (make eval-held-out)

The dev questions (`make eval`) choose the reader's decision settings (`lab.reader.calibrate`), so a
setting can fit them by chance. The 20 articles of `../shared/train/squad-v1-train.jsonl` that
`make train-reader` holds out (the same seed) were never trained on nor calibrated on: each becomes an
article of its first `--paragraphs` paragraphs, asked all of their questions, with the quotes articles
of `../shared/eval` as distractors, exactly as `qa eval` does for dev (leave-one-out and near misses
included). The data is read at run time into a temporary directory and never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

from lab.reader.windows import HELD_OUT_ARTICLES, SEED, held_out_titles
from qa.evaluation.questions import evaluate_qa, format_report

_SHARED = Path(__file__).resolve().parents[3] / "shared"
TRAIN_FILE = _SHARED / "train" / "squad-v1-train.jsonl"
DISTRACTORS = _SHARED / "eval" / "quotes.dev.jsonl"


def write_held_out(train_file: Path, folder: Path, paragraphs: int) -> tuple[Path, Path]:
    """The held-out articles and their questions as `qa eval` files in `folder`."""
    with open(train_file, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    held = held_out_titles((row["title"] for row in rows), HELD_OUT_ARTICLES, SEED)
    texts: dict[str, list[tuple[int, str]]] = {}
    questions = []
    for row in rows:
        if row["title"] not in held or row["paragraph"] >= paragraphs:
            continue
        texts.setdefault(row["title"], []).append((row["paragraph"], row["context"]))
        for qa in row["qas"]:
            answers = [a["text"] for a in qa["answers"]]
            questions.append(
                {"id": qa["id"], "article_id": f"held-out:{row['title']}", "question": qa["question"],
                 "answers": answers}
            )  # fmt: skip
    articles_path, questions_path = folder / "articles.jsonl", folder / "questions.jsonl"
    with open(articles_path, "w", encoding="utf-8") as out:
        for title, parts in sorted(texts.items()):
            text = "\n\n".join(context for _, context in sorted(parts))
            out.write(json.dumps({"article_id": f"held-out:{title}", "title": title, "text": text}) + "\n")
    with open(questions_path, "w", encoding="utf-8") as out:
        out.writelines(json.dumps(q) + "\n" for q in questions)
    return articles_path, questions_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lab.reader.held_out_eval", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--train-file", type=Path, default=TRAIN_FILE)
    parser.add_argument("--distractors", type=Path, default=DISTRACTORS)
    parser.add_argument("--paragraphs", type=int, default=6, help="first paragraphs of each article")
    args = parser.parse_args(argv)
    for path, what in ((args.train_file, "training file"), (args.distractors, "distractors file")):
        if not path.exists():
            raise SystemExit(f"No {what} at {path}: pass its path (--train-file, --distractors).")
    with tempfile.TemporaryDirectory() as tmp:
        articles, questions = write_held_out(args.train_file, Path(tmp), args.paragraphs)
        print(format_report(evaluate_qa(questions, articles, args.distractors)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
