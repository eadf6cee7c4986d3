"""The dynamic programme: best monotone chain of beads between two sequences.

One function, one table of scores, as in vecalign. A band around the diagonal
(widened by the length difference) keeps the work linear in the document size.

The DP reads bead scores from `Tables`: for each bead shape (di, dj), the score
of that bead ending at each cell of the band, cells numbered row by row
(`cell_offsets`). Scorers fill the tables at once (scoring.band_tables does it
with numpy), so the DP's inner loop does no function calls.
"""
from __future__ import annotations

from collections.abc import Callable

BEADS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3))
NEG = float("-inf")

Limits = list[tuple[int, int]]  # per row i in 0..n: the columns [lo, hi] a path may visit
Tables = dict[tuple[int, int], list[float]]  # bead shape -> its score at each cell it may end at


def band_limits(n: int, m: int, width: int) -> Limits:
    """For each row i in 0..n, the columns [lo, hi] the path may visit."""
    limits = []
    slack = width + abs(n - m)
    for i in range(n + 1):
        centre = i * m / n if n else 0
        lo = max(0, int(centre) - slack)
        hi = min(m, int(centre) + slack + 1)
        limits.append((lo, hi))
    return limits


def full_limits(n: int, m: int) -> Limits:
    """Every cell: for local alignment, which may start and end anywhere."""
    return [(0, m)] * (n + 1)


def cell_offsets(limits: Limits) -> list[int]:
    """Number of the first cell of each row (cell (i, j) is offsets[i] + j - lo_i); the last
    entry is the number of cells."""
    offsets = [0]
    for lo, hi in limits:
        offsets.append(offsets[-1] + hi - lo + 1)
    return offsets


def tabulate(score: Callable[[int, int, int, int], float], limits: Limits, beads=BEADS) -> Tables:
    """Tables from a callback `score(i0, i1, j0, j1)` rating rows i0..i1 with columns j0..j1
    as one bead; beads that would start outside the band get -inf."""
    tables = {b: [NEG] * cell_offsets(limits)[-1] for b in beads}
    cell = 0
    for i, (lo, hi) in enumerate(limits):
        for j in range(lo, hi + 1):
            for di, dj in beads:
                pi, pj = i - di, j - dj
                if pi >= 0 and pj >= 0 and limits[pi][0] <= pj <= limits[pi][1]:
                    tables[di, dj][cell] = score(pi, i, pj, j)
            cell += 1
    return tables


def best_path(n: int, m: int, tables: Tables, limits: Limits) -> list[tuple[int, int, int, int]]:
    """Beads (i0, i1, j0, j1) covering 0..n and 0..m that maximise the summed score,
    within `limits`; the bead shapes are those of `tables`, tried in its order (the
    first of equal scores wins)."""
    los = [lo for lo, _ in limits]
    offsets = cell_offsets(limits)
    shapes = [(di, dj, tables[di, dj]) for di, dj in tables]
    best: list[list[float]] = []  # best[i][j - los[i]]: score of the best path to (i, j)
    back: list[list[tuple[int, int] | None]] = []
    for i, (lo, hi) in enumerate(limits):
        row, brow = [NEG] * (hi - lo + 1), [None] * (hi - lo + 1)
        best.append(row)
        back.append(brow)
        if i == 0 and lo == 0:
            row[0] = 0.0
        first = offsets[i] - lo
        for j in range(lo, hi + 1):
            top, arg = NEG, None
            for di, dj, table in shapes:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                k = pj - los[pi]
                prow = best[pi]
                if k < 0 or k >= len(prow):
                    continue
                s = prow[k] + table[first + j]
                if s > top:
                    top, arg = s, (di, dj)
            if arg is not None:
                row[j - lo] = top
                brow[j - lo] = arg
    if back[n][m - los[n]] is None and (n or m):
        raise ValueError("no path through the band; widen it")
    path = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j - los[i]]
        path.append((i - di, i, j - dj, j))
        i, j = i - di, j - dj
    path.reverse()
    return path


def best_local_path(n: int, m: int, tables: Tables) -> tuple[float, list[tuple[int, int, int, int]]]:
    """The best-scoring monotone chain of beads between any part of one sequence
    and any part of the other (local alignment, as Smith-Waterman), with tables over
    full_limits(n, m): returns its total score and beads. Used to place displaced
    runs, so sizes are small."""
    shapes = [(di, dj, tables[di, dj]) for di, dj in tables]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    top, end = 0.0, (0, 0)
    for i in range(n + 1):
        row, brow, first = best[i], back[i], i * (m + 1)
        for j in range(m + 1):
            cell = 0.0
            for di, dj, table in shapes:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                s = best[pi][pj] + table[first + j]
                if s > cell:
                    cell, brow[j] = s, (di, dj)
            row[j] = cell
            if cell > top:
                top, end = cell, (i, j)
    path = []
    i, j = end
    while back[i][j] is not None:
        di, dj = back[i][j]
        path.append((i - di, i, j - dj, j))
        i, j = i - di, j - dj
    path.reverse()
    return top, path
