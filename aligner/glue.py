"""How the pieces of one sentence, broken across lines, join again: the glue of the reader
(layout) and of a bead's text (model.Bead.zh_text). Plain rules of the two scripts, kept apart
from the reader so that the data model needs nothing of it."""
from __future__ import annotations

import re
import unicodedata

_ASCII_WORD = re.compile(r"[A-Za-z0-9()]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SEPARATOR_END = re.compile(r"(?:https?://|www\.|[A-Za-z0-9])[A-Za-z0-9./:_\-?=&%#~]*[/\-_.:?=&#~]$")


def glue(lang: str, before: str, after: str, spaced: bool | None, mixed_spacing: bool = False) -> str:
    """What joins two fragments of one sentence broken across lines.

    Nothing inside a symbol or URL broken after a separator (S/2013/ + 588).
    Arabic: one space. Chinese: never a space between two Chinese characters
    (Han or full-width punctuation); elsewhere the space the line ended with,
    if it had one ("Room " + "U-506", "ADT " + "安保"), and none otherwise, so
    that a number or symbol cut by the wrap (S/2013/58 + 8) is whole again.
    Where the line end cannot tell (columns padded with spaces), two Latin
    letters are two words, two digits one number, and between Latin or digits
    and Chinese the document's own habit decides (`mixed_spacing`).
    """
    if not before or not after:
        return ""
    last = before.rsplit(" ", 1)[-1]
    if _SEPARATOR_END.search(last) and re.match(r"[A-Za-z0-9]", after):
        return ""
    if lang == "ar":
        return " "
    a, b = before[-1], after[0]
    if _wide(a) and _wide(b):
        return ""
    if spaced is None:
        latin = a.isascii() and a.isalnum() and b.isascii() and b.isalnum()
        spaced = (latin and not (a.isdigit() and b.isdigit())) or (
            mixed_spacing and bool(_HAN.match(a) and _ASCII_WORD.match(b) or _HAN.match(b) and _ASCII_WORD.match(a)))
    return " " if spaced else ""


def _wide(ch: str) -> bool:
    """A Chinese character or full-width mark (quotes and dots of ambiguous width included)."""
    return unicodedata.east_asian_width(ch) in "WFA" and not ch.isascii()


def join_text(lang: str, pieces: list[str]) -> str:
    """Sentences or pieces of one bead side as one text, glued as the language writes them."""
    out = ""
    for p in pieces:
        out += (glue(lang, out, p, None) if out else "") + p
    return out
