"""Fit the bead model (aligner/data/evidence.json) on gold, with cross-validation across genres.

    python bench/fit.py            # fit, cross-validate, write aligner/data/evidence.json and bench/fit.md

Two fits, each reported on data it was not fitted on:

1. **Bead model weights** (costs.Evidence). The DP's path is the best sum of bead scores,
   so the weights are judged by the path they give: a coordinate search on the aligner's
   own link and bead F1 (reference scorer), each structural weight in turn (skip, a
   sentence omitted inside a paragraph, extra sentences, several on both sides, glue,
   paragraph breaks crossed and their mismatch, bias) moved by STEPS while that raises the mean over the fitting cases. The signal
   weights (length, anchors, meaning) stay as the earlier logistic fit on gold beads and
   their near misses left them (the search moves only what that fit did not see: how beads
   compete on a path). Cross-validation leaves one set out at a time (the S/PV.7050 dev
   gold, FLORES, the UNPC development set): fitted on the other two, measured on it. The
   search on all three is shipped only if every fold's weights paid on the set left out;
   else the starting weights stay.
2. **Calibration** (calibrate.Calibration): the aligner's beads on the gold documents
   are labelled exact or not by the reference scorer's rules, and a logistic map from a
   bead's evidence to the probability that it is exact is fitted on the sets a fold
   trains on and its expected calibration error measured on the set it leaves out.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy  # noqa: E402
import golddocs  # noqa: E402

import aligner  # noqa: E402
from aligner import calibrate, costs  # noqa: E402

ROOT = golddocs.ROOT
STRICT, FINER = 1, 2  # the two labels of labelled_beads
OUT = ROOT / "aligner" / "data" / "evidence.json"
STRUCTURE = ("skip", "omitted", "extra", "multi", "glue", "paragraphs", "mismatch", "bias")  # the weights searched
STEPS = (0.4,)  # additive moves of a weight (one size: each trial aligns every fitting case again)


_SCORED: dict = {}  # (weights, case) -> the case's link and bead F1: the folds' searches pass the same points


def objective(evidence: costs.Evidence, cases: dict) -> float:
    """Mean of link and bead F1 of the aligner over the cases."""
    total = 0.0
    for name, case in cases.items():
        key = (repr(evidence), name)
        if key not in _SCORED:
            m = accuracy.run({"evidence": evidence}, {name: case}, reuse=True)[name]
            _SCORED[key] = m["link_f1"] + m["bead_f1"]
        total += _SCORED[key]
    return total / (2 * len(cases))


def _mean(scores: dict) -> float:
    """Mean link and bead F1 of accuracy.run's cases."""
    return sum(m["link_f1"] + m["bead_f1"] for m in scores.values()) / (2 * len(scores))


def coordinate_search(start: costs.Evidence, value, names=STRUCTURE, steps=STEPS) -> tuple[costs.Evidence, float]:
    """The weights that maximise `value` (a function of an Evidence), from `start`: for each
    step size in turn, each weight moved up or down by it while that raises the value by
    more than rounding (first improvement kept; a weight that moved is tried again)."""
    best, top = start, value(start)
    for step in steps:
        for name in names:
            moved = True
            while moved:
                moved = False
                for sign in (1, -1):
                    trial = replace(best, **{name: round(getattr(best, name) + sign * step, 4)})
                    got = value(trial)
                    if got > top + 1e-4:
                        best, top, moved = trial, got, True
                        print(f"  {name} -> {getattr(best, name)}: {top:.4f}", flush=True)
                        break
    return best, top


def _scorer():
    spec = importlib.util.spec_from_file_location("reference_score", golddocs.EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def labelled_beads(doc: golddocs.GoldDoc, only: str | None, evidence: costs.Evidence):
    """The aligner's beads on a gold document, each as (its evidence (calibrate.features),
    exact by the reference scorer's rules, exact at a finer grain), a label None where
    that way of judging does not judge the bead; beads outside the gold's scope are
    left out.

    The scorer maps a bead to the gold units holding the majority of its characters, so a
    gold unit the aligner splits into two sentences, each aligned with its own translation
    inside the same gold bead (FLORES: one English sentence translated as two), maps to
    nothing or to one side only, and counts as wrong. The gold cannot judge below its
    units; the finer label counts such a bead exact when every bead touching that gold
    bead's units lies inside it, two-sided, and together they touch all its units."""
    ref = _scorer()
    result = aligner.align(doc.zh, doc.ar, evidence=evidence, check=False)
    zloc, aloc = ref.Locator(doc.zh), ref.Locator(doc.ar)
    zlen = {u.id: u.end - u.start for u in doc.units_zh}
    alen = {u.id: u.end - u.start for u in doc.units_ar}
    zown = {c: u.id for u in doc.units_zh for c in range(u.start, u.end)}
    aown = {c: u.id for u in doc.units_ar for c in range(u.start, u.end)}
    gold = {(frozenset(b["zh"]), frozenset(b["ar"])) for b in doc.beads}
    if only:
        lo, hi = map(int, only.split("-"))
        gold = {b for b in gold if b[0] and lo <= min(b[0]) <= hi}
    zscope = set().union(*(z for z, _ in gold))
    ascope = set().union(*(a for _, a in gold))
    home = {("zh", u): g for g in gold for u in g[0]} | {("ar", v): g for g in gold for v in g[1]}
    located = []
    for bead in result.beads:
        zc = zloc.locate(bead.zh_text)[0] if bead.zh else set()
        ac = aloc.locate(bead.ar_text)[0] if bead.ar else set()
        touched = {("zh", zown[c]) for c in zc if c in zown} | {("ar", aown[c]) for c in ac if c in aown}
        located.append((bead, ref.units_of(zc, zlen, zown), ref.units_of(ac, alen, aown), touched))
    inside: dict = {}  # gold bead -> whether each bead touching its units lies inside it, two-sided
    covered: dict = {}  # gold bead -> the units touched by beads lying inside it
    for bead, _, _, touched in located:
        homes = {home.get(t) for t in touched}
        for g in homes - {None}:
            inside.setdefault(g, []).append(bool(bead.zh and bead.ar) and homes == {g})
        if len(homes) == 1 and None not in homes:
            covered.setdefault(next(iter(homes)), set()).update(touched)
    split_right = {g for g, flags in inside.items()
                   if all(flags) and covered[g] == {("zh", u) for u in g[0]} | {("ar", v) for v in g[1]}}
    out = []
    for bead, z, a, touched in located:
        judged = not ((z and not z <= zscope) or (not z and not (a and a <= ascope)))  # as the scorer judges
        strict = float((z, a) in gold) if judged else None
        finer = 1.0 if touched and {home.get(t) for t in touched} <= split_right else strict
        if finer is not None:
            out.append((bead.evidence, strict, finer))
    return out


def calibration_report(cal: calibrate.Calibration, data) -> dict:
    """ECE and the precision and recall of --min-score 0.5 and 0.9 on labelled beads."""
    p = np.array([cal.probability(f) for f, _ in data])
    y = np.array([label for _, label in data], dtype=float)
    report = {"beads": len(y), "exact": int(y.sum()), "ece": round(calibrate.expected_calibration_error(p, y), 4)}
    for t in (0.5, 0.9):
        kept = p >= t
        report[f"precision@{t}"] = round(float(y[kept].mean()), 4) if kept.any() else None
        report[f"recall@{t}"] = round(float(y[kept].sum() / max(y.sum(), 1)), 4)
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reuse-weights", action="store_true",
                    help="take the weights of every fold from data/evidence.json's report instead of "
                         "searching again (the search takes most of the time); refit and re-measure the rest")
    args = ap.parse_args()
    sets = accuracy.sets()
    fitting = {name: {k: v for k, v in cases.items() if k in accuracy.FITTED} for name, cases in sets.items()}
    previous = json.loads(OUT.read_text(encoding="utf-8"))["report"] if args.reuse_weights else {}
    start = costs.fitted()
    report: dict = {"start": start.__dict__}

    def weights_of(name: str, cases: dict) -> tuple[costs.Evidence, str]:
        if previous:
            return costs.Evidence(**previous[name]["weights"]), "taken from the previous fit (--reuse-weights)"
        print(name, flush=True)
        found, value = coordinate_search(start, lambda e: objective(e, cases))
        return found, f"objective on its own fitting cases {value:.4f}"

    # 1. bead model weights, leaving one set out at a time
    fold_weights = {}
    for held in sets:
        train = {k: v for name, cases in fitting.items() if name != held for k, v in cases.items()}
        key = "fitted on " + " and ".join(n for n in sets if n != held)
        fold_weights[held], how = weights_of(key, train)
        report[key] = {"weights": fold_weights[held].__dict__, "how": how, "held out": {
            "before": accuracy.run({"evidence": start}, sets[held], reuse=True),
            "after": accuracy.run({"evidence": fold_weights[held]}, sets[held], reuse=True)}}
        print(json.dumps(report[key], indent=1), flush=True)
    every = {k: v for cases in fitting.values() for k, v in cases.items()}
    found, how = weights_of("fitted on all", every)
    # the search's moves are kept only if they paid on every set it did not see; else the start stays
    pays = all(_mean(report[k]["held out"]["after"]) >= _mean(report[k]["held out"]["before"])
               for k in report if k.startswith("fitted on "))
    final = found if pays else start
    report["fitted on all"] = {"weights": found.__dict__, "how": how, "kept": pays}
    report["shipped"] = {"weights": final.__dict__, "why": "the search's weights (they paid on every held-out set)" if pays
                         else "the starting weights: the search's moves did not pay on every held-out set",
                         "not held out": accuracy.run({"evidence": final}, {k: v for c in sets.values() for k, v in c.items()},
                                                      reuse=True)}
    print(json.dumps(report["shipped"], indent=1), flush=True)

    # 2. calibration, nested in the same folds: the weights and the calibration of a fold are both fitted on
    # its training sets, and measured on the beads of the set left out, aligned with those weights.
    # Labels at the finer grain (labelled_beads) are fitted; both labels are reported.
    # FLORES displaced with 4 % of its Arabic sentences left out gives the one-sided beads true examples
    # (sentences that have no counterpart), which no other case has
    calibrating = {name: dict(cases) for name, cases in fitting.items()}
    flores = sets["FLORES"]["FLORES, reading order"][0]
    calibrating["FLORES"]["FLORES, displaced, 4 % omitted"] = (golddocs.omitted(golddocs.displaced(flores)), None)

    def beads(names, evidence: costs.Evidence, label: int = FINER):
        return [(b[0], b[label]) for name in names for doc, only in calibrating[name].values()
                for b in labelled_beads(doc, only, evidence) if b[label] is not None]

    for held in sets:
        cal = calibrate.fit(beads([n for n in sets if n != held], fold_weights[held]))
        for label, how in ((FINER, "exact at the finer grain"), (STRICT, "exact by the scorer's rules")):
            report[f"calibration measured on {held} (held out), {how}"] = calibration_report(
                cal, beads([held], fold_weights[held], label))
    labelled = beads(list(sets), final)
    cal = calibrate.fit(labelled)
    report["calibration fitted on all, measured on all (not held out)"] = calibration_report(cal, labelled)
    print(json.dumps(report, indent=1), flush=True)

    OUT.write_text(json.dumps({"weights": final.__dict__, "calibration": cal.to_json(),
                               "made_by": "python bench/fit.py", "report": report}, indent=1) + "\n", encoding="utf-8")
    (ROOT / "bench" / "fit.md").write_text("# Fitted bead model and calibration\n\nMade by `python bench/fit.py`.\n\n```json\n"
                                           + json.dumps(report, indent=1) + "\n```\n", encoding="utf-8")


if __name__ == "__main__":
    main()
