"""The FAISS indexes of the store (part of `index/store.py`, which alone calls this module).

Exact inner-product search (a flat index behind an id map) up to `APPROXIMATE_ABOVE` vectors; beyond,
an IVF index of half-precision vectors: search visits `NPROBE` of its lists (about 4·√n). 16-bit
vectors keep recall@10 at exact-search level where 8-bit ones lost about 5 points (0.949 on the 10k
bench store), at half the memory of float32 (768 bytes a 384-d vector), so 2.6 million sentence and
chunk vectors of 100k articles take about 2 GB.

Searches run on one FAISS thread: on a busy 2-core machine OpenMP's spinning threads made a single
query's flat search 32 ms instead of 0.006 ms (bench/README.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.embedding import Vectors

APPROXIMATE_ABOVE = 200_000
NPROBE = 24
TRAINING_SAMPLE = 100_000


def new_index(dimension: int) -> Any:
    """An empty exact index whose ids are store row ids."""
    import faiss

    return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))


def is_approximate(index: Any) -> bool:
    import faiss

    return isinstance(index, faiss.IndexIVF)


def fit_to_size(index: Any, threshold: int = APPROXIMATE_ABOVE) -> Any:
    """`index` itself, or an approximate copy once an exact index holds more than `threshold` vectors."""
    if is_approximate(index) or index.ntotal <= threshold:
        return index
    import faiss

    ids = faiss.vector_to_array(index.id_map).astype(np.int64)
    vectors = index.index.reconstruct_n(0, index.ntotal)
    lists = max(16, int(4 * math.sqrt(len(ids))))
    quantizer = faiss.IndexFlatIP(index.d)
    approximate = faiss.IndexIVFScalarQuantizer(
        quantizer, index.d, lists, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
    )
    sample = np.random.default_rng(0).permutation(len(ids))[: max(TRAINING_SAMPLE, 40 * lists)]
    approximate.train(vectors[np.sort(sample)])
    approximate.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]  # by row id
    approximate.add_with_ids(vectors, ids)
    approximate.nprobe = NPROBE
    return approximate


def merge(indexes: Sequence[Any], dead: Sequence[int]) -> Any:
    """One index holding the vectors of `indexes` except the `dead` row ids. The first index (the base)
    is copied, not changed: readers in this process may still be searching it."""
    import faiss

    merged = faiss.clone_index(indexes[0])
    for index in indexes[1:]:
        if index.ntotal:
            ids = faiss.vector_to_array(index.id_map).astype(np.int64)
            merged.add_with_ids(index.index.reconstruct_n(0, index.ntotal), ids)
    if dead:
        merged.remove_ids(np.asarray(dead, dtype=np.int64))  # type: ignore[arg-type]  # faiss accepts ids
    return merged


class Segments:
    """The live vectors of one kind: a base index and deltas, minus tombstoned row ids."""

    def __init__(self, indexes: Sequence[Any], dead: Sequence[int]) -> None:
        self.indexes = list(indexes)
        self.dead = np.asarray(sorted(dead), dtype=np.int64)

    def count(self) -> int:
        return sum(int(index.ntotal) for index in self.indexes) - len(self.dead)

    def search(self, query: Vectors, k: int, allowed: Sequence[int] | None = None) -> list[tuple[int, float]]:
        """Row ids and scores of the `k` best live vectors, only among `allowed` row ids when given."""
        import faiss

        faiss.omp_set_num_threads(1)
        selector: Any = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
        elif len(self.dead):
            selector = faiss.IDSelectorNot(faiss.IDSelectorBatch(self.dead))
        vector = np.asarray(query, dtype=np.float32).reshape(1, -1)
        found: list[tuple[int, float]] = []
        for index in self.indexes:
            if index.ntotal == 0:
                continue
            params: Any = faiss.SearchParametersIVF() if is_approximate(index) else faiss.SearchParameters()
            if is_approximate(index):
                params.nprobe = NPROBE
            if selector is not None:
                params.sel = selector  # `selector` stays referenced until the searches return
            scores, ids = index.search(vector, min(k, index.ntotal), params=params)
            found += [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
        found.sort(key=lambda pair: -pair[1])
        return found[:k]

    def reconstruct(self, ids: Sequence[int]) -> Vectors:
        """The stored vectors of live row ids. A row id lives in one segment: an exact segment is asked
        only for the ids it holds, the approximate base (which cannot list its ids cheaply) for the rest."""
        import faiss

        out = np.zeros((len(ids), self.indexes[0].d), dtype=np.float32)
        wanted = np.asarray(ids, dtype=np.int64)
        pending = np.ones(len(wanted), dtype=bool)
        for index in reversed(self.indexes):
            if not pending.any():
                break
            if is_approximate(index):
                here = pending.copy()
            else:
                here = pending & np.isin(wanted, faiss.vector_to_array(index.id_map))
            for row in np.flatnonzero(here):
                try:
                    out[row] = index.reconstruct(int(wanted[row]))
                except RuntimeError:
                    here[row] = False
            pending &= ~here
        if pending.any():
            raise KeyError(f"no vector for row {int(wanted[np.flatnonzero(pending)[0]])}")
        return out
