"""How good a bead is: length agreement, shared anchors, and a prior on its shape.

Each function is independent of the DP so it can be tested and tuned alone.
Scores are log-odds-like: positive means "these translate each other".
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, replace
from importlib import resources

import numpy as np

from .cues import Side, shared_gain, shared_weight
from .embed import similarity

# Tuned on the S/PV.7050 dev gold; tests/test_numbers_anchors.py checks their behaviour.
SKIP = 1.2  # score of leaving one segment unaligned
SHAPE = {(1, 1): 0.0, (2, 1): -1.4, (1, 2): -1.4, (2, 2): -2.6, (3, 1): -2.8, (1, 3): -2.8}  # the DP's shapes
EXTRA_SENTENCE = 1.4  # beyond them (a run absorbed after the DP): each sentence past a 1-1 costs as a 2-1's second
LENGTH_FLOOR = -3.0  # the worst length evidence: translators do drop a title or a clause
LENGTH_BONUS = 2.5  # a typical true pair's length log-probability is about -1
ANCHOR_SCALE = 28.0  # log-odds per unit of anchor similarity
SIM_RANDOM = 0.05  # similarity two unrelated sentences of a UN text typically reach
PRIOR_MASS = 8.0  # anchor weight assumed unseen, so that two or three shared words prove little
ENTRY_CONFLICT = 8.0  # two list entries naming different states are never a pair
NAME_CONFLICT = 2.0  # both sides name states or bodies, none in common
LIST_MERGE = 4.0  # per list entry merged with another in one bead
OPEN_END_GLUE = 1.2  # a fragment ending mid-sentence glued to what follows


@dataclass(frozen=True)
class Evidence:
    """How the signals add up to a bead's log-odds: a weight per signal and a bias, fitted
    by logistic regression on gold and near-miss beads (bench/fit.py writes them to
    data/evidence.json). An ablation sets a weight to 0 (`without`)."""

    bias: float = LENGTH_BONUS
    length: float = 1.0
    anchors: float = 1.0
    meaning: float = 0.0
    margin: bool = True  # similarity less the sentences' hubness (CSLS), or plain cosine

    def __post_init__(self) -> None:
        if min(self.length, self.anchors, self.meaning) < 0:  # growth_bounds, which recovery prunes by, needs this
            raise ValueError("evidence weights of length, anchors and meaning must not be negative")

    def without(self, signal: str) -> "Evidence":
        """The same evidence with one signal left out ("margin": plain cosine instead)."""
        return replace(self, margin=False) if signal == "margin" else replace(self, **{signal: 0.0})


@functools.cache
def fitted_data() -> dict:
    """data/evidence.json, as bench/fit.py wrote it: the evidence weights and the calibration."""
    return json.loads((resources.files("aligner") / "data" / "evidence.json").read_text(encoding="utf-8"))


@functools.cache
def fitted() -> Evidence:
    """The evidence weights fitted by bench/fit.py."""
    return Evidence(**fitted_data()["weights"])


@dataclass(frozen=True)
class LengthModel:
    """Arabic characters per Chinese character, and the spread of that ratio."""

    ratio: float = 2.5
    variance: float = 6.0

    @classmethod
    def estimate(cls, pairs: list[tuple[int, int]], prior: "LengthModel | None" = None) -> "LengthModel":
        """Fit ratio and variance from (zh length, ar length) pairs believed aligned."""
        prior = prior or cls()
        pairs = [(z, a) for z, a in pairs if z > 0 and a > 0]
        if len(pairs) < 5:
            return prior
        ratio = sum(a for _, a in pairs) / sum(z for z, _ in pairs)
        resid = [(a - ratio * z) ** 2 / (z + a / ratio) * 2 for z, a in pairs]
        resid.sort()
        kept = resid[: max(5, int(len(resid) * 0.9))]  # trim outliers (misalignments)
        variance = max(1.0, sum(kept) / len(kept))
        return cls(ratio, variance)


def length_logprob(zh_len: int, ar_len: int, model: LengthModel) -> float:
    """Gale-Church: log probability that lengths this far apart translate each other."""
    mean = (zh_len + ar_len / model.ratio) / 2
    if mean <= 0:
        return 0.0
    delta = abs(ar_len - model.ratio * zh_len) / math.sqrt(mean * model.variance)
    tail = math.erfc(delta / math.sqrt(2))  # two-sided normal tail
    return max(LENGTH_FLOOR, math.log(tail)) if tail > 0 else LENGTH_FLOOR


def anchor_log_odds(shared, mass, conflict):
    """Log-odds from anchors: the weighted Dice overlap of the two sides' anchors (shrunk
    towards 0 when they have few) above chance, less the name-conflict penalty.
    Floats or numpy arrays alike."""
    return ANCHOR_SCALE * (2 * shared / (mass + PRIOR_MASS) - SIM_RANDOM) - conflict


def name_conflict(z: Side, a: Side) -> float:
    """Both sides name states or bodies, none in common: a penalty, strong between two list entries."""
    if z.names and a.names and not (z.names & a.names):
        return ENTRY_CONFLICT if z.entries == a.entries == 1 else NAME_CONFLICT
    return 0.0


def anchor_score(z: Side, a: Side) -> float:
    """Log-odds from anchors: similarity above chance for, conflicting names against."""
    return anchor_log_odds(shared_weight(z, a), z.mass + a.mass, name_conflict(z, a))


def shape_prior(shape: tuple[int, int]) -> float:
    """The prior of a two-sided bead of (n_zh, n_ar) sentences."""
    return SHAPE.get(shape, -EXTRA_SENTENCE * (shape[0] + shape[1] - 2))


def bead_parts(shape: tuple[int, int], z: Side, a: Side, model: LengthModel, margin: bool = True) -> tuple[float, ...]:
    """The parts bead_total adds up, for a bead with two sides: shape prior, pieces glued
    at open ends, list entries merged (entries pair one to one), length log-probability,
    shared anchor weight, the sides' anchor mass, name-conflict penalty, and the sides'
    similarity of meaning (with a margin, or plain cosine)."""
    merged_entries = max(0, z.entries - 1) + max(0, a.entries - 1)
    hubs = (z.hub / z.count, a.hub / a.count) if margin and z.count and a.count else (0.0, 0.0)
    return (shape_prior(shape), z.open_ends + a.open_ends, merged_entries,
            length_logprob(z.length, a.length, model), shared_weight(z, a), z.mass + a.mass, name_conflict(z, a),
            similarity(z.meaning, a.meaning, *hubs) if z.meaning is not None and a.meaning is not None else 0.0)


def bead_total(evidence: Evidence, prior, glue_ends, merged_entries, length, shared, mass, conflict, meaning):
    """A bead's score from its parts (floats, or numpy arrays for many beads at once)."""
    pair = (evidence.bias + evidence.length * length + evidence.anchors * anchor_log_odds(shared, mass, conflict)
            + evidence.meaning * meaning)
    return prior + glue_ends * OPEN_END_GLUE - merged_entries * LIST_MERGE + pair


def bead_score(shape: tuple[int, int], z: Side | None, a: Side | None, model: LengthModel,
               evidence: Evidence | None = None) -> float:
    """Score of a bead of a given shape (n_zh, n_ar); a side is None when empty."""
    if z is None or a is None:
        return -SKIP * (shape[0] + shape[1])
    evidence = evidence or fitted()
    return bead_total(evidence, *bead_parts(shape, z, a, model, evidence.margin))


def growth_bounds(evidence: Evidence, parts: list[tuple[float, ...]], pieces: list[Side], sames: list[Side],
                  others: list[Side]) -> np.ndarray:
    """Upper bounds on how much each bead's score can rise when a piece joins its side
    `same` (the other side being `other`), for many (parts, piece, same, other) at once:
    the shape prior at its best, one more open end glued, a perfect length, no name
    conflict, the anchors exactly (cues.shared_gain), and the similarity of meaning
    exactly (as embed.similarity, for all candidates in a few array operations)."""
    prior, _, _, length, shared, mass, conflict, meaning = np.array(parts, dtype=float).reshape(-1, 8).T
    added = np.array([shared_gain(p, s, o) for p, s, o in zip(pieces, sames, others)])
    piece_mass = np.array([p.mass for p in pieces], dtype=float)
    anchors = anchor_log_odds(shared + added, mass + piece_mass, 0.0) - anchor_log_odds(shared, mass, 0.0)
    grown = meaning
    embedded = all(x.meaning is not None for group in (pieces, sames, others) for x in group)
    if evidence.meaning and embedded and pieces:
        same_sum = np.array([s.meaning for s in sames], dtype=float) + np.array([p.meaning for p in pieces])
        other_sum = np.array([o.meaning for o in others], dtype=float)
        zz, aa = np.einsum("ij,ij->i", same_sum, same_sum), np.einsum("ij,ij->i", other_sum, other_sum)
        dots = np.einsum("ij,ij->i", same_sum, other_sum)
        scale = np.sqrt(zz * aa)
        cosine = np.divide(dots, scale, out=np.zeros_like(dots), where=(zz > 0) & (aa > 0))
        hubs = 0.0
        if evidence.margin:
            count = np.array([s.count + p.count for s, p in zip(sames, pieces)], dtype=float)
            other_count = np.array([o.count for o in others], dtype=float)
            same_hub = np.array([s.hub + p.hub for s, p in zip(sames, pieces)]) / np.maximum(count, 1)
            other_hub = np.array([o.hub for o in others]) / np.maximum(other_count, 1)
            hubs = np.where((count > 0) & (other_count > 0), (same_hub + other_hub) / 2, 0.0)
        grown = cosine - hubs
    return (max(SHAPE.values()) - prior + OPEN_END_GLUE + evidence.length * -length
            + evidence.anchors * (conflict + anchors) + evidence.meaning * (grown - meaning))


def confidence(score: float) -> float:
    """A bead score on [0, 1] (logistic), for the aligner's own thresholds while it aligns
    (recover.DISSOLVE, align.ABSORB_MIN); users see calibrate's probability instead."""
    return 1.0 / (1.0 + math.exp(-(score - 1.0)))
