"""Score quote extraction and who-said answers in-process, with the reference scorer's exact rules.

The metrics are those of `../shared/tools/score.py` (`score_quotes`, `score_whosaid`): a predicted
direct or mixed quote matches a gold direct quote when their character spans overlap with IoU >= 0.5
(greedy, gold in file order, each prediction used once); predictions over partial gold quotes or
unattributed quoted spans count neither way; a speaker is right when its words equal, contain or are
contained in an accepted name's words, or share its last word, and a bare pronoun is never right.

`qa eval quotes` prints these figures; `python -m lab.quotes.errors` lists the mistakes behind them.
The evaluation files are read where they are; nothing from them is copied into the project.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from index.models import Article, Quote
from index.sentences import split_sentences
from qa.evaluation.scoring import normalize
from qa.quotes import ExtractOptions, extract_quotes
from qa.quotes.whosaid import find_quotes_by_text, parse_quote_question

__all__ = ["evaluate_quotes", "evaluate_whosaid", "predict_quotes", "score_quotes", "score_whosaid"]

# The reference scorer's pronoun list (score.py `PRONOUNS`).
_PRONOUNS = frozenset(
    {"he", "she", "they", "it", "i", "we", "you", "him", "her", "them", "his", "its", "their"}
)


def predict_quotes(
    records: Sequence[Mapping[str, Any]], options: ExtractOptions | None = None
) -> dict[str, list[Quote]]:
    """Quotes extracted from each record's text, by article id."""
    predictions: dict[str, list[Quote]] = {}
    for record in records:
        article = Article(id=record["article_id"], title=record.get("title", ""), text=record["text"])
        sentences = split_sentences(article.id, article.text)
        predictions[article.id] = extract_quotes(article, sentences, options)
    return predictions


def evaluate_quotes(records: list[dict[str, Any]]) -> dict[str, float | int]:
    """Direct-quote precision/recall/F1 and speaker accuracy, as `score.py quotes` computes them."""
    return score_quotes(records, predict_quotes(records))


def evaluate_whosaid(
    records: list[dict[str, Any]], questions: list[dict[str, Any]]
) -> dict[str, float | int]:
    """Share of who-said questions whose best matching quote has an accepted speaker."""
    return score_whosaid(questions, predict_quotes(records))


def score_quotes(
    records: Sequence[Mapping[str, Any]],
    predictions: Mapping[str, Sequence[Quote]],
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, float | int]:
    """Score `predictions` against the gold quotes of `records`; append mistakes to `errors` if given."""
    tp = fp = fn = speaker_ok_count = speaker_n = 0
    predicted_total = sum(len(quotes) for quotes in predictions.values())
    for record in records:
        text = record["text"]
        gold = [q for q in record["quotes"] if q["quote_type"] == "direct"]
        ignore = [tuple(s) for s in record.get("unattributed_quoted_spans", [])] + [
            tuple(q["char_span"]) for q in record["quotes"] if q["quote_type"] != "direct"
        ]
        pred = [q for q in predictions.get(record["article_id"], []) if q.kind in ("direct", "mixed")]
        used: set[int] = set()
        for g in gold:
            span = (g["char_span"][0], g["char_span"][1])
            best, best_index = 0.0, None
            for i, q in enumerate(pred):
                if i in used:
                    continue
                o = _overlap(span, (q.start, q.end))
                if o > best:
                    best, best_index = o, i
            if best_index is not None and best >= 0.5:
                used.add(best_index)
                tp += 1
                if g.get("speaker_aliases"):
                    speaker_n += 1
                    ok = speaker_ok(pred[best_index].speaker, g["speaker_aliases"])
                    speaker_ok_count += ok
                    if not ok and errors is not None:
                        errors.append(_error("speaker", record, g, pred[best_index], text))
            else:
                fn += 1
                if errors is not None:
                    errors.append(_error("missed", record, g, None, text))
        for i, q in enumerate(pred):
            if i in used or any(_overlap((q.start, q.end), s) >= 0.5 for s in ignore):
                continue
            fp += 1
            if errors is not None:
                errors.append(_error("spurious", record, None, q, text))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "direct_quote_p": round(precision, 4),
        "direct_quote_r": round(recall, 4),
        "direct_quote_f1": round(2 * precision * recall / (precision + recall), 4)
        if precision + recall
        else 0.0,
        "speaker_acc_on_matched": round(speaker_ok_count / speaker_n, 4) if speaker_n else 0.0,
        "speaker_end_to_end": round(speaker_ok_count / (tp + fn), 4) if tp + fn else 0.0,
        "gold_direct": tp + fn,
        "predicted": predicted_total,
    }


def score_whosaid(
    questions: Sequence[Mapping[str, Any]],
    predictions: Mapping[str, Sequence[Quote]],
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, float | int]:
    """Who-said accuracy: the top quote matching the question's phrase, in the question's article."""
    ok = 0
    for question in questions:
        query = parse_quote_question(question["question"])
        speaker = None
        matched = None
        if query is not None and query.phrase is not None:
            found = find_quotes_by_text(query.phrase, predictions.get(question["article_id"], []))
            if found:
                matched = found[0][0]
                speaker = matched.speaker
        right = speaker_ok(speaker, question["answers"])
        ok += right
        if not right and errors is not None:
            errors.append(
                {
                    "type": "whosaid",
                    "question": question["question"],
                    "answers": question["answers"],
                    "predicted": speaker,
                    "matched": None if matched is None else matched.text[:120],
                }
            )
    n = len(questions)
    return {"n": n, "whosaid_acc": round(ok / n, 4) if n else 0.0}


def speaker_ok(pred: str | None, aliases: Sequence[str]) -> bool:
    """The reference rule: equal, contained or containing words, or the same last word; no pronouns."""
    p = normalize(pred or "").split()
    if not p or set(p) <= _PRONOUNS:
        return False
    for alias in aliases:
        g = normalize(alias).split()
        if not g or set(g) <= _PRONOUNS:
            continue
        if set(p) <= set(g) or set(g) <= set(p) or p[-1] == g[-1]:
            return True
    return False


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def _error(
    kind: str, record: Mapping[str, Any], gold: Mapping[str, Any] | None, quote: Quote | None, text: str
) -> dict[str, Any]:
    start = gold["char_span"][0] if gold else quote.start if quote else 0
    end = gold["char_span"][1] if gold else quote.end if quote else 0
    return {
        "type": kind,
        "article_id": record["article_id"],
        "gold_speaker": None if gold is None else gold.get("speaker"),
        "aliases": None if gold is None else gold.get("speaker_aliases"),
        "predicted": None if quote is None else quote.speaker,
        "mention": None if quote is None else quote.speaker_mention,
        "cue": None if quote is None else quote.cue,
        "context": text[max(0, start - 300) : end + 120],
    }
