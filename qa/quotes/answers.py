"""Answer "who said …" and "what did X say (about Z)" from the quote table, not by guessing.

The quote table is filled at indexing time (`qa.quotes`); asking is a lookup: candidate quotes are
those of the articles whose sentences best match the quoted words, matched exactly or fuzzily.
"""

from __future__ import annotations

from collections.abc import Collection

from index.embedding import Encoder
from index.models import Quote, Sentence, Speaker
from index.store import Store
from qa.lexical import lexical_query
from qa.models import Answer, Citation, render_text
from qa.quotes.topic import rank_by_topic
from qa.quotes.whosaid import QuoteQuery, find_quotes_by_text, order_by_topic

CANDIDATE_QUOTES = 30


def answer_quote_question(
    store: Store,
    query: QuoteQuery,
    question: str,
    k: int,
    scope: Collection[str] | None = None,
    exclude: Collection[tuple[str, int]] = (),
    encoder: Encoder | None = None,
) -> Answer | None:
    """A cited answer from the quote table, or None when no quote fits (the caller then searches).
    With `encoder`, a what-said question's topic chooses among the speaker's quotes by meaning and
    words (`qa.quotes.topic`), else by the topic's words in the quotes."""
    if not store.has_quotes():
        return None  # nothing to match: skip the sentence search, costly in a large store
    cited_at: dict[tuple[str, int, int], int] = {}  # a quote -> the position of the sentence cited
    fit: dict[tuple[str, int, int], float] = {}  # a quote -> how well it fits the topic (its score)
    if query.kind == "who_said" and query.phrase:
        found = [q for q, _ in _quotes_matching(store, query.phrase, scope)]
        found = [q for q in found if q.speaker] or found
    elif query.speaker:
        found = [q for q in _quotes_of(store, query.speaker) if scope is None or q.article_id in scope]
        if encoder is not None and query.topic:
            matches = rank_by_topic(store, encoder, found, question, query.topic)
            found = [m.quote for m in matches]
            cited_at = {_key(m.quote): m.position for m in matches}
            fit = {_key(m.quote): m.score for m in matches}
        else:
            found = order_by_topic(found, query.topic)
    else:
        return None
    citations: list[Citation] = []
    seen: set[tuple[str, int]] = set(exclude)
    titles = store.titles(list({q.article_id for q in found}))
    for quote in found:
        sentence = _sentence_of(store, quote, cited_at.get(_key(quote), quote.first_sentence))
        key = (sentence.article_id, sentence.position)
        if key in seen:
            continue
        seen.add(key)
        span = _speaker_span(sentence, quote) if query.kind == "who_said" else _quote_span(sentence, quote)
        title = titles.get(quote.article_id, "")
        score = fit.get(_key(quote), 1.0)
        citations.append(Citation(len(citations) + 1, sentence, title, score, span, quote))
        if len(citations) == k:
            break
    if not citations:
        return None
    return Answer(question, render_text(citations), tuple(citations), abstained=False)


def _quotes_of(store: Store, name: str) -> list[Quote]:
    """The quotes of the speakers `name` means (the store's speakers table), the best one's first, each
    speaker's in text order."""
    speakers = _speakers_named(store, name)
    rank = {speaker.id: n for n, speaker in enumerate(speakers)}
    quotes = store.speaker_quotes(list(rank))
    return sorted(quotes, key=lambda q: (rank[q.speaker_id or 0], q.start))


def _speakers_named(store: Store, name: str) -> list[Speaker]:
    """The speakers `name` means; when none, those its name without the words in front of it means
    ("UKIP leader Nigel Farage" -> "Nigel Farage", "CNN president Jeff Zucker" -> "Jeff Zucker"): the
    longest such tail from a capital, a single word only after words in lower case ("the Smithsonian")."""
    words = name.split()
    for i in range(len(words)):
        tail = words[i:]
        if i and not (tail[0][:1].isupper() and (len(tail) >= 2 or all(w[:1].islower() for w in words[:i]))):
            continue
        found = store.find_speakers(" ".join(tail))
        if found:
            return found
    return []


def _quotes_matching(store: Store, phrase: str, scope: Collection[str] | None) -> list[tuple[Quote, float]]:
    """Quotes matching `phrase`, among those of the articles whose quotes the full-text search finds."""
    found = store.search_quotes(lexical_query(store, phrase, "quotes"), CANDIDATE_QUOTES)
    articles = [a for a in dict.fromkeys(q.article_id for q in found) if scope is None or a in scope]
    quotes = [q for a in articles for q in store.quotes(a)]
    texts = {(a, s.position): s.text for a in articles for s in store.sentences(a)}
    return find_quotes_by_text(phrase, quotes, lambda q: texts.get((q.article_id, q.first_sentence), ""))


def _key(quote: Quote) -> tuple[str, int, int]:
    return quote.article_id, quote.start, quote.end


def _sentence_of(store: Store, quote: Quote, position: int) -> Sentence:
    [(_, sentence), *_] = store.sentence_range(quote.article_id, position, position)
    return sentence


def _speaker_span(sentence: Sentence, quote: Quote) -> tuple[int, int] | None:
    """Where the speaker is named in the sentence: the mention, else the canonical name."""
    for name in (quote.speaker_mention, quote.speaker):
        if name and not name.islower():  # "he", "she": the canonical name is shown as the speaker
            at = sentence.text.find(name)
            if at >= 0:
                return at, at + len(name)
    return None


def _quote_span(sentence: Sentence, quote: Quote) -> tuple[int, int] | None:
    start, end = max(quote.start, sentence.start), min(quote.end, sentence.end)
    return (start - sentence.start, end - sentence.start) if start < end else None
