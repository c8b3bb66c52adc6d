"""The second evaluation set: the reader's held-out training articles as `qa eval` files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab.reader.held_out_eval import main, write_held_out
from lab.reader.windows import HELD_OUT_ARTICLES, SEED, held_out_titles, read_paragraphs


def _train_file(path: Path, titles: int, paragraphs: int) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for t in range(titles):
            for p in range(paragraphs):
                context = f"Town {t} opened bridge {p} in 19{t:02d}."
                qa = {"id": f"{t}-{p}", "question": f"When did town {t} open bridge {p}?",
                      "answers": [{"text": f"19{t:02d}", "answer_start": context.index("19")}],
                      "occurrences": 1}  # fmt: skip
                out.write(json.dumps({"title": f"Town {t}", "paragraph": p, "context": context, "qas": [qa]}))
                out.write("\n")
    return path


def test_the_held_out_articles_are_those_training_leaves_out_cut_to_their_first_paragraphs(
    tmp_path: Path,
) -> None:
    train = _train_file(tmp_path / "train.jsonl", titles=30, paragraphs=4)
    articles_path, questions_path = write_held_out(train, tmp_path, paragraphs=3)
    articles = [json.loads(line) for line in articles_path.read_text().splitlines()]
    questions = [json.loads(line) for line in questions_path.read_text().splitlines()]
    held = held_out_titles((p.title for p in read_paragraphs(train)), HELD_OUT_ARTICLES, SEED)
    assert {a["title"] for a in articles} == held
    assert all(a["text"].count("\n\n") == 2 and "bridge 3" not in a["text"] for a in articles)
    assert len(questions) == HELD_OUT_ARTICLES * 3
    by_id = {a["article_id"]: a for a in articles}
    for q in questions:
        assert q["answers"][0] in by_id[q["article_id"]]["text"]


def test_a_missing_training_file_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"No training file at .*nope.jsonl: pass its path"):
        main(["--train-file", str(tmp_path / "nope.jsonl")])
