"""The text of a Word (DOCX) file, read from its XML with the standard library.

Paragraphs are taken as Word holds them (w:p), in the order of the body;
tables row by row, each row one line with its cells apart by tabs; headers
and footers are separate parts of the file and stay out of the body (they
are listed as left out); footnotes are read from their own part and follow,
each as its own paragraph opened by its number, the paragraph that refers to
them (the reference becomes that number in superscript, as printed). Deleted
text of tracked changes is left out, inserted text kept. A paragraph of a
heading style (Title, Heading 1…, or with an outline level) is a title.

Word keeps no page layout: the page is counted from the page breaks the file
records (explicit ones, those Word last rendered, and sections starting a
new page); the column is known only in a one-column section or from column
breaks.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO
from xml.etree import ElementTree

from .errors import InputError
from .extracted import Extracted, Left, Paragraph, Place, assemble, superscript

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MAX_PART = 200 * 1024 * 1024  # bytes an XML part may unpack to: more is a damaged file or a ZIP bomb
_HEADING_STYLE = re.compile(r"^(?:title|subtitle|heading\s*\d)$", re.IGNORECASE)
_SKIPPED = {_W + "del", _W + "moveFrom", _W + "rPr", _W + "pPr", _W + "instrText", _W + "delText"}


def read(data: bytes, name: str) -> Extracted:
    """The body of a DOCX as text (see formats.py), or InputError for a damaged or foreign ZIP file."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            what = "an OpenDocument file" if "content.xml" in names else "a ZIP archive"
            raise InputError(f"{name}: {what}, not a Word document (no word/document.xml); save it as DOCX or plain text")
        document = _part(archive, "word/document.xml")
        styles = _part(archive, "word/styles.xml") if "word/styles.xml" in names else None
        notes = _part(archive, "word/footnotes.xml") if "word/footnotes.xml" in names else None
        furniture = [(part, _part(archive, part)) for part in sorted(names)
                     if re.fullmatch(r"word/(header|footer)\d*\.xml", part)]
    except (zipfile.BadZipFile, zlib.error, EOFError, ElementTree.ParseError, ValueError, OSError) as e:
        raise InputError(f"{name}: a damaged DOCX file ({_reason(e)}); save it again from Word") from None
    body = document.find(_W + "body")
    if body is None:
        raise InputError(f"{name}: a damaged DOCX file (no document body); save it again from Word")
    reader = _Reader(_heading_styles(styles), _footnotes(notes))
    reader.body(body)
    left = [Left(Place(), _text_of(root), "header" if "header" in part else "footer") for part, root in furniture]
    return assemble("DOCX", reader.paragraphs, [entry for entry in left if entry.text], reader.page)


def _reason(e: Exception) -> str:
    text = str(e).split("\n")[0] or type(e).__name__
    return "not a complete ZIP archive" if isinstance(e, (zipfile.BadZipFile, EOFError)) else text


def _part(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    if archive.getinfo(part).file_size > _MAX_PART:
        raise ValueError(f"{part} unpacks to more than {_MAX_PART // 2**20} MB")
    return ElementTree.fromstring(archive.read(part))


def _heading_styles(styles: ElementTree.Element | None) -> set[str]:
    """The ids of the paragraph styles that are headings: by name, or by an outline level."""
    if styles is None:
        return set()
    out = set()
    for style in styles.iter(_W + "style"):
        named = style.find(_W + "name")
        name = named.get(_W + "val", "") if named is not None else ""
        if _HEADING_STYLE.match(name) or style.find(f"{_W}pPr/{_W}outlineLvl") is not None:
            out.add(style.get(_W + "styleId", ""))
    return out


def _footnotes(notes: ElementTree.Element | None) -> dict[str, ElementTree.Element]:
    """The footnotes by id, without the separators Word keeps among them."""
    if notes is None:
        return {}
    return {n.get(_W + "id", ""): n for n in notes.iter(_W + "footnote") if n.get(_W + "type") in (None, "normal")}


def _text_of(root: ElementTree.Element) -> str:
    """All the text of a part (a header, a footer) on one line."""
    return " ".join(" ".join(t.text or "" for t in root.iter(_W + "t")).split())


class _Reader:
    """One pass over the body, collecting paragraphs and counting pages and columns."""

    def __init__(self, headings: set[str], notes: dict[str, ElementTree.Element]):
        self.headings, self.notes = headings, notes
        self.paragraphs: list[Paragraph] = []
        self.page, self.column, self.columns = 1, 1, 1
        self.sections: list[ElementTree.Element] = []
        self.section_number = 0
        self.numbered = 0  # footnote references so far: Word numbers them in order

    def place(self) -> Place:
        return Place(self.page, self.column if self.columns == 1 or self.column > 1 else 0)

    def body(self, body: ElementTree.Element) -> None:
        """The body in order. A section's properties come at its end, and the next section's say
        how it starts: on a new page (Word's default) or continuing the page."""
        self.sections = [props for props in body.iter(_W + "sectPr")]
        self._columns_of(0)
        self.blocks(body)

    def _columns_of(self, k: int) -> None:
        cols = self.sections[k].find(_W + "cols") if k < len(self.sections) else None
        self.columns = int(cols.get(_W + "num", "1")) if cols is not None else 1
        self.column, self.section_number = 1, k

    def blocks(self, container: ElementTree.Element) -> None:
        """Block-level content (of the body, or of a content control) in order."""
        for child in container:
            if child.tag == _W + "p":
                self.paragraph(child)
            elif child.tag == _W + "tbl":
                self.table(child)
            elif child.tag == _W + "sdt":
                content = child.find(_W + "sdtContent")
                if content is not None:
                    self.blocks(content)

    def section_ends(self) -> None:
        nxt = self.section_number + 1
        kind = self.sections[nxt].find(_W + "type") if nxt < len(self.sections) else None
        if kind is None or kind.get(_W + "val") not in ("continuous", "nextColumn"):
            self.page += 1
        self._columns_of(nxt)

    def paragraph(self, p: ElementTree.Element) -> None:
        props = p.find(_W + "pPr")
        if props is not None and props.find(_W + "pageBreakBefore") is not None:
            self.page += 1
        places = [(0, self.place())]
        text, notes = self.runs(p, places)
        kind = "title" if self._heading(props) and text.strip() else "text"
        self._add(text, places, kind)
        for number, note in notes:
            note_text, _ = self.runs(note, [], reference=number)
            self._add(note_text, [(0, places[-1][1])], "footnote")
        if props is not None and props.find(_W + "sectPr") is not None:
            self.section_ends()

    def _heading(self, props: ElementTree.Element | None) -> bool:
        if props is None:
            return False
        style = props.find(_W + "pStyle")
        return props.find(_W + "outlineLvl") is not None or (style is not None and style.get(_W + "val") in self.headings)

    def _add(self, text: str, places: list[tuple[int, Place]], kind: str) -> None:
        lead = len(text) - len(text.lstrip())
        stripped = " ".join(text.split()) if kind != "row" else "\t".join(" ".join(c.split()) for c in text.split("\t"))
        if stripped:
            self.paragraphs.append(Paragraph(stripped, [(max(0, o - lead), pl) for o, pl in places], kind))

    def runs(self, element: ElementTree.Element, places: list[tuple[int, Place]],
             reference: str = "") -> tuple[str, list[tuple[str, ElementTree.Element]]]:
        """The text of a paragraph (or of a footnote, opened by its number `reference`), and the
        footnotes it refers to, each with its number. Page and column breaks are counted on the way."""
        out: list[str] = []
        notes: list[tuple[str, ElementTree.Element]] = []

        def walk(node: ElementTree.Element) -> None:
            for child in node:
                tag = child.tag
                if tag in _SKIPPED:
                    continue
                if tag == _W + "t":
                    out.append(child.text or "")
                elif tag == _W + "tab":
                    out.append(" ")
                elif tag in (_W + "br", _W + "cr"):
                    self._break(child.get(_W + "type", ""), out, places)
                elif tag == _W + "lastRenderedPageBreak":
                    self._break("page", out, places)
                elif tag == _W + "footnoteReference":
                    note = self.notes.get(child.get(_W + "id", ""))
                    if note is not None and child.get(_W + "customMarkFollows") not in ("1", "true"):
                        self.numbered += 1
                        notes.append((str(self.numbered), note))
                        out.append(superscript(str(self.numbered)))
                elif tag == _W + "footnoteRef":
                    out.append(superscript(reference) + " ")
                elif tag == _W + "p" and out:  # a footnote of several paragraphs: one paragraph here
                    out.append(" ")
                    walk(child)
                else:
                    walk(child)

        walk(element)
        return "".join(out), notes

    def _break(self, kind: str, out: list[str], places: list[tuple[int, Place]]) -> None:
        if kind == "page":
            self.page, self.column = self.page + 1, 1
        elif kind == "column":
            self.column += 1
        else:
            out.append(" ")  # a line break inside a paragraph
            return
        if places:
            places.append((len("".join(out)), self.place()))

    def table(self, tbl: ElementTree.Element) -> None:
        """A table row by row: each row one line, its cells apart by tabs (a nested table's rows before its row)."""
        for row in tbl.findall(_W + "tr"):
            cells = []
            for cell in row.findall(_W + "tc"):
                parts = [self.runs(p, [])[0] for p in cell.findall(_W + "p")]
                cells.append(" ".join(" ".join(parts).split()))
                for nested in cell.findall(_W + "tbl"):
                    self.table(nested)
            if any(cells):
                self._add("\t".join(c for c in cells if c), [(0, self.place())], "row")
