"""Word (DOCX) and PDF files read as text, with where each paragraph came from.

UN documents are published as PDF and Word files. Reading the file itself,
the tool knows the pages, the columns, the lines and the paragraphs, so the
text it hands on is already in reading order, without page furniture, with
lines joined into paragraphs and footnotes apart. It is written as the text
the plain-text reader (layout.py) reads best: one paragraph per line, a blank
line between paragraphs, a title as a markdown heading (`# `), a table row
with its cells apart by tabs, a footnote as a line opened by its superscript
number right after the paragraph that refers to it. Everything after reading
is the same as for a text file; `places` tells, for each line of that text,
the page and column each part of it came from (`aligner segment --explain`).

The format is told from the content, not the extension: a PDF starts with
`%PDF-` (within its first 1024 bytes), a DOCX is a ZIP archive holding
`word/document.xml`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import InputError

EXTENSIONS = ("pdf", "docx")  # the extensions `batch` pairs beside text files' (the content still decides)
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
_PDF_HEADER_WITHIN = 1024  # bytes before "%PDF-" a PDF reader accepts


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


def kind_of(head: bytes) -> str | None:
    """"PDF" or "DOCX" when the first bytes say so (a ZIP archive is taken for a DOCX), else None."""
    if PDF_MAGIC in head[:_PDF_HEADER_WITHIN + len(PDF_MAGIC)]:
        return "PDF"
    if head.startswith(ZIP_MAGIC):
        return "DOCX"
    return None


def unreadable(path, head: bytes) -> str | None:
    """Why a file whose first bytes say PDF or DOCX cannot be read (damaged, encrypted, not a Word
    file), else None; without reading its pages (what `batch` asks of a file before pairing it)."""
    kind = kind_of(head)
    try:
        with open(path, "rb") as f:
            data = f.read()
        if kind == "PDF":
            from . import pdf

            pdf.check(data, str(path))
        elif kind == "DOCX":
            from . import docx

            docx.read(data, str(path))  # quick: a Word file is read whole in a few milliseconds
    except InputError as e:
        return str(e).removeprefix(f"{path}: ")
    except OSError as e:
        return f"cannot read ({e.strerror})"
    return None


def extract(data: bytes, name: str) -> Extracted | None:
    """The file read as a PDF or DOCX, or None when it is neither. Raises InputError for a file
    that is one but cannot be read: damaged, encrypted, or without a text layer."""
    kind = kind_of(data[:_PDF_HEADER_WITHIN + len(PDF_MAGIC)])
    if kind == "PDF":
        from . import pdf  # pdfminer loads only for a PDF

        found = pdf.read(data, name)
    elif kind == "DOCX":
        from . import docx

        found = docx.read(data, name)
    else:
        return None
    if not found.text.strip():
        raise InputError(f"{name}: the {kind} holds no text")
    return found
