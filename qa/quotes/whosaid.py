"""Questions about quotes: "Who said "..."?", "What did X say about Z?", answered from the quote table.

Pure functions: the answering engine parses the question, then looks the quote up by its words or its
speaker. Matching the words is forgiving because questions truncate quotes ("... or ...") and paraphrase
them ("Who said the main work is yet to come?"). A speaker's name is resolved by the store's speakers
table (`index.speakers`: "Peskov", "Dmitry Peskov" and "Mr. Peskov" are one speaker).
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import Indel

from index.models import Quote, Sentence

__all__ = ["QuoteQuery", "find_quotes_by_text", "order_by_topic", "parse_quote_question"]

QueryKind = Literal["who_said", "what_said"]

_OPEN = "\"\u201c\u201d\u2018'"
_CLOSE = "\"\u201d\u201c\u2019'"
_SAY = (
    r"(?:said|says|say|stated|wrote|writes|tweeted|claimed|claims|warned|warns|added|declared|"
    r"argued|insisted|remarked|asked|complained|admitted|announced|confirmed|denied|explained|"
    r"noted|predicted|promised|replied|responded|revealed|suggested|"
    r"told\s+[\w.]+(?:\s+[\w.]+)?|tells\s+[\w.]+)"
)
_WHO_QUOTED = re.compile(
    rf"^\s*who\s+(?:has\s+|had\s+)?{_SAY}\s*(?:that\s+)?[:,]?\s*[{_OPEN}](?P<phrase>.+?)[{_CLOSE}]?\s*[?.!]*\s*$",
    re.IGNORECASE | re.DOTALL,
)
_WHO_PLAIN = re.compile(
    rf"^\s*who\s+(?:has\s+|had\s+)?{_SAY}\s+(?:that\s+)?(?P<phrase>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SPEECH = (
    r"say|said|tell|told|write|written|wrote|tweet|tweeted|claim|claimed|think|warn|warned|complain|"
    r"complained|admit|admitted|announce|announced|argue|argued|confirm|confirmed|deny|denied|"
    r"explain|explained|predict|predicted|promise|promised|reveal|revealed|suggest|suggested|ask|asked|"
    r"conclude|concluded|compare|compared|call|called|declare|declared|insist|insisted|add|added"
)
# "What did X say (in May) (about Y)?", "In an interview, what did X tell AFP about Y?", "To what did X
# compare Y?": the speaker is the words up to the first reporting verb, the rest is the topic.
_WHAT_SAID = re.compile(
    r"^\s*(?:[^?]*?,\s*)?(?:to\s+)?what\s+(?:did|does|do|has|have|had)\s+(?P<speaker>.+?)\s+"
    rf"(?P<verb>{_SPEECH})\b(?P<rest>[^?]*?)\s*[?.!]*\s*$",
    re.IGNORECASE | re.DOTALL,
)
# "How did X respond when asked ...?", "How did X justify Y?": what X said, about the rest.
_HOW_SAID = re.compile(
    r"^\s*(?:[^?]*?,\s*)?how\s+(?:did|does|do|has|have|had)\s+(?P<speaker>.+?)\s+"
    r"(?P<verb>respond|responded|reply|replied|react|reacted|justify|justified|explain|explained|defend|"
    r"defended|describe|described|answer|answered)\b(?P<rest>[^?]*?)\s*[?.!]*\s*$",
    re.IGNORECASE | re.DOTALL,
)
# The topic after "about", "of", "on", "regarding", past an addressee or a time ("tell Breitbart News
# about", "say in May 2016 about").
_ABOUT = re.compile(r"\b(?:about|regarding)\b\s*(?P<topic>.*)$", re.IGNORECASE | re.DOTALL)
_BEFORE_ABOUT = 4  # words an addressee or a time takes before "about" ("in May 2016", "Breitbart News")
_OF = re.compile(r"^(?:of|on)\s+(?P<topic>.+)$", re.IGNORECASE | re.DOTALL)
# Who is told: the capitalised words (and numbers) right after "tell" ("tell Fox 35", "told AFP").
_ADDRESSEE = re.compile(r"^(?:[A-Z][\w.&'\u2019-]*|\d+)(?:\s+(?:[A-Z][\w.&'\u2019-]*|\d+))*")
_ELLIPSIS = re.compile(r"\s*(?:\.\s*){3,}|\s*\u2026\s*")
_NOT_WORD = re.compile(r"[^\w\s]")
_PRONOUNS = frozenset({"he", "she", "they", "it", "him", "her", "them", "his", "its", "their", "we", "i"})
_MIN_SCORE = 0.5


@dataclass(frozen=True, slots=True)
class QuoteQuery:
    """A parsed quote question: who said `phrase`, or what `speaker` said (about `topic`)."""

    kind: QueryKind
    phrase: str | None = None
    speaker: str | None = None
    topic: str | None = None


def parse_quote_question(question: str) -> QuoteQuery | None:
    """Recognise a who-said or what-did-X-say question; None for any other question.

    "What else did he say?" and other questions whose speaker is a pronoun return None: resolving the
    pronoun against the conversation is the engine's job, after which it can ask again with the name.
    """
    match = _WHO_QUOTED.match(question)
    if match is None:
        match = _WHO_PLAIN.match(question)
    if match is not None:
        phrase = match.group("phrase").strip().strip(_OPEN + _CLOSE).strip()
        return QuoteQuery("who_said", phrase=phrase) if phrase else None
    match = _WHAT_SAID.match(question) or _HOW_SAID.match(question)
    if match is not None:
        speaker = match.group("speaker").strip()
        if speaker.lower().split()[-1] in ("else",) or speaker.lower() in _PRONOUNS:
            return None
        return QuoteQuery(
            "what_said", speaker=speaker, topic=_topic(match.group("verb"), match.group("rest"))
        )
    return None


def _topic(verb: str, rest: str) -> str | None:
    """What a what-said question asks about: the words after "about" or "regarding" (past an addressee
    or a time), or after a first "of" or "on", else all that follows the verb but its addressee ("What
    did X say Clinton would have to do?")."""
    rest = rest.strip()
    if verb.lower() in ("tell", "told"):
        rest = _ADDRESSEE.sub("", rest, count=1).strip()
    about = _ABOUT.search(rest)
    if about is not None and len(rest[: about.start()].split()) > _BEFORE_ABOUT:
        about = None  # "say his filing showed about him": the "about" is inside the topic
    about = about or _OF.match(rest)
    topic = about.group("topic") if about else rest
    topic = topic.strip()
    return topic or None


def find_quotes_by_text(
    phrase: str, quotes: Iterable[Quote], context: Callable[[Quote], str] | None = None
) -> list[tuple[Quote, float]]:
    """Quotes whose words match `phrase`, best first, with a score in (0, 1].

    A phrase contained in a quote (or a quote contained in the phrase) scores by how much of the phrase it
    covers; otherwise the score is the share of the phrase's words found in the quote, averaged with
    difflib's similarity, so a paraphrase still finds its quote. A trailing "..." marks a truncated
    phrase; an inner one separates pieces that must each match. `context`, when given, returns a longer
    text for a quote (its sentence) that is tried too, at a small discount.

    Args:
        phrase: the quoted words from the question.
        quotes: the candidate quotes.
        context: optional quote -> surrounding text.

    Returns:
        (quote, score) pairs with score >= 0.5, best first; direct quotes and quotes with a known speaker
        win ties.
    """
    pieces = [_normalise(p) for p in _ELLIPSIS.split(phrase)]
    pieces = [p for p in pieces if p]
    if not pieces:
        return []
    scored: list[tuple[Quote, float]] = []
    for quote in quotes:
        score = _match(pieces, _normalise(quote.text), floor=_MIN_SCORE)
        if context is not None:
            floor = max(score, _MIN_SCORE) / 0.9
            score = max(score, 0.9 * _match(pieces, _normalise(context(quote)), floor=floor))
        if score >= _MIN_SCORE:
            scored.append((quote, round(score, 4)))
    kind_rank = {"direct": 0, "mixed": 1, "indirect": 2, "partial": 3}
    scored.sort(key=lambda qs: (-qs[1], qs[0].speaker is None, kind_rank[qs[0].kind], qs[0].start))
    return scored


def order_by_topic(quotes: Sequence[Quote], topic: str | None) -> list[Quote]:
    """`quotes` with those sharing more of the `topic`'s words first (the order kept otherwise)."""
    if not topic:
        return list(quotes)
    wanted = set(_content_words(topic))
    return sorted(quotes, key=lambda q: -len(wanted & set(_content_words(q.text))))


_PUNCTUATION_TO_SPACE = str.maketrans(
    dict.fromkeys(string.punctuation + "\u2018\u2019\u201c\u201d\u2014\u2013\u2026", " ")
)


@lru_cache(maxsize=50_000)
def _normalise(text: str) -> str:
    """Lower case, punctuation (curly quotes and dashes too) as spaces, single spaces; cached, as the
    same quotes and sentences are matched question after question."""
    return " ".join(text.lower().translate(_PUNCTUATION_TO_SPACE).split())


def _content_words(text: str) -> list[str]:
    return [w for w in _normalise(text).split() if len(w) > 2]


def _match(pieces: Sequence[str], target: str, floor: float = 0.0) -> float:
    """The match score of `find_quotes_by_text`; 0.0 for a target that cannot reach `floor`.

    difflib's ratio counts characters that its matching blocks share, and those blocks form a common
    subsequence, so the longest common subsequence bounds it from above: computed bit-parallel
    (rapidfuzz's Indel similarity), it rules out nearly every quote of an article without difflib's
    quadratic comparison, with the same answers (bench/README.md)."""
    if not target:
        return 0.0
    total = sum(len(p) for p in pieces)
    if all(p in target for p in pieces):
        return 1.0
    if len(pieces) == 1 and target in pieces[0]:
        return len(target) / total
    phrase = " ".join(pieces)
    phrase_words = phrase.split()
    target_words = _word_set(target)
    overlap = sum(w in target_words for w in phrase_words) / len(phrase_words)
    # Two bounds on difflib's ratio, the cheaper first: the lengths alone, then the common subsequence.
    length_bound = 2.0 * min(len(phrase), len(target)) / (len(phrase) + len(target))
    if (overlap + length_bound) / 2 < floor or (overlap + _ratio_bound(phrase, target)) / 2 < floor:
        return 0.0
    return (overlap + difflib.SequenceMatcher(None, phrase, target, autojunk=False).ratio()) / 2


def _ratio_bound(a: str, b: str) -> float:
    """An upper bound on difflib's ratio of `a` and `b`: their longest common subsequence's share,
    nudged up so that rounding never rules out a tie."""
    return Indel.normalized_similarity(a, b) + 1e-9


@lru_cache(maxsize=50_000)
def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def quote_of(sentence: Sentence, quotes: Sequence[Quote]) -> Quote | None:
    """The quote that overlaps the sentence most, preferring direct quotes."""
    best: Quote | None = None
    best_overlap = 0
    for q in quotes:
        overlap = min(q.end, sentence.end) - max(q.start, sentence.start)
        overlap += 1_000_000 if q.kind != "indirect" and overlap > 0 else 0
        if overlap > best_overlap:
            best, best_overlap = q, overlap
    return best
