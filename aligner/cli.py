"""Command line: a thin typer layer over the library API.

Every command reads its inputs, calls one library function and writes the
result; errors the user can fix are one line on stderr and exit code 2.
"""
from __future__ import annotations

import errno
import functools
import gc
import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Optional

import typer

from . import __version__, cache
from .align import Progress
from .errors import OutputError
from .evaluate import evaluate, load_beads
from .layout import explain as explain_reading
from .layout import read as read_layout
from .lexicon import load as load_lexicon
from .options import DropUnaligned, Format, MinScore, Normalise, OutputPath, Quiet, shared_options
from .outputs import Output, check_outputs, check_writable
from .pipeline import (
    ReadOptions,
    WriteOptions,
    moves_in,
    output_targets,
    parse_formats,
    read_and_align,
    refusal,
    write_all,
)
from .read import InputError, read_file, read_source
from .records import read_jsonl, records
from .review import read_decisions
from .segment import segment as segment_reading

EXIT_CODES = ("Exit codes: 0 all done; 1 some pairs failed or files left out as ambiguous (batch); "
              "2 usage or input error (one line on stderr); "
              "130 interrupted (Ctrl-C), 143 terminated (SIGTERM); 141 standard output closed early.")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Align the Chinese and Arabic versions of UN documents, sentence by sentence.",
    epilog=EXIT_CODES,
)


@functools.cache
def _stderr():
    """The rich console on stderr: rich is imported only when something is shown (not under -q)."""
    from rich.console import Console

    return Console(stderr=True)


def _escape(text: str) -> str:
    """Text shown as is in a rich markup line."""
    from rich.markup import escape

    return escape(text)


def _table(*columns: str, **options):
    """A rich table (imported when one is shown)."""
    from rich.table import Table

    return Table(*columns, **options)


def _stdout():
    """A rich console on stdout, for the commands whose output is a table."""
    from rich.console import Console

    return Console()


def fail(message: str, code: int = 2) -> None:
    """One clear line on stderr, then exit."""
    _stderr().print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _warn(message: str) -> None:
    _stderr().print(f"[yellow]warning:[/] {_escape(message)}", highlight=False, soft_wrap=True)


def _discard_stdout() -> None:
    """What is left in the standard output's buffer goes nowhere: the interpreter flushes it
    on the way out, and a pipe closed or a disk full would say so with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass


def _output_failed(e: OutputError) -> None:
    """An output that could not be written (a full disk): one line, exit code 2."""
    _discard_stdout()
    fail(_escape(str(e)))


_WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)  # a full disk, a quota, a file too big, a failing disk


def _stdout_may_close(command):
    """A closed standard output (`aligner align ZH AR | head -1`) ends the command quietly with
    the status of a process killed by SIGPIPE (141), never a traceback or a misleading status;
    standard output on a full disk (`aligner segment FILE > full/x`) fails with one line."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            sys.stdout.flush()
            return result
        except BrokenPipeError:
            _discard_stdout()
            raise typer.Exit(128 + signal.SIGPIPE) from None
        except OSError as e:
            if e.filename is not None or e.errno not in _WRITE_ERRORS:
                raise  # not a failed write to standard output
            _output_failed(OutputError(f"standard output: cannot write ({e.strerror or e})"))

    return wrapper


STAGES = ("reading", "segmenting", "aligning turns", "recovery", "writing")


@contextmanager
def _progress_display(shown: bool) -> Iterator[Optional[Progress]]:
    """A progress callback drawing one rich bar per stage on stderr, or None when not `shown`.

    Refreshed on each call, never by a thread: with no other thread running,
    the Arabic of a long pair can still be prepared in a forked child."""
    if not shown:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bars

    columns = (TextColumn(f"{{task.description:<{max(map(len, STAGES))}}}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Bars(*columns, console=_stderr(), auto_refresh=False) as bars:
        tasks: dict[str, int] = {}

        def show(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)
            bars.refresh()

        yield show


def _progress_wanted(quiet: bool) -> bool:
    """A progress display only for a person watching: stderr a terminal, no -q."""
    return not quiet and sys.stderr.isatty()


@app.command(epilog=EXIT_CODES)
@_stdout_may_close
@shared_options(read=True, write=True, document=True)
def align(
    zh_file: Path = typer.Argument(..., help="Chinese version (plain text)."),
    ar_file: Path = typer.Argument(..., help="Arabic version (plain text)."),
    output: OutputPath = "-",
    fmt: Format = None,
    report: Optional[Path] = typer.Option(
        None, "--report",
        help="Write the moved beads as JSON to this file; their `bead` numbers are 0-based indices into the beads written."),
    quiet: Quiet = False,
    *,
    reading: ReadOptions,
    writing: WriteOptions,
) -> None:
    """Align a Chinese and an Arabic document; write TSV, JSONL, TMX, Moses bitext or the HTML review page."""
    try:
        writing.check()
        targets = output_targets(output, parse_formats(fmt) if fmt else None, zh_file)
        planned = [Output("-o", str(path)) for path, _ in targets] + ([Output("--report", str(report))] if report else [])
        check_outputs(planned, [str(zh_file), str(ar_file)])
    except InputError as e:
        fail(str(e))
    cache.check()
    with _progress_display(_progress_wanted(quiet)) as progress:
        try:
            result, encodings = read_and_align(zh_file, ar_file, reading, progress=progress)
        except InputError as e:
            fail(refusal(e))  # a check raised it: the line says how to override it
        recs = writing.kept(records(result.beads))
        try:
            warnings = write_all(targets, recs, writing.source(zh_file.name, ar_file.name), progress,
                                 moves=(report, moves_in(recs, result)) if report else None)
        except OutputError as e:
            _output_failed(e)
    if not quiet:
        filtered = writing.min_score is not None or writing.drop_unaligned
        _print_summary(result.summary([r["score"] for r in recs]), len(recs) if filtered else None, encodings)
        for note in result.notes:  # what the reader did to the input (visual-order Arabic restored, ...)
            _stderr().print(f"[cyan]note:[/] {_escape(note)}", highlight=False, soft_wrap=True)
        _warn_about_cache()
    for warning in warnings:  # about the written output: shown under -q too
        _warn(warning)


def _warn_about_cache() -> None:
    """Say once (not under -q) that the cache folder could not be used: runs are slower for it."""
    message = cache.warning()
    if message:
        _warn(message)


def _print_summary(summary: dict, written: Optional[int], encodings: dict) -> None:
    table = _table(title="alignment", show_header=False, box=None)
    table.add_row("turns (zh / ar / aligned)", f"{summary['turns_zh']} / {summary['turns_ar']} / {summary['turns_aligned']}")
    table.add_row("beads", str(summary["beads"]))
    if written is not None:
        table.add_row("beads written", str(written))
    table.add_row("by type", ", ".join(f"{k}: {v}" for k, v in summary["by_type"].items()))
    table.add_row("unaligned (zh / ar)", f"{summary['unaligned_zh']} / {summary['unaligned_ar']}")
    table.add_row("moved beads (Arabic out of source order)", str(summary["moved"]))
    table.add_row("moved passages (runs of moved beads)", str(summary["moved_passages"]))
    table.add_row("page furniture lines dropped (zh / ar)", f"{summary['furniture_zh']} / {summary['furniture_ar']}")
    table.add_row("mean score", f"{summary['mean_score']:.3f}")
    table.add_row("encodings", f"zh {encodings['zh']}, ar {encodings['ar']}")
    _stderr().print(table)


@app.command(epilog=EXIT_CODES)
@_stdout_may_close
def convert(
    alignment: Path = typer.Argument(..., help="An alignment in JSONL, as `aligner align` writes it."),
    output: OutputPath = "-",
    fmt: Format = None,
    min_score: MinScore = None,
    drop_unaligned: DropUnaligned = False,
    normalise: Normalise = False,
    decisions: Optional[Path] = typer.Option(
        None, "--decisions", help="Decisions downloaded from the HTML review page: the beads rejected there are left out."),
    zh_lang: Optional[str] = typer.Option(None, "--zh-lang", help="TMX language code of the Chinese side (default: as aligned)."),
    ar_lang: Optional[str] = typer.Option(None, "--ar-lang", help="TMX language code of the Arabic side (default: as aligned)."),
    src: Optional[str] = typer.Option(None, "--src", help="TMX source language: zh or ar (default: as aligned)."),
    document: Optional[str] = typer.Option(None, "--document", help="Document symbol for TMX and the page (default: as aligned)."),
    quiet: Quiet = False,
) -> None:
    """Write an alignment again in another format, without aligning: after review, or with other options."""
    inputs = [str(alignment), *([str(decisions)] if decisions else [])]
    try:
        targets = output_targets(output, parse_formats(fmt) if fmt else None, alignment)
        check_outputs([Output("-o", str(path)) for path, _ in targets], inputs)
        info, recs = read_jsonl(alignment)
        given = {"zh_lang": zh_lang, "ar_lang": ar_lang, "src": src, "document": document}
        info = replace(info, **{k: v for k, v in given.items() if v is not None})
        writing = WriteOptions(min_score, drop_unaligned, info.zh_lang, info.ar_lang, info.src, info.document, normalise)
        writing.check()
        rejected = read_decisions(decisions, info, recs, alignment) if decisions else set()
    except InputError as e:
        fail(str(e))
    kept = writing.kept(r for r in recs if r["id"] not in rejected)
    try:
        warnings = write_all(targets, kept, info)
    except OutputError as e:
        _output_failed(e)
    if not quiet:
        _stderr().print(f"{len(kept)} of {len(recs)} beads written ({len(rejected)} rejected in review)", highlight=False)
    for warning in warnings:  # about the written output: shown under -q too
        _warn(warning)


@app.command()
@_stdout_may_close
def segment(
    file: Path = typer.Argument(..., help="A Chinese or Arabic text, PDF or DOCX file."),
    lang: Optional[str] = typer.Option(None, "--lang", "-l", help="zh or ar (default: told from the text)."),
    jsonl: bool = typer.Option(False, "--jsonl", help="One JSON object per segment, with line numbers."),
    explain: bool = typer.Option(False, "--explain", help="Show each segment's source lines (and, for a PDF or DOCX, page "
                                 "and column), the joins made and the lines dropped."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Encoding of the file (default: detected)."),
) -> None:
    """Print the segments (sentences and speaker headings) of one file."""
    if lang not in (None, "zh", "ar"):
        fail(f"--lang must be zh or ar, not {lang!r}")
    try:
        text, _, lang, document = read_source(file, lang, encoding)
        reading = read_layout(text, lang)
    except InputError as e:
        fail(str(e))
    out = sys.stdout
    segments = segment_reading(reading, lang)
    if explain:
        if document is not None:
            out.write(f"read: {document.describe()}\n")
            out.writelines(f"  - {entry.describe()}\n" for entry in document.left_out)
        out.write(explain_reading(reading, segments, document.where if document is not None else None))
        return
    for seg in segments:
        if jsonl:
            out.write(json.dumps({"text": seg.text, "kind": seg.kind, "lines": list(seg.lines)}, ensure_ascii=False) + "\n")
        else:
            out.write(("# " if seg.kind == "heading" else "") + seg.text + "\n")


@app.command()
@_stdout_may_close
def lexicon(
    zh_sentence: str = typer.Argument(..., help="A Chinese sentence."),
    ar_sentence: str = typer.Argument(..., help="An Arabic sentence."),
) -> None:
    """Show the lexicon entries found in each sentence and which ones match."""
    lex = load_lexicon()
    zh_ids, ar_ids = lex.zh_ids(zh_sentence), lex.ar_ids(ar_sentence)
    table = _table("entry", "kind", "zh", "ar", "in zh", "in ar")
    for i in sorted(set(zh_ids) | set(ar_ids), key=lambda i: (i not in zh_ids or i not in ar_ids, i)):
        e = lex.entries[i]
        table.add_row(str(i), e.kind, e.zh, e.ar, "yes" if i in zh_ids else "", "yes" if i in ar_ids else "")
    _stdout().print(table)
    shared = len(set(zh_ids) & set(ar_ids))
    _stdout().print(f"{shared} shared, {len(set(zh_ids)) - shared} only in zh, {len(set(ar_ids)) - shared} only in ar")


def _source_text(path: Optional[Path], lang: str) -> Optional[str]:
    return read_file(path, lang)[0] if path else None


@app.command()
@_stdout_may_close
def score(
    gold: Path = typer.Option(..., "--gold", help="Reference alignment (.jsonl or .tsv, as `align` writes them)."),
    pred: Path = typer.Option(..., "--pred", help="Alignment to evaluate (.jsonl or .tsv)."),
    zh_src: Optional[Path] = typer.Option(None, "--zh-src", help="Chinese source text (default: the gold's own text)."),
    ar_src: Optional[Path] = typer.Option(None, "--ar-src", help="Arabic source text (default: the gold's own text)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score an alignment against a gold one: link and bead precision, recall and F1."""
    try:
        gold_pairs, pred_pairs = load_beads(gold), load_beads(pred)
        zh_text, ar_text = _source_text(zh_src, "zh"), _source_text(ar_src, "ar")
    except InputError as e:
        fail(str(e))
    try:
        result = evaluate(gold_pairs, pred_pairs, zh_text, ar_text)
    except InputError as e:
        fail(f"{pred}: {e}")
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=1))
        return
    table = _table("", "precision", "recall", "F1", "correct", "predicted", "gold", title="alignment score")
    for name, prf in (("links", result.links), ("beads", result.beads)):
        table.add_row(name, f"{prf.precision:.4f}", f"{prf.recall:.4f}", f"{prf.f1:.4f}",
                      str(prf.correct), str(prf.predicted), str(prf.gold))
    _stdout().print(table)


_STATUS_STYLE = {"ok": "green", "skipped": "dim", "mismatch": "yellow", "error": "red", "interrupted": "magenta"}


def _pair_line(entry: dict) -> str:
    """One pair's outcome, printed as it finishes."""
    detail = entry["error"] or f"{entry['beads']} beads, mean score {entry['mean_score']:.3f}"
    if entry.get("realigned"):
        detail += f"; aligned again: {entry['realigned']}"
    status = entry["status"]
    return f"[{_STATUS_STYLE[status]}]{status:<8}[/] {_escape(entry['id'])}: {_escape(detail)} ({entry['seconds']} s)"


def _align_with_progress(results: Iterator[dict], total: int, entries: list[dict]) -> None:
    """Drain the batch's results under a progress bar into `entries`, one status line per pair."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=_stderr()) as progress:
        task = progress.add_task("aligning", total=total)
        for entry in results:
            progress.console.print(_pair_line(entry), highlight=False, soft_wrap=True)
            progress.advance(task)
            entries.append(entry)


def _print_batch_summary(report: dict, path: Path, quiet: bool) -> None:
    """What the batch did, on stderr. Without -q: the table of statuses, every pair not done,
    every file left out, the writers' warnings and the report's path. Under -q, on success only
    the warnings; when the batch failed, what made it fail and the report's path."""
    from . import batch as batching

    failed = not batching.succeeded(report["pairs"], report["unpaired"])
    if not quiet:
        table = _table("status", "pairs", "beads", "seconds", title="batch")
        for status, count in report["counts"].items():
            done = [e for e in report["pairs"] if e["status"] == status]
            beads = sum(e["beads"] or 0 for e in done)
            seconds = sum(e["seconds"] or 0 for e in done)
            table.add_row(f"[{_STATUS_STYLE[status]}]{status}[/]", str(count), str(beads or ""), f"{seconds:.1f}" if seconds else "")
        _stderr().print(table)
    told = not quiet or failed  # under -q, a successful batch says nothing but its warnings
    lines = [f"[{_STATUS_STYLE[e['status']]}]{e['status']}[/] {_escape(e['id'])}: {_escape(e['error'])}"
             for e in report["pairs"] if told and e["status"] not in batching.DONE]
    lines += [f"[yellow]{u['why']}[/] {_escape(u['file'])}: {_escape(u['reason'])}" for u in report["unpaired"]
              if not quiet or failed and u["why"] in batching.FAILING]
    for line in lines:
        _stderr().print(line, highlight=False, soft_wrap=True)
    for e in report["pairs"]:
        for warning in e["warnings"] if e["status"] == "ok" else ():  # about the output written now: shown under -q too
            _warn(f"{e['id']}: {warning}")
    if told:
        _stderr().print(f"report: {_escape(str(path))}", highlight=False, soft_wrap=True)


def _no_pair(in_dir: Path, unpaired: list[dict]) -> str:
    """The error when nothing pairs: each file and why it has no partner."""
    def name(file: str) -> str:
        p = Path(file)
        return str(p.relative_to(in_dir.resolve())) if p.is_relative_to(in_dir.resolve()) else file

    files = "; ".join(f"{name(u['file'])}: {u['reason']}" for u in unpaired) or "the folder holds no file"
    return f"{in_dir}: no Chinese–Arabic pair found. {files}"


@app.command(epilog=EXIT_CODES)
@shared_options(read=True, write=True)
def batch(
    in_dir: Path = typer.Argument(..., help="Folder of Chinese and Arabic files (subfolders included)."),
    out_dir: Path = typer.Option(
        ..., "-o", "--output", help="Folder for <id>.<format> per pair (<id>.zh and <id>.ar for Moses) and report.json."),
    fmt: Format = None,
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: one per core)."),
    manifest: Optional[Path] = typer.Option(
        None, "--manifest", help="TSV of zh_path, ar_path[, id] (paths relative to IN_DIR): align these pairs instead."),
    redo: bool = typer.Option(False, "--redo", help="Align again the pairs whose outputs all exist."),
    dask: Optional[str] = typer.Option(
        None, "--dask", help="Run the pairs on this Dask scheduler, e.g. tcp://host:8786 (needs the dask extra)."),
    report: bool = typer.Option(
        False, "--report", help="Write each pair's moved beads to OUT_DIR/<id>.moves.json (0-based indices into its beads written)."),
    quiet: Quiet = False,
    *,
    reading: ReadOptions,
    writing: WriteOptions,
) -> None:
    """Align every Chinese–Arabic pair in a folder: OUT_DIR/<id>.<format> and OUT_DIR/report.json.

    Files pair by language (a tag in the name: _zh/_ar, -zh/-ar, .zh/.ar, _C/_A,
    zh_/ar-, zh.txt/ar.txt; else the letters of the text) and by document (the
    symbol in the name or on the first page). Only text files are paired (.txt,
    .md, no extension); every other file is listed in the report with why. Pairs
    already done are skipped. Each pair's symbol goes into its TMX x-document.
    """
    from . import batch as batching  # imported here: `aligner align` starts faster without it

    if in_dir.is_file():
        fail(f"{in_dir}: is a file; give the folder that holds the pairs")
    if not in_dir.is_dir():
        fail(f"{in_dir}: no such folder")
    if out_dir.is_file():
        fail(f"{out_dir}: is a file, not a folder")
    try:
        kinds = parse_formats(fmt or "tsv")
        writing.check()
        per_pair = batching.PerPair(reading, writing, report)
        excluded = batching.check_folders(in_dir, out_dir)
        pairs, unpaired = batching.collect_pairs(in_dir, manifest, exclude=out_dir)
    except InputError as e:
        fail(str(e))
    if excluded and excluded["files"] and not quiet:
        _stderr().print(f"note: {_escape(excluded['folder'])} is inside {_escape(str(in_dir))}: its "
                        f"{excluded['files']} files are outputs and never read as inputs", highlight=False, soft_wrap=True)
    if not pairs:
        fail(_no_pair(in_dir, unpaired))
    out_dir = out_dir.resolve()  # workers, local or on a cluster, do not share our working directory
    path = out_dir / batching.REPORT
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail(f"{out_dir}: cannot create the folder ({e.strerror})")
    try:
        check_writable(str(path))
        pairs, entries = batching.refuse_clashes(pairs, unpaired, out_dir, kinds, report)
    except InputError as e:
        fail(str(e))
    todo, skipped = batching.plan(pairs, out_dir, kinds, redo, report)
    if not quiet:
        cache.check()  # the workers use the cache; the warning is said here, once
        _warn_about_cache()
    entries += skipped
    before = len(entries)
    try:
        with batching.stop_on_signals(), closing(batching.run(todo, out_dir, kinds, jobs, dask, per_pair)) as results:
            if quiet:
                entries.extend(results)
            else:
                _align_with_progress(results, len(todo), entries)
    except InputError as e:
        fail(str(e))
    except batching.Interrupted as stop:
        finished = len(entries) - before
        entries += batching.interrupted_entries(todo, entries, out_dir, kinds, report)
        _write_report(path, entries, unpaired, excluded)
        _stderr().print(f"interrupted by {stop}: {finished} of {len(todo)} pairs aligned, the rest marked "
                        f"interrupted in {_escape(str(path))}; run the same command again to resume",
                        highlight=False, soft_wrap=True)
        raise typer.Exit(128 + stop.signum) from None
    summary = _write_report(path, entries, unpaired, excluded)
    _print_batch_summary(summary, path, quiet)
    raise typer.Exit(0 if batching.succeeded(entries, unpaired) else 1)


def _write_report(path: Path, entries: list[dict], unpaired: list[dict], excluded: Optional[dict]) -> dict:
    from . import batch as batching

    report: dict = {}
    try:
        report = batching.write_report(path, entries, unpaired, excluded)
    except OutputError as e:  # a full disk: the report as it was, one line
        fail(_escape(str(e)))
    return report


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aligner {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Chinese–Arabic aligner for United Nations documents."""


_SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}  # 128 + the signal's number, as shells report it


def _interrupted(signum: int, frame: object) -> None:
    """Stop on Ctrl-C or SIGTERM with one line and the conventional status. SystemExit
    unwinds through every `finally` (no temp file left, a forked child stopped), and
    click does not turn it into its own "Aborted!" and status 1."""
    sys.stderr.write(f"aligner: interrupted by {signal.Signals(signum).name}\n")
    raise SystemExit(_SIGNAL_EXIT[signum])


def run() -> None:
    """The console entry point. On the way out the garbage collector is frozen: the
    interpreter's last full collection, over the lexicon and its caches, would cost
    tens of milliseconds and free nothing that matters (every output is closed)."""
    for signum in _SIGNAL_EXIT:
        signal.signal(signum, _interrupted)
    try:
        app(prog_name="aligner")
    finally:
        gc.freeze()
