from __future__ import annotations

import pytest

from index.fusion import RRF_K, fuse_ranks


def test_one_ranking_keeps_its_order_with_reciprocal_rank_scores() -> None:
    assert fuse_ranks([[(7, 0.9), (3, 0.5), (5, 0.1)]]) == [(7, 1 / 61), (3, 1 / 62), (5, 1 / 63)]


def test_a_row_both_rankings_hold_goes_above_rows_only_one_ranks_first() -> None:
    dense = [(1, 0.8), (2, 0.7), (3, 0.6)]
    lexical = [(4, 12.0), (2, 9.5)]
    assert fuse_ranks([dense, lexical]) == [(2, 1 / 62 + 1 / 62), (1, 1 / 61), (4, 1 / 61), (3, 1 / 63)]


def test_equal_scores_keep_the_order_rows_were_first_seen() -> None:
    fused = fuse_ranks([[(9, 0.0), (8, 0.0)], [(8, 0.0), (9, 0.0)], [(6, 0.0)]])
    assert [row for row, _ in fused] == [9, 8, 6]
    assert fused[0][1] == fused[1][1] == pytest.approx(1 / 61 + 1 / 62)


@pytest.mark.parametrize(("k", "first"), [(0, 1.0), (1, 0.5), (RRF_K, 1 / 61)])
def test_k_damps_the_first_ranks(k: int, first: float) -> None:
    assert fuse_ranks([[(1, 0.3)]], k=k) == [(1, first)]


def test_nothing_to_fuse_is_nothing() -> None:
    assert fuse_ranks([]) == []
    assert fuse_ranks([[], []]) == []
