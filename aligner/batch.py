"""Batch alignment: pair the Chinese and Arabic files of a folder, align every pair, report.

Pairs are independent, so running them is a plain map: over local worker
processes, or over an existing Dask cluster when one is named. Each worker
reads its pair, checks it is one document (guard.py), aligns it and writes its
outputs atomically, so an interrupted batch leaves finished files or none. The
report records each input's size and hash and each output's hash; a second run
skips a pair only when all of them still match.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import as_completed as local_completed
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from . import formats
from .errors import Mismatch, OutputError, Swapped
from .guard import first_page_symbol
from .names import TAG_FORMS, language_tag, split_extension, symbol_from_name
from .outputs import Output, clashes
from .pipeline import ReadOptions, WriteOptions, moves_in, read_and_align, refusal, suffixes, write_all
from .read import InputError, binary_kind, read_any, read_file
from .records import records
from .write import atomic_write, write_json

DONE = ("ok", "skipped")  # statuses that count as success
FAILING = ("ambiguous",)  # files left out that fail the batch: a document's files the pairing could not pair
INTERRUPTED = "interrupted"  # the batch was stopped (SIGTERM, Ctrl-C) before the pair was aligned
REPORT = "report.json"
MOVES = "moves.json"  # per pair with --report: OUT_DIR/<id>.moves.json
TEXT_EXTENSIONS = ("txt", "md", "") + formats.EXTENSIONS  # PDF and DOCX are read too (formats.py)
OUTPUT_EXTENSIONS = ("tsv", "jsonl", "json", "tmx", "html")  # what this tool writes: never an input
_HEAD = 4096  # bytes read to tell text from binary data


@dataclass(frozen=True)
class Pair:
    """One document in both languages; outputs go to OUT_DIR/<id>.<format>."""

    id: str
    zh: Path
    ar: Path
    document: str = ""  # its UN symbol, when found (the TMX x-document property)
    origin: str = ""  # where it was listed: "pairs.tsv:3" for a manifest row
    redo: str = field(default="", compare=False)  # why a pair the last run finished is aligned again


@dataclass(frozen=True)
class PerPair:
    """The `align` options every pair of a batch gets."""

    read: ReadOptions = ReadOptions()
    write: WriteOptions = WriteOptions()
    report: bool = False  # write OUT_DIR/<id>.moves.json


def symbol_from_text(path: Path, lang: str) -> str | None:
    """The symbol on the first page of the file, or None (also for an unreadable file:
    the pair then fails when aligned, with the reason in the report)."""
    try:
        text, _ = read_file(path, lang)
    except InputError:
        return None
    return first_page_symbol(text, lang)


def pair_id(key: str, folder: str = "") -> str:
    """Output name of a pair: the symbol with '/' as '_', under its subfolder of IN_DIR.
    A pair known by no name (zh.txt + ar.txt) is named after its folder."""
    name = key.replace("/", "_")
    if folder in ("", "."):
        return name
    return f"{folder}/{name}" if name else folder


@dataclass(frozen=True)
class _Candidate:
    """A text file in Chinese or Arabic, and the document it belongs to."""

    path: Path
    lang: str
    base: str  # its name without extension and language tag
    folder: str  # relative to IN_DIR, '.' for IN_DIR itself
    key: str  # the document: its symbol, else its base name
    symbol: str  # "" when none was found


def _left_out(path: Path, why: str, reason: str) -> dict:
    """A report entry of a file that is not aligned: `why` is its category, `reason` says more."""
    return {"file": str(path), "why": why, "reason": reason}


def _walk(in_dir: Path, exclude: Path | None) -> tuple[list[Path], list[dict]]:
    """Visible files under in_dir (not under `exclude`, an output folder inside it); the links not followed."""
    skip = exclude.resolve() if exclude else None
    files, left = [], []
    for root, dirs, names in os.walk(in_dir):
        here = Path(root)
        if skip and here.resolve().is_relative_to(skip):
            dirs[:] = []
            continue
        kept = []
        for d in sorted(dirs):
            if d.startswith("."):
                continue
            if (here / d).is_symlink():
                left.append(_left_out(here / d, "symlinked folder",
                                      "a symbolic link to a folder, not followed: give that folder, or copy the files"))
            else:
                kept.append(d)
        dirs[:] = kept
        for name in sorted(names):
            path = here / name
            if name.startswith("."):
                continue
            if not path.exists():
                left.append(_left_out(path, "dangling symlink", f"a symbolic link to {os.readlink(path)}, which does not exist"))
            elif not path.is_file():
                left.append(_left_out(path, "not text", "not a regular file"))
            else:
                files.append(path)
    return files, left


def _not_text(path: Path) -> dict | None:
    """Why a file is not a text to pair (by its extension, then its first bytes), else None."""
    ext = split_extension(path.name)[1]
    if ext in OUTPUT_EXTENSIONS:
        return _left_out(path, "earlier output", f"a .{ext} file, as this tool writes: never taken as an input")
    if ext not in TEXT_EXTENSIONS:
        return _left_out(path, "not text", f"a .{ext} file: only .txt, .md, .pdf, .docx and names without extension are paired")
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD)
    except OSError as e:
        return _left_out(path, "not text", f"cannot read ({e.strerror})")
    if formats.kind_of(head):
        why = formats.unreadable(path, head)
        return _left_out(path, "not text", why) if why else None
    what = binary_kind(head)
    return _left_out(path, "not text", f"this is {what}, not text") if what else None


def _candidate(path: Path, in_dir: Path) -> _Candidate | dict:
    """The file as a candidate for pairing, or the report entry saying why it is none.

    Its language is the tag in its name, else what its letters say (job-number
    names such as N1352982.pdf.txt carry no tag)."""
    folder = path.parent.relative_to(in_dir).as_posix()
    tag = language_tag(path.name)
    if tag:
        lang, base = tag
        symbol = symbol_from_name(base) or symbol_from_text(path, lang) or ""
    else:
        base = split_extension(path.name)[0]
        try:
            text, _, lang = read_any(path)
        except InputError as e:
            detail = str(e).removeprefix(f"{path}: ")
            return _left_out(path, "unpaired", f"no language tag in the name ({TAG_FORMS}), and {detail}")
        symbol = symbol_from_name(base) or first_page_symbol(text, lang) or ""
    return _Candidate(path, lang, base, folder, symbol or base, symbol)


def _group(files: list[_Candidate], key) -> dict[tuple[str, str], dict[str, list[_Candidate]]]:
    groups: dict[tuple[str, str], dict[str, list[_Candidate]]] = defaultdict(lambda: {"zh": [], "ar": []})
    for f in files:
        groups[f.folder, key(f)][f.lang].append(f)
    return groups


def _is_pair(group: dict[str, list[_Candidate]]) -> bool:
    return len(group["zh"]) == 1 and len(group["ar"]) == 1


def _pair(group: dict[str, list[_Candidate]], key: str, folder: str, in_dir: Path) -> Pair:
    """The pair a group of one Chinese and one Arabic file makes; named after IN_DIR when nothing else names it."""
    zh, ar = group["zh"][0], group["ar"][0]
    return Pair(pair_id(key, folder) or in_dir.name, zh.path, ar.path, zh.symbol or ar.symbol)


def find_pairs(in_dir: Path, exclude: Path | None = None) -> tuple[list[Pair], list[dict]]:
    """Pair the text files of each folder by language and document; list every other file with why.

    A file's language is the tag in its name, else what its letters say; its
    document is the symbol in its name, else on its first page, else its base
    name. Files of one document pair by name when it has several of a language
    ('S_PV.7050_zh' with 'S_PV.7050_ar' and 'S-PV-7050-zh' with 'S-PV-7050-ar':
    two pairs). Files left alone then pair by base name ('notes_zh' with
    'notes_ar': the symbol was found on one first page only), and a folder
    holding just one Chinese and one Arabic text (zh.txt and ar.txt, say) is one pair.
    """
    in_dir = in_dir.resolve()
    paths, unpaired = _walk(in_dir, exclude)
    files = []
    for path in paths:
        found = _not_text(path) or _candidate(path, in_dir)
        if isinstance(found, dict):
            unpaired.append(found)
        else:
            files.append(found)
    pairs, leftover = [], []
    for (folder, key), group in sorted(_group(files, lambda f: f.key).items()):
        found, left = _document_pairs(group, key, folder, in_dir)
        pairs += found
        leftover += left
    taken = {p.id for p in pairs}
    for (folder, _), group in sorted(_group([f for f, _ in leftover], lambda f: f.base.casefold()).items()):
        if not _is_pair(group):
            continue
        base = group["zh"][0].base
        pair = _pair(group, symbol_from_name(base) or base, folder, in_dir)
        if pair.id in taken:
            why = ("ambiguous", f"{pair.zh.name} and {pair.ar.name} pair by name, but another pair is named "
                                f"{pair.id}: pair them with --manifest")
            leftover = [(f, why if f.path in (pair.zh, pair.ar) else w) for f, w in leftover]
            continue
        pairs.append(pair)
        taken.add(pair.id)
    for (folder, _), group in sorted(_group(files, lambda f: "").items()):
        paired = {p.zh for p in pairs} | {p.ar for p in pairs}
        if _is_pair(group) and not {group["zh"][0].path, group["ar"][0].path} & paired and folder not in taken:
            pairs.append(_pair(group, "", folder, in_dir))  # a folder that holds one document
    paired = {p.zh for p in pairs} | {p.ar for p in pairs}
    unpaired += [_left_out(f.path, why, reason) for f, (why, reason) in leftover if f.path not in paired]
    return sorted(pairs, key=lambda p: p.id), sorted(unpaired, key=lambda u: u["file"])


_LANGUAGE = {"zh": "Chinese", "ar": "Arabic"}


def _document_pairs(group: dict[str, list[_Candidate]], key: str, folder: str,
                    in_dir: Path) -> tuple[list[Pair], list[tuple[_Candidate, tuple[str, str]]]]:
    """The pairs the files of one document make, and the files left, each with (category, reason).

    One file of each language is a pair, whatever their names. With several of a
    language, files pair by name (the base name, in any case), and each pair is
    then named after its files: distinct names are never collapsed into one. A
    file whose name matches no file of the other language is ambiguous."""
    if _is_pair(group):
        return [_pair(group, key, folder, in_dir)], []
    files = group["zh"] + group["ar"]
    missing = [lang for lang in ("zh", "ar") if not group[lang]]
    if missing:
        return [], [(f, ("unpaired", f"no {_LANGUAGE[missing[0]]} partner for {key or folder}")) for f in files]
    by_name = [g for g in _group(files, lambda f: f.base.casefold()).values() if _is_pair(g)]
    pairs = [_pair(g, key if len(by_name) == 1 else g["zh"][0].base or key, folder, in_dir) for g in by_name]
    counts = " and ".join(f"{len(group[lang])} {_LANGUAGE[lang]}" for lang in ("zh", "ar"))
    made = " and ".join(f"{p.zh.name} + {p.ar.name}" for p in pairs)
    reason = (f"{counts} files for {key or folder} ({', '.join(f.path.name for f in files)}); "
              + (f"{made} pair by name, this one with none" if pairs else "no name says which pairs with which")
              + ": pair them with --manifest")
    named = {path for p in pairs for path in (p.zh, p.ar)}
    return pairs, [(f, ("ambiguous", reason)) for f in files if f.path not in named]


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
        symbol = _manifest_symbol(zh)
        pid = pair_id(fields[2]) if len(fields) == 3 else pair_id(symbol or _manifest_base(zh))
        pairs.append(Pair(pid, zh, ar, symbol, f"{manifest.name}:{n}"))
    twice = [i for i, count in Counter(p.id for p in pairs).items() if count > 1]
    if twice:
        raise InputError(f"{manifest}: the id {twice[0]} names more than one pair; give each pair its own id")
    return pairs


def _manifest_base(zh: Path) -> str:
    tag = language_tag(zh.name)
    return tag[1] if tag and tag[1] else split_extension(zh.name)[0]


def _manifest_symbol(zh: Path) -> str:
    """The symbol of a manifest pair, from the Chinese file, as when pairing by name."""
    base = _manifest_base(zh)
    return symbol_from_name(base) or symbol_from_text(zh, "zh") or ""


def collect_pairs(in_dir: Path, manifest: Path | None = None, exclude: Path | None = None) -> tuple[list[Pair], list[dict]]:
    """The pairs to align and the files left unpaired: from the manifest when given, else by name."""
    if manifest:
        return read_manifest(manifest, in_dir), []
    return find_pairs(in_dir, exclude)


def check_folders(in_dir: Path, out_dir: Path) -> dict | None:
    """Refuse OUT_DIR = IN_DIR (outputs would mix with the inputs); when OUT_DIR is inside IN_DIR,
    say what is left out of pairing: {"folder", "files"} (its files are outputs, never inputs)."""
    if out_dir.exists() and os.path.samefile(in_dir, out_dir):
        raise OutputError(f"{out_dir}: the output folder is the input folder; give -o another folder "
                          "(outside IN_DIR, or a subfolder of it)")
    if not out_dir.resolve().is_relative_to(in_dir.resolve()):
        return None
    files = sum(1 for p in out_dir.rglob("*") if p.is_file()) if out_dir.is_dir() else 0
    return {"folder": str(out_dir), "files": files}


def outputs(pair: Pair, out_dir: Path, formats: list[str], report: bool = False) -> dict[str, Path]:
    """Every file a pair writes, by ending: OUT_DIR/<id>.tsv, <id>.zh and <id>.ar for Moses, <id>.moves.json."""
    endings = suffixes(formats) + ([MOVES] if report else [])
    return {end: out_dir / f"{pair.id}.{end}" for end in endings}


def _entry(pair: Pair, out_dir: Path, formats: list[str], status: str, report: bool = False) -> dict:
    """A report entry; the counts stay null until the pair is aligned."""
    return {
        "id": pair.id,
        "files": {"zh": str(pair.zh), "ar": str(pair.ar)},
        "document": pair.document,
        "outputs": [str(p) for p in outputs(pair, out_dir, formats, report).values()],
        "status": status,
        "beads": None,
        "written": None,
        "unaligned": None,
        "moved": None,
        "mean_score": None,
        "seconds": None,
        "error": None,
        "warnings": [],
        "inputs": None,  # {"zh": {"size", "sha256"}, "ar": ...} of the files aligned
        "output_sha256": {},  # path -> hash of each output written
        "realigned": pair.redo or None,
    }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(path: Path) -> dict:
    """What says an input is still the one aligned: its size and hash."""
    return {"size": path.stat().st_size, "sha256": file_sha256(path)}


def previous_entries(out_dir: Path) -> dict[str, dict]:
    """The pairs of the last run's report, by id ({} when there is none or it is unreadable)."""
    try:
        report = json.loads((out_dir / REPORT).read_text(encoding="utf-8"))
        return {e["id"]: e for e in report["pairs"] if isinstance(e, dict) and isinstance(e.get("id"), str)}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def _changed_input(pair: Pair, record: dict) -> str | None:
    for lang, path in (("zh", pair.zh), ("ar", pair.ar)):
        was = (record.get("inputs") or {}).get(lang) or {}
        try:
            same = path.stat().st_size == was.get("size") and file_sha256(path) == was.get("sha256")
        except OSError:
            same = False
        if not same or (record.get("files") or {}).get(lang) != str(path):
            return f"the {_LANGUAGE[lang]} input {path} changed since the last run"
    return None


def _changed_output(paths: Iterable[Path], record: dict) -> str | None:
    hashes = record.get("output_sha256") or {}
    for path in paths:
        if not path.exists():
            return f"the output {path} is missing"
        try:
            same = file_sha256(path) == hashes.get(str(path))
        except OSError:
            same = False
        if not same:
            return f"the output {path} changed since the last run"
    return None


def redo_reason(pair: Pair, paths: list[Path], record: dict | None) -> str | None:
    """Why a pair must be aligned (again), or None when its last run stands.

    With a record in the last report, the pair stands only if it succeeded and
    its inputs (size and hash) and its outputs `paths` (hash) are still those
    recorded. Without one (outputs written by hand or by `aligner align` on a
    cluster), it stands when all its outputs exist."""
    if record is None:
        return None if all(p.exists() for p in paths) else ""
    if record.get("status") not in DONE:
        return ""
    return _changed_input(pair, record) or _changed_output(paths, record)


_KEPT_WHEN_SKIPPED = ("beads", "written", "unaligned", "moved", "mean_score", "warnings", "inputs", "output_sha256")


def plan(pairs: list[Pair], out_dir: Path, formats: list[str], force: bool = False,
         report: bool = False) -> tuple[list[Pair], list[dict]]:
    """(pairs to align, report entries of the pairs skipped because the last run's outputs stand).

    A pair aligned again although the last run finished it says why in `redo`."""
    previous = previous_entries(out_dir)
    todo, skipped = [], []
    for pair in pairs:
        record = previous.get(pair.id)
        why = "" if force else redo_reason(pair, list(outputs(pair, out_dir, formats, report).values()), record)
        if why is None:
            kept = {k: v for k, v in (record or {}).items() if k in _KEPT_WHEN_SKIPPED}
            skipped.append({**_entry(pair, out_dir, formats, "skipped", report), **kept})
        else:
            todo.append(replace(pair, redo=why))
    return todo, skipped


def refuse_clashes(pairs: list[Pair], unpaired: list[dict], out_dir: Path, formats: list[str],
                   report: bool = False) -> tuple[list[Pair], list[dict]]:
    """Check every path the batch will write before any work: (pairs to go on with, error entries).

    An output that is a file of IN_DIR (paired or not) or a manifest's file stops
    the batch (OutputError). Pairs that would write one file are all reported and
    none is aligned: which of them is the document cannot be told."""
    planned = [Output("the report", str(out_dir / REPORT))]
    planned += [Output(f"pair {p.id}", str(path)) for p in pairs for path in outputs(p, out_dir, formats, report).values()]
    inputs = [str(f) for p in pairs for f in (p.zh, p.ar)] + [u["file"] for u in unpaired]
    found = clashes(planned, inputs)
    for clash in found:
        if clash.input is not None or "the report" in (clash.output.owner, clash.other.owner):
            raise OutputError(clash.message())
    refused: dict[str, str] = {}
    for clash in found:
        one, other = clash.output.owner.removeprefix("pair "), clash.other.owner.removeprefix("pair ")
        for pid, partner in ((one, other), (other, one)):
            refused.setdefault(pid, f"pair {partner} would write the same output {clash.output.path}; "
                                    "give the pairs their own ids with --manifest")
    entries = [{**_entry(p, out_dir, formats, "error", report), "error": refused[p.id]} for p in pairs if p.id in refused]
    return [p for p in pairs if p.id not in refused], entries


def _swapped_row(pair: Pair) -> str:
    return (f"{pair.origin}: the zh_path column ({pair.zh.name}) holds Arabic and the ar_path column "
            f"({pair.ar.name}) Chinese: swap the two columns of this line")


def align_pair(pair: Pair, out_dir: Path, formats: list[str], per_pair: PerPair = PerPair()) -> dict:
    """Read, check, align and write one pair; its report entry.

    Never raises: one broken pair must not stop a batch of thousands, so every
    failure becomes the pair's status and message.
    """
    start = time.perf_counter()
    entry = _entry(pair, out_dir, formats, "error", per_pair.report)
    writing = per_pair.write
    if pair.document and not writing.document:
        writing = replace(writing, document=pair.document)
    try:
        entry["inputs"] = {"zh": fingerprint(pair.zh), "ar": fingerprint(pair.ar)}
    except OSError:
        pass  # reading the pair says what is wrong with the file
    try:
        result, _ = read_and_align(pair.zh, pair.ar, per_pair.read, fork=False)  # the batch's parallelism is across pairs
        recs = writing.kept(records(result.beads))
        paths = outputs(pair, out_dir, formats, per_pair.report)
        for path in paths.values():
            path.parent.mkdir(parents=True, exist_ok=True)
        moves = (paths[MOVES], moves_in(recs, result)) if per_pair.report else None
        entry["warnings"] += write_all([(p, end) for end, p in paths.items() if end != MOVES], recs,
                                       writing.source(pair.zh.name, pair.ar.name), moves=moves)
        entry["output_sha256"] = {str(p): file_sha256(p) for p in paths.values()}
        s = result.summary([r["score"] for r in recs])
        entry.update(status="ok", beads=s["beads"], written=len(recs), moved=s["moved"], mean_score=s["mean_score"],
                     unaligned={"zh": s["unaligned_zh"], "ar": s["unaligned_ar"]})
    except Mismatch as e:
        entry.update(status="mismatch", error=refusal(e))
    except Swapped as e:
        entry["error"] = _swapped_row(pair) if pair.origin else str(e)
    except InputError as e:
        entry["error"] = refusal(e)
    except Exception as e:  # noqa: BLE001 -- reported per pair, see the docstring
        entry["error"] = f"{type(e).__name__}: {e}"
    entry["seconds"] = round(time.perf_counter() - start, 2)
    return entry


class Interrupted(Exception):
    """The batch received SIGTERM or SIGINT (Ctrl-C)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within this block SIGTERM and SIGINT raise Interrupted in the main thread, once:
    a second signal while the batch stops and writes its report is ignored."""
    stops = (signal.SIGTERM, signal.SIGINT)

    def stop(signum, frame):
        for s in stops:
            signal.signal(s, signal.SIG_IGN)
        raise Interrupted(signum)

    try:
        previous = {s: signal.signal(s, stop) for s in stops}
    except ValueError:  # not the main thread: signals stay as they are
        previous = {}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def interrupted_entries(pairs: list[Pair], done: list[dict], out_dir: Path, formats: list[str],
                        report: bool = False) -> list[dict]:
    """Entries of the pairs not finished when the batch was stopped."""
    finished = {e["id"] for e in done}
    return [_entry(p, out_dir, formats, INTERRUPTED, report) for p in pairs if p.id not in finished]


def _worker_start() -> None:
    """In each local worker: Ctrl-C (sent to the whole process group) is left to the parent,
    SIGTERM ends the pair in hand (its atomic writes remove their temp files), and the worker
    dies with its parent (Linux), never left running alone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    if sys.platform == "linux":
        import ctypes

        try:
            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _worker_stop(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _align_in_worker(pair: Pair, out_dir: Path, formats: list[str], per_pair: PerPair) -> dict:
    """align_pair in a local worker; a SIGTERM ends the worker process itself (the pool would
    otherwise report the exit and hand the worker the next pair)."""
    try:
        return align_pair(pair, out_dir, formats, per_pair)
    except SystemExit as e:
        os._exit(e.code if isinstance(e.code, int) else 1)


def _gather(executor, completed: Callable, work: Callable, pairs: list[Pair], out_dir: Path, formats: list[str],
            per_pair: PerPair) -> Iterator[dict]:
    """Submit every pair to a concurrent.futures-like executor; yield entries as pairs finish."""
    futures = {executor.submit(work, pair, out_dir, formats, per_pair): pair for pair in pairs}
    for future in completed(futures):
        try:
            yield future.result()
        except Exception as e:  # noqa: BLE001 -- a worker that died (killed, out of memory)
            entry = _entry(futures[future], out_dir, formats, "error", per_pair.report)
            entry["error"] = f"worker failed: {type(e).__name__}: {e}"
            yield entry


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel the pairs not started, end the running ones (SIGTERM), reap every worker."""
    workers = list((pool._processes or {}).values())  # no public way to end running workers before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join()


def run_local(pairs: list[Pair], out_dir: Path, formats: list[str], workers: int, per_pair: PerPair) -> Iterator[dict]:
    """Align on this machine with `workers` processes (spawned: safe beside the progress bar's thread).
    Stopped early (an exception, or the caller closing the generator), it ends and reaps its workers."""
    if not pairs:
        return
    pool = ProcessPoolExecutor(min(workers, len(pairs)), mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_start)
    try:
        yield from _gather(pool, local_completed, _align_in_worker, pairs, out_dir, formats, per_pair)
    except BaseException:
        _end_workers(pool)
        raise
    pool.shutdown()


def run_dask(pairs: list[Pair], out_dir: Path, formats: list[str], address: str, per_pair: PerPair) -> Iterator[dict]:
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
        yield from _gather(client, as_completed, align_pair, pairs, out_dir, formats, per_pair)


def run(pairs: list[Pair], out_dir: Path, formats: list[str], workers: int | None = None,
        dask: str | None = None, per_pair: PerPair = PerPair()) -> Iterator[dict]:
    """Report entries of the pairs, in the order they finish: on the Dask scheduler
    at address `dask` if given, else in `workers` local processes (default: one per core)."""
    if dask:
        return run_dask(pairs, out_dir, formats, dask, per_pair)
    return run_local(pairs, out_dir, formats, workers or os.cpu_count() or 1, per_pair)


def succeeded(entries: Iterable[dict], unpaired: Iterable[dict] = ()) -> bool:
    """Every pair done, and no file left out because the pairing could not tell its partner."""
    return all(e["status"] in DONE for e in entries) and not any(u["why"] in FAILING for u in unpaired)


def write_report(path: Path, entries: list[dict], unpaired: list[dict], excluded: dict | None = None) -> dict:
    """OUT_DIR/report.json: every pair (sorted by id), the status counts, the unpaired files,
    and (when OUT_DIR is inside IN_DIR) the output folder's files not read as inputs."""
    pairs = sorted(entries, key=lambda e: e["id"])
    report = {"counts": dict(sorted(Counter(e["status"] for e in pairs).items())), "pairs": pairs, "unpaired": unpaired}
    if excluded:
        report["excluded"] = excluded
    atomic_write(path, partial(write_json, report))
    return report
