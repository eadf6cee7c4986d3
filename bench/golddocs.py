"""Gold documents for measuring accuracy: the shared gold, and the same text laid out
another way (in reading order, or with paragraphs displaced as a misread two-column page
would leave them), with the gold units' character offsets carried over so that the
reference scorer (../shared/eval/score.py) can score alignments of the new text."""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
FLORES = EVAL / "flores"
UNPC = EVAL / "unpc_dev"
_FINAL = re.compile(r"[.!؟?:)»\"]\s*$")


@dataclass
class Unit:
    id: int
    line: int
    start: int
    end: int
    text: str


@dataclass
class GoldDoc:
    """Both texts, the gold units of each (offsets into these texts) and the gold beads."""

    zh: str
    ar: str
    units_zh: list[Unit]
    units_ar: list[Unit]
    beads: list[dict]

    def write(self, folder: Path) -> tuple[Path, Path]:
        """The texts and a gold folder for score.py; returns the paths of the two texts."""
        folder.mkdir(parents=True, exist_ok=True)
        for lang in ("zh", "ar"):
            (folder / f"{lang}.txt").write_text(getattr(self, lang), encoding="utf-8")
            rows = [f"{u.id}\t{u.line}\t{u.start}\t{u.end}\t{u.text}\n" for u in getattr(self, f"units_{lang}")]
            (folder / f"units_{lang}.tsv").write_text("".join(rows), encoding="utf-8")
        (folder / "beads.jsonl").write_text("".join(json.dumps(b) + "\n" for b in self.beads), encoding="utf-8")
        return folder / "zh.txt", folder / "ar.txt"


def load_units(path: Path) -> list[Unit]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        i, ln, a, b, text = line.split("\t", 4)
        out.append(Unit(int(i), int(ln), int(a), int(b), text))
    return out


def load_beads(folder: Path) -> list[dict]:
    beads = []
    for path in sorted(folder.glob("*beads*.jsonl")):
        beads += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return beads


def meeting(zh_path: Path, ar_path: Path) -> GoldDoc:
    """The S/PV.7050 dev gold as extracted."""
    return GoldDoc(zh_path.read_text(encoding="utf-8"), ar_path.read_text(encoding="utf-8"),
                   load_units(EVAL / "units_zh.tsv"), load_units(EVAL / "units_ar.tsv"), load_beads(EVAL))


def shared_set(folder: Path) -> GoldDoc:
    """A development set laid out as documents with gold (FLORES, the UNPC development set)."""
    return GoldDoc((folder / "zh.txt").read_text(encoding="utf-8"), (folder / "ar.txt").read_text(encoding="utf-8"),
                   load_units(folder / "units_zh.tsv"), load_units(folder / "units_ar.tsv"), load_beads(folder))


def flores() -> GoldDoc:
    return shared_set(FLORES)


def unpc() -> GoldDoc:
    """The UN Parallel Corpus v1.0 development set: 4,000 sentences of 732 UN documents."""
    return shared_set(UNPC)


def _lay_out(lines: list[list[Unit]]) -> tuple[str, list[Unit]]:
    """A text of the given lines of units (units joined by a space, lines by a blank line),
    with the units' new offsets and line numbers."""
    parts, units, pos = [], [], 0
    for n, line in enumerate(lines):
        texts = []
        for k, u in enumerate(line):
            if k:
                texts.append(" ")
                pos += 1
            units.append(Unit(u.id, 2 * n + 1, pos, pos + len(u.text), u.text))
            texts.append(u.text)
            pos += len(u.text)
        parts.append("".join(texts))
        pos += 2
    return "\n\n".join(parts) + "\n", sorted(units, key=lambda u: u.id)


def _paragraphs(units) -> list[list[Unit]]:
    """The units grouped by source line (paragraph), lines and units in text order."""
    by_line: dict[int, list[Unit]] = {}
    for u in units:
        by_line.setdefault(u.line, []).append(u)
    return [sorted(by_line[k], key=lambda u: u.start) for k in sorted(by_line)]


def reading_order(doc: GoldDoc) -> GoldDoc:
    """The Arabic re-ordered to follow the Chinese gold beads; units outside the gold keep
    their source order after it. Units of one source line stay on one line, and a unit
    that ends mid-sentence is followed on its line by its continuation in the same bead."""
    by_id = {u.id: u for u in doc.units_ar}
    order, bead_of = [], {}
    for n, b in enumerate(doc.beads):
        for u in b["ar"]:
            if u not in bead_of:
                order.append(u)
                bead_of[u] = n
    order += [u for u in sorted(by_id) if u not in bead_of]
    lines: list[list[Unit]] = []
    prev = None
    for u in order:
        unit = by_id[u]
        same = prev is not None and bead_of.get(prev, -1) == bead_of.get(u, -2) and not _FINAL.search(by_id[prev].text)
        if lines and (unit.line == by_id[prev].line or same):
            lines[-1].append(unit)
        else:
            lines.append([unit])
        prev = u
    text, units = _lay_out(lines)
    return GoldDoc(doc.zh, text, doc.units_zh, units, doc.beads)


def displaced(doc: GoldDoc, seed: int = 7, page: int = 12, share: float = 0.5) -> GoldDoc:
    """The Arabic as a converter that misreads two-column pages leaves it: the paragraphs
    (source lines) are cut into pages of `page` paragraphs; on a `share` of the pages,
    chosen at random with `seed`, the second column is read before the first (the page's
    paragraphs from a random point in its middle half come first)."""
    paragraphs = _paragraphs(doc.units_ar)
    rng = random.Random(seed)
    out: list[list[Unit]] = []
    for p0 in range(0, len(paragraphs), page):
        block = paragraphs[p0:p0 + page]
        if len(block) >= 4 and rng.random() < share:
            cut = rng.randint(len(block) // 4, 3 * len(block) // 4)
            block = block[cut:] + block[:cut]
        out += block
    text, units = _lay_out(out)
    return GoldDoc(doc.zh, text, doc.units_zh, units, doc.beads)


def torn(doc: GoldDoc, seed: int = 7, page: int = 12, share: float = 0.5) -> GoldDoc:
    """The Arabic as a converter leaves a two-column page whose column break falls
    mid-sentence: the sentence's head ends one column and its tail opens the next, on a
    line of its own, and when the second column is read first the tail comes before the
    head, a column apart. The paragraphs are cut into pages of `page`; on every page of
    at least 4, a gold sentence of 6 words or more (translated: its bead has Chinese) in a
    paragraph of the page's middle half is torn between words in its middle half, the head
    keeping its id and the tail taking a new one, next to the head in every gold bead; on
    a `share` of the pages, chosen at random with `seed`, the second column is read first."""
    paragraphs = _paragraphs(doc.units_ar)
    translated = {u for b in doc.beads if b["zh"] for u in b["ar"]}
    rng = random.Random(seed)
    new_id = max(u.id for u in doc.units_ar)
    tail_of: dict[int, int] = {}
    out: list[list[Unit]] = []
    for p0 in range(0, len(paragraphs), page):
        block = paragraphs[p0:p0 + page]
        n = len(block)
        candidates = [(i, k) for i in range(n // 4, n - n // 4) for k, u in enumerate(block[i])
                     if u.id in translated and len(u.text.split()) >= 6] if n >= 4 else []
        if candidates:
            i, k = rng.choice(candidates)
            unit = block[i][k]
            words = [m.start() for m in re.finditer(r"\S+", unit.text)]
            at = words[rng.randint((len(words) + 3) // 4, 3 * len(words) // 4)]
            new_id += 1
            tail_of[unit.id] = new_id
            head = Unit(unit.id, unit.line, unit.start, unit.start + at, unit.text[:at].rstrip())
            tail = Unit(new_id, unit.line, unit.start + at, unit.end, unit.text[at:])
            first, second = block[:i] + [block[i][:k] + [head]], [[tail] + block[i][k + 1:]] + block[i + 1:]
            block = second + first if rng.random() < share else first + second
        out += block
    text, units = _lay_out(out)
    beads = [dict(b, ar=[v for u in b["ar"] for v in (u, tail_of.get(u)) if v is not None]) for b in doc.beads]
    return GoldDoc(doc.zh, text, doc.units_zh, units, beads)


def omitted(doc: GoldDoc, seed: int = 11, share: float = 0.04) -> GoldDoc:
    """The Arabic with a `share` of its one-to-one gold sentences left out, chosen at random
    with `seed`, as a translation that drops a sentence would: their Chinese sentences
    then have no counterpart (gold beads with an empty Arabic side)."""
    rng = random.Random(seed)
    dropped = {b["ar"][0] for b in doc.beads if len(b["zh"]) == 1 and len(b["ar"]) == 1 and rng.random() < share}
    text, units = _lay_out(_paragraphs(u for u in doc.units_ar if u.id not in dropped))
    beads = [dict(b, ar=[u for u in b["ar"] if u not in dropped]) for b in doc.beads]
    return GoldDoc(doc.zh, text, doc.units_zh, units, beads)
