"""Reciprocal rank fusion (Cormack, Clarke and Büttcher 2009): several rankings of the same rows made into
one, each row scoring the sum of 1 / (k + rank) over the rankings that hold it. Only ranks count, so
rankings whose scores are on different scales (cosine, BM25) fuse without calibration."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

RRF_K = 60  # the paper's k: it damps the weight of the very first ranks


def fuse_ranks(rankings: Iterable[Sequence[tuple[int, float]]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Rows of `rankings` by fused score, best first; rows with equal scores keep the order in which they
    were first seen (the first ranking first).

    Args:
        rankings: each a list of (row id, score), best first, as the store's searches return them; the
            scores themselves are ignored.
        k: the fusion constant; a row at rank r (0-based) of a ranking scores 1 / (k + r + 1) there.

    Returns:
        (row id, fused score) pairs, highest score first.
    """
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (row, _) in enumerate(ranking):
            fused[row] = fused.get(row, 0.0) + 1.0 / (k + rank + 1)
    return sorted(fused.items(), key=lambda pair: -pair[1])
