"""`qa eval news`: news questions over the news articles, with the rules of ../shared/tools/score.py
(`news`), in process, over a store cached between runs.

The questions (../shared/eval/qa_news.dev.jsonl) are answerable ones of a type (who, what, when, where,
how many, how much, why, what-said, who-said) and near misses (`unanswerable`: a year, person, place
or number changed so that no article answers). For each answer shown (not abstained):

- right: its first citation comes from the question's article (or an alt one) and holds a gold answer
  (a who-said question: or its speaker is a gold name); a near miss answered is wrong;
- hit@1 and span F1 (the first citation's span against the gold answers) are over the answerable;
- ECE: expected calibration error of `confidence` over the answers shown, 10 equal bins; sure_wrong:
  the share of the answers shown at 0.9 or more that are wrong.

Figures are given by question type, by half (ids `nA…` and `nB…`: fit on one, check on the other) and
for all, with a reliability table. The same figures can be taken on the Wikipedia dev set beside them
(its near misses made by `qa.evaluation.near_misses`), so one confidence mapping is judged on both.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.embedding import DEFAULT_MODEL, make_encoder
from index.errors import QAError
from index.ingest import article_from_record
from index.schema import is_store
from qa.engine import QAEngine
from qa.evaluation.near_misses import make_near_misses
from qa.evaluation.quotes import speaker_ok
from qa.evaluation.scoring import normalize, read_jsonl, token_f1
from qa.models import Answer

__all__ = [
    "BINS",
    "Given",
    "NewsQuestion",
    "confidence_auc",
    "evaluate_news",
    "evaluate_wikipedia_like_news",
    "expected_calibration_error",
    "format_news_report",
    "news_articles",
    "news_store",
    "reliability",
    "score_news",
    "separation",
]

BINS = 10
SURE_AT = 0.9
NEAR_MISS = "near miss"


@dataclass(frozen=True, slots=True)
class NewsQuestion:
    """One question of a news question file (a near miss has `unanswerable` and no answer)."""

    id: str
    article_id: str
    question: str
    type: str
    answers: tuple[str, ...]
    ok_articles: frozenset[str]
    unanswerable: bool

    @property
    def half(self) -> str:
        """`nA` or `nB` (the id's first two letters), `all` for other ids."""
        return self.id[:2] if self.id[:2] in ("nA", "nB") else "all"

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> NewsQuestion:
        unanswerable = bool(record.get("unanswerable"))
        return cls(
            id=str(record.get("id", "")),
            article_id=str(record.get("article_id", "")),
            question=str(record["question"]),
            type=NEAR_MISS if unanswerable else str(record.get("type") or "?"),
            answers=tuple(record.get("answers") or ()),
            ok_articles=frozenset([str(record.get("article_id", "")), *record.get("alt_article_ids", [])]),
            unanswerable=unanswerable,
        )


@dataclass(frozen=True, slots=True)
class Given:
    """An answer shown (not abstained): its confidence, whether it is right, and its question."""

    question: NewsQuestion
    confidence: float
    right: bool


def judge(question: NewsQuestion, answer: Answer) -> tuple[bool, float]:
    """Whether `answer` is right for `question` by score.py's rules, and its span F1 (0 for an
    abstention or a near miss)."""
    if answer.abstained or not answer.citations or question.unanswerable:
        return False, 0.0
    first = answer.citations[0]
    said = question.type == "who-said" and speaker_ok(first.speaker, list(question.answers))
    sentence = normalize(first.sentence.text)
    right = first.sentence.article_id in question.ok_articles and (
        said or any(normalize(g) in sentence for g in question.answers)
    )
    span = max((token_f1(first.span_text or "", g) for g in question.answers), default=0.0)
    return right, span


def reliability(given: Sequence[Given], bins: int = BINS) -> list[dict[str, Any]]:
    """The answers shown by confidence bin: count, mean confidence, share right."""
    table = []
    for k in range(bins):
        inside = [g for g in given if min(int(g.confidence * bins), bins - 1) == k]
        if inside:
            table.append(
                {
                    "bin": f"{k / bins:.1f}-{(k + 1) / bins:.1f}",
                    "n": len(inside),
                    "confidence": round(sum(g.confidence for g in inside) / len(inside), 3),
                    "right": round(sum(g.right for g in inside) / len(inside), 3),
                }
            )
    return table


def expected_calibration_error(given: Sequence[Given], bins: int = BINS) -> float:
    """|share right - mean confidence| per bin, weighted by the bin's share of the answers shown."""
    total = 0.0
    for k in range(bins):
        inside = [g for g in given if min(int(g.confidence * bins), bins - 1) == k]
        if inside:
            right = sum(g.right for g in inside) / len(inside)
            mean = sum(g.confidence for g in inside) / len(inside)
            total += abs(right - mean) * len(inside)
    return total / max(len(given), 1)


def confidence_auc(given: Sequence[Given]) -> float | None:
    """How well the confidence tells right answers from wrong (the area under the ROC curve): the chance
    that a right answer shown has a higher confidence than a wrong one, ties counting half. 0.5 is a
    confidence that tells nothing, however well calibrated (a constant equal to the share right has no
    calibration error); None without both kinds."""
    return separation([g.confidence for g in given if g.right], [g.confidence for g in given if not g.right])


def separation(higher: Sequence[float], lower: Sequence[float]) -> float | None:
    """The chance that a value of `higher` exceeds a value of `lower`, ties counting half (the area under
    the ROC curve of a score telling the two apart); None when either is empty."""
    if not higher or not lower:
        return None
    above = sum((h > w) + 0.5 * (h == w) for h in higher for w in lower)
    return above / (len(higher) * len(lower))


def _figures(pairs: Sequence[tuple[NewsQuestion, Answer]]) -> dict[str, Any]:
    """hit@1, span F1, declines, near misses declined, ECE and sure_wrong of a group of questions."""
    answerable = [(q, a) for q, a in pairs if not q.unanswerable]
    misses = [(q, a) for q, a in pairs if q.unanswerable]
    given: list[Given] = []
    hits = spans = 0.0
    for q, a in pairs:
        right, span = judge(q, a)
        if not q.unanswerable:
            hits += right
            spans += span
        if not a.abstained:
            given.append(Given(q, float(a.confidence or 0.0), right))
    n = len(answerable)
    sure = [g.right for g in given if g.confidence >= SURE_AT]
    return {
        "n": n,
        "hit@1": round(hits / n, 4) if n else None,
        "span_f1": round(spans / n, 4) if n else None,
        "abstained_on_answerable": round(sum(a.abstained for _, a in answerable) / n, 4) if n else None,
        "near_misses": len(misses),
        "near_misses_declined": round(sum(a.abstained for _, a in misses) / len(misses), 4)
        if misses
        else None,
        "shown": len(given),
        "ece": round(expected_calibration_error(given), 4) if given else None,
        "confidence_auc": None if (auc := confidence_auc(given)) is None else round(auc, 4),
        "sure_shown": len(sure),
        "sure_wrong": round(1 - sum(sure) / len(sure), 4) if sure else None,
    }


def score_news(questions: Sequence[NewsQuestion], answers: Sequence[Answer]) -> dict[str, Any]:
    """The report: `all`, each half (`nA`, `nB`), each question type, and the reliability table."""
    if len(questions) != len(answers):
        raise ValueError(f"{len(answers)} answers for {len(questions)} questions")
    pairs = list(zip(questions, answers))
    report: dict[str, Any] = {"all": _figures(pairs)}
    for half in sorted({q.half for q in questions} - {"all"}):
        report[half] = _figures([(q, a) for q, a in pairs if q.half == half])
    report["by_type"] = {
        kind: _figures([(q, a) for q, a in pairs if q.type == kind])
        for kind in sorted({q.type for q in questions})
    }
    given = []
    for q, a in pairs:
        if not a.abstained:
            given.append(Given(q, float(a.confidence or 0.0), judge(q, a)[0]))
    report["reliability"] = reliability(given)
    return report


def news_articles(records: Iterable[dict[str, Any]]) -> list[Any]:
    """Articles of a quote file's records, with their dates and publishers, as score.py indexes them."""
    return [
        article_from_record(
            {
                "id": r["article_id"],
                "title": r.get("title", ""),
                "text": r["text"],
                "published": r.get("publication_date", ""),
                "source": r.get("publisher", ""),
            }
        )
        for r in records
    ]


def news_store(articles_path: Path, cache: Path, model: str, rebuild: bool = False) -> QAEngine:
    """An engine over the articles of `articles_path` in a store under `cache`, one per articles file
    and model, built when missing, unreadable (another schema) or `rebuild` is asked: a store built
    before a change to indexing gives the figures of that older indexing until it is rebuilt."""
    key = hashlib.sha256(articles_path.read_bytes()).hexdigest()[:12]
    safe = "".join(ch if ch.isalnum() else "-" for ch in model)
    path = cache / f"news-{key}-{safe}"
    encoder = make_encoder(model)
    if is_store(path) and not rebuild:
        engine = QAEngine(path, encoder)
        try:
            engine.store  # noqa: B018 - a store of an older schema fails here: build it again
            return engine
        except QAError:
            pass
    building = cache / f"{path.name}.building"
    shutil.rmtree(building, ignore_errors=True)
    builder = QAEngine(building, encoder)
    builder.add_articles(news_articles(read_jsonl(articles_path)))
    builder.store.close()
    shutil.rmtree(path, ignore_errors=True)
    building.rename(path)  # a run stopped while building leaves no half store behind
    return QAEngine(path, encoder)


def evaluate_news(
    questions_path: Path,
    articles_path: Path,
    cache: Path,
    model: str = DEFAULT_MODEL,
    engine: QAEngine | None = None,
    rebuild: bool = False,
) -> dict[str, Any]:
    """Ask every question of `questions_path` over the articles of `articles_path` (a store cached
    under `cache`, or `engine`) and score them (`score_news`)."""
    questions = [NewsQuestion.from_record(r) for r in read_jsonl(questions_path)]
    if engine is None:
        engine = news_store(articles_path, cache, model, rebuild)
    engine.warm_up()
    answers = [engine.ask(q.question) for q in questions]
    return score_news(questions, answers)


def evaluate_wikipedia_like_news(
    questions_path: Path,
    articles_path: Path,
    distractors_path: Path | None = None,
    model: str = DEFAULT_MODEL,
) -> dict[str, Any]:
    """The news figures on a SQuAD-style set (`make eval`'s): every question answerable, near misses
    made from them (`make_near_misses`), hit@1 on the question's article."""
    records = read_jsonl(questions_path)
    extra = read_jsonl(distractors_path) if distractors_path else []
    articles = [article_from_record(r) for r in read_jsonl(articles_path) + extra]
    questions = [
        NewsQuestion(
            id=str(r["id"]),
            article_id=str(r["article_id"]),
            question=str(r["question"]),
            type="wikipedia",
            answers=tuple(r["answers"]),
            ok_articles=frozenset([str(r["article_id"])]),
            unanswerable=False,
        )
        for r in records
    ]
    misses = make_near_misses([(q.id, q.question) for q in questions], [a.text for a in articles])
    questions += [NewsQuestion(m.source_id, "", m.question, NEAR_MISS, (), frozenset(), True) for m in misses]
    with tempfile.TemporaryDirectory() as tmp:
        engine = QAEngine(Path(tmp) / "store", make_encoder(model))
        engine.add_articles(articles)
        engine.warm_up()
        answers = [engine.ask(q.question) for q in questions]
        engine.store.close()
    return score_news(questions, answers)


_COLUMNS = (
    ("n", "n"),
    ("hit@1", "hit@1"),
    ("span_f1", "span F1"),
    ("abstained_on_answerable", "declined"),
    ("near_misses_declined", "near misses declined"),
    ("ece", "ECE"),
    ("confidence_auc", "conf AUC"),
    ("sure_wrong", "sure_wrong"),
)


def format_news_report(news: dict[str, Any], wikipedia: dict[str, Any] | None = None) -> str:
    """The report as text: the groups as rows (all, halves, Wikipedia, types), then the reliability
    table of all news answers shown."""
    rows: list[tuple[str, dict[str, Any]]] = [("news, all", news["all"])]
    rows += [(f"news, {half}", news[half]) for half in ("nA", "nB") if half in news]
    if wikipedia is not None:
        rows.append(("wikipedia dev", wikipedia["all"]))
    rows += [(f"  {kind}", figures) for kind, figures in news["by_type"].items()]
    header = ["", *(title for _, title in _COLUMNS)]
    cells = [header] + [[name, *(_cell(f.get(key)) for key, _ in _COLUMNS)] for name, f in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        for row in cells
    ]
    lines += ["", "reliability (news answers shown): bin, n, mean confidence, share right"]
    lines += [
        f"  {r['bin']}  {r['n']:>4}  {r['confidence']:.3f}  {r['right']:.3f}" for r in news["reliability"]
    ]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)
