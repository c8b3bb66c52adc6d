"""A speaker's quotes ranked by what a what-said question asks about.

"What did Farage say about Obama's warning on trade?": the speaker's quotes in the store (hundreds for
a candidate in an election year) are ranked by how close their sentences are to the question, in
meaning (the stored sentence vectors against the question's) and in words (the topic's content words
in the quote's sentences, the sentence before and the article's title). Ranking by the words of the
quote alone put any quote sharing one word ahead of the one asked about.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.embedding import Encoder, encode_query
from index.models import Quote
from index.store import Store
from qa.lexical import content_words

__all__ = ["LEXICAL_WEIGHT", "OWN_WORDS_BONUS", "TopicMatch", "rank_by_topic"]

# The share of the topic's words found, against the cosine of the question and the quote's sentences.
LEXICAL_WEIGHT = 0.5
# Added to a quote in the speaker's own words (direct, or a quoted fragment): "what did X say" asks for
# them, and a writer's paraphrase of the same point ("Kerry said the Iranians released were close to
# completing their sentences") came before the quote itself. The smallest of 0 / 0.02 / 0.05 / 0.1 /
# 0.2 giving news half nA's best (6 -> 8 of 12 what-said; nB 7 -> 7; docs/news.md).
OWN_WORDS_BONUS = 0.05
_OWN_WORDS = frozenset({"direct", "mixed"})
# Characters of a word compared, a crude stem ("relocate" meets "relocation").
_STEM = 5


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """A quote, how well it fits the topic, and the position of its sentence that fits best (a quote
    of several sentences is cited by the one the question is about)."""

    quote: Quote
    score: float
    position: int


def rank_by_topic(
    store: Store, encoder: Encoder, quotes: Sequence[Quote], question: str, topic: str | None
) -> list[TopicMatch]:
    """`quotes`, best first, each with its score: the best cosine of the question with the quote's
    sentences (and the sentence before them), plus `LEXICAL_WEIGHT` times the share of the topic's
    words (the question's without a topic) found there or in the article's title, plus
    `OWN_WORDS_BONUS` for a quote in the speaker's own words. Ties keep the order given."""
    if not quotes:
        return []
    places = {
        (q.article_id, p) for q in quotes for p in range(max(0, q.first_sentence - 1), q.last_sentence + 1)
    }
    sentences = store.sentences_at(sorted(places))
    vectors = store.stored_vectors(list({s.text for s in sentences.values()}))
    query = encode_query(encoder, question)
    titles = store.titles(list({q.article_id for q in quotes}))
    wanted = {w[:_STEM] for w in content_words(topic or question)}
    scored: list[TopicMatch] = []
    for quote in quotes:
        own = [
            sentences[(quote.article_id, p)]
            for p in range(max(0, quote.first_sentence - 1), quote.last_sentence + 1)
            if (quote.article_id, p) in sentences
        ]
        cosines = {s.position: float(np.dot(vectors[s.text], query)) for s in own if s.text in vectors}
        inside = {p: c for p, c in cosines.items() if p >= quote.first_sentence}
        position = max(inside, key=lambda p: inside[p], default=quote.first_sentence)
        words = {
            w[:_STEM]
            for text in [titles.get(quote.article_id, ""), *(s.text for s in own)]
            for w in content_words(text)
        }
        share = len(wanted & words) / len(wanted) if wanted else 0.0
        best = max(cosines.values(), default=0.0)
        own_words = OWN_WORDS_BONUS if quote.kind in _OWN_WORDS else 0.0
        scored.append(TopicMatch(quote, best + LEXICAL_WEIGHT * share + own_words, position))
    scored = _with_their_account(scored)
    order = sorted(range(len(scored)), key=lambda i: -scored[i].score)
    return [scored[i] for i in order]


def _with_their_account(scored: list[TopicMatch]) -> list[TopicMatch]:
    """Each quote in the speaker's own words scored above the writer's account of the same speaker that
    leads into it, in the sentence just before, by `OWN_WORDS_BONUS` ("Kerry said the Iranians released
    were close to completing their sentences. 'What we gave up were people who were about to get out
    anyway,' he told Fox News."): the quote says in the speaker's words what the account sums up."""
    account = {
        (m.quote.article_id, m.quote.last_sentence, m.quote.speaker_id): m.score
        for m in scored
        if m.quote.kind == "indirect"
    }
    lifted = []
    for match in scored:
        quote = match.quote
        led_in = account.get((quote.article_id, quote.first_sentence - 1, quote.speaker_id))
        if quote.kind in _OWN_WORDS and led_in is not None:
            match = dataclasses.replace(match, score=max(match.score, led_in + OWN_WORDS_BONUS))
        lifted.append(match)
    return lifted
