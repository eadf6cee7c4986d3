"""Baseline: plain length-only Gale–Church (1993) sentence alignment.

The classic dynamic programme over two whole documents, with the beads 1-1,
1-0, 0-1, 2-1, 1-2 and 2-2, their prior probabilities from the paper, and the
normal-distribution length model: c = the ratio of total lengths (Arabic
characters per Chinese character over the whole pair), s² = 6.8. The only
trick is a band of fixed half-width around the diagonal, which keeps the work
O(n · band); `touched_edge` tells whether the best path ran along the band's
edge (then the band may have cut off a better path).

Lengths are characters without whitespace. Pure Python, no dependencies.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

S2 = 6.8
# Gale & Church (1993), table 5: Pr(match) of each bead shape (n_zh, n_ar).
PRIORS = {(1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.089, (1, 2): 0.089, (2, 2): 0.011}
PENALTY = {bead: -math.log(p) for bead, p in PRIORS.items()}
BIG = 1e9


@dataclass
class Result:
    beads: list[tuple[int, int, int, int]]  # (i0, i1, j0, j1): zh sentences i0..i1 with ar sentences j0..j1
    cost: float
    touched_edge: bool


def length_cost(l1: int, l2: int, c: float, s2: float = S2) -> float:
    """-log P(|δ|) for a source of l1 and a target of l2 characters (as in the paper's C code)."""
    if l1 == 0 and l2 == 0:
        return 0.0
    mean = (l1 + l2 / c) / 2
    z = (c * l1 - l2) / math.sqrt(s2 * mean)
    pd = math.erfc(abs(z) / math.sqrt(2))  # = 2 (1 - Φ(|z|))
    return -math.log(pd) if pd > 0 else BIG


def align(zh_lengths: list[int], ar_lengths: list[int], band: int = 50) -> Result:
    """Minimum-cost chain of beads covering both sequences, within `band` of the diagonal."""
    n, m = len(zh_lengths), len(ar_lengths)
    c = (sum(ar_lengths) or 1) / (sum(zh_lengths) or 1)
    zsum, asum = _prefix(zh_lengths), _prefix(ar_lengths)
    lo = [max(0, int(i * m / n) - band) if n else 0 for i in range(n + 1)]
    hi = [min(m, int(i * m / n) + band + 1) if n else m for i in range(n + 1)]
    # cost[i][j - lo[i]], back[i][j - lo[i]] = the bead ending at (i, j)
    cost = [[math.inf] * (hi[i] - lo[i] + 1) for i in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (hi[i] - lo[i] + 1) for i in range(n + 1)]
    cost[0][0 - lo[0]] = 0.0
    for i in range(n + 1):
        row, brow, li = cost[i], back[i], lo[i]
        for j in range(li, hi[i] + 1):
            best, arg = row[j - li], None
            for (di, dj), pen in PENALTY.items():
                pi, pj = i - di, j - dj
                if pi < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                prev = cost[pi][pj - lo[pi]]
                if prev == math.inf:
                    continue
                total = prev + pen + length_cost(zsum[i] - zsum[pi], asum[j] - asum[pj], c)
                if total < best:
                    best, arg = total, (di, dj)
            if arg is not None:
                row[j - li], brow[j - li] = best, arg
    if not (lo[n] <= m <= hi[n]) or cost[n][m - lo[n]] == math.inf:
        raise ValueError("no path through the band; widen it")
    beads, edge = [], False
    i, j = n, m
    while i or j:
        di, dj = back[i][j - lo[i]]
        beads.append((i - di, i, j - dj, j))
        i, j = i - di, j - dj
        edge = edge or (j == lo[i] > 0) or (j == hi[i] < m)
    beads.reverse()
    return Result(beads, cost[n][m - lo[n]], bool(edge))


def _prefix(xs: list[int]) -> list[int]:
    out = [0]
    for x in xs:
        out.append(out[-1] + x)
    return out


def text_length(text: str) -> int:
    """Characters without whitespace."""
    return sum(1 for ch in text if not ch.isspace())
