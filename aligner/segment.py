"""Cut cleaned lines into segments: speaker headings and sentences, repaired across page breaks."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import ar, zh
from .model import Line, Segment

LANGUAGES = {"zh": zh, "ar": ar}
_GLUE = {"zh": "", "ar": " "}


@dataclass
class _Block:
    """Lines glued into one run of text; `starts` maps offsets back to lines."""

    text: str = ""
    starts: list[tuple[int, int]] = field(default_factory=list)  # (offset, line number)
    heading: int = 0  # length of a speaker heading at the start
    mark: str = ""

    def add(self, line: Line, glue: str) -> None:
        if self.text:
            self.text += glue
        self.starts.append((len(self.text), line.number))
        self.text += line.text

    def lines_in(self, a: int, b: int) -> tuple[int, ...]:
        out = []
        for i, (off, n) in enumerate(self.starts):
            end = self.starts[i + 1][0] if i + 1 < len(self.starts) else len(self.text)
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
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.mark != "item" and rules.heading_is_cut(line.text) and i + 1 < len(lines):
            joined = line.text + glue + lines[i + 1].text
            if rules.match_heading(joined) > len(line.text):  # heading's tail on the next line
                b = _Block(mark=line.mark)
                b.add(line, glue)
                b.add(lines[i + 1], glue)
                b.heading = rules.match_heading(b.text)
                blocks.append(b)
                i += 2
                continue
        heading = 0 if line.mark == "item" else rules.match_heading(line.text)
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
            prev.add(line, glue)
        else:
            b = _Block(heading=heading, mark=line.mark)
            b.add(line, glue)
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
        spans += [(a, b, kind) for a, b in rules.sentence_spans(block.text, block.heading)]
        for a, b, kind in spans:
            raw = block.text[a:b]
            lead = len(raw) - len(raw.lstrip())
            a, b = a + lead, a + len(raw.rstrip())
            if a >= b:
                continue
            text = block.text[a:b]
            out.append(Segment(
                text=text,
                lines=block.lines_in(a, b),
                kind=kind,
                joints=block.joints_in(a, b),
                open_end=kind != "heading" and rules.is_prose(text) and not rules.is_final(text),
                index=len(out),
            ))
    return out


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
                               seg.open_end if last else not rules.is_final(text)))
    return out


def segment_text(text: str, lang: str) -> list[Segment]:
    """Convenience: clean and segment a whole text."""
    from .read import lines_of

    return segment(lines_of(text), lang)
