"""Answer-type fit and answer spans inside a sentence, from spaCy's entities, noun chunks and parse.

No reader model is available offline (../shared/MODELS.md), so the answer words are chosen among
candidate phrases of the sentence (entities, noun chunks, numbers, causal or purpose clauses), each
scored by features in the manner of the pre-neural SQuAD baselines (Rajpurkar et al. 2016, section 5);
`qa.spans.features` lists them (type, novelty, proximity, syntax) with their weights.

Parsing a sentence costs a few milliseconds, and the same sentences come back for many questions, so
docs are cached by text; `analyze_sentences` parses a batch with `nlp.pipe`, and `find_span` accepts a
doc parsed beforehand (for instance at index time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index.embedding import Encoder
from qa.question import Question
from qa.spans.candidates import (
    Candidate,
    causal_candidates,
    generate_candidates,
    is_question_word,
    trim_candidate,
)
from qa.spans.features import WEIGHTS, build_context, candidate_features
from qa.spans.parsing import analyze_sentences, doc_for, parse_sentence
from qa.spans.semantic import SEMANTIC_WEIGHTS, semantic_features

__all__ = ["Span", "analyze_sentences", "find_labelled_span", "find_span", "parse_sentence", "type_fit"]


def type_fit(question: Question, sentence_text: str, doc: Any | None = None) -> float:
    """How well the sentence can answer the question's type, in [0, 1].

    1.0 when it holds an entity (or number) of an expected label that the question does not already
    name; for "why", 1.0 when it has a causal clause; 0.5 when the type expects nothing in particular
    (so the score does not move the ranking); low values when the expected kind of answer is missing.
    """
    doc = doc_for(sentence_text, doc)
    if question.type == "why":
        return 1.0 if causal_candidates(doc) else 0.2
    if not question.expected_labels:
        return 0.5
    asked = {_norm(text) for text, _ in question.entities}
    terms = frozenset(question.terms)
    best = 0.0
    for ent in doc.ents:
        if ent.label_ not in question.expected_labels or _norm(ent.text) in asked:
            continue
        fresh = [t for t in ent if not is_question_word(t, terms)]
        best = max(best, 1.0 if fresh else 0.3)
    if best < 1.0 and question.type == "how_many" and any(t.like_num for t in doc if t.ent_type_ == ""):
        best = max(best, 0.7)
    return best


# The encoder scores only the best few candidates by the rules: the top 6 keep all of its gain on
# dev (span F1 0.443 vs 0.446 for all) at about a third of the texts to embed.
SEMANTIC_TOP = 6


@dataclass(frozen=True, slots=True)
class Span:
    """Answer words inside a sentence: character offsets (end exclusive) and the entity label of the
    phrase ("" for a noun phrase, number or clause the NER model did not label)."""

    start: int
    end: int
    label: str


def find_span(
    question: Question, sentence_text: str, doc: Any | None = None, *, encoder: Encoder | None = None
) -> tuple[int, int] | None:
    """The answer words inside the sentence, as (start, end); see `find_labelled_span`."""
    span = find_labelled_span(question, sentence_text, doc, encoder=encoder)
    return None if span is None else (span.start, span.end)


def find_labelled_span(
    question: Question, sentence_text: str, doc: Any | None = None, *, encoder: Encoder | None = None
) -> Span | None:
    """The answer words inside the sentence, with their entity label.

    Args:
        question: the analysed question.
        sentence_text: the sentence.
        doc: the sentence's spaCy doc if it was parsed beforehand (its text must equal `sentence_text`).
        encoder: when given, candidates are also scored with the sentence encoder (`qa.spans.semantic`):
            more accurate, at the cost of one `embed_batch` call over the sentence's candidates.

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


def _norm(text: str) -> str:
    return " ".join(text.lower().split())
