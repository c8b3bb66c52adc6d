"""Question + context windows as token ids, and the best answer span read back from start/end logits.

Shared by training (`lab.reader.train`) and answering (`qa.answering.reader.reader`), so both cut, pad and
decode windows the same way. Only `tokenizers` and numpy: no torch at answer time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "MAX_ANSWER_TOKENS",
    "MAX_TOKENS",
    "Encoded",
    "SpanChoice",
    "best_span",
    "encode_windows",
    "fit_before",
    "load_tokenizer",
    "whole_words",
]

MAX_TOKENS = 192  # question + two sentences; longer windows lose the end of the context
MAX_ANSWER_TOKENS = 30

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Encoded:
    """One window as the model reads it; `offsets[i]` are the characters of context token i."""

    ids: list[int]
    type_ids: list[int]
    context_tokens: list[int]  # token positions that belong to the context
    offsets: list[tuple[int, int]]  # character span in the context of each token (question: (0, 0))


@dataclass(frozen=True, slots=True)
class SpanChoice:
    """The best span of a window: character offsets in its context and the scores behind it."""

    start: int
    end: int
    score: float  # start logit + end logit of the span
    null_score: float  # start + end logit of "no answer" (the [CLS] token)

    @property
    def margin(self) -> float:
        """How far the span beats "no answer"; below the reader's margin it declines."""
        return self.score - self.null_score


def load_tokenizer(model_dir: Path) -> Any:
    """The uncased WordPiece tokenizer of `model_dir` set for question + context pairs."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="only_second")
    return tokenizer


def encode_windows(tokenizer: Any, pairs: Sequence[tuple[str, str]]) -> list[Encoded]:
    """Token ids of (question, context) pairs; a question longer than half the window is cut."""
    encoded = []
    for encoding in tokenizer.encode_batch([(q[:600], c) for q, c in pairs]):
        sequence = encoding.sequence_ids
        context = [i for i, s in enumerate(sequence) if s == 1]
        encoded.append(Encoded(encoding.ids, encoding.type_ids, context, encoding.offsets))
    return encoded


def fit_before(tokenizer: Any, question: str, before: str, sentence: str) -> str:
    """`before` cut from its start, at a word, until the window of question, `before` and `sentence`
    fits in MAX_TOKENS: the window is cut at its end, which would lose the candidate sentence itself
    (a long sentence before it: its span was never read, its margin -1e9)."""
    for _ in range(8):
        if not before or not tokenizer.encode(question[:600], f"{before} {sentence}").overflowing:
            return before
        half = before[len(before) // 2 :]
        before = half.split(" ", 1)[1] if " " in half else ""
    return ""


def pad(batch: Sequence[Encoded]) -> tuple[IntArray, IntArray, IntArray]:
    """input_ids, attention_mask, token_type_ids of `batch`, padded to its longest window."""
    width = max(len(e.ids) for e in batch)
    ids = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, e in enumerate(batch):
        ids[row, : len(e.ids)] = e.ids
        mask[row, : len(e.ids)] = 1
        types[row, : len(e.ids)] = e.type_ids
    return ids, mask, types


def best_span(
    encoded: Encoded,
    start_logits: FloatArray,
    end_logits: FloatArray,
    allowed: tuple[int, int] | None = None,
) -> SpanChoice:
    """The highest-scoring span of context tokens (start <= end, at most MAX_ANSWER_TOKENS).

    Args:
        allowed: a character range of the context the span must lie in (the candidate sentence when
            the window also holds the sentence before it), or None for the whole context.
    """
    tokens = encoded.context_tokens
    if allowed is not None:
        low, high = allowed
        tokens = [t for t in tokens if encoded.offsets[t][0] >= low and encoded.offsets[t][1] <= high]
    null = float(start_logits[0] + end_logits[0])
    if not tokens:
        return SpanChoice(0, 0, -1e9, null)
    positions = np.asarray(tokens)
    starts = start_logits[positions]
    ends = end_logits[positions]
    scores = starts[:, None] + ends[None, :]
    gap = positions[None, :] - positions[:, None]
    scores = np.where((gap >= 0) & (gap < MAX_ANSWER_TOKENS), scores, -np.inf)
    i, j = np.unravel_index(int(np.argmax(scores)), scores.shape)
    first, last = int(positions[i]), int(positions[j])
    return SpanChoice(encoded.offsets[first][0], encoded.offsets[last][1], float(scores[i, j]), null)


_OPENERS = "([{\"'\u201c\u2018"
_CLOSERS = ",.;:!?)]}\"'\u201d\u2019"


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """`text[start:end]` widened to whole words: a span of word pieces never splits a word
    ("£80m", not "80" inside it); opening and closing punctuation around the words stays out."""
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in _OPENERS:
        start -= 1
    while end < len(text) and not text[end].isspace() and text[end] not in _CLOSERS:
        end += 1
    return start, end
