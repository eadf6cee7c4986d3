"""Cut cleaned lines into segments: speaker headings and sentences, repaired across page breaks."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import ar, zh
from .anchors import fold
from .model import Line, Segment

LANGUAGES = {"zh": zh, "ar": ar}
_GLUE = {"zh": "", "ar": " "}
# Text a PDF converter left without sentence punctuation can run for pages; a
# longer "sentence" is cut after its last comma, semicolon or space that fits,
# so that beads stay reviewable and the alignment DP keeps its pace.
MAX_SENTENCE = 2000
_SOFT_BREAK = re.compile(r"[,;，；、،؛]|\s")


@dataclass
class _Block:
    """Lines glued into one run of text.

    The language rules read `text`, the folded form (anchors.fold: no bidi
    marks or tatweel, no presentation forms); segments are cut from `raw`, the
    verbatim text. `where` maps each offset of `text` to `raw`, and `starts`
    maps offsets of `raw` back to lines.
    """

    text: str = ""
    raw: str = ""
    where: list[int] = field(default_factory=list)
    starts: list[tuple[int, int]] = field(default_factory=list)  # (raw offset, line number)
    heading: int = 0  # length of a speaker heading at the start (in `text`)
    mark: str = ""

    def add(self, line: Line, glue: str, folded: tuple[str, list[int]]) -> None:
        """Append a line, given with its fold."""
        if self.raw:
            self._extend(glue, glue, range(len(glue)))
        self.starts.append((len(self.raw), line.number))
        self._extend(line.text, *folded)

    def _extend(self, raw: str, text: str, where: list[int] | range) -> None:
        self.where += [len(self.raw) + w for w in where]
        self.text += text
        self.raw += raw

    def raw_offset(self, k: int) -> int:
        """Where a cut at offset k of `text` falls in `raw`; marks folding dropped stay with what precedes them."""
        if k == 0:
            return 0
        return self.where[k] if k < len(self.where) else len(self.raw)

    def lines_in(self, a: int, b: int) -> tuple[int, ...]:
        out = []
        for i, (off, n) in enumerate(self.starts):
            end = self.starts[i + 1][0] if i + 1 < len(self.starts) else len(self.raw)
            if off < b and end > a:
                out.append(n)
        return tuple(out)

    def joints_in(self, a: int, b: int) -> tuple[int, ...]:
        return tuple(off - a for off, _ in self.starts[1:] if a < off < b)


def _blocks(lines: list[Line], lang: str) -> list[_Block]:
    """Glue lines into blocks: a line of running text that stops without final
    punctuation continues on the next line (so does a speech whose first line
    is cut after the heading, and a sentence already running over a break)."""
    rules, glue = LANGUAGES[lang], _GLUE[lang]
    folds = [fold(line.text) for line in lines]
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        line, text = lines[i], folds[i][0]
        if line.mark != "item" and rules.heading_is_cut(text) and i + 1 < len(lines):
            joined = text + glue + folds[i + 1][0]
            if rules.match_heading(joined) > len(text):  # heading's tail on the next line
                b = _Block(mark=line.mark)
                b.add(line, glue, folds[i])
                b.add(lines[i + 1], glue, folds[i + 1])
                b.heading = rules.match_heading(b.text)
                blocks.append(b)
                i += 2
                continue
        heading = 0 if line.mark == "item" else rules.match_heading(text)
        prev = blocks[-1] if blocks else None
        continues = (
            prev is not None
            and not heading
            and not line.mark
            and prev.mark != "title"
            and len(prev.text) > prev.heading
            and (prev.heading or len(prev.starts) > 1 or rules.is_prose(prev.text))
            and not rules.is_final(prev.text)
        )
        if continues:
            prev.add(line, glue, folds[i])
        else:
            b = _Block(heading=heading, mark=line.mark)
            b.add(line, glue, folds[i])
            blocks.append(b)
        i += 1
    return blocks


def segment(lines: list[Line], lang: str) -> list[Segment]:
    """Segments of a document in source order, each knowing its source lines."""
    rules = LANGUAGES[lang]
    out: list[Segment] = []
    for block in _blocks(lines, lang):
        spans = []
        if block.heading:
            spans.append((0, block.heading, "heading"))
        kind = "item" if block.mark == "item" else "sentence"
        spans += [(a, b, kind) for s in rules.sentence_spans(block.text, block.heading) for a, b in _capped(block.text, *s)]
        if spans:  # the last span runs to the end, so marks folding dropped after it stay in it
            spans[-1] = (spans[-1][0], len(block.text), spans[-1][2])
        for a, b, kind in spans:
            a, b = block.raw_offset(a), block.raw_offset(b)
            raw = block.raw[a:b]
            lead = len(raw) - len(raw.lstrip())
            a, b = a + lead, a + len(raw.rstrip())
            if a >= b:
                continue
            text = block.raw[a:b]
            folded = fold(text)[0]
            out.append(Segment(
                text=text,
                lines=block.lines_in(a, b),
                kind=kind,
                joints=block.joints_in(a, b),
                open_end=kind != "heading" and rules.is_prose(folded) and not rules.is_final(folded),
                index=len(out),
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
    """The line pieces of a repaired sentence, each ending open but the last.

    Alignment works on pieces: a page-break repair is only a hypothesis, and a
    piece may belong elsewhere when the converter put text out of order.
    """
    if not seg.joints or seg.kind == "heading":
        return [seg]
    rules, cuts = LANGUAGES[lang], (0, *seg.joints, len(seg.text))
    out = []
    for k, (a, b) in enumerate(zip(cuts, cuts[1:])):
        text = seg.text[a:b].strip()
        if text:
            last = k == len(cuts) - 2
            out.append(Segment(text, (seg.lines[min(k, len(seg.lines) - 1)],), seg.kind, (),
                               seg.open_end if last else not rules.is_final(fold(text)[0])))
    return out


def segment_text(text: str, lang: str) -> list[Segment]:
    """Convenience: clean and segment a whole text."""
    from .read import lines_of

    return segment(lines_of(text), lang)
