"""The reader's training windows: hard no-answer windows are the ones repeating the question's words."""

from __future__ import annotations

from lab.reader.windows import _Paragraph, build_windows

# A paragraph whose first sentences repeat the question's words and whose last answers it.
TEXT = (
    "The harbour bridge was closed on Monday. "
    "Harbour bridge repairs were ordered by the council after the harbour bridge closed. "
    "Traffic moved to the ring road. "
    "Buses ran every ten minutes. "
    "The engineer Maria Lopez leads the repairs."
)
QUESTION = "Who leads the harbour bridge repairs ordered by the council?"
PARAGRAPH = _Paragraph("Bridge", TEXT, ((QUESTION, "Maria Lopez", TEXT.index("Maria Lopez"), 1),))


def _no_answer(hard: float, seed: int) -> list[str]:
    windows = build_windows(
        [PARAGRAPH], seed, other_sentence=1.0, other_paragraph=0.0, near_miss=0.0, hard=hard
    )
    return [w.context for w in windows if w.kind == "other_sentence"]


def test_a_hard_no_answer_window_is_the_one_sharing_most_words_with_the_question() -> None:
    for seed in range(10):
        [context] = _no_answer(1.0, seed)
        assert "Harbour bridge repairs were ordered by the council" in context
        assert "Maria Lopez" not in context


def test_drawn_no_answer_windows_vary_and_never_hold_the_answer() -> None:
    contexts = {c for seed in range(20) for c in _no_answer(0.0, seed)}
    assert len(contexts) > 1
    assert not any("Maria Lopez" in c for c in contexts)
