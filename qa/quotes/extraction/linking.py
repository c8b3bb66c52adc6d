"""Linking each quote to the cue that introduces it.

Evidence in order of reliability (after Pareti et al. 2013 and textacy's `direct_quotations`): a reporting
verb right before the quote; a cue right after a quote that ends open ('"...," she said'); a cue earlier
in the clause that a comma or colon hands to a whole-sentence quote; the dependency parse; then looser
adjacency. A quote with no cue of its own takes the cue of the quote right after it, else the last cue
before it in its paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qa.quotes import lexicon
from qa.quotes.extraction import cues as cue_rules
from qa.quotes.extraction.cues import Cue
from qa.quotes.extraction.marks import QuotedSpan
from qa.quotes.extraction.paragraphs import Paragraph

if TYPE_CHECKING:
    from spacy.tokens import Token

# Quote ends after which the cue usually follows in the same sentence ('"...," she said').
_OPEN_ENDINGS = frozenset(",?!\u2014\u2013-\u2026:")
# Verbs that modify a noun ("a retired worker", "the man accused of ...") start no clause of their own.
_MODIFIER_DEPS = frozenset({"amod", "acl", "compound", "nmod"})
# A quote this short inside a cue's sentence is a nickname or title, not a quote that ends the sentence.
_NICKNAME_TOKENS = 5


def own_cues(
    paragraph: Paragraph, spans: Sequence[QuotedSpan], indices: Sequence[int], cues: Sequence[Cue]
) -> dict[int, Cue]:
    """The quotes (by index) that have a cue of their own: a reporting verb right before or after the
    quote, or one the parse or a comma or colon hands it."""
    by_token = {cue.token: cue for cue in cues if cue.speaker is not None}
    own: dict[int, Cue] = {}
    for index in indices:
        cue = _own_cue(paragraph, spans[index], index, by_token)
        if cue is not None:
            own[index] = cue
    return own


def link_quotes(
    paragraph: Paragraph,
    spans: Sequence[QuotedSpan],
    indices: Sequence[int],
    cues: Sequence[Cue],
    own: dict[int, Cue] | None = None,
) -> dict[int, Cue]:
    """Each quote's cue: its own (`own_cues`, or `own` when given), else the next adjacent quote's, else
    the last one before it."""
    own = own_cues(paragraph, spans, indices, cues) if own is None else own
    linked = dict(own)
    for position, index in enumerate(indices):
        if index in linked:
            continue
        span = spans[index]
        if position + 1 < len(indices):
            following = spans[indices[position + 1]]
            between = paragraph.text[span.outer_end - paragraph.start : following.open_mark - paragraph.start]
            if not between.strip() and indices[position + 1] in own:
                linked[index] = own[indices[position + 1]]
                continue
        earlier = [
            cue
            for cue in cues
            if cue.offset < span.open_mark and cue.speaker is not None and not negated(paragraph, cue)
        ]
        if earlier:
            linked[index] = earlier[-1]
    return linked


def negated(paragraph: Paragraph, cue: Cue) -> bool:
    """A cue that denies speech ("officials haven't said ...") hands no later quote to its subject."""
    return any(child.dep_ == "neg" for child in paragraph.doc[cue.token].children)


def _own_cue(paragraph: Paragraph, span: QuotedSpan, index: int, by_token: dict[int, Cue]) -> Cue | None:
    """The quote's own cue, most reliable evidence first.

    A verb right before the quote ('adding, "..."', 'told AFP: "..."') beats everything; then a cue after
    a quote that ends open ('"...," she said'); then a cue earlier in the clause that a comma or colon
    hands to a whole-sentence quote; then the parse; then looser adjacency.
    """
    quote_text = paragraph.text[span.start - paragraph.start : span.end - paragraph.start]
    open_end = bool(quote_text) and (quote_text[-1] in _OPEN_ENDINGS or quote_text[-1].isalnum())
    before, distance = _cue_before(paragraph, span, by_token)
    if before is not None and distance <= 2:
        return before
    after = _cue_after(paragraph, span, by_token)
    if after is not None and (open_end or after.content is None):
        return after
    if before is not None and not is_fragment(paragraph, span):
        return before
    return _governing_cue(paragraph, index, by_token) or before


def _governing_cue(paragraph: Paragraph, index: int, by_token: dict[int, Cue]) -> Cue | None:
    """A cue that the quote depends on in the parse, or that depends on the quote's root."""
    doc, in_quote = paragraph.doc, paragraph.in_quote
    for token in doc:
        if in_quote[token.i] != index:
            continue
        for child in token.children:
            if (
                in_quote[child.i] < 0
                and child.i in by_token
                and child.dep_ in ("parataxis", "ccomp", "advcl")
            ):
                return by_token[child.i]
        current = token.head
        if in_quote[current.i] == index:
            continue
        for _ in range(8):
            if in_quote[current.i] >= 0:
                break
            if current.i in by_token:
                return by_token[current.i]
            according = next(
                (c for c in current.children if c.i in by_token and c.lower_ == "according"), None
            )
            if according is not None:
                return by_token[according.i]
            if current.head.i == current.i:
                break
            current = current.head
    return None


def _cue_after(paragraph: Paragraph, span: QuotedSpan, by_token: dict[int, Cue]) -> Cue | None:
    """The first cue after the quote in the same sentence, skipping quoted nicknames ('Marcia "Cia"')."""
    doc, in_quote = paragraph.doc, paragraph.in_quote
    start = paragraph.tokens_before(span.outer_end)
    for token in doc[start:]:
        if cue_rules.is_sentence_end(token) or (token.pos_ == "SCONJ" and token.dep_ in ("mark", "advmod")):
            break
        if in_quote[token.i] >= 0:
            if in_quote.count(in_quote[token.i]) > _NICKNAME_TOKENS:
                break
            continue
        if token.i in by_token:
            if token.lemma_.lower() in lexicon.CHARACTERISING_VERBS:
                return None
            return by_token[token.i]
        if token.pos_ == "VERB" and token.dep_ not in _MODIFIER_DEPS and not _in_relative_clause(token):
            # Another clause starts before any cue: '("...") Trump inflamed tensions by saying'.
            return None
    return None


def _in_relative_clause(token: Token) -> bool:
    """Whether a verb belongs to a relative clause ('Nate Silver, who founded the site, tweeted')."""
    node = token
    for _ in range(4):
        if node.dep_ == "relcl":
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _cue_before(paragraph: Paragraph, span: QuotedSpan, by_token: dict[int, Cue]) -> tuple[Cue | None, int]:
    """The last cue of the clause that ends right before the quote, and how many tokens separate them.

    The clause must end in a colon or comma, the verb itself, its object ('told reporters "..."') or
    "that"; otherwise the text before the quote is narrative, not attribution.
    """
    doc, in_quote = paragraph.doc, paragraph.in_quote
    before = [t for t in doc[: paragraph.tokens_before(span.open_mark)] if not t.is_space]
    if not before or in_quote[before[-1].i] >= 0:
        return None, 0
    last = before[-1]
    introduces = last.text in (":", ",") or last.i in by_token or last.lower_ in ("that", "saying")
    if not introduces and not (last.i > 0 and last.i - 1 in by_token and last.dep_ in ("dobj", "dative")):
        return None, 0
    for distance, token in enumerate(reversed(before)):
        if in_quote[token.i] >= 0 or cue_rules.is_sentence_end(token):
            break
        if token.i in by_token:
            return by_token[token.i], distance
    return None, 0


def is_fragment(paragraph: Paragraph, span: QuotedSpan) -> bool:
    """Whether the quote is a fragment woven into the writer's sentence ('called it "unprecedented"')."""
    doc, in_quote = paragraph.doc, paragraph.in_quote
    last = next((t for t in reversed(doc[: paragraph.tokens_before(span.open_mark)]) if not t.is_space), None)
    if last is None:
        return False
    if in_quote[last.i] >= 0 or last.text in (":", ",", "(", "\u2014", "\u2013", "-") or last.text in ".!?;":
        return False
    return not (last.pos_ == "VERB" and last.lemma_.lower() in lexicon.REPORTING_VERBS)
