"""Mismatch guard: refuse to align a Chinese and an Arabic text that are not the same document.

Aligning two different documents still produces beads, with plausible-looking
scores for the speaker headings and the agenda, so a mislabelled pair would
quietly poison a corpus. Each check below compares one kind of evidence and
says nothing when it has too little of it: short or bare texts are accepted.

Evidence, strongest first:
  * identity: the meeting number and the document's own symbol (cover page,
    running heads), e.g. S/PV.7050 = 第七〇五〇次会议 = الجلسة ٧٠٥٠;
  * the month and year of the meeting (cover page, page heads);
  * the length ratio (Arabic is about 2.5 times as many letters as Chinese);
  * the document symbols cited anywhere, and the numbers written anywhere.

One more check needs the alignment itself (require_complete): a file cut short
(a converter that stopped, a download cut off) can still be within the length
ratio of its partner, but then the partner's last pages find no counterpart.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable

from . import ar, zh
from .anchors import ascii_digits, fold, symbols
from .errors import Mismatch
from .model import Bead
from .read import check_texts

FIRST_PAGE_LINES = 40
RATIO_RANGE = (1.2, 5.0)  # Arabic / Chinese non-space characters; real pairs are near EXPECTED_RATIO
EXPECTED_RATIO = 2.5
MIN_RATIO_EVIDENCE = 1000  # judge the ratio once either side is a page long (in Arabic characters)
MIN_SHARED = {"symbols": (4, 0.34), "numbers": (12, 0.4)}  # (distinct items needed, least share in common)

_NUMBERS = {"zh": zh.numbers, "ar": ar.numbers}
_MEETING = {
    "zh": re.compile(r"^第\s*(\S+?)\s*次(?:全体)?会议$"),
    "ar": re.compile(r"^الجلسة\s+(?:العامة\s+)?(\S+(?:\s+و\S+)?)$"),
}
_BODY = {"zh": "安全理事会", "ar": "مجلس الأمن"}  # the Security Council's meeting records are S/PV.<number>
_MEETING_SYMBOL = re.compile(r"/PV\.(\d+)$")
_YEAR = re.compile(r"(?:19[4-9]|20\d)\d")
_TIME = {"zh": re.compile(r"[上下]午|\d\s*时"), "ar": re.compile("الساعة")}
_HEAD_DATE = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?!\d)")
_SPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=2)
def _lines(text: str) -> tuple[str, ...]:
    """The text's lines in their folded form (anchors.fold), as segmentation reads them, stripped
    (remembered while a pair is checked, check_same_document: each check reads them)."""
    return tuple(s for s in (fold(line)[0].strip().strip("#*").strip() for line in text.splitlines()) if s)


def _meeting_number(line: str, lang: str) -> str | None:
    """7050 from a cover line '第七〇五〇次会议' / 'الجلسة ٧٠٥٠'."""
    m = _MEETING[lang].match(line)
    found = _NUMBERS[lang](m.group()) if m else []
    return found[0] if found else None


@functools.lru_cache(maxsize=2)
def _running_heads(text: str) -> tuple[tuple[str, str], ...]:
    """(symbol, line) for the page heads: a symbol opening or closing lines at
    least twice. A symbol cited in the text sits inside a sentence or in brackets."""
    edges = [(s, line) for line in _lines(text) for s in symbols(line) if line.startswith(s) or line.endswith(s)]
    counts = Counter(s for s, _ in edges)
    return tuple((s, line) for s, line in edges if counts[s] >= 2)


def own_symbols(text: str) -> set[str]:
    """Symbols the document carries as its own: alone on a cover line, or in its page heads."""
    alone = {s for s in _lines(text)[:FIRST_PAGE_LINES] if symbols(s) == [s]}
    return alone | {s for s, _ in _running_heads(text)}


def meetings(text: str, lang: str) -> set[str]:
    """Meeting numbers the document names as its own (cover page or own S/PV symbol)."""
    out = {m.group(1) for m in map(_MEETING_SYMBOL.search, own_symbols(text)) if m}
    first = _lines(text)[:FIRST_PAGE_LINES]
    return out | {n for n in (_meeting_number(line, lang) for line in first) if n}


def first_page_symbol(text: str, lang: str) -> str | None:
    """The document's symbol from its first page: a symbol on a line of its own,
    else S/PV.<n> for a Security Council meeting record ('第七〇五〇次会议')."""
    first = _lines(text)[:FIRST_PAGE_LINES]
    for line in first:
        if symbols(line) == [line]:
            return line
    numbers = [n for n in (_meeting_number(line, lang) for line in first) if n]
    if numbers and any(_BODY[lang] in line for line in first):
        return f"S/PV.{numbers[0]}"
    return None


def meeting_months(text: str, lang: str) -> set[tuple[str, str]]:
    """(year, month) of the meeting: from the cover's date-and-time line
    ('2013年10月28日星期一上午10时举行') and the page heads' dd/mm/yyyy."""
    out = {(y, f"m{int(m)}") for _, line in _running_heads(text) for _, m, y in _HEAD_DATE.findall(ascii_digits(line))}
    for line in _lines(text)[:FIRST_PAGE_LINES]:
        if _TIME[lang].search(line):
            found = _NUMBERS[lang](line)
            out |= {(y, m) for y in found if _YEAR.fullmatch(y) for m in found if m.startswith("m")}
    return out


def _differ(what: str, zh_side: set[str], ar_side: set[str]) -> str | None:
    """A reason when both sides have evidence and none of it is shared."""
    if zh_side and ar_side and not zh_side & ar_side:
        return f"{what} {', '.join(sorted(zh_side))} in the Chinese, {', '.join(sorted(ar_side))} in the Arabic"
    return None


def _documents(text: str) -> set[str]:
    """Own symbols other than S/PV.<n>, which is compared as a meeting number."""
    return {s for s in own_symbols(text) if not _MEETING_SYMBOL.search(s)}


def _one_series(a: str, b: str) -> bool:
    """A/67/L.5 and A/67/L.5/Rev.1: a converter that drops the end of a symbol must not cause a refusal."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _identity(zh_text: str, ar_text: str) -> str | None:
    meeting = _differ("meeting", meetings(zh_text, "zh"), meetings(ar_text, "ar"))
    if meeting:
        return meeting
    zh_side, ar_side = _documents(zh_text), _documents(ar_text)
    if any(_one_series(a, b) for a in zh_side for b in ar_side):
        return None
    return _differ("document", zh_side, ar_side)


def _dates(zh_text: str, ar_text: str) -> str | None:
    def show(side: set[tuple[str, str]]) -> set[str]:
        return {f"{y}-{m[1:].zfill(2)}" for y, m in side}

    return _differ("meeting date", show(meeting_months(zh_text, "zh")), show(meeting_months(ar_text, "ar")))


def _letters(text: str) -> int:
    return len(text) - len(_SPACE.findall(text))


def _length_ratio(zh_text: str, ar_text: str) -> str | None:
    """Far too short a side: an incomplete file (a converter that stopped, a truncated
    download) more often than another document, which the other checks tell."""
    z, a = _letters(zh_text), _letters(ar_text)
    if max(EXPECTED_RATIO * z, a) < MIN_RATIO_EVIDENCE:
        return None
    ratio = a / max(z, 1)
    low, high = RATIO_RANGE
    if low <= ratio <= high:
        return None
    short, share = ("Arabic", ratio / EXPECTED_RATIO) if ratio < low else ("Chinese", EXPECTED_RATIO / ratio)
    return (f"the {short} is much shorter than its partner ({100 * share:.0f} % of the expected length): incomplete? "
            f"(the Arabic is {ratio:.1f} times as long as the Chinese; same documents: {low}–{high})")


def _shared(what: str, zh_side: set[str], ar_side: set[str]) -> str | None:
    """Too few items in common between two sets large enough to judge."""
    needed, least = MIN_SHARED[what]
    smaller = min(len(zh_side), len(ar_side))
    if smaller < needed:
        return None
    common = len(zh_side & ar_side)
    if common / smaller >= least:
        return None
    return f"only {common} of {smaller} {what} in common"


def _cited_symbols(zh_text: str, ar_text: str) -> str | None:
    return _shared("symbols", set(symbols(zh_text)), set(symbols(ar_text)))


def _significant_numbers(text: str, lang: str) -> set[str]:
    """Numbers of two digits or more: small ones (and Arabic words like أحد, 'one') are everywhere."""
    return {n for n in _NUMBERS[lang](text) if not n.startswith("m") and len(n) >= 2}


def _numbers(zh_text: str, ar_text: str) -> str | None:
    return _shared("numbers", _significant_numbers(zh_text, "zh"), _significant_numbers(ar_text, "ar"))


def _content(zh_text: str, ar_text: str) -> str | None:
    """Cited symbols and numbers are weaker evidence: a refusal needs both to disagree,
    since one version may cite by name what the other cites by symbol."""
    symbols_reason, numbers_reason = _cited_symbols(zh_text, ar_text), _numbers(zh_text, ar_text)
    if symbols_reason and numbers_reason:
        return f"{symbols_reason}; {numbers_reason}"
    return None


# Each check with how its finding is introduced ("" when it speaks for itself).
CHECKS: tuple[tuple[Callable[[str, str], str | None], str], ...] = (
    (_identity, "not the same document: "),
    (_dates, "not the same document: "),
    (_length_ratio, ""),
    (_content, "not the same document: "),
)


def check_same_document(zh_text: str, ar_text: str) -> str | None:
    """Why the two texts cannot be aligned as one document (not the same one, or one
    incomplete), or None when nothing says so."""
    try:
        for check, intro in CHECKS:
            reason = check(zh_text, ar_text)
            if reason:
                return intro + reason
        return None
    finally:  # the texts' lines are remembered for this pair only
        _lines.cache_clear()
        _running_heads.cache_clear()


def require_same_document(zh_text: str, ar_text: str, zh_name: object = "zh_text", ar_name: object = "ar_text") -> None:
    """Raise Mismatch when the evidence says the two texts are different documents (or one incomplete)."""
    _refuse(check_same_document(zh_text, ar_text), zh_name, ar_name)


def _refuse(reason: str | None, zh_name: object, ar_name: object) -> None:
    if reason:
        raise Mismatch(f"{zh_name} and {ar_name}: {reason}")


def check_pair(zh_text: object, ar_text: object) -> None:
    """Every check the command line makes, for texts given to the library (aligner.align):
    raises an aligner.InputError with the command line's one-line message."""
    check_texts(zh_text, ar_text)
    require_same_document(zh_text, ar_text)  # type: ignore[arg-type]


# A start or end of one side without counterpart, as a share of that side's letters, that says the
# other file is cut short. Real pairs leave none at either end (the gold documents: 0 %, FLORES 0 %),
# a file cut by 10 % of its text leaves about 8 % of its partner's.
UNMATCHED_END_SHARE = 0.05
CHANCE_MATCHES = 0.1  # the part of such a run that may still have found a counterpart (by chance)
_SIDE_NAME = {"zh": "Chinese", "ar": "Arabic"}


def _sentences(beads: list[Bead], side: str) -> list[tuple[int, int, bool]]:
    """(first source line, letters, has a counterpart) of each sentence of one side, in its file's order."""
    other = "ar" if side == "zh" else "zh"
    found = [(seg.index, seg.lines[0] if seg.lines else 0, _letters(seg.text), bool(getattr(b, other)))
             for b in beads for seg in getattr(b, side)]
    return [(line, letters, matched) for _, line, letters, matched in sorted(found)]


def _unmatched_run(sentences: list[tuple[int, int, bool]]) -> tuple[int, int, bool]:
    """(letters without counterpart, the line where it begins or ends, whether at the file's end) of
    the longest run at the start or the end of a side in which at most CHANCE_MATCHES of the
    letters found a counterpart."""
    best = (0, 0, False)
    for at_end, order in ((False, sentences), (True, sentences[::-1])):
        run = matched = 0
        for line, letters, has_match in order:
            run += letters
            matched += letters if has_match else 0
            if matched <= CHANCE_MATCHES * run and run - matched > best[0]:
                best = (run - matched, line, at_end)
    return best


def unmatched_end(beads: list[Bead]) -> str | None:
    """Why one side looks cut short, its partner's start or end having no counterpart, or None.

    Weighed as the length ratio is (in Arabic letters: a Chinese letter counts EXPECTED_RATIO), it
    needs a page's worth of text (MIN_RATIO_EVIDENCE) and UNMATCHED_END_SHARE of the side."""
    for side, other in (("zh", "ar"), ("ar", "zh")):
        sentences = _sentences(beads, side)
        total = sum(letters for _, letters, _ in sentences)
        unmatched, line, at_end = _unmatched_run(sentences)
        weight = EXPECTED_RATIO if side == "zh" else 1.0
        if unmatched * weight < MIN_RATIO_EVIDENCE or unmatched < UNMATCHED_END_SHARE * total:
            continue
        share, name = f"{100 * unmatched / total:.0f} %", _SIDE_NAME[side]
        where = (f"stops early: the last {share} of the {name} (from line {line})" if at_end
                 else f"starts late: the first {share} of the {name} (up to line {line})")
        return f"the {_SIDE_NAME[other]} {where} has no {_SIDE_NAME[other]} counterpart: incomplete?"
    return None


def require_complete(beads: list[Bead], zh_name: object = "zh_text", ar_name: object = "ar_text") -> None:
    """Raise Mismatch when the alignment says one file is cut short (see unmatched_end)."""
    _refuse(unmatched_end(beads), zh_name, ar_name)
