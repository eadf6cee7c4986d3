"""Writers: TSV, JSONL, TMX, Moses bitext and the HTML review page, all built from the
same bead records (aligner.records), written atomically (temp file, then rename), or
streamed to a device, a FIFO or standard output.

Every writer is called as writer(records, out, info): `info` (SourceInfo) names
the files, the document and the languages, for the formats that carry them.
"""
from __future__ import annotations

import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from .errors import OutputError
from .model import SourceInfo
from .outputs import is_stream, shown
from .records import jsonl_line, two_sided
from .review import write_html
from .tmx import write_tmx

TSV_COLUMNS = ("zh", "ar", "score", "type", "turn", "speaker_zh", "speaker_ar")
# Everything a line-based reader (Python's splitlines, many corpus tools) or a CSV reader could take as
# a line end, and every other control character: C0 (with tab), DEL, C1 (with U+0085), U+2028, U+2029.
_TSV_ESCAPES = {
    **{c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]},
    **{0x2028: "\\u2028", 0x2029: "\\u2029"},
    **str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\v": "\\v", "\f": "\\f"}),
}


def tsv_field(value: object) -> str:
    """A TSV cell on one physical line: backslash, tab, line breaks and control characters
    escaped (\\\\, \\t, \\n, \\r, \\v, \\f, \\xNN, \\u2028, \\u2029), so one bead stays one row for any reader."""
    return str(value).translate(_TSV_ESCAPES)


def write_tsv(recs: Iterable[dict], out: TextIO, info: SourceInfo | None = None) -> None:
    """A header row, then a row per bead (the TSV names no files or languages)."""
    out.write("\t".join(TSV_COLUMNS) + "\n")
    for rec in recs:
        out.write("\t".join(tsv_field(rec[c]) for c in TSV_COLUMNS) + "\n")


# Line ends JSON leaves raw (it escapes only C0 controls), which str.splitlines() would still split at.
_JSONL_ESCAPES = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def write_jsonl(recs: Iterable[dict], out: TextIO, info: SourceInfo | None = None) -> None:
    """A line per bead, each with the same keys (one table for pandas, a dataset loader or jq):
    the bead's record, then the run's metadata, which `aligner convert` needs. One JSON
    object per line, for any line-based reader."""
    info = info or SourceInfo()
    for rec in recs:
        out.write(json.dumps(jsonl_line(rec, info), ensure_ascii=False).translate(_JSONL_ESCAPES) + "\n")


# Everything Python's str.splitlines() (and so many corpus tools) treats as a line end, plus tabs.
_LINE_BREAKS = re.compile("[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
# The other control characters and the noncharacters a tokenizer may choke on (ESC, SOH, DEL, U+FFFE, ...).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def moses_line(text: str) -> str:
    """One side of a bead on one line: line breaks and tabs inside it become a space, other
    control characters go."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", text))


def write_moses(recs: Iterable[dict], out: TextIO, info: SourceInfo | None = None, *, lang: str) -> None:
    """One side (`lang` "zh" or "ar") of a Moses parallel corpus: line n of the
    .zh file translates line n of the .ar file, so only two-sided beads are written."""
    for rec in recs:
        if two_sided(rec):
            out.write(moses_line(rec[lang]) + "\n")


def write_json(value: object, out: TextIO) -> None:
    """A report (the moved beads, a batch's report.json): indented JSON, non-ASCII as is."""
    out.write(json.dumps(value, ensure_ascii=False, indent=1) + "\n")


# A writer may return warnings for the user (the TMX writer reports over-long segments).
Writer = Callable[[Iterable[dict], TextIO, SourceInfo], list[str] | None]
WRITERS: dict[str, Writer] = {"tsv": write_tsv, "jsonl": write_jsonl, "tmx": write_tmx, "html": write_html}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


Fill = Callable[[TextIO], None]


def atomic_write(path: str | Path, fill: Fill) -> None:
    """Write one file through `fill` (see write_together)."""
    write_together([(path, fill)])


def write_together(files: list[tuple[str | Path, Fill]]) -> None:
    """Write every (path, fill) without ever leaving a half-written file or replacing a special one,
    and without replacing any file unless all could be written.

    Each regular file (or symlink to one) is first written to a temp file in the real file's
    folder; only when all are written are they renamed over their files: the links stay links,
    existing files keep their permissions, and a disk that fills up on the third format leaves
    the first two as they were. A device, a FIFO or "-" (standard output) is written in place,
    when its turn comes. An OSError (a full disk, an I/O error) is raised as OutputError naming
    the file, in one line; a closed pipe stays a BrokenPipeError (the command line's status 141).
    """
    staged: list[tuple[str, Path, int]] = []  # (temp file, real file, mode), until renamed
    try:
        for path, fill in files:
            if str(path) == "-" or is_stream(str(path)):
                with _one_line_error(str(path), ""):
                    _stream(str(path), fill)
            else:
                with _one_line_error(str(path), "; no output file was written or replaced"):
                    staged.append(_stage(Path(path), fill))
        while staged:
            tmp, real, mode = staged[0]
            with _one_line_error(str(real), ""):
                os.chmod(tmp, mode)  # mkstemp makes files private
                os.replace(tmp, real)
            staged.pop(0)
    finally:
        for tmp, _, _ in staged:
            try:
                os.unlink(tmp)
            except OSError:
                pass


@contextmanager
def _one_line_error(path: str, consequence: str) -> Iterator[None]:
    """An OSError writing `path` as an OutputError saying so (and `consequence`) on one line;
    a BrokenPipeError passes."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as e:
        raise OutputError(f"{shown(path)}: cannot write ({e.strerror or e}){consequence}") from None


def _stream(path: str, fill: Fill) -> None:
    """Standard output, a device or a FIFO, written in place (and flushed, so that a full disk shows here)."""
    if path == "-":
        fill(sys.stdout)
        sys.stdout.flush()
        return
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        fill(f)


def _stage(path: Path, fill: Fill) -> tuple[str, Path, int]:
    """`fill` written to a temp file beside the real file `path` points to: (temp, real file, its mode)."""
    real = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(real.stat().st_mode)
    except OSError:
        mode = 0o666 & ~_umask()  # a new file follows the umask
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            fill(f)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp, real, mode
