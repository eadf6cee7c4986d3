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

from .errors import InputError
from .extracted import Extracted

EXTENSIONS = ("pdf", "docx")  # the extensions `batch` pairs beside text files' (the content still decides)
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
_PDF_HEADER_WITHIN = 1024  # bytes before "%PDF-" a PDF reader accepts


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
