"""Answer-type order: a "who" question's first citation should name the person, when a sentence that
does is nearly as good as the best one.

Sentence scores know nothing of the answer's type, so a sentence that repeats the question's words
closely ("... appointing an army chief in charge of Ukraine's operation ...") can beat the one that
names who it is ("... putting Chief of the General Staff Valery Gerasimov in charge of its operations").
Error category on dev (the 96 "who" questions): the best sentence's answer span was a plain noun
phrase, a place or nothing while a sentence close behind had a person's name as its span; moving that
one first changed 9 answers, 5 to right and 1 to wrong (hit@1 of "who" 0.792 → 0.833; README
"Results").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from index.models import Sentence
from qa.extract import ScoredSentence
from qa.question import Question
from qa.spans import Span

# How far below the best score a sentence naming a person may be and still go first, and how deep to
# look. Dev, margins 0.1 / 0.15 / 0.2 / 0.3 / any: +0 / +3 / +4 / +4 / +2 questions.
PERSON_MARGIN = 0.2
PERSON_DEPTH = 3
# Answers that are already fit for "who": a person, an organisation, a group of people.
_NAMED_AGENTS = frozenset({"PERSON", "ORG", "NORP"})

SpanOf = Callable[[Sentence], Span | None]


def person_first(
    question: Question, ranked: Sequence[ScoredSentence], span_of: SpanOf
) -> list[ScoredSentence]:
    """`ranked`, with the first sentence whose answer is a person's name moved to the front when the
    question asks "who", the best sentence's answer is not a person, organisation or group, and the
    named one scores within `PERSON_MARGIN` of it. Otherwise `ranked` unchanged."""
    ranked = list(ranked)
    if question.type != "who" or len(ranked) < 2:
        return ranked
    best = span_of(ranked[0].sentence)
    if best is not None and best.label in _NAMED_AGENTS:
        return ranked
    for i, candidate in enumerate(ranked[1:PERSON_DEPTH], start=1):
        if ranked[0].score - candidate.score >= PERSON_MARGIN:
            break
        span = span_of(candidate.sentence)
        if span is not None and span.label == "PERSON":
            return [candidate, *ranked[:i], *ranked[i + 1 :]]
    return ranked
