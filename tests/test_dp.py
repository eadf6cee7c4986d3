"""The DP core (aligner.dp) against exhaustive search on small random problems."""
from __future__ import annotations

import functools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.dp import BEADS, NEG, band_limits, best_local_path, best_path, full_limits, tabulate


def _random_score(seed: int):
    """A deterministic bead score, random in each bead (so ties are rare), from a seed."""
    def score(i0: int, i1: int, j0: int, j1: int) -> float:
        return random.Random(f"{seed} {i0} {i1} {j0} {j1}").uniform(-3.0, 2.0)
    return score


def _global_best(n: int, m: int, score) -> float:
    """Best total over every chain of beads from (0, 0) to (n, m), by recursion."""
    @functools.lru_cache(maxsize=None)
    def best(i: int, j: int) -> float:
        if i == 0 and j == 0:
            return 0.0
        options = [best(i - di, j - dj) + score(i - di, i, j - dj, j) for di, dj in BEADS if i >= di and j >= dj]
        return max(options, default=NEG)
    return best(n, m)


def _total(path, score) -> float:
    return sum(score(*bead) for bead in path)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 7), st.integers(0, 7), st.integers(0, 1000))
def test_best_path_finds_the_best_chain(n, m, seed):
    """With a band wide enough to hold every path, the DP's path covers both sequences
    with beads of the allowed shapes and scores as well as exhaustive search."""
    score = _random_score(seed)
    limits = band_limits(n, m, 10)
    path = best_path(n, m, tabulate(score, limits), limits)
    assert all((i1 - i0, j1 - j0) in BEADS for i0, i1, j0, j1 in path)
    assert [(p[0], p[2]) for p in path[1:]] == [(p[1], p[3]) for p in path[:-1]]
    assert (path[0][0], path[0][2], path[-1][1], path[-1][3]) == (0, 0, n, m) if path else n == m == 0
    assert _total(path, score) == pytest.approx(_global_best(n, m, score))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 1000))
def test_best_local_path_finds_the_best_stretch(n, m, seed):
    """Local alignment: the best chain between any two cells, found by trying every start and end."""
    score = _random_score(seed)
    total, path = best_local_path(n, m, tabulate(score, full_limits(n, m)))
    expected = 0.0
    for i0 in range(n + 1):
        for j0 in range(m + 1):
            for i1 in range(i0, n + 1):
                for j1 in range(j0, m + 1):
                    def shifted(a, b, c, d, i0=i0, j0=j0):
                        return score(a + i0, b + i0, c + j0, d + j0)
                    expected = max(expected, _global_best(i1 - i0, j1 - j0, shifted))
    assert total == pytest.approx(expected)
    assert _total(path, score) == pytest.approx(total)


def test_narrow_band_keeps_the_path_inside():
    """The path never leaves the band, even when a better path lies outside it."""
    def score(i0, i1, j0, j1):  # skipping everything on one side first would pay most
        return 5.0 if (i1 - i0, j1 - j0) == (0, 1) and i0 == 0 else -1.0
    limits = band_limits(20, 20, 2)
    path = best_path(20, 20, tabulate(score, limits), limits)
    assert all(limits[i1][0] <= j1 <= limits[i1][1] for _, i1, _, j1 in path)


def _reference_path(n: int, m: int, score, limits) -> list[tuple[int, int, int, int]]:
    """The plain cell-by-cell DP the documented rule describes: at each cell, beads in
    BEADS order, a later bead only replacing an earlier one when strictly better."""
    best, back = {(0, 0): 0.0}, {}  # only cells in the band that a path reaches
    for i, (lo, hi) in enumerate(limits):
        for j in range(lo, hi + 1):
            top, arg = NEG, None
            for di, dj in BEADS:
                if (i - di, j - dj) in best and (di or dj):
                    s = best[i - di, j - dj] + score(i - di, i, j - dj, j)
                    if s > top:
                        top, arg = s, (di, dj)
            if arg is not None and (i, j) != (0, 0):
                best[i, j], back[i, j] = top, arg
    path, (i, j) = [], (n, m)
    while i or j:
        di, dj = back[i, j]
        path.append((i - di, i, j - dj, j))
        i, j = i - di, j - dj
    return path[::-1]


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(0, 1000), st.integers(1, 4))
def test_ties_go_to_the_first_bead_in_order(n, m, seed, width):
    """With whole-number scores, many paths tie: the DP picks the same one as the plain
    cell-by-cell rule (its row-by-row, bead-by-bead order changes nothing)."""
    def score(i0, i1, j0, j1):
        return float(random.Random(f"{seed} {i0} {i1} {j0} {j1}").randint(-2, 1))
    limits = band_limits(n, m, width)
    assert best_path(n, m, tabulate(score, limits), limits) == _reference_path(n, m, score, limits)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(0, 10_000), st.integers(1, 4))
def test_runs_of_skips_tie_as_the_plain_rule_says(n, m, seed, width):
    """Scores in tenths (a few values, so paths tie often) and a skip that costs the same
    everywhere, as the bead model's does: sums of tenths round, so a run of skips summed
    at once (as a numpy row fill did, with a running maximum) could tie otherwise than
    summed step by step; the DP's path is the plain cell-by-cell rule's."""
    def score(i0, i1, j0, j1):
        if i0 == i1 or j0 == j1:
            return -0.1 * ((i1 - i0) + (j1 - j0)) - 0.2
        return random.Random(f"{seed} {i0} {i1} {j0} {j1}").choice((0.1, 0.2, 0.3, -0.7, 1.1))
    limits = band_limits(n, m, width)
    assert best_path(n, m, tabulate(score, limits), limits) == _reference_path(n, m, score, limits)
