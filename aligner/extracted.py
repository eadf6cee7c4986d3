"""What a PDF or Word reader hands on (formats.py, pdf.py, docx.py): paragraphs with their
places on the page, what was left out, and the text they make for the plain-text reader."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    """Where text stood in the file: page and column (1-based; 0 when the format cannot tell)."""

    page: int = 0
    column: int = 0

    def describe(self) -> str:
        where = [f"page {self.page}"] if self.page else []
        return ", ".join(where + ([f"column {self.column}"] if self.column else [])) or "no page recorded"


@dataclass
class Paragraph:
    """A paragraph as read from the file, with where each part of it came from."""

    text: str
    places: list[tuple[int, Place]]  # (offset in text, place from there on)
    kind: str = "text"  # "text", "title", "row" (table row, cells apart by tabs), "footnote"


@dataclass(frozen=True)
class Left:
    """Text of the file that is no part of the body: a running head, a footer, a page number."""

    place: Place
    text: str
    what: str

    def describe(self) -> str:
        return f"{self.what}, {self.place.describe()}: {self.text}" if self.place.page else f"{self.what}: {self.text}"


@dataclass
class Extracted:
    """What a PDF or DOCX reader made of a file: the text for the rest of the pipeline, and where each line came from."""

    kind: str  # "PDF" or "DOCX"
    text: str
    places: dict[int, list[tuple[int, Place]]]  # line number in `text` -> (offset in the line, place)
    left_out: list[Left] = field(default_factory=list)
    pages: int = 0

    def describe(self) -> str:
        """What was read, in a line: "PDF, 15 pages, 30 lines left out (footer, page number, running head)"."""
        pages = f", {self.pages} page{'s' if self.pages != 1 else ''}" if self.kind == "PDF" else ""
        what = sorted({entry.what for entry in self.left_out})
        kept_apart = "headers and footers" if self.kind == "DOCX" else "lines"
        return (f"{self.kind}{pages}, {len(self.left_out)} {kept_apart} left out" +
                (f" ({', '.join(what)})" if what else ""))

    def where(self, lines) -> str:
        """Where the given lines of the text stood, in order: "page 3, column 2; page 4, column 1"."""
        places = dict.fromkeys(place for line in lines for _, place in self.places.get(line, []))
        return "; ".join(p.describe() for p in places) or "no page recorded"


_SUPERSCRIPTS = str.maketrans("0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def superscript(number: str) -> str:
    """A note number as the superscript the plain-text reader knows a footnote mark by: "12" -> "¹²"."""
    return number.translate(_SUPERSCRIPTS)


_PREFIX = {"title": "# ", "text": "", "row": "", "footnote": ""}


def assemble(kind: str, paragraphs: list[Paragraph], left_out: list[Left], pages: int = 0) -> Extracted:
    """The text of the paragraphs, one a line with blank lines between, and the places of each line."""
    lines, places = [], {}
    for p in paragraphs:
        places[2 * len(lines) + 1] = p.places
        lines.append(_PREFIX[p.kind] + p.text)
    return Extracted(kind, "\n\n".join(lines) + "\n", places, left_out, pages)
