"""Read a source file: decode it and clean each line of converter debris."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from . import detect, formats
from .anchors import INVISIBLE
from .errors import InputError, NotTextError, Swapped, WrongLanguage
from .model import Line

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = {
    b"\xff\xfe\x00\x00": "utf-32-le",
    b"\x00\x00\xfe\xff": "utf-32-be",
    b"\xef\xbb\xbf": "utf-8-sig",
    b"\xff\xfe": "utf-16-le",
    b"\xfe\xff": "utf-16-be",
}
# Legacy encodings, each with the language whose letters a right decoding yields.
_LEGACY = {"gb18030": "zh", "cp1256": "ar", "iso-8859-6": "ar"}
_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a DOCX (ZIP) file",
    b"\xd0\xcf\x11\xe0": "an old Word/Office file",
    b"{\\rtf": "an RTF file",
}
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")  # C0 controls no text file holds
_UTF16_MISREAD = re.compile("[\x00-\x08\x0e-\x1f\x80-\x9f]")  # C0 and C1 controls: UTF-16 read in the wrong byte order
_CORRUPT_UTF8 = 20  # more valid UTF-8 characters than this per bad byte: corrupt UTF-8, not a legacy encoding

_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MARKDOWN_EMPHASIS = re.compile(r"\*{2,3}|(?<!\w)__|__(?!\w)")
_LIST_BULLET = re.compile(r"^\s*[-•▪]\s+")
_LEADING_MARKS = re.compile(rf"(?:\s|{INVISIBLE.pattern})*")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2000-\u200a\u202f\u205f]+")


def decode(data: bytes, lang: str, name: str = "input", encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes to text, returning (text, encoding used).

    Refuses binary files first, so a PDF is never read as text. Then: the
    encoding given, else a byte-order mark, else UTF-8 (with a few stray NUL
    bytes refused, never read as UTF-16 without a mark), else the legacy
    encoding whose decoding looks most like Chinese or Arabic text (GB18030,
    Windows-1256, ISO-8859-6; those usual for `lang` win a tie). Every legacy
    encoding is tried whatever `lang` says, so that a Chinese file given as
    the Arabic one is decoded right and then reported as swapped.
    """
    what = binary_kind(data, nul=False)
    if what:
        raise InputError(f"{name}: this is {what}, not text; convert it to plain text first")
    if encoding:
        text, used = _decode_as(data, encoding, name), encoding
        if "\x00" in text and codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
            _refuse_stray_nuls(data, name)
        _refuse_misreading(data, text, encoding, lang, name)
    else:
        text, used = _detect(data, lang, name)
    return text.removeprefix("\ufeff"), used


def binary_kind(head: bytes, nul: bool = True) -> str | None:
    """What a file that is not text is, from its first bytes ("a PDF", ...), else None.
    With `nul`, NUL bytes without a UTF-16/32 byte-order mark also mean binary data."""
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return what
    if nul and b"\x00" in head and not any(head.startswith(bom) for bom in _BOMS):
        return "binary data (NUL bytes)"
    return None


def _decode_as(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise InputError(f"{name}: unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{name}: not valid {encoding} (byte {e.start}: {e.reason})") from None


_UTF8_EVIDENCE = 8  # multi-byte UTF-8 characters from which bytes that decode as UTF-8 are UTF-8


def _misread(data: bytes, text: str, encoding: str, lang: str) -> bool:
    """A decoding that cannot be right: a legacy one of bytes that are valid UTF-8 with
    non-ASCII text (legacy text almost never is), or one that does not read as `lang`."""
    if not codecs.lookup(encoding).name.startswith("utf"):
        try:
            if sum(1 for c in data.decode("utf-8") if c > "\x7f") >= _UTF8_EVIDENCE:
                return True
        except UnicodeDecodeError:
            pass
    return detect.garbled(text, lang)


def _refuse_misreading(data: bytes, text: str, encoding: str, lang: str, name: str) -> None:
    """Refuse a forced encoding that garbles the text when another reads it right, naming that one."""
    if not _misread(data, text, encoding, lang):
        return
    try:
        right_text, right = _detect(data, lang, name)
    except InputError:
        return  # nothing reads better: the user's choice stands (the language check still applies)
    if codecs.lookup(right).name != codecs.lookup(encoding).name and not _misread(data, right_text, right, lang):
        raise InputError(f"{name}: read as {encoding} this is not {detect.NAMES[lang]} text but mojibake; it reads "
                         f"right as {right}: give --encoding-{lang} {right}, or leave the option out")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of Chinese or Arabic in UTF-16 without a byte-order mark, else None. First
    the byte order that puts the NUL bytes of ASCII characters (newlines, digits) second, then the
    other: a Chinese text has its own NULs (言 is U+8A00), and read in the wrong order they turn
    into control characters (U+008A), which no text holds."""
    if len(data) % 2:
        return None
    orders = ("utf-16-le", "utf-16-be") if data[1::2].count(0) > data[0::2].count(0) else ("utf-16-be", "utf-16-le")
    for encoding in orders:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _UTF16_MISREAD.search(text) and detect.language_of(text) in ("zh", "ar"):
            return text, encoding
    return None


def _detect(data: bytes, lang: str, name: str) -> tuple[str, str]:
    """(text, encoding) when no encoding was given: byte-order mark, UTF-8, then legacy encodings."""
    for bom, enc in _BOMS.items():
        if data.startswith(bom):
            return _decode_as(data[len(bom):], enc, name), enc
    if b"\x00" in data:
        _refuse_stray_nuls(data, name)
        found = _utf16_without_bom(data)
        if found:
            return found
        raise InputError(f"{name}: binary data (NUL bytes), not text; give a plain-text file (UTF-16 without "
                         f"a byte-order mark: name it with --encoding-{lang} utf-16-le or utf-16-be)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        if _mostly_utf8(data):
            raise InputError(f"{name}: broken UTF-8 (byte {e.start}: {e.reason}); repair the file") from None
    return _legacy(data, lang, name)


_STRAY_NUL_SHARE = 0.25  # NUL bytes fewer than this share of the bytes are stray, not the other half of UTF-16


def _refuse_stray_nuls(data: bytes, name: str) -> None:
    """Refuse UTF-8 text with a few NUL bytes in it (a converter's or an editor's slip), which a
    UTF-16 decoding would turn into mojibake that still counts as Han letters.

    The test: without its NULs the data is UTF-8 text with no other C0 control. UTF-16 of
    Chinese or Arabic never is: its Arabic letters carry the byte 0x06, and its Han
    characters bytes from 0x80 up that no UTF-8 sequence allows."""
    nuls = data.count(0)
    if nuls >= _STRAY_NUL_SHARE * len(data):
        return
    try:
        text = data.replace(b"\x00", b"").decode("utf-8")
    except UnicodeDecodeError:
        return
    if _CONTROLS.search(text):
        return
    first = data.index(0)
    line = data.count(b"\n", 0, first) + 1
    raise InputError(f"{name}: UTF-8 text with {nuls} NUL byte{'s' if nuls > 1 else ''} (the first on line {line}, "
                     f"byte {first}); remove them (tr -d '\\000' < FILE > FIXED)")


def _mostly_utf8(data: bytes) -> bool:
    """Valid multi-byte UTF-8 with a few bad bytes: a damaged file, which a legacy decoding would garble."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return sum(1 for c in text if c > "\x7f") - bad > _CORRUPT_UTF8 * bad


def _legacy(data: bytes, lang: str, name: str) -> tuple[str, str]:
    """The legacy decoding with the most letters of its language and the fewest unlikely characters."""
    best: tuple[int, str, str] | None = None
    for enc in sorted(_LEGACY, key=lambda e: _LEGACY[e] != lang):  # stable: ties go to `lang`'s encodings
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        fit = detect.fitness(text, _LEGACY[enc])
        if best is None or fit > best[0]:
            best = (fit, text, enc)
    if best is None or best[0] <= 0:
        raise InputError(f"{name}: unknown text encoding (not UTF-8, GB18030, Windows-1256 or ISO-8859-6); "
                         f"name it with --encoding-{lang}")
    return best[1], best[2]


def _load(path: str | Path, lang: str, encoding: str | None) -> tuple[str, str]:
    """Read and decode a file, with clear errors for what a user can get wrong."""
    text, how, _ = load_document(path, lang, encoding)
    return text, how


def load_document(path: str | Path, lang: str, encoding: str | None = None) -> tuple[str, str, formats.Extracted | None]:
    """The text of a file and how it was read: a PDF or DOCX by its reader (formats.py; the
    encoding does not apply), anything else decoded as text. The third item is what the PDF or
    DOCX reader made of the file (None for a text file): where each line of the text came from."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a text file")
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    document = formats.extract(data, str(p))
    if document is not None:
        return document.text, document.kind, document
    text, enc = decode(data, lang, str(p), encoding)
    if not text.strip():
        raise InputError(f"{p}: the file holds only whitespace" if text else f"{p}: the file is empty")
    return text, enc, None


def _require(path: str | Path, lang: str, found: str) -> None:
    """Refuse a file whose letters say it is not in `lang` (detect.language_of found `found`)."""
    if found != lang:
        raise WrongLanguage(f"{path}: expected {detect.NAMES[lang]} text, but this is {detect.NAMES[found]}")


def read_file(path: str | Path, lang: str, encoding: str | None = None) -> tuple[str, str]:
    """Read, decode and check that the file is in `lang`; returns (text, encoding used)."""
    text, enc, _, _ = read_source(path, lang, encoding)
    return text, enc


def read_any(path: str | Path, encoding: str | None = None) -> tuple[str, str, str]:
    """Read a Chinese or Arabic file without being told which: (text, encoding, "zh" or "ar")."""
    text, enc, found, _ = read_source(path, None, encoding)
    return text, enc, found


def read_source(path: str | Path, lang: str | None, encoding: str | None = None
                ) -> tuple[str, str, str, formats.Extracted | None]:
    """A file in `lang` (None: Chinese or Arabic, told from its letters): (text, how it was read
    (an encoding, "PDF" or "DOCX"), language, what the PDF or DOCX reader made of it or None)."""
    text, enc, document = load_document(path, lang or "zh", encoding)
    found = detect.language_of(text)
    if lang:
        _require(path, lang, found)
        return text, enc, lang, document
    if found not in ("zh", "ar"):
        raise WrongLanguage(f"{path}: expected Chinese or Arabic text, but this is {detect.NAMES[found]}")
    if document is None and encoding is None and enc != "utf-8":  # a legacy decoding: decode again with the right language's preference
        text, enc = _load(path, found, encoding)
    return text, enc, found, document


def read_pair(zh_path: str | Path, ar_path: str | Path, zh_encoding: str | None = None,
              ar_encoding: str | None = None, check_languages: bool = True) -> tuple[tuple[str, str], tuple[str, str]]:
    """Read the Chinese and the Arabic file: ((text, encoding), (text, encoding)).

    Both are read before either language is checked, so that two files given
    the wrong way round are reported as swapped rather than as one bad file.
    Without `check_languages` only a swap is refused: a Chinese document with a
    long English annex, say, is read as Chinese.
    """
    zh_text, zh_enc = _load(zh_path, "zh", zh_encoding)
    ar_text, ar_enc = _load(ar_path, "ar", ar_encoding)
    check_pair_languages(zh_text, ar_text, zh_path, ar_path, swap_only=not check_languages)
    return (zh_text, zh_enc), (ar_text, ar_enc)


def check_pair_languages(zh_text: str, ar_text: str, zh_name: str | Path, ar_name: str | Path,
                         swap_only: bool = False) -> None:
    """Raise WrongLanguage unless the first text is Chinese and the second Arabic (Swapped when
    they are the wrong way round, the only check with `swap_only`)."""
    zh_found, ar_found = detect.language_of(zh_text), detect.language_of(ar_text)
    if (zh_found, ar_found) == ("ar", "zh"):
        raise Swapped(f"{zh_name} is Arabic and {ar_name} is Chinese: swap the two arguments "
                      "(the Chinese file comes first)")
    if not swap_only:
        _require(zh_name, "zh", zh_found)
        _require(ar_name, "ar", ar_found)


def check_texts(zh_text: object, ar_text: object, zh_name: str = "zh_text", ar_name: str = "ar_text") -> None:
    """The checks `read_pair` makes on files, made on texts given to the library: each a str,
    not blank, in its language."""
    for name, text in ((zh_name, zh_text), (ar_name, ar_text)):
        if not isinstance(text, str):
            raise NotTextError(f"{name}: expected a str, not {type(text).__name__} (decode bytes first)")
        if not text.strip():
            raise InputError(f"{name}: the text holds only whitespace" if text else f"{name}: the text is empty")
    check_pair_languages(zh_text, ar_text, zh_name, ar_name)  # type: ignore[arg-type]


def clean_line(raw: str, keep_bullet: bool = False) -> tuple[str, str]:
    """Strip markdown marks a PDF converter leaves and collapse blank runs.

    Returns the text and what the marks said about the line ("title",
    "item" or ""), since a title or a list entry never continues a sentence.
    With `keep_bullet`, a leading "- " stays (the reader may find it is a
    dash the wrap put at the start of a line, not a bullet). Invisible marks
    before a markdown mark (an RLE opening the line) do not hide it; they stay.
    """
    lead = _LEADING_MARKS.match(raw).end()
    body = raw[lead:]
    if INVISIBLE.search(raw, 0, lead) and (_MARKDOWN_HEADING.match(body) or _LIST_BULLET.match(body)):
        text, mark = clean_line(body, keep_bullet)
        return "".join(INVISIBLE.findall(raw, 0, lead)) + text, mark
    if _MARKDOWN_HEADING.match(raw):
        mark = "title"
    elif _LIST_BULLET.match(raw) or "\t" in raw.strip():
        mark = "item"  # a bullet, or a table row whose columns the converter kept as tabs
    else:
        mark = ""
    s = _MARKDOWN_HEADING.sub("", raw)
    if not keep_bullet:
        s = _LIST_BULLET.sub("", s)
    s = _MARKDOWN_EMPHASIS.sub("", s)
    return _SPACES.sub(" ", s).strip(), mark


def lines_of(text: str) -> list[Line]:
    """The cleaned lines of a text, numbered as in the source (from 1); a line of
    nothing but spaces and invisible marks (bidi, zero-width, tatweel) is empty."""
    out = []
    text = text.removeprefix("\ufeff")  # a byte-order mark is no part of the first line
    for n, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        s, mark = clean_line(raw)
        if INVISIBLE.sub("", s).strip():
            out.append(Line(n, s, mark))
    return out


def read_utf8(path: Path) -> str:
    """A UTF-8 file of ours (an alignment, decisions), or InputError in one line."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
