"""Which language a text is in, told by counting the letters of each script.

UN documents mix scripts (symbols such as S/2013/588 and names in Latin
letters inside Chinese or Arabic text), so a text counts as Chinese or Arabic
when Han characters or Arabic letters are the larger of the two and make up a
fair share of all its letters. The same counts tell a right decoding of legacy
bytes from a wrong one: mojibake is made of letters of the wrong script.
"""
from __future__ import annotations

import re

# Letters of each script; full-width Latin and Arabic presentation forms included.
_SCRIPTS = {
    "zh": re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"),
    "ar": re.compile("[\u0620-\u063f\u0641-\u064a\u066e-\u06d3\u06d5\u06fa-\u06fc\u0750-\u077f\u08a0-\u08c9"
                     "\ufb50-\ufdfb\ufe70-\ufefc]"),
    "latin": re.compile("[A-Za-z\u00c0-\u024f\uff21-\uff3a\uff41-\uff5a]"),
}
_LETTER = re.compile(r"[^\W\d_]")
# What a wrong legacy decoding leaves: controls, private-use and unassigned code
# points, replacement characters, and accented Latin letters amid another script.
_UNLIKELY = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u00c0-\u024f\ue000-\uf8ff\ufffd\ufffe]")
SHARE = 0.3  # a language's script must hold at least this share of the letters

NAMES = {"zh": "Chinese", "ar": "Arabic", "latin": "Latin-script text (English?)",
         "other": "text in another script", "none": "text without letters"}


def script_counts(text: str) -> dict[str, int]:
    """Letters of each script: "zh" (Han), "ar" (Arabic), "latin", and "other" letters."""
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPTS.items()}
    counts["other"] = max(0, len(_LETTER.findall(text)) - sum(counts.values()))
    return counts


def language_of(text: str) -> str:
    """"zh" or "ar" for Chinese or Arabic text, else "latin", "other" or "none" (no letters)."""
    counts = script_counts(text)
    total = sum(counts.values())
    if not total:
        return "none"
    lang = "zh" if counts["zh"] >= counts["ar"] else "ar"
    if counts[lang] >= SHARE * total:
        return lang
    return "latin" if counts["latin"] >= counts["other"] else "other"


def fitness(text: str, lang: str) -> int:
    """How plausible a decoding is as text in `lang`: its letters, less twice the unlikely characters.

    Windows-1256 and ISO-8859-6 share the bytes of many Arabic letters, but
    ISO-8859-6 text read as Windows-1256 turns و ي ه ى ق into accented Latin
    letters, and Windows-1256 text (ف ق ك غ ، at bytes ISO-8859-6 leaves
    undefined) rarely decodes as ISO-8859-6 at all.
    """
    return len(_SCRIPTS[lang].findall(text)) - 2 * len(_UNLIKELY.findall(text))


# What a wrong forced decoding shows and real Chinese or Arabic text almost never has: C1
# controls, Latin-1 symbols and accented letters, Windows code-page punctuation (not the quotes
# and dashes Chinese uses), box drawing and block elements, private use, replacement characters.
_GARBLE = re.compile("[\x80-\x9f\u00a1-\u00aa\u00ac-\u00b6\u00b8-\u00ba\u00bc-\u024f\u0152\u0153\u0160"
                     "\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2020\u2021\u2030\u2039\u203a\u2122"
                     "\u2500-\u259f\ue000-\uf8ff\ufffd]")
GARBLE_SHARE = 0.02  # of the non-space characters


def garbled(text: str, lang: str) -> bool:
    """The text does not read as `lang`: another language's letters, or more than a few
    characters that only a wrong decoding produces."""
    if language_of(text) != lang:
        return True
    visible = len(text) - sum(1 for c in text if c.isspace())
    return len(_GARBLE.findall(text)) > GARBLE_SHARE * max(visible, 1)
