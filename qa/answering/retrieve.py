"""Candidate chunks for a question: dense (FAISS) and lexical (FTS5 BM25) search fused by reciprocal
rank fusion (Cormack et al. 2009), so names, numbers and rare words the dense side misses still count."""

from __future__ import annotations

from collections.abc import Collection

from index.embedding import Vectors
from index.store import Store
from qa.lexical import lexical_query
from qa.models import Hit

RRF_K = 60


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
