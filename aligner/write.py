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
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from .model import SourceInfo
from .outputs import is_stream
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


# A writer may return warnings for the user (the TMX writer reports over-long segments).
Writer = Callable[[Iterable[dict], TextIO, SourceInfo], list[str] | None]
WRITERS: dict[str, Writer] = {"tsv": write_tsv, "jsonl": write_jsonl, "tmx": write_tmx, "html": write_html}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | Path, fill: Callable[[TextIO], None]) -> None:
    """Write through `fill` without ever leaving a half-written file or replacing a special one.

    A regular file (or a symlink to one) is written to a temp file in the real
    file's folder, then renamed over it: the link stays a link, and an existing
    file keeps its permissions. A device, a FIFO or "-" (standard output) is
    written in place.
    """
    if str(path) == "-":
        fill(sys.stdout)
        sys.stdout.flush()
        return
    if is_stream(str(path)):
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            fill(f)
        return
    real = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(real.stat().st_mode)
    except OSError:
        mode = 0o666 & ~_umask()  # a new file follows the umask
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            fill(f)
        os.chmod(tmp, mode)  # mkstemp makes files private
        os.replace(tmp, real)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
