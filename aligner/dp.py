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
    offsets, order = cell_offsets(limits), _order(tables)
    best: list[list[float]] = []  # best[i][j - los[i]]: score of the best path to (i, j)
    back: list[list[tuple[int, int] | None]] = []
    for i, (lo, hi) in enumerate(limits):
        row, brow = [NEG] * (hi - lo + 1), [None] * (hi - lo + 1)
        best.append(row)
        back.append(brow)
        if i == 0 and lo == 0:
            row[0] = 0.0
        _fill_row(best, back, los, i, hi, offsets[i], tables, order)
    if back[n][m - los[n]] is None and (n or m):
        raise ValueError("no path through the band; widen it")
    return _trace(back, los, n, m)


def best_local_path(n: int, m: int, tables: Tables) -> tuple[float, list[tuple[int, int, int, int]]]:
    """The best-scoring monotone chain of beads between any part of one sequence
    and any part of the other (local alignment, as Smith-Waterman), with tables over
    full_limits(n, m): returns its total score and beads. Used to place displaced
    runs, so sizes are small."""
    best = [[0.0] * (m + 1) for _ in range(n + 1)]  # a chain may start anywhere
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    top, end, los, order = 0.0, (0, 0), [0] * (n + 1), _order(tables)
    for i in range(n + 1):
        _fill_row(best, back, los, i, m, i * (m + 1), tables, order)
        for j, cell in enumerate(best[i]):
            if cell > top:
                top, end = cell, (i, j)
    return top, _trace(back, los, *end, local=True)


def _order(tables: Tables) -> dict[tuple[int, int], int]:
    """Each bead shape's rank in `tables`: the first of equal scores wins."""
    return {b: k for k, b in enumerate(tables)}


def _fill_row(best: list[list[float]], back: list[list], los: list[int], i: int, hi: int, first: int,
              tables: Tables, order: dict[tuple[int, int], int]) -> None:
    """Best scores and beads of row i (columns los[i]..hi, numbered from cell `first`), in
    place: each cell keeps the first bead, in the order of `tables`, of the highest score,
    if above what it holds.

    Beads from earlier rows are tried bead by bead over the whole row; those within the
    row (di = 0) last, left to right, since each reads the cell before."""
    row, brow, lo = best[i], back[i], los[i]
    for (di, dj), table in tables.items():
        if di == 0 or i < di:
            continue
        prow, plo, bead = best[i - di], los[i - di], (di, dj)
        for j in range(max(lo, plo + dj), min(hi, plo + len(prow) - 1 + dj) + 1):
            s = prow[j - dj - plo] + table[first + j - lo]
            if s > row[j - lo]:
                row[j - lo] = s
                brow[j - lo] = bead
    for (di, dj), table in tables.items():
        if di != 0:
            continue
        bead, rank = (0, dj), order[0, dj]
        for x in range(dj, len(row)):
            s = row[x - dj] + table[first + x]
            if s > row[x] or (s == row[x] and brow[x] is not None and order[brow[x]] > rank):
                row[x] = s
                brow[x] = bead


def _trace(back: list, los: list[int], i: int, j: int, local: bool = False) -> list[tuple[int, int, int, int]]:
    """The beads of the path ending at (i, j), from its back pointers (to (0, 0), or, `local`,
    to where it starts)."""
    path = []
    while (i or j) and not (local and back[i][j - los[i]] is None):
        di, dj = back[i][j - los[i]]
        path.append((i - di, i, j - dj, j))
        i, j = i - di, j - dj
    path.reverse()
    return path
