"""The text of a PDF in reading order, from the position of each character on its page.

pdfminer.six gives every glyph with its box, font and size (its own layout
analysis is not used: it reads columns and right-to-left lines its own way).
From those boxes, page by page:

- glyphs on one baseline form a row; a row is cut where a gap is wider
  than a word space;
- columns: a gutter is a place no row crosses and that rows have text on
  both sides of, over a run of rows (a zone) whose two sides are set as
  columns of running text (one at least with most lines filling it, the gap
  between them narrow, the first filled from the zone's top to its foot); of
  the places a gutter may lie, the one reading most rows as two columns is
  taken (on a cover, a table's cells may leave more rows clear elsewhere);
  a page may hold a one-column part (a cover, a title) above two columns.
  Columns are read left then right, right then left on a page set right to
  left (Arabic);
- running heads, footers and page numbers: rows at the top or foot of a
  page whose text (digits aside) comes back at the same height on other
  pages, or that hold only a page number;
- footnotes: the rows at a page foot set smaller than the body, from one
  opened by a number on; a raised small digit in the body is the
  reference, read as a superscript;
- lines join into paragraphs unless the first one ended short (the next
  line's first word would have fitted), the next is indented, set in
  another size or weight, or further down than the line pitch; a line
  broken after a hyphen inside a Latin word is joined without it; across
  a column or page break, a full line that stops mid-sentence goes on in
  the next column;
- a right-to-left line (more Arabic than Latin letters), drawn left to
  right, is turned into logical order (visual.flip_line: reversed, the
  runs of Latin letters and digits kept in their order, mirrored brackets
  put back).

A PDF without any text (a scan), or one that needs a password, is refused.
"""
from __future__ import annotations

import logging
import math
import re
import statistics
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO

from . import ar, zh
from .errors import InputError
from .extracted import Extracted, Left, Paragraph, Place, assemble, superscript
from .glue import glue
from .visual import flip_line

_ROW_TOLERANCE = 0.55  # of the font size: glyphs with baselines this close share a row (a superscript's too)
_PIECE_GAP = 0.8  # of the font size: a wider gap cuts a row into pieces (a gutter may lie there)
_CELL_GAP = 2.0  # of the font size: a wider gap inside a column is between the cells of a table row
_SPACE_GAP = 0.2  # of the font size: a gap without a space glyph that is a word space
_WIDE_SPACE_GAP = 0.5  # the same where the PDF draws its spaces
_FULL_LINE = 0.8  # of a column's width: a line of running text that fills its column
_FULL_SHARE = 0.5  # lines of each side of a zone that must fill their side for it to be two columns
_MIDDLE = (0.25, 0.75)  # where on the text's width a gutter may lie
_GUTTER_STEP = 2.0  # points between the places tried for a gutter
_GUTTER_SHARE = 0.5  # of the narrower column's width: a gutter is narrower (farther apart are a table's cells)
_BAND = 0.15  # of the page height: the top and foot where running heads and footers stand
_EDGE_ROWS = 3  # rows from the top and the foot looked at as furniture
_REPEAT_SHARE = 0.3  # pages a running head must come back on (and at least two)
_SMALL = 0.85  # of the body size: footnotes are set smaller
_SUPERSCRIPT_SIZE = 0.8  # of the line's size: a raised glyph this small is a superscript
_JUSTIFIED = 0.3  # of the font size: room a line that fills its column may leave at its end
_PITCH = 1.15  # of the usual line pitch: further down is a new paragraph (a paragraph space is rarely less)
_INDENT = 1.0  # of the font size: a first line set in this much is a new paragraph
_TITLE_SIZE = 1.08  # of the body size: a larger line is a title
_PAGE_NUMBER = re.compile(r"^[\s\-–—]*(?:[0-9\u0660-\u0669]+(?:\s*/\s*[0-9\u0660-\u0669]+)?)[\s\-–—]*$")
_DIGITS = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]+")
_FOOTNOTE_START = re.compile(r"^(?:[0-9]{1,3}|[\u00b9\u00b2\u00b3\u2070-\u2079]+)\s*\S")
_LATIN_HYPHEN = re.compile(r"[A-Za-z][-\u00ad]$")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefe]")
_OPENING = "([{«“‘（【《"  # a line broken after one of these goes on without a space
_LATIN_PUNCTUATION = ",;:!?"
_RULES = {"zh": zh, "ar": ar}


@dataclass
class _Glyph:
    text: str
    x0: float
    x1: float
    top: float  # from the top of the page
    bottom: float
    size: float
    bold: bool
    order: int = 0  # place in the page's content stream, which draws a mark just before its letter
    baseline: float = 0.0  # from the top of the page: where glyphs of any font on one line stand

@dataclass
class _Line:
    """A line of one column, its text in logical order."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    rtl: bool
    first_word: float  # width of its first word, where the line starts (right end for right to left)
    cells: bool = False  # a table row: cells apart by tabs
    spaced: bool | None = None  # a space glyph ends it (True), or it ends without one (None: cannot tell)
    page: int = 0
    column: int = 0
    left: float = 0.0  # the column's margins
    right: float = 0.0

    @property
    def free(self) -> float:
        """Room left at the line's end."""
        return self.x0 - self.left if self.rtl else self.right - self.x1

    @property
    def indent(self) -> float:
        return self.right - self.x1 if self.rtl else self.x0 - self.left


@dataclass
class _Page:
    number: int
    height: float
    rows: list[list[_Glyph]] = field(default_factory=list)


def read(data: bytes, name: str) -> Extracted:
    """A PDF's text, paragraph by paragraph, in reading order (see formats.py for the form)."""
    pages = _glyph_pages(data, name)
    if not any(page.rows for page in pages):
        raise InputError(f"{name}: a PDF without a text layer (no text on any of its {len(pages)} page(s): a scan?); "
                         "run OCR on it, or give the text")
    left = _furniture(pages)
    body_size = _body_size(pages)
    laid_out = [[line for column in _columns(page) for line in column] for page in pages]
    builder = _Paragraphs(body_size, _pitch(laid_out, body_size))
    for lines in laid_out:
        notes = _footnote_start(lines, body_size)
        builder.add(lines[:notes])
        builder.hold_notes(lines[notes:])
    return assemble("PDF", builder.finish(), left, len(pages))


# ---------------------------------------------------------------- glyphs


def check(data: bytes, name: str) -> None:
    """InputError unless the PDF opens and has a page (what `batch` asks before pairing a file;
    reading its pages may still find it has no text)."""
    from pdfminer.pdfpage import PDFPage

    with _refusing(name):
        if next(PDFPage.create_pages(_document(data)), None) is None:
            raise InputError(f"{name}: a damaged PDF (no pages)")


def _document(data: bytes):
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings about odd fonts are no user's concern
    return PDFDocument(PDFParser(BytesIO(data)), password="")


@contextmanager
def _refusing(name: str):
    """pdfminer's errors as one-line InputErrors: a password needed, or a damaged file."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdftypes import PDFException
    from pdfminer.psparser import PSException

    try:
        yield
    except PDFPasswordIncorrect:
        raise InputError(f"{name}: an encrypted PDF that needs a password to open; "
                         "save an unprotected copy, or give the text") from None
    except PDFEncryptionError as e:
        raise InputError(f"{name}: an encrypted PDF this reader cannot decrypt ({e}); save an unprotected copy") from None
    except (PDFException, PSException, ValueError, KeyError, TypeError, IndexError, AttributeError) as e:
        raise InputError(f"{name}: a damaged PDF ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else 'unreadable'}); "
                         "save it again, or give the text") from None


def _glyph_pages(data: bytes, name: str) -> list[_Page]:
    """The glyphs of every page, grouped into rows; InputError for a PDF that cannot be opened."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    def glyphs_of(container, height: float):
        for item in container:
            if isinstance(item, LTChar):
                text = item.get_text()
                if item.upright and text and not text.isspace() or text == " ":
                    bold = "bold" in item.fontname.lower() or "black" in item.fontname.lower()
                    yield _Glyph(text, item.x0, item.x1, height - item.y1, height - item.y0, item.size, bold,
                                 baseline=height - item.matrix[5])
            elif isinstance(item, LTContainer):
                yield from glyphs_of(item, height)

    pages = []
    with _refusing(name):
        document = _document(data)
        manager = PDFResourceManager(caching=True)
        device = PDFPageAggregator(manager, laparams=None)
        interpreter = PDFPageInterpreter(manager, device)
        for number, page in enumerate(PDFPage.create_pages(document), 1):
            interpreter.process_page(page)
            layout = device.get_result()
            glyphs = list(glyphs_of(layout, layout.height))
            for k, g in enumerate(glyphs):
                g.order = k
            pages.append(_Page(number, layout.height, _rows(glyphs)))
    if not pages:
        raise InputError(f"{name}: a damaged PDF (no pages)")
    return pages


def _rows(glyphs: list[_Glyph]) -> list[list[_Glyph]]:
    """Glyphs whose baselines lie at one height, top to bottom, each row left to right. A combining
    mark goes in the row of the letter drawn after it (its box may stand above or below the row)."""
    rows: list[list[_Glyph]] = []
    baseline = 0.0
    marks = [g for g in glyphs if unicodedata.combining(g.text[0])]
    for g in sorted((g for g in glyphs if (g.text != " " or g.size) and not unicodedata.combining(g.text[0])),
                    key=lambda g: g.baseline):
        if rows and abs(g.baseline - baseline) <= _ROW_TOLERANCE * max(g.size, rows[-1][0].size):
            rows[-1].append(g)
            baseline = statistics.median(x.baseline for x in rows[-1][-8:])
        else:
            rows.append([g])
            baseline = g.baseline
    row_of = {g.order: row for row in rows for g in row}
    for mark in sorted(marks, key=lambda g: -g.order):  # the last first: a mark may stand before another
        row = row_of.get(mark.order + 1)
        if row is not None:  # a mark without its letter is no text
            row.append(mark)
            row_of[mark.order] = row
    return [sorted(row, key=lambda g: g.x0) for row in rows if any(not g.text.isspace() for g in row)]


def _pieces(row: list[_Glyph], gap: float) -> list[list[_Glyph]]:
    """A row cut where the gap between two glyphs is wider than `gap` times their size."""
    out = [[row[0]]]
    for a, b in zip(row, row[1:]):
        if b.x0 - a.x1 > gap * max(a.size, b.size):
            out.append([])
        out[-1].append(b)
    return [_trimmed(p) for p in out if any(not g.text.isspace() for g in p)]


def _trimmed(glyphs: list[_Glyph]) -> list[_Glyph]:
    """Without the space glyphs at either end."""
    ink = [k for k, g in enumerate(glyphs) if not g.text.isspace()]
    return glyphs[ink[0]:ink[-1] + 1]


def _rtl(glyphs: list[_Glyph]) -> bool:
    """More right-to-left letters than left-to-right ones."""
    score = 0
    for g in glyphs:
        kind = unicodedata.bidirectional(g.text[0])
        score += 1 if kind in ("R", "AL") else -1 if kind == "L" else 0
    return score > 0


def _script(text: str) -> str:
    """"ar" for text with Arabic letters, "zh" with Chinese characters, else "latin"."""
    return "ar" if _ARABIC.search(text) else "zh" if any(_wide(ch) for ch in text) else "latin"


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _visual(glyphs: list[_Glyph], base: float, size: float) -> str:
    """The glyphs' text left to right, raised small digits as superscripts. Spaces are the space glyphs
    and the gaps wider than a word space; when the row draws space glyphs, only gaps wider than half
    the font size (a narrower one is kerning or bidi placement, as between a bracket and a Latin word
    in Arabic)."""
    out, prev = [], None
    space_gap = _SPACE_GAP if not any(g.text == " " for g in glyphs) else _WIDE_SPACE_GAP
    for g in glyphs:
        text = g.text
        if g.size < _SUPERSCRIPT_SIZE * size and g.bottom < base - 0.15 * size and text.isdigit():
            text = superscript(text)
        if prev is not None and _may_space(prev.text[-1], text[0]) and g.x0 - prev.x1 > space_gap * size:
            out.append(" ")
        out.append(text)
        prev = g
    return re.sub(r" {2,}", " ", "".join(out))


def _without_joining_pieces(glyphs: list[_Glyph]) -> list[_Glyph]:
    """Without the glyphs some fonts draw between two joined Arabic letters (a stretch of the
    joining line, for justification) that the PDF names by a Latin letter or a symbol, having no
    character for them. Drawn on the left of a letter only, that stretch is a tatweel the text
    holds (الـ ٥٧), and is read as one."""
    out = []
    for k, g in enumerate(glyphs):
        if len(g.text) == 1 and _stand_in(g.text) and k < len(glyphs) - 1:
            after = glyphs[k + 1]
            joins_after = after.x0 - g.x1 < 0.05 * g.size and _ARABIC.match(after.text[0])
            before = glyphs[k - 1] if k else None
            joins_before = before is not None and g.x0 - before.x1 < 0.05 * g.size and _ARABIC.match(before.text[-1])
            if joins_after and joins_before:
                continue
            if joins_after and (before is None or before.text.isspace() or g.x0 - before.x1 > _SPACE_GAP * g.size):
                g = _Glyph(**{**g.__dict__, "text": "\u0640"})
        out.append(g)
    return out


def _stand_in(ch: str) -> bool:
    """A character a font may name a glyph of its own by: a Latin letter, or a symbol (†, ½) no Arabic word holds."""
    return ch.isascii() and ch.isalpha() or not ch.isascii() and not _ARABIC.match(ch) and unicodedata.category(ch) in ("Po", "So", "No")


def _marks_before_letters(glyphs: list[_Glyph]) -> list[_Glyph]:
    """A right-to-left row's glyphs left to right, each combining mark (a vowel sign, a shadda) put
    just left of the letter it is drawn over, so that turning the row round puts it after that letter.
    Its box does not tell which letter that is (a mark sits anywhere over its letter, often past its
    edge); the content stream does: marks are drawn just before their letter."""
    def mark(g: _Glyph) -> bool:
        return bool(unicodedata.combining(g.text[0]))

    drawn = {g.order: g for g in glyphs}

    def letter_of(g: _Glyph) -> _Glyph | None:
        k = g.order + 1
        while k in drawn and mark(drawn[k]):
            k += 1
        return drawn.get(k)

    marks_on: dict[int, list[_Glyph]] = {}
    for g in glyphs:
        letter = letter_of(g) if mark(g) else None
        if letter is not None:
            marks_on.setdefault(letter.order, []).append(g)
    out = []
    for g in glyphs:
        if not (mark(g) and letter_of(g) is not None):
            out += sorted(marks_on.get(g.order, []), key=lambda m: -m.order) + [g]
    return out


def _may_space(before: str, after: str) -> bool:
    """Whether a gap between two glyphs may be a space: not next to a space, a combining mark
    (drawn over its letter, wherever its box is) or a Chinese character."""
    return not (before.isspace() or after.isspace() or unicodedata.combining(before) or unicodedata.combining(after)
                or _wide(before) or _wide(after))


def _line(glyphs: list[_Glyph], cell_gap: float, rtl_page: bool) -> _Line:
    """A row's glyphs within one column as a line; cells of a table row apart by tabs. On a page set
    right to left every line is of a right-to-left paragraph and is turned into logical order: one
    without Arabic letters too (its Latin words keep their order, and the brackets and full stop the
    paragraph drew on its left go back to its end)."""
    glyphs = _without_joining_pieces(glyphs)
    if rtl_page:
        glyphs = _marks_before_letters(glyphs)
    text_glyphs = [g for g in glyphs if not g.text.isspace()]
    size = statistics.median(g.size for g in text_glyphs)
    full = [g for g in text_glyphs if g.size >= _SUPERSCRIPT_SIZE * size] or text_glyphs
    base = statistics.median(g.bottom for g in full)
    rtl = rtl_page
    cells = _pieces(glyphs, cell_gap)
    texts = [_visual(cell, base, size).strip() for cell in cells]
    if rtl:
        texts = [flip_line(t) for t in reversed(texts)]
    first = cells[-1] if rtl else cells[0]
    end = glyphs[0] if rtl else glyphs[-1]
    return _Line("\t".join(texts), min(g.x0 for g in text_glyphs), max(g.x1 for g in text_glyphs),
                 min(g.top for g in full), max(g.bottom for g in full), size,
                 sum(g.bold for g in text_glyphs) >= 0.8 * len(text_glyphs), rtl,
                 _first_word(first, rtl), len(cells) > 1, _spaced(end, texts[-1]))


def _spaced(end: _Glyph, text: str) -> bool | None:
    """Whether the line ended on a space: a space glyph drawn there, or Latin punctuation, which a
    space follows in running text (the wrap took it); None when the line cannot tell."""
    return True if end.text.isspace() or text[-1:] in _LATIN_PUNCTUATION else None


def _first_word(glyphs: list[_Glyph], rtl: bool) -> float:
    """The width of the first word in reading order (a Chinese character is one)."""
    ordered = list(reversed(glyphs)) if rtl else glyphs
    start = ordered[0]
    end = start
    for a, b in zip(ordered, ordered[1:]):
        if b.text.isspace() or _wide(b.text[0]) or _wide(a.text[-1]) or abs(b.x0 - a.x1 if not rtl else a.x0 - b.x1) > _SPACE_GAP * b.size:
            break
        end = b
    return abs((end.x1 - start.x0) if not rtl else (start.x1 - end.x0))


# ---------------------------------------------------------------- furniture


def _normal(row: list[_Glyph]) -> str:
    """A row's text with each number as "#": the footer of page 9 and of page 10 are the same footer."""
    return _DIGITS.sub("#", "".join(g.text for g in row if not g.text.isspace()))


def _furniture(pages: list[_Page]) -> list[Left]:
    """Take running heads, footers and page numbers out of the pages' rows; what was taken, with where."""
    def edge_rows(page: _Page):
        top = [r for r in page.rows[:_EDGE_ROWS] if r[0].bottom <= _BAND * page.height]
        foot = [r for r in page.rows[-_EDGE_ROWS:] if r[0].top >= (1 - _BAND) * page.height]
        return [(r, "running head") for r in top] + [(r, "footer") for r in foot if not any(r is t for t in top)]

    seen = Counter()
    for page in pages:
        seen.update({(_normal(r), round(r[0].top / 10)) for r, _ in edge_rows(page)})
    needed = max(2, _REPEAT_SHARE * len(pages))
    left = []
    for page in pages:
        for row, where in edge_rows(page):
            text = "".join(g.text for g in row).strip()
            if seen[_normal(row), round(row[0].top / 10)] >= needed or _PAGE_NUMBER.match(text):
                page.rows = [r for r in page.rows if r is not row]
                line = _line(row, _CELL_GAP, _rtl(row))
                left.append(Left(Place(page.number), line.text.replace("\t", " "),
                                 "page number" if _PAGE_NUMBER.match(text) else where))
    return left


def _body_size(pages: list[_Page]) -> float:
    """The size most of the text is set in."""
    sizes = Counter(round(g.size, 1) for page in pages for row in page.rows for g in row if not g.text.isspace())
    return sizes.most_common(1)[0][0]


# ---------------------------------------------------------------- columns


def _columns(page: _Page) -> list[list[_Line]]:
    """The page's lines column by column in reading order, each knowing its column's margins. Of the
    places a gutter may lie (_gutters), the one that reads the most rows as two columns is taken: on a
    cover, the gap between a table's cells leaves more rows clear than the gutter of the few lines set
    in two columns below it, yet reads no column."""
    rows = page.rows
    if not rows:
        return []
    pieces = [_pieces(row, _PIECE_GAP) for row in rows]
    rtl = _rtl([g for row in rows for g in row])
    zones = max((_zones(rows, pieces, gutter, rtl) for gutter in _gutters(pieces)), key=_two_column_rows,
                default=[(None, rows)])
    columns: list[tuple[int, list[list[_Glyph]]]] = []  # (column number, rows), in reading order
    for sides, zone in zones:
        if sides is None and columns and columns[-1][0] == 0:
            columns[-1][1].extend(zone)  # one column still: the zone before goes on
        elif sides is None:
            columns.append((0, zone))
        else:
            columns += enumerate(reversed(sides) if rtl else sides, 1)
    return [_lines(side, page.number, max(n, 1), rtl) for n, side in columns]


def _zones(rows: list[list[_Glyph]], pieces: list[list[list[_Glyph]]], gutter: float, rtl: bool
           ) -> list[tuple[list[list[list[_Glyph]]] | None, list[list[_Glyph]]]]:
    """The page's runs of rows (zones) that cross the gutter or not, in order, each with its two
    columns (_sides; None: read as one column)."""
    zones: list[tuple[bool, list[list[_Glyph]]]] = []  # (clear of the gutter?, rows)
    for row, row_pieces in zip(rows, pieces):
        clear = not any(p[0].x0 < gutter < p[-1].x1 for p in row_pieces)
        if zones and zones[-1][0] == clear:
            zones[-1][1].append(row)
        else:
            zones.append((clear, [row]))
    return [(_sides(zone, gutter, rtl) if clear else None, zone) for clear, zone in zones]


def _two_column_rows(zones: list[tuple[list[list[list[_Glyph]]] | None, list[list[_Glyph]]]]) -> int:
    return sum(len(zone) for sides, zone in zones if sides is not None)


def _gutters(pieces: list[list[list[_Glyph]]]) -> list[float]:
    """The places a gutter may lie: where no row of text crosses and rows have text on each side (at
    least three each), one place for each band of places that leave the same rows clear with the
    same pieces on each side (such places cut the rows alike), the bands with most rows first. Rows
    are counted on each side apart, since the two columns' lines need not share baselines (a
    superscript, a Latin word in another font, shift them)."""
    spans = [[(p[0].x0, p[-1].x1) for p in row] for row in pieces]
    lo = min(s[0] for row in spans for s in row)
    hi = max(s[1] for row in spans for s in row)
    bands: dict[tuple[int, ...], list[float]] = {}  # each row's pieces left of the place (-1: crossed) -> rows, first and last place
    for k in range(math.ceil((_MIDDLE[1] - _MIDDLE[0]) * (hi - lo) / _GUTTER_STEP)):
        x = lo + _MIDDLE[0] * (hi - lo) + k * _GUTTER_STEP
        cut = tuple(-1 if any(a < x < b for a, b in row) else sum(1 for _, b in row if b <= x) for row in spans)
        left = sum(1 for n in cut if n > 0)
        right = sum(1 for n, row in zip(cut, spans) if 0 <= n < len(row))
        if min(left, right) >= 3:
            bands.setdefault(cut, [min(left, right), x, x])[2] = x
    return [(first + last) / 2 for _, first, last in sorted(bands.values(), key=lambda band: -band[0])]


def _sides(zone: list[list[_Glyph]], gutter: float, rtl: bool) -> list[list[list[_Glyph]]] | None:
    """The zone's rows cut at the gutter into its left and right columns, when both hold a few lines, one
    at least is running text (most of its lines fill it), the gap between them is narrow beside them,
    and the column read first (the right one on a page set right to left) runs from the zone's top
    to its foot (text fills it before the other starts; the other's lines may stand a row higher or
    lower): the columns of a table are not columns (their cells are short, or far apart), nor is
    a table standing above two columns whose one side it leaves clear."""
    left = [[g for g in row if g.x1 <= gutter] for row in zone]
    right = [[g for g in row if g.x0 >= gutter] for row in zone]
    first = [k for k, row in enumerate(right if rtl else left) if any(not g.text.isspace() for g in row)]
    left, right = [r for r in left if any(not g.text.isspace() for g in r)], [r for r in right if any(not g.text.isspace() for g in r)]
    if len(left) < 2 or len(right) < 2 or first[0] > 1 or first[-1] < len(zone) - 2:
        return None
    (a, b), (c, d) = _extent(left), _extent(right)
    if c - b > _GUTTER_SHARE * min(b - a, d - c):
        return None
    return [left, right] if _running(left) or _running(right) else None


def _extent(side: list[list[_Glyph]]) -> tuple[float, float]:
    """From the left end of a side's text to its right end."""
    ink = [g for r in side for g in r if not g.text.isspace()]
    return min(g.x0 for g in ink), max(g.x1 for g in ink)


def _running(side: list[list[_Glyph]]) -> bool:
    a = min(g.x0 for r in side for g in r)
    b = max(g.x1 for r in side for g in r)
    full = sum(1 for r in side if max(g.x1 for g in r) - min(g.x0 for g in r) >= _FULL_LINE * (b - a))
    return full >= _FULL_SHARE * len(side)


def _lines(rows: list[list[_Glyph]], page: int, column: int, rtl: bool) -> list[_Line]:
    """A column's rows as lines, each knowing the column's margins."""
    lines = [_line(row, _CELL_GAP, rtl) for row in rows]
    if lines:
        left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
        for line in lines:
            line.page, line.column, line.left, line.right = page, column, left, right
    return lines


# ---------------------------------------------------------------- footnotes and paragraphs


def _pitch(pages: list[list[_Line]], body: float) -> float:
    """The usual distance from one line of body text to the next in a column (most lines are
    inside paragraphs, so the most common distance is the line pitch, not the paragraph's)."""
    pitches = Counter(round(b.top - a.top, 0) for lines in pages for a, b in zip(lines, lines[1:])
                      if (a.page, a.column) == (b.page, b.column) and a.size == b.size == body and b.top > a.top)
    return pitches.most_common(1)[0][0] if pitches else 1.2 * body


def _footnote_start(lines: list[_Line], body: float) -> int:
    """Where the page's footnotes start among its lines (len(lines) when it has none): the smaller
    lines at its foot, below all the body's text, from one opened by a number on."""
    k = len(lines)
    lowest_body = max((line.bottom for line in lines if line.size > _SMALL * body), default=0.0)
    while k > 0 and lines[k - 1].size <= _SMALL * body and lines[k - 1].top >= lowest_body:
        k -= 1
    while k < len(lines) and not _FOOTNOTE_START.match(lines[k].text):
        k += 1
    return k


class _Paragraphs:
    """Lines in reading order joined into paragraphs; footnotes follow the paragraph they interrupt."""

    def __init__(self, body_size: float, pitch: float):
        self.body, self.pitch = body_size, pitch
        self.done: list[Paragraph] = []
        self.current: Paragraph | None = None
        self.last: _Line | None = None
        self.held: list[Paragraph] = []

    def add(self, lines: list[_Line]) -> None:
        for line in lines:
            if self.current is not None and self.last is not None and self._continues(self.last, line):
                self._join(line)
            else:
                self._close()
                kind = "row" if line.cells else "title" if self._title(line) else "text"
                self.current = Paragraph(line.text, [(0, Place(line.page, line.column))], kind)
            self.last = line

    def hold_notes(self, lines: list[_Line]) -> None:
        """A page's footnotes, waiting for the paragraph in progress to end."""
        for line in lines:
            text = _FOOTNOTE_START.match(line.text) and re.sub(r"^([0-9]{1,3})\s*", lambda m: superscript(m.group(1)) + " ", line.text)
            if text or not self.held:
                self.held.append(Paragraph(text or line.text, [(0, Place(line.page, line.column))], "footnote"))
            else:
                note = self.held[-1]
                note.text += glue("ar" if line.rtl else "zh", note.text, line.text, None) + line.text

    def finish(self) -> list[Paragraph]:
        self._close()
        self.done += self.held
        return self.done

    def _close(self) -> None:
        if self.current is not None:
            self.done.append(self.current)
            self.current = None
        self.done += self.held
        self.held = []

    def _title(self, line: _Line) -> bool:
        return line.bold or line.size >= _TITLE_SIZE * self.body

    def _continues(self, prev: _Line, line: _Line) -> bool:
        """Whether `line` goes on with the paragraph that `prev` ended."""
        if prev.cells or line.cells or self._title(prev) != self._title(line):
            return False
        if abs(prev.size - line.size) > 0.1 * line.size and _script(prev.text) == _script(line.text):
            return False  # set in another size (Latin words in Arabic text are set smaller: that is no new paragraph)
        if line.indent > _INDENT * line.size and prev.indent <= 0.5 * line.size:
            return False
        if prev.free > line.first_word + 0.8 * line.size:
            return False  # the next line's first word would have fitted: the paragraph ended
        if prev.page == line.page and prev.column == line.column:
            return line.top - prev.top <= _PITCH * self.pitch * max(prev.size, line.size) / self.body
        if self._title(line):
            return False  # across a column or page, a title starts its own paragraph
        if prev.free <= _JUSTIFIED * line.size:
            return True  # a justified line that fills its column: the paragraph goes on in the next
        return not _RULES["ar" if prev.rtl else "zh"].ends_clause(prev.text)  # else a sentence that goes on

    def _join(self, line: _Line) -> None:
        p, lang = self.current, "ar" if line.rtl else "zh"
        if _LATIN_HYPHEN.search(p.text) and line.text[:1].islower():
            p.text, joint = p.text[:-1], ""
        elif p.text[-1:] in _OPENING:
            joint = ""
        else:
            joint = glue(lang, p.text, line.text, self.last.spaced if self.last else None)
        if self.last is not None and (self.last.page, self.last.column) != (line.page, line.column):
            p.places.append((len(p.text) + len(joint), Place(line.page, line.column)))
        p.text += joint + line.text
