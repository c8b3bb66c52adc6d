"""The words of a question and the full-text (FTS5) query made of them, for chunks, sentences and quotes
alike: answering, who-said and the quote check search the store with the same query."""

from __future__ import annotations

import re
from collections.abc import Collection

from index.store import Store

# Words in more than this share of the chunks (and at least COMMON_ROWS of them) are left out of the
# lexical query: BM25 gives them little weight, yet FTS5 scores every row holding any query word, so at
# 100k articles one such word ("said", "year") made a search take hundreds of milliseconds. The
# KEEP_RAREST rarest words are always kept. Small stores (the dev set) are not affected; the share was
# chosen by timing searches at 100k articles (bench/README.md).
COMMON_SHARE = 0.02
COMMON_ROWS = 5_000
KEEP_RAREST = 2
_WORD = re.compile(r"[\w'-]+")
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves also else many much name named one ones s t""".split()
)


def content_words(text: str) -> list[str]:
    """Lower-cased words of `text` that are not stop words, in order, without repeats."""
    words = (w.strip("'-").lower() for w in _WORD.findall(text))
    return list(dict.fromkeys(w for w in words if w and w not in STOP_WORDS))


def fts_query(text: str, words: Collection[str] | None = None) -> str:
    """An FTS5 MATCH expression: any of the content words (of `words` only, when given), each quoted
    so none is an operator."""
    return " OR ".join(f'"{w}"' for w in content_words(text) if words is None or w in words)


def lexical_query(store: Store, question: str, kind: str = "chunks", most: int | None = None) -> str:
    """`fts_query` of the question without the words too common in the store to be worth searching;
    with `most`, only that many of the rarest words in a store large enough to count them (FTS5's time
    grows with the words of an OR query, and a pasted quote has many)."""
    words = content_words(question)
    rows = store.row_count(kind)
    limit = max(COMMON_ROWS, COMMON_SHARE * rows)
    counts = store.document_frequencies(kind, words) if rows > COMMON_ROWS else {}
    rarest = sorted(words, key=lambda w: counts.get(w, 0))
    kept = {w for w in words if counts.get(w, 0) <= limit} | set(rarest[:KEEP_RAREST])
    if most is not None and counts and len(kept) > most:
        kept = set([w for w in rarest if w in kept][:most])
    return fts_query(question, kept)
