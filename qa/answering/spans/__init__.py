"""Answer spans inside a sentence by rules, from spaCy's entities, noun chunks and parse.

The reader (`qa.answering.reader`) finds the answer words of most questions. The rules here find what
it was not trained to: what a person is ("Who is Dmitry Peskov?" -> "Kremlin spokesman"), and the kind
of answer a candidate holds, which orders the candidates (`qa.answering.rerank`). The answer words are
chosen among candidate phrases of the sentence (entities, noun chunks, numbers, causal or purpose
clauses), each scored by features in the manner of the pre-neural SQuAD baselines (Rajpurkar et al.
2016, section 5); `qa.answering.spans.features` lists them (type, novelty, proximity, syntax) with
their weights. Parsed sentences are cached by text (`qa.answering.spans.parsing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index.embedding import Encoder
from qa.answering.question import Question
from qa.answering.spans.candidates import (
    Candidate,
    generate_candidates,
    trim_candidate,
)
from qa.answering.spans.features import WEIGHTS, build_context, candidate_features
from qa.answering.spans.parsing import doc_for, parse_sentence
from qa.answering.spans.semantic import SEMANTIC_WEIGHTS, semantic_features

__all__ = ["Span", "find_labelled_span", "parse_sentence"]


# The encoder scores only the best few candidates by the rules: the top 6 keep nearly all of its gain
# at about a third of the texts to embed (docs/results.md).
SEMANTIC_TOP = 6


@dataclass(frozen=True, slots=True)
class Span:
    """Answer words inside a sentence: character offsets (end exclusive) and the entity label of the
    phrase ("" for a noun phrase, number or clause the NER model did not label)."""

    start: int
    end: int
    label: str


def find_labelled_span(
    question: Question, sentence_text: str, doc: Any | None = None, *, encoder: Encoder | None = None
) -> Span | None:
    """The answer words inside the sentence, with their entity label.

    Args:
        question: the analysed question.
        sentence_text: the sentence.
        doc: the sentence's spaCy doc if it was parsed beforehand (its text must equal `sentence_text`).
        encoder: when given, candidates are also scored with the sentence encoder
            (`qa.answering.spans.semantic`): more accurate, at the cost of one `embed_batch` call over the
            sentence's candidates.

    Returns:
        The span's character offsets into `sentence_text` and its label, or None when no phrase of the
        sentence fits the question's type (a "when" question and a sentence without a date).

    Raises:
        ValueError: when `doc` was parsed from another text.
    """
    doc = doc_for(sentence_text, doc)
    best = _best_candidate(question, doc, encoder)
    if best is None:
        return None
    first, last = doc[best.start], doc[best.end - 1]
    return Span(first.idx, last.idx + len(last.text), best.label)


def _best_candidate(question: Question, doc: Any, encoder: Encoder | None) -> Candidate | None:
    if question.type == "yes_no":
        return None
    ctx = build_context(question, doc)
    kept: list[tuple[Candidate, dict[str, float]]] = []
    for raw in generate_candidates(question, doc):
        cand = trim_candidate(raw, doc, ctx.terms)
        if cand is None:
            continue
        features = candidate_features(ctx, cand)
        if features is not None:
            kept.append((cand, features))
    if not kept:
        return None
    scores = [sum(WEIGHTS[name] * value for name, value in features.items()) for _, features in kept]
    if encoder is not None and len(kept) > 1:
        order = sorted(range(len(kept)), key=lambda i: -scores[i])[:SEMANTIC_TOP]
        kept = [kept[i] for i in order]
        scores = [scores[i] for i in order]
        extra = semantic_features(question, doc, [cand for cand, _ in kept], encoder)
        scores = [
            score + sum(SEMANTIC_WEIGHTS[name] * value for name, value in more.items())
            for score, more in zip(scores, extra)
        ]
    # Ties go to the earlier candidate.
    best = max(zip(scores, kept), key=lambda pair: (pair[0], -pair[1][0].start))[1][0]
    if question.type == "who" and "PERSON" in question.expected_labels and not best.label:
        return _name_beside(best, [cand for cand, _ in kept], doc) or best
    return best


def _name_beside(best: Candidate, candidates: list[Candidate], doc: Any) -> Candidate | None:
    """The person named in apposition to a noun phrase ("Rudar's coach, Zoran Simic,"): "who" asks
    for the name."""
    root = doc[best.start : best.end].root
    for cand in candidates:
        if cand.label != "PERSON":
            continue
        other = doc[cand.start : cand.end].root
        if (other.dep_ == "appos" and other.head.i == root.i) or (
            root.dep_ == "appos" and root.head.i == other.i
        ):
            return cand
    return None
