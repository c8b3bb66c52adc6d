"""Answer-type order: the first citation should hold the kind of answer the question asks for, when a
sentence that does is nearly as good as the best one.

Sentence scores know nothing of the answer's type, so a sentence that repeats the question's words
closely ("... appointing an army chief in charge of Ukraine's operation ...") can beat the one that
names who it is ("... putting Chief of the General Staff Valery Gerasimov in charge of its operations").
A common error on "who" questions: the best sentence's answer span was a plain noun phrase, a place
or nothing while a sentence close behind had a person's name as its span; that one goes first. For
the types whose answer must carry a label (a date for "when", a number for "how many / much"), a best
sentence with no such span at all gives way in the same way, and so does one giving no reason for
"why". "Where" and "which" are left alone: there it moved as many answers to wrong as to right
(figures: docs/results.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from index.models import Sentence
from qa.answering.question import Question
from qa.answering.reader.decide import ReadCandidate
from qa.answering.sentences import ScoredSentence
from qa.answering.spans import Span
from qa.answering.spans.candidates import STRICT_TYPES
from qa.answering.spans.parsing import parse_sentence
from qa.answering.spans.reasons import reason_clauses, restates
from qa.nlp import entities_of

# How far below the best score a sentence with the wanted kind of answer may be and still go first,
# and how deep to look (chosen on the dev "who" questions: docs/results.md).
TYPE_MARGIN = 0.2
TYPE_DEPTH = 3
# "why": how much a sentence giving a reason gains over one that does not, among the first few.
REASON_BONUS = 0.2
REASON_DEPTH = 6
# Answers already fit for "who": a person, an organisation, a group of people.
_NAMED_AGENTS = frozenset({"PERSON", "ORG", "NORP"})

SpanOf = Callable[[Sentence], Span | None]


def typed_first(
    question: Question, ranked: Sequence[ScoredSentence], span_of: SpanOf
) -> list[ScoredSentence]:
    """`ranked`, with the first sentence (of the top `TYPE_DEPTH`, within `TYPE_MARGIN` of the best
    score) whose span fits the question moved to the front, when the best sentence's does not:

    - "who" asking for a name (not "Who is Dmitry Peskov?"): the best span is not a person,
      organisation or group, the moved one is a person;
    - "when", "how many", "how much", "why": the best sentence has no span (no date, no number, no
      reason given), the moved one has.

    Otherwise `ranked` unchanged."""
    ranked = list(ranked)
    asks_name = question.type == "who" and "PERSON" in question.expected_labels
    if len(ranked) < 2 or not (asks_name or question.type in STRICT_TYPES or question.type == "why"):
        return ranked
    best = span_of(ranked[0].sentence)
    if question.type == "who":
        if best is not None and best.label in _NAMED_AGENTS:
            return ranked
    elif best is not None:
        return ranked
    for i, candidate in enumerate(ranked[1:TYPE_DEPTH], start=1):
        if ranked[0].score - candidate.score >= TYPE_MARGIN:
            break
        span = span_of(candidate.sentence)
        if span is not None and (question.type != "who" or span.label == "PERSON"):
            return [candidate, *ranked[:i], *ranked[i + 1 :]]
    return ranked


def reasons_first(question: Question, read: Sequence[ReadCandidate]) -> list[ReadCandidate]:
    """For "why": the first `REASON_DEPTH` candidates re-ordered by their mixed score plus
    `REASON_BONUS` times how surely the sentence gives a reason (`qa.answering.spans.reasons`: a
    "because", "after", "due to", purpose "to" ... clause that does not restate the question; a
    "despite" clause is none). The reader, trained on SQuAD where few questions ask why, gives why
    questions small margins, so a sentence repeating the question's words ("It's unlikely the
    nomination will go anywhere") outranked the one with the reason."""
    if question.type != "why" or len(read) < 2:
        return list(read)
    terms = frozenset(question.terms)
    head = list(read[:REASON_DEPTH])

    def score(candidate: ReadCandidate) -> float:
        clauses = reason_clauses(parse_sentence(candidate.sentence.text))
        weight = max(
            (c.weight for c in clauses if not restates(candidate.sentence.text, c, terms)), default=0.0
        )
        return candidate.mixed + REASON_BONUS * weight

    head.sort(key=lambda c: -score(c))
    return [*head, *read[REASON_DEPTH:]]


def reader_typed_first(question: Question, read: Sequence[ReadCandidate]) -> list[ReadCandidate]:
    """`typed_first` over the reader's candidates (ordered by `mixed`), with the reader's spans labelled
    by the NER model. The reader still put "appointing an army chief in charge of Ukraine's operation"
    (span "army chief") a hair before "... putting ... Valery Gerasimov in charge of its operations"
    for "Who is in charge of the operation?". "Why" questions go by `reasons_first`."""
    if question.type == "why":
        return reasons_first(question, read)
    by_place = {(c.sentence.article_id, c.sentence.position): c for c in read}
    ranked = [dataclasses.replace(c.scored, score=c.mixed) for c in read]

    def span_of(sentence: Sentence) -> Span | None:
        reading = by_place[(sentence.article_id, sentence.position)].reading
        if reading.span is None:
            return None
        return Span(*reading.span, span_label(sentence.text, reading.span))

    moved = typed_first(question, ranked, span_of)
    return [by_place[(s.sentence.article_id, s.sentence.position)] for s in moved]


def span_label(text: str, span: tuple[int, int]) -> str:
    """The NER label of the entity that overlaps `span` most ("" for none)."""

    best, label = 0, ""
    for start, end, entity_label in entities_of(text):
        overlap = min(end, span[1]) - max(start, span[0])
        if overlap > best:
            best, label = overlap, entity_label
    return label
