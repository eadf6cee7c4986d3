"""Batch alignment: pair the Chinese and Arabic files of a folder, align every pair, report.

Pairs are independent, so running them is a plain map: over local worker
processes, or over an existing Dask cluster when one is named. Each worker
reads its pair, checks it is one document (guard.py), aligns it and writes its
outputs atomically, so an interrupted batch leaves finished files or none, and
a second run skips the pairs already done.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import as_completed as local_completed
from dataclasses import dataclass
from pathlib import Path

from .align import align
from .anchors import symbols
from .guard import check_same_document, first_page_symbol
from .read import InputError, read_file, read_pair
from .write import WRITERS, atomic_write

# S_PV.7050_ZH.txt, S-PV-7050-ar.txt, S_PV.7050.zh.txt, A_RES_67_264_C.txt (UN letters: C Chinese, A Arabic)
_TAGGED_NAME = re.compile(r"^(?P<base>.+?)(?:[_.\-](?P<code>zh|ar)|_(?P<letter>[ca]))(?:\.[a-z0-9]{1,5})?$", re.IGNORECASE)
_LANG_OF_TAG = {"zh": "zh", "ar": "ar", "c": "zh", "a": "ar"}
# Symbol parts followed by '.' and a number: S/PV.7050, A/67/L.5/Rev.1, A/C.3/67/L.2, E/CN.4/2005/L.10
_DOTTED = {"PV", "SR", "L", "C", "CN", "CRP", "WP", "INF", "REV", "ADD", "CORR", "AMEND", "SUPPL"}
_CASED = {"REV": "Rev", "ADD": "Add", "CORR": "Corr", "AMEND": "Amend", "SUPPL": "Suppl"}
DONE = ("ok", "skipped")  # statuses that count as success
REPORT = "report.json"


@dataclass(frozen=True)
class Pair:
    """One document in both languages; outputs go to OUT_DIR/<id>.<format>."""

    id: str
    zh: Path
    ar: Path


def language_tag(name: str) -> tuple[str, str] | None:
    """(lang, base name without the tag) for a tagged file name, else None."""
    m = _TAGGED_NAME.match(name)
    if not m:
        return None
    return _LANG_OF_TAG[(m.group("code") or m.group("letter")).lower()], m.group("base")


def symbol_from_name(base: str) -> str | None:
    """The UN symbol a file name spells with _ or - for / ('S-PV-7050' -> 'S/PV.7050'), or None.

    Every UN symbol has a number in it; 'GA_draft_resolution' is a name, not a symbol."""
    parts: list[str] = []
    for raw in filter(None, re.split(r"[_\-\s]+", base)):
        head, dot, rest = raw.partition(".")
        head = _CASED.get(head.upper(), head.upper())
        if raw.isdigit() and parts and parts[-1].upper() in _DOTTED:
            parts[-1] += "." + raw
        else:
            parts.append(head + dot + rest)
    symbol = "/".join(parts)
    shaped_like_one = symbols(symbol.upper()) == [symbol.upper()]  # anchors' pattern wants 'REV', UN writes 'Rev'
    return symbol if shaped_like_one and any(c.isdigit() for c in symbol) else None


def symbol_from_text(path: Path, lang: str) -> str | None:
    """The symbol on the first page of the file, or None (also for an unreadable file:
    the pair then fails when aligned, with the reason in the report)."""
    try:
        text, _ = read_file(path, lang)
    except InputError:
        return None
    return first_page_symbol(text, lang)


def pair_id(key: str, folder: str = "") -> str:
    """Output name of a pair: the symbol with '/' as '_', under its subfolder of IN_DIR."""
    name = key.replace("/", "_")
    return f"{folder}/{name}" if folder not in ("", ".") else name


def document_key(path: Path, lang: str, base: str) -> str:
    """What pairs a file with its partner: the symbol in its name, else on its first page, else its base name."""
    return symbol_from_name(base) or symbol_from_text(path, lang) or base


@dataclass(frozen=True)
class _Tagged:
    path: Path
    lang: str
    base: str
    folder: str  # relative to IN_DIR, '.' for IN_DIR itself


def _tagged_files(in_dir: Path, exclude: Path | None) -> tuple[list[_Tagged], list[dict]]:
    """Visible files under in_dir (not under `exclude`, an output folder inside it): tagged, and untagged."""
    skip = exclude.resolve() if exclude else None
    tagged, untagged = [], []
    for path in sorted(in_dir.rglob("*")):
        rel = path.relative_to(in_dir)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts) or (skip and path.is_relative_to(skip)):
            continue
        tag = language_tag(path.name)
        if tag:
            tagged.append(_Tagged(path, tag[0], tag[1], rel.parent.as_posix()))
        else:
            untagged.append({"file": str(path), "reason": "no language tag in the name (_zh/_ar, -zh/-ar, .zh./.ar., _C/_A)"})
    return tagged, untagged


def _group(files: list[_Tagged], key: Callable[[_Tagged], str]) -> dict[tuple[str, str], dict[str, list[_Tagged]]]:
    groups: dict[tuple[str, str], dict[str, list[_Tagged]]] = defaultdict(lambda: {"zh": [], "ar": []})
    for f in files:
        groups[f.folder, key(f)][f.lang].append(f)
    return groups


def _is_pair(group: dict[str, list[_Tagged]]) -> bool:
    return len(group["zh"]) == 1 and len(group["ar"]) == 1


def find_pairs(in_dir: Path, exclude: Path | None = None) -> tuple[list[Pair], list[dict]]:
    """Pair the files of each folder by language tag and document; list the rest with why.

    A file's document is the symbol in its name, else on its first page, else
    its base name. Files left alone then pair by base name ('notes_zh' with
    'notes_ar'): the symbol was found on one first page only, or a folder holds
    the same document under two names.
    """
    in_dir = in_dir.resolve()
    files, unpaired = _tagged_files(in_dir, exclude)
    pairs, leftover = [], []
    groups = _group(files, lambda f: document_key(f.path, f.lang, f.base))
    for (folder, key), group in sorted(groups.items()):
        if _is_pair(group):
            pairs.append(Pair(pair_id(key, folder), group["zh"][0].path, group["ar"][0].path))
        else:
            leftover += [(f, _unpaired_reason(key, group)) for f in group["zh"] + group["ar"]]
    by_base = _group([f for f, _ in leftover], lambda f: f.base.casefold())
    taken = {p.id for p in pairs}
    for (folder, _), group in sorted(by_base.items()):
        base = group["zh"][0].base if group["zh"] else ""
        if _is_pair(group) and (pid := pair_id(symbol_from_name(base) or base, folder)) not in taken:
            pairs.append(Pair(pid, group["zh"][0].path, group["ar"][0].path))
    paired = {p.zh for p in pairs} | {p.ar for p in pairs}
    unpaired += [{"file": str(f.path), "reason": reason} for f, reason in leftover if f.path not in paired]
    return sorted(pairs, key=lambda p: p.id), unpaired


def _unpaired_reason(key: str, group: dict[str, list[_Tagged]]) -> str:
    names = {"zh": "Chinese", "ar": "Arabic"}
    for lang in ("zh", "ar"):
        if not group[lang]:
            return f"no {names[lang]} partner for {key}"
    lang = "zh" if len(group["zh"]) > 1 else "ar"
    return f"{len(group[lang])} {names[lang]} files for {key}; pair them with --manifest"


def read_manifest(manifest: Path, in_dir: Path) -> list[Pair]:
    """Pairs from a TSV of zh_path, ar_path[, id] (paths relative to in_dir; '#' comments, optional header)."""
    try:
        lines = manifest.read_text(encoding="utf-8-sig").splitlines()
    except OSError as e:
        raise InputError(f"{manifest}: cannot read ({e.strerror})") from None
    pairs: list[Pair] = []
    for n, line in enumerate(lines, 1):
        fields = [f.strip() for f in line.split("\t")]
        if not line.strip() or line.startswith("#") or (n == 1 and fields[0].lower() in ("zh_path", "zh")):
            continue
        if len(fields) not in (2, 3) or not all(fields):
            raise InputError(f"{manifest}:{n}: expected zh_path<TAB>ar_path[<TAB>id]")
        zh, ar = ((in_dir / f).resolve() for f in fields[:2])
        pairs.append(Pair(pair_id(fields[2]) if len(fields) == 3 else _manifest_id(zh), zh, ar))
    twice = [i for i, count in Counter(p.id for p in pairs).items() if count > 1]
    if twice:
        raise InputError(f"{manifest}: the id {twice[0]} names more than one pair; give each pair its own id")
    return pairs


def _manifest_id(zh: Path) -> str:
    """The id of a manifest pair given without one: from the Chinese file, as when pairing by name."""
    tag = language_tag(zh.name)
    return pair_id(document_key(zh, "zh", tag[1] if tag else zh.stem))


def collect_pairs(in_dir: Path, manifest: Path | None = None, exclude: Path | None = None) -> tuple[list[Pair], list[dict]]:
    """The pairs to align and the files left unpaired: from the manifest when given, else by name."""
    if manifest:
        return read_manifest(manifest, in_dir), []
    return find_pairs(in_dir, exclude)


def parse_formats(spec: str) -> list[str]:
    """'tsv,jsonl' -> ['tsv', 'jsonl'], checked against the writers available."""
    kinds = list(dict.fromkeys(k.strip().lower() for k in spec.split(",") if k.strip()))
    unknown = [k for k in kinds if k not in WRITERS]
    if unknown or not kinds:
        raise InputError(f"unknown format {','.join(unknown) or spec!r}; choose from {', '.join(WRITERS)}")
    return kinds


def outputs(pair: Pair, out_dir: Path, formats: list[str]) -> dict[str, Path]:
    return {kind: out_dir / f"{pair.id}.{kind}" for kind in formats}


def _entry(pair: Pair, out_dir: Path, formats: list[str], status: str) -> dict:
    """A report entry; the counts stay null until the pair is aligned."""
    return {
        "id": pair.id,
        "files": {"zh": str(pair.zh), "ar": str(pair.ar)},
        "outputs": [str(p) for p in outputs(pair, out_dir, formats).values()],
        "status": status,
        "beads": None,
        "unaligned": None,
        "moved": None,
        "mean_score": None,
        "seconds": None,
        "error": None,
        "warnings": [],
    }


def plan(pairs: list[Pair], out_dir: Path, formats: list[str], force: bool = False) -> tuple[list[Pair], list[dict]]:
    """(pairs to align, report entries of the pairs skipped because all their outputs exist)."""
    todo, skipped = [], []
    for pair in pairs:
        if not force and all(p.exists() for p in outputs(pair, out_dir, formats).values()):
            skipped.append(_entry(pair, out_dir, formats, "skipped"))
        else:
            todo.append(pair)
    return todo, skipped


def _write(path: Path, kind: str, beads: list) -> list[str]:
    """Write one output atomically; return the writer's warnings."""
    warnings: list[str] = []
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda f: warnings.extend(WRITERS[kind](beads, f) or []))
    return warnings


def align_pair(pair: Pair, out_dir: Path, formats: list[str]) -> dict:
    """Read, check, align and write one pair; its report entry.

    Never raises: one broken pair must not stop a batch of thousands, so every
    failure becomes the pair's status and message.
    """
    start = time.perf_counter()
    entry = _entry(pair, out_dir, formats, "error")
    try:
        (zh_text, _), (ar_text, _) = read_pair(pair.zh, pair.ar)
        entry["error"] = check_same_document(zh_text, ar_text)
        if entry["error"]:
            entry["status"] = "mismatch"
        else:
            result = align(zh_text, ar_text, fork=False)  # the batch's parallelism is across pairs
            for kind, path in outputs(pair, out_dir, formats).items():
                entry["warnings"] += _write(path, kind, result.beads)
            s = result.summary()
            entry.update(status="ok", beads=s["beads"], moved=s["moved"], mean_score=s["mean_score"],
                         unaligned={"zh": s["unaligned_zh"], "ar": s["unaligned_ar"]})
    except InputError as e:
        entry["error"] = str(e)
    except Exception as e:  # noqa: BLE001 -- reported per pair, see the docstring
        entry["error"] = f"{type(e).__name__}: {e}"
    entry["seconds"] = round(time.perf_counter() - start, 2)
    return entry


def _gather(executor, completed: Callable, pairs: list[Pair], out_dir: Path, formats: list[str]) -> Iterator[dict]:
    """Submit every pair to a concurrent.futures-like executor; yield entries as pairs finish."""
    futures = {executor.submit(align_pair, pair, out_dir, formats): pair for pair in pairs}
    for future in completed(futures):
        try:
            yield future.result()
        except Exception as e:  # noqa: BLE001 -- a worker that died (killed, out of memory)
            entry = _entry(futures[future], out_dir, formats, "error")
            entry["error"] = f"worker failed: {type(e).__name__}: {e}"
            yield entry


def run_local(pairs: list[Pair], out_dir: Path, formats: list[str], workers: int) -> Iterator[dict]:
    """Align on this machine with `workers` processes (spawned: safe beside the progress bar's thread)."""
    if not pairs:
        return
    pool = ProcessPoolExecutor(min(workers, len(pairs)), mp_context=multiprocessing.get_context("spawn"))
    try:
        yield from _gather(pool, local_completed, pairs, out_dir, formats)
    finally:
        pool.shutdown(cancel_futures=True)


def run_dask(pairs: list[Pair], out_dir: Path, formats: list[str], address: str) -> Iterator[dict]:
    """Align on an existing Dask cluster. Its workers must see IN_DIR and OUT_DIR
    at the same paths (a shared file system, as on any HPC cluster)."""
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise InputError("--dask needs the optional extra: pip install 'aligner[dask]'") from None
    try:
        client = Client(address)  # waits distributed.comm.timeouts.connect (Dask's config) at most
    except (OSError, ValueError) as e:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    with client:
        yield from _gather(client, as_completed, pairs, out_dir, formats)


def run(pairs: list[Pair], out_dir: Path, formats: list[str], workers: int | None = None,
        dask: str | None = None) -> Iterator[dict]:
    """Report entries of the pairs, in the order they finish: on the Dask scheduler
    at address `dask` if given, else in `workers` local processes (default: one per core)."""
    if dask:
        return run_dask(pairs, out_dir, formats, dask)
    return run_local(pairs, out_dir, formats, workers or os.cpu_count() or 1)


def succeeded(entries: Iterable[dict]) -> bool:
    return all(e["status"] in DONE for e in entries)


def write_report(path: Path, entries: list[dict], unpaired: list[dict]) -> dict:
    """OUT_DIR/report.json: every pair (sorted by id), the status counts and the unpaired files."""
    pairs = sorted(entries, key=lambda e: e["id"])
    report = {"counts": dict(sorted(Counter(e["status"] for e in pairs).items())), "pairs": pairs, "unpaired": unpaired}
    atomic_write(path, lambda f: f.write(json.dumps(report, ensure_ascii=False, indent=1) + "\n"))
    return report
