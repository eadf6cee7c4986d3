"""Language-neutral anchors: UN document symbols, Latin-script words, number forms."""
from __future__ import annotations

import re

# S/2013/588, S/PRST/2013/16, A/RES/67/264, S/PV.7050, A/67/L.5/Rev.1, E/CN.4/2005/L.10, ES-10/23
_SYMBOL = re.compile(r"(?<![A-Za-z0-9/])(?:[A-Z]{1,6}(?:-\d+)?)(?:/(?:[A-Z0-9]+(?:[.\-][A-Za-z0-9]+)*|\d+))+")
# resolution 822 (1993) / 第822(1993)号 / القرار ٨٢٢ (١٩٩٣)
_RESOLUTION = re.compile(r"(?<![\d/])(\d{1,4})\s*[（(]\s*((?:19|20)\d\d)\s*[)）]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]{2,}")
_DIGIT_TABLE = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")


def ascii_digits(text: str) -> str:
    """Arabic-Indic (and Persian) digits and separators to ASCII."""
    return text.translate(_DIGIT_TABLE)


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


def canonical_number(s: str) -> str:
    """'1,000' -> '1000', '1,6' -> '1.6' (decimal comma), '2.50' -> '2.5'."""
    if re.fullmatch(r"\d{1,3}(,\d{3})+", s):
        s = s.replace(",", "")
    s = s.replace(",", ".")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s.lstrip("0") or "0"
