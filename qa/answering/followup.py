"""Resolve a follow-up question against the conversation so far.

"What else did he say?" after an answer quoting Dmitry Peskov becomes "What did Dmitry Peskov say?",
with the sentences already shown left out; "And in Bakhmut?" after "Who is fighting in Soledar?"
becomes "Who is fighting in Bakhmut?"; a bare "When?" after "Where did the fire start?" becomes "When
did the fire start?". The previous question is itself resolved first, so follow-ups chain. A question
that stands on its own is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from qa.models import Turn

_PERSON_PRONOUN = re.compile(r"\b(he|she|him|her|his|they|them|their)\b", re.IGNORECASE)
_ELSE = re.compile(r"\b(else|other|more|again)\b", re.IGNORECASE)
_ELLIPSIS = re.compile(
    r"^\s*(?:and|but|what about|how about|and what about)\s+(?P<rest>.+?)\s*\??\s*$", re.IGNORECASE
)
_BARE_WH = re.compile(
    r"^\s*(?:and\s+|but\s+)?(?P<wh>who|what|when|where|why|how(?:\s+(?:many|much|long|old))?)\s*\??\s*$",
    re.IGNORECASE,
)
_LEADING_WH = re.compile(
    r"^\s*(?:who|whom|what|which|when|where|why|how(?:\s+(?:many|much|long|old)\b)?)\b", re.IGNORECASE
)
_PREPOSITION = re.compile(r"^(?P<prep>in|at|on|for|from|about|to|with|after|before|during)\s+", re.IGNORECASE)
# A capitalised name not at the start of the question ("Soledar", "Dmitry Peskov").
_NAME = re.compile(r"(?<=\s)[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*")
_ELSE_WORDS = re.compile(r"\s*\b(else|other|more)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Resolved:
    """The question to answer and the sentences (article id, position) already given, to leave out."""

    question: str
    exclude: frozenset[tuple[str, int]] = field(default_factory=frozenset)


def resolve_followup(question: str, history: Sequence[Turn]) -> Resolved:
    """`question` rewritten with what the previous turn makes clear (see the module docstring)."""
    if not history:
        return Resolved(question)
    previous = history[-1]
    # An elliptical question takes the previous one as it was resolved, so the recursion goes only as
    # deep as the run of elliptical turns.
    if bare := _BARE_WH.match(question):
        return Resolved(_ask_instead(_resolved_question(history), bare.group("wh")))
    if ellipsis := _ELLIPSIS.match(question):
        return Resolved(_substitute(_resolved_question(history), ellipsis.group("rest")))
    rewritten = question
    person = _previous_person(previous)
    if person and _PERSON_PRONOUN.search(question):
        rewritten = _PERSON_PRONOUN.sub(lambda m: _possessive(person, m.group(1)), question, count=1)
    if _ELSE.search(question):
        shown = frozenset(
            (c.sentence.article_id, c.sentence.position) for turn in history for c in turn.answer.citations
        )
        return Resolved(_ELSE_WORDS.sub("", rewritten), shown)
    return Resolved(rewritten)


def _resolved_question(history: Sequence[Turn]) -> str:
    """The last question of `history`, resolved against the turns before it."""
    return resolve_followup(history[-1].question, history[:-1]).question


def _previous_person(turn: Turn) -> str | None:
    """Who the previous answer was about: the speaker of its first quoted citation."""
    for citation in turn.answer.citations:
        if citation.speaker:
            return citation.speaker
    return None


def _possessive(name: str, pronoun: str) -> str:
    return f"{name}'s" if pronoun.lower() in ("his", "their") else name


def _ask_instead(previous: str, wh: str) -> str:
    """`previous` asking `wh` instead of its own wh-word ("Where did the fire start?" → "When did the
    fire start?"); a question without one gets `wh` in front ("Did Wagner capture Soledar?" → "When
    did Wagner capture Soledar?")."""
    wh = " ".join(wh.split()).capitalize()
    body = previous.strip()
    if _LEADING_WH.match(body):
        return _LEADING_WH.sub(wh, body, count=1)
    return f"{wh} {body[:1].lower()}{body[1:]}"


def _substitute(previous: str, fragment: str) -> str:
    """Put `fragment` in the place of the matching phrase of `previous` ("in Soledar" → "in Bakhmut"),
    or add it when the previous question has no such phrase."""
    fragment = fragment.strip().rstrip("?").strip()
    prep = _PREPOSITION.match(fragment)
    body = previous.strip().rstrip("?")
    if prep:
        pattern = re.compile(
            rf"\b{prep.group('prep')}\s+[^,;?]+?(?=$|[,;?]|\s+(?:in|at|on|for|from|about|to|with)\s)"
        )
        matches = list(pattern.finditer(body))
        if matches:
            last = matches[-1]
            return f"{body[: last.start()]}{fragment}{body[last.end() :]}?"
    names = list(_NAME.finditer(body))
    if fragment[:1].isupper() and _NAME.fullmatch(" " + fragment, 1) and names:
        last = names[-1]
        return f"{body[: last.start()]}{fragment}{body[last.end() :]}?"
    return f"{body} {fragment}?"
