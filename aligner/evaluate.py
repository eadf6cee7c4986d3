"""Score a predicted alignment against a reference ("gold") alignment.

Two alignments of one document rarely cut it into the same sentences, so the
comparison does not match bead texts. Every bead side is mapped to character
positions in a reference text (the source file, or else the gold's own texts
in order), ignoring whitespace and markdown marks, in the folded form matching
reads (anchors.fold: presentation forms folded, invisible marks dropped). Each side of a gold bead is
a *unit*. A predicted side stands for the gold units it covers by majority
(more than half of a unit's characters), which tolerates small differences
in where sentences were cut.

- **links**: the (Chinese unit, Arabic unit) pairs a bead asserts; a gold
  bead asserts one, a predicted bead every pair of the units its two sides
  stand for. Beads with an empty side assert no link.
- **beads**: a predicted bead is exact when the units of its two sides equal
  those of a gold bead (one-sided beads included: leaving a sentence
  unaligned can be right too).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from .anchors import fold
from .read import InputError, lines_of, read_utf8
from .records import is_meta

Pair = tuple[str, str]  # (Chinese text, Arabic text) of one bead

_IGNORED = re.compile(r"[\s*#]+")
# Text not found whole is placed piece by piece; shorter pieces occur almost
# anywhere, so placing them would add noise rather than evidence.
MIN_PIECE = 4
# Under this share of a language's predicted characters in sides found whole in the
# reference, the prediction is of another document (the same document scores near 1 with
# its sources, and about the gold's share of it without; another one under 0.01).
MIN_FOUND = 0.05
_TSV_UNESCAPES = {"t": "\t", "n": "\n", "r": "\r", "v": "\v", "f": "\f", "\\": "\\"}
_TSV_ESCAPE = re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|.)")


def significant(text: str) -> str:
    """The characters that count: no whitespace, no markdown `*` or `#`, and as matching reads
    them (anchors.fold), so that an alignment written with --normalise scores against the
    verbatim sources and gold: presentation forms folded, no invisible marks."""
    return _IGNORED.sub("", fold(text)[0])


def _tsv_unescape(cell: str) -> str:
    """The text write.tsv_field escaped."""
    def one(m: re.Match) -> str:
        code = m.group(1)
        return chr(int(code[1:], 16)) if len(code) > 1 else _TSV_UNESCAPES.get(code, m.group(0))

    return _TSV_ESCAPE.sub(one, cell)


def _read_jsonl(lines: list[tuple[int, str]], name: str) -> list[Pair]:
    pairs = []
    for n, line in lines:
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{name}:{n}: not JSON ({e.msg})") from None
        if is_meta(rec):
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("zh"), str) or not isinstance(rec.get("ar"), str):
            raise InputError(f"{name}:{n}: expected an object with text fields \"zh\" and \"ar\"")
        pairs.append((rec["zh"], rec["ar"]))
    return pairs


def _read_tsv(lines: list[tuple[int, str]], name: str) -> list[Pair]:
    header = lines[0][1].split("\t") if lines else []
    if "zh" not in header or "ar" not in header:
        raise InputError(f"{name}: the first row must be a header with columns zh and ar")
    zi, ai = header.index("zh"), header.index("ar")
    pairs = []
    for n, line in lines[1:]:
        cells = line.split("\t")
        if len(cells) != len(header):
            raise InputError(f"{name}:{n}: {len(cells)} columns, the header has {len(header)}")
        pairs.append((_tsv_unescape(cells[zi]), _tsv_unescape(cells[ai])))
    return pairs


def load_beads(path: str | Path) -> list[Pair]:
    """The (zh, ar) texts of the beads in one of our JSONL or TSV files (format from the extension)."""
    p = Path(path)
    readers = {".jsonl": _read_jsonl, ".json": _read_jsonl, ".tsv": _read_tsv}
    reader = readers.get(p.suffix.lower())
    if reader is None:
        raise InputError(f"{p}: cannot tell the format; name it .jsonl or .tsv")
    text = read_utf8(p)
    lines = text.replace("\r\n", "\n").split("\n")  # not splitlines(): text may hold U+2028
    pairs = reader([(n, line) for n, line in enumerate(lines, 1) if line.strip()], str(p))
    if not pairs:
        raise InputError(f"{p}: no beads")
    return pairs


class _Stream:
    """One language's reference text (significant characters only) in which bead sides are found.

    A side is placed at the occurrence nearest to where the previous one
    ended, since alignments run mostly in document order: a repeated "Thank
    you." lands on the right copy, and text the aligner moved is still found.
    Occurrences no earlier side has taken come first, as each piece of text
    belongs to one bead.
    """

    def __init__(self, text: str):
        self.text = text
        self.cursor = 0
        self._used = bytearray(len(text))  # positions already taken by a side
        self._grams = {text[i:i + MIN_PIECE] for i in range(len(text) - MIN_PIECE + 1)}

    def locate(self, chars: str) -> list[int]:
        """The positions of `chars`: whole if it occurs, else piece by piece
        (a bead may join sentences from different places; a side may differ
        slightly from the reference)."""
        start = self._place(chars)
        if start >= 0:
            return list(range(start, start + len(chars)))
        positions: list[int] = []
        i = 0
        while i < len(chars):
            n = self._longest_prefix(chars, i)
            if n:
                start = self._place(chars[i:i + n])
                positions += range(start, start + n)
                i += n
            else:
                i += 1
        return positions

    def _longest_prefix(self, chars: str, i: int) -> int:
        """Length of the longest piece of `chars` from `i` that occurs in the text, or 0 if under MIN_PIECE."""
        if chars[i:i + MIN_PIECE] not in self._grams:
            return 0
        lo, hi = MIN_PIECE, len(chars) - i
        while lo < hi:  # occurrence is monotone in the length: binary search
            mid = (lo + hi + 1) // 2
            if chars[i:i + mid] in self.text:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def _place(self, piece: str) -> int:
        """Start of the occurrence of `piece` to take (-1 if none): the nearest
        free one, else the nearest; the cursor moves to its end."""
        n = len(piece)
        start = self._nearest(piece, lambda s: not any(self._used[s:s + n]))
        if start < 0:
            start = self._nearest(piece, lambda s: True)
        if start >= 0:
            self._used[start:start + n] = b"\x01" * n
            self.cursor = start + n
        return start

    def _nearest(self, piece: str, ok: Callable[[int], bool]) -> int:
        """Start of the occurrence of `piece` nearest the cursor, either side, that passes `ok`; -1 if none."""
        after = self.text.find(piece, self.cursor)
        while after >= 0 and not ok(after):
            after = self.text.find(piece, after + 1)
        before = self.text.rfind(piece, 0, self.cursor)
        while before >= 0 and not ok(before):
            before = self.text.rfind(piece, 0, before + len(piece) - 1)
        if before < 0 or (after >= 0 and after - self.cursor <= self.cursor - before - len(piece)):
            return after
        return before


def _reference(gold_texts: list[str], source: str | None) -> str:
    """The text positions refer to: the cleaned source file, or the gold's own texts in order."""
    if source is None:
        return "".join(gold_texts)
    return significant("".join(line.text for line in lines_of(source)))


class _Units:
    """The gold units of one language and, for a predicted side, the units it stands for."""

    def __init__(self, gold_texts: list[str], source: str | None):
        self.reference = _reference(gold_texts, source)
        self.owner = [-1] * len(self.reference)  # position -> index of the gold bead whose side it is
        stream = _Stream(self.reference)
        for u, text in enumerate(gold_texts):
            for p in stream.locate(text):
                self.owner[p] = u
        self.size = Counter(u for u in self.owner if u >= 0)

    def mapped(self, texts: list[str]) -> list[frozenset[int]]:
        """For each predicted side, the gold units it covers more than half of."""
        stream = _Stream(self.reference)
        out = []
        for text in texts:
            covered = Counter(self.owner[p] for p in stream.locate(text))
            out.append(frozenset(u for u, c in covered.items() if u >= 0 and 2 * c > self.size[u]))
        return out


@dataclass
class PRF:
    """Precision, recall and F1 from counts."""

    correct: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Evaluation:
    links: PRF
    beads: PRF

    def as_dict(self) -> dict:
        return {"links": self.links.as_dict(), "beads": self.beads.as_dict()}


def _links(keys: set[tuple[frozenset[int], frozenset[int]]]) -> set[tuple[int, int]]:
    return {(z, a) for zs, as_ in keys for z in zs for a in as_}


def _found(texts: list[str], reference: str) -> float | None:
    """The share of the characters of `texts` in texts found whole in `reference` (None: no text)."""
    total = sum(map(len, texts))
    return sum(len(t) for t in texts if t and t in reference) / total if total else None


def _sides(gold: list[Pair], pred: list[Pair], k: int,
           source: str | None) -> tuple[list[frozenset[int]], list[frozenset[int]], float | None]:
    """Side `k` (0 zh, 1 ar) of every gold and every predicted bead as a set of gold units,
    and the share of the predicted text found in the reference (see _found)."""
    units = _Units([significant(pair[k]) for pair in gold], source)
    gold_sides = [frozenset({u}) if units.size[u] else frozenset() for u in range(len(gold))]
    texts = [significant(pair[k]) for pair in pred]
    return gold_sides, units.mapped(texts), _found(texts, units.reference)


def evaluate(gold: list[Pair], pred: list[Pair], zh_source: str | None = None, ar_source: str | None = None) -> Evaluation:
    """Link and bead precision/recall/F1 of `pred` against `gold` (see the module docstring).

    A source text, when given for a language, is the reference for its
    positions; it lets gold and prediction differ in what text they contain
    (a gold covering part of a document, say). A gold side absent from the
    reference is not a unit, and a bead with no unit on either side is not counted.

    Raises InputError when (almost) none of the predicted text is in the reference:
    a prediction of another document would otherwise just score 0.
    """
    zh_gold, zh_pred, zh_found = _sides(gold, pred, 0, zh_source)
    ar_gold, ar_pred, ar_found = _sides(gold, pred, 1, ar_source)
    shares = [f for f in (zh_found, ar_found) if f is not None]
    if shares and max(shares) < MIN_FOUND:
        where = "sources" if zh_source is not None or ar_source is not None else "gold"
        raise InputError(f"no predicted text found in the {where} "
                         f"({100 * max(shares):.1f} % of it): is the prediction of another document?")
    gold_keys = {key for key in zip(zh_gold, ar_gold) if any(key)}
    pred_keys = {key for key in zip(zh_pred, ar_pred) if any(key)}
    gold_links, pred_links = _links(gold_keys), _links(pred_keys)
    return Evaluation(
        links=PRF(len(gold_links & pred_links), len(pred_links), len(gold_links)),
        beads=PRF(len(gold_keys & pred_keys), len(pred_keys), len(gold_keys)),
    )
