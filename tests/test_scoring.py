"""The numpy scorer (aligner.scoring) against the bead-by-bead definition (aligner.costs.bead_score)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import costs
from aligner.align import PairContext, chains, prepare
from aligner.dp import BEADS, band_limits, cell_offsets, full_limits
from aligner.scoring import SPAN, _span_cosines, band_tables, length_logprobs


@pytest.fixture(scope="module")
def context(zh_text, ar_text, lexicon) -> PairContext:
    return PairContext(prepare(zh_text, "zh", lexicon), prepare(ar_text, "ar", lexicon), lexicon)


def _pieces(ctx: PairContext, turn: int, lang: str) -> list:
    doc = ctx.zh if lang == "zh" else ctx.ar
    return doc.turns[turn].segments


def test_band_scorer_matches_bead_score_on_every_cell(context):
    """Every bead the DP may ask for, in a long turn of the sample (lists of states, numbers,
    pieces cut at page breaks), scores as costs.bead_score scores it, to 1e-6."""
    turn = max(range(min(len(context.zh.turns), len(context.ar.turns))), key=lambda t: len(context.zh.turns[t].segments))
    zu, au = _pieces(context, turn, "zh"), _pieces(context, turn, "ar")
    limits = band_limits(len(zu), len(au), 8)
    fast, offsets = band_tables(context, [(zu, au, limits)])[0], cell_offsets(limits)
    checked = 0
    for i, (lo, hi) in enumerate(limits):
        for j in range(lo, hi + 1):
            for dz, da in BEADS:
                if i < dz or j < da:
                    continue
                zs, as_ = zu[i - dz:i], au[j - da:j]
                if not zs or not as_:
                    expected = context.evidence.skipped(dz + da)
                else:
                    shape = (len(chains(zs)), len(chains(as_)))
                    expected = costs.bead_score(shape, context.side("zh", zs), context.side("ar", as_), context.model,
                                               context.evidence)
                got = fast[dz, da][offsets[i] + j - lo]
                assert got == expected if math.isinf(expected) else got == pytest.approx(expected, abs=1e-6)
                checked += 1
    assert checked > 2000


def test_problems_scored_together_score_as_each_alone(context):
    """band_tables scores many problems in shared blocks: turns in bands, and small local
    problems over every cell (as recovery asks), come out as each scored alone."""
    problems = []
    for turn in range(1, 9):
        zu, au = _pieces(context, turn, "zh"), _pieces(context, turn, "ar")
        problems.append((zu, au, band_limits(len(zu), len(au), 8)))
        problems.append((zu[:3], au[1:5], full_limits(len(zu[:3]), len(au[1:5]))))
    together = band_tables(context, problems)
    for problem, got in zip(problems, together):
        (alone,) = band_tables(context, [problem])
        assert got.keys() == alone.keys() == set(BEADS)
        for bead in BEADS:
            assert len(got[bead]) == cell_offsets(problem[2])[-1]
            assert np.allclose(got[bead], alone[bead], rtol=0, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 600), st.integers(0, 1500), st.floats(1.0, 4.0), st.floats(1.0, 12.0))
def test_length_logprobs_match_the_exact_formula(zh_len, ar_len, ratio, variance):
    model = costs.LengthModel(ratio, variance)
    got = length_logprobs(np.array([zh_len], dtype=float), np.array([ar_len], dtype=float), model)[0]
    assert got == pytest.approx(costs.length_logprob(zh_len, ar_len, model), abs=1e-7)


@pytest.mark.parametrize("lang", ["zh", "ar"])
def test_growth_bound_is_never_below_the_real_gain(context, sample_alignment, lang):
    """Recovery skips a candidate move when costs.growth_bounds says it cannot gain enough,
    so the bound must hold for every piece joining every bead: checked on the sample's
    beads, with the pieces of the beads around each."""
    beads = [b for b in sample_alignment.beads if b.zh and b.ar]
    other = "ar" if lang == "zh" else "zh"
    checked = 0
    for k, b in enumerate(beads):
        same, rest = (b.zh, b.ar) if lang == "zh" else (b.ar, b.zh)
        parts = context.parts(b.zh, b.ar)
        before = costs.bead_total(context.evidence, *parts)
        same_side, other_side = context.side(lang, same), context.side(other, rest)
        pieces, gains = [], []
        for near in beads[max(0, k - 3):k + 4]:
            for p in (near.zh if lang == "zh" else near.ar):
                if p in same:
                    continue
                grown = sorted([*same, p], key=lambda s: s.index)
                after = context.score(grown, b.ar) if lang == "zh" else context.score(b.zh, grown)
                pieces.append(context.single(lang, p))
                gains.append(after - before)
        if pieces:
            bounds = costs.growth_bounds(context.evidence, [parts] * len(pieces), pieces,
                                         [same_side] * len(pieces), [other_side] * len(pieces))
            assert (np.array(gains) <= bounds + 1e-9).all(), k
            checked += len(pieces)
    assert checked > 1000


def test_growth_bounds_of_many_candidates_are_each_their_own(context, sample_alignment):
    """costs.growth_bounds scores candidates of different beads and pieces at once: each
    bound is the one it gets alone (the arrays do not mix candidates up)."""
    beads = [b for b in sample_alignment.beads if b.zh and b.ar][:40]
    parts = [context.parts(b.zh, b.ar) for b in beads]
    pieces = [context.single("zh", beads[(k + 7) % len(beads)].zh[0]) for k in range(len(beads))]
    sames = [context.side("zh", b.zh) for b in beads]
    others = [context.side("ar", b.ar) for b in beads]
    together = costs.growth_bounds(context.evidence, parts, pieces, sames, others)
    alone = [costs.growth_bounds(context.evidence, [x], [p], [s], [o])[0]
             for x, p, s, o in zip(parts, pieces, sames, others)]
    assert together.tolist() == pytest.approx(alone, abs=1e-12)
    assert len(set(np.round(together, 6).tolist())) > 30


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 6), st.integers(0, 6), st.integers(0, 2**32 - 1))
def test_span_cosines_are_those_of_the_summed_vectors(rows, cols, seed):
    """scoring._span_cosines never forms a span's vector; its cosines are those of the spans'
    summed vectors, zeros past the end and for a span that sums to nothing (an empty text)."""
    rng = np.random.default_rng(seed)
    zu, au = rng.standard_normal((rows, 8)), rng.standard_normal((cols, 8))
    if rows:
        zu[rng.integers(rows)] = 0.0
    got = _span_cosines(zu, au)
    assert got.shape == (SPAN * rows, SPAN * cols)
    for k in range(1, SPAN + 1):
        for m in range(1, SPAN + 1):
            for r in range(rows):
                for c in range(cols):
                    z, a = zu[r:r + k].sum(axis=0), au[c:c + m].sum(axis=0)
                    past = r + k > rows or c + m > cols
                    zz, aa = np.linalg.norm(z), np.linalg.norm(a)
                    expected = 0.0 if past or not zz or not aa else float(z @ a) / (zz * aa)
                    assert got[(k - 1) * rows + r, (m - 1) * cols + c] == pytest.approx(expected, abs=1e-12)
