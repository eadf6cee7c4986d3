"""Test helper: one text laid out as different converters write it.

From a text with one paragraph per line, `layout` writes the same paragraphs
wrapped at a column width (a Chinese line holds `width` Han characters, an
Latin letter or digit counting half; an Arabic line `width` characters, cut
between words), with blank lines between paragraphs or after every line, as
two columns side by side (pdftotext -layout), with Windows line ends, and with
page furniture every PAGE lines: a page counter and the job number at the
foot, a form feed and a running head at the top of the next page.
"""
from __future__ import annotations

import re
import unicodedata

PAGE = 45
LAYOUTS = ("paragraphs", "wrapped", "wrapped_blank_after", "two_columns", "crlf")
ZH_WIDTHS = (18, 22, 27, 33, 40)
AR_WIDTHS = (50, 60, 70, 80, 90)
_MARKDOWN = re.compile(r"^\s{0,3}#{1,6}\s+|\*\*|^\s*[-•]\s+")
_GUTTER = "    "
_HEAD_TITLE = {"zh": "联合国与区域和次区域组织在维护国际和平与安全方面的合作",
               "ar": "التعاون بين الأمم المتحدة والمنظمات الإقليمية ودون الإقليمية في صون السلام والأمن الدوليين"}


def cols(text: str, lang: str) -> int:
    """Display columns: Han and full-width characters two (and, in Chinese, quotes and dots of ambiguous width)."""
    wide = "WFA" if lang == "zh" else "WF"
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in wide else 1 for c in text)


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a one-paragraph-per-line text, markdown marks removed (converters that wrap write none)."""
    out = []
    for line in text.split("\n"):
        s = _MARKDOWN.sub("", line).rstrip()
        if s.strip():
            out.append(s.strip(" "))
    return out


def plain(text: str) -> str:
    """The one-paragraph-per-line text without markdown: the reference every layout is compared with."""
    return "\n\n".join(paragraphs(text)) + "\n"


def wrap(paragraph: str, width: int, lang: str, indent: str = "") -> list[str]:
    """Lines of at most `width` (Chinese: Han characters; Arabic: characters), as a PDF converter cuts them,
    the first one after `indent`.

    Chinese breaks anywhere but inside a run of Latin letters and digits, so
    also inside a symbol after a slash (S/2013/ | 588); a space the break falls on stays at the end of the line.
    Arabic breaks between words."""
    if lang == "zh":
        lines, line = [], indent
        for ch in paragraph:
            if line.strip() and cols(line + ch, lang) > 2 * width and not ch.isspace():
                word = re.search(r"[A-Za-z0-9]+$", line) if ch.isascii() and ch.isalnum() else None
                cut = word.start() if word and word.start() > len(line) - len(line.lstrip()) else len(line)
                lines.append(line[:cut])
                line = line[cut:]
            line += ch
        return lines + [line] if line else lines
    lines, line = [], indent
    for word in paragraph.split(" "):
        if line.strip() and cols(line + " " + word, lang) > width:
            lines.append(line + " ")
            line = word
        else:
            line = f"{line} {word}" if line.strip() else line + word
    return lines + [line] if line else lines


def _furniture(page: int, pages: int, lang: str) -> tuple[list[str], list[str]]:
    """The lines at the foot of page `page` and at the top of the next one."""
    job = "13-52982 (C)" if lang == "zh" else "13-52982 (A)"
    foot = [f"{page}/{pages} {job}"] + ([f"*{1352982}*"] if page == 1 else [])
    title = _HEAD_TITLE[lang]
    head = f"S/PV.7050  {title}  28/10/2013" if page % 2 else f"28/10/2013  {title}  S/PV.7050"
    return foot, [head]


def _paged(lines: list[str], lang: str, form_feed: bool) -> list[str]:
    """Lines with furniture every PAGE lines: foot, (form feed), running head."""
    pages = (len(lines) + PAGE - 1) // PAGE
    out: list[str] = []
    for p in range(pages):
        out += lines[p * PAGE:(p + 1) * PAGE]
        if p + 1 < pages:
            foot, head = _furniture(p + 1, pages, lang)
            out += foot + [""]
            out.append(("\f" if form_feed else "") + head[0])
            out.append("")
    return out


def layout(text: str, lang: str, kind: str, width: int) -> str:
    """`text` (one paragraph per line) as the converter `kind` writes it."""
    paras = paragraphs(text)
    if kind == "paragraphs":
        lines: list[str] = []
        for p in paras:
            lines += [p, ""]
        return "\n".join(_paged(lines, lang, form_feed=False)) + "\n"
    if kind == "two_columns":
        return _two_columns([wrap(p, width, lang, "    " if lang == "zh" else "") for p in paras], width, lang)
    # as in samples/S_PV.7796_zh.txt, the converter that puts a blank line after every line
    # dropped the first-line indent of Chinese paragraphs (two Han characters) and kept the room
    indent = "\u3000\u3000" if kind == "wrapped_blank_after" and lang == "zh" else ""
    wrapped = [[line[len(indent):] if k == 0 else line for k, line in enumerate(wrap(p, width, lang, indent))]
               for p in paras]
    lines = []
    for p in wrapped:
        if kind == "wrapped_blank_after":
            for line in p:
                lines += [line, ""]
        else:
            lines += p + [""]
    out = "\n".join(_paged(lines, lang, form_feed=True)) + "\n"
    return out.replace("\n", "\r\n") if kind == "crlf" else out


def _two_columns(wrapped: list[list[str]], width: int, lang: str) -> str:
    """pdftotext -layout: two columns of PAGE rows side by side, a gutter of spaces between them.

    Chinese paragraphs start indented by two Han characters (four columns);
    Arabic lines are set flush right and the first column of a page is the right one."""
    stream: list[str] = []
    for p in wrapped:
        stream += [line.rstrip() for line in p] + [""]
    column = 2 * width if lang == "zh" else width
    rows_per_page = PAGE
    pages = [stream[i:i + 2 * rows_per_page] for i in range(0, len(stream), 2 * rows_per_page)]
    out: list[str] = []
    for n, page in enumerate(pages, 1):
        first, second = page[:rows_per_page], page[rows_per_page:]
        if n > 1:
            out.append("\f" + _furniture(n - 1, len(pages), lang)[1][0])
            out.append("")
        for r in range(len(first)):
            a = first[r]
            b = second[r] if r < len(second) else ""
            if lang == "zh":
                left, right = a, b
                out.append((left + " " * (column - cols(left, lang)) + _GUTTER + right).rstrip())
            else:  # the first column is on the right
                left, right = b, a
                out.append((" " * (column - cols(left, lang)) + left + _GUTTER
                            + " " * (column - cols(right, lang)) + right).rstrip())
        if n < len(pages):
            out += _furniture(n, len(pages), lang)[0]
    return "\n".join(out) + "\n"
