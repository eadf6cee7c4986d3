"""TMX 1.4b writer: the aligned beads as a translation memory for CAT tools.

Only beads with both sides become translation units: a memory entry without a
target is useless to a translator. The output is byte-identical between runs
(no creation date), so a memory can be diffed and kept under version control.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from . import __version__
from .errors import InputError
from .model import SourceInfo
from .records import two_sided

# Many CAT tools refuse or truncate longer segments; such segments are still
# written (the text is correct) but reported, so the user can split them.
MAX_SEGMENT_CHARS = 4000

# Everything outside the XML 1.0 `Char` production: C0 controls other than
# tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF (listed, not
# as the complement of Char's ranges: that took 7 ms to compile at every start).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A carriage return is escaped so the parser's end-of-line handling keeps it.
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;",
     "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)


def xml_legal(text: str) -> str:
    """`text` without the characters XML 1.0 forbids: one stray control
    character from a PDF converter would make the whole memory unreadable."""
    return _ILLEGAL_XML.sub("", text)


def xml_text(text: str) -> str:
    """Element content, escaped."""
    return xml_legal(text).translate(_TEXT_ESCAPES)


def xml_attr(value: str) -> str:
    """A double-quoted attribute value, escaped (whitespace too, which a parser would otherwise normalise)."""
    return '"' + xml_legal(value).translate(_ATTR_ESCAPES) + '"'


# RFC 5646 language tag: language[-extlang][-script][-region][-variant]*[-extension]*[-x-private]
_BCP47 = re.compile(
    r"(?P<language>[a-z]{2,3})(?:-[a-z]{3}){0,3}(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(?:-[\da-wy-z](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?",
    re.IGNORECASE | re.ASCII,
)
_SIDE_NAMES = {"zh": ("Chinese", "zh-CN"), "ar": ("Arabic", "ar")}


def check_language_code(code: str, side: str, option: str) -> None:
    """Raise InputError unless `code` is a BCP 47 tag whose language is `side` ("zh" or "ar")."""
    name, example = _SIDE_NAMES[side]
    m = _BCP47.fullmatch(code)
    if not m:
        raise InputError(f"{option} {code!r}: not a BCP 47 language code (such as {example})")
    if m.group("language").lower() != side:
        raise InputError(f"{option} {code}: the {name} side needs a code of the language {side} (such as {example})")


def _header(srclang: str) -> str:
    attrs = {
        "creationtool": "aligner",
        "creationtoolversion": __version__,
        "datatype": "plaintext",
        "segtype": "sentence",
        "adminlang": "en",
        "srclang": srclang,
        "o-tmf": "aligner",
    }
    return "  <header " + " ".join(f"{k}={xml_attr(v)}" for k, v in attrs.items()) + "/>\n"


def _props(rec: dict, document: str) -> list[tuple[str, str]]:
    """The bead's metadata as TMX properties; empty values are left out."""
    props = [
        ("x-document", document),
        ("x-speaker-zh", rec["speaker_zh"]),
        ("x-speaker-ar", rec["speaker_ar"]),
        ("x-turn", str(rec["turn"])),
        ("x-score", str(rec["score"])),
    ]
    return [(k, v) for k, v in props if v]


def _unit(rec: dict, sides: list[tuple[str, str]], document: str) -> str:
    """One `<tu>`: properties first, then a `<tuv>` per (language, text), as the DTD orders them."""
    lines = ["    <tu>"]
    lines += [f"      <prop type={xml_attr(k)}>{xml_text(v)}</prop>" for k, v in _props(rec, document)]
    lines += [f"      <tuv xml:lang={xml_attr(lang)}><seg>{xml_text(text)}</seg></tuv>" for lang, text in sides]
    return "\n".join(lines) + "\n    </tu>\n"


def _long_segment_warnings(n: int, sides: list[tuple[str, str]]) -> list[str]:
    warnings = []
    for lang, text in sides:
        size = len(xml_legal(text))
        if size > MAX_SEGMENT_CHARS:
            warnings.append(f"translation unit {n}: the {lang} segment has {size} characters, "
                            f"more than the {MAX_SEGMENT_CHARS} many CAT tools accept")
    return warnings


def write_tmx(recs: Iterable[dict], out: TextIO, info: SourceInfo | None = None) -> list[str]:
    """Write a TMX 1.4b memory of the bead records; return warnings about segments too long for CAT tools.

    From `info`: the language codes; `src` ("zh" or "ar") names the source
    language: it is the header's srclang and its `<tuv>` comes first in every
    unit; `document` (a UN symbol such as S/PV.7050) goes into an x-document
    property of every unit.
    """
    info = info or SourceInfo()
    if info.src not in ("zh", "ar"):
        raise ValueError(f"src must be 'zh' or 'ar', not {info.src!r}")
    langs = {"zh": info.zh_lang, "ar": info.ar_lang}
    order = ("zh", "ar") if info.src == "zh" else ("ar", "zh")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
    out.write(_header(langs[info.src]))
    out.write("  <body>\n")
    warnings: list[str] = []
    n = 0
    for rec in recs:
        if not two_sided(rec):
            continue
        n += 1
        sides = [(langs[side], rec[side]) for side in order]
        out.write(_unit(rec, sides, info.document))
        warnings += _long_segment_warnings(n, sides)
    out.write("  </body>\n</tmx>\n")
    return warnings
