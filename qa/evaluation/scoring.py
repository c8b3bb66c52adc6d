"""The scoring conventions of ../shared/eval/README.md, shared by every `qa eval` report: answers are
compared lower-cased, without punctuation and articles; span quality is SQuAD token F1."""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from pathlib import Path
from typing import Any

from index.errors import InputError

_PUNCT = set(string.punctuation)


def normalize(text: str) -> str:
    """Lower-cased, without punctuation and articles (the SQuAD convention)."""
    text = (
        text.lower()
        .replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    text = "".join(ch for ch in text if ch not in _PUNCT)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def token_f1(prediction: str, gold: str) -> float:
    p, g = normalize(prediction).split(), normalize(gold).split()
    same = sum((Counter(p) & Counter(g)).values())
    if not p or not g or same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"Cannot read '{path}': {error}") from None
