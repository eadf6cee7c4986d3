"""Read a source file: decode it and clean each line of converter debris."""
from __future__ import annotations

import re
from pathlib import Path

from .model import Line


class InputError(Exception):
    """Bad input the user can fix; the CLI prints it on one line and exits with 2."""


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_LEGACY = {"zh": ("gb18030",), "ar": ("cp1256", "iso-8859-6")}
_BINARY_MAGIC = {b"%PDF": "a PDF", b"PK\x03\x04": "a DOCX/ZIP archive", b"\xd0\xcf\x11\xe0": "an old Word/Office file"}

_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MARKDOWN_EMPHASIS = re.compile(r"\*{2,3}|(?<!\w)__|__(?!\w)")
_LIST_BULLET = re.compile(r"^\s*[-•▪]\s+")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2000-\u200a\u202f\u205f]+")


def decode(data: bytes, lang: str, name: str = "input", encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes to text, returning (text, encoding used).

    Tries a BOM, then UTF-8, then the legacy encodings usual for `lang`
    (GB18030 for Chinese; Windows-1256, ISO-8859-6 for Arabic).
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as e:
            raise InputError(f"{name}: cannot decode as {encoding}: {e}") from None
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{name}: this is {what}, not text; convert it to plain text first")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    if b"\x00" in data:
        raise InputError(f"{name}: binary data (NUL bytes); give a plain-text file")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in _LEGACY.get(lang, ()):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: unknown text encoding; use --encoding-{lang} to name it")


def read_file(path: str | Path, lang: str, encoding: str | None = None) -> tuple[str, str]:
    """Read and decode a file, with clear errors for what a user can get wrong."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a text file")
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    text, enc = decode(data, lang, str(p), encoding)
    if not text.strip():
        raise InputError(f"{p}: the file is empty")
    return text, enc


def clean_line(raw: str) -> tuple[str, str]:
    """Strip markdown marks a PDF converter leaves and collapse blank runs.

    Returns the text and what the marks said about the line ("title",
    "item" or ""), since a title or a list entry never continues a sentence.
    """
    if _MARKDOWN_HEADING.match(raw):
        mark = "title"
    elif _LIST_BULLET.match(raw) or "\t" in raw.strip():
        mark = "item"  # a bullet, or a table row whose columns the converter kept as tabs
    else:
        mark = ""
    s = _MARKDOWN_HEADING.sub("", raw)
    s = _LIST_BULLET.sub("", s)
    s = _MARKDOWN_EMPHASIS.sub("", s)
    return _SPACES.sub(" ", s).strip(), mark


def lines_of(text: str) -> list[Line]:
    """The non-empty cleaned lines of a text, numbered as in the source (from 1)."""
    out = []
    for n, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        s, mark = clean_line(raw)
        if s:
            out.append(Line(n, s, mark))
    return out
