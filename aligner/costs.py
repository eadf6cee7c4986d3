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
from typing import NamedTuple

import numpy as np

from .cues import Side, shared_gain, shared_weight
from .embed import similarity

# The anchors' own scale (their weight in the bead model is fitted: Evidence.anchors);
# tests/test_numbers_anchors.py checks their behaviour.
LENGTH_FLOOR = -3.0  # the worst length evidence: translators do drop a title or a clause
ANCHOR_SCALE = 28.0  # log-odds per unit of anchor similarity
SIM_RANDOM = 0.05  # similarity two unrelated sentences of a UN text typically reach
PRIOR_MASS = 8.0  # anchor weight assumed unseen, so that two or three shared words prove little
ENTRY_CONFLICT = 40.0  # two list entries naming different states are never a pair (weighted by anchors: -6.8 log-odds)
NAME_CONFLICT = 2.0  # both sides name states or bodies, none in common

# What the bead model weighs, each feature of a two-sided bead (Parts says how each is measured).
FEATURES = ("bias", "length", "anchors", "meaning", "glue", "extra", "multi", "entries", "paragraphs", "mismatch")


@dataclass(frozen=True)
class Evidence:
    """The bead model: a bead's score is the weighted sum of its features (FEATURES; a
    one-sided bead scores `skip` per segment), and the DP finds the path of beads with the
    highest total. The weights are fitted together by bench/fit.py (data/evidence.json) so
    that the gold path outscores the other paths near it, on the development sets of three
    genres. An ablation sets a signal's weight to 0 (`without`).

    - bias: every two-sided bead (fewer, larger beads against more, smaller ones);
    - length: Gale-Church log-probability of the two lengths;
    - anchors: anchor log-odds (shared symbols, numbers, names, less name conflicts);
    - meaning: margin similarity of the sides' summed sentence vectors;
    - glue: joints kept, where a piece that stops mid-sentence runs on in the same bead;
    - extra: sentences beyond one a side (a 2-1 bead has one, a 2-2 two);
    - multi: several sentences on both sides (a 2-2 is not two 2-1s);
    - entries: list entries merged with another in one bead (entries pair one to one);
    - paragraphs: paragraph breaks crossed inside the bead, on both sides together;
    - mismatch: paragraph breaks crossed on one side more than on the other;
    - omitted: beyond skip, each sentence left alone between two beads of its own paragraph
      (translators seldom drop a sentence from the middle of a paragraph: align.absorb_sandwiched)."""

    bias: float = 1.45
    length: float = 0.93
    anchors: float = 0.17
    meaning: float = 23.8
    glue: float = 1.2
    extra: float = -1.4
    multi: float = 0.2
    entries: float = -4.0
    paragraphs: float = 0.0
    mismatch: float = 0.0
    skip: float = -1.2
    omitted: float = -3.0
    margin: bool = True  # similarity less the sentences' hubness (CSLS), or plain cosine

    def __post_init__(self) -> None:
        if min(self.length, self.anchors, self.meaning) < 0:  # growth_bounds, which recovery prunes by, needs this
            raise ValueError("evidence weights of length, anchors and meaning must not be negative")

    def without(self, signal: str) -> "Evidence":
        """The same evidence with one signal left out ("margin": plain cosine instead)."""
        return replace(self, margin=False) if signal == "margin" else replace(self, **{signal: 0.0})

    def skipped(self, segments) -> float:
        """The score of leaving `segments` (a count, or an array of counts) unaligned."""
        return self.skip * segments

    def omitted_inside(self, sentences: int) -> float:
        """The score of leaving `sentences` alone inside a paragraph whose neighbours are aligned."""
        return (self.skip + self.omitted) * sentences


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


class Parts(NamedTuple):
    """What a two-sided bead's features are read from (floats, or numpy arrays for many beads)."""

    zh_sentences: object
    ar_sentences: object
    glue: object  # open ends inside the sides: joints kept
    entries: object  # list entries merged with another
    length: object  # Gale-Church log-probability
    shared: object  # shared anchor weight
    mass: object  # the sides' anchor mass
    conflict: object  # name-conflict penalty
    meaning: object  # similarity of meaning (margin or plain cosine)
    zh_breaks: object  # paragraph breaks crossed inside the Chinese side
    ar_breaks: object


def bead_parts(shape: tuple[int, int], z: Side, a: Side, model: LengthModel, margin: bool = True) -> Parts:
    """The Parts of a bead with two sides of shape[0] and shape[1] sentences."""
    merged_entries = max(0, z.entries - 1) + max(0, a.entries - 1)
    hubs = (z.hub / z.count, a.hub / a.count) if margin and z.count and a.count else (0.0, 0.0)
    meaning = similarity(z.meaning, a.meaning, *hubs) if z.meaning is not None and a.meaning is not None else 0.0
    return Parts(shape[0], shape[1], z.open_ends + a.open_ends, merged_entries, length_logprob(z.length, a.length, model),
                 shared_weight(z, a), z.mass + a.mass, name_conflict(z, a), meaning, z.breaks, a.breaks)


def bead_features(p: Parts) -> tuple:
    """The FEATURES of a bead, in order, from its parts (floats or arrays alike)."""
    extra = p.zh_sentences + p.ar_sentences - 2
    multi = (p.zh_sentences >= 2) * (p.ar_sentences >= 2) * 1.0
    return (1.0, p.length, anchor_log_odds(p.shared, p.mass, p.conflict), p.meaning, p.glue, extra, multi, p.entries,
            p.zh_breaks + p.ar_breaks, abs(p.zh_breaks - p.ar_breaks))


def bead_total(evidence: Evidence, *parts) -> object:
    """A two-sided bead's score: its features weighted by the bead model."""
    return sum(getattr(evidence, name) * value for name, value in zip(FEATURES, bead_features(Parts(*parts))))


def bead_score(shape: tuple[int, int], z: Side | None, a: Side | None, model: LengthModel,
               evidence: Evidence | None = None) -> float:
    """Score of a bead of a given shape (n_zh, n_ar); a side is None when empty."""
    evidence = evidence or fitted()
    if z is None or a is None:
        return evidence.skipped(shape[0] + shape[1])
    return bead_total(evidence, *bead_parts(shape, z, a, model, evidence.margin))


def growth_bounds(evidence: Evidence, parts: list[Parts], pieces: list[Side], sames: list[Side],
                  others: list[Side]) -> np.ndarray:
    """Upper bounds on how much each bead's score can rise when a piece joins its side
    `same` (the other side being `other`), for many (parts, piece, same, other) at once:
    the structure at its best (a sentence more or none, two joints kept, two paragraph
    breaks more or one less), a perfect length, no name conflict, the anchors exactly
    (cues.shared_gain), and the similarity of meaning exactly (as embed.similarity, for
    all candidates in a few array operations)."""
    table = np.array(parts, dtype=float).reshape(-1, len(Parts._fields))
    length, shared, mass, conflict, meaning = (table[:, Parts._fields.index(f)]
                                               for f in ("length", "shared", "mass", "conflict", "meaning"))
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
    e = evidence
    structure = (max(0.0, e.extra) + max(0.0, e.multi) + max(0.0, e.entries) + 2 * max(0.0, e.glue)
                 + 2 * abs(e.paragraphs) + 2 * abs(e.mismatch))
    return structure + e.length * -length + e.anchors * (conflict + anchors) + e.meaning * (grown - meaning)


def confidence(score: float) -> float:
    """A bead score on [0, 1] (logistic), for the aligner's own thresholds while it aligns
    (recover.DISSOLVE); users see calibrate's probability instead."""
    return 1.0 / (1.0 + math.exp(-(score - 1.0)))
