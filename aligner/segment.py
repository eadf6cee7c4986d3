"""Cut cleaned lines into segments: speaker headings and sentences, repaired across page breaks."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from . import ar, zh
from .anchors import fold
from .layout import Reading, read
from .model import Line, Segment

LANGUAGES = {"zh": zh, "ar": ar}
# Text a PDF converter left without sentence punctuation can run for pages; a
# longer "sentence" is cut after its last comma, semicolon or space that fits,
# so that beads stay reviewable and the alignment DP keeps its pace.
MAX_SENTENCE = 2000
_SOFT_BREAK = re.compile(r"[,;，；、،؛]|\s")


@dataclass
class _Block:
    """A paragraph's lines glued into one run of text.

    The language rules read `text`, the folded form (anchors.fold: no bidi
    marks or tatweel, no presentation forms); segments are cut from `raw`, the
    verbatim text. `where` maps each offset of `text` to `raw`, `starts` maps
    offsets of `raw` back to lines, and `cuts` are the repairs (joints).
    """

    text: str = ""
    raw: str = ""
    where: list[int] = field(default_factory=list)
    starts: list[tuple[int, Line]] = field(default_factory=list)  # (raw offset, line)
    cuts: list[int] = field(default_factory=list)  # raw offsets where a repair glued two lines
    heading: int = 0  # length of a speaker heading at the start (in `text`)
    mark: str = ""
    offsets: list[int] = field(default_factory=list)  # the raw offsets of `starts`, for bisection
    pieces: list[tuple[str, str]] = field(default_factory=list)  # (raw, text) as added, joined by close()
    raw_length: int = 0

    def add(self, line: Line, glue: str, joint: bool = False) -> None:
        """Append a line with the glue the reader chose."""
        if self.raw_length:
            self._extend(glue, glue, range(len(glue)))
        if joint:
            self.cuts.append(self.raw_length)
        self.starts.append((self.raw_length, line))
        self.offsets.append(self.raw_length)
        self._extend(line.text, *fold(line.text))

    def _extend(self, raw: str, text: str, where: list[int] | range) -> None:
        self.where += [self.raw_length + w for w in where]
        self.pieces.append((raw, text))
        self.raw_length += len(raw)

    def close(self) -> None:
        """`raw` and `text` from the pieces added, joined once: adding each line to a string would
        copy the paragraph so far every time (quadratic in a paragraph of many thousand lines)."""
        self.raw = "".join(raw for raw, _ in self.pieces)
        self.text = "".join(text for _, text in self.pieces)

    def raw_offset(self, k: int) -> int:
        """Where a cut at offset k of `text` falls in `raw`; marks folding dropped stay with what precedes them."""
        if k == 0:
            return 0
        return self.where[k] if k < len(self.where) else len(self.raw)

    def lines_in(self, a: int, b: int) -> list[tuple[int, Line]]:
        """The lines raw[a:b] takes text from, each with the offset in raw[a:b] where its text starts.
        Found by bisection from the line holding offset a: a paragraph of many thousand lines (a
        list of numbered paragraphs read as one) stays linear to segment."""
        offsets = self.offsets
        out = []
        for i in range(max(0, bisect.bisect_right(offsets, a) - 1), len(offsets)):
            off, line = self.starts[i]
            if off >= b:
                break
            end = offsets[i + 1] if i + 1 < len(offsets) else len(self.raw)
            if end > a:
                out.append((max(0, off - a), line))
        return out

    def joints_in(self, a: int, b: int) -> tuple[int, ...]:
        return tuple(off - a for off in self.cuts[bisect.bisect_right(self.cuts, a):bisect.bisect_left(self.cuts, b)])


def _blocks(reading: Reading, lang: str) -> list[_Block]:
    """One block per paragraph the reader found, its lines glued as the reader said."""
    rules = LANGUAGES[lang]
    blocks = []
    for p in reading.paragraphs:
        b = _Block(mark="footnote" if p.kind == "footnote" else p.mark)
        b.add(p.lines[0], "")
        for line, join in zip(p.lines[1:], p.joins):
            b.add(line, join.glue, join.how == "repair")
        b.close()
        b.heading = 0 if b.mark in ("item", "footnote") else rules.match_heading(b.text)
        blocks.append(b)
    return blocks


_KINDS = {"item": "item", "footnote": "footnote"}


def segment(reading: Reading, lang: str) -> list[Segment]:
    """Segments of a document in source order, each knowing its source lines."""
    rules = LANGUAGES[lang]
    out: list[Segment] = []
    for block in _blocks(reading, lang):
        spans = []
        if block.heading:
            spans.append((0, block.heading, "heading"))
        kind = _KINDS.get(block.mark, "sentence")
        spans += [(a, b, kind) for s in rules.sentence_spans(block.text, block.heading) for a, b in _capped(block.text, *s)]
        if spans:  # the last span runs to the end, so marks folding dropped after it stay in it
            spans[-1] = (spans[-1][0], len(block.text), spans[-1][2])
        prose = rules.is_prose(block.text)  # a piece stops mid-sentence only in running text, not in a title
        for a, b, kind in spans:
            a, b = block.raw_offset(a), block.raw_offset(b)
            raw = block.raw[a:b]
            lead = len(raw) - len(raw.lstrip())
            a, b = a + lead, a + len(raw.rstrip())
            if a >= b:
                continue
            text = block.raw[a:b]
            folded = fold(text)[0]
            lines = block.lines_in(a, b)
            out.append(Segment(
                text=text,
                lines=tuple(dict.fromkeys(line.number for _, line in lines)),
                kind=kind,
                joints=block.joints_in(a, b),
                open_end=kind != "heading" and prose and not rules.is_final(folded),
                index=len(out),
                place=tuple(dict.fromkeys(line.place for _, line in lines)),
                line_starts=tuple(off for off, _ in lines),
            ))
    return out


def _capped(text: str, a: int, b: int, limit: int = MAX_SENTENCE) -> list[tuple[int, int]]:
    """text[a:b] as spans of at most `limit` characters, each cut after the last soft break that fits
    (anywhere, when none does)."""
    out = []
    while b - a > limit:
        cut = max((m.end() for m in _SOFT_BREAK.finditer(text, a, a + limit)), default=a + limit)
        out.append((a, cut))
        a = cut
    return out + [(a, b)]


def split_at_joints(seg: Segment, lang: str) -> list[Segment]:
    """The paragraph pieces of a repaired sentence, each ending open but the last.

    Alignment works on pieces: a page-break repair is only a hypothesis, and a
    piece may belong elsewhere when the converter put text out of order.
    """
    if not seg.joints or seg.kind == "heading":
        return [seg]
    rules, cuts = LANGUAGES[lang], (0, *seg.joints, len(seg.text))
    line_spans = list(zip(seg.line_starts, (*seg.line_starts[1:], len(seg.text)), seg.lines))
    out = []
    for k, (a, b) in enumerate(zip(cuts, cuts[1:])):
        text = seg.text[a:b].strip()
        if text:
            last = k == len(cuts) - 2
            lines = tuple(n for start, end, n in line_spans if start < b and end > a) or (seg.lines[-1],)
            out.append(Segment(text, lines, seg.kind, (), seg.open_end if last else not rules.is_final(fold(text)[0]),
                               place=(seg.place[min(k, len(seg.place) - 1)],)))
    return out


def segment_text(text: str, lang: str) -> list[Segment]:
    """Convenience: read and segment a whole text."""
    return segment(read(text, lang), lang)
