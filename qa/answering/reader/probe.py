"""Is the cited passage about what the question names, or about something else of the same kind?

A near miss often swaps in a person, place or organisation that the article names elsewhere: "How many
troops does Ostrevia have along the border?" over "Dravia has around 12,000 troops stationed along its
southern frontier", with Ostrevia named two paragraphs up. Every term is mentioned
(`qa.answering.reader.terms`) and the reader finds an answer. So the reader is asked again: the
question with its name that the passage lacks replaced by a name of the same kind (by the NER model)
that the passage does name ("How many troops does Dravia have ...?"). When that question reads as
answered by far more than the one asked (`ReaderSettings.swap_gain`), the passage is about the other
name. The test is the reader's own: nothing here knows which names go together.

Only a name the article gives word for word elsewhere is swapped: that is the near miss this catches
(a name the article never gives is missing, `qa.answering.reader.terms`), and a question that words a
name its own way ("the National Anthem at Superbowl 50", a misspelt "Percy Shelly") read better with
almost any other name on Wikipedia dev. Pairs are skipped too when the passage names the asked one
after all (a short form, initials, a surname: `missing_terms`), when the other name is in the question
or in the answer span (it is what is asked), or when the two share a word ("the University of Oxford"
and "the University of Northbridge" read alike), or when the passage describes an organisation or a
place instead of naming it ("the San Jose, California-based company": news names a firm once and then
says what it is, and such a right answer read better about San Jose; docs/news.md, session 21).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.store import Store
from qa.answering.datelines import read_bodies
from qa.answering.reader.decide import ReadCandidate, contexts
from qa.answering.reader.reader import Reader
from qa.answering.reader.terms import missing_terms
from qa.nlp import entities_of

__all__ = ["LABELS", "Instead", "named_instead"]

# The kinds of names a near miss swaps: people, places, organisations, buildings, events, products,
# laws. Not a nationality or party (NORP): mostly an adjective of another noun, "the new
# African-American history museum" swapped for "Democratic" read better on real news (docs/news.md).
LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "LAW"})
# A name the passage describes instead ("the San Jose, California-based company"): news names a firm,
# a club or a country once and then says what it is; such a passage is about it.
_DESCRIBED = re.compile(
    r"\b(?:the|its)\s+(?:[\w,.'-]+\s+){0,4}?(?:company|firm|group|business|retailer|chain|club|bank|"
    r"lender|insurer|carrier|council|university|school|agency|charity|union|party|country|state)(?:'s)?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Instead:
    """The question's name the passage lacks (`asked`), the one it reads as about (`named`), and by how
    much more the reader finds an answer about that one (`gain`, margin units)."""

    asked: str
    named: str
    gain: float


def named_instead(
    reader: Reader, store: Store, question: str, first: ReadCandidate, short: int, gain: float, tries: int
) -> Instead | None:
    """The swap of the question's name for one the first candidate's passage (its sentence with its
    context, `contexts` with `short`) names under which the reader's margin on the sentence rises by at
    least `gain`; at most `tries` swaps are read. None when none does."""
    sentence = first.sentence
    asked = [(question[s:e], label) for s, e, label in entities_of(question) if label in LABELS]
    if not asked:
        return None
    [previous] = contexts(store, [sentence], short)
    before = previous.text if previous is not None else ""
    window = f"{before} {sentence.text}".strip()
    folded_window = window.lower()
    asked = [(x, label) for x, label in asked if x.lower() not in folded_window]
    if not asked:  # the passage names every name asked
        return None
    named = sorted(
        {
            (part[s:e], label)
            for part in (before, sentence.text)
            if part
            for s, e, label in entities_of(part)
            if label in LABELS
        }
    )
    kinds = {label for _, label in named}
    asked = [(x, label) for x, label in asked if label in kinds]
    if not asked:  # no name of their kind to swap in
        return None
    article = store.article(sentence.article_id)
    span = first.reading.span
    answer = "" if span is None else sentence.text[span[0] : span[1]]
    pairs = _swaps(question, asked, named, window, article.text if article else "", answer)
    pairs = pairs[:tries]
    if not pairs:
        return None
    asked_again = [question] + [_swapped(question, x, y) for x, y in pairs]
    # read as `read_sentences` reads a candidate, with the context already found
    margins = [read_bodies(reader, q, [(previous, sentence)])[0].margin for q in asked_again]
    best = max(range(len(pairs)), key=lambda i: margins[i + 1])
    rise = margins[best + 1] - margins[0]
    if rise < gain:
        return None
    return Instead(pairs[best][0], pairs[best][1], round(rise, 4))


def _swaps(
    question: str,
    asked: list[tuple[str, str]],
    named: list[tuple[str, str]],
    window: str,
    article: str,
    answer: str,
) -> list[tuple[str, str]]:
    """The (asked, named) pairs worth reading: each name of the question the passage (`window`) lacks
    and the `article` gives word for word, with each name of its label the passage gives that is not
    in the question or the `answer` and shares no word with it."""
    lacking = set(missing_terms(question, window))
    folded_question, folded_answer = question.lower(), answer.lower()
    pairs: list[tuple[str, str]] = []
    for x, label in asked:
        if not lacking & set(x.split()):
            continue  # the passage names it, or a short form of it
        if label == "PERSON" and re.search(rf"\b{re.escape(x.split()[-1])}\b", window):
            continue  # by the surname
        if label != "PERSON" and _DESCRIBED.search(window):
            continue  # described instead of named
        if not re.search(rf"(?<!\w){re.escape(x)}(?!\w)", article, re.IGNORECASE):
            continue  # not a name the article gives elsewhere: the question words it otherwise
        words = {w.lower() for w in x.split()}
        pairs += [
            (x, y)
            for y, other in named
            if other == label
            and y.lower() not in folded_question
            and y.lower() not in folded_answer
            and not words & {w.lower() for w in y.split()}
        ]
    return pairs


def _swapped(question: str, asked: str, named: str) -> str:
    """`question` with its first `asked` replaced by `named`."""
    at = question.index(asked)
    return question[:at] + named + question[at + len(asked) :]
