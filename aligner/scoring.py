"""Bead scores for every cell a DP will visit, computed at once with numpy.

The DP asks for the score of each bead shape at each cell of its band: some
hundred thousand beads for one meeting record. Scoring them one by one in
Python was most of the aligner's run time. Here the sides of all beads are
read off cumulative sums (length, anchor mass, list entries, open ends, the
sentences a run of pieces makes), and the shared anchor weight of every pair
of spans in a block of rows is a matrix product: with anchor counts
c_z and c_a and weight w, min(c_z, c_a) * w is the sum over t >= 1 of
[c_z >= t] [c_a >= t] w, a bilinear form. The parts are added up by
costs.bead_total, as costs.bead_score adds up those of a single bead (tests
check that the two agree). Many small problems (recovery's candidate pairs)
are scored in one call, so that numpy's set-up is paid once for all of them.

This is the one module that uses numpy; aligner.align imports it on first use.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np

from . import costs
from .dp import BEADS, Limits, Tables
from .model import Segment, paragraph_break, same_sentence

SPAN = max(max(b) for b in BEADS)  # units a side of a bead may take
BLOCK = 64  # DP rows scored together: bounds the size of the matrices
BLOCK_COLUMNS = 256  # and their columns, when small problems share a block (all their columns are crossed)
TWO_SIDED = tuple(b for b in BEADS if all(b))  # the bead shapes with both sides
_SHAPE_Z, _SHAPE_A = np.array([z for z, _ in TWO_SIDED]), np.array([a for _, a in TWO_SIDED])


class SegmentTable:
    """One language's segments as arrays, for gathering the units of any scorer side; and the
    anchor weights, indexed by the ids the arrays use."""

    def __init__(self, ctx, lang: str):
        doc = ctx.zh if lang == "zh" else ctx.ar
        sides = [ctx.single(lang, s) for s in doc.segments]
        ids = ctx.weights.ids
        self.weights = np.array([ctx.weights[a] for a in ids])
        self.arrays = []  # per segment: ids of its anchors of positive weight (sorted), their counts, names
        for one, f in zip(sides, doc.feats):
            anchors = sorted((ids[a], c) for a, c in f.anchors.items() if a in one.vector)
            self.arrays.append((np.array([a for a, _ in anchors], dtype=np.int64),
                                np.array([c for _, c in anchors], dtype=float),
                                np.array(sorted(one.names), dtype=np.int64)))
        self.length = np.array([one.length for one in sides], dtype=float)
        self.mass = np.array([one.mass for one in sides], dtype=float)
        self.entries = np.array([one.entries for one in sides], dtype=float)
        self.named = np.array([bool(one.names) for one in sides], dtype=float)
        self.open_end = np.array([s.open_end for s in doc.segments], dtype=float)
        self.vectors = doc.vectors
        self.hub = ctx.hubness[lang].astype(float) if ctx.evidence.margin else np.zeros(len(doc.segments))


class ScoringSide:
    """One language's run of pieces, as cumulative sums, for span arithmetic: the DP's units
    are pieces, and a span's shape counts the sentences they make (model.same_sentence)."""

    def __init__(self, table: SegmentTable, segs: Sequence[Segment]):
        idx = np.array([s.index for s in segs], dtype=np.int64)
        parts = [table.arrays[i] for i in idx.tolist()]
        self.anchors: list[np.ndarray] = [p[0] for p in parts]  # per piece: ids of its anchors (positive weight), sorted
        self.counts: list[np.ndarray] = [p[1] for p in parts]  # per piece: their counts
        self.names: list[np.ndarray] = [p[2] for p in parts]  # per piece: lexicon ids of the states and bodies named, sorted
        new_chain = [1.0] + [0.0 if same_sentence(p, s) else 1.0 for p, s in zip(segs, segs[1:])] if len(segs) else []
        self._breaks = _cumulative(np.array([float(paragraph_break(p, s)) for p, s in zip(segs, segs[1:])]))
        open_end = table.open_end[idx]
        self.weights = table.weights
        self._length = _cumulative(table.length[idx])
        self._mass = _cumulative(table.mass[idx])
        self._entries = _cumulative(table.entries[idx])
        self._open = _cumulative(open_end)
        self._open_each = open_end if len(idx) else np.zeros(1)
        self._named = _cumulative(table.named[idx])
        self._chains = _cumulative(np.array(new_chain))
        self._hub = _cumulative(table.hub[idx])
        self._idx, self._vectors = idx, table.vectors  # sentence vectors are read per block (unit_vectors)

    def unit_vectors(self, lo: int, hi: int) -> np.ndarray:
        """The sentence vectors of pieces lo..hi-1 (float64): read for one block at a time, so
        that a side remembered by the context holds no document-sized array."""
        return self._vectors[self._idx[lo:hi]].astype(float)

    def spans(self, first: np.ndarray, k: np.ndarray) -> dict[str, np.ndarray]:
        """Length, mass, entries, open ends inside, sentence count, whether it names anything,
        hubness and paragraph breaks inside, of the spans of k pieces starting at pieces
        `first` (arrays alike)."""
        s0, s1 = first, first + k
        return {
            "length": self._length[s1] - self._length[s0],
            "mass": self._mass[s1] - self._mass[s0],
            "entries": self._entries[s1] - self._entries[s0],
            "open": self._open[s1] - self._open[s0] - self._open_each[s1 - 1],
            "shape": (1 + self._chains[s1] - self._chains[s0 + 1]).astype(int),
            "named": self._named[s1] - self._named[s0] > 0,
            "hub": (self._hub[s1] - self._hub[s0]) / k,
            "breaks": self._breaks[s1 - 1] - self._breaks[s0],
        }


def _cumulative(values: np.ndarray) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum(values, dtype=float)))


def _cumulative_counts(keys: list[np.ndarray], counts: list[np.ndarray] | None, columns: np.ndarray,
                       lo: int, hi: int) -> np.ndarray:
    """Running sums, over units lo..hi-1, of their counts (1 if `counts` is None) of each
    id in `columns` (sorted); row 0 is zeros, so the spans of k units starting at
    lo + r are rows r + k minus rows r."""
    dense = np.zeros((hi - lo + 1, len(columns)))
    if len(columns) and hi > lo:
        flat = np.concatenate(keys[lo:hi])
        rows = np.repeat(np.arange(1, hi - lo + 1), [len(k) for k in keys[lo:hi]])
        col = np.minimum(np.searchsorted(columns, flat), len(columns) - 1)
        hit = columns[col] == flat
        dense[rows[hit], col[hit]] = np.concatenate(counts[lo:hi])[hit] if counts is not None else 1.0
    return np.cumsum(dense, axis=0)


def _min_sum(zc: np.ndarray, ac: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """sum over columns of weight * min(z count, a count), for every pair of rows."""
    total = ((zc > 0) * weights) @ (ac > 0).T
    multi = (zc.max(axis=0, initial=0) >= 2) & (ac.max(axis=0, initial=0) >= 2)  # counts above 1 are rare
    if multi.any():
        zc, ac, weights = zc[:, multi], ac[:, multi], weights[multi]
        for t in range(2, int(min(zc.max(), ac.max())) + 1):
            total += ((zc >= t) * weights) @ (ac >= t).T
    return total


def _common(zh_ids: list[np.ndarray], ar_ids: list[np.ndarray]) -> np.ndarray:
    """Sorted ids found on both sides."""
    empty = np.zeros(0, dtype=np.int64)
    return np.intersect1d(np.concatenate(zh_ids or [empty]), np.concatenate(ar_ids or [empty]))


def _span_pair_matrices(z: ScoringSide, a: ScoringSide, zrange: tuple[int, int], arange: tuple[int, int]):
    """For the spans of 1..SPAN Chinese units starting in zrange and of 1..SPAN Arabic units
    starting in arange: the shared anchor weight, the number of states and bodies both
    name, and the cosine of the spans' summed sentence vectors, of every pair. Row
    (k - 1) * rows + r stands for the span of k units starting at zrange[0] + r, column
    likewise; spans running past the range are zeros."""
    (zlo, zhi), (alo, ahi) = zrange, arange
    cosine = _span_cosines(z.unit_vectors(zlo, zhi), a.unit_vectors(alo, ahi))
    keys = _common(z.anchors[zlo:zhi], a.anchors[alo:ahi])
    names = _common(z.names[zlo:zhi], a.names[alo:ahi])
    shared = np.zeros((SPAN * (zhi - zlo), SPAN * (ahi - alo)))
    common = np.zeros_like(shared)
    if len(keys):
        zc = _all_spans(_cumulative_counts(z.anchors, z.counts, keys, zlo, zhi))
        ac = _all_spans(_cumulative_counts(a.anchors, a.counts, keys, alo, ahi))
        shared = _min_sum(zc, ac, z.weights[keys])
    if len(names):
        zn = _all_spans(_cumulative_counts(z.names, None, names, zlo, zhi))
        an = _all_spans(_cumulative_counts(a.names, None, names, alo, ahi))
        common = (zn > 0) * 1.0 @ (an > 0).T
    return shared, common, cosine


def _span_cosines(zu: np.ndarray, au: np.ndarray) -> np.ndarray:
    """The cosine of the summed sentence vectors of every pair of spans, laid out as
    _span_pair_matrices says (zeros for a span running past the end or summing to
    nothing), from the units' vectors. A span's vector is never formed: its dot products
    are sums of the units' (a matrix product unit by unit, then window sums), and its
    squared length sums those of its units with theirs to one another."""
    rows, cols = len(zu), len(au)
    out = np.zeros((SPAN * rows, SPAN * cols))
    zlen, alen = _span_lengths(zu), _span_lengths(au)
    units = by_rows = zu @ au.T  # spans of k Chinese units: window sums of k rows
    for k in range(1, min(SPAN, rows) + 1):
        if k > 1:
            by_rows = by_rows[:-1] + units[k - 1:]
        dots = by_rows
        for m in range(1, min(SPAN, cols) + 1):
            if m > 1:
                dots = dots[:, :-1] + by_rows[:, m - 1:]
            scale = np.outer(zlen[k - 1], alen[m - 1])
            out[(k - 1) * rows:(k - 1) * rows + rows + 1 - k, (m - 1) * cols:(m - 1) * cols + cols + 1 - m] = (
                np.divide(dots, scale, out=np.zeros_like(dots), where=scale > 0))
    return out


def _span_lengths(units: np.ndarray) -> list[np.ndarray]:
    """Per span size k in 1..SPAN, the length of the summed vector of each span of k units."""
    lag = [np.einsum("ij,ij->i", units[:len(units) - d], units[d:]) for d in range(min(SPAN, len(units)))]
    if not lag:
        return []
    squares, out = lag[0], []
    for k in range(1, len(lag) + 1):
        if k > 1:
            squares = squares[:-1] + lag[0][k - 1:] + 2 * sum(lag[d][k - 1 - d:len(units) - d] for d in range(1, k))
        out.append(np.sqrt(np.maximum(squares, 0.0)))
    return out


def _all_spans(cum: np.ndarray) -> np.ndarray:
    """Counts of the spans of 1..SPAN units at each start, stacked (zeros past the end)."""
    rows = len(cum) - 1
    out = np.zeros((SPAN * rows, cum.shape[1]))
    for k in range(1, min(SPAN, rows) + 1):
        out[(k - 1) * rows:(k - 1) * rows + rows + 1 - k] = cum[k:] - cum[:-k]
    return out


def _score_cells(ctx, z: ScoringSide, a: ScoringSide, rows: np.ndarray, cols: np.ndarray,
                 first_row: np.ndarray, first_col: np.ndarray) -> np.ndarray:
    """Scores of the beads of each shape in TWO_SIDED ending at the cells (rows, cols):
    one row per shape, -inf where the bead would start before the first unit of the
    cell's problem (at first_row, first_col)."""
    size = len(rows)
    shape = np.repeat(np.arange(len(TWO_SIDED)), size)
    i, j = np.tile(rows, len(TWO_SIDED)), np.tile(cols, len(TWO_SIDED))
    dz, da = _SHAPE_Z[shape], _SHAPE_A[shape]
    ok = (i - np.tile(first_row, len(TWO_SIDED)) >= dz) & (j - np.tile(first_col, len(TWO_SIDED)) >= da)
    out = np.full(len(ok), -np.inf)
    if ok.any():
        zlo, zhi = max(0, int(rows.min()) - SPAN), int(rows.max())  # the units the beads' spans may cover
        alo, ahi = max(0, int(cols.min()) - SPAN), int(cols.max())
        zi, aj, dz, da = i[ok] - dz[ok], j[ok] - da[ok], dz[ok], da[ok]
        shared, common, cosine = _span_pair_matrices(z, a, (zlo, zhi), (alo, ahi))
        zrow, acol = (dz - 1) * (zhi - zlo) + zi - zlo, (da - 1) * (ahi - alo) + aj - alo
        zs, as_ = z.spans(zi, dz), a.spans(aj, da)
        conflict = name_conflicts(zs["named"] & as_["named"], common[zrow, acol] > 0,
                                        (zs["entries"] == 1) & (as_["entries"] == 1))
        merged = np.maximum(0, zs["entries"] - 1) + np.maximum(0, as_["entries"] - 1)
        length = length_logprobs(zs["length"], as_["length"], ctx.model)
        meaning = cosine[zrow, acol] - (zs["hub"] + as_["hub"]) / 2
        out[ok] = costs.bead_total(ctx.evidence, zs["shape"], as_["shape"], zs["open"] + as_["open"], merged, length,
                                   shared[zrow, acol], zs["mass"] + as_["mass"], conflict, meaning,
                                   zs["breaks"], as_["breaks"])
    return out.reshape(len(TWO_SIDED), size)


def name_conflicts(both_named: np.ndarray, share_a_name: np.ndarray, single_entries: np.ndarray) -> np.ndarray:
    """costs.name_conflict for arrays of beads."""
    return np.where(both_named & ~share_a_name, np.where(single_entries, costs.ENTRY_CONFLICT, costs.NAME_CONFLICT), 0.0)


def length_logprobs(zh_len: np.ndarray, ar_len: np.ndarray, model: costs.LengthModel) -> np.ndarray:
    """costs.length_logprob for arrays of lengths (interpolated in a fine table of the normal
    tail: within 1e-8 of the exact value)."""
    mean = (zh_len + ar_len / model.ratio) / 2
    delta = np.abs(ar_len - model.ratio * zh_len) / np.sqrt(np.maximum(mean, 1e-12) * model.variance)
    table = _tail_table(costs.LENGTH_FLOOR)
    at = np.minimum(delta / _TABLE_STEP, len(table) - 1)
    k = np.minimum(at.astype(np.int64), len(table) - 2)
    value = table[k] + (at - k) * (table[k + 1] - table[k])
    return np.where(mean > 0, value, 0.0)


_TABLE_STEP = 1e-4


@functools.lru_cache(maxsize=4)
def _tail_table(floor: float) -> np.ndarray:
    """log of the two-sided normal tail at 0, step, 2 step, ... up to the first value at
    the floor (so that the table's last value is the floor)."""
    def log_tail(k: int) -> float:
        tail = math.erfc(k * _TABLE_STEP / math.sqrt(2))
        return max(floor, math.log(tail)) if tail > 0 else floor

    lo, hi = 0, 1  # the last entry is the first k >= 1 at the floor: bisect for it
    while log_tail(hi) > floor:
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if log_tail(mid) > floor else (lo, mid)
    return np.array([log_tail(k) for k in range(hi + 1)])


Problem = tuple[Sequence[Segment], Sequence[Segment], Limits]  # Chinese pieces, Arabic pieces, band


def band_tables(ctx, problems: Sequence[Problem]) -> list[Tables]:
    """The DP's tables (dp.Tables) of each problem: beads over two runs of pieces ending at
    the cells of its limits; a bead's shape counts the sentences its pieces make.

    The problems are scored together, as one pair of concatenated unit lists cut into
    blocks of about BLOCK rows: numpy's set-up is paid per block, not per problem (a
    recovery pass asks for hundreds of small ones)."""
    if not problems:
        return []
    single = len(problems) == 1  # a batch of many is seen once: its sides are not remembered
    z = ctx.scoring_side("zh", [s for zs, _, _ in problems for s in zs], remember=single)
    a = ctx.scoring_side("ar", [s for _, as_, _ in problems for s in as_], remember=single)
    zfirst = np.cumsum([0] + [len(zs) for zs, _, _ in problems])  # where each problem's pieces start
    afirst = np.cumsum([0] + [len(as_) for _, as_, _ in problems])
    rows, cols, first_row, first_col, ends, blocks = [], [], [], [], [0], [0]
    block_rows = block_cols = 0
    for p, (_, _, limits) in enumerate(problems):
        lo = np.array([lo for lo, _ in limits])
        widths = np.array([hi - lo + 1 for lo, hi in limits])
        offsets = np.concatenate(([0], np.cumsum(widths)))
        rows.append(zfirst[p] + np.repeat(np.arange(len(limits)), widths))
        cols.append(afirst[p] + np.repeat(lo - offsets[:-1], widths) + np.arange(offsets[-1]))
        first_row.append(np.full(offsets[-1], zfirst[p]))
        first_col.append(np.full(offsets[-1], afirst[p]))
        for r0 in range(0, len(limits), BLOCK):  # long problems are cut; short ones share a block
            r1 = min(len(limits), r0 + BLOCK)
            width = limits[r1 - 1][1] - limits[r0][0] + 1  # the columns of these rows
            if block_rows and (block_rows + r1 - r0 > BLOCK or block_cols + width > BLOCK_COLUMNS):
                blocks.append(ends[-1] + int(offsets[r0]))
                block_rows = block_cols = 0
            block_rows += r1 - r0
            block_cols += width
        ends.append(ends[-1] + int(offsets[-1]))
    blocks.append(ends[-1])
    rows, cols, first_row, first_col = (np.concatenate(v) for v in (rows, cols, first_row, first_col))
    scores = np.full((len(TWO_SIDED), len(rows)), -np.inf)
    for c0, c1 in zip(blocks, blocks[1:]):
        if c1 > c0:
            scores[:, c0:c1] = _score_cells(ctx, z, a, rows[c0:c1], cols[c0:c1], first_row[c0:c1], first_col[c0:c1])
    out = []
    for c0, c1 in zip(ends, ends[1:]):
        two_sided = dict(zip(TWO_SIDED, scores[:, c0:c1].tolist()))
        out.append({b: two_sided[b] if b in two_sided else [ctx.evidence.skipped(sum(b))] * (c1 - c0) for b in BEADS})
    return out
