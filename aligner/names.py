"""What a file's name says: its extension, its language tag, the UN symbol it spells."""
from __future__ import annotations

import re

from .anchors import symbols

_TAGS = r"zh|ar|chinese|arabic"
# S_PV.7050_ZH, S-PV-7050-ar, S_PV.7050.zh, report_arabic, A_RES_67_264_C (UN letters: C Chinese, A Arabic)
_TAG_SUFFIX = re.compile(rf"^(?P<base>.+?)(?:[_.\-](?P<code>{_TAGS})|_(?P<letter>[ca]))$", re.IGNORECASE)
# zh_S_PV.7050, ar-report, chinese.letter (no one-letter prefix: A_RES_67_264 is a symbol, not Arabic)
_TAG_PREFIX = re.compile(rf"^(?P<code>{_TAGS})[_.\-](?P<base>.+)$", re.IGNORECASE)
_LANG_OF_TAG = {"zh": "zh", "ar": "ar", "chinese": "zh", "arabic": "ar", "c": "zh", "a": "ar"}
TAG_FORMS = "_zh/_ar, -zh/-ar, .zh/.ar, _C/_A, zh_/ar-, or zh.txt/ar.txt"
# An extension is letters (and digits after the first): 'S_PV.7050' has none, '.zh' is a language tag.
_EXTENSION = re.compile(r"\.([A-Za-z][A-Za-z0-9]{0,4})$")
# Symbol parts followed by '.' and a number: S/PV.7050, A/67/L.5/Rev.1, A/C.3/67/L.2, E/CN.4/2005/L.10
_DOTTED = {"PV", "SR", "L", "C", "CN", "CRP", "WP", "INF", "REV", "ADD", "CORR", "AMEND", "SUPPL"}
_CASED = {"REV": "Rev", "ADD": "Add", "CORR": "Corr", "AMEND": "Amend", "SUPPL": "Suppl"}


def split_extension(name: str) -> tuple[str, str]:
    """(stem, extension in lower case without the dot, "" for none): 'a_zh.txt' -> ('a_zh', 'txt')."""
    m = _EXTENSION.search(name)
    if not m or m.group(1).lower() in _LANG_OF_TAG:
        return name, ""
    return name[: m.start()], m.group(1).lower()


def language_tag(name: str) -> tuple[str, str] | None:
    """(lang, base name without the tag and extension) for a tagged file name, else None.
    A name that is only a tag (zh.txt, arabic.txt) has the base ""."""
    stem = split_extension(name)[0]
    if stem.lower() in _LANG_OF_TAG and len(stem) > 1:
        return _LANG_OF_TAG[stem.lower()], ""
    m = _TAG_SUFFIX.match(stem) or _TAG_PREFIX.match(stem)
    if not m:
        return None
    code = m.group("code") or m.groupdict().get("letter")
    return _LANG_OF_TAG[code.lower()], m.group("base")


def symbol_from_name(base: str) -> str | None:
    """The UN symbol a file name spells with _ or - for / ('S-PV-7050' -> 'S/PV.7050'), or None.

    Every UN symbol has a number in it; 'GA_draft_resolution' is a name, not a symbol."""
    parts: list[str] = []
    for raw in filter(None, re.split(r"[_\-\s]+", base)):
        head, dot, rest = raw.partition(".")
        head = _CASED.get(head.upper(), head.upper())
        if raw.isdigit() and parts and parts[-1].upper() in _DOTTED:
            parts[-1] += "." + raw
        else:
            parts.append(head + dot + rest)
    symbol = "/".join(parts)
    shaped_like_one = symbols(symbol.upper()) == [symbol.upper()]  # anchors' pattern wants 'REV', UN writes 'Rev'
    return symbol if shaped_like_one and any(c.isdigit() for c in symbol) else None
