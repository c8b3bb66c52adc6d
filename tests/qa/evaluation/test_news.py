"""News question scoring in-process, with the rules of score.py news (made-up questions and answers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.models import Quote, Sentence
from qa.evaluation.news import (
    Given,
    NewsQuestion,
    confidence_auc,
    expected_calibration_error,
    format_news_report,
    reliability,
    score_news,
)
from qa.models import Answer, Citation
from tests.cli import run_qa


def _question(qid: str, kind: str = "who", answers: tuple[str, ...] = ("Ann Lee",)) -> NewsQuestion:
    record = {
        "id": qid,
        "article_id": "a1",
        "question": f"Question {qid}?",
        "type": kind,
        "answers": list(answers),
        "alt_article_ids": ["a2"],
        "unanswerable": kind == "near miss",
    }
    return NewsQuestion.from_record(record)


def _answer(
    sentence: str,
    article_id: str = "a1",
    confidence: float = 0.8,
    span: str | None = None,
    speaker: str | None = None,
) -> Answer:
    s = Sentence(article_id, 0, 0, len(sentence), sentence)
    at = sentence.find(span) if span else -1
    quote = Quote(article_id, sentence, 0, len(sentence), "direct", speaker, speaker, "said", 0, 0)
    citation = Citation(
        1, s, "T", 1.0, (at, at + len(span or "")) if at >= 0 else None, quote if speaker else None
    )
    return Answer("q", sentence, (citation,), False, confidence=confidence)


def _abstained() -> Answer:
    return Answer("q", "", (), True)


def test_hit_needs_the_gold_article_or_an_alt_one_and_the_answer_in_the_first_sentence() -> None:
    questions = [_question("nA1"), _question("nA2"), _question("nB1"), _question("nB2")]
    answers = [
        _answer("Ann Lee runs the firm.", "a1", span="Ann Lee"),
        _answer("Ann Lee runs the firm.", "a2", span="Lee"),  # an alt article
        _answer("Ann Lee runs the firm.", "a3"),  # the answer words, another article
        _abstained(),
    ]
    report = score_news(questions, answers)
    assert report["all"]["hit@1"] == 0.5
    assert report["all"]["span_f1"] == pytest.approx((1.0 + 2 / 3) / 4, abs=1e-4)
    assert report["all"]["abstained_on_answerable"] == 0.25
    assert report["nA"]["hit@1"] == 1.0
    assert report["nB"]["hit@1"] == 0.0
    assert report["nB"]["abstained_on_answerable"] == 0.5


def test_who_said_is_right_by_its_speaker() -> None:
    questions = [_question("nA1", "who-said", ("Calderon",))]
    answers = [_answer("We will not pay for the wall.", speaker="Felipe Calderon")]
    assert score_news(questions, answers)["by_type"]["who-said"]["hit@1"] == 1.0


def test_an_answered_near_miss_is_a_wrong_answer_shown() -> None:
    questions = [_question("nA1", "near miss", ()), _question("nA2", "near miss", ())]
    answers = [_answer("Ann Lee runs the firm.", confidence=0.95), _abstained()]
    report = score_news(questions, answers)
    assert report["all"]["near_misses_declined"] == 0.5
    assert report["all"]["sure_wrong"] == 1.0
    assert report["all"]["shown"] == 1
    assert report["all"]["hit@1"] is None  # no answerable question


def test_calibration_error_weighs_each_bin_by_its_answers() -> None:
    q = _question("nA1")
    given = [Given(q, 0.95, True)] * 3 + [Given(q, 0.95, False)] + [Given(q, 0.25, False)] * 4
    # bin 0.9: 0.95 said, 0.75 right; bin 0.2: 0.25 said, none right; 4 answers of 8 in each
    assert expected_calibration_error(given) == pytest.approx((0.2 * 4 + 0.25 * 4) / 8)
    assert reliability(given) == [
        {"bin": "0.2-0.3", "n": 4, "confidence": 0.25, "right": 0.0},
        {"bin": "0.9-1.0", "n": 4, "confidence": 0.95, "right": 0.75},
    ]


def test_a_constant_confidence_is_calibrated_but_tells_right_from_wrong_no_better_than_chance() -> None:
    q = _question("nA1")
    constant = [Given(q, 0.75, True)] * 3 + [Given(q, 0.75, False)]
    assert expected_calibration_error(constant) == 0.0
    assert confidence_auc(constant) == 0.5
    telling = [Given(q, 0.9, True), Given(q, 0.8, True), Given(q, 0.85, False), Given(q, 0.3, False)]
    assert confidence_auc(telling) == pytest.approx(3 / 4)  # 0.8 right is below 0.85 wrong
    assert confidence_auc([Given(q, 0.9, True)]) is None  # no wrong answer to tell apart


def test_a_confidence_of_one_falls_in_the_last_bin() -> None:
    q = _question("nA1")
    assert reliability([Given(q, 1.0, True)])[0]["bin"] == "0.9-1.0"


def test_the_report_reads_as_a_table_with_halves_and_types() -> None:
    questions = [_question("nA1"), _question("nB1", "why", ("it rained",))]
    answers = [_answer("Ann Lee runs the firm."), _answer("They stayed home because it rained.")]
    text = format_news_report(score_news(questions, answers))
    lines = text.splitlines()
    assert lines[1].split()[:4] == ["news,", "all", "2", "1.000"]
    assert any(line.split()[:2] == ["news,", "nB"] for line in lines)
    assert any(line.split()[:1] == ["why"] for line in lines)
    assert "0.8-0.9     2  0.800  1.000" in text


def test_answers_and_questions_must_pair() -> None:
    with pytest.raises(ValueError, match="1 answers for 2 questions"):
        score_news([_question("nA1"), _question("nA2")], [_abstained()])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval", "news", "q.jsonl"], "Usage: qa eval news QA_NEWS.jsonl --articles QUOTES.jsonl"),
        (["eval", "news", "q.jsonl", "--articles", "a.jsonl", "--wikipedia", "w.jsonl"], "--wikipedia takes"),
    ],
)
def test_qa_eval_news_says_in_one_line_what_is_wrong(argv: list[str], message: str) -> None:
    done = run_qa(argv, {})
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert message in done.stderr


def test_qa_eval_news_names_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("{}\n")
    done = run_qa(["eval", "news", str(tmp_path / "q.jsonl"), "--articles", str(tmp_path / "a.jsonl")], {})
    assert done.returncode == 2
    assert "q.jsonl" in done.stderr
