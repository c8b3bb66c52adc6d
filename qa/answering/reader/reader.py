"""`Reader`: the project's extractive reader, int8 ONNX run by onnxruntime, read at question time.

It reads a candidate sentence with the sentence before it in its paragraph (so "he" and "the company"
can be read), gives the best answer span inside the candidate sentence and how far that span beats "no
answer" (`SpanChoice.margin`), and the same for the sentence before (`Reading.before`). The model is
trained here (`make train-reader`, `lab.reader.train`; model card: qa/answering/reader/model/README.md) and
loaded from the package folder, never from a hub.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.spanmodel.encoding import (
    SpanChoice,
    best_span,
    encode_windows,
    fit_before,
    pad,
    whole_words,
)
from qa.spanmodel.session import load_model

__all__ = ["MODEL_DIR", "Reader", "Reading"]

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = "reader.int8.onnx"
_RESTORE = (
    "restore it with `git checkout -- qa/answering/reader/model` or train it again with `make train-reader`"
)


@dataclass(frozen=True, slots=True)
class Reading:
    """The reader's view of one candidate sentence: the answer span (offsets in the sentence, None when
    the span is empty) and its margin over "no answer" (positive: the sentence answers)."""

    span: tuple[int, int] | None
    margin: float
    # The best span in the sentence before (offsets in that sentence) and its margin, when it was read
    # as context: "Who founded Northwind Tools?" is answered by "The company was started by Maria
    # Lopez ..." before "Today Northwind Tools employs 400 people.", the sentence retrieval found.
    before: Reading | None = None


class Reader:
    """Reads (context before, sentence) pairs, a window at a time; the model is loaded on first use.

    Args:
        model_dir: the folder holding `reader.int8.onnx` and `tokenizer.json`.
        threads: onnxruntime intra-op threads; 0 lets onnxruntime choose.
    """

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 0) -> None:
        self.model_dir = model_dir
        self._threads = threads
        self._session: Any = None
        self._tokenizer: Any = None

    def load(self) -> None:
        """Load the model now.

        Raises:
            ModelError: the model or tokenizer file is missing or damaged.
        """
        if self._session is None:
            self._session, self._tokenizer = load_model(
                self.model_dir / MODEL_FILE, self._threads, "reader", _RESTORE
            )

    def read(self, question: str, passages: Sequence[tuple[str, str]]) -> list[Reading]:
        """One `Reading` per (context before, sentence) pair, in the order given."""
        if not passages:
            return []
        self.load()
        windows, allowed = [], []
        fitted = [fit_before(self._tokenizer, question, b, s) for b, s in passages]
        for before, (_, sentence) in zip(fitted, passages):
            context = f"{before} {sentence}" if before else sentence
            windows.append((question, context))
            allowed.append((len(context) - len(sentence), len(context)))
        encoded = encode_windows(self._tokenizer, windows)
        readings = []
        for row, (enc, (low, high)) in enumerate(zip(encoded, allowed)):
            # A window at a time: padding a batch to its longest window cost a quarter of the tokens
            # read, and one window on both threads ran faster (docs/reader.md).
            ids, mask, types = pad([enc])
            starts, ends = self._session.run(
                ["start_logits", "end_logits"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
            )
            (whole_before, sentence), before = passages[row], fitted[row]
            reading = _reading(sentence, best_span(enc, starts[0], ends[0], (low, high)), low)
            if before:  # the end of `whole_before` when it was cut to fit
                cut = len(whole_before) - len(before)
                choice = best_span(enc, starts[0], ends[0], (0, len(before)))
                reading = dataclasses.replace(reading, before=_reading(whole_before, choice, -cut))
            readings.append(reading)
        return readings


def _reading(text: str, choice: SpanChoice, offset: int) -> Reading:
    """The reading of `text`, which starts at `offset` of the window's context."""
    span = None
    if choice.end > choice.start:
        span = whole_words(text, choice.start - offset, choice.end - offset)
    return Reading(span, round(choice.margin, 4))
