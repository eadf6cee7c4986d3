"""The dynamic programme: best monotone chain of beads between two sequences.

One function, one table of scores, as in vecalign. A band around the diagonal
(widened by the length difference) keeps the work linear in the document size.

The DP reads bead scores from `Tables`: for each bead shape (di, dj), the score
of that bead ending at each cell of the band, cells numbered row by row
(`cell_offsets`). Scorers fill the tables at once (scoring.band_tables does it
with numpy), and the DP fills a row at a time with array operations; local alignment,
asked for hundreds of tiny problems, fills cell by cell (see best_local_path).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

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
    offsets, shapes, arrays = cell_offsets(limits), list(tables), _arrays(tables)
    best: list[np.ndarray] = []  # best[i][j - los[i]]: score of the best path to (i, j)
    back: list[np.ndarray] = []  # the rank in `shapes` of its last bead, -1 for none
    for i, (lo, hi) in enumerate(limits):
        row, brow = np.full(hi - lo + 1, NEG), np.full(hi - lo + 1, -1, dtype=np.int8)
        if i == 0 and lo == 0:
            row[0] = 0.0
        best.append(row)
        back.append(brow)
        _fill_row(best, back, los, i, offsets[i], shapes, arrays)
    if back[n][m - los[n]] < 0 and (n or m):
        raise ValueError("no path through the band; widen it")
    return _trace(back, los, shapes, n, m)


def best_local_path(n: int, m: int, tables: Tables) -> tuple[float, list[tuple[int, int, int, int]]]:
    """The best-scoring monotone chain of beads between any part of one sequence
    and any part of the other (local alignment, as Smith-Waterman), with tables over
    full_limits(n, m): returns its total score and beads.

    Used to place displaced runs: recovery asks for hundreds of small problems (most
    under 20 cells), where numpy's cost per row is most of the work, so the cells are
    filled one by one by the plain rule: a chain starts at any cell (score 0), and a
    bead, in the order of `tables`, replaces what a cell holds only when strictly
    better. The chain ends at the first cell, row by row, of the highest score."""
    shapes = [(rank, di, dj, tables[di, dj]) for rank, (di, dj) in enumerate(tables) if di or dj]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    back = [[-1] * (m + 1) for _ in range(n + 1)]
    top, end, cell = 0.0, (0, 0), 0
    for i in range(n + 1):
        row, brow = best[i], back[i]
        for j in range(m + 1):
            here = 0.0
            for rank, di, dj, table in shapes:
                if i >= di and j >= dj:
                    s = best[i - di][j - dj] + table[cell]
                    if s > here:
                        here, brow[j] = s, rank
            row[j] = here
            if here > top:
                top, end = here, (i, j)
            cell += 1
    return top, _trace(back, [0] * (n + 1), list(tables), *end, local=True)


def _arrays(tables: Tables) -> dict[tuple[int, int], np.ndarray]:
    return {b: np.asarray(t, dtype=float) for b, t in tables.items()}


def _fill_row(best: list[np.ndarray], back: list[np.ndarray], los: list[int], i: int, first: int,
              shapes: list[tuple[int, int]], arrays: dict[tuple[int, int], np.ndarray]) -> None:
    """Best scores and beads of row i (cell j at best[i][j - los[i]], numbered from cell
    `first` in the tables), in place: each cell keeps the first bead, in the order of
    `shapes`, of the highest score, if above what it holds.

    Beads from earlier rows are tried shape by shape over the whole row at once; those
    within the row (di = 0) last, as a running maximum along it, since each reads the
    cell before."""
    row, brow, lo = best[i], back[i], los[i]
    width = len(row)
    for rank, (di, dj) in enumerate(shapes):
        if di == 0 or i < di:
            continue
        prow, plo = best[i - di], los[i - di]
        j0, j1 = max(lo, plo + dj), min(lo + width - 1, plo + len(prow) - 1 + dj)
        if j1 < j0:
            continue
        cand = prow[j0 - dj - plo:j1 - dj - plo + 1] + arrays[di, dj][first + j0 - lo:first + j1 - lo + 1]
        here = row[j0 - lo:j1 - lo + 1]
        better = cand > here
        here[better] = cand[better]
        brow[j0 - lo:j1 - lo + 1][better] = rank
    for rank, (di, dj) in enumerate(shapes):
        if di != 0:
            continue
        steps = arrays[0, dj][first:first + width]
        for start in range(dj, min(2 * dj, width)):  # each residue class is a chain of dj-steps
            _run_along(row[start - dj::dj], brow[start - dj::dj], steps[start - dj::dj], rank)


def _run_along(row: np.ndarray, brow: np.ndarray, steps: np.ndarray, rank: int) -> None:
    """row[x] = max(row[x], row[x - 1] + steps[x]) for x = 1.. in order, in place (views),
    as one running maximum: the best entry y < x plus the steps from y to x. The bead of
    `rank` also takes a cell it ties whose bead comes later in the order."""
    if len(row) < 2:
        return
    if not np.isfinite(steps[1:]).all():  # a blocked step: one by one
        for x in range(1, len(row)):
            s = row[x - 1] + steps[x]
            if s > row[x] or (s == row[x] and brow[x] > rank):
                row[x], brow[x] = s, rank
        return
    climb = np.concatenate(([0.0], np.cumsum(steps[1:])))
    reached = np.full(len(row), NEG)
    reached[1:] = climb[1:] + np.maximum.accumulate(row - climb)[:-1]  # from an entry before x
    better = (reached > row) | ((reached == row) & (brow > rank))  # the first of equal scores in order wins
    row[better] = reached[better]
    brow[better] = rank


def _trace(back: list, los: list[int], shapes: list[tuple[int, int]], i: int, j: int,
           local: bool = False) -> list[tuple[int, int, int, int]]:
    """The beads of the path ending at (i, j), from its back pointers (to (0, 0), or, `local`,
    to where it starts)."""
    path = []
    while i or j:
        rank = int(back[i][j - los[i]])
        if rank < 0 and local:
            break
        di, dj = shapes[rank]
        path.append((i - di, i, j - dj, j))
        i, j = i - di, j - dj
    path.reverse()
    return path
