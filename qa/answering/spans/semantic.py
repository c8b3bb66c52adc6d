"""Sentence-encoder features of candidate answers (optional: used when `find_labelled_span` gets an encoder).

Two signals, computed with one `embed_batch` call per sentence:

- `filled`: the question with its wh-phrase replaced by the candidate ("What did Ana open?" ->
  "the bookshop did Ana open?"), compared with the sentence: the right filler turns the question into a
  restatement of the sentence (the cloze view of QA, after Lewis et al. 2019, "Unsupervised Question
  Answering by Cloze Translation", read backwards);
- `asked`: the candidate alone compared with the question, which carries the kind of thing asked for
  ("What instrument ..." is nearer "indicator" than "performance").

Their weights are `SEMANTIC_WEIGHTS`, chosen on the dev questions (docs/results.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from index.embedding import Encoder
from qa.answering.question import Question
from qa.answering.spans.candidates import Candidate

__all__ = ["SEMANTIC_WEIGHTS", "fill_question", "semantic_features"]

SEMANTIC_WEIGHTS: dict[str, float] = {
    "filled": 8.0,  # cosine(question with the candidate in the wh-phrase's place, sentence)
    "asked": 1.0,  # cosine(candidate, question)
}


def semantic_features(
    question: Question, doc: Any, candidates: Sequence[Candidate], encoder: Encoder
) -> list[dict[str, float]]:
    """The `filled` and `asked` features of each candidate, in order; empty features without candidates."""
    if not candidates:
        return []
    phrases = [doc[c.start : c.end].text for c in candidates]
    texts = [question.text, doc.text, *(fill_question(question, p) for p in phrases), *phrases]
    vectors = encoder.embed_batch(texts)
    n = len(candidates)
    filled = vectors[2 : 2 + n] @ vectors[1]
    asked = vectors[2 + n :] @ vectors[0]
    return [{"filled": float(f), "asked": float(a)} for f, a in zip(filled, asked)]


def fill_question(question: Question, phrase: str) -> str:
    """The question with its wh-phrase replaced by `phrase` (appended when there is no wh-phrase)."""
    if question.wh_span is None:
        return f"{question.text} {phrase}"
    start, end = question.wh_span
    return f"{question.text[:start]}{phrase}{question.text[end:]}".strip()
