"""The dynamic programme: best monotone chain of beads between two sequences.

One function, one score callback, as in vecalign. A band around the diagonal
(widened by the length difference) keeps the work linear in the document size.
"""
from __future__ import annotations

from collections.abc import Callable

BEADS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3))
NEG = float("-inf")


def band_limits(n: int, m: int, width: int) -> list[tuple[int, int]]:
    """For each row i in 0..n, the columns [lo, hi] the path may visit."""
    limits = []
    slack = width + abs(n - m)
    for i in range(n + 1):
        centre = i * m / n if n else 0
        lo = max(0, int(centre) - slack)
        hi = min(m, int(centre) + slack + 1)
        limits.append((lo, hi))
    return limits


def best_path(
    n: int,
    m: int,
    score: Callable[[int, int, int, int], float],
    beads=BEADS,
    width: int = 60,
    limits: list[tuple[int, int]] | None = None,
) -> list[tuple[int, int, int, int]]:
    """Beads (i0, i1, j0, j1) covering 0..n and 0..m that maximise the summed score.

    `score(i0, i1, j0, j1)` rates taking rows i0..i1 with columns j0..j1 as one bead.
    The path stays within `limits` (per row, the columns it may visit), by default
    band_limits(n, m, width).
    """
    limits = limits or band_limits(n, m, width)
    los = [lo for lo, _ in limits]
    best: list[list[float]] = []  # best[i][j - los[i]]: score of the best path to (i, j)
    back: list[list[tuple[int, int] | None]] = []
    for i, (lo, hi) in enumerate(limits):
        row, brow = [NEG] * (hi - lo + 1), [None] * (hi - lo + 1)
        best.append(row)
        back.append(brow)
        if i == 0 and lo == 0:
            row[0] = 0.0
        for j in range(lo, hi + 1):
            top, arg = NEG, None
            for di, dj in beads:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                k = pj - los[pi]
                prow = best[pi]
                if k < 0 or k >= len(prow) or prow[k] == NEG:
                    continue
                s = prow[k] + score(pi, i, pj, j)
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


def best_local_path(
    n: int,
    m: int,
    score: Callable[[int, int, int, int], float],
    beads=BEADS,
) -> tuple[float, list[tuple[int, int, int, int]]]:
    """The best-scoring monotone chain of beads between any part of one sequence
    and any part of the other (local alignment, as Smith-Waterman): returns its
    total score and beads. Used to place displaced runs, so sizes are small."""
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    top, end = 0.0, (0, 0)
    for i in range(n + 1):
        row, brow = best[i], back[i]
        for j in range(m + 1):
            cell = 0.0
            for di, dj in beads:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                s = best[pi][pj] + score(pi, i, pj, j)
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
