"""The library API: `align(zh_text, ar_text) -> Alignment`, and the stages it chains."""
from __future__ import annotations

import contextlib
import gc
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from . import calibrate, costs, embed
from .background import Background
from .cache import BoundedCache
from .cues import Features, Side, Weights, combine, features, side
from .dp import Tables, band_limits, best_path
from .guard import check_pair, require_complete
from .layout import Reading, read
from .lexicon import Lexicon, load
from .model import Alignment, Bead, Segment, Turn, paragraph_break, runs_on, same_sentence
from .recover import mark_moves, reading_sort, recover_displaced
from .segment import segment, split_at_joints
from .turns import align_turns, meeting_record, name_speakers, one_part, split_turns

SENTENCE_BAND = 8  # sentences a path may stray from the diagonal of a turn (beyond the length difference)
REFIT_PASSES = (False, True)  # a first pass, then one with the length model refitted on its confident beads
_CONFIDENT = 0.8  # beads at or above this confidence refit the length model
FIT_PAIRS = 1_000  # confident pairs the first pass stops at: the fit changes no more (a long document need not be aligned twice)
SCORE_CACHE = 200_000  # bead scores remembered (memory stays bounded on long documents)
SIDE_CACHE = 4_000  # scorer sides remembered
FORK_MIN_CHARS = 20_000  # Arabic characters from which preparing it in a child process pays

# Told of each stage's advance, e.g. progress("aligning turns", 12, 80): a long run can show a bar.
# Stages in order: "segmenting", "aligning turns", "recovery" (the CLI adds "reading" and "writing").
Progress = Callable[[str, int, int], None]


def _silent(stage: str, done: int, total: int) -> None:
    """The progress callback when nobody watches."""


@dataclass
class Document:
    """One side, segmented, with the features of each segment."""

    lang: str
    segments: list[Segment]
    feats: list[Features]
    turns: list[Turn]
    vectors: object = field(compare=False)  # numpy array: each segment's sentence vector (embed.embed)
    reading: Reading  # what the reader made of the layout: dropped furniture, notes


def prepare(text: str, lang: str, lexicon: Lexicon, share: tuple[float, float] = (0.0, 1.0)) -> Document:
    """Read the layout, segment, extract features, split into turns, embed each segment once
    (only those of `share`, embed.embed_share: the other process of prepare_pair does the rest)."""
    reading, segs = _pieces(text, lang)
    turns = split_turns(segs, lang)
    name_speakers(turns, lang, lexicon)
    vectors = embed.embed_share([s.text for s in segs], *share)
    return Document(lang, segs, [features(s, lang, lexicon) for s in segs], turns, vectors, reading)


def _pieces(text: str, lang: str) -> tuple[Reading, list[Segment]]:
    """The layout read, and the text cut into numbered pieces (sentences split at joints)."""
    segs = []
    reading = read(text, lang)
    for sentence in segment(reading, lang):
        for piece in split_at_joints(sentence, lang):
            piece.index, piece.chain = len(segs), sentence.index
            segs.append(piece)
    return reading, segs


class PairContext:
    """What bead scoring needs for one document pair."""

    def __init__(self, zh: Document, ar: Document, lexicon: Lexicon, evidence: costs.Evidence | None = None,
                 fork: bool = False):
        self.zh, self.ar, self.lexicon = zh, ar, lexicon
        self.fork = fork  # a stage may fork a child for part of its work (aligner.background)
        self.evidence = evidence or costs.fitted()
        self.hubness, self.nearest = {}, {}  # per language: each segment's hubness and best cosine (embed.neighbours)
        for lang, mine, other in (("zh", zh, ar), ("ar", ar, zh)):
            self.hubness[lang], self.nearest[lang] = embed.neighbours(mine.vectors, other.vectors)
        self.weights = Weights(zh.feats, ar.feats, lexicon)
        zl = sum(f.length for f in zh.feats) or 1
        al = sum(f.length for f in ar.feats) or 1
        self.model = costs.LengthModel(ratio=al / zl)

        self._sides: dict[str, list[Side | None]] = {"zh": [None] * len(zh.segments), "ar": [None] * len(ar.segments)}
        self._scoring_sides: BoundedCache = BoundedCache(SIDE_CACHE)
        self._tables: dict = {}  # per language, its scoring.SegmentTable, built when a scorer first needs it
        self._parts = BoundedCache(SCORE_CACHE)  # bead parts under the length model self._scored_with
        self._scored_with: costs.LengthModel | None = None
        self.turn_cache: dict[tuple, list] = {}
        self.zh_turn: dict[int, int] = {}  # Chinese segment -> its aligned turn
        self.speakers: dict[int, tuple[str, str]] = {}  # aligned turn -> its two headings

    def side(self, lang: str, segs: list[Segment]) -> Side | None:
        """The weighted side of a bead, from cached single-segment sides (memory stays linear)."""
        if not segs:
            return None
        got = combine([self.single(lang, s) for s in segs])
        if len(segs) > 1:
            got.open_ends = sum(s.open_end for s in segs[:-1])
            got.breaks = sum(paragraph_break(p, s) for p, s in zip(segs, segs[1:]))
        return got

    def single(self, lang: str, seg: Segment) -> Side:
        """The weighted side of one segment (cached)."""
        got = self._sides[lang][seg.index]
        if got is None:
            doc = self.zh if lang == "zh" else self.ar
            got = self._sides[lang][seg.index] = side([doc.feats[seg.index]], self.weights)
            got.meaning, got.hub, got.count = doc.vectors[seg.index], float(self.hubness[lang][seg.index]), 1  # a view: no copy
        return got

    def scoring_side(self, lang: str, segs: list[Segment], remember: bool = True):
        """One side of a numpy scorer, scoring.ScoringSide; remembered (the passes over a turn
        share sides) unless `remember` is false (a batch of candidates, seen once)."""
        from .scoring import ScoringSide, SegmentTable  # see tables()

        if lang not in self._tables:
            self._tables[lang] = SegmentTable(self, lang)
        if not remember:
            return ScoringSide(self._tables[lang], segs)
        key = (lang, tuple(s.index for s in segs))
        got = self._scoring_sides.get(key)
        return got if got is not None else self._scoring_sides.put(key, ScoringSide(self._tables[lang], segs))

    def tables(self, problems: list) -> list[Tables]:
        """The DP's score tables of each problem (Chinese units, Arabic units, limits), all
        scored at once by scoring.band_tables. numpy and the scorer are imported here, on
        first use: the CLI has forked by then (aligner.background), so the child preparing
        the Arabic starts without them, and this process loads them while it waits."""
        from .scoring import band_tables

        return band_tables(self, problems)

    def score(self, zs: list[Segment], as_: list[Segment], remember: bool = True) -> float:
        """Bead score; its shape counts the sentences (repaired across breaks) on each side."""
        return costs.bead_total(self.evidence, *self.parts(zs, as_, remember))

    def parts(self, zs: list[Segment], as_: list[Segment], remember: bool = True) -> costs.Parts:
        """costs.bead_parts of a two-sided bead. Beads are remembered (recovery asks for the
        same ones again and again); candidates tried once are not (`remember=False`)."""
        if self._scored_with is not self.model:
            self._parts, self._scored_with = BoundedCache(SCORE_CACHE), self.model
        key = (tuple([s.index for s in zs]), tuple([s.index for s in as_]))
        got = self._parts.get(key)
        if got is None:
            shape = (len(chains(zs)), len(chains(as_)))
            got = costs.bead_parts(shape, self.side("zh", zs), self.side("ar", as_), self.model, self.evidence.margin)
            if remember:
                self._parts.put(key, got)
        return got

    def bead(self, zs: list[Segment], as_: list[Segment], turn: int, speakers: tuple[str, str]) -> Bead:
        score = costs.confidence(self.score(zs, as_)) if zs and as_ else 0.0
        return Bead(list(zs), list(as_), round(score, 4), turn, *speakers)


def chains(segs: list[Segment]) -> list[list[Segment]]:
    """Group pieces into sentences: a piece that stops mid-sentence runs on into the next."""
    out: list[list[Segment]] = []
    for s in segs:
        prev = out[-1][-1] if out else None
        if prev is not None and same_sentence(prev, s):
            out[-1].append(s)
        else:
            out.append([s])
    return out


def align_run(ctx: PairContext, zs: list[Segment], as_: list[Segment]) -> list[tuple[list[Segment], list[Segment]]]:
    """Monotone alignment of two runs of pieces. The DP's units are pieces, not sentences:
    a sentence the reader repaired across a break (or a piece that stops mid-sentence and
    the one after it) is only a hypothesis, which a bead confirms by taking the pieces
    together (its shape counts the sentences they make, and each joint kept earns the glue
    weight) or undoes by splitting them between beads."""
    if not zs or not as_:
        return [([s], []) for s in zs] + [([], [s]) for s in as_]
    limits = band_limits(len(zs), len(as_), SENTENCE_BAND)
    path = best_path(len(zs), len(as_), ctx.tables([(zs, as_, limits)])[0], limits)
    return [(zs[i0:i1], as_[j0:j1]) for i0, i1, j0, j1 in path]


def _split_heading(segs: list[Segment]) -> tuple[list[Segment], list[Segment]]:
    if segs and segs[0].kind == "heading":
        return segs[:1], segs[1:]
    return [], segs


def align_turn_pair(ctx: PairContext, zs: list[Segment], as_: list[Segment]) -> list[tuple[list[Segment], list[Segment]]]:
    """Headings pair with each other; the bodies are aligned sentence by sentence.

    Results are remembered per length model, so a turn recovery left as it was
    is not aligned again."""
    key = (ctx.model, tuple(s.index for s in zs), tuple(s.index for s in as_))
    if key not in ctx.turn_cache:
        ctx.turn_cache[key] = _align_turn_pair(ctx, zs, as_)
    return ctx.turn_cache[key]


def _align_turn_pair(ctx: PairContext, zs: list[Segment], as_: list[Segment]) -> list[tuple[list[Segment], list[Segment]]]:
    zh_head, zh_body = _split_heading(zs)
    ar_head, ar_body = _split_heading(as_)
    out = []
    if zh_head and ar_head:
        out.append((zh_head, ar_head))
    else:
        zh_body, ar_body = zh_head + zh_body, ar_head + ar_body
    return out + align_run(ctx, zh_body, ar_body)


def _speaker_text(turns: list[Turn]) -> str:
    return turns[0].speaker.heading if turns and turns[0].speaker else ""


def realign(ctx: PairContext, beads: list[Bead]) -> list[Bead]:
    """Align again, monotonically, turn by turn, with the Arabic in the order recovery found.

    Recovery decides where each Arabic piece belongs; this pass decides the bead
    boundaries there as the monotone aligner does on text in reading order.
    Chinese pieces stay in their own turn, in source order: the output follows
    the Chinese, so its side of every bead reads as one run.
    """
    turns: dict[int, tuple[list[Segment], list[Segment]]] = {}
    current = min(ctx.speakers) if ctx.speakers else 0
    for b in beads:
        if b.zh:
            current = ctx.zh_turn[min(s.index for s in b.zh)]
        for s in b.zh:
            turns.setdefault(ctx.zh_turn[s.index], ([], []))[0].append(s)
        turns.setdefault(current, ([], []))[1].extend(b.ar)
    out = []
    for t in sorted(turns):
        zs, as_ = turns[t]
        zs.sort(key=lambda s: s.index)
        out += [ctx.bead(bz, ba, t, ctx.speakers[t]) for bz, ba in align_turn_pair(ctx, zs, as_)]
    return out


def absorb_sandwiched(ctx: PairContext, beads: list[Bead]) -> list[Bead]:
    """Sentences left alone between two aligned beads, in the same paragraph (or sentence) as
    their neighbour there, are part of that bead: translators seldom drop whole sentences of a
    paragraph (Evidence.omitted). A run of them (one language's) joins the two neighbours,
    split where the grown beads score best, if that scores better than the run left alone; a
    bead may grow past the DP's shapes here (each sentence more weighs as the bead model says),
    as when one long sentence is translated as five. A Chinese and an Arabic sentence alone
    side by side there become one bead when it scores better than the two left alone."""
    out: list[Bead] = []
    k = 0
    while k < len(beads):
        side = _lone_side(beads[k])
        if side is None:
            out.append(beads[k])
            k += 1
            continue
        crossed = _pair_of_lone(ctx, out[-1] if out else None, beads[k:k + 2], beads[k + 2] if k + 2 < len(beads) else None)
        if crossed is not None:
            out.append(crossed)
            k += 2
            continue
        end = k + 1
        while end < len(beads) and _lone_side(beads[end]) == side:
            end += 1
        prev, nxt = (out[-1] if out else None), (beads[end] if end < len(beads) else None)
        grown = None
        if prev is not None and nxt is not None and prev.zh and prev.ar and nxt.zh and nxt.ar:
            grown = _absorb_run(ctx, prev, [getattr(b, side)[0] for b in beads[k:end]], nxt, side)
        if grown is None:
            out += beads[k:end]
            k = end
        else:
            out[-1:] = grown
            k = end + 1  # the next bead is replaced by its grown self
    return out


def _pair_of_lone(ctx: PairContext, prev: Bead | None, lone: list[Bead], nxt: Bead | None) -> Bead | None:
    """A Chinese and an Arabic sentence left alone side by side between two beads, each in the
    paragraph of a neighbour there, as one bead, if the bead model scores it above the two
    omitted (the DP left them apart; with the prior against omissions they may be a pair)."""
    if len(lone) < 2 or prev is None or nxt is None or {_lone_side(b) for b in lone} != {"zh", "ar"}:
        return None
    zh, ar = (lone[0].zh or lone[1].zh)[0], (lone[0].ar or lone[1].ar)[0]
    if not all(runs_on(getattr(prev, lang)[-1], seg) or runs_on(seg, getattr(nxt, lang)[0])
               for lang, seg in (("zh", zh), ("ar", ar)) if getattr(prev, lang) and getattr(nxt, lang)):
        return None
    if ctx.score([zh], [ar]) <= ctx.evidence.omitted_inside(2):
        return None
    return ctx.bead([zh], [ar], prev.turn, (prev.speaker_zh, prev.speaker_ar))


def _lone_side(b: Bead) -> str | None:
    """The language of a bead holding one sentence of one language only."""
    return "zh" if len(b.zh) == 1 and not b.ar else "ar" if len(b.ar) == 1 and not b.zh else None


def _absorb_run(ctx: PairContext, prev: Bead, run: list[Segment], nxt: Bead, side: str) -> list[Bead] | None:
    """prev and nxt grown by the run (its head joining prev, its tail nxt, each in the same
    paragraph or sentence: model.runs_on), at the split the bead model scores best; None if leaving the run alone
    scores better (the DP's comparison, past its shapes, with the prior against a sentence
    omitted inside a paragraph: Evidence.omitted)."""
    best, best_value = None, ctx.score(prev.zh, prev.ar) + ctx.score(nxt.zh, nxt.ar) + ctx.evidence.omitted_inside(len(run))
    for cut in range(len(run) + 1):
        head, tail = run[:cut], run[cut:]
        if head and not all(runs_on(a, b) for a, b in zip([getattr(prev, side)[-1], *head], head)):
            continue
        if tail and not all(runs_on(a, b) for a, b in zip(tail, [*tail[1:], getattr(nxt, side)[0]])):
            continue
        pair = [_grown(ctx, prev, [*getattr(prev, side), *head], side) if head else prev,
                _grown(ctx, nxt, [*tail, *getattr(nxt, side)], side) if tail else nxt]
        value = sum(ctx.score(b.zh, b.ar) for b in pair)
        if value > best_value:
            best, best_value = pair, value
    return best


def _grown(ctx: PairContext, target: Bead, segs: list[Segment], side: str) -> Bead:
    zs, as_ = (segs, target.ar) if side == "zh" else (target.zh, segs)
    bead = ctx.bead(zs, as_, target.turn, (target.speaker_zh, target.speaker_ar))
    bead.moved = target.moved
    return bead


def _fit_pairs(ctx: PairContext, beads: list[Bead]) -> list[tuple[int, int]]:
    """(zh length, ar length) of the confident one-to-one sentence beads: what the length model is fitted on."""
    return [(ctx.zh.feats[b.zh[0].index].length, ctx.ar.feats[b.ar[0].index].length)
            for b in beads if b.type == "1-1" and b.score >= _CONFIDENT and b.zh[0].kind == "sentence"]


def align_documents(zh: Document, ar: Document, lexicon: Lexicon, recover: bool = True,
                    progress: Progress | None = None, evidence: costs.Evidence | None = None,
                    calibration: calibrate.Calibration | None = None, fork: bool = False) -> Alignment:
    """Turns first, then sentences inside each pair of turns (two passes: the
    second with the length model refitted on the first pass's confident beads),
    then recovery of displaced fragments. `evidence` weighs the signals (by
    default as fitted: costs.fitted); `calibration` turns bead scores into probabilities
    (calibrate.fitted by default). With `fork`, recovery scores its first round of
    candidates on two cores (recover._match_runs); the result is the same."""
    tell = progress or _silent
    ctx = PairContext(zh, ar, lexicon, evidence, fork)
    if not meeting_record(zh.turns, ar.turns):
        zh.turns, ar.turns = one_part(zh.turns), one_part(ar.turns)
    turn_pairs = align_turns(zh.turns, ar.turns, ctx.model.ratio)
    beads: list[Bead] = []
    steps = len(REFIT_PASSES) * len(turn_pairs)
    for n, refit in enumerate(REFIT_PASSES):
        if refit:
            ctx.model = costs.LengthModel.estimate(_fit_pairs(ctx, beads), ctx.model)
        beads, fit = [], 0
        for t, (zi, ai) in enumerate(turn_pairs):
            tell("aligning turns", n * len(turn_pairs) + t, steps)
            if not refit and fit >= FIT_PAIRS:
                break  # a first pass only fits the length model: enough pairs for that
            zturns, aturns = [zh.turns[i] for i in zi], [ar.turns[j] for j in ai]
            zs = [s for tr in zturns for s in tr.segments]
            as_ = [s for tr in aturns for s in tr.segments]
            speakers = ctx.speakers[t] = (_speaker_text(zturns), _speaker_text(aturns))
            ctx.zh_turn.update((s.index, t) for s in zs)
            turn_beads = [ctx.bead(bz, ba, t, speakers) for bz, ba in align_turn_pair(ctx, zs, as_)]
            beads += turn_beads
            fit += len(_fit_pairs(ctx, turn_beads))
    tell("aligning turns", steps, steps)
    moves: list[dict] = []
    if recover:
        tell("recovery", 0, 1)
        beads = realign(ctx, recover_displaced(ctx, beads))
        tell("recovery", 1, 1)
    beads = absorb_sandwiched(ctx, beads)
    if recover:
        for b in beads:
            b.ar = reading_sort(b.ar)
        moves = mark_moves(beads)
    calibration = calibration or calibrate.fitted()
    for b in beads:  # scores as probabilities of being exactly right (aligner.calibrate)
        b.evidence = calibrate.features(ctx, b)
        b.score = round(calibration.probability(b.evidence), 4)
    matched = sum(1 for zi, ai in turn_pairs if zi and ai)
    dropped = {"zh": len(zh.reading.dropped), "ar": len(ar.reading.dropped)}
    return Alignment(beads, len(zh.turns), len(ar.turns), matched, moves, dropped, zh.reading.notes + ar.reading.notes)


def prepare_pair(zh_text: str, ar_text: str, lexicon: Lexicon, fork: bool = True,
                 meanwhile: Callable[[], None] | None = None, progress: Progress | None = None) -> tuple[Document, Document]:
    """Both sides prepared. With `fork`, a long Arabic text is prepared in a forked child
    (aligner.background: two cores, one pair) while this process runs `meanwhile` (such
    as the same-document check, which may raise to stop) and prepares the Chinese. The
    encoder's work is shared between the two as encoding_shares says, with or without a
    fork (the encoder's rounding depends on which sentences it takes together)."""
    tell = progress or _silent
    cut = encoding_shares(zh_text, ar_text)
    mine = {lang: (0.0, cut[lang]) for lang in cut}
    theirs = {lang: (cut[lang], 1.0) for lang in cut}
    with Background(fork and len(ar_text) >= FORK_MIN_CHARS, _prepare_part, ar_text, "ar", zh_text, lexicon,
                    theirs) as job, _collector_paused():
        tell("segmenting", 0, 2)
        if meanwhile:
            meanwhile()
        zh, ar_part = _prepare_part(zh_text, "zh", ar_text, lexicon, mine)
        tell("segmenting", 1, 2)
        importlib.import_module(".scoring", __package__)  # numpy and the scorer load while the child finishes
        ar, zh_part = job.result()
        tell("segmenting", 2, 2)
    for doc, (part, vectors) in ((zh, zh_part), (ar, ar_part)):
        doc.vectors[part] = vectors
    return zh, ar


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while a pair is prepared (as in the child, background.py): its
    passes cost the preparing process about 0.1 s on the sample, one full pass over the
    lexicon and the modules half of it, and preparing makes few reference cycles; those it
    makes are collected after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# Work per character of the raw text (µs, measured on S/PV.7050, one process per language): encoding,
# segmenting (with turns), features; and of both texts, the same-document check the command line runs in the Chinese
# process meanwhile. They share the encoder's work of a pair between the two processes of prepare_pair. The Chinese
# process spends about 0.1 s more in the pair than these say (the fork; its share of the Arabic encoded with a cold
# tokenizer; CPU seconds of both processes measured at shares of the Arabic from 0.06 to 0.14): ZH_EXTRA.
WORK_PER_CHAR = {"zh": (23.0, 1.4, 2.5), "ar": (10.7, 0.7, 2.3)}
CHECK_PER_CHAR = 0.6
ZH_EXTRA = 100_000


def encoding_shares(zh_text: str, ar_text: str) -> dict[str, float]:
    """For each language, the fraction of its text (by characters, from the start) the
    Chinese process of prepare_pair encodes; the Arabic process encodes the rest. Each
    process prepares its own language, and whichever has more work hands the start or
    the end of its encoding to the other, which segments that text too, so that both
    finish together. Estimated from the lengths alone, so the same with or without a fork."""
    (ez, sz, fz), (ea, sa, fa) = WORK_PER_CHAR["zh"], WORK_PER_CHAR["ar"]
    zl, al = max(len(zh_text), 1), max(len(ar_text), 1)
    surplus = al * (ea + sa + fa) - zl * (ez + sz + fz) - (zl + al) * CHECK_PER_CHAR - ZH_EXTRA  # beyond the Chinese process's
    if surplus > 0:  # the Chinese process encodes the start of the Arabic
        return {"zh": 1.0, "ar": min(1.0, max(0.0, (surplus - al * sa) / (2 * ea * al)))}
    return {"zh": 1.0 - min(1.0, max(0.0, (-surplus - zl * sz) / (2 * ez * zl))), "ar": 0.0}


def _prepare_part(text: str, lang: str, other_text: str, lexicon: Lexicon,
                  shares: dict[str, tuple[float, float]]) -> tuple[Document, tuple[slice, object]]:
    """One process's part of prepare_pair: its language prepared, encoding only its share
    (the other rows zeros); and its share of the other language: (the segments, their vectors)."""
    doc = prepare(text, lang, lexicon, shares[lang])
    other = "ar" if lang == "zh" else "zh"
    start, stop = shares[other]
    texts = [s.text for s in _pieces(other_text, other)[1]] if stop > start else []
    part = embed.share(texts, start, stop)
    return doc, (part, embed.embed(texts[part]))


def align(zh_text: str, ar_text: str, *, recover: bool = True, lexicon: Lexicon | None = None,
          fork: bool = True, progress: Progress | None = None, check: bool = True,
          evidence: costs.Evidence | None = None) -> Alignment:
    """Align the Chinese and Arabic versions of one UN document (with `fork`, preparing
    the two sides at once on two cores: see prepare_pair). `progress`, if given, is told
    of each stage's advance (see Progress); `evidence` weighs the signals (costs.Evidence:
    as fitted by default, or with one left out).

    With `check` (the default) the texts first get the command line's checks, and
    bad ones raise aligner.InputError or a subclass (aligner.errors): not a str,
    blank, in the wrong language or swapped, not the same document, one cut short.

    >>> a = align("主席（以英语发言）：我宣布会议开始。", "الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة.")
    >>> [b.type for b in a.beads]
    ['1-1', '1-1']
    """
    if check:
        check_pair(zh_text, ar_text)
    lexicon = lexicon or load()
    result = align_documents(*prepare_pair(zh_text, ar_text, lexicon, fork, progress=progress), lexicon, recover,
                             progress, evidence, fork=fork)
    if check:
        require_complete(result.beads)  # a file cut short shows only once aligned
    return result
