"""Arabic written in visual order by a PDF extractor: told apart from logical order, and put back.

Some extractors write each line as it is drawn, left to right: the letters of
Arabic words come out reversed (في as يف, من as نم), often as presentation
forms (U+FB50-U+FDFF, U+FE70-U+FEFF), while runs of Latin letters and digits,
drawn left to right, keep their order. Reversing each line and then each such
run again gives the logical order back.
"""
from __future__ import annotations

import re
import unicodedata

from .errors import InputError

# The commonest Arabic words: their reversed forms are not words, so a text full of them is reversed.
_COMMON = ("في", "من", "على", "أن", "إلى", "التي", "الذي", "هذا", "مع", "عن")
_REVERSED = {w[::-1] for w in _COMMON}
_LOGICAL = set(_COMMON)
_WORD = re.compile(r"[\u0621-\u064a]+")
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a\ufb50-\ufdff\ufe70-\ufefe]")
# A run drawn left to right: Latin letters and digits, with the spaces and separators between them.
_LTR_RUN = re.compile(r"[A-Za-z0-9\u0660-\u0669\u06f0-\u06f9](?:[A-Za-z0-9\u0660-\u0669\u06f0-\u06f9./:,%'\- ]*"
                      r"[A-Za-z0-9\u0660-\u0669\u06f0-\u06f9])?")
_FRAME = re.compile(r"(\f*)(.*?)(\r?)$", re.S)
MIN_EVIDENCE = 5  # reversed common words needed before any conclusion
_CLEAR = 3  # reversed words outnumber logical ones this many times: the whole text is visual


def _folded(text: str) -> str:
    return _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def evidence(text: str) -> tuple[int, int, float]:
    """(reversed common words, logical common words, share of presentation forms among Arabic letters)."""
    words = _WORD.findall(_folded(text))
    reversed_ = sum(1 for w in words if w in _REVERSED)
    logical = sum(1 for w in words if w in _LOGICAL)
    letters = len(_ARABIC_LETTER.findall(text))
    return reversed_, logical, (len(_PRESENTATION.findall(text)) / letters if letters else 0.0)


def flip_line(line: str) -> str:
    """A line reversed, with its left-to-right runs kept in order: visual to logical and back.
    Form feeds before it and a carriage return after it stay where they are."""
    m = _FRAME.match(line)
    body = m.group(2)[::-1]
    return m.group(1) + _LTR_RUN.sub(lambda r: r.group()[::-1], body) + m.group(3)


def logical_order(text: str) -> tuple[str, str]:
    """The text in logical order and a note on what was done ("" when nothing was).

    Visual order throughout is restored (presentation forms folded to letters);
    a text with both orders in quantity is refused with a one-line InputError."""
    reversed_, logical, share = evidence(text)
    if reversed_ < MIN_EVIDENCE or reversed_ * _CLEAR <= logical:
        return text, ""
    if logical * _CLEAR >= reversed_:
        raise InputError(f"the Arabic text mixes visual and logical order ({reversed_} reversed common words such as "
                         f"يف for في, {logical} in logical order); extract it again with a converter that writes "
                         "logical order (pdftotext, or save as text from Word)")
    lines = [flip_line(_folded(line)) for line in text.split("\n")]
    note = (f"Arabic in visual order ({reversed_} reversed common words such as يف for في, "
            f"{share:.0%} presentation forms): restored to logical order")
    return "\n".join(lines), note
