"""The speaker model: given a quote and the paragraphs around it, the words that name its speaker.

A span model trained here (`make train-speaker`, `lab.speaker`; model card:
qa/quotes/extraction/model/README.md), run by onnxruntime at index time on each quote's window: the quote's
paragraph with one paragraph on each side, the quote itself between « and », the quote's first words as
the question. It answers with the speaker's mention (a name, a pronoun, "the spokesman") as article
offsets, and how far that mention beats "no speaker in reach" (`SpeakerGuess.margin`). The extractor
resolves the mention to a person (`qa.quotes.extraction.extract`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.spanmodel.encoding import best_span, encode_windows, pad, whole_words
from qa.spanmodel.session import load_model

__all__ = [
    "CLOSE",
    "MAX_TOKENS",
    "MODEL_DIR",
    "MODEL_FILE",
    "OPEN",
    "QUESTION_WORDS",
    "QuoteWindow",
    "SpeakerGuess",
    "SpeakerModel",
    "mark_quote",
    "quote_question",
]

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = "speaker.int8.onnx"
OPEN, CLOSE = "\u00ab", "\u00bb"  # « », whole tokens of the uncased vocabulary, rare in news
QUESTION_WORDS = 20
# Three paragraphs and the quote's first words; a longer window loses the paragraph after the quote,
# where news most often names the speaker.
MAX_TOKENS = 384
_RESTORE = (
    "restore it with `git checkout -- qa/quotes/extraction/model` or train it again with `make train-speaker`"
)


def quote_question(quote: str) -> str:
    """The question side of a window: the quote's first `QUESTION_WORDS` words."""
    return " ".join(quote.split()[:QUESTION_WORDS])


def mark_quote(text: str, start: int, end: int, quote_start: int, quote_end: int) -> str:
    """`text[start:end]` with OPEN before the quote's first character and CLOSE after its last."""
    return text[start:quote_start] + OPEN + text[quote_start:quote_end] + CLOSE + text[quote_end:end]


@dataclass(frozen=True, slots=True)
class QuoteWindow:
    """A quote (`quote_start`:`quote_end`) and the text around it (`start`:`end`), article offsets."""

    start: int
    end: int
    quote_start: int
    quote_end: int

    def article_offset(self, offset: int) -> int:
        """The article offset of context offset `offset` (a marker maps to the character after it)."""
        opened = self.quote_start - self.start
        if offset <= opened:
            return self.start + offset
        if offset <= opened + 1 + (self.quote_end - self.quote_start):
            return self.start + offset - 1
        return self.start + offset - 2


@dataclass(frozen=True, slots=True)
class SpeakerGuess:
    """The speaker's mention the model found (article offsets; None when it found none outside the
    quote) and how far it beat "no speaker in reach" (positive: a speaker is in reach).
    """

    span: tuple[int, int] | None
    margin: float


class SpeakerModel:
    """Finds speakers' mentions, a window at a time; the model is loaded on first use.

    Args:
        model_dir: the folder holding `speaker.int8.onnx` and `tokenizer.json`.
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
            session, tokenizer = load_model(self.model_dir / MODEL_FILE, self._threads, "speaker", _RESTORE)
            tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="only_second")
            self._session, self._tokenizer = session, tokenizer

    def find(self, text: str, windows: Sequence[QuoteWindow]) -> list[SpeakerGuess]:
        """One guess per window of article `text`, in the order given."""
        if not windows:
            return []
        self.load()
        contexts = [mark_quote(text, w.start, w.end, w.quote_start, w.quote_end) for w in windows]
        questions = [quote_question(text[w.quote_start : w.quote_end]) for w in windows]
        encoded = encode_windows(self._tokenizer, list(zip(questions, contexts)))
        guesses = []
        for window, context, enc in zip(windows, contexts, encoded):
            ids, mask, types = pad([enc])
            starts, ends = self._session.run(
                ["start_logits", "end_logits"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
            )
            choice = best_span(enc, starts[0], ends[0])
            span = None
            if choice.end > choice.start:
                low, high = whole_words(context, choice.start, choice.end)
                start, end = window.article_offset(low), window.article_offset(high)
                if end <= window.quote_start or start >= window.quote_end:  # never the quote's own words
                    span = (start, end)
            guesses.append(SpeakerGuess(span, round(choice.margin, 4)))
        return guesses
