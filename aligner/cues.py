"""Features of a segment that survive translation: length and anchors.

Anchors are strings shared by both languages once extracted: document symbols
("s:S/2013/588"), numbers ("n:2013", "n:67/264", "n:m10" for a month), Latin
words ("l:bouaida") and lexicon entries ("c:17"). Each anchor gets a weight
from its kind and its rarity in the document pair, so a lone "1" or the word
"cooperation" in every sentence counts for little and a symbol counts a lot.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from . import anchors, ar, zh
from .lexicon import NAME_KINDS, Lexicon
from .model import Segment

_SPACE = re.compile(r"\s+")
_KIND_WEIGHT = {"s": 4.0, "r": 4.0, "l": 2.0, "n": 2.0, "c": 1.0}
_NAME_WEIGHT = 2.0
_ENTRY_MAX = {"zh": 30, "ar": 70}  # characters of a list entry: a state and a name or two


@dataclass(slots=True)
class Features:
    length: int  # characters without spaces
    anchors: Counter  # anchor -> count
    names: frozenset[int]  # lexicon ids of states and organisations named
    entry: bool = False  # a list entry: a short line naming one state (member lists, sponsors)


def features(seg: Segment, lang: str, lexicon: Lexicon) -> Features:
    """Length and anchors of one segment, read from its folded form (no bidi marks, tatweel or
    presentation forms; full-width letters and digits as ASCII)."""
    text = anchors.fold(seg.text)[0]
    found: Counter = Counter()
    for s in anchors.symbols(text):
        found["s:" + s] += 1
    for w in anchors.latin_words(text):
        found["l:" + w] += 1
    for n in (zh.numbers(text) if lang == "zh" else ar.numbers(text)):
        found["n:" + n] += 1
    ids = lexicon.zh_ids(text) if lang == "zh" else lexicon.ar_ids(text)
    for i in ids:
        found[f"c:{i}"] += 1
    names = frozenset(i for i in ids if lexicon.entries[i].kind in NAME_KINDS)
    length = len(_SPACE.sub("", text))
    states = {i for i in names if lexicon.entries[i].kind in ("state", "observer")}
    entry = len(states) == 1 and length <= _ENTRY_MAX[lang]
    return Features(length, found, names, entry)


def number_weight(anchor: str) -> float:
    """Small numbers match by chance; years, amounts and fractions rarely do."""
    value = anchor[2:]
    if value.startswith("m") or "/" in value or "." in value:
        return 1.0
    digits = value.lstrip("0")
    if len(digits) <= 1:
        return 0.3
    if len(digits) == 2:
        return 0.7
    return 1.5


class Weights:
    """Anchor weights for one document pair: kind x rarity (inverse document frequency)."""

    def __init__(self, zh_feats: list[Features], ar_feats: list[Features], lexicon: Lexicon):
        df: Counter = Counter()
        for f in zh_feats:
            df.update(f.anchors.keys())
        for f in ar_feats:
            df.update(f.anchors.keys())
        n = len(zh_feats) + len(ar_feats) + 1
        self._weights: dict[str, float] = {}
        for a, count in df.items():
            kind = a[0]
            w = _KIND_WEIGHT.get(kind, 1.0)
            if kind == "n":
                w *= number_weight(a)
            elif kind == "c" and lexicon.entries[int(a[2:])].kind in NAME_KINDS:
                w = _NAME_WEIGHT
            self._weights[a] = w * math.log(n / count)  # rare anchors count more
        self.ids = {a: k for k, a in enumerate(sorted(self._weights))}  # for the numpy scorer's columns

    def __getitem__(self, anchor: str) -> float:
        return self._weights.get(anchor, 0.0)


@dataclass(slots=True)
class Side:
    """One side of a bead, weighted: anchor -> count x weight, its total, names, length."""

    vector: dict[str, float]
    mass: float
    names: frozenset[int]
    length: int
    open_ends: int = 0  # fragments ending mid-sentence glued to what follows inside the side
    entries: int = 0  # list entries in the side (each names its own state)
    meaning: object = None  # the sum of its segments' sentence vectors (numpy), when embedded
    hub: float = 0.0  # the sum of its segments' hubness (embed.hubness)
    count: int = 0  # the segments summed in `meaning` and `hub`
    breaks: int = 0  # paragraph breaks between its segments that no sentence runs across


def side(feats: list[Features], weights: Weights) -> Side:
    """The weighted side made of one or more segments' features."""
    vector: dict[str, float] = {}
    for f in feats:
        for a, c in f.anchors.items():
            w = weights[a]
            if w > 0:
                vector[a] = vector.get(a, 0.0) + c * w
    names = feats[0].names if len(feats) == 1 else frozenset().union(*(f.names for f in feats))
    return Side(vector, sum(vector.values()), names, sum(f.length for f in feats), 0, sum(f.entry for f in feats))


def combine(parts: list[Side]) -> Side:
    """Several weighted sides taken as one (the side of a 2-1 or 1-3 bead)."""
    if len(parts) == 1:
        return parts[0]
    vector = dict(parts[0].vector)
    for p in parts[1:]:
        for a, v in p.vector.items():
            vector[a] = vector.get(a, 0.0) + v
    meanings = [p.meaning for p in parts if p.meaning is not None]
    return Side(vector, sum(p.mass for p in parts), frozenset().union(*(p.names for p in parts)),
                sum(p.length for p in parts), 0, sum(p.entries for p in parts),
                sum(meanings[1:], meanings[0].astype(float)) if meanings else None,  # summed in float64
                sum(p.hub for p in parts), sum(p.count for p in parts))


def shared_weight(z: Side, a: Side) -> float:
    """Weight of the anchors found on both sides (the smaller count of each)."""
    zv, av = z.vector, a.vector
    if len(zv) > len(av):
        zv, av = av, zv
    shared = 0.0
    for k, u in zv.items():
        v = av.get(k)
        if v is not None:
            shared += u if u < v else v
    return shared


def shared_gain(piece: Side, same: Side, other: Side) -> float:
    """How much the shared anchor weight of a bead (sides `same` and `other`) grows when
    `piece` joins `same`: each of its anchors matches what `other` has left unmatched."""
    sv, ov = same.vector, other.vector
    if ov.keys().isdisjoint(piece.vector):
        return 0.0  # most candidates: nothing in common
    gain = 0.0
    for k, p in piece.vector.items():
        free = ov.get(k, 0.0) - sv.get(k, 0.0)
        if free > 0:
            gain += p if p < free else free
    return gain
