"""Reasons inside a sentence, for "why" questions: the clause that gives the cause or purpose, never
a concession.

News gives a reason with a connective ("because", "after", "due to", "amid", "over", "as", "since",
"so that", purpose "to ..."), a participle of saying or arguing ("..., saying that X", "..., citing
X", "..., insisting that X") or a "for" + gerund ("fired for promoting ..."). A "despite",
"although", "even though" or "while" clause states what did not prevent the event: it is never the
reason (the issue's "Why did Australia raise rates?" bolded "signs of a slowdown" from a "despite"
clause). Connectives are kept as data (after the causal-marker lists of the Penn Discourse Treebank,
Prasad et al. 2008).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qa.answering.spans.parsing import parse_sentence

__all__ = ["ReasonClause", "concessive_ranges", "reason_clauses", "reason_span", "restates"]

# Subordinators of a reason clause (a "mark" on its verb) and how sure each is to give a reason:
# "as" and "after" are also temporal, "when" mostly so.
_REASON_MARKS: dict[str, float] = {
    "because": 1.0,
    "since": 0.6,
    "as": 0.5,
    "after": 0.7,
    "when": 0.3,
    "so": 0.7,
    "lest": 0.8,
}
# Prepositions heading a reason phrase ("after sharing a post", "amid protests", "over his remarks").
_REASON_PREPOSITIONS: dict[str, float] = {
    "after": 0.7,
    "amid": 0.7,
    "over": 0.4,
    "for": 0.3,
    "as": 0.4,
    "following": 0.5,
}
# Multi-word connectives: the words and the reason's weight; the reason is what follows them.
_REASON_PHRASES: tuple[tuple[tuple[str, ...], float], ...] = (
    (("because", "of"), 1.0),
    (("due", "to"), 1.0),
    (("owing", "to"), 1.0),
    (("thanks", "to"), 0.8),
    (("as", "a", "result", "of"), 1.0),
    (("in", "response", "to"), 0.8),
    (("in", "protest", "at"), 0.8),
    (("in", "protest", "against"), 0.8),
    (("in", "protest", "over"), 0.8),
    (("in", "order", "to"), 1.0),
    (("so", "as", "to"), 1.0),
    (("so", "that"), 0.9),
    (("on", "the", "grounds", "that"), 1.0),
    (("in", "violation", "of"), 0.6),
    (("the", "reason", "is"), 1.0),
    (("the", "reason", "was"), 1.0),
)
# Participles that give the reason for the main clause's action: "..., citing X", "..., ruling that X",
# "..., saying that X", "..., insisting that X".
_REASON_VERBS = frozenset(
    "argue cite rule say claim explain note blame complain insist accuse contend".split()
)
# Concessive connectives: what they introduce is not the reason.
_CONCESSIVE_MARKS = frozenset({"although", "though", "while", "whereas", "despite", "notwithstanding"})
_CONCESSIVE_PREPOSITIONS = frozenset({"despite", "notwithstanding"})
# Verbs whose subject is a cause: "Indiana law prevents Pence from ...", "Seeing his brother suffer led
# him to ...", "Rising prices forced the bank to ...".
_CAUSAL_VERBS = frozenset("prevent cause force prompt lead spark trigger drive compel bar".split())
# Verbs whose object does what the infinitive says: "led him to avoid", "asked them to leave" (no purpose).
_CONTROL_VERBS = frozenset(
    "lead ask tell urge force allow cause want persuade encourage order expect help get invite require "
    "need prompt push pressure advise warn nominate appoint name elect choose pick select".split()
)
_RELATIVE_WORDS = frozenset({"who", "which", "whose", "whom", "where"})
# A clause with a connective weaker than `_WEAK` ("as", "over", "for", "when") gives way, as the span
# of a "why", to one at least `_SURE` ("because", "due to", purpose "to") in the same sentence.
_WEAK = 0.5
_SURE = 0.8
# Verbs whose "to" object is what moved the subject: "workers objected to the company's attempts to
# relocate them", "he was referring to the remarks about ...", "the party responded to the vote by ...".
_REASON_OBJECT_VERBS: dict[str, float] = {"object": 0.6, "refer": 0.4, "respond": 0.5, "react": 0.5}


@dataclass(frozen=True, slots=True)
class ReasonClause:
    """A reason in a parsed sentence: token offsets (end exclusive) and how sure its connective is."""

    start: int
    end: int
    weight: float


def reason_clauses(doc: Any) -> list[ReasonClause]:
    """The reasons a parsed sentence gives, in text order, none inside a concessive clause."""
    found: list[ReasonClause] = []
    lower = [t.lower_ for t in doc]
    taken: set[int] = set()  # tokens of a multi-word connective
    for token in doc:
        for words, weight in _REASON_PHRASES:
            n = len(words)
            if tuple(lower[token.i : token.i + n]) == words and token.i not in taken:
                taken.update(range(token.i, token.i + n))
                end = _phrase_end(doc, token.i, n)
                found.append(ReasonClause(token.i + n, end, weight))
    for token in doc:
        if token.i in taken:
            continue
        word = token.lower_
        if token.dep_ == "mark" and word in _REASON_MARKS:
            clause = token.head
            found.append(ReasonClause(token.i + 1, clause.right_edge.i + 1, _REASON_MARKS[word]))
        elif token.dep_ == "prep" and word in _REASON_PREPOSITIONS:
            objects = [c for c in token.children if c.dep_ in ("pobj", "pcomp")]
            if objects and (word not in ("for", "as") or objects[0].tag_ == "VBG"):
                found.append(ReasonClause(token.i + 1, token.right_edge.i + 1, _REASON_PREPOSITIONS[word]))
        elif token.lemma_ in _REASON_OBJECT_VERBS and token.pos_ == "VERB":
            to = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "to"), None)
            objects = [] if to is None else [c for c in to.children if c.dep_ in ("pobj", "pcomp")]
            if objects:
                found.append(
                    ReasonClause(
                        objects[0].left_edge.i,
                        objects[0].right_edge.i + 1,
                        _REASON_OBJECT_VERBS[token.lemma_],
                    )
                )
        elif token.lemma_ in _CAUSAL_VERBS and token.pos_ == "VERB":
            subject = next((c for c in token.children if c.dep_ in ("nsubj", "csubj")), None)
            if subject is not None and subject.tag_ not in ("PRP", "WDT", "WP"):
                found.append(ReasonClause(subject.left_edge.i, subject.right_edge.i + 1, 0.6))
        elif _is_purpose(token):
            found.append(ReasonClause(token.left_edge.i, token.right_edge.i + 1, 0.8))
        elif (
            token.dep_ in ("advcl", "conj", "xcomp") and token.tag_ == "VBG" and token.lemma_ in _REASON_VERBS
        ):
            content = next((c for c in token.children if c.dep_ in ("ccomp", "dobj")), None)
            if content is not None:
                start = content.left_edge.i
                if doc[start].lower_ == "that":
                    start += 1
                found.append(ReasonClause(start, content.right_edge.i + 1, 0.8))
    concessive = concessive_ranges(doc)
    kept = [
        _trimmed(doc, c)
        for c in found
        if c.end > c.start and not any(s <= c.start < e for s, e in concessive)
    ]
    return sorted((c for c in kept if c.end > c.start), key=lambda c: (c.start, -c.end))


def _is_purpose(token: Any) -> bool:
    """A purpose "to ..." clause: an adverbial infinitive ("..., to protect his job"), or one after the
    object of its verb ("hired more staff to meet demand"; not "wants to go", "asked them to go", nor
    "nominated him to serve": the role he is named to)."""
    if not any(c.lower_ == "to" and c.dep_ == "aux" for c in token.children):
        return False
    if any(c.dep_ == "mark" for c in token.children):
        return False
    if token.dep_ == "advcl":
        return True
    return (
        token.dep_ == "xcomp"
        and token.head.lemma_ not in _CONTROL_VERBS
        and any(c.dep_ == "dobj" and c.i < token.i for c in token.head.children)
    )


def concessive_ranges(doc: Any) -> list[tuple[int, int]]:
    """Token ranges (end exclusive) of the sentence's concessive clauses and phrases, connective
    included: "despite signs of a slowdown", "although sales fell"."""
    ranges: list[tuple[int, int]] = []
    for token in doc:
        word = token.lower_
        if token.dep_ == "mark" and word in _CONCESSIVE_MARKS:
            ranges.append((token.i, token.head.right_edge.i + 1))
        elif word in _CONCESSIVE_PREPOSITIONS or (
            word == "spite" and token.i > 0 and doc[token.i - 1].lower_ == "in"
        ):
            ranges.append((token.i, max(token.right_edge.i + 1, token.i + 1)))
        elif word == "though" and token.i > 0 and doc[token.i - 1].lower_ == "even":
            ranges.append((token.i - 1, token.head.right_edge.i + 1))
    return ranges


def reason_span(
    question_terms: frozenset[str], sentence_text: str, reader_span: tuple[int, int] | None
) -> tuple[int, int] | None:
    """The reason the sentence gives, as character offsets into it, for a "why" question.

    The reason clause the reader's span lies in or overlaps (the smallest, else the surest), else the
    surest reason clause that does not restate the question; the reader's span itself when the rules
    know no reason clause and it is not in a concessive one. None when the sentence gives no reason and the
    reader found none, or the reader's only span is a concession.

    Args:
        question_terms: the question's content lemmas (`Question.terms`).
        sentence_text: the cited sentence.
        reader_span: the reader's answer offsets in the sentence, if any.
    """
    doc = parse_sentence(sentence_text)
    clauses = [c for c in reason_clauses(doc) if not restates(sentence_text, c, question_terms)]
    concessive = [_chars(doc, s, e) for s, e in concessive_ranges(doc)]
    spans = [(_chars(doc, c.start, c.end), c.weight) for c in clauses]
    if reader_span is not None:
        inside_concession = any(s <= reader_span[0] < e for s, e in concessive)
        covering = [
            (span, w) for span, w in spans if span[0] <= reader_span[0] and reader_span[1] <= span[1] + 1
        ]
        if not inside_concession and covering:
            # The reason is the whole clause the reader's words lie in ("leaked emails" -> "leaked
            # emails showed staff favouring her rival"), unless that clause's connective is a weak one
            # ("cited the inquiry as identifying Beijing as the perpetrator") and the sentence gives a
            # sure reason elsewhere ("... covered up to protect the chairman's job").
            inner = min(covering, key=lambda sw: sw[0][1] - sw[0][0])
            surer = [sw for sw in spans if sw[1] >= _SURE and sw not in covering]
            if inner[1] < _WEAK and surer:
                return max(surer, key=lambda sw: (sw[1], -sw[0][0]))[0]
            return inner[0]
        if not inside_concession and not spans:
            return reader_span
        overlapping = [
            (span, w) for span, w in spans if span[0] < reader_span[1] and reader_span[0] < span[1]
        ]
        if overlapping:
            return max(overlapping, key=lambda sw: sw[1])[0]
    if not spans:
        return None
    return max(spans, key=lambda sw: (sw[1], -sw[0][0]))[0]


def _phrase_end(doc: Any, first: int, n: int) -> int:
    """Where the reason after a multi-word connective ends: the furthest right edge of the connective's
    words and what hangs on them (parsers attach "due to X" in several ways)."""
    end = first + n
    for token in doc[first : first + n]:
        end = max(end, token.right_edge.i + 1)
    last = doc[first + n - 1]
    for child in last.children:
        end = max(end, child.right_edge.i + 1)
    if end <= first + n and first + n < len(doc):
        # The parser hung the reason elsewhere ("partly because of a decrease ..."): its noun phrase.
        end = doc[first + n].right_edge.i + 1 if doc[first + n].right_edge.i >= first + n else first + n + 1
        head = doc[first + n]
        while head.head.i > head.i and head.head.i < len(doc):
            head = head.head
        end = max(end, head.right_edge.i + 1)
    return end


def _trimmed(doc: Any, clause: ReasonClause) -> ReasonClause:
    """The clause without punctuation or a leading "that" at its edges, and without a trailing
    attribution ("..., experts say")."""
    start, end = clause.start, clause.end
    while start < end and (doc[start].is_punct or doc[start].lower_ == "that"):
        start += 1
    for i in range(start + 1, end - 1):
        if doc[i].text == "," and doc[i + 1].lower_ in _RELATIVE_WORDS:
            end = i  # ", who was nominated in 2011": about a name in the reason, not the reason
            break
    while end > start and doc[end - 1].is_punct:
        end -= 1
    return ReasonClause(start, end, clause.weight)


def restates(sentence_text: str, clause: ReasonClause, terms: frozenset[str]) -> bool:
    """Whether the clause (of the parsed `sentence_text`) only repeats the question's words: at least
    two thirds of its content words."""
    doc = parse_sentence(sentence_text)
    content = [t for t in doc[clause.start : clause.end] if not (t.is_stop or t.is_punct)]
    if not content:
        return True
    repeated = sum(t.lemma_.lower() in terms or t.lower_ in terms for t in content)
    return repeated / len(content) >= 2 / 3


def _chars(doc: Any, start: int, end: int) -> tuple[int, int]:
    return int(doc[start].idx), int(doc[end - 1].idx + len(doc[end - 1].text))
