"""The dynamic programme: best monotone chain of beads between two sequences.

One function, one table of scores, as in vecalign. A band around the diagonal
(widened by the length difference) keeps the work linear in the document size.

The DP reads bead scores from `Tables`: for each bead shape (di, dj), the score
of that bead ending at each cell of the band, cells numbered row by row
(`cell_offsets`). Scorers fill the tables at once (scoring.band_tables does it
with numpy); the DP then fills the cells one by one, global and local alike (_fill).
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
    best, back = _fill(tables, limits, local=False)
    if back[n][m - limits[n][0]] < 0 and (n or m):
        raise ValueError("no path through the band; widen it")
    return _trace(back, [lo for lo, _ in limits], list(tables), n, m)


def best_local_path(n: int, m: int, tables: Tables) -> tuple[float, list[tuple[int, int, int, int]]]:
    """The best-scoring monotone chain of beads between any part of one sequence
    and any part of the other (local alignment, as Smith-Waterman), with tables over
    full_limits(n, m): returns its total score and beads. Used to place displaced runs.
    The chain ends at the first cell, row by row, of the highest score."""
    best, back = _fill(tables, full_limits(n, m), local=True)
    top, end = 0.0, (0, 0)
    for i, row in enumerate(best):
        for j, value in enumerate(row):
            if value > top:
                top, end = value, (i, j)
    return top, _trace(back, [0] * (n + 1), list(tables), *end, local=True)


def _fill(tables: Tables, limits: Limits, local: bool) -> tuple[list[list[float]], list[list[int]]]:
    """The best score of a chain ending at each cell of the band (best[i][j - lo_i]) and the
    rank, in the order of `tables`, of its last bead (back, -1 for none), cell by cell in
    reading order: a bead replaces what a cell holds only when strictly better. A global
    chain starts at (0, 0); a `local` one anywhere (every cell holds 0 to start with).

    Plain Python: the band of a turn is about 20 cells a row, and recovery's problems mostly
    under 20 cells in all, where numpy's cost per row was most of the work. The price is on
    wide bands (two sides whose sentence counts differ by hundreds, aligned as one part): about
    1 µs a cell, where a numpy row fill broke even at about 110 cells a row and took 0.8 s
    instead of 2.2 s for 2,000 by 1,000 sentences; the score tables of such a band cost more
    still. It also sums a run of skips step by step, so near-ties go by the plain rule."""
    shapes = [(rank, di, dj, tables[di, dj]) for rank, (di, dj) in enumerate(tables) if di or dj]
    start = 0.0 if local else NEG
    best: list[list[float]] = []
    back: list[list[int]] = []
    cell = 0
    for i, (lo, hi) in enumerate(limits):
        row, brow = [start] * (hi - lo + 1), [-1] * (hi - lo + 1)
        if i == 0 and lo == 0:
            row[0] = 0.0
        reads = [(rank, table, best[i - di] if di else row, limits[i - di][0] + dj, limits[i - di][1] + dj)
                 for rank, di, dj, table in shapes if i >= di]  # (..., the row it extends, its cells' columns j)
        for j in range(lo, hi + 1):
            here = row[j - lo]
            for rank, table, prev, first, last in reads:
                if first <= j <= last:
                    score = prev[j - first] + table[cell]
                    if score > here:
                        here, brow[j - lo] = score, rank
            row[j - lo] = here
            cell += 1
        best.append(row)
        back.append(brow)
    return best, back


def _trace(back: list[list[int]], los: list[int], shapes: list[tuple[int, int]], i: int, j: int,
           local: bool = False) -> list[tuple[int, int, int, int]]:
    """The beads of the path ending at (i, j), from its back pointers (to (0, 0), or, `local`,
    to where it starts)."""
    path = []
    while i or j:
        rank = back[i][j - los[i]]
        if rank < 0 and local:
            break
        di, dj = shapes[rank]
        path.append((i - di, i, j - dj, j))
        i, j = i - di, j - dj
    path.reverse()
    return path
