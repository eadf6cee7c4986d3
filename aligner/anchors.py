"""Language-neutral anchors: UN document symbols, Latin-script words, number forms,
and the folded form of text that rules and anchors read."""
from __future__ import annotations

import re
import unicodedata

# S/2013/588, S/PRST/2013/16, A/RES/67/264, S/PV.7050, A/67/L.5/Rev.1, E/CN.4/2005/L.10, ES-10/23
_SYMBOL = re.compile(r"(?<![A-Za-z0-9/])(?:[A-Z]{1,6}(?:-\d+)?)(?:/(?:[A-Z0-9][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*))+")
# resolution 822 (1993) / 第822(1993)号 / القرار ٨٢٢ (١٩٩٣)
_RESOLUTION = re.compile(r"(?<![\d/])(\d{1,4})\s*[（(]\s*((?:19|20)\d\d)\s*[)）]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]{2,}")
# Marks a PDF converter leaves that change nothing for a reader: tatweel, the invisible format
# characters (Unicode's Cf: soft hyphen, zero-width space, joiners and word joiner, bidi marks,
# embeddings and isolates, the Arabic letter mark, invisible operators, a stray byte-order mark,
# tags; not the Arabic number signs, which are seen), the combining grapheme joiner and variation selectors.
INVISIBLE = re.compile("[\u00ad\u034f\u0640\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
                       "\ufe00-\ufe0f\ufeff\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef]")
# Compatibility forms folded: Arabic presentation forms, full-width letters, digits and the - . / of symbols.
_COMPATIBLE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe\uff0d-\uff19\uff21-\uff3a\uff41-\uff5a]")
_DIGIT_TABLE = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_INDIC_DIGITS = re.compile("[٠-٩۰-۹٫٬]+")


def fold(text: str) -> tuple[str, list[int]]:
    """The form of a text that rules and anchors read, and for each of its characters the offset in `text`
    it comes from: invisible marks dropped, compatibility forms folded.

    Segments keep the verbatim text; only matching sees through PDF debris.
    Clean text folds to itself, and full-width punctuation is left alone.
    """
    if not (INVISIBLE.search(text) or _COMPATIBLE.search(text)):
        return text, list(range(len(text)))
    out, where = [], []
    for i, ch in enumerate(text):
        if INVISIBLE.match(ch):
            continue
        f = unicodedata.normalize("NFKC", ch) if _COMPATIBLE.match(ch) else ch
        out.append(f)
        where += [i] * len(f)
    return "".join(out), where


def ascii_digits(text: str) -> str:
    """Arabic-Indic (and Persian) digits and separators to ASCII."""
    return _INDIC_DIGITS.sub(lambda m: m.group().translate(_DIGIT_TABLE), text)  # faster than translating all


def symbols(text: str) -> list[str]:
    """UN document symbols and resolution numbers with their year."""
    out = [m.group().rstrip(".-") for m in _SYMBOL.finditer(text)]
    out += [f"res:{m.group(1)}({m.group(2)})" for m in _RESOLUTION.finditer(ascii_digits(text))]
    return out


def strip_symbols(text: str) -> str:
    """Text with document symbols blanked, so their digits are not counted as numbers."""
    return _SYMBOL.sub(" ", text)


def latin_words(text: str) -> list[str]:
    """Latin-script words (names, acronyms) that both versions carry as written."""
    return [w.lower() for w in _LATIN_WORD.findall(strip_symbols(text))]


def scaled(number: str, factor: int) -> list[str]:
    """A number times its magnitude word (3.5万, ٥ ملايين) in canonical form; none for '1.2.3', which is no number."""
    try:
        value = float(number) * factor
    except ValueError:
        return []
    return [canonical_number(str(int(value)) if value.is_integer() else str(value))]


def canonical_number(s: str) -> str:
    """'1,000' -> '1000', '1,6' -> '1.6' (decimal comma), '2.50' -> '2.5'."""
    if re.fullmatch(r"\d{1,3}(,\d{3})+", s):
        s = s.replace(",", "")
    s = s.replace(",", ".")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s.lstrip("0") or "0"
