"""Chinese rules: sentence ends, speaker headings, numerals, word tokens."""
from __future__ import annotations

import re
import unicodedata

from .anchors import INVISIBLE, canonical_number, scaled, strip_symbols
from .model import Speaker

LANG = "zh"

# A sentence ends at 。！？ (closing quotes and brackets stay with it).
_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)》〉]*|…{2}[”’」』）)]*")
_OPEN_TITLE, _CLOSE_TITLE = "《〈", "》〉"
_FINAL = "。！？!?”’」』）)》：:；;，,、"  # a line ending in one of these is not cut mid-phrase
_PROSE_MARKS = re.compile(r"[。；！？]")
_CLAUSE_END = re.compile("[。；！？!?]+[”’」』）)》〉\"»']*$")  # see ends_clause

# "刘结一先生（中国）：", "主席(以英语发言):", "伊赫桑诺格鲁先生（伊斯兰合作组织）（以英语发言）："
_PAREN = r"[（(]\s*[^（()）]{1,40}?\s*[)）]"
_HEADING = re.compile(rf"^(?P<name>[^（()）：:。，,；]{{1,30}}?)\s*(?P<groups>(?:{_PAREN}\s*){{0,3}})[：:]\s*")
_GROUP = re.compile(r"[（(]\s*([^（()）]{1,40}?)\s*[)）]")
_INTERPRETATION = re.compile(r"^以(.{1,8}?)发言$")
_ROLES = {
    "主席": "president",
    "代理主席": "president",
    "秘书长": "secretary-general",
    "副秘书长": "deputy-secretary-general",
}
_HONORIFICS = re.compile(r"(先生|女士|夫人|小姐|爵士|阁下|殿下|大使|博士)+$")
_LANGUAGES = {"英语": "en", "法语": "fr", "俄语": "ru", "西班牙语": "es", "阿拉伯语": "ar", "中文": "zh", "汉语": "zh"}

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10**4, "亿": 10**8}
_CN_NUMERAL = re.compile(
    r"(第)?([〇零一二两三四五六七八九十百千万亿]+)(?=(年|月|日|条|款|段|项|次|届|个|名|位|周|世纪|岁|国|人|天|小时|时|分))?"
)
_ARABIC_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MAGNITUDE_AFTER = re.compile(r"\s*(万|亿)")
_MONTH = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:\s*(\d{1,2})\s*日)?")


def normalise(text: str) -> str:
    """Full-width digits and Latin to ASCII, compatibility forms folded, invisible marks dropped (for matching only)."""
    return unicodedata.normalize("NFKC", INVISIBLE.sub("", text))


def is_final(text: str) -> bool:
    """Whether a line ends where a sentence or a phrase can end."""
    t = text.rstrip()
    return not t or t[-1] in _FINAL


def ends_clause(text: str) -> bool:
    """Whether a sentence, or a clause ended by a semicolon, ends the text (perhaps inside
    closing quotes or brackets); a comma or colon, where a line may also stop, does not."""
    return bool(_CLAUSE_END.search(text.rstrip()))


def holds_sentence(text: str) -> bool:
    """Whether the text holds a finished sentence (or a clause ended by a semicolon)."""
    return bool(_PROSE_MARKS.search(text))


def is_prose(text: str) -> bool:
    """Running text rather than a title: holds a finished sentence or is long."""
    return holds_sentence(text) or len(text.replace(" ", "")) >= 35


def ends_open(text: str) -> bool:
    """Whether the text stops where nothing can end: not told from Chinese words alone (a wrap
    cuts anywhere, even inside a word)."""
    return False


def opens_title(before: str, after: str) -> bool:
    """Whether, in a title, a line starting `after` cannot go on from one ending `before`: Chinese words
    show no such thing (the dropped first-line indent tells instead, see layout)."""
    return False


# A list item's number right after a title that has no full stop: "…时间截止8. 通过委员会的报告"
_ITEM_AFTER_TITLE = re.compile(r"(?<=[\u4e00-\u9fff])(?<!第)\d{1,2}\.\s")
_WORDLESS = re.compile(r"[\W_]*")


def sentence_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Cut text[start:] into sentences; never inside 《…》 titles. A straight quote after the
    stop closes the sentence when one is open in it (。" then the next); a list item's number
    after a Chinese character starts one; a span with no word (a lone quote mark) stays
    with the sentence before it."""
    spans, depth, begin = [], 0, start
    i = start
    while i < len(text):
        ch = text[i]
        if ch in _OPEN_TITLE:
            depth += 1
        elif ch in _CLOSE_TITLE:
            depth = max(0, depth - 1)
        elif depth == 0:
            m = _SENTENCE_END.match(text, i)
            end = m.end() if m else None
            if m and end < len(text) and text[end] in "\"'" and text.count(text[end], begin, end) % 2:
                end += 1
            if m is None and i > begin and _ITEM_AFTER_TITLE.match(text, i):
                end = i
            if end is not None:
                spans.append((begin, end))
                begin = i = end
                continue
        i += 1
    if text[begin:].strip():
        spans.append((begin, len(text)))
    return _words_kept(text, spans)


def _words_kept(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans without a word joined to the span before them."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and _WORDLESS.fullmatch(text, a, b):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def match_heading(text: str) -> int:
    """Length of the speaker heading at the start of a line, or 0."""
    m = _HEADING.match(text)
    if not m:
        return 0
    name, groups = m.group("name").strip(), m.group("groups")
    named = len(name) <= 12 and bool(_HONORIFICS.search(name)) and name not in ("主席先生",)  # "Bouaida女士："
    if not groups and name not in _ROLES and not named:
        return 0
    if not groups and not _PROSE_MARKS.search(text[m.end():]):
        return 0  # "主席：" alone, or "主席： 马梅德亚罗夫先生 (阿塞拜疆)", is the cover list
    if any(c.isdigit() for c in name):
        return 0
    return m.end()


def heading_is_cut(text: str) -> bool:
    """A heading whose bracket group runs onto the next line: '迪卡洛夫人（美利坚合众国）（以英'."""
    head = re.split(r"[（(]", text, maxsplit=1)[0]
    return 0 < len(head) <= 30 and text.count("（") + text.count("(") > text.count("）") + text.count(")") and len(text) < 60


def parse_heading(heading: str) -> Speaker:
    """Role, name, affiliation and interpretation language of a heading."""
    m = _HEADING.match(heading)
    name = m.group("name").strip() if m else heading
    affiliation, language = "", None
    for g in _GROUP.findall(m.group("groups") if m else ""):
        lm = _INTERPRETATION.match(g.strip())
        if lm:
            language = _LANGUAGES.get(lm.group(1).strip(), lm.group(1).strip())
        elif not affiliation:
            affiliation = g.strip()
    role = _ROLES.get(name)
    return Speaker(
        heading=heading.strip(),
        role=role,
        name="" if role else _HONORIFICS.sub("", name),
        affiliation=affiliation,
        language=language or LANG,  # no marker: spoken in the language of this version
    )


def _chinese_numeral(s: str) -> int | None:
    if not any(c in _UNITS or c in _BIG for c in s):  # 一九四八, 七〇五〇: digit by digit
        return int("".join(str(_DIGITS[c]) for c in s)) if all(c in _DIGITS for c in s) else None
    total, section, digit = 0, 0, 0
    for c in s:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _UNITS:
            section += (digit or 1) * _UNITS[c]
            digit = 0
        else:
            total = (total + section + digit) * _BIG[c]
            section = digit = 0
    return total + section + digit


def numbers(text: str) -> list[str]:
    """Numbers written in the sentence, as canonical strings.

    Western digits (2013, 57, 67/264), Chinese numerals in numeric context
    (第七〇五〇次, 一九四八年, 第十二条, 五个), amounts scaled by 万/亿, and
    months as "m10" so that 10月 meets تشرين الأول/أكتوبر.
    """
    t = strip_symbols(normalise(text)).replace("百分之", "%")
    out: list[str] = []
    for m in _MONTH.finditer(t):
        month = m.group(1)
        value = int(month) if month.isdigit() else _chinese_numeral(month)
        if value and 1 <= value <= 12:
            out.append(f"m{value}")
    t = _MONTH.sub(lambda m: " " + (m.group(2) or "") + " ", t)
    for m in re.finditer(r"\d+\s*/\s*\d+", t):
        out.append(re.sub(r"\s", "", m.group()))
    for m in _ARABIC_NUMBER.finditer(t):
        out.append(canonical_number(m.group()))
        big = _MAGNITUDE_AFTER.match(t, m.end())
        if big and "," not in m.group():
            out += scaled(m.group(), _BIG[big.group(1)])
    for m in _CN_NUMERAL.finditer(t):
        s = m.group(2)
        if m.group(1) or m.group(3) or len(s) >= 2:
            value = _chinese_numeral(s)
            if value is not None:
                out.append(str(value))
    return out
