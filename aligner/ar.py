"""Arabic rules: normalisation, sentence ends, speaker headings, numbers, word tokens."""
from __future__ import annotations

import functools
import re
import unicodedata

from . import camel
from .anchors import INVISIBLE, ascii_digits, canonical_number, fold, scaled, strip_symbols
from .model import Speaker

LANG = "ar"

# A sentence ends at . ! ؟ followed by a space or the end (quotes, brackets and a footnote
# reference "()" or "(3)" stay with it), not after a lone letter (see sentence_spans); and at
# a semicolon before the number of the next list item ("…إلحاحا؛ 12 - التأكيد", "؛ '4` تنفيذ").
_SENTENCE_END = re.compile(r"[.!؟?…]+[\"»”’')\]]*(?:\(\d{0,3}\))?(?=\s|$)"
                           r"|[؛;](?=\s+(?:\d{1,3}\s?-\s|'\d{1,3}`|\(\d{1,3}\)\s|\([\u0621-\u064a]\)\s))")
_LONE_LETTER = re.compile(r"(?:^|[\s(])([^\W\d_])$")
_ARABIC_NEXT = re.compile(r"\s*[\u0621-\u064a]")
_FINAL = ".!؟?:؛;،,\"»”)"
_PROSE_MARKS = re.compile(r"[.؛؟!]")
_CLAUSE_END = re.compile("[.؛؟!?]+[”’」』）)》〉\"»']*$")  # see ends_clause

_PAREN = r"\(\s*[^()]{1,80}?\s*\)"
_HEADING = re.compile(rf"^(?P<name>[^():.،؛!؟]{{2,80}}?)\s*(?P<groups>(?:{_PAREN}\s*){{0,3}}):\s*")
_GROUP = re.compile(r"\(\s*([^()]{1,80}?)\s*\)")
_INTERPRETATION = re.compile(r"^تكلمت?\s+(?:باللغة\s+|بلغة\s+)?(\S+)")
_HONORIFIC = re.compile(r"^(?:(?:السيد|السيدة|السير|الآنسة|سعادة|معالي|صاحب السمو|الأمير|الشيخ|الدكتور|السفير|اللورد|الأسقف|المطران)\s+)+")
_ROLES = {
    "الرئيس": "president",
    "الرئيس بالنيابة": "president",
    "الأمين العام": "secretary-general",
    "نائب الأمين العام": "deputy-secretary-general",
}
_LANGUAGES = {"انكليزيه": "en", "انجليزيه": "en", "فرنسيه": "fr", "روسيه": "ru", "اسبانيه": "es", "صينيه": "zh", "عربيه": "ar"}

_ONES = {
    "واحد": 1, "واحده": 1, "احد": 1, "احدي": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2,
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6,
    "سبع": 7, "سبعه": 7, "ثماني": 8, "ثمانيه": 8, "ثمان": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10,
    "اول": 1, "اولي": 1, "حادي": 1, "ثاني": 2, "ثانيه": 2, "ثالث": 3, "ثالثه": 3, "رابع": 4, "رابعه": 4,
    "خامس": 5, "خامسه": 5, "سادس": 6, "سادسه": 6, "سابع": 7, "سابعه": 7, "ثامن": 8, "ثامنه": 8,
    "تاسع": 9, "تاسعه": 9, "عاشر": 10, "عاشره": 10,
}
_TENS = {"عشر": 20, "ثلاث": 30, "اربع": 40, "خمس": 50, "ست": 60, "سبع": 70, "ثمان": 80, "تسع": 90}
_MULTIPLIERS = {"مائه": 100, "مئه": 100, "الف": 1000, "الاف": 1000, "مليون": 10**6, "ملايين": 10**6, "مليار": 10**9}
_MONTHS = {
    "كانون الثاني": 1, "يناير": 1, "شباط": 2, "فبراير": 2, "اذار": 3, "مارس": 3, "نيسان": 4, "ابريل": 4,
    "ايار": 5, "مايو": 5, "حزيران": 6, "يونيه": 6, "يونيو": 6, "تموز": 7, "يوليه": 7, "يوليو": 7,
    "اب": 8, "اغسطس": 8, "ايلول": 9, "سبتمبر": 9, "تشرين الاول": 10, "اكتوبر": 10,
    "تشرين الثاني": 11, "نوفمبر": 11, "كانون الاول": 12, "ديسمبر": 12,
}
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "تشرين الأول/أكتوبر": the UN writes both month names; one month, and its slash is no fraction
_MONTH = re.compile(rf"(?<!\w)({_MONTH_NAME})(?:\s*/\s*(?:{_MONTH_NAME}))?(?!\w)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PAIR = re.compile(r"(?<![\d/])(\d+)\s*/\s*(\d+)(?![\d/])")
_SCALE_AFTER = re.compile(r"\s*(مليون|ملايين|مليار|الف|الاف)")
_SCALED_NUMBER = re.compile(r"\d+(?:[.,]\d+)*\s*(?:مليون|ملايين|مليار|الف|الاف)\w*")
_CLOCK = re.compile(r"الساعه\s*$")


def normalise(text: str) -> str:
    """Matching form: presentation forms folded, marks removed, alef/ya/ta marbuta unified."""
    t = unicodedata.normalize("NFKC", INVISIBLE.sub("", text))
    return camel.normalise(INVISIBLE.sub("", t))


def tokens(text: str) -> list[str]:
    """Normalised word tokens (camel-tools' simple tokenizer)."""
    return camel.word_tokenize(normalise(text))


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
    return holds_sentence(text) or len(text) >= 100


# Words that go on from a finished noun phrase in a title: prepositions, conjunctions and particles
# written apart ("في", "على", "من", "بين", "أو"); prefixed and definite words go on too (see opens_title).
_LINKS = "في من إلى على عن مع حول ضد بين عند لدى منذ حتى دون نحو خلال عبر تجاه إزاء ضمن عقب قبل بعد أثناء أمام فوق تحت أو أم ثم أن إن"


@functools.cache
def _links() -> frozenset[str]:
    return frozenset(normalise(w) for w in _LINKS.split())


def ends_open(text: str) -> bool:
    """Whether the text stops on a preposition or particle ("…من خلال الاستثمار في"): nothing ends there."""
    words = text.split()
    return bool(words) and normalise(words[-1]) in _links()


def opens_title(before: str, after: str) -> bool:
    """Whether, in a title, a line starting `after` cannot go on from one ending `before`.

    A title is a noun phrase: a definite relational adjective ("…التعاون الإسلامي")
    closes one, and what goes on from it is a preposition, a conjunction, or a
    prefixed or definite word; a bare word ("رسالة مؤرخة…", "تعزيز…") starts the next title."""
    last, first = (before.split() or [""])[-1], (after.split() or [""])[0]
    last, first = normalise(last), normalise(first)
    # a relational adjective: the article, a root of three letters or more, the ending (not الذي, التي)
    closes = last.startswith("ال") and last.endswith(("ي", "يه")) and len(last) >= 6
    bare = bool(re.match(r"[\u0621-\u064a]", first)) and not first.startswith(("ال", "و", "ف", "ب", "ل", "ك"))
    return closes and bare and first not in _links()


def sentence_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Cut text[start:] into sentences at . ! ؟ followed by a space or the end. A lone letter
    before the stop is an initial or an abbreviation ("د.", "أ. غير", "J. Smith"), except a
    Latin letter that ends a Latin phrase before Arabic text ("…من A إلى B. وقال")."""
    spans, begin = [], start
    for m in _SENTENCE_END.finditer(text, start):
        lone = _LONE_LETTER.search(text, begin, m.start()) if text[m.start()] == "." else None
        if lone and not (lone.group(1).isascii() and _ARABIC_NEXT.match(text, m.end())):
            continue
        if text[begin:m.end()].strip():
            spans.append((begin, m.end()))
        begin = m.end()
    if text[begin:].strip():
        spans.append((begin, len(text)))
    return spans


def match_heading(text: str) -> int:
    """Length of the speaker heading at the start of a line, or 0."""
    m = _HEADING.match(text)
    if not m:
        return 0
    name, groups = m.group("name").strip(), m.group("groups")
    if len(name.split()) > 8:
        return 0
    if not groups:
        rest = text[m.end():]
        named = bool(_HONORIFIC.match(name)) and len(name.split()) <= 5  # "السيدة بوعيدة:"
        if not (name in _ROLES or named) or not (_PROSE_MARKS.search(rest) or len(rest) >= 40):
            return 0  # "الرئيس: السيد ... (أذربيجان)" is the cover list
        return m.end()
    if not (_HONORIFIC.match(name) or name in _ROLES or "تكلم" in groups):
        return 0
    return m.end()


def heading_is_cut(text: str) -> bool:
    """A heading whose interpretation marker runs onto the next line: '(تكلمت'."""
    return bool(_HONORIFIC.match(text) or text.split(" (")[0] in _ROLES) and text.count("(") > text.count(")") and len(text) < 160


def parse_heading(heading: str) -> Speaker:
    m = _HEADING.match(fold(heading)[0])  # "الـــرئيس" in a PDF is still the President
    name = m.group("name").strip() if m else heading
    affiliation, language = "", None
    for g in _GROUP.findall(m.group("groups") if m else ""):
        lm = _INTERPRETATION.match(g.strip())
        if lm:
            word = normalise(lm.group(1)).removeprefix("بال").removeprefix("ال")
            language = _LANGUAGES.get(word, word)
        elif not affiliation:
            affiliation = g.strip()
    role = _ROLES.get(name)
    return Speaker(
        heading=heading.strip(),
        role=role,
        name="" if role else _HONORIFIC.sub("", name).strip(),
        affiliation=affiliation,
        language=language or LANG,
    )


def _strip_clitics(word: str) -> str:
    for prefix in ("وال", "بال", "فال", "كال", "لل", "ال"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix):]
    if word[:1] in "وف" and len(word) > 3:
        return _strip_clitics(word[1:])
    return word


@functools.lru_cache(maxsize=1 << 16)  # a document uses a few thousand words, each many times
def _word_value(word: str) -> tuple[str, int] | None:
    """('one'|'ten'|'mult', value) for a number word, else None."""
    w = _strip_clitics(word)
    for suffix in ("ون", "ين"):
        if w.endswith(suffix) and w[: -len(suffix)] in _TENS:
            return "ten", _TENS[w[: -len(suffix)]]
    if w.rstrip("ا") in _MULTIPLIERS:  # مليونا
        return "mult", _MULTIPLIERS[w.rstrip("ا")]
    if w in ("مائتان", "مائتين"):
        return "one", 200
    if w.endswith("مائه") and w[:-4] in _ONES:
        return "one", _ONES[w[:-4]] * 100
    if w in _ONES:
        return "one", _ONES[w]
    return None


def _word_numbers(words: list[str]) -> list[int]:
    """Values of runs of number words: 'الثامنة والستون' -> 68, 'خمس' -> 5."""
    out, total, current, run = [], 0, 0, False
    for word in words + [""]:
        v = _word_value(word) if word else None
        if v is None:
            if run:
                out.append(total + current)
            total, current, run = 0, 0, False
            continue
        kind, value = v
        run = True
        if kind == "mult":
            total += (current or 1) * value
            current = 0
        else:
            current += value
    return out


def numbers(text: str) -> list[str]:
    """Numbers of the sentence as canonical strings, comparable with zh.numbers.

    Arabic-Indic digits become ASCII; a fraction or resolution number written
    right-to-left (٢٦٤/٦٧) is read as 67/264; month names give "m10";
    number words (خمس, الثامنة والستون) give their value; مليون/ألف scale.
    """
    t = ascii_digits(normalise(strip_symbols(text))).replace("في المائه", " % ")
    out: list[str] = []
    for m in _MONTH.finditer(t):
        out.append(f"m{_MONTHS[m.group(1)]}")
    t = _MONTH.sub(" ", t)
    for m in _PAIR.finditer(t):
        if not _CLOCK.search(t, max(0, m.start() - 12), m.start()):  # "الساعة ١٠/٠٠" is a time
            out.append(f"{int(m.group(2))}/{int(m.group(1))}")
    for m in _NUMBER.finditer(t):
        out.append(canonical_number(m.group()))
        scale = _SCALE_AFTER.match(t, m.end())
        if scale:
            out += scaled(canonical_number(m.group()), _MULTIPLIERS[scale.group(1)])
    bare = _NUMBER.sub(" ", _SCALED_NUMBER.sub(" ", t))  # "٢٠ مليونا" is counted above, not as 1000000
    words = [w for w in re.split(r"[^\w]+", bare) if w]
    out += [str(v) for v in _word_numbers(words)]
    return out
