"""camel-tools' Arabic normalisation and word tokenizer, as cached tables.

Importing camel-tools builds its Unicode character sets at start-up (about a
third of a second), on every run. Everything the aligner takes from it works
character by character: diacritics removed, alef, alef maksura and ta marbuta
unified, punctuation and symbols split off as tokens. So the first run asks
camel-tools what it does with each character and caches the answer, keyed by
the camel-tools version; later runs apply the same table with `str.translate`
and one regular expression, without importing camel-tools.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path

from .cache import cached_file

_PROBED = range(0x10000)  # the Basic Multilingual Plane holds every character the functions touch


def _probe() -> str:
    """What camel-tools does to each character, as JSON (run once per camel-tools version)."""
    from camel_tools.utils.charsets import EMOJI_ALL_CHARSET, UNICODE_PUNCT_SYMBOL_CHARSET
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar, normalize_teh_marbuta_ar

    def normalise(c: str) -> str:
        return normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(c))))

    chars = (chr(c) for c in _PROBED if not 0xD800 <= c <= 0xDFFF)
    mapping = {c: out for c in chars if (out := normalise(c)) != c}
    split_off = UNICODE_PUNCT_SYMBOL_CHARSET | EMOJI_ALL_CHARSET  # what simple_word_tokenize splits off
    symbols = "".join(sorted(s for s in split_off if len(s) == 1))
    return json.dumps({"map": mapping, "symbols": symbols}, ensure_ascii=False, sort_keys=True)


def _installed_version() -> str:
    """camel-tools' version, read from its VERSION file without importing it (as fast as
    importlib.metadata is slow); its modification time if that file is missing."""
    spec = importlib.util.find_spec("camel_tools")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("camel-tools is not installed (pip install camel-tools)")
    package = Path(spec.origin).parent
    try:
        return (package / "VERSION").read_text(encoding="utf-8").strip()
    except OSError:
        return f"mtime{int(Path(spec.origin).stat().st_mtime)}"


def _char_class(chars: str) -> str:
    """A regular-expression character class for a set of characters, as ranges."""
    codes = sorted(map(ord, chars))
    parts, start = [], None
    for k, c in enumerate(codes):
        if start is None:
            start = c
        if k + 1 == len(codes) or codes[k + 1] != c + 1:
            parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(c)) if c > start else ""))
            start = None
    return "[" + "".join(parts) + "]"


@functools.cache
def _tables() -> tuple[dict[int, str], re.Pattern, re.Pattern]:
    """The character map, the runs of characters it changes, and the tokenizer."""
    name = f"camel_tools_{_installed_version()}.json"
    # a damaged cache file (a full disk, say) is built again; read it, or (another process replaced it
    # meanwhile by a damaged one) ask camel-tools again
    data = _read_table(cached_file(name, _probe, valid=lambda p: _read_table(p) is not None)) or json.loads(_probe())
    symbol = _char_class(data["symbols"])
    changed = re.compile(_char_class("".join(data["map"])) + "+")
    return str.maketrans(data["map"]), changed, re.compile(rf"{symbol}|[^\s{symbol[1:-1]}]+")


def _read_table(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data.get("map"), dict) and isinstance(data.get("symbols"), str) else None
    except (OSError, ValueError, AttributeError):
        return None


def normalise(text: str) -> str:
    """camel-tools' dediac_ar, then normalize_alef_ar, normalize_alef_maksura_ar, normalize_teh_marbuta_ar."""
    table, changed, _ = _tables()
    return changed.sub(lambda m: m.group().translate(table), text)  # faster than translating every character


def word_tokenize(text: str) -> list[str]:
    """camel-tools' simple_word_tokenize: split at spaces, each punctuation or symbol its own token."""
    return _tables()[2].findall(text)
