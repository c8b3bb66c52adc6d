"""Candidate chunks for a question: dense (FAISS) and lexical (FTS5 BM25) search fused by reciprocal
rank fusion (`index.fusion`), so names, numbers and rare words the dense side misses still count."""

from __future__ import annotations

from collections.abc import Collection

from index.embedding import Vectors
from index.fusion import fuse_ranks
from index.store import Store
from qa.lexical import lexical_query
from qa.models import Hit


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
    fused = fuse_ranks([dense, lexical])
    chunks = store.chunks([row for row, _ in fused])
    hits = [(row, score) for row, score in fused if row in chunks]
    return [Hit(chunks[row], score, rank, "fused") for rank, (row, score) in enumerate(hits[:k])]
