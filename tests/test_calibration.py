"""Bead scores are probabilities of being exactly right (aligner.calibrate), fitted on one part of
the gold and checked on another."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import AR_PATH, ZH_PATH
from gold import EVAL_DIR
from typer.testing import CliRunner

from aligner import calibrate
from aligner.cli import app

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_expected_calibration_error_of_known_cases():
    p = np.array([0.9] * 10 + [0.1] * 10)
    right = np.array([1.0] * 9 + [0.0] + [0.0] * 9 + [1.0])
    assert calibrate.expected_calibration_error(p, right) == pytest.approx(0.0)
    assert calibrate.expected_calibration_error(p, 1 - right) == pytest.approx(0.8)


def test_logistic_fit_recovers_known_weights():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 2))
    p = 1 / (1 + np.exp(-(1.5 * x[:, 0] - 2.0 * x[:, 1] + 0.5)))
    y = (rng.random(4000) < p).astype(float)
    beta = calibrate.logistic(x, y)
    assert beta == pytest.approx([1.5, -2.0, 0.5], abs=0.2)


def test_probability_rises_with_the_bead_score():
    cal = calibrate.fitted()
    scores = [cal.probability((1.0, s, 0.3, 0.0)) for s in (-2.0, 0.0, 2.0, 5.0, 10.0)]
    assert scores == sorted(scores) and scores[0] < scores[-1]


@pytest.fixture(scope="module")
def labelled():
    """The sample's beads in the dev gold's scope, labelled exact or not (at the finer grain: fit.labelled_beads)."""
    if not EVAL_DIR.exists():
        pytest.skip(f"shared evaluation data absent: {EVAL_DIR}")
    sys.path.insert(0, str(BENCH))
    import fit
    import golddocs

    from aligner import costs
    return [(b[0], b[fit.FINER]) for b in fit.labelled_beads(golddocs.meeting(ZH_PATH, AR_PATH), "0-213", costs.fitted())]


def test_a_gold_unit_split_into_translated_sentences_is_exact_at_the_finer_grain():
    """FLORES gold unit 23 is one English sentence, translated as two sentences on each side.
    The aligner pairs the sentences one to one: exact at the finer grain, and (since the shared
    scorer maps a bead finer than a gold unit to that unit) by the scorer's rules too. Against a
    gold that pairs the first two units crosswise, only the last bead is exact."""
    if not EVAL_DIR.exists():
        pytest.skip(f"shared evaluation data absent: {EVAL_DIR}")
    sys.path.insert(0, str(BENCH))
    import fit
    import golddocs

    from aligner import costs
    fl = golddocs.flores()
    picked = [22, 23, 24]  # a one-sentence unit each side of the split one
    zh_units, ar_units = [fl.units_zh[k] for k in picked], [fl.units_ar[k] for k in picked]
    doc = golddocs.GoldDoc(" ".join(u.text for u in zh_units), " ".join(u.text for u in ar_units), [], [],
                           [{"zh": [k], "ar": [k]} for k in picked])
    for units, text in ((zh_units, doc.zh), (ar_units, doc.ar)):
        pos = 0
        for u in units:
            start = text.index(u.text, pos)
            (doc.units_zh if units is zh_units else doc.units_ar).append(golddocs.Unit(u.id, 1, start, start + len(u.text), u.text))
            pos = start + len(u.text)
    labels = fit.labelled_beads(doc, None, costs.fitted())
    assert len(labels) == 4 and all(finer == 1.0 for _, _, finer in labels)
    assert all(strict == 1.0 for _, strict, _ in labels)
    crossed = golddocs.GoldDoc(doc.zh, doc.ar, doc.units_zh, doc.units_ar,
                               [{"zh": [22], "ar": [23]}, {"zh": [23], "ar": [22]}, {"zh": [24], "ar": [24]}])
    finer = [label for _, _, label in fit.labelled_beads(crossed, None, costs.fitted())]
    assert finer[-1] == 1.0 and not any(finer[:-1])  # (a bead mapping to no unit at all is left out)


def test_calibration_holds_on_beads_left_out_of_its_fit(labelled):
    """Fitted on every other bead of the dev gold, the probabilities of the remaining beads are
    close to how often they are exact (the calibration is held out; the evidence weights saw this
    document: bench/fit.py nests both in its cross-validation). A constant probability, the
    share of exact beads, misses this bound."""
    fitted_on, held_out = labelled[0::2], labelled[1::2]
    cal = calibrate.fit(fitted_on)
    p = np.array([cal.probability(f) for f, _ in held_out])
    y = np.array([label for _, label in held_out])
    assert len(held_out) > 100
    assert calibrate.expected_calibration_error(p, y) <= 0.05
    assert y[p >= 0.9].mean() >= 0.95


def test_fit_search_moves_each_weight_to_the_best_value_on_its_grid():
    """bench/fit.py's coordinate search climbs the objective one weight at a time, in steps of
    0.4 then 0.2: on a function with its peak at skip -2.0, extra -0.6 (on the grid from the
    start) it gets there, leaves the weights the function ignores alone, and never ends worse
    than it started."""
    sys.path.insert(0, str(BENCH))
    import fit

    from aligner import costs

    start = costs.Evidence(skip=-1.2, extra=-1.4)
    seen = []

    def value(e):
        seen.append(e)
        return -(e.skip + 2.0) ** 2 - (e.extra + 0.6) ** 2

    best, top = fit.coordinate_search(start, value, names=("skip", "extra", "multi"), steps=(0.4, 0.2))
    assert (best.skip, best.extra) == pytest.approx((-2.0, -0.6))
    assert best.multi == start.multi and best.meaning == start.meaning
    assert top == pytest.approx(0.0, abs=1e-9) and top >= value(start)
    assert {round(e.multi, 4) for e in seen} >= {round(start.multi + d, 4) for d in (0.4, -0.4, 0.2, -0.2)}


def test_summary_mean_score_is_over_the_beads_written(tmp_path):
    """With --min-score 0.9 only beads at 0.9 or above are written, so their mean is at least 0.9."""
    out = tmp_path / "out.tsv"
    done = CliRunner().invoke(app, ["align", str(ZH_PATH), str(AR_PATH), "-o", str(out), "--min-score", "0.9"])
    assert done.exit_code == 0, done.output
    mean = float(re.search(r"mean score\s+([0-9.]+)", done.output).group(1))
    scores = [float(line.split("\t")[2]) for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert min(scores) >= 0.9
    assert mean == pytest.approx(sum(scores) / len(scores), abs=1e-3)
