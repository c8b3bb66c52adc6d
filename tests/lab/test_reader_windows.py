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


# An article of two paragraphs: the answer's window names Northway and Vestas; Orsted and Iberdrola,
# companies too, stand in the other paragraph.
DEAL = "Northway is paying 2 billion pounds for Vestas. The deal was agreed on Monday."
OTHER = "Analysts had expected a bid for Orsted. Iberdrola declined to comment."
DEAL_QUESTION = "How much is Northway paying for Vestas?"
DEAL_PARAGRAPHS = [
    _Paragraph("Deal", DEAL, ((DEAL_QUESTION, "2 billion pounds", DEAL.index("2 billion pounds"), 1),)),
    _Paragraph("Deal", OTHER, ()),
]


def _swaps(seed: int) -> list[str]:
    windows = build_windows(
        DEAL_PARAGRAPHS, seed, other_sentence=0.0, other_paragraph=0.0, near_miss=0.0, swap=1.0
    )
    assert all(w.answer_start == -1 for w in windows if w.kind == "swap")
    return [w.question for w in windows if w.kind == "swap"]


def test_a_swap_names_another_company_of_the_article_in_place_of_one_the_window_names() -> None:
    questions = {q for seed in range(12) for q in _swaps(seed)}
    assert questions
    for question in questions:
        assert question != DEAL_QUESTION
        # one of the window's companies replaced by one named only in the other paragraph
        assert "Orsted" in question or "Iberdrola" in question
        assert question.startswith("How much is") and question.endswith("?")
    assert any("for Orsted" in q or "for Iberdrola" in q for q in questions)


def test_no_swap_without_the_share() -> None:
    windows = build_windows(DEAL_PARAGRAPHS, 1, other_sentence=0.0, other_paragraph=0.0, near_miss=0.0)
    assert [w.kind for w in windows] == ["answer"]
