"""Fit how the signals add up (aligner/data/evidence.json) from gold, with cross-validation.

    python bench/fit.py            # fit, cross-validate, write aligner/data/evidence.json and bench/fit.md

Two fits, each reported on data it was not fitted on:

1. **Evidence weights** (costs.Evidence: bias, length, anchors, meaning). Examples are
   beads over the gold units: every gold bead (a true pair) and its near misses, the
   beads a DP must reject (the Chinese with the next or previous Arabic, with one
   Arabic sentence too many or too few, with a random Arabic sentence of the same
   document). A logistic regression, classes weighted equally, with the shape prior,
   glue and list terms as fixed offsets. Fitted on the S/PV.7050 dev gold and measured
   by the aligner's F1 on FLORES, then the other way round; the weights kept are fitted
   on both.
2. **Calibration** (calibrate.Calibration): the aligner's beads on the gold documents
   are labelled exact or not by the reference scorer's rules, and a logistic map from a
   bead's evidence to the probability that it is exact is fitted on one set of documents
   and its expected calibration error measured on the other.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy  # noqa: E402
import golddocs  # noqa: E402

import aligner  # noqa: E402
from aligner import calibrate, costs  # noqa: E402
from aligner.align import Document, PairContext  # noqa: E402
from aligner.cues import features  # noqa: E402
from aligner.embed import embed  # noqa: E402
from aligner.layout import Reading  # noqa: E402
from aligner.lexicon import load  # noqa: E402
from aligner.model import Segment  # noqa: E402

ROOT = golddocs.ROOT
STRICT, FINER = 1, 2  # the two labels of labelled_beads
OUT = ROOT / "aligner" / "data" / "evidence.json"


def unit_context(doc: golddocs.GoldDoc, evidence: costs.Evidence) -> tuple[PairContext, dict, dict]:
    """A scoring context over the gold units taken as segments (one sentence each)."""
    lexicon = load()
    docs, segs = {}, {}
    for lang in ("zh", "ar"):
        units = getattr(doc, f"units_{lang}")
        seg_list = [Segment(u.text, (u.line,), index=k, chain=k) for k, u in enumerate(units)]
        segs[lang] = {u.id: s for u, s in zip(units, seg_list)}
        docs[lang] = Document(lang, seg_list, [features(s, lang, lexicon) for s in seg_list], [],
                              embed([s.text for s in seg_list]), Reading([], [], []))
    return PairContext(docs["zh"], docs["ar"], lexicon, evidence), segs["zh"], segs["ar"]


def examples(doc: golddocs.GoldDoc, seed: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, offsets, labels) of the gold beads and their near misses. Features per
    bead: length log-probability, anchor log-odds, meaning; the offset is the part of the
    score that is not fitted (shape prior, glue, list merges)."""
    ctx, zh, ar = unit_context(doc, costs.Evidence(bias=0.0, length=0.0, anchors=0.0, meaning=0.0))
    gold = [([zh[u] for u in b["zh"] if u in zh], [ar[u] for u in b["ar"] if u in ar]) for b in doc.beads]
    gold = [(z, a) for z, a in gold if z and a]
    rng = random.Random(seed)
    rows = []
    for k, (z, a) in enumerate(gold):
        rows.append((z, a, 1))
        near = [(z, gold[k + d][1]) for d in (-2, -1, 1, 2) if 0 <= k + d < len(gold)]
        if k + 1 < len(gold):
            near += [(z, a + gold[k + 1][1]), (z + gold[k + 1][0], a)]
        if len(a) > 1:
            near += [(z, a[:1]), (z, a[1:])]
        near.append((z, gold[rng.randrange(len(gold))][1]))
        rows += [(nz, na, 0) for nz, na in near if (nz, na) != (z, a)]
    x, offset, y = [], [], []
    for z, a, label in rows:
        shape = (len(z), len(a))
        if shape not in costs.SHAPE:
            continue
        prior, glue, merged, length, shared, mass, conflict, meaning = ctx.parts(z, a)
        x.append((length, costs.anchor_log_odds(shared, mass, conflict), meaning))
        offset.append(prior + glue * costs.OPEN_END_GLUE - merged * costs.LIST_MERGE)
        y.append(label)
    return np.array(x), np.array(offset), np.array(y, dtype=float)


def evidence_from(beta: np.ndarray) -> costs.Evidence:
    length, anchors, meaning, bias = (round(float(v), 4) for v in beta)
    return costs.Evidence(bias=bias, length=length, anchors=anchors, meaning=meaning)


def classifier(docs: list[golddocs.GoldDoc]) -> costs.Evidence:
    """Weights of a logistic regression telling gold beads from their near misses."""
    parts = [examples(d) for d in docs]
    x, offset, y = (np.concatenate([p[k] for p in parts]) for k in range(3))
    return evidence_from(calibrate.logistic(x, y, offset, balanced=True))


def objective(evidence: costs.Evidence, cases: dict) -> float:
    """Mean of link and bead F1 of the aligner over the cases."""
    got = accuracy.run({"evidence": evidence}, cases, reuse=True)
    return sum(m["link_f1"] + m["bead_f1"] for m in got.values()) / (2 * len(got))


STEPS = (0.5, 0.75, 1.33, 2.0)  # factors tried on each weight in turn


def fit_evidence(cases: dict, rounds: int = 2) -> tuple[costs.Evidence, float]:
    """The weights that align the cases best: from the classifier's weights, each weight in
    turn multiplied by each of STEPS while that raises the objective (coordinate search)."""
    best = classifier([doc for doc, _ in cases.values()])
    top = objective(best, cases)
    print("classifier", best, round(top, 4), flush=True)
    for _ in range(rounds):
        improved = False
        for name in ("meaning", "anchors", "length", "bias"):
            for step in STEPS:
                trial = replace(best, **{name: round(getattr(best, name) * step, 4)})
                value = objective(trial, cases)
                if value > top + 1e-4:
                    best, top, improved = trial, value, True
                    print("better", best, round(top, 4), flush=True)
        if not improved:
            break
    return best, top


def joined_or_summed(doc: golddocs.GoldDoc) -> dict:
    """How well the two ways of representing a bead of several sentences tell the gold beads
    of several sentences from their near misses (one sentence too many on a side): the sum
    of the sentences' vectors, or the vector of their joined text. AUC of the plain cosine."""
    ctx, zh, ar = unit_context(doc, costs.Evidence(margin=False))
    gold = [([zh[u] for u in b["zh"]], [ar[u] for u in b["ar"]]) for b in doc.beads if b["zh"] and b["ar"]]
    pos, neg = [], []
    for k, (z, a) in enumerate(gold):
        if len(z) + len(a) > 2:
            pos.append((z, a))
        if k + 1 < len(gold):
            neg += [(z, a + gold[k + 1][1]), (z + gold[k + 1][0], a)]

    def summed(z, a):
        return ctx.parts(z, a)[-1]

    def joined(z, a):
        v = embed([" ".join(s.text for s in z), " ".join(s.text for s in a)])
        return float(v[0] @ v[1])

    def auc(f):
        p, n = np.array([f(*b) for b in pos]), np.array([f(*b) for b in neg])
        return round(float((p[:, None] > n[None, :]).mean()), 4)

    return {"beads of several sentences": len(pos), "near misses": len(neg),
            "AUC, sum of vectors": auc(summed), "AUC, joined text": auc(joined)}


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
                    help="take the three sets of evidence weights from data/evidence.json's report instead of "
                         "searching again (the search takes most of the time); refit and re-measure the rest")
    args = ap.parse_args()
    meeting = golddocs.meeting(accuracy.ZH, accuracy.AR)
    fl = golddocs.flores()
    gold = {"dev": [(meeting, "0-213"), (golddocs.reading_order(meeting), "0-213")],
            "FLORES": [(fl, None), (golddocs.omitted(golddocs.displaced(fl)), None)]}
    report: dict = {"joined text or sum of vectors (dev gold)": joined_or_summed(meeting)}
    print(json.dumps(report, indent=1), flush=True)
    previous = json.loads(OUT.read_text(encoding="utf-8"))["report"] if args.reuse_weights else {}

    def weights_of(name: str, cases: dict) -> tuple[costs.Evidence, str]:
        if previous:
            return costs.Evidence(**previous[name]["weights"]), "taken from the previous fit (--reuse-weights)"
        found, value = fit_evidence(cases)
        return found, f"objective on its own data {value:.4f}"

    # 1. evidence weights, cross-validated between the meeting and FLORES
    docs = accuracy.cases()
    by_set = {name: {k: v for k, v in docs.items() if k.startswith(name)} for name in gold}
    fold_weights = {}
    for train, test in (("dev", "FLORES"), ("FLORES", "dev")):
        fold_weights[train], how = weights_of(f"fitted on {train}", by_set[train])
        report[f"fitted on {train}"] = {"weights": fold_weights[train].__dict__, "how": how,
                                        "held out": accuracy.run({"evidence": fold_weights[train]}, by_set[test], reuse=True)}
        print(json.dumps(report, indent=1), flush=True)
    final, how = weights_of("fitted on both", docs)
    report["fitted on both"] = {"weights": final.__dict__, "how": how, "not held out": accuracy.run({"evidence": final}, docs, reuse=True)}
    print(json.dumps(report, indent=1), flush=True)

    # 2. calibration, nested in the same folds: the weights and the calibration of a fold are both fitted on
    # its training documents, and measured on the beads of the other documents aligned with those weights
    # Labels at the finer grain (labelled_beads) are fitted; both labels are reported.
    def beads(name: str, evidence: costs.Evidence, label: int = FINER):
        return [(b[0], b[label]) for doc, only in gold[name] for b in labelled_beads(doc, only, evidence)
                if b[label] is not None]

    for train, test in (("dev", "FLORES"), ("FLORES", "dev")):
        cal = calibrate.fit(beads(train, fold_weights[train]))
        for label, how in ((FINER, "exact at the finer grain"), (STRICT, "exact by the scorer's rules")):
            report[f"calibration fitted on {train}, measured on {test}, {how}"] = calibration_report(
                cal, beads(test, fold_weights[train], label))
    every = beads("dev", final) + beads("FLORES", final)
    cal = calibrate.fit(every)
    report["calibration fitted on both, measured on both (not held out)"] = calibration_report(cal, every)
    print(json.dumps(report, indent=1), flush=True)

    OUT.write_text(json.dumps({"weights": final.__dict__, "calibration": cal.to_json(),
                               "made_by": "python bench/fit.py", "report": report}, indent=1) + "\n", encoding="utf-8")
    (ROOT / "bench" / "fit.md").write_text("# Fitted evidence weights and calibration\n\nMade by `python bench/fit.py`.\n\n```json\n"
                                           + json.dumps(report, indent=1) + "\n```\n", encoding="utf-8")


if __name__ == "__main__":
    main()
