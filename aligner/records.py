"""Bead records: the plain dicts every writer is built from, and reading them back from our JSONL.

A record is what the JSONL holds for one bead. Its `id` is the bead's position
in the whole alignment (the number `--report` calls "bead"): it stays the same
when beads are filtered out or the alignment is converted, so a reviewer's
decisions name the same beads in every file. The JSONL's first line is the
alignment's metadata (SourceInfo); it has no "zh" or "ar" field, so a reader
that wants only bead texts passes over it.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, fields
from pathlib import Path

from .model import Bead, SourceInfo
from .read import InputError, read_utf8

FIELDS = ("id", "zh", "ar", "score", "type", "turn", "speaker_zh", "speaker_ar", "zh_lines", "ar_lines")
META_KEY = "aligner"  # the metadata line's marker: the version of the aligner that wrote it


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
    }
    if b.moved:
        rec["moved"] = True
    return rec


def records(beads: Iterable[Bead]) -> list[dict]:
    """The records of a whole alignment, numbered by position."""
    return [bead_record(b, k) for k, b in enumerate(beads)]


def two_sided(rec: dict) -> bool:
    """Whether the bead pairs text of both languages (a translation unit, a Moses line)."""
    return bool(rec["zh"] and rec["ar"])


def meta_record(info: SourceInfo) -> dict:
    from . import __version__

    return {META_KEY: __version__, **asdict(info)}


def is_meta(obj: object) -> bool:
    """Whether a parsed JSONL line is the metadata line rather than a bead."""
    return isinstance(obj, dict) and META_KEY in obj and "zh" not in obj


_INFO_FIELDS = [f.name for f in fields(SourceInfo)]


def _info(obj: dict, where: str) -> SourceInfo:
    values = {k: obj[k] for k in _INFO_FIELDS if k in obj}
    bad = [k for k, v in values.items() if not isinstance(v, str)]
    if bad:
        raise InputError(f"{where}: metadata field {bad[0]!r} must be text")
    if values.get("src", "zh") not in ("zh", "ar"):
        raise InputError(f"{where}: metadata field 'src' must be zh or ar")
    return SourceInfo(**values)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _checked(obj: object, where: str) -> dict:
    """A record as `bead_record` makes it (same field order), or InputError naming what is wrong."""
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object")
    missing = [k for k in FIELDS if k not in obj]
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
        "moved": obj.get("moved", True) is True,
    }
    bad = [k for k, ok in checks.items() if not ok]
    if bad:
        raise InputError(f"{where}: field {bad[0]!r} has a wrong value")
    rec = {k: obj[k] for k in FIELDS}
    rec["score"] = float(rec["score"])
    if obj.get("moved"):
        rec["moved"] = True
    return rec


def read_jsonl(path: str | Path) -> tuple[SourceInfo, list[dict]]:
    """The metadata and the bead records of a JSONL alignment written by `align`."""
    p = Path(path)
    text = read_utf8(p)
    info, recs, ids = None, [], set()
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
            info = _info(obj, where)
            continue
        rec = _checked(obj, where)
        if rec["id"] in ids:
            raise InputError(f"{where}: bead id {rec['id']} appears twice")
        ids.add(rec["id"])
        recs.append(rec)
    if info is None and not recs:
        raise InputError(f"{p}: no beads (not an alignment written by `aligner align`)")
    return info or SourceInfo(), recs
