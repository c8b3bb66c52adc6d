"""Candidate answer phrases of a sentence and the tidying of their edges.

Candidates are spaCy's entities, noun chunks (alone, with their coordinated nouns, with a short "of"
complement), bare numbers, causal or purpose clauses (for "why"), quoted or reported statements and
manner phrases ("by ...", "through ..."); SQuAD answers are short phrases without leading determiners or
trailing punctuation (Rajpurkar et al. 2016), so the edges are trimmed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qa.answering.question import Question
from qa.answering.spans.reasons import reason_clauses

__all__ = [
    "STRICT_TYPES",
    "Candidate",
    "causal_candidates",
    "generate_candidates",
    "is_number",
    "is_question_word",
    "trim_candidate",
]

# Types whose answer must carry one of the expected labels: without one, there is no span.
STRICT_TYPES = frozenset({"when", "how_many", "how_much"})
# Punctuation trimmed from a span's edges ("%" and "$" belong to the answer).
_EDGE_PUNCTUATION = frozenset(",.;:!?\"'()[]{}-\u2013\u2014\u201c\u201d\u2018\u2019")
_REPORTING_VERBS = frozenset("say tell state claim argue add announce insist warn explain write".split())
_MANNER_PREPOSITIONS = frozenset({"by", "through", "via", "with"})
_SEASONS = frozenset("spring summer autumn fall winter weekend morning afternoon evening night dawn".split())
_YEAR = re.compile(r"1[0-9]{3}|20[0-9]{2}")
# An age, which spaCy's small model labels DATE ("a 52-year-old farmer"): not an answer to "when".
_AGE = re.compile(r"\d+[- ]?(?:year|month|week|day)s?[- ]old", re.IGNORECASE)
_APPROXIMATORS = frozenset(
    "only about roughly approximately nearly almost around some over under just estimated".split()
)


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int  # token offsets, end exclusive
    end: int
    label: str  # entity label, or "" for noun phrases and clauses
    kind: str  # "entity", "chunk", "number", "clause"


def generate_candidates(question: Question, doc: Any) -> Iterator[Candidate]:
    if question.type == "why":
        yield from causal_candidates(doc)
        return
    if question.type == "quote_what":
        yield from _statement_candidates(doc)
        return
    dated = False  # a date or time other than an age
    for ent in doc.ents:
        if question.type == "when" and _AGE.search(ent.text):
            continue
        dated = dated or ent.label_ in ("DATE", "TIME")
        label = ent.label_
        if label == "PERSON" and not any(t.pos_ == "PROPN" for t in ent):
            label = ""  # the small model's slip: "Turnout was 68 percent" tagged PERSON, "Turnout" a noun
        yield Candidate(ent.start, ent.end, label, "entity")
    if question.type in STRICT_TYPES:
        if "CARDINAL" in question.expected_labels:
            for token in doc:
                if is_number(token) and not token.ent_type_:
                    yield Candidate(token.i, token.i + 1, "CARDINAL", "number")
        yield from _number_candidates(question, doc)
        if question.type == "when":
            yield from _season_phrases(doc)
            if not dated:
                yield from _when_clauses(doc)
        return
    terms = frozenset(question.terms)
    for chunk in doc.noun_chunks:
        yield Candidate(chunk.start, chunk.end, "", "chunk")
        title_end = _title_end(chunk, terms)
        if title_end is not None:
            yield Candidate(chunk.start, title_end, "", "title")
        group_end = _coordination_end(chunk)
        if group_end > chunk.end:
            yield Candidate(chunk.start, group_end, "", "chunk")
        of_end = _of_phrase_end(chunk)
        if of_end > chunk.end:
            yield Candidate(chunk.start, of_end, "", "chunk")
    if question.type == "how":
        yield from _manner_candidates(doc)


def _number_candidates(question: Question, doc: Any) -> Iterator[Candidate]:
    """Numbers the small NER model misses or cuts short: years ("as early as 1519"), percentages
    ("27-30%"), and for "how much / long / old" a number with what it measures ("17 seconds", "515
    million years", "30 °C"; "how many" answers are the bare number: "four" forced fumbles)."""
    labels = question.expected_labels
    for token in doc:
        if not is_number(token):
            continue
        start = token.i
        while start >= 1 and is_number(doc[start - 1]):
            start -= 1  # a number in words and figures: "3.2 billion", "515 million"
        while start >= 2 and doc[start - 1].text in "-–" and is_number(doc[start - 2]):
            start -= 2  # a range: "27-30", "100–150"
        if "DATE" in labels and _YEAR.fullmatch(token.text) and not token.ent_type_:
            yield Candidate(token.i, token.i + 1, "DATE", "number")
        following = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if "PERCENT" in labels and following is not None and following.lower_ in ("%", "percent"):
            yield Candidate(start, token.i + 2, "PERCENT", "number")
        measure = next((label for label in ("QUANTITY", "CARDINAL") if label in labels), None)
        if question.type != "how_much":
            measure = None
        head = token.head
        if (
            measure is not None
            and 0 < head.i - token.i <= 3
            and head.pos_ in ("NOUN", "PROPN", "SYM")
            and all(is_number(t) or t.pos_ in ("NOUN", "SYM", "ADJ") for t in doc[token.i + 1 : head.i])
        ):
            yield Candidate(start, head.i + 1, measure, "number")


def _season_phrases(doc: Any) -> Iterator[Candidate]:
    """Times of year or day the small model leaves unlabelled: "in the autumn", "by the evening"."""
    for chunk in doc.noun_chunks:
        if chunk.root.lemma_.lower() in _SEASONS and not chunk.root.ent_type_:
            yield Candidate(chunk.start, chunk.end, "DATE", "chunk")


def _when_clauses(doc: Any) -> Iterator[Candidate]:
    """For "when" and a sentence without a date: its "when ..." clause ("Immunodeficiency occurs when
    the immune system is less active than normal"), labelled as a time."""
    for token in doc:
        if token.lower_ == "when" and token.head.dep_ == "advcl":
            clause = token.head
            end = max(t.i for t in clause.subtree if t.dep_ != "punct") + 1
            if token.i < end:
                yield Candidate(token.i, end, "TIME", "clause")


def _title_end(chunk: Any, terms: frozenset[str]) -> int | None:
    """Where the title in front of a name the question asks about ends: "[Ukrainian presidential
    adviser] Mykhaylo Podolyak", "[US Defence Secretary] Lloyd Austin" for "Who is ...?". None when the
    chunk does not end in a name holding a question word, or nothing stands before the name."""
    doc = chunk.doc
    last = doc[chunk.end - 1]
    if not is_question_word(last, terms):
        return None
    entity = next((e for e in doc.ents if e.start <= last.i < e.end), None)
    name_start: int = last.i
    if entity is not None and entity.end == chunk.end:
        name_start = max(int(entity.start), int(chunk.start))
    while name_start > chunk.start and is_question_word(doc[name_start - 1], terms):
        name_start -= 1
    if not any(t.pos_ in ("NOUN", "PROPN") for t in doc[chunk.start : name_start]):
        return None
    return name_start


def _coordination_end(chunk: Any) -> int:
    """The end of "A, B and C" when the chunk is A: coordinated nouns answer "what are some X?"."""
    end: int = chunk.end
    conjuncts = [c for c in chunk.root.conjuncts if c.i > chunk.root.i and c.pos_ in ("NOUN", "PROPN")]
    for conj in conjuncts:
        end = max(end, conj.right_edge.i + 1 if conj.right_edge.i - conj.i < 4 else conj.i + 1)
    return end


def _of_phrase_end(chunk: Any) -> int:
    """The end of "X of Y" when the chunk is X: SQuAD answers keep a short "of" complement
    ("Minister of the Interior"); a long one (over six words) is left out."""
    root = chunk.root
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i == chunk.end:
            end = int(child.right_edge.i) + 1
            return end if end - child.i <= 7 else chunk.end
    return int(chunk.end)


def causal_candidates(doc: Any) -> list[Candidate]:
    """Clauses giving a reason ("because ...", "due to ...", "after ...", purpose "to ...", "..., citing
    X"), never a concession ("despite ..."): `qa.answering.spans.reasons`."""
    return [Candidate(c.start, c.end, "", "clause") for c in reason_clauses(doc)]


def _statement_candidates(doc: Any) -> Iterator[Candidate]:
    """What was said: the words inside quotation marks, else the clause a reporting verb introduces."""
    opened: int | None = None
    for token in doc:
        if token.text in ('"', "\u201c", "\u201d"):
            if opened is None and token.text != "\u201d":
                opened = token.i
            elif opened is not None:
                if token.i > opened + 1:
                    yield Candidate(opened + 1, token.i, "", "clause")
                opened = None
    for token in doc:
        if token.dep_ == "ccomp" and token.head.lemma_.lower() in _REPORTING_VERBS:
            yield Candidate(token.left_edge.i, token.right_edge.i + 1, "", "clause")


def _manner_candidates(doc: Any) -> Iterator[Candidate]:
    """ "by doing X", "through X", "with X": how something is done."""
    for token in doc:
        if token.dep_ == "prep" and token.lower_ in _MANNER_PREPOSITIONS and token.head.pos_ == "VERB":
            end = token.right_edge.i + 1
            if end > token.i + 1:
                yield Candidate(token.i + 1, end, "", "clause")


def trim_candidate(cand: Candidate, doc: Any, terms: frozenset[str]) -> Candidate | None:
    """Tidy a candidate's edges: determiners, punctuation, "only"/"about" before a number, half brackets,
    and question words in front of the head noun ("kinescope recordings" stays whole: answers keep their
    head noun, but "the German Bible" for a question about the Bible loses "Bible" only if it is a
    modifier)."""
    start, end = cand.start, cand.end
    determiners = ("DT", "PRP$", "POS") if cand.kind != "clause" else ()
    while start < end and (doc[start].tag_ in determiners or doc[start].text in _EDGE_PUNCTUATION):
        start += 1
    while end > start and (doc[end - 1].text in _EDGE_PUNCTUATION or doc[end - 1].tag_ == "POS"):
        end -= 1
    while end - start > 1 and doc[start].lower_ in _APPROXIMATORS and is_number(doc[start + 1]):
        start += 1
    start, end = _balanced(doc, start, end)
    if start >= end:
        return None
    root = doc[start:end].root
    if cand.kind != "entity":
        while start < root.i and (is_question_word(doc[start], terms) or doc[start].is_punct):
            start += 1
    if not any(t.pos_ in ("NOUN", "PROPN", "NUM", "VERB", "PRON") or t.like_num for t in doc[start:end]):
        return None
    return Candidate(start, end, cand.label, cand.kind)


def _balanced(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Brackets closed inside the span: "(5 ft 3 in) broad" grows back to the measure before "("."""
    depth = 0
    for i in range(start, end):
        if doc[i].text == "(":
            depth += 1
        elif doc[i].text == ")":
            if depth == 0:
                window = range(start - 1, max(-1, start - 12), -1)
                opener = next((j for j in window if doc[j].text == "("), None)
                if opener is None:
                    return i + 1, end
                start = opener
                if opener > 0 and doc[opener - 1].ent_type_:
                    start = next(e.start for e in doc.ents if e.start <= opener - 1 < e.end)
                return start, end
            depth -= 1
    if depth > 0:
        end = next(i for i in range(start, end) if doc[i].text == "(")
        while end > start and doc[end - 1].is_punct:
            end -= 1
    return start, end


def is_number(token: Any) -> bool:
    """A cardinal: "17", "100–150", "four" (spaCy's `like_num` also takes "first")."""
    return bool(token.tag_ == "CD" or any(ch.isdigit() for ch in token.text))


def is_question_word(token: Any, terms: frozenset[str]) -> bool:
    if token.is_stop or token.is_punct:
        return False
    lower = token.lower_
    if lower in terms or token.lemma_.lower() in terms:
        return True
    # A crude stem (five letters of words of six or more) so "naturalized" meets "naturalization".
    return len(lower) >= 6 and any(len(t) >= 6 and t[:5] == lower[:5] for t in terms)
