"""Bead records: the plain dicts every writer is built from, and reading them back from our JSONL.

A record is what the JSONL holds for one bead. Its `id` is the bead's position
in the whole alignment (the number `--report` calls "bead"): it stays the same
when beads are filtered out or the alignment is converted, so a reviewer's
decisions name the same beads in every file.

Every line of the JSONL is a bead with the same keys, so that pandas, a dataset
loader or `jq` read it as one table: the run's metadata (SourceInfo: the input
files, the document, the TMX languages), which `aligner convert` needs, is
repeated in each line (RUN_FIELDS) rather than put on a line of its own. Files
of earlier versions open with such a line (META_KEY); they are still read.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, fields
from pathlib import Path

from .model import Bead, SourceInfo
from .read import InputError, read_utf8

FIELDS = ("id", "zh", "ar", "score", "type", "turn", "speaker_zh", "speaker_ar", "zh_lines", "ar_lines", "moved")
RUN_FIELDS = tuple(f.name for f in fields(SourceInfo))  # after the bead's own fields on every JSONL line
META_KEY = "aligner"  # the marker of the metadata line that opened the JSONL of earlier versions


def bead_record(b: Bead, bead_id: int) -> dict:
    """The record of one bead (field order fixed for byte-identical output)."""
    rec = {
        "id": bead_id,
        "zh": b.zh_text,
        "ar": b.ar_text,
        "score": b.score,
        "type": b.type,
        "turn": b.turn,
        "speaker_zh": b.speaker_zh,
        "speaker_ar": b.speaker_ar,
        "zh_lines": b.zh_lines,
        "ar_lines": b.ar_lines,
        "moved": b.moved,
    }
    return rec


def records(beads: Iterable[Bead]) -> list[dict]:
    """The records of a whole alignment, numbered by position."""
    return [bead_record(b, k) for k, b in enumerate(beads)]


def two_sided(rec: dict) -> bool:
    """Whether the bead pairs text of both languages (a translation unit, a Moses line)."""
    return bool(rec["zh"] and rec["ar"])


def jsonl_line(rec: dict, info: SourceInfo) -> dict:
    """What the JSONL holds for a bead: its record, then the run's metadata (the same on every line)."""
    return {**rec, **asdict(info)}


def is_meta(obj: object) -> bool:
    """Whether a parsed JSONL line is the metadata line of an earlier version rather than a bead."""
    return isinstance(obj, dict) and META_KEY in obj and "zh" not in obj


def _info(obj: dict, where: str) -> SourceInfo:
    values = {k: obj[k] for k in RUN_FIELDS if k in obj}
    bad = [k for k, v in values.items() if not isinstance(v, str)]
    if bad:
        raise InputError(f"{where}: metadata field {bad[0]!r} must be text")
    if values.get("src", "zh") not in ("zh", "ar"):
        raise InputError(f"{where}: metadata field 'src' must be zh or ar")
    return SourceInfo(**values)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _checked(obj: object, where: str) -> dict:
    """A record as `bead_record` makes it (same field order), or InputError naming what is wrong.
    `moved` may be missing: earlier versions wrote it only when true."""
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object")
    missing = [k for k in FIELDS if k not in obj and k != "moved"]
    if missing:
        raise InputError(f"{where}: no {missing[0]!r} field (write the JSONL with `aligner align`)")
    checks = {
        "id": _is_int(obj["id"]) and obj["id"] >= 0,
        "zh": isinstance(obj["zh"], str),
        "ar": isinstance(obj["ar"], str),
        "score": isinstance(obj["score"], (int, float)) and not isinstance(obj["score"], bool) and 0 <= obj["score"] <= 1,
        "type": isinstance(obj["type"], str),
        "turn": _is_int(obj["turn"]),
        "speaker_zh": isinstance(obj["speaker_zh"], str),
        "speaker_ar": isinstance(obj["speaker_ar"], str),
        "zh_lines": isinstance(obj["zh_lines"], list) and all(_is_int(n) for n in obj["zh_lines"]),
        "ar_lines": isinstance(obj["ar_lines"], list) and all(_is_int(n) for n in obj["ar_lines"]),
        "moved": isinstance(obj.get("moved", False), bool),
    }
    bad = [k for k, ok in checks.items() if not ok]
    if bad:
        raise InputError(f"{where}: field {bad[0]!r} has a wrong value")
    rec = {k: obj.get(k, False) for k in FIELDS}
    rec["score"] = float(rec["score"])
    return rec


def _same_run(info: SourceInfo, first: int, line_info: SourceInfo, where: str) -> None:
    """Refuse a line whose metadata differs from the first bead's: two alignments in one file."""
    if line_info != info:
        field = next(k for k in RUN_FIELDS if getattr(line_info, k) != getattr(info, k))
        raise InputError(f"{where}: a bead of another alignment ({field} {getattr(line_info, field)!r}, "
                         f"{getattr(info, field)!r} on line {first}); convert one alignment at a time")


def read_jsonl(path: str | Path) -> tuple[SourceInfo, list[dict]]:
    """The metadata and the bead records of a JSONL alignment written by `align`: the metadata
    from the beads' run fields, or from the first line of a file of an earlier version."""
    p = Path(path)
    text = read_utf8(p)
    info, first, recs, ids = None, 0, [], set()
    for n, line in enumerate(text.split("\n"), 1):  # not splitlines(): text may hold U+2028
        if not line.strip():
            continue
        where = f"{p}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{where}: not JSON ({e.msg})") from None
        if is_meta(obj):
            if info is not None or recs:
                raise InputError(f"{where}: metadata must be the first line, and only once")
            info, first = _info(obj, where), n
            continue
        rec = _checked(obj, where)
        if any(k in obj for k in RUN_FIELDS):
            line_info = _info(obj, where)
            if info is None:
                info, first = line_info, n
            _same_run(info, first, line_info, where)
        if rec["id"] in ids:
            raise InputError(f"{where}: bead id {rec['id']} appears twice")
        ids.add(rec["id"])
        recs.append(rec)
    if info is None and not recs:
        raise InputError(f"{p}: no beads (not an alignment written by `aligner align`)")
    return info or SourceInfo(), recs
