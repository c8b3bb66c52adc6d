"""Candidate chunks for a question: dense (FAISS) and lexical (FTS5 BM25) search fused by reciprocal
rank fusion (Cormack et al. 2009), so names, numbers and rare words the dense side misses still count."""

from __future__ import annotations

import re
from collections.abc import Collection

from index.embedding import Vectors
from index.store import Store
from qa.models import Hit

RRF_K = 60
# Words in more than this share of the chunks (and at least COMMON_ROWS of them) are left out of the
# lexical query: BM25 gives them little weight, yet FTS5 scores every row holding any query word, so at
# 100k articles one such word ("said", "year") made a search take hundreds of milliseconds. The
# KEEP_RAREST rarest words are always kept. Small stores (the dev set) are not affected. At 100k
# articles 2% halved the chunk search against 5% (p95 82 -> 40 ms; 1%: 39 ms).
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
    grows with the words of an OR query: a pasted quote of 90 words took 120 ms at 10k articles)."""
    words = content_words(question)
    rows = store.row_count(kind)
    limit = max(COMMON_ROWS, COMMON_SHARE * rows)
    counts = store.document_frequencies(kind, words) if rows > COMMON_ROWS else {}
    rarest = sorted(words, key=lambda w: counts.get(w, 0))
    kept = {w for w in words if counts.get(w, 0) <= limit} | set(rarest[:KEEP_RAREST])
    if most is not None and counts and len(kept) > most:
        kept = set([w for w in rarest if w in kept][:most])
    return fts_query(question, kept)


def retrieve(
    store: Store,
    question: str,
    query: Vectors,
    k: int = 20,
    scope: Collection[str] | None = None,
) -> list[Hit]:
    """The `k` best chunks by fused rank; `scope` limits them to some article ids."""
    depth = k * 2
    dense = store.search_dense("chunks", query, depth, scope)
    lexical = store.search_lexical("chunks", lexical_query(store, question), depth, scope)
    fused: dict[int, float] = {}
    for ranked in (dense, lexical):
        for rank, (row, _) in enumerate(ranked):
            fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
    chunks = store.chunks(list(fused))
    ordered = sorted(fused, key=lambda row: -fused[row])
    hits = [row for row in ordered if row in chunks]
    return [Hit(chunks[row], fused[row], rank, "fused") for rank, row in enumerate(hits[:k])]
