"""The FAISS indexes of the store's own vector files (`index/faiss_engine.py` alone calls this module).

Exact inner-product search (a flat index behind an id map) up to `APPROXIMATE_ABOVE` vectors; beyond,
an IVF index of half-precision vectors: search visits `NPROBE` of its lists (about 4·√n). 16-bit
vectors keep recall@10 at exact-search level where 8-bit ones lost several points, at half the memory
of float32 (768 bytes a 384-d vector).

Searches run on one FAISS thread: on a busy 2-core machine OpenMP's spinning threads made a single
query's flat search thousands of times slower (docs/results.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.vectors import Vectors

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

    if is_approximate(indexes[0]):
        return _merge_approximate(indexes[0], indexes[1:], dead)
    merged = faiss.clone_index(indexes[0])
    for index in indexes[1:]:
        if index.ntotal:
            ids = faiss.vector_to_array(index.id_map).astype(np.int64)
            merged.add_with_ids(index.index.reconstruct_n(0, index.ntotal), ids)
    if dead:
        merged.remove_ids(np.asarray(dead, dtype=np.int64))  # type: ignore[arg-type]  # faiss accepts ids
    return merged


def _merge_approximate(base: Any, deltas: Sequence[Any], dead: Sequence[int]) -> Any:
    """`merge` for an IVF base: a new IVF on the same centroids, each inverted list written once at its
    final size. (Cloning the base and adding to it held the base twice, and each list that grew
    doubled its buffer, so the indexing process peaked at several times the base's size.)"""
    import faiss

    extra = _empty_like(base)  # the deltas' vectors, encoded as the base encodes them
    for delta in deltas:
        if delta.ntotal:
            ids = faiss.vector_to_array(delta.id_map).astype(np.int64)
            extra.add_with_ids(delta.index.reconstruct_n(0, delta.ntotal), ids)
    merged = _empty_like(base)
    dead_ids = np.asarray(dead, dtype=np.int64)
    total = 0
    for number in range(base.nlist):
        ids, codes = _list_entries([base, extra], number)
        if len(dead_ids):
            keep = ~np.isin(ids, dead_ids)
            ids, codes = ids[keep], codes[keep]
        if len(ids):
            merged.invlists.add_entries(number, len(ids), faiss.swig_ptr(ids), faiss.swig_ptr(codes))
            total += len(ids)
    merged.ntotal = total
    merged.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]  # by row id
    merged.nprobe = NPROBE
    return merged


def _empty_like(ivf: Any) -> Any:
    """An empty IVF of half-precision vectors on the centroids of `ivf` (trained: fp16 needs nothing)."""
    import faiss

    quantizer = faiss.IndexFlatIP(ivf.d)
    quantizer.add(ivf.quantizer.reconstruct_n(0, ivf.nlist))
    empty = faiss.IndexIVFScalarQuantizer(
        quantizer, ivf.d, ivf.nlist, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
    )
    empty.is_trained = True
    return empty


def _list_entries(indexes: Sequence[Any], number: int) -> tuple[Any, Any]:
    """Row ids and codes of inverted list `number` of each index, concatenated."""
    import faiss

    ids, codes = [np.zeros(0, dtype=np.int64)], [np.zeros((0, indexes[0].code_size), dtype=np.uint8)]
    for index in indexes:
        size = index.invlists.list_size(number)
        if size:
            ids.append(faiss.rev_swig_ptr(index.invlists.get_ids(number), size).copy())
            raw = faiss.rev_swig_ptr(index.invlists.get_codes(number), size * index.code_size)
            codes.append(raw.copy().reshape(size, index.code_size))
    return np.ascontiguousarray(np.concatenate(ids)), np.ascontiguousarray(np.concatenate(codes))


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
