"""Recover paragraphs from whatever line layout a converter wrote.

Converters lay the same text out in many ways: one paragraph per line; lines
wrapped at the column width with blank lines between paragraphs, or a blank
line after every line; `pdftotext -layout` with indentation and two columns
side by side; Windows line ends and form feeds at page breaks. They also leave
page furniture (running heads, page counters, job numbers, bar codes) and
footnotes at the foot of a page. This module reads the text
itself to undo all that:

- two columns side by side are split at their gutter (or refused);
- furniture lines are dropped and listed, footnotes are taken out of the
  sentence they interrupt and kept as paragraphs of their own;
- two lines join when the first was cut by the wrap width (its length
  against the document's typical wrap width, and whether the next line's
  first word would have fitted) or, across a paragraph or page break, when
  running text stops mid-sentence (a repair: only a hypothesis, which the
  aligner may undo at the joint); a title that fills its line still ends
  where the running heads' title ends, or where the language says the next
  line starts another one;
- the glue is what the language writes there: nothing between Chinese
  fragments (a space only between Latin letters or digits that had one),
  one space between Arabic ones, nothing inside a symbol or URL.

The result is plain data: paragraphs of source lines with the glue and kind of
each join, the dropped lines, and notes (such as Arabic restored from visual order).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from . import ar, zh
from .anchors import INVISIBLE, ascii_digits, fold
from .errors import InputError
from .glue import glue
from .model import Line
from .read import clean_line
from .visual import logical_order

RULES = {"zh": zh, "ar": ar}
_DIGIT = "[0-9\u0660-\u0669\u06f0-\u06f9]"
# Symbols of UN documents as running heads print them: S/PV.7796, A/71/PV.34, S/2016/867.
_SYMBOL = r"[A-Z]{1,6}(?:-\d+)?(?:/[A-Z0-9][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*)+"
_DATE = rf"{_DIGIT}{{1,4}}/{_DIGIT}{{1,2}}/{_DIGIT}{{1,4}}"
_FURNITURE = {
    # "14/29 16-34838", "13-52982 (C)", "*1334838*", "3", "- 3 -", "١٤/٢٩": nothing but page tokens
    "page counter or job number": re.compile(
        rf"^(?:(?:{_DIGIT}{{1,3}}\s*/\s*{_DIGIT}{{1,3}}|{_DIGIT}{{2}}-{_DIGIT}{{5}}(?:\s*\([A-Z]\))?"
        rf"|\*{_DIGIT}{{5,}}\*|-?\s*{_DIGIT}{{1,4}}\s*-?)\s*)+$"),
    # "S/PV.7796  联合国与区域…的合作  28/10/2016", and the date first on facing pages
    "running head": re.compile(rf"^(?:{_SYMBOL}(?:\s+.{{0,160}})?\s+{_DATE}|{_DATE}\s+(?:.{{0,160}}\s+)?{_SYMBOL}|{_SYMBOL})$"),
}
# The title a running head prints between the document symbol and the date.
_HEAD_TITLE = re.compile(rf"^(?:{_SYMBOL}|{_DATE})\s+(.+?)\s+(?:{_SYMBOL}|{_DATE})$")
# A footnote at a page foot: "1 见 S/2013/588。", "¹ انظر ...".
_FOOTNOTE = re.compile(rf"^(?:{_DIGIT}{{1,2}}|[\u00b9\u00b2\u00b3\u2070-\u2079]+)\s+\S")
_SUPERSCRIPT_NOTE = re.compile(r"^[\u00b9\u00b2\u00b3\u2070-\u2079]+\s+\S")  # "² A/79/302。": a note, wherever it sits
_FOOTNOTE_ZONE = 6  # lines above a page break a footnote may start
_RULE = re.compile(r"^[_\-─—=]{5,}$")  # the rule that sets footnotes off
_SUPERSCRIPTS = str.maketrans("\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079", "1230456789")
_TO_SUPERSCRIPT = str.maketrans("1230456789", "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079")
# Two columns side by side: a gutter of spaces at the same place on most lines of a page.
_GUTTER_RUN = re.compile(r" {3,}")
_CROSSING_SHARE = 0.02  # lines that may cross a gutter (a heading set across the page)
_TWO_SIDES_SHARE = 0.1  # lines with text on both sides of it
_SIDE_BY_SIDE_SHARE = 0.4  # long lines with wide runs of spaces inside that say "two columns"
_PAGE_MAX = 300  # display columns no page line exceeds
# A wrapped document: most lines end near one width (display columns, a Han character counting two).
_WRAP_QUANTILE = 0.9
_WRAP_SHARE = 0.3
_WRAP_MAX = 200
# Folded characters no paragraph of a UN document reaches (the longest in the samples has 1,500): a list of
# many thousand short numbered lines with no blank line between them reads as one wrapped paragraph. Past
# this length it ends after the next line that ends a clause, and past twice it after any line, so that the
# rules reading the paragraph's text at every line (and the text itself, grown line by line) stay linear.
MAX_PARAGRAPH = 10_000
_TOLERANCE = {"zh": 2, "ar": 1}  # columns a converter's wrap may leave free (kinsoku, justification)
_FIRST_LINE_INDENT = {"zh": 4, "ar": 0}  # columns of a first-line indent the converter dropped
_WRAPS_BETWEEN_WORDS = {"zh": False, "ar": True}  # Chinese lines break anywhere, Arabic ones at a space
_KEPT_SPACE_SHARE = 0.9  # of the lines the wrap cut mid-phrase ending with the space it fell on: the converter keeps it
# outside Arabic; as the complement of the narrow ranges (the wide ones took 7 ms to compile at every start)
_MAYBE_WIDE = re.compile("[^\x00-\u02ff\u0370-\u10ff\ufb50-\ufdff\ufe70-\ufeff]")
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed]")
_MIXED_SPACED = re.compile(r"[A-Za-z0-9()] [\u4e00-\u9fff]|[\u4e00-\u9fff] [A-Za-z0-9()]")
_MIXED_TIGHT = re.compile(r"[A-Za-z0-9()][\u4e00-\u9fff]|[\u4e00-\u9fff][A-Za-z0-9()]")
_LONG_TITLES = {"zh": True, "ar": True}  # titles as long as rules.is_prose's length for running text
_TITLE_LINES = 3  # lines a title runs to at most
_COMMA = re.compile("[,，、،;；؛]")
_LEADER = re.compile(r"[^\s.](?:\.{4,}|．{3,})\s")  # "美利坚合众国..... 迪卡洛夫人": a row of a table
_COLUMN_GAP = re.compile("[\u4e00-\u9fff] +[\u4e00-\u9fff]")  # Chinese words never have a space between them
_CLAUSE_MARK = re.compile("[。，；、！？,;]")


@dataclass(frozen=True)
class Dropped:
    """A line taken out as page furniture."""

    number: int
    text: str
    what: str


@dataclass
class Paragraph:
    """Source lines read as one run of text; joins[k] tells how lines[k + 1] attaches to lines[k]."""

    lines: list[Line]
    joins: list["Join"] = field(default_factory=list)
    kind: str = "text"  # "text", "footnote"

    @property
    def mark(self) -> str:
        return self.lines[0].mark


@dataclass(frozen=True)
class Join:
    glue: str
    how: str  # "wrap" (cut by the wrap width), "heading" (a heading's tail), "repair" (across a break: a joint)
    across: str = ""  # what lay between: "page break", "footnote", ...


@dataclass
class Reading:
    """What the reader made of a text."""

    paragraphs: list[Paragraph]
    dropped: list[Dropped]
    notes: list[str]
    wrap_width: int | None = None
    blank_lines: bool = True  # whether blank lines separate paragraphs

    def describe(self) -> str:
        wrap = f"lines wrapped at {self.wrap_width} columns" if self.wrap_width else "one paragraph per line"
        blanks = "blank lines separate paragraphs" if self.blank_lines else "blank lines ignored (one after nearly every line)"
        return f"{wrap}; {blanks}"


@dataclass
class _Row:
    """A source line as the reader sees it."""

    number: int
    text: str  # cleaned
    mark: str
    indent: int  # display columns of leading space beyond the column's margin
    spaced: bool | None  # the source line ended with a space (the wrap fell on one); None: cannot tell
    blank_before: int = 0
    page_before: bool = False  # a page break (form feed, furniture) lies between it and the previous row
    what: str = ""  # furniture kind, "footnote", or ""
    dashed: str = ""  # for a line read as a list entry: its text with the leading dash kept


def width(text: str, lang: str = "ar") -> int:
    """Display columns: a wide (Han, full-width) character counts two, a combining mark none; in
    Chinese text the characters of ambiguous width (“ ” · …) are wide too."""
    if lang != "zh" and not _MAYBE_WIDE.search(text):  # Arabic and Latin: one column a character, marks none
        return len(text) - len(_MARKS.findall(text))
    wide = "WFA" if lang == "zh" else "WF"
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in wide else 1 for c in text)


def read(text: str, lang: str) -> Reading:
    """Paragraphs, dropped furniture and notes of a document in `lang`."""
    notes: list[str] = []
    text = text.removeprefix("\ufeff")
    if lang == "ar":
        text, note = logical_order(text)
        if note:
            notes.append(note)
    pages = _pages(text)
    rows, split = _rows(pages, lang)
    if split:
        notes.append(f"two columns side by side on {split} page(s): read left column, then right")
    _mark_furniture(rows)
    _mark_footnotes(rows)
    _mark_unbroken_footnotes(rows)
    dropped = [Dropped(r.number, r.text, r.what) for r in rows if r.what and r.what != "footnote"]
    text_rows = [r for r in rows if not r.what or r.what == "footnote"]
    wrap = _wrap_width(text_rows, lang)
    blank_lines = _blank_lines_matter(rows)
    return Reading(_paragraphs(rows, lang, wrap, blank_lines), dropped, notes, wrap, blank_lines)


# ---------------------------------------------------------------- lines, pages and columns


def _pages(text: str) -> list[list[tuple[int, str]]]:
    """(line number, raw line) per page. A form feed at the start or end of a line breaks the page
    (it starts no line: line numbers stay the file's); one inside a line is a character of the text."""
    pages: list[list[tuple[int, str]]] = [[]]
    for n, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        before, line, after = _FORM_FEEDS.match(raw).groups()
        if before and pages[-1]:
            pages.append([])
        pages[-1].append((n, line))
        if after:
            pages.append([])
    return [p for p in pages if p]


_FORM_FEEDS = re.compile(r"(\f*)(.*?)(\f*)$", re.S)


def _rows(pages: list[list[tuple[int, str]]], lang: str) -> tuple[list[_Row], int]:
    """Rows in reading order, and how many pages had two columns.

    Furniture is told first, on whole lines (a running head spans both
    columns); the rest of a page is split into columns if it has two, read
    left then right (right then left in Arabic), the page's furniture before
    or after them. Indentation counts from the column's margin; Arabic lines,
    set flush right, have none that means anything."""
    rows: list[_Row] = []
    split = 0
    trailing = 0  # blank lines that ended the last column: a paragraph break before the next one's text
    for page in pages:
        cleaned = {(n, raw): clean_line(raw) for n, raw in page}
        furniture = {n: _furniture(cleaned[n, raw][0]) for n, raw in page}
        columns = _split_columns([(n, raw) for n, raw in page if not furniture[n]], lang)
        if len(columns) == 1:
            columns = [page]  # furniture stays where it is
        else:
            split += 1
            if lang == "ar":
                columns.reverse()
            first = next(n for n, raw in page if raw.strip() and not furniture[n])
            head = [(n, raw) for n, raw in page if furniture[n] and n < first]
            foot = [(n, raw) for n, raw in page if furniture[n] and n > first]
            columns = [head, *columns, foot]
        for column in columns:
            margin = min((_indent(raw) for n, raw in column if raw.strip() and not furniture.get(n)), default=0)
            blanks, new_page = 0, bool(rows)
            for n, raw in column:
                s, mark = cleaned.get((n, raw)) or clean_line(raw)
                if not INVISIBLE.sub("", s).strip():
                    blanks += 1
                    continue
                if new_page:  # blank lines atop a page or column are layout; those that ended the last one are not
                    blanks = trailing
                spaced = raw != raw.rstrip() if len(columns) == 1 else None
                indent = 0 if lang == "ar" else max(0, _indent(raw) - margin)
                rows.append(_Row(n, s, mark, indent, spaced, blanks, new_page, furniture[n]))
                if mark == "item" and "\t" not in raw.strip():
                    rows[-1].dashed = clean_line(raw, keep_bullet=True)[0]
                blanks, new_page = 0, False
            trailing = blanks
    return rows, split


def _furniture(text: str) -> str:
    folded = fold(text)[0]
    return next((what for what, pattern in _FURNITURE.items() if pattern.match(folded)), "")


def _indent(raw: str) -> int:
    return width(raw[: len(raw) - len(raw.lstrip())].replace("\t", "    "))


def _split_columns(page: list[tuple[int, str]], lang: str) -> list[list[tuple[int, str]]]:
    """A page as one column, or as its left and right columns when a gutter runs down it: a
    place no line crosses, with text on both sides of it on a fair share of the lines.

    Refuses a page whose lines hold wide runs of spaces in the middle but no
    such gutter: two columns that cannot be told apart reliably."""
    texts = [raw.strip() for _, raw in page if raw.strip()]
    inner = sum(1 for t in texts if _GUTTER_RUN.search(t))
    if len(texts) < 6 or inner < _TWO_SIDES_SHARE * len(texts):
        return [page]  # no wide runs of spaces inside lines: one column (and no costly search)
    cells = [_cells(raw, lang) for _, raw in page if raw.strip()]
    right = max(len(c) for c in cells)
    if right > _PAGE_MAX:
        return [page]  # lines longer than a page is wide: paragraphs, not columns
    best, both = None, 0
    for col in range(right // 4, 3 * right // 4):
        crossing = sum(1 for c in cells if "".join(c[col - 1:col + 2]).strip(" "))
        sides = sum(1 for c in cells if "".join(c[:col - 1]).strip() and "".join(c[col + 2:]).strip())
        if crossing <= _CROSSING_SHARE * len(cells) and sides > both:
            best, both = col, sides
    if best is not None and both >= _TWO_SIDES_SHARE * len(cells):
        left_col, right_col = [], []
        for n, raw in page:
            c = _cells(raw, lang)
            left_col.append((n, _uncell(c[:best])))
            right_col.append((n, _uncell(c[best:])))
        return [left_col, right_col]
    long = [raw.strip() for _, raw in page if width(raw.strip(), lang) >= 20]
    if long and sum(1 for raw in long if _GUTTER_RUN.search(raw)) >= _SIDE_BY_SIDE_SHARE * len(long):
        raise InputError("two columns side by side (pdftotext -layout?) without a clear gutter between them; "
                         "extract the text again without -layout")
    return [page]


def _cells(raw: str, lang: str) -> list[str]:
    """The line cut into display columns: a wide character fills two (the second holds a filler),
    a combining mark stays in its letter's column."""
    cells: list[str] = []
    for ch in raw.replace("\t", "    "):
        w = width(ch, lang)
        if w == 0 and cells:
            cells[-1] += ch
        else:
            cells += [ch] + ["\0"] * (w - 1)
    return cells


def _uncell(cells: list[str]) -> str:
    return "".join(cells).replace("\0", "").rstrip()


# ---------------------------------------------------------------- furniture and footnotes


def _mark_furniture(rows: list[_Row]) -> None:
    """The text row after page furniture follows a page break. (The cover notice, "本记录包括中文发言的
    文本…" / "يتضمن هذا المحضر…", is not furniture: it is translated on both sides, and the gold
    alignments of meeting records align it.)"""
    pending, blanks = False, None  # a page break since the last text row; the blank lines before it
    for row in rows:
        if row.what:
            if blanks is None:
                blanks = row.blank_before
            pending = True
        else:
            if blanks is not None:  # the blank lines between furniture rows and text are layout, not paragraphs
                row.blank_before = blanks
            row.page_before, pending, blanks = row.page_before or pending, False, None


def _mark_footnotes(rows: list[_Row]) -> None:
    """Footnotes: the rows at a page foot, just before a page break, from a numbered line on, when
    the body of the page above refers to that number (a superscript, or a number glued to the word
    before it: "的信1。") or a rule line sets them off."""
    for k, row in enumerate(rows):
        if row.what or not row.page_before:
            continue
        zone: list[int] = []  # text rows going up from the page foot
        j = k - 1
        while j >= 0 and len(zone) < _FOOTNOTE_ZONE:
            if rows[j].what:
                if zone:
                    break
            else:
                zone.append(j)
                if rows[j].page_before:
                    break
            j -= 1
        starts = [j for j in zone if _FOOTNOTE.match(fold(rows[j].text)[0])]
        if not starts or rows[starts[-1]].page_before:
            continue
        top = starts[-1]
        body = []
        for j in range(top - 1, -1, -1):
            body.append(rows[j].text)
            if rows[j].page_before or rows[j].what:
                break
        number = re.match(r"\S+", fold(rows[top].text)[0]).group()
        ruled = bool(_RULE.match(body[0])) if body else False
        if ruled or _refers_to(" ".join(body), number):
            for j in zone:
                if j >= top:
                    rows[j].what = "footnote"
            if ruled:
                rows[top - 1].what = "footnote rule"


def _mark_unbroken_footnotes(rows: list[_Row]) -> None:
    """Footnotes where the converter kept no page break (nor furniture) to find them by: a run
    of lines each opened by a superscript note number ("² A/79/302。"), the first of them
    referred to by the text above since the last footnote or page break. They may sit inside
    a sentence the page cut; marked, they wait for that paragraph to end."""
    k = 0
    while k < len(rows):
        if rows[k].what or not _SUPERSCRIPT_NOTE.match(fold(rows[k].text)[0]):
            k += 1
            continue
        end = k
        while end < len(rows) and not rows[end].what and _SUPERSCRIPT_NOTE.match(fold(rows[end].text)[0]):
            end += 1
        body = []
        for j in range(k - 1, -1, -1):
            if rows[j].what == "footnote":
                break
            body.append(rows[j].text)
            if rows[j].page_before:
                break
        number = re.match(r"\S+", fold(rows[k].text)[0]).group()
        if _refers_to(" ".join(reversed(body)), number):
            for j in range(k, end):
                rows[j].what = "footnote"
        k = end


def _refers_to(body: str, number: str) -> bool:
    """Whether the body text carries the reference mark of footnote `number`."""
    digits = ascii_digits(number.translate(_SUPERSCRIPTS))
    if number.translate(_SUPERSCRIPTS) != number:  # a superscript footnote number: look for the superscript
        return number in body
    sup = digits.translate(_TO_SUPERSCRIPT)
    return sup in body or bool(re.search(rf"[^\s\d/.,:\-](?:{re.escape(digits)})(?![\d/.,:\-]|\s*[年月日%])", ascii_digits(body)))


# ---------------------------------------------------------------- wrap width and joins


def _wrap_width(rows: list[_Row], lang: str) -> int | None:
    """The document's wrap width in display columns, or None when lines are paragraphs."""
    widths = sorted(r.indent + width(r.text, lang) for r in rows if not r.mark and not r.what)
    if len(widths) < 8:
        return None
    w = widths[int(_WRAP_QUANTILE * (len(widths) - 1))]
    near = sum(1 for x in widths if 0.8 * w <= x <= w + 2)
    if w > _WRAP_MAX or near < _WRAP_SHARE * len(widths):
        return None
    return w


def _first_token(text: str) -> str:
    m = re.match(r"[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a.,/\-]+|\S", text)
    return m.group() if m else text[:1]


def _cut_by_wrap(prev: _Row, cur: _Row, wrap: int, lang: str, first: bool) -> bool:
    """Whether `prev` ended because the wrap width was reached: the next line's first word did not fit."""
    word = cur.text.split(" ", 1)[0] if lang == "ar" else _first_token(cur.text)
    room = wrap - _TOLERANCE[lang] - (_FIRST_LINE_INDENT[lang] if first else 0)
    return prev.indent + width(prev.text, lang) + (1 if lang == "ar" else 0) + width(word, lang) > room


def mixed_spacing(text: str) -> bool:
    """Whether the text usually sets Latin words and numbers off from Chinese with a space ("ADT 安保")."""
    spaced = len(_MIXED_SPACED.findall(text))
    return spaced > len(_MIXED_TIGHT.findall(text))


def _starts_heading(rows: list[_Row], k: int, lang: str) -> bool:
    """A speaker heading starts on row k (perhaps with its tail on the next row)."""
    rules, row = RULES[lang], rows[k]
    if row.mark == "item":
        return False
    text = fold(row.text)[0]
    if rules.match_heading(text):
        return True
    nxt = _next_text(rows, k)
    return nxt is not None and rules.heading_is_cut(text) and rules.match_heading(
        text + glue(lang, text, rows[nxt].text, True) + fold(rows[nxt].text)[0]) > len(text)


def _names_language(text: str, lang: str) -> bool:
    """A heading with an interpretation marker: "（以英语发言）", "(تكلم بالإنكليزية)"."""
    rules = RULES[lang]
    folded = fold(text)[0]
    n = rules.match_heading(folded)
    return bool(n) and rules.parse_heading(folded[:n]).language != rules.LANG


def _next_text(rows: list[_Row], k: int) -> int | None:
    for j in range(k + 1, len(rows)):
        if not rows[j].what:
            return j
    return None


def _head_titles(rows: list[_Row]) -> set[str]:
    """The titles the running heads print (spaces removed): the document's own title, as long as it is."""
    titles = (_HEAD_TITLE.match(fold(r.text)[0]) for r in rows if r.what == "running head")
    return {re.sub(r"\s", "", m.group(1)) for m in titles if m}


def _paragraphs(rows: list[_Row], lang: str, wrap: int | None, blank_matters: bool) -> list[Paragraph]:
    """Group text rows into paragraphs; footnotes follow the paragraph they interrupt."""
    return _Grouping(rows, lang, wrap, blank_matters).paragraphs()


class _Grouping:
    """One pass over the rows, deciding for each whether it continues the paragraph before it."""

    def __init__(self, rows: list[_Row], lang: str, wrap: int | None, blank_matters: bool):
        self.rows, self.lang, self.wrap, self.blank_matters = rows, lang, wrap, blank_matters
        self.rules = RULES[lang]
        self.mixed = lang == "zh" and mixed_spacing("\n".join(r.text for r in rows if not r.what))
        self.current: Paragraph | None = None
        self.text = ""  # folded text of the current paragraph
        self.heading = 0  # length of the speaker heading it opens with
        self.repairs = 0
        self.first_row = True  # the previous row opened its paragraph
        self.after_full = False  # the current paragraph opened after a full line: perhaps only the tail of the one before
        self.place = 0  # paragraphs so far: a new paragraph or a repair starts the next
        self.head_titles = _head_titles(rows)
        self.kept_spaces = bool(wrap) and _WRAPS_BETWEEN_WORDS[lang] and _keeps_wrap_spaces(rows, lang, wrap)

    def _cut(self, prev: _Row, cur: _Row, first: bool) -> bool:
        """Whether the wrap cut `prev` (_cut_by_wrap): where the converter keeps the space each wrap between
        words fell on, a line without one was not cut, however full (a paragraph's last line that the
        next paragraph's first word would not have fitted)."""
        return _cut_by_wrap(prev, cur, self.wrap, self.lang, first) and not (self.kept_spaces and prev.spaced is False)

    def paragraphs(self) -> list[Paragraph]:
        out: list[Paragraph] = []
        held: list[Paragraph] = []  # footnotes waiting for the paragraph they interrupt to end
        prev: _Row | None = None
        between = ""
        for k, row in enumerate(self.rows):
            if row.what == "footnote":
                self._footnote(held, row)
                between = between or "footnote"
                continue
            if row.what == "notice":  # the cover notice stands between paragraphs: nothing joins across it
                prev = None
                continue
            if row.what:
                between = "page break"
                continue
            how = self._join(k, prev, row) if self.current is not None and prev is not None else None
            if how and len(self.text) >= MAX_PARAGRAPH and (
                    len(self.text) >= 2 * MAX_PARAGRAPH or self.rules.ends_clause(fold(prev.text)[0])):
                how = None
            self.place += how in (None, "repair")
            line, folded = Line(row.number, row.text, row.mark, self.place), fold(row.text)[0]
            if how is None:
                if self.current is not None:
                    out.append(self.current)
                out += held
                held = []
                self.current, self.text, self.repairs, self.first_row = Paragraph([line]), folded, 0, True
                self.after_full = prev is not None and bool(self.wrap) and self._cut(prev, row, False)
                self.heading = 0 if row.mark == "item" else self.rules.match_heading(folded)
            else:
                g = glue(self.lang, prev.text, row.text, prev.spaced, self.mixed)
                self.current.joins.append(Join(g, how, between))
                self.current.lines.append(line)
                self.text += g + folded
                self.repairs += how == "repair"
                if self.current.mark != "item":
                    self.heading = self.rules.match_heading(self.text)
                self.first_row = how == "repair"  # a repair opened the next source paragraph
            prev, between = row, ""
        if self.current is not None:
            out.append(self.current)
        return out + held

    def _indent_dropped(self, k: int) -> bool:
        """Row k is a paragraph's first line whose indent the converter dropped: the wrap cut it
        only if it had the indent (the next line's first word would have fitted otherwise).
        Asked only where blank lines cannot tell paragraphs apart."""
        nxt = _next_text(self.rows, k)
        if nxt is None or not self.wrap or self.blank_matters or not _FIRST_LINE_INDENT[self.lang]:
            return False
        row, after = self.rows[k], self.rows[nxt]
        return self._cut(row, after, True) and not self._cut(row, after, False)

    def _table_row(self, k: int) -> bool:
        """Row k is a row of a table: a dot leader ("美利坚合众国..... 迪卡洛夫人"), or, in Chinese,
        words set apart by spaces with no punctuation on a line the wrap did not cut ("法国 阿罗先生")."""
        text = self.rows[k].text
        if _LEADER.search(text):
            return True
        if self.lang != "zh" or not _COLUMN_GAP.search(text) or _CLAUSE_MARK.search(text):
            return False
        nxt = _next_text(self.rows, k)
        return nxt is None or not self.wrap or not self._cut(self.rows[k], self.rows[nxt], False)

    def _continued(self, k: int) -> bool:
        """The line after row k is not a paragraph's first line itself (its indent dropped): so row k,
        full only with a dropped indent, opens a paragraph rather than ends one by chance at that length."""
        nxt = _next_text(self.rows, k)
        return nxt is not None and not self._indent_dropped(nxt)

    def _footnote(self, held: list[Paragraph], row: _Row) -> None:
        """A footnote row opens a footnote, or continues the one before it when it has no number."""
        last = held[-1] if held else None
        if last is not None and not _FOOTNOTE.match(fold(row.text)[0]):
            last.joins.append(Join(glue(self.lang, last.lines[-1].text, row.text, row.spaced, self.mixed), "wrap"))
            last.lines.append(Line(row.number, row.text, "footnote", last.lines[-1].place))
        else:
            self.place += 1
            held.append(Paragraph([Line(row.number, row.text, "footnote", self.place)], kind="footnote"))

    def _join(self, k: int, prev: _Row, row: _Row) -> str | None:
        """How row k attaches to the paragraph ending with `prev`: "wrap", "heading", "repair" or None (it starts one)."""
        rules, lang, wrap, current = self.rules, self.lang, self.wrap, self.current
        folded_prev = fold(prev.text)[0]
        if row.dashed and wrap and not rules.is_final(folded_prev) and self._cut(prev, row, self.first_row):
            row.text, row.mark = row.dashed, ""  # "- 1912年": a dash the wrap put first on the line
            return "wrap"
        if row.mark in ("title", "item") or current.mark == "title" or self._table_row(k):
            return None
        if self.head_titles and re.sub(r"\s", "", self.text) in self.head_titles:
            return None  # the document's title, whole: it only looks cut when it fills its line or ends a page
        if len(current.lines) == 1 and prev.mark != "item" and rules.heading_is_cut(folded_prev):
            joined = folded_prev + glue(lang, prev.text, row.text, prev.spaced) + fold(row.text)[0]
            if rules.match_heading(joined) > len(folded_prev):
                return "heading"
        paragraph_break = (self.blank_matters and row.blank_before) or bool(wrap and row.indent)
        table_row = prev.mark == "item" and not prev.dashed  # columns kept as tabs: rows do not run on
        # a dropped first-line indent leaves room at the end of a paragraph's first line, and on any line
        # that stops mid-sentence the room may be that indent too: a paragraph does not end there
        indented = self.first_row or not RULES[lang].ends_clause(folded_prev)
        cut = bool(wrap) and not paragraph_break and self._cut(prev, row, indented)
        if table_row:  # rows do not run on, but the wrap may have cut one (its tail holds no tab)
            if cut and not row.mark:
                return "wrap"
            cut = False
        if _starts_heading(self.rows, k, lang):
            # a heading opens a paragraph; a line the wrap ran on to only looks like one
            # ("物质的四种状态（顺序不分手）：固体…"), unless it names the language spoken, or follows a
            # finished phrase where nothing else tells paragraphs apart (or its dropped indent does)
            if not cut or _names_language(self.rows[k].text, lang) or (
                    rules.is_final(folded_prev) and not self.blank_matters
                    and (not _FIRST_LINE_INDENT[lang] or self._indent_dropped(k))):
                return None
        if cut and RULES[lang].ends_clause(folded_prev) and self._indent_dropped(k):
            return None  # a sentence ends the line and the next one opens a paragraph
        if cut and self._indent_dropped(k) and self._continued(k):
            # a paragraph's first line, its indent dropped, followed by its own continuation: after a title
            # (one that did not open after a full line) it opens a paragraph, the title only looked cut; after
            # a line that stops mid-sentence, the paragraph broke inside a sentence (a blank line shows it in
            # other layouts)
            if not self._prose() and not self.after_full:
                return None
            if not RULES[lang].ends_clause(fold(row.text)[0]):
                return "repair"
        if cut and rules.opens_title(folded_prev, fold(row.text)[0]) and self._title_through(k):
            return None  # a title that fills its line, and the next title after it
        if cut:
            return "wrap"
        if len(self.text) > self.heading and self._prose() and not rules.is_final(self.text):
            return "repair"
        return None

    def _title_through(self, k: int) -> bool:
        """The current paragraph, run on through row k to the first line the wrap did not cut (a few
        lines at most), is a title: no speaker heading, no sentence, no comma, not stopping on a preposition."""
        if self.heading or self.repairs:
            return False
        text, j = self.text, k
        for _ in range(_TITLE_LINES):
            text += " " + fold(self.rows[j].text)[0]
            nxt = _next_text(self.rows, j)
            if nxt is None or not self._cut(self.rows[j], self.rows[nxt], False):
                return not (self.rules.holds_sentence(text) or _COMMA.search(text) or self.rules.ends_open(text))
            j = nxt
        return False

    def _prose(self) -> bool:
        """The current paragraph is running text, not a title; wrapped Chinese titles joined are long
        enough to pass for it, but have no comma; a title does not stop on a preposition."""
        rules = self.rules
        return bool(self.heading or self.repairs or rules.ends_open(self.text) or (rules.is_prose(self.text) and (
            not (self.wrap and _LONG_TITLES[self.lang]) or rules.holds_sentence(self.text)
            or _COMMA.search(self.text))) or (not self.wrap and len(self.current.lines) > 1))


def _keeps_wrap_spaces(rows: list[_Row], lang: str, wrap: int) -> bool:
    """Whether the converter kept the space each wrap between words fell on: of the lines the wrap
    cut mid-phrase (full, and stopping where no phrase ends), nearly all end with one."""
    text = [r for r in rows if not r.what]
    cut = [a for a, b in zip(text, text[1:]) if a.spaced is not None and not RULES[lang].is_final(fold(a.text)[0])
           and _cut_by_wrap(a, b, wrap, lang, False)]
    return len(cut) >= 8 and sum(a.spaced for a in cut) >= _KEPT_SPACE_SHARE * len(cut)


def _blank_lines_matter(rows: list[_Row]) -> bool:
    """Blank lines separate paragraphs, unless the converter put one after nearly every line."""
    text = [r for r in rows if not r.what]
    if len(text) < 8:
        return True
    after = sum(1 for a, b in zip(text, text[1:]) if b.blank_before)
    return after < 0.85 * (len(text) - 1)


# ---------------------------------------------------------------- explanation


def explain(reading: Reading, segments: list, where=None) -> str:
    """What the reader did, segment by segment: source lines, joins (how, glue, across what) and drops;
    with `where` (a segment's lines -> where they stood in a PDF or DOCX), where each one came from."""
    joins: dict[tuple[int, int], Join] = {}
    for p in reading.paragraphs:
        for a, b, j in zip(p.lines, p.lines[1:], p.joins):
            joins[(a.number, b.number)] = j
    out = [f"layout: {reading.describe()}"]
    out += [f"note: {n}" for n in reading.notes]
    out.append(f"dropped: {len(reading.dropped)} line(s) of page furniture")
    pending = list(reading.dropped)
    for k, seg in enumerate(segments, 1):
        first, last = min(seg.lines), max(seg.lines)
        while pending and pending[0].number < first:
            d = pending.pop(0)
            out.append(f"  - line {d.number} dropped ({d.what}): {d.text}")
        out.append(f"[{k}] {seg.kind}, line{'s' if len(seg.lines) > 1 else ''} {', '.join(map(str, seg.lines))}: {seg.text}")
        if where is not None:
            out.append(f"    from {where(seg.lines)}")
        for a, b in zip(seg.lines, seg.lines[1:]):
            j = joins.get((a, b))
            if j is not None:
                across = f" across {j.across}" if j.across else ""
                out.append(f"    join {a}+{b}: {j.how}{across}, glue {j.glue!r}")
        while pending and pending[0].number <= last:
            d = pending.pop(0)
            out.append(f"    line {d.number} dropped ({d.what}): {d.text}")
    out += [f"  - line {d.number} dropped ({d.what}): {d.text}" for d in pending]
    return "\n".join(out) + "\n"
