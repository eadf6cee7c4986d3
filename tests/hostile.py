"""Test helper: Arabic as some PDF converters write it.

`presentation_forms` writes each letter as the glyph it is drawn with (U+FB50-U+FDFF,
U+FE70-U+FEFF: isolated, initial, medial or final by its neighbours, lam-alef as one
ligature), still in logical order. `with_controls` adds what converters scatter over a
text that a reader never sees: a right-to-left embedding around each line and, inside
every longer word, one of tatweel, soft hyphen or a zero-width or bidi control in turn.
"""
from __future__ import annotations

import functools
import re
import unicodedata

CONTROLS = ("\u200f", "\u200c", "\u2060", "\u00ad", "\u200d", "\u034f", "\u0640", "\u200b", "\u2063", "\u061c", "\ufe0f")
_ARABIC_LETTER = re.compile("[\u0621-\u064a\ufb50-\ufdff\ufe70-\ufefc]")


@functools.cache
def forms() -> dict[tuple[str, str], str]:
    """(letter, "ISOLATED" | "INITIAL" | "MEDIAL" | "FINAL") -> its presentation form; lam-alef
    ligatures under their two letters."""
    out: dict[tuple[str, str], str] = {}
    for cp in [*range(0xFE70, 0xFEFF), *range(0xFB50, 0xFDFF)]:
        name, base = unicodedata.name(chr(cp), ""), unicodedata.normalize("NFKC", chr(cp))
        for kind in ("ISOLATED", "FINAL", "INITIAL", "MEDIAL"):
            if name.endswith(f" {kind} FORM") and (len(base) == 1 or name.startswith("ARABIC LIGATURE LAM WITH ALEF")):
                out.setdefault((base, kind), chr(cp))
    return out


def _joins_next(c: str) -> bool:
    return (c, "INITIAL") in forms()


def _joins(c: str) -> bool:
    return (c, "FINAL") in forms()


def presentation_forms(text: str) -> str:
    """Logical-order Arabic in contextual presentation forms (NFKC gives the text back)."""
    out, k = [], 0
    while k < len(text):
        c, pair = text[k], text[k:k + 2]
        after_joiner = k > 0 and _joins_next(text[k - 1])
        if (pair, "ISOLATED") in forms():  # lam-alef
            out.append(forms()[(pair, "FINAL" if after_joiner else "ISOLATED")])
            k += 2
            continue
        if _joins(c):
            before_joiner = k + 1 < len(text) and _joins(text[k + 1]) and _joins_next(c)
            kind = {(False, False): "ISOLATED", (True, False): "FINAL", (False, True): "INITIAL",
                    (True, True): "MEDIAL"}[(after_joiner, before_joiner)]
            c = forms().get((c, kind), forms().get((c, "ISOLATED"), c))
        out.append(c)
        k += 1
    return "".join(out)


def with_controls(text: str) -> str:
    """Each non-blank line inside an RLE…PDF embedding; one invisible mark inside each Arabic word of
    four letters or more, the marks of CONTROLS in turn."""
    lines, n = [], 0
    for line in text.split("\n"):
        words = []
        for word in line.split(" "):
            if len(word) > 3 and _ARABIC_LETTER.match(word[:2]):
                word = word[:2] + CONTROLS[n % len(CONTROLS)] + word[2:]
                n += 1
            words.append(word)
        line = " ".join(words)
        lines.append(f"\u202b{line}\u202c" if line.strip() else line)
    return "\n".join(lines)
