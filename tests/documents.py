"""Test helper: the samples' text laid out as the UN publishes it, as Word (DOCX) and PDF files.

No real UN PDF is shipped, so the tests make their own. `blocks` takes the
paragraphs the plain-text reader finds in a sample (cut again where it
repaired a sentence across a paragraph break, so that reading the file back
must repair it the same way): titles, text, list entries, table rows, and
footnotes with the superscript marks that refer to them. `write_docx` lays
them out as a Word file written from its XML: an optional one-column cover,
then one or two columns, a running head (symbol, title, date) and a footer
(page counter and job number) on every page, footnotes as Word footnotes,
Arabic paragraphs and sections right to left (so its columns run right to
left). `to_pdf` converts DOCX files with LibreOffice headless, using the CJK
and Arabic fonts of Debian's packages (fonts-wqy-microhei, fonts-hosny-amiri).
For the bad-input tests: `image_pdf` writes a PDF whose page is an image and
no text (what a scanner makes), `encrypted_pdf` a copy that needs a password.
Run as a script, it writes the files the benchmark reads (the body repeated
N times: --repeat 2 makes a Chinese PDF of about 30 pages):

    python tests/documents.py OUT_DIR [--repeat N]
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from aligner.layout import read

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
FONTS = {"latin": "DejaVu Sans", "zh": "WenQuanYi Micro Hei", "ar": "Amiri"}
HEAD_TITLE = {"zh": "联合国与区域和次区域组织在维护国际和平与安全方面的合作",
              "ar": "التعاون بين الأمم المتحدة والمنظمات الإقليمية ودون الإقليمية في صون السلام والأمن الدوليين"}
NOTICE = {"zh": "本记录包括", "ar": "يتضمن هذا المحضر"}  # a meeting record's cover ends with its notice
_LINE = {"zh": 260, "ar": 320}  # twentieths of a point
JOB = {"zh": "13-52982 (C)", "ar": "13-52982 (A)"}
_SUPERSCRIPT = re.compile("[\u00b9\u00b2\u00b3\u2070-\u2079]+")
_SUPERSCRIPT_DIGITS = str.maketrans("\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079", "1230456789")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class Block:
    """One paragraph of the document to lay out."""

    kind: str  # "title", "text", "item" (a list entry, written with its dash), "row" (a table row)
    text: str = ""
    cells: list[str] = field(default_factory=list)


@dataclass
class Layout:
    """How a document is laid out."""

    lang: str
    columns: int = 2
    cover: int = 0  # blocks set in one column before the columns start
    symbol: str = "S/PV.7050"
    date: str = "28/10/2013"
    repeat: int = 1  # the body repeated this many times (a long document for the benchmark)


def blocks(text: str, lang: str) -> tuple[list[Block], dict[str, str]]:
    """The paragraphs of a plain-text sample as blocks, and its footnotes by their superscript mark."""
    raw_lines = text.split("\n")
    out: list[Block] = []
    notes: dict[str, str] = {}
    for p in read(text, lang).paragraphs:
        pieces = [[p.lines[0].text]]
        for line, join in zip(p.lines[1:], p.joins):
            if join.how == "repair":
                pieces.append([line.text])
            else:
                pieces[-1].append(join.glue + line.text)
        if p.kind == "footnote":
            mark = _SUPERSCRIPT.match("".join(pieces[0]))
            if mark:
                notes[mark.group()] = "".join(pieces[0])[mark.end():].strip()
                continue
        for piece in pieces:
            body = "".join(piece)
            raw = raw_lines[p.lines[0].number - 1]
            if p.mark == "title":
                out.append(Block("title", body))
            elif p.mark == "item" and "\t" in raw.strip():
                out.append(Block("row", cells=[" ".join(c.split()) for c in raw.strip().split("\t")]))
            elif p.mark == "item":
                out.append(Block("item", body))
            else:
                out.append(Block("text", body))
    return out, notes


# ---------------------------------------------------------------- DOCX from its XML


def _run(text: str, lang: str, bold: bool = False, superscript: bool = False) -> str:
    props = ("<w:b/><w:bCs/>" if bold else "") + ("<w:rtl/>" if lang == "ar" else "")
    props += '<w:vertAlign w:val="superscript"/>' if superscript else ""
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraph_props(lang: str, style: str = "", section: str = "") -> str:
    style = f'<w:pStyle w:val="{style}"/>' if style else ""
    direction = '<w:bidi/><w:jc w:val="both"/>' if lang == "ar" else '<w:jc w:val="both"/>'
    return f"<w:pPr>{style}{direction}{section}</w:pPr>"


def _text_runs(text: str, lang: str, notes: dict[str, str], used: list[str], bold: bool = False) -> str:
    """The runs of a paragraph; each superscript mark with a footnote becomes a reference to it."""
    runs, at = [], 0
    for m in _SUPERSCRIPT.finditer(text):
        if m.group() not in notes:
            continue
        runs.append(_run(text[at:m.start()], lang, bold))
        used.append(m.group())
        runs.append(f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/><w:vertAlign w:val="superscript"/></w:rPr>'
                    f'<w:footnoteReference w:id="{len(used)}"/></w:r>')
        at = m.end()
    runs.append(_run(text[at:], lang, bold))
    return "".join(runs)


def _block_xml(block: Block, lang: str, notes: dict[str, str], used: list[str], section: str = "") -> str:
    if block.kind == "row":
        cells = "".join(f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr><w:p>{_paragraph_props(lang)}'
                        f"{_run(c, lang)}</w:p></w:tc>" for c in block.cells)
        bidi = "<w:bidiVisual/>" if lang == "ar" else ""
        table = f'<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/>{bidi}</w:tblPr><w:tr>{cells}</w:tr></w:tbl>'
        return table + (f"<w:p>{_paragraph_props(lang, section=section)}</w:p>" if section else "")
    text = f"- {block.text}" if block.kind == "item" else block.text
    style = "Title" if block.kind == "title" else ""
    runs = _text_runs(text, lang, notes, used, bold=block.kind == "title")
    return f"<w:p>{_paragraph_props(lang, style, section)}{runs}</w:p>"


def _section(layout: Layout, columns: int, continuous: bool = False) -> str:
    refs = '<w:headerReference w:type="default" r:id="rIdHeader"/><w:footerReference w:type="default" r:id="rIdFooter"/>'
    kind = '<w:type w:val="continuous"/>' if continuous else ""
    bidi = "<w:bidi/>" if layout.lang == "ar" else ""
    return (f"<w:sectPr>{refs}{kind}<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
            f'<w:pgMar w:top="1700" w:right="1300" w:bottom="1700" w:left="1300" w:header="700" w:footer="700" w:gutter="0"/>'
            f'<w:cols w:num="{columns}" w:space="500"/>{bidi}</w:sectPr>')


def _header_footer(layout: Layout) -> tuple[str, str]:
    lang = layout.lang
    head = f"{layout.symbol}   {HEAD_TITLE[lang]}   {layout.date}"
    page = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    pages = page.replace(" PAGE ", " NUMPAGES ")
    header = f'<w:hdr xmlns:w="{_W}"><w:p>{_paragraph_props(lang)}{_run(head, lang)}</w:p></w:hdr>'
    footer = (f'<w:ftr xmlns:w="{_W}"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>{page}{_run("/", "zh")}{pages}'
              f'{_run("   " + JOB[lang], "zh")}</w:p></w:ftr>')
    return header, footer


def _styles(lang: str) -> str:
    """Body text set with exact line spacing, as the UN sets its documents (10 pt Chinese on 13 pt,
    12 pt Arabic on 16 pt), and 6 pt between paragraphs."""
    fonts = f'w:ascii="{FONTS["latin"]}" w:hAnsi="{FONTS["latin"]}" w:eastAsia="{FONTS["zh"]}" w:cs="{FONTS["ar"]}"'
    return (f'<w:styles xmlns:w="{_W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts {fonts}/>'
            '<w:sz w:val="20"/><w:szCs w:val="24"/></w:rPr></w:rPrDefault>'
            f'</w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
            f'<w:pPr><w:spacing w:after="120" w:line="{_LINE[lang]}" w:lineRule="exact"/></w:pPr></w:style>'
            '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>'
            '<w:rPr><w:b/><w:bCs/><w:sz w:val="22"/><w:szCs w:val="26"/></w:rPr></w:style>'
            '<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>'
            '<w:rPr><w:sz w:val="16"/><w:szCs w:val="18"/></w:rPr></w:style>'
            '<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>'
            '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style></w:styles>')


def _footnotes(texts: list[str], lang: str) -> str:
    notes = "".join(
        f'<w:footnote w:id="{k}"><w:p>{_paragraph_props(lang, "FootnoteText")}'
        f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f"{_run(' ' + text, lang)}</w:p></w:footnote>" for k, text in enumerate(texts, 1))
    return (f'<w:footnotes xmlns:w="{_W}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
            f"{notes}</w:footnotes>")


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
    "</Types>")
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>')
_DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rIdHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
    '<Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
    '<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" '
    'Target="footnotes.xml"/></Relationships>')


def write_docx(path: Path, body: list[Block], notes: dict[str, str], layout: Layout) -> Path:
    """Write the blocks as a Word file laid out as `layout` says."""
    lang, used = layout.lang, []
    cover, rest = body[:layout.cover], body[layout.cover:] * layout.repeat
    parts = [_block_xml(b, lang, notes, used) for b in cover[:-1]]
    if cover:  # the cover's last paragraph ends its one-column section
        parts.append(_block_xml(cover[-1], lang, notes, used, section=_section(layout, 1)))
    parts += [_block_xml(b, lang, notes, used) for b in rest]
    continuous = bool(cover)
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}" xmlns:r="{_R}">'
                f"<w:body>{''.join(parts)}{_section(layout, layout.columns, continuous)}</w:body></w:document>")
    header, footer = _header_footer(layout)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _PACKAGE_RELS)
        z.writestr("word/_rels/document.xml.rels", _DOCUMENT_RELS)
        z.writestr("word/document.xml", document)
        z.writestr("word/styles.xml", _styles(lang))
        z.writestr("word/header1.xml", header)
        z.writestr("word/footer1.xml", footer)
        z.writestr("word/footnotes.xml", _footnotes([notes[m] for m in used], lang))
    return path


def sample_docx(path: Path, sample: str, lang: str, **layout) -> Path:
    """A sample of samples/ laid out as a Word file (see Layout for the options; cover="notice" sets
    a meeting record's cover, up to its notice, in one column)."""
    body, notes = blocks((SAMPLES / sample).read_text(encoding="utf-8"), lang)
    if layout.pop("cover", None) == "notice":
        layout["cover"] = next((k + 1 for k, b in enumerate(body) if b.text.startswith(NOTICE[lang])), 0)
    return write_docx(path, body, notes, Layout(lang, **layout))


# ---------------------------------------------------------------- PDF with LibreOffice


def soffice() -> str | None:
    """LibreOffice's command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _soffice(args: list[str], profile: str) -> None:
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", *args],
                   check=True, capture_output=True, timeout=600)


def to_pdf(docx_files: list[Path], out_dir: Path) -> list[Path]:
    """Convert Word files to PDF with LibreOffice (its own profile, so that parallel runs do not clash).

    By way of OpenDocument, with punctuation no longer hung past the line: LibreOffice hangs a
    Chinese full stop that ends a full line, and draws none where another column follows
    (Word's w:overflowPunct does not turn that off)."""
    with tempfile.TemporaryDirectory() as work:
        odt_dir = Path(work) / "odt"
        _soffice(["--convert-to", "odt", "--outdir", str(odt_dir), *map(str, docx_files)], work + "/profile")
        odts = []
        for docx in docx_files:
            odt = odt_dir / (docx.stem + ".odt")
            with zipfile.ZipFile(odt) as z:
                parts = {info: z.read(info.filename) for info in z.infolist()}
            with zipfile.ZipFile(odt, "w") as z:
                for info, data in parts.items():
                    if info.filename in ("styles.xml", "content.xml"):
                        data = data.replace(b'punctuation-wrap="hanging"', b'punctuation-wrap="simple"')
                    z.writestr(info, data)
            odts.append(odt)
        _soffice(["--convert-to", "pdf", "--outdir", str(out_dir), *map(str, odts)], work + "/profile")
    return [out_dir / (p.stem + ".pdf") for p in docx_files]


# ---------------------------------------------------------------- PDFs that cannot be read


def image_pdf(path: Path, width: int = 64, height: int = 90) -> Path:
    """A one-page A4 PDF that is only an image (grey stripes, as a scan has no text layer),
    written object by object with its cross-reference table."""
    pixels = bytes((x * 4 + y) % 256 for y in range(height) for x in range(width))
    drawing = b"q 595 0 0 842 0 0 cm /Scan Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Scan 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n"
        % (width, height, len(pixels)) + pixels + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(drawing) + drawing + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    path.write_bytes(bytes(out))
    return path


def encrypted_pdf(source: Path, path: Path, password: str = "secret") -> Path:
    """A copy of a PDF that opens only with a password (pypdf, RC4 128 bits)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    with path.open("wb") as f:
        writer.write(f)
    return path


def main(argv: list[str]) -> None:
    """Write the S/PV.7050 pair as DOCX and PDF (two columns, running heads) into a folder."""
    out = Path(argv[0])
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 1
    out.mkdir(parents=True, exist_ok=True)
    made = [sample_docx(out / f"S_PV.7050_{lang}.docx", f"S_PV.7050_{lang}.txt", lang, cover="notice", repeat=repeat)
            for lang in ("zh", "ar")]
    for pdf in to_pdf(made, out):
        print(pdf)


if __name__ == "__main__":
    main(sys.argv[1:])
