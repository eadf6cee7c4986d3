"""A bead's score as a probability: that the bead is exactly right.

The aligner's bead scores are log-odds under a model fitted on near misses; users
need a number they can filter on. For a two-sided bead, the score is the estimated
probability that its two sides are each other's translation with nothing missing;
for a one-sided bead, that its sentence truly has no counterpart. Both are logistic
maps of a few of the bead's measurements (`features`), fitted by bench/fit.py on the
aligner's own beads over gold documents, labelled exact or not (data/evidence.json),
and checked on documents held out from the fit.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from . import costs

BINS = 10  # equal-width probability bins of the expected calibration error
L2 = 1e-3  # ridge on the weights (not the bias): keeps a fit stable when a feature is rare


def features(ctx, bead) -> tuple[float, ...]:
    """What the probability is read from. Two-sided: (1, the bead's score, its similarity
    of meaning, segments beyond two). One-sided: (0, the best cosine of its sentences to
    a sentence of the other document, sought within embed.WINDOW sentences of their place,
    their hubness, segments beyond one)."""
    if bead.zh and bead.ar:
        parts = ctx.parts(bead.zh, bead.ar)
        return (1.0, float(ctx.score(bead.zh, bead.ar)), float(parts.meaning), float(len(bead.zh) + len(bead.ar) - 2))
    lang, segs = ("zh", bead.zh) if bead.zh else ("ar", bead.ar)
    best = max(float(ctx.nearest[lang][s.index]) for s in segs)
    hub = max(float(ctx.hubness[lang][s.index]) for s in segs)
    return (0.0, best, hub, float(len(segs) - 1))


@dataclass(frozen=True)
class Calibration:
    """Logistic weights (features 1..3, then bias) for two-sided and for one-sided beads."""

    two_sided: tuple[float, ...]
    one_sided: tuple[float, ...]

    def probability(self, feats: tuple[float, ...]) -> float:
        w = self.two_sided if feats[0] else self.one_sided
        z = sum(wi * xi for wi, xi in zip(w, feats[1:])) + w[-1]
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_json(self) -> dict:
        return {"two_sided": list(self.two_sided), "one_sided": list(self.one_sided)}


@functools.cache
def fitted() -> Calibration:
    """The calibration bench/fit.py wrote (data/evidence.json, read once with the weights)."""
    cal = costs.fitted_data()["calibration"]
    return Calibration(tuple(cal["two_sided"]), tuple(cal["one_sided"]))


def logistic(x: np.ndarray, y: np.ndarray, offset: np.ndarray | None = None, balanced: bool = False) -> np.ndarray:
    """Weights (one per column of x, then the bias) of a logistic regression, by Newton's
    method with a small ridge on the weights; classes weighted equally when `balanced`."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    offset = np.zeros(n) if offset is None else offset
    sample = np.where(y > 0.5, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1)) * n if balanced else np.ones(n)
    ridge = np.diag([L2 * n] * d + [0.0])
    beta = np.zeros(d + 1)
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(xb @ beta + offset, -50, 50)))
        grad = xb.T @ (sample * (p - y)) + ridge @ beta
        hess = (xb * (sample * p * (1 - p))[:, None]).T @ xb + ridge + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return beta


def fit(data: list[tuple[tuple[float, ...], float]]) -> Calibration:
    """A calibration from (features, 1.0 if the bead is exact else 0.0) pairs."""
    out = []
    for kind in (1.0, 0.0):
        rows = [(f[1:], y) for f, y in data if f[0] == kind]
        if not rows or len({y for _, y in rows}) < 2:  # one class only: its rate, with a little smoothing
            rate = (sum(y for _, y in rows) + 0.5) / (len(rows) + 1)
            out.append((0.0, 0.0, 0.0, round(math.log(rate / (1 - rate)), 4)))
            continue
        beta = logistic(np.array([f for f, _ in rows]), np.array([y for _, y in rows]))
        out.append(tuple(round(float(b), 4) for b in beta))
    return Calibration(*out)


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = BINS) -> float:
    """The mean gap between predicted probability and observed rate, over equal-width bins
    weighted by their share of the beads."""
    if not len(p):
        return 0.0
    which = np.minimum((p * bins).astype(int), bins - 1)
    gap = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            gap += inside.sum() / len(p) * abs(p[inside].mean() - y[inside].mean())
    return float(gap)
