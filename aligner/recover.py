"""Recover text that PDF extraction put out of order (non-monotonic alignment).

After the monotone pass, weak beads are dissolved and every segment left
unaligned becomes an orphan. Orphans form runs (maximal stretches of adjacent
orphans, in each language's source order). Runs of one language are matched
with runs of the other anywhere in the document by local alignment, best
match first; the candidates of a run are those in the same place and those
holding the sentences closest to its own in meaning (sentence vectors with a
margin), sought within a window, so the work stays near-linear. A run may match
only in part: what is left forms new runs. A Chinese sentence still alone then
takes an Arabic sentence that a displaced page tore in two (head and tail apart).
Then fragments cut at a page break are glued to the bead whose side ends
mid-sentence, when that makes the bead a better translation. Last, Arabic
sentences that read the same (twins, which every bead scores alike) follow
their paragraph-mates. Lists come out as sets for free: each entry is a run of one that meets
its partner by name.
"""
from __future__ import annotations

import heapq
import itertools
import math
from bisect import bisect_left
from collections import defaultdict

from . import ar, costs
from .background import map_in_two
from .dp import best_local_path, full_limits
from .model import Bead, Segment, same_paragraph

DISSOLVE = 0.9  # beads below this confidence are taken apart and re-placed
PLACE_MIN = 2.0  # a local alignment must score at least this to be placed
IN_PLACE = 4.0  # bonus for runs that sit between the same aligned beads
CANDIDATES = 4  # runs of the other language tried per run (besides those in the same place)
MEANING_WINDOW = 1_000  # segments either side of a run's proportional place searched for its meaning
MEANING_DISTANCE = 0.05  # similarity given up per unit of distance penalty when shortlisting by meaning
NEAR = 4  # a weak bead this close to an unaligned segment is re-placed
MAX_RUN = 80  # longer runs are cut into chunks so a local DP stays small
CONSIDER_BATCH = 256  # candidate pairs scored together (memory holds their tables)
REJOIN_GAIN = 2.5  # a fragment re-joins a sentence only if its bead gains this much
JOINT_PRIOR = 1.5  # preference for re-joining a fragment to the line it followed in the source
DISTANCE_WEIGHT = 1.0  # penalty per log-step of source distance between re-joined or re-placed text
DISTANCE_SCALE = 15.0  # paragraphs within which displacement costs little
ROUNDS = 6  # rounds of fragment moves
TWINS = 6  # Arabic sentences reading the same, at most, placed by their paragraphs (permutations tried)
TORN_PRIOR = 3.0  # log-odds against a sentence torn apart by a displaced page: a torn bead must gain this
TORN_MIN = 0.8  # confidence the torn sentence's bead must reach: its pieces read as one translation
TORN_WINDOW = 30  # paragraphs around an orphan's expected place searched for the two pieces of its torn translation
JOIN_WINDOW = 150  # paragraphs around a fragment searched for its continuation
_ROUNDING = 1e-9  # margin for float rounding when a bound rules a candidate out


class _Runs:
    """The live orphan runs of one language, where they sit, and the run each orphan segment is in."""

    def __init__(self, ctx, lang: str, orphans: list[Segment]):
        self.ctx, self.lang = ctx, lang
        self.doc = ctx.zh if lang == "zh" else ctx.ar
        self.runs: dict[int, list[Segment]] = {}
        self.slots: dict[int, tuple[int, int]] = {}
        self.by_neighbour: dict[tuple[int, int], set[int]] = defaultdict(set)  # (before|after, bead) -> runs
        self.orphans = sorted(s.index for s in orphans)  # every segment that may be in a run, in source order
        self.run_of: dict[int, int] = {}  # segment index -> its live run

    def add(self, rid: int, segs: list[Segment], slot: tuple[int, int]) -> None:
        self.runs[rid], self.slots[rid] = segs, slot
        for key in enumerate(slot):
            if key[1] >= 0:
                self.by_neighbour[key].add(rid)
        self.run_of.update((s.index, rid) for s in segs)

    def remove(self, rid: int) -> None:
        for key in enumerate(self.slots[rid]):
            self.by_neighbour[key].discard(rid)
        for s in self.runs[rid]:
            del self.run_of[s.index]
        del self.runs[rid], self.slots[rid]

    def near(self, position: float) -> list[int]:
        """The live orphan segments within MEANING_WINDOW segments of a position."""
        lo = bisect_left(self.orphans, position - MEANING_WINDOW)
        hi = bisect_left(self.orphans, position + MEANING_WINDOW + 1)
        return [i for i in self.orphans[lo:hi] if i in self.run_of]


def _runs_of(orphans: list[Segment]) -> list[list[Segment]]:
    """Maximal stretches of orphans adjacent in source order (indices consecutive) within one
    paragraph (source line), cut where a line stopping mid-sentence was glued to the next:
    a converter displaces whole paragraphs, and after a displaced break the next line may
    belong anywhere. Paragraph by paragraph, a generic sentence ("I thank the President")
    is placed with the rest of its paragraph, not with its twin in the same place."""
    out: list[list[Segment]] = []
    for s in sorted(orphans, key=lambda s: s.index):
        if out and s.index == out[-1][-1].index + 1 and not out[-1][-1].open_end:
            out[-1].append(s)
        else:
            out.append([s])
    chunks = []
    for run in out:
        chunks += [run[k:k + MAX_RUN] for k in range(0, len(run), MAX_RUN)]
    return chunks


def _slot(run: list[Segment], anchored: list[int]) -> tuple[int, int]:
    """The aligned neighbours of a run: indices (in `anchored`, sorted) before and after it."""
    k = bisect_left(anchored, run[0].index)
    return (anchored[k - 1] if k else -1, anchored[k] if k < len(anchored) else -1)


def recover_displaced(ctx, beads: list[Bead]) -> list[Bead]:
    """Re-place orphan and weakly aligned segments across the whole document;
    returns the beads in Chinese reading order."""
    home = _homes(beads)
    keep = [bool(b.zh and b.ar) and (_is_heading(b) or not _is_weak(beads, k)) for k, b in enumerate(beads)]
    kept = [b for b, k in zip(beads, keep) if k]
    zh_orphans = [s for b, k in zip(beads, keep) if not k for s in b.zh]
    ar_orphans = [s for b, k in zip(beads, keep) if not k for s in b.ar]

    new_pairs = _match_runs(ctx, kept, zh_orphans, ar_orphans)
    placed_zh = {s.index for z, _ in new_pairs for s in z}
    placed_ar = {s.index for _, a in new_pairs for s in a}
    pairs = [(b.zh, b.ar) for b in kept] + new_pairs
    left_zh = [s for s in zh_orphans if s.index not in placed_zh]
    left_ar = [s for s in ar_orphans if s.index not in placed_ar]
    pairs, left_zh, left_ar = _adopt_torn(ctx, pairs, left_zh, left_ar)
    pairs, left_zh, left_ar = _rejoin_fragments(ctx, pairs, left_zh, left_ar)
    pairs = _place_twins(pairs)

    out = [_rebuild(ctx, z, a, home) for z, a in pairs]
    out += [_rebuild(ctx, [s], [], home) for s in left_zh]
    out += [_rebuild(ctx, [], [s], home) for s in left_ar]
    return _reading_order(out)


def _is_weak(beads: list[Bead], k: int) -> bool:
    """A low-confidence bead near unaligned text: the sign of a displacement nearby."""
    if beads[k].score >= DISSOLVE:
        return False
    near = beads[max(0, k - NEAR): k + NEAR + 1]
    return any(not (b.zh and b.ar) for b in near)


def _is_heading(b: Bead) -> bool:
    return b.zh[0].kind == "heading" and b.ar[0].kind == "heading"


def _homes(beads: list[Bead]) -> dict[tuple[str, int], tuple[int, str, str]]:
    """Where each segment sat in the monotone pass: its turn and speakers."""
    home = {}
    for b in beads:
        for s in b.zh:
            home[("zh", s.index)] = (b.turn, b.speaker_zh, b.speaker_ar)
        for s in b.ar:
            home[("ar", s.index)] = (b.turn, b.speaker_zh, b.speaker_ar)
    return home


def _rebuild(ctx, zs: list[Segment], as_: list[Segment], home) -> Bead:
    key = ("zh", zs[0].index) if zs else ("ar", as_[0].index)
    turn, speaker_zh, speaker_ar = home[key]
    return ctx.bead(zs, as_, turn, (speaker_zh, speaker_ar))


def _match_runs(ctx, kept: list[Bead], zh_orphans, ar_orphans) -> list[tuple[list[Segment], list[Segment]]]:
    """Greedy best-first local alignment of Chinese runs against Arabic runs."""
    anchored_zh = sorted(s.index for b in kept for s in b.zh)
    anchored_ar = sorted(s.index for b in kept for s in b.ar)
    # a slot is named by the bead holding the aligned neighbour, so both sides compare
    bead_of_zh = {s.index: k for k, b in enumerate(kept) for s in b.zh}
    bead_of_ar = {s.index: k for k, b in enumerate(kept) for s in b.ar}

    def slot(run, anchored, bead_of):
        before, after = _slot(run, anchored)
        return (bead_of.get(before, -1), bead_of.get(after, -1))

    zh_runs, ar_runs = _Runs(ctx, "zh", zh_orphans), _Runs(ctx, "ar", ar_orphans)
    ids = itertools.count()
    for run in _runs_of(zh_orphans):
        zh_runs.add(next(ids), run, slot(run, anchored_zh, bead_of_zh))
    for run in _runs_of(ar_orphans):
        ar_runs.add(next(ids), run, slot(run, anchored_ar, bead_of_ar))

    heap: list = []
    tie = itertools.count()

    expected_lines: dict[int, list[int]] = {}  # Chinese run -> the Arabic lines its neighbours put its Arabic near

    def displacement(zid: int, aid: int) -> float:
        """Penalty for the Arabic run's distance from where the Chinese gap's neighbours put its Arabic."""
        expected = expected_lines.get(zid)
        if expected is None:
            zslot = zh_runs.slots[zid]
            expected = expected_lines[zid] = ([max(p for s in kept[k].ar for p in s.place) for k in zslot[:1] if k >= 0]
                                              + [min(s.place[0] for s in kept[k].ar) for k in zslot[1:] if k >= 0])
        line = ar_runs.runs[aid][0].place[0]
        return distance_penalty(min(expected, key=lambda e: abs(e - line)), line) if expected else 0.0

    considered: set[tuple[int, int]] = set()

    def consider(pairs: list[tuple[int, int]], fork: bool = False) -> None:
        """Local alignment of each (Chinese run, Arabic run) pair not tried before; the
        matches that score enough go on the heap, in the pairs' order."""
        fresh = [pair for pair in dict.fromkeys(pairs) if pair not in considered]
        considered.update(fresh)
        for (zid, aid), total, path in local_alignments(fresh, fork):
            zslot, aslot = zh_runs.slots[zid], ar_runs.slots[aid]
            if (zslot[0] == aslot[0] and zslot[0] >= 0) or (zslot[1] == aslot[1] and zslot[1] >= 0):
                total += IN_PLACE
            total -= displacement(zid, aid)
            if total >= PLACE_MIN and path:
                heapq.heappush(heap, (-total, next(tie), zid, aid, path))

    def local_alignments(pairs: list[tuple[int, int]], fork: bool) -> list:
        """(pair, score, beads) of the best local alignment of each pair of runs, scored
        CONSIDER_BATCH at a time (the tables of a batch are held at once). With `fork`, on
        two cores (background.map_in_two): the first round of a document's candidates is
        most of recovery's work."""
        def scored(batches: list[list[tuple[int, int]]]) -> list:
            out = []
            for batch in batches:
                runs = [(zh_runs.runs[zid], ar_runs.runs[aid]) for zid, aid in batch]
                problems = [(zs, as_, full_limits(len(zs), len(as_))) for zs, as_ in runs]
                out.append([(pair, *best_local_path(len(zs), len(as_), tables))
                            for pair, (zs, as_), tables in zip(batch, runs, ctx.tables(problems))])
            return out
        batches = [pairs[k:k + CONSIDER_BATCH] for k in range(0, len(pairs), CONSIDER_BATCH)]  # the same forked or not
        return [got for batch in map_in_two(fork, scored, batches, [len(b) for b in batches]) for got in batch]

    def candidates(rid: int, mine: _Runs, other: _Runs) -> list[int]:
        """The runs of the other language in the same place (always tried), and those closest
        in meaning (by_meaning)."""
        same_place = sorted({oid for key in enumerate(mine.slots[rid]) for oid in other.by_neighbour.get(key, ())})
        return list(dict.fromkeys(same_place + by_meaning(rid, mine, other)))

    def by_meaning(rid: int, mine: _Runs, other: _Runs) -> list[int]:
        """The runs of the other language holding the sentences closest in meaning to one of
        this run's (margin similarity), less a penalty for distance in the document."""
        segs = mine.runs[rid]
        centre = segs[0].index * len(other.doc.segments) / max(1, len(mine.doc.segments))
        near = other.near(centre)
        if not near:
            return []
        mine_idx = [s.index for s in segs]
        sims = mine.doc.vectors[mine_idx] @ other.doc.vectors[near].T
        sims -= (ctx.hubness[mine.lang][mine_idx][:, None] + ctx.hubness[other.lang][near][None, :]) / 2
        best: dict[int, float] = {}
        for i, sim in zip(near, sims.max(axis=0).tolist()):
            oid = other.run_of[i]
            if sim > best.get(oid, -9.0):
                best[oid] = sim
        kept: list[tuple[float, int]] = []  # (-similarity less the distance penalty, run): the best so far
        for oid, sim in sorted(best.items(), key=lambda kv: (-kv[1], kv[0])):
            if len(kept) == CANDIDATES and sim < -kept[-1][0]:
                break  # a penalty is never negative: no run from here on can enter
            penalty = displacement(rid, oid) if mine is zh_runs else displacement(oid, rid)
            kept = sorted([*kept, (-(sim - MEANING_DISTANCE * penalty), oid)])[:CANDIDATES]
        return [oid for _, oid in kept]

    def pairs_of(rid: int, lang: str) -> list[tuple[int, int]]:
        """(Chinese run, Arabic run) pairs of a run and its candidates."""
        if lang == "zh":
            return [(rid, aid) for aid in candidates(rid, zh_runs, ar_runs)]
        return [(zid, rid) for zid in candidates(rid, ar_runs, zh_runs)]

    consider([pair for zid in list(zh_runs.runs) for pair in pairs_of(zid, "zh")]
             + [pair for aid in list(ar_runs.runs) for pair in pairs_of(aid, "ar")], fork=ctx.fork)  # hundreds: two cores pay

    placed: list[tuple[list[Segment], list[Segment]]] = []
    while heap:
        _, _, zid, aid, path = heapq.heappop(heap)
        if zid not in zh_runs.runs or aid not in ar_runs.runs:
            continue
        zs, as_ = zh_runs.runs[zid], ar_runs.runs[aid]
        used_z, used_a = set(), set()
        for i0, i1, j0, j1 in path:
            if i1 > i0 and j1 > j0:
                placed.append((zs[i0:i1], as_[j0:j1]))
                used_z.update(range(i0, i1))
                used_a.update(range(j0, j1))
        zslot, aslot = zh_runs.slots[zid], ar_runs.slots[aid]
        zh_runs.remove(zid)
        ar_runs.remove(aid)
        fresh = []  # the pairs of what is left of the two runs, scored together
        for rest in _runs_of([s for k, s in enumerate(zs) if k not in used_z]):
            rid = next(ids)
            zh_runs.add(rid, rest, zslot)
            fresh += pairs_of(rid, "zh")
        for rest in _runs_of([s for k, s in enumerate(as_) if k not in used_a]):
            rid = next(ids)
            ar_runs.add(rid, rest, aslot)
            fresh += pairs_of(rid, "ar")
        consider(fresh)
    return placed


def _rejoin_fragments(ctx, pairs, left_zh: list[Segment], left_ar: list[Segment]):
    """Re-join sentences broken at a displaced page or column break.

    The segmenter glued every line that stops mid-sentence to the next line;
    where the converter displaced text, that next line is the wrong one. So
    every such joint is undone: the continuation is cut from its bead, and
    each fragment ending mid-sentence (a head) takes the free fragment (a
    tail: a cut continuation, or an unaligned piece that opens a line) that
    raises its bead's score most, best pairs first, in rounds. Correct joints
    come back as they were (helped by JOINT_PRIOR); displaced ones find their
    partner wherever it is.
    """
    beads = [[list(z), list(a)] for z, a in pairs]
    docs = (ctx.zh, ctx.ar)

    def value(z: list[Segment], a: list[Segment]) -> float:
        return ctx.score(z, a, remember=False) if z and a else -_left_out(ctx) * (len(z) + len(a))

    free: list[list[Segment]] = [[], []]
    unplaced: list[list[Segment]] = [[], []]
    for side, left in ((0, left_zh), (1, left_ar)):
        segs = docs[side].segments
        for b in beads:
            kept = []
            for k, s in enumerate(b[side]):
                if k and b[side][k - 1].index == s.index - 1 and segs[s.index - 1].chain == s.chain:
                    free[side].append(s)  # a continuation glued in source order: undo the joint
                else:
                    kept.append(s)
            b[side] = kept
        for s in left:
            (free if _opens_paragraph(s, segs) else unplaced)[side].append(s)  # a continuation opens a line

    active = None  # beads whose options may have changed: all at first, then those a round grew
    for _ in range(ROUNDS):
        options = []
        for side in (0, 1):
            tails = _by_paragraph(free[side])
            lang, other = ("zh", "ar") if side == 0 else ("ar", "zh")
            for k, b in enumerate(beads):
                if not b[1 - side] or (active is not None and k not in active):
                    continue  # an unchanged bead has no option left: its tails were taken or too weak
                parts = ctx.parts(*b)
                base = costs.bead_total(ctx.evidence, *parts)
                same_side, other_side = ctx.side(lang, b[side]), ctx.side(other, b[1 - side])
                for pos, h in enumerate(b[side]):
                    if not h.open_end:
                        continue
                    near = _within(tails, h.place[-1] - JOIN_WINDOW, h.place[-1] + JOIN_WINDOW)  # within a few pages
                    bounds = costs.growth_bounds(ctx.evidence, [parts] * len(near), [ctx.single(lang, t) for t in near],
                                                 [same_side] * len(near), [other_side] * len(near))
                    for t, bound in zip(near, bounds.tolist()):
                        bonus = _left_out(ctx) + (JOINT_PRIOR if t.index == h.index + 1 else 0.0)
                        if bound + bonus - distance_penalty(h.place[-1], t.place[0]) <= REJOIN_GAIN - _ROUNDING:
                            continue  # cannot gain enough: skip scoring it
                        grown = b[side][: pos + 1] + [t] + b[side][pos + 1:]
                        gain = value(*((grown, b[1]) if side == 0 else (b[0], grown))) - base + _left_out(ctx)
                        if t.index == h.index + 1:
                            gain += JOINT_PRIOR  # the joint as the segmenter made it is usually right
                        gain -= distance_penalty(h.place[-1], t.place[0])
                        if gain > REJOIN_GAIN:
                            options.append((-gain, side, k, pos, t.index))
        if not options:
            break
        options.sort()
        used_beads: set[int] = set()
        used_tails: set[tuple[int, int]] = set()
        for _, side, k, pos, t_index in options:
            if k in used_beads or (side, t_index) in used_tails:
                continue
            tail = next(t for t in free[side] if t.index == t_index)
            free[side].remove(tail)
            beads[k][side].insert(pos + 1, tail)
            used_beads.add(k)
            used_tails.add((side, t_index))
        active = used_beads
    pairs = [(z, a) for z, a in beads if z and a]
    left_zh = free[0] + unplaced[0] + [s for z, a in beads if not a for s in z]
    left_ar = free[1] + unplaced[1] + [s for z, a in beads if not z for s in a]
    return pairs, left_zh, left_ar


def _adopt_torn(ctx, pairs, left_zh: list[Segment], left_ar: list[Segment]):
    """A Chinese sentence left alone takes whole an Arabic sentence that a displaced page or
    column tore in two: a head that ends its paragraph of running text short of a full stop
    (alone, or in a bead it matched on a few shared words) and an unaligned tail that opens a
    paragraph. Neither piece reads enough of the sentence to be placed by itself (each alone
    scores below leaving it out), so the two are judged together, as the orphan's translation.
    A misread page moves text within a page or two, so both pieces lie within TORN_WINDOW
    paragraphs of where the orphan's aligned neighbours put its translation; of those, the
    CANDIDATES (head, tail) pairs whose summed vectors are closest to the orphan are scored
    by the bead model: the new bead against the three left out and the giving bead's loss,
    less each piece's distance and the prior odds against a torn sentence (TORN_PRIOR: most
    sentences are whole); the new bead must be confident (TORN_MIN: without, a head and the
    end of another torn sentence may pass for one). The moves that gain are made, best first. Arabic only: the
    output follows the Chinese in source order (align.realign), so Chinese pieces apart
    cannot stay in one bead."""
    beads: list[list[list[Segment]] | None] = [[list(z), list(a)] for z, a in pairs]
    left_zh, left_ar = list(left_zh), list(left_ar)
    segs = ctx.ar.segments
    orphans = [o for o in left_zh if _whole(o, ctx.zh.segments)]
    tails = _by_paragraph([t for t in left_ar if _opens_paragraph(t, segs)])
    bead_of = {s.index: k for k, b in enumerate(beads) for s in b[1]}
    heads = _by_paragraph([s for s in segs if _stops_short(s, segs)])
    expected = _arabic_places(beads)
    moves = []
    for o in orphans:
        places = expected(o.index)
        if not places:
            continue
        near_tails = _within(tails, min(places) - TORN_WINDOW, max(places) + TORN_WINDOW)
        near_heads = _within(heads, min(places) - TORN_WINDOW, max(places) + TORN_WINDOW)
        if not near_tails or not near_heads:
            continue
        sims = _sum_cosines(ctx.ar.vectors[[h.index for h in near_heads]], ctx.ar.vectors[[t.index for t in near_tails]],
                            ctx.zh.vectors[o.index])
        for flat in sims.ravel().argsort()[::-1][:CANDIDATES].tolist():
            h, t = near_heads[flat // len(near_tails)], near_tails[flat % len(near_tails)]
            if h is t:
                continue
            k = bead_of.get(h.index, -1)
            loss = -_left_out(ctx) if k < 0 else _arabic_loss(ctx, beads[k], h)
            distance = sum(min(distance_penalty(e, q.place[0]) for e in places) for q in (h, t))
            new = ctx.score([o], [h, t], remember=False)
            gain = new + 2 * _left_out(ctx) - loss - distance
            if gain > TORN_PRIOR and costs.confidence(new) >= TORN_MIN:
                moves.append((-gain, o.index, h.index, t.index, k))
    moves.sort()
    used: set[tuple[str, int]] = set()  # orphans, pieces and giving beads already moved
    for _, oi, hi, ti, k in moves:
        keys = {("orphan", oi), ("piece", hi), ("piece", ti), ("bead", k)} - {("bead", -1)}
        if keys & used:
            continue
        used |= keys
        o, h, t = ctx.zh.segments[oi], segs[hi], segs[ti]
        if k < 0:
            left_ar.remove(h)
        else:
            beads[k][1] = [q for q in beads[k][1] if q is not h]
            if not beads[k][1]:  # its Chinese is left alone
                left_zh += beads[k][0]
                beads[k] = None
        left_ar.remove(t)
        left_zh.remove(o)
        beads.append([[o], [h, t]])
    return [(z, a) for z, a in filter(None, beads)], left_zh, left_ar


def _whole(seg: Segment, segs: list[Segment]) -> bool:
    """A sentence with no piece elsewhere: a fragment's translation is part of a sentence,
    which the re-joining puts back together (a head adopting a piece reads too little to judge)."""
    return not seg.open_end and all(segs[i].chain != seg.chain for i in (seg.index - 1, seg.index + 1) if 0 <= i < len(segs))


def _stops_short(seg: Segment, segs: list[Segment]) -> bool:
    """An Arabic sentence piece that ends its paragraph of running text before the end of a
    clause (on a comma, or on nothing): the head of a sentence a page or column break cut.
    A title, alone in its paragraph, is not one."""
    last = seg.index + 1 == len(segs) or not same_paragraph(seg, segs[seg.index + 1])
    if not last or seg.kind != "sentence" or ar.ends_clause(seg.text.rstrip()):
        return False
    first = seg.index
    while not _opens_paragraph(segs[first], segs):
        first -= 1
    return seg.open_end or ar.is_prose(" ".join(s.text for s in segs[first:seg.index + 1]))


def _arabic_places(beads):
    """A function: a Chinese orphan's index -> the Arabic paragraphs where the two-sided beads
    of its nearest aligned neighbours (before and after it) have their text."""
    anchored = sorted((s.index, k) for k, b in enumerate(beads) if b[0] and b[1] for s in b[0])
    at = [i for i, _ in anchored]

    def places(index: int) -> list[int]:
        n = bisect_left(at, index)
        out = [max(q.place[-1] for q in beads[anchored[n - 1][1]][1])] if n else []
        if n < len(at):
            out.append(min(q.place[0] for q in beads[anchored[n][1]][1]))
        return out

    return places


def _arabic_loss(ctx, bead, piece: Segment) -> float:
    """What a bead loses when an Arabic piece leaves it (with no Arabic left, its Chinese is left alone)."""
    rest = [q for q in bead[1] if q is not piece]
    after = ctx.score(bead[0], rest, remember=False) if rest else -_left_out(ctx) * len(bead[0])
    return ctx.score(*bead) - after


def _sum_cosines(heads, tails, target):
    """Cosine with `target` of each head's vector plus each tail's (a heads x tails table),
    without building the sums (a unit target: only the order counts)."""
    squares = (heads * heads).sum(axis=1)[:, None] + (tails * tails).sum(axis=1)[None, :] + 2 * heads @ tails.T
    return ((heads @ target)[:, None] + (tails @ target)[None, :]) / (1e-9 + squares ** 0.5)


def _place_twins(pairs):
    """Arabic sentences that read the same (a formula of thanks opening two statements) score
    the same in any bead, so the bead model cannot tell which goes where, and the monotone
    pass pairs them in order even when the paragraphs around them were displaced. Among such
    twins, each goes with the Chinese sentence whose paragraph-mates have their Arabic in the
    twin's paragraph, if that places more of them so than the order did (groups of up to
    TWINS; larger groups are left as they are)."""
    twins: dict[str, list[int]] = defaultdict(list)
    for k, (z, a) in enumerate(pairs):
        if len(z) == len(a) == 1:
            twins[ar.normalise(a[0].text)].append(k)
    groups = [g for g in twins.values() if 2 <= len(g) <= TWINS]
    if not groups:
        return pairs
    in_group = {k for g in groups for k in g}
    partners: dict[int, list[int]] = defaultdict(list)  # Chinese paragraph -> the Arabic paragraphs of its other beads
    for k, (z, a) in enumerate(pairs):
        if k not in in_group:
            for s in z:
                partners[s.place[0]] += [q.place[0] for q in a]
    pairs = list(pairs)
    for group in groups:
        homes = [pairs[k][0][0].place[0] for k in group]
        arabic = [pairs[k][1][0] for k in group]

        def agree(order, homes=homes, arabic=arabic) -> int:
            return sum(partners[h].count(arabic[o].place[0]) for h, o in zip(homes, order))
        best = max(itertools.permutations(range(len(group))), key=agree)
        if agree(best) > agree(range(len(group))):
            for k, o in zip(group, best):
                pairs[k] = (pairs[k][0], [arabic[o]])
    return pairs


def _left_out(ctx) -> float:
    """What leaving one segment without a counterpart costs (the bead model's skip score, negated)."""
    return -ctx.evidence.skip


def distance_penalty(line_a: int, line_b: int) -> float:
    """Converters displace text within a page or two: the farther apart, the less likely."""
    return DISTANCE_WEIGHT * math.log1p(abs(line_a - line_b) / DISTANCE_SCALE)


def _by_paragraph(segs: list[Segment]) -> tuple[list[Segment], list[int]]:
    """The segments sorted by paragraph, and their paragraphs (for _within)."""
    segs = sorted(segs, key=lambda s: (s.place[0], s.index))
    return segs, [s.place[0] for s in segs]


def _within(sorted_segs: tuple[list[Segment], list[int]], lo: float, hi: float) -> list[Segment]:
    """The segments (from _by_paragraph) whose paragraph lies in [lo, hi]."""
    segs, at = sorted_segs
    return segs[bisect_left(at, lo):bisect_left(at, hi + 1)]


def _opens_paragraph(seg: Segment, segs: list[Segment]) -> bool:
    """The first piece of its paragraph: where the continuation of a torn sentence sits."""
    return seg.index == 0 or not same_paragraph(segs[seg.index - 1], seg)


def reading_sort(segs: list[Segment]) -> list[Segment]:
    """For display: a side that ends mid-sentence starts with that piece instead,
    since its continuation was displaced before it in the source."""
    if len(segs) > 1 and segs[-1].open_end:
        return [segs[-1], *segs[:-1]]
    return segs


def _reading_order(beads: list[Bead]) -> list[Bead]:
    """Chinese order; an Arabic-only bead follows the bead of the Arabic before it."""
    with_zh = sorted((b for b in beads if b.zh), key=lambda b: min(s.index for s in b.zh))
    key_of_ar: dict[int, int] = {}
    for pos, b in enumerate(with_zh):
        for s in b.ar:
            key_of_ar[s.index] = pos
    ar_only = sorted((b for b in beads if not b.zh), key=lambda b: b.ar[0].index)
    ar_indices = sorted(key_of_ar)
    slots: dict[int, list[Bead]] = defaultdict(list)
    for b in ar_only:
        k = bisect_left(ar_indices, b.ar[0].index)
        slots[key_of_ar[ar_indices[k - 1]] if k else -1].append(b)
    out = list(slots.get(-1, []))
    for pos, b in enumerate(with_zh):
        out.append(b)
        out += slots.get(pos, [])
    return out


def mark_moves(beads: list[Bead]) -> list[dict]:
    """Flag beads whose Arabic breaks source order: those off the longest
    increasing run of Arabic positions (in Chinese reading order), and those
    whose Arabic pieces are not a run of the source (a fragment joined from elsewhere)."""
    seq = [(k, min(s.index for s in b.ar)) for k, b in enumerate(beads) if b.zh and b.ar]
    keep = _longest_increasing([v for _, v in seq])
    moves = []
    for n, (k, _) in enumerate(seq):
        pieces = [s.index for s in beads[k].ar]
        joined = any(b != a + 1 for a, b in zip(pieces, pieces[1:]))
        if n not in keep or joined:
            b = beads[k]
            b.moved = True
            moves.append({"bead": k, "ar_lines": b.ar_lines, "zh_lines": b.zh_lines, "placed_after_bead": k - 1})
    return moves


def _longest_increasing(values: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_pos: list[int] = []
    prev = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_pos.append(i)
        else:
            tails[k], tail_pos[k] = v, i
        prev[i] = tail_pos[k - 1] if k else -1
    out, i = set(), tail_pos[-1] if tail_pos else -1
    while i >= 0:
        out.add(i)
        i = prev[i]
    return out
