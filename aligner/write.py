"""Writers: TSV, JSONL, TMX and Moses bitext, written atomically (temp file, then rename),
or streamed to a device, a FIFO or standard output."""
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

from .model import Bead
from .outputs import is_stream
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


def bead_record(b: Bead) -> dict:
    """The JSON object of one bead (field order fixed for byte-identical output)."""
    rec = {
        "zh": b.zh_text,
        "ar": b.ar_text,
        "score": b.score,
        "type": b.type,
        "turn": b.turn,
        "speaker_zh": b.speaker_zh,
        "speaker_ar": b.speaker_ar,
        "zh_lines": b.zh_lines,
        "ar_lines": b.ar_lines,
    }
    if b.moved:
        rec["moved"] = True
    return rec


def write_tsv(beads: Iterable[Bead], out: TextIO) -> None:
    out.write("\t".join(TSV_COLUMNS) + "\n")
    for b in beads:
        rec = bead_record(b)
        out.write("\t".join(tsv_field(rec[c]) for c in TSV_COLUMNS) + "\n")


# Line ends JSON leaves raw (it escapes only C0 controls), which str.splitlines() would still split at.
_JSONL_ESCAPES = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def write_jsonl(beads: Iterable[Bead], out: TextIO) -> None:
    """One JSON object per line, for any line-based reader."""
    for b in beads:
        out.write(json.dumps(bead_record(b), ensure_ascii=False).translate(_JSONL_ESCAPES) + "\n")


# Everything Python's str.splitlines() (and so many corpus tools) treats as a line end, plus tabs.
_LINE_BREAKS = re.compile("[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
# The other control characters and the noncharacters a tokenizer may choke on (ESC, SOH, DEL, U+FFFE, ...).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def moses_line(text: str) -> str:
    """One side of a bead on one line: line breaks and tabs inside it become a space, other
    control characters go."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", text))


def write_moses(beads: Iterable[Bead], out: TextIO, lang: str) -> None:
    """One side (`lang` "zh" or "ar") of a Moses parallel corpus: line n of the
    .zh file translates line n of the .ar file, so only two-sided beads are written."""
    for b in beads:
        if b.zh and b.ar:
            out.write(moses_line(b.zh_text if lang == "zh" else b.ar_text) + "\n")


# A writer may return warnings for the user (the TMX writer reports over-long segments).
Writer = Callable[[Iterable[Bead], TextIO], list[str] | None]
WRITERS: dict[str, Writer] = {"tsv": write_tsv, "jsonl": write_jsonl, "tmx": write_tmx}


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
