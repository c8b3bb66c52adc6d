"""Which of the candidate sentences an answer cites, and which it lists apart as related.

[1] is the best candidate. A headline never stands above a body sentence that says the same: when a
candidate is its article's headline and a body sentence of the article (among the candidates) holds
its answer words and most of its words, the body sentence takes its place ("Harbour bridge to reopen
in May" gives way to "The bridge will reopen on 12 May ..."). A later candidate is cited only when it
supports the answer too: it holds the answer's words (a sentence with another answer of its own does
not support this one: on the news questions such citations held a right answer 0 times in 40), or,
when the first gives no answer words, most of the question's words and an answer of its own (the
reader found a span in it); one that does not is listed apart as related when it holds a word of the
question. Never cited or listed: a candidate under the support floor, one with
none of the question's words that does not hold the answer, a near-duplicate of one chosen, a sentence of
another copy of an article already cited (`index.copies`), a third sentence of one paragraph.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from index.models import Sentence
from qa.answering.sentences import ScoredSentence, stems
from qa.lexical import content_words
from qa.models import Answer, Citation, render_text

__all__ = [
    "NEAR_DUPLICATE",
    "Selection",
    "SpanOf",
    "cite_one_copy",
    "is_headline",
    "select_citations",
    "similar",
]

NEAR_DUPLICATE = 0.8  # share of content words two sentences share (Jaccard) to be one statement
# Share of the question's content words a later sentence must hold to support an answer without words
# of its own (the first citation's has no span) with a span of its own; share of a headline's content
# words a body sentence must hold to say the same.
KEY_TERMS = 0.5
SAYS_THE_SAME = 0.5
PER_PARAGRAPH = 2  # sentences of one paragraph cited or listed at most
HEADLINE_WORDS = 25  # words of a headline line at most

SpanOf = Callable[[Sentence], "tuple[int, int] | None"]
_WORDS = re.compile(r"\w+")
_SENTENCE_ENDS = frozenset(".!?\"'\u201d\u2019:;")


@dataclass(frozen=True, slots=True)
class Selection:
    """The sentences to cite, best first, and those related to the question that do not support the
    answer."""

    cited: tuple[ScoredSentence, ...]
    related: tuple[ScoredSentence, ...]


def select_citations(
    question: str,
    ranked: Sequence[ScoredSentence],
    titles: Mapping[str, str],
    k: int,
    floor: float,
    span_of: SpanOf | None = None,
    originals: Mapping[str, str] | None = None,
) -> Selection:
    """Up to `k` sentences of `ranked` (best first), cited or related (see the module docstring);
    `span_of` gives the reader's answer span in a sentence, `originals` the article each copy is a
    copy of."""
    span_of = span_of or (lambda _: None)
    originals = originals or {}
    asked = stems(question)
    answer = ""
    cited: list[ScoredSentence] = []
    related: list[ScoredSentence] = []
    copy_of: dict[str, str] = {}
    paragraphs: dict[tuple[str, int], int] = {}
    for candidate in ranked:
        if len(cited) + len(related) >= k or (cited and candidate.score < floor):
            break
        candidate = _instead_of_headline(candidate, ranked, titles, span_of, originals)
        s = candidate.sentence
        if any(c is candidate or similar(s.text, c.sentence.text) for c in [*cited, *related]):
            continue
        group = _group(s, originals)
        if copy_of.get(group, s.article_id) != s.article_id:
            continue  # another copy of an article already cited: its sentences are the cited one's
        paragraph = _paragraph(s, originals)
        if paragraphs.get(paragraph, 0) >= PER_PARAGRAPH:
            continue
        if not cited:
            cited.append(candidate)
            copy_of[group], paragraphs[paragraph] = s.article_id, 1
            answer = _span_text(s, span_of)
            continue
        share = _share(asked, stems(s.text))
        if _holds(s.text, answer) if answer else (share >= KEY_TERMS and span_of(s) is not None):
            cited.append(candidate)
        elif share > 0:  # on the question if not on the answer; one with none of its words is left out
            related.append(candidate)
        else:
            continue
        copy_of[group], paragraphs[paragraph] = s.article_id, paragraphs.get(paragraph, 0) + 1
    return Selection(tuple(cited), tuple(related))


def cite_one_copy(answer: Answer, originals: Mapping[str, str]) -> Answer:
    """`answer` without the citations that repeat an earlier one (a near-duplicate sentence, or any
    sentence of another copy of an article already cited), renumbered: for answers made elsewhere (the
    quote table's), whose citations are chosen there."""
    kept: list[Citation] = []
    copy_of: dict[str, str] = {}
    renumber: dict[int, int] = {}
    for c in answer.citations:
        s = c.sentence
        if copy_of.setdefault(originals.get(s.article_id, s.article_id), s.article_id) != s.article_id:
            continue
        if any(similar(s.text, k.sentence.text) for k in kept):
            continue
        renumber[c.n] = len(kept) + 1
        kept.append(dataclasses.replace(c, n=len(kept) + 1))
    if len(kept) == len(answer.citations):
        return answer
    statements = tuple(
        dataclasses.replace(st, n=renumber[st.n]) for st in answer.statements if st.n in renumber
    )
    return dataclasses.replace(answer, text=render_text(kept), citations=tuple(kept), statements=statements)


def is_headline(sentence: Sentence, title: str) -> bool:
    """Whether `sentence` is a headline at the top of its article's text: its first sentence, saying
    what the title says, or a short line with no full stop (the headline of a copy under another
    title, of a page whose title is the site's)."""
    if sentence.position != 0:
        return False
    text = sentence.text.strip()
    if title.strip() and (_normal(text) == _normal(title) or similar(text, title)):
        return True
    return bool(text) and text[-1] not in _SENTENCE_ENDS and len(text.split()) <= HEADLINE_WORDS


def similar(a: str, b: str) -> bool:
    """Whether two sentences are one statement: they share `NEAR_DUPLICATE` of their content words."""
    wa, wb = set(content_words(a)), set(content_words(b))
    if not wa or not wb:
        return a == b
    return len(wa & wb) / len(wa | wb) >= NEAR_DUPLICATE


def _instead_of_headline(
    candidate: ScoredSentence,
    ranked: Sequence[ScoredSentence],
    titles: Mapping[str, str],
    span_of: SpanOf,
    originals: Mapping[str, str],
) -> ScoredSentence:
    """`candidate`, or when it is a headline the first candidate of `ranked` from the body of its
    article that says the same."""
    headline = candidate.sentence
    if not is_headline(headline, titles.get(headline.article_id, "")):
        return candidate
    for other in ranked:
        if _says_the_same(other.sentence, headline, span_of, originals):
            return other
    return candidate


def _says_the_same(body: Sentence, headline: Sentence, span_of: SpanOf, originals: Mapping[str, str]) -> bool:
    """Whether `body`, a later sentence of the headline's article (or a copy of it), holds the
    headline's answer words and most of its content words."""
    if body.position == 0 or _group(body, originals) != _group(headline, originals):
        return False
    answer = _span_text(headline, span_of)
    if answer and not _holds(body.text, answer):
        return False
    return _share(stems(headline.text), stems(body.text)) >= SAYS_THE_SAME


def _span_text(sentence: Sentence, span_of: SpanOf) -> str:
    span = span_of(sentence)
    return "" if span is None else sentence.text[span[0] : span[1]]


def _holds(text: str, words: str) -> bool:
    """Whether `text` holds `words` (case, punctuation and spacing aside), as whole words."""
    wanted = _normal(words)
    return bool(wanted) and f" {wanted} " in f" {_normal(text)} "


def _normal(text: str) -> str:
    """The words of `text`, case and accents folded ("Calderón" is "calderon")."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return " ".join(_WORDS.findall("".join(ch for ch in folded if not unicodedata.combining(ch))))


def _share(wanted: AbstractSet[str], held: AbstractSet[str]) -> float:
    return len(wanted & held) / len(wanted) if wanted else 0.0


def _group(sentence: Sentence, originals: Mapping[str, str]) -> str:
    return originals.get(sentence.article_id, sentence.article_id)


def _paragraph(sentence: Sentence, originals: Mapping[str, str]) -> tuple[str, int]:
    return (_group(sentence, originals), sentence.paragraph)
