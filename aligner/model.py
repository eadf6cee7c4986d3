"""Plain data passed between the pipeline stages."""
from __future__ import annotations

from dataclasses import dataclass, field

from .glue import join_text


@dataclass(frozen=True)
class Line:
    """One non-empty source line after cleaning: verbatim text minus markdown marks."""

    number: int  # 1-based line number in the source file
    text: str
    mark: str = ""  # "title" for a markdown heading, "item" for a list bullet, "footnote"
    place: int = 0  # the paragraph it belongs to, counted by the reader (the same whatever the line layout)


@dataclass
class Segment:
    """A sentence (or a heading, or a list entry) of one language.

    `lines` are the source line numbers it was taken from (`line_starts`: where
    each begins in `text`); a sentence wrapped or repaired across a page break
    spans two or more lines. `joints` are the offsets in `text` where a repair
    glued two paragraphs together: a later stage may cut the segment there
    again when the two halves belong to different places. `place` counts
    paragraphs, not lines: positions that do not depend on the line layout.
    """

    text: str
    lines: tuple[int, ...]
    kind: str = "sentence"  # "sentence", "heading" or "item" (list entry)
    joints: tuple[int, ...] = ()
    open_end: bool = False  # ends without sentence-final punctuation
    index: int = -1  # position in the document's segment list
    chain: int = -1  # the repaired sentence this piece belongs to (pieces share it)
    place: tuple[int, ...] = ()  # the paragraphs it spans (one per piece between joints)
    line_starts: tuple[int, ...] = ()


def same_paragraph(first: Segment, second: Segment) -> bool:
    """Consecutive in the source and sharing a paragraph."""
    return first.index + 1 == second.index and first.place[-1] == second.place[0]


def runs_on(first: Segment, second: Segment) -> bool:
    """Consecutive in the source and in one paragraph, or one sentence's pieces (a reader that
    took a wrapped line for a paragraph's end still leaves the sentence open)."""
    return same_paragraph(first, second) or (first.index + 1 == second.index and same_sentence(first, second))


def same_sentence(prev: Segment, seg: Segment) -> bool:
    """Whether a piece continues the one before it: pieces of one repaired sentence,
    or a sentence piece that stopped mid-sentence followed by another."""
    return prev.chain == seg.chain or (prev.open_end and prev.kind == seg.kind == "sentence")


def paragraph_break(prev: Segment, seg: Segment) -> bool:
    """A paragraph ends between two pieces and no sentence runs across it (not a repair, not
    a piece that stops mid-sentence): a bead holding both crosses a paragraph break."""
    return prev.place[-1] != seg.place[0] and not same_sentence(prev, seg)


@dataclass(frozen=True)
class Speaker:
    """What a speaker heading says: role, name, affiliation, interpretation marker."""

    heading: str
    role: str | None = None  # "president", "secretary-general", ... or None
    name: str = ""
    affiliation: str = ""  # country or organisation as written
    language: str | None = None  # language the speech was given in (ISO 639-1)
    names: frozenset[int] = frozenset()  # lexicon ids of the states and bodies the affiliation names (turns.name_speakers)


@dataclass
class Turn:
    """A speaker's turn: its heading segment (None for the opening) and body."""

    speaker: Speaker | None
    segments: list[Segment] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(s.text) for s in self.segments)


@dataclass
class Bead:
    """Zero or more Chinese segments aligned with zero or more Arabic segments."""

    zh: list[Segment]
    ar: list[Segment]
    score: float
    turn: int
    speaker_zh: str = ""
    speaker_ar: str = ""
    moved: bool = False
    evidence: tuple = ()  # what its score was read from (aligner.calibrate.features)

    @property
    def type(self) -> str:
        return f"{len(self.zh)}-{len(self.ar)}"

    @property
    def zh_text(self) -> str:
        """The Chinese side as one text: no space between Chinese pieces (glue.glue)."""
        return join_text("zh", [s.text for s in self.zh])

    @property
    def ar_text(self) -> str:
        return " ".join(s.text for s in self.ar)

    @property
    def zh_lines(self) -> list[int]:
        return sorted({n for s in self.zh for n in s.lines})

    @property
    def ar_lines(self) -> list[int]:
        return sorted({n for s in self.ar for n in s.lines})


@dataclass
class Alignment:
    """The result of `aligner.align`: beads in Chinese reading order, plus counts."""

    beads: list[Bead]
    turns_zh: int
    turns_ar: int
    turns_aligned: int
    moves: list[dict] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)  # furniture lines the reader dropped, per language
    notes: list[str] = field(default_factory=list)  # what the reader did to the input (visual order restored, ...)

    def moved_passages(self) -> int:
        """Passages a reviewer checks: runs of consecutive moved beads (a displaced column
        is one passage, however many sentences it holds)."""
        flags = [b.moved for b in self.beads if b.zh and b.ar]
        return sum(1 for k, f in enumerate(flags) if f and (k == 0 or not flags[k - 1]))

    def summary(self, written_scores: list[float] | None = None) -> dict:
        """Counts of the alignment; the mean score is over the scores of the beads written (all
        by default; after --min-score or --drop-unaligned, those kept). Every bead's score is a
        probability (one-sided: that the sentence has no counterpart), so all of them count."""
        by_type: dict[str, int] = {}
        for b in self.beads:
            by_type[b.type] = by_type.get(b.type, 0) + 1
        scored = [b.score for b in self.beads] if written_scores is None else written_scores
        return {
            "turns_zh": self.turns_zh,
            "turns_ar": self.turns_ar,
            "turns_aligned": self.turns_aligned,
            "beads": len(self.beads),
            "by_type": dict(sorted(by_type.items())),
            "unaligned_zh": sum(len(b.zh) for b in self.beads if not b.ar),
            "unaligned_ar": sum(len(b.ar) for b in self.beads if not b.zh),
            "moved": len(self.moves),
            "moved_passages": self.moved_passages(),
            "furniture_zh": self.dropped.get("zh", 0),
            "furniture_ar": self.dropped.get("ar", 0),
            "mean_score": round(sum(scored) / len(scored), 4) if scored else 0.0,
        }


@dataclass(frozen=True)
class SourceInfo:
    """Where an alignment came from and how its outputs name the languages: the
    two file names, the document symbol and the TMX language codes. Every line of the
    JSONL carries it, so `aligner convert` writes what `align` would."""

    zh_file: str = ""
    ar_file: str = ""
    document: str = ""  # a UN symbol such as S/PV.7050
    zh_lang: str = "zh-CN"
    ar_lang: str = "ar"
    src: str = "zh"  # the TMX source language: "zh" or "ar"
