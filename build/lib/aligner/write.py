"""Writers: TSV, JSONL, TMX and Moses bitext, written atomically (temp file, then rename)."""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from .model import Bead
from .tmx import write_tmx

TSV_COLUMNS = ("zh", "ar", "score", "type", "turn", "speaker_zh", "speaker_ar")
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def tsv_field(value: object) -> str:
    """A TSV cell: tabs, newlines and backslashes escaped so one bead stays one row."""
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


def write_jsonl(beads: Iterable[Bead], out: TextIO) -> None:
    for b in beads:
        out.write(json.dumps(bead_record(b), ensure_ascii=False) + "\n")


# Everything Python's str.splitlines() (and so many corpus tools) treats as a line end, plus tabs.
_LINE_BREAKS = re.compile("[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")


def moses_line(text: str) -> str:
    """One side of a bead on one line: line breaks and tabs inside it become a space."""
    return _LINE_BREAKS.sub(" ", text)


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
    """Write through `fill` to a temp file beside `path`, then rename: never a half-written file.

    A path of "-" writes to standard output.
    """
    if str(path) == "-":
        fill(sys.stdout)
        sys.stdout.flush()
        return
    p = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent if str(p.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            fill(f)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; outputs follow the umask
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
