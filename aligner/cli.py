"""Command line: a thin typer layer over the library API.

Every command reads its inputs, calls one library function and writes the
result; errors the user can fix are one line on stderr and exit code 2.
"""
from __future__ import annotations

import functools
import gc
import json
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from .align import align_documents, prepare_pair
from .evaluate import evaluate, load_beads
from .guard import check_same_document
from .lexicon import load as load_lexicon
from .read import InputError, lines_of, read_file, read_pair
from .segment import segment as segment_lines
from .write import WRITERS, Writer, atomic_write, write_moses

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Align the Chinese and Arabic versions of UN documents, sentence by sentence.",
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


FORMATS = ("tsv", "jsonl", "tmx", "moses")


def fail(message: str, code: int = 2) -> None:
    """One clear line on stderr, then exit."""
    _stderr().print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _formats_for(output: str, fmt: Optional[str]) -> list[str]:
    """The formats asked for: --format (several comma-separated), else the output's extension."""
    if fmt:
        kinds = list(dict.fromkeys(k.strip().lower() for k in fmt.split(",")))
        unknown = [k for k in kinds if k not in FORMATS]
        if unknown:
            fail(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
        return kinds
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix in WRITERS:
        return [suffix]
    if output == "-":
        return ["tsv"]
    fail(f"cannot tell the format from {output!r}; use --format {'|'.join(FORMATS)}")
    return []  # unreachable


def _targets(kinds: list[str], output: str, tmx_writer: Writer) -> list[tuple[str, Writer]]:
    """(path, writer) of every file to write.

    One format is written to `output` itself. Several formats, or Moses (a
    file per language), take `output` as a prefix: PREFIX.tsv, PREFIX.zh, ...
    """
    as_prefix = len(kinds) > 1 or kinds == ["moses"]
    if as_prefix and output == "-":
        fail("this writes several files: give -o PREFIX, not standard output")
    writers = {**WRITERS, "tmx": tmx_writer}
    targets: list[tuple[str, Writer]] = []
    for kind in kinds:
        if kind == "moses":
            targets += [(f"{output}.{lang}", partial(write_moses, lang=lang)) for lang in ("zh", "ar")]
        else:
            targets.append((f"{output}.{kind}" if as_prefix else output, writers[kind]))
    return targets


def _check_output(output: str) -> None:
    """Refuse an output path that cannot be written, before doing any work."""
    if output == "-":
        return
    parent = Path(output).resolve().parent
    if not parent.is_dir():
        fail(f"{output}: the folder {parent} does not exist")
    if Path(output).is_dir():
        fail(f"{output}: is a directory")
    import os

    if not os.access(parent, os.W_OK):
        fail(f"{output}: the folder {parent} is not writable")


@app.command()
def align(
    zh_file: Path = typer.Argument(..., help="Chinese version (plain text)."),
    ar_file: Path = typer.Argument(..., help="Arabic version (plain text)."),
    output: str = typer.Option("-", "-o", "--output", help="Output file ('-' for standard output), or prefix for several files."),
    fmt: Optional[str] = typer.Option(
        None, "--format", "-f",
        help="tsv, jsonl, tmx or moses, or several comma-separated with -o PREFIX (default: from the extension).",
    ),
    min_score: Optional[float] = typer.Option(
        None, "--min-score", min=0.0, max=1.0, help="Keep only beads scoring at least this (one-sided beads score 0).",
    ),
    zh_lang: str = typer.Option("zh-CN", "--zh-lang", help="TMX language code of the Chinese side."),
    ar_lang: str = typer.Option("ar", "--ar-lang", help="TMX language code of the Arabic side."),
    src: str = typer.Option("zh", "--src", help="TMX source language: zh or ar."),
    document: str = typer.Option("", "--document", help="Document symbol for the TMX x-document property, e.g. S/PV.7050."),
    drop_unaligned: bool = typer.Option(False, "--drop-unaligned", help="Omit beads with one side empty."),
    no_recover: bool = typer.Option(False, "--no-recover", help="Skip recovery of displaced text (monotone only)."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write the moved beads as JSON to this file."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No summary on stderr."),
    encoding_zh: Optional[str] = typer.Option(None, "--encoding-zh", help="Encoding of the Chinese file (default: detected)."),
    encoding_ar: Optional[str] = typer.Option(None, "--encoding-ar", help="Encoding of the Arabic file (default: detected)."),
    force: bool = typer.Option(False, "--force", help="Align even when the two files look like different documents."),
) -> None:
    """Align a Chinese and an Arabic document; write TSV, JSONL, TMX or Moses bitext."""
    if src not in ("zh", "ar"):
        fail(f"--src must be zh or ar, not {src!r}")
    tmx_writer = partial(WRITERS["tmx"], zh_lang=zh_lang, ar_lang=ar_lang, src=src, document=document)
    targets = _targets(_formats_for(output, fmt), output, tmx_writer)
    for path, _ in targets:
        _check_output(path)
    if report:
        _check_output(str(report))
    try:
        (zh_text, zh_enc), (ar_text, ar_enc) = read_pair(zh_file, ar_file, encoding_zh, encoding_ar)
    except InputError as e:
        fail(str(e))

    def check() -> None:
        mismatch = None if force else check_same_document(zh_text, ar_text)
        if mismatch:
            fail(f"{zh_file} and {ar_file}: {mismatch} (--force aligns them anyway)")

    lexicon = load_lexicon()
    result = align_documents(*prepare_pair(zh_text, ar_text, lexicon, meanwhile=check), lexicon, not no_recover)
    beads = [b for b in result.beads if b.zh and b.ar] if drop_unaligned else result.beads
    if min_score is not None:
        beads = [b for b in beads if b.score >= min_score]
    warnings: list[str] = []
    for path, writer in targets:
        atomic_write(path, lambda f, write=writer: warnings.extend(write(beads, f) or ()))
    if report:
        atomic_write(report, lambda f: f.write(json.dumps(result.moves, ensure_ascii=False, indent=1) + "\n"))
    if not quiet:
        _print_summary(result.summary(), {"zh": zh_enc, "ar": ar_enc})
        for warning in warnings:
            _stderr().print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)


def _print_summary(summary: dict, encodings: dict) -> None:
    table = _table(title="alignment", show_header=False, box=None)
    table.add_row("turns (zh / ar / aligned)", f"{summary['turns_zh']} / {summary['turns_ar']} / {summary['turns_aligned']}")
    table.add_row("beads", str(summary["beads"]))
    table.add_row("by type", ", ".join(f"{k}: {v}" for k, v in summary["by_type"].items()))
    table.add_row("unaligned (zh / ar)", f"{summary['unaligned_zh']} / {summary['unaligned_ar']}")
    table.add_row("moved beads (Arabic out of source order)", str(summary["moved"]))
    table.add_row("mean score", f"{summary['mean_score']:.3f}")
    table.add_row("encodings", f"zh {encodings['zh']}, ar {encodings['ar']}")
    _stderr().print(table)


@app.command()
def segment(
    file: Path = typer.Argument(..., help="A Chinese or Arabic text file."),
    lang: str = typer.Option(..., "--lang", "-l", help="zh or ar."),
    jsonl: bool = typer.Option(False, "--jsonl", help="One JSON object per segment, with line numbers."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Encoding of the file (default: detected)."),
) -> None:
    """Print the segments (sentences and speaker headings) of one file."""
    if lang not in ("zh", "ar"):
        fail(f"--lang must be zh or ar, not {lang!r}")
    try:
        text, _ = read_file(file, lang, encoding)
    except InputError as e:
        fail(str(e))
    out = sys.stdout
    for seg in segment_lines(lines_of(text), lang):
        if jsonl:
            out.write(json.dumps({"text": seg.text, "kind": seg.kind, "lines": list(seg.lines)}, ensure_ascii=False) + "\n")
        else:
            out.write(("# " if seg.kind == "heading" else "") + seg.text + "\n")


@app.command()
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
    result = evaluate(gold_pairs, pred_pairs, zh_text, ar_text)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=1))
        return
    table = _table("", "precision", "recall", "F1", "correct", "predicted", "gold", title="alignment score")
    for name, prf in (("links", result.links), ("beads", result.beads)):
        table.add_row(name, f"{prf.precision:.4f}", f"{prf.recall:.4f}", f"{prf.f1:.4f}",
                      str(prf.correct), str(prf.predicted), str(prf.gold))
    _stdout().print(table)


_STATUS_STYLE = {"ok": "green", "skipped": "dim", "mismatch": "yellow", "error": "red"}


def _pair_line(entry: dict) -> str:
    """One pair's outcome, printed as it finishes."""
    detail = entry["error"] or f"{entry['beads']} beads, mean score {entry['mean_score']:.3f}"
    status = entry["status"]
    return f"[{_STATUS_STYLE[status]}]{status:<8}[/] {_escape(entry['id'])}: {_escape(detail)} ({entry['seconds']} s)"


def _align_with_progress(results: Iterator[dict], total: int) -> list[dict]:
    """Drain the batch's results under a progress bar, one status line per pair."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    entries = []
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=_stderr()) as progress:
        task = progress.add_task("aligning", total=total)
        for entry in results:
            progress.console.print(_pair_line(entry), highlight=False, soft_wrap=True)
            progress.advance(task)
            entries.append(entry)
    return entries


def _print_batch_summary(report: dict, path: Path) -> None:
    from . import batch as batching

    table = _table("status", "pairs", "beads", "seconds", title="batch")
    for status, count in report["counts"].items():
        done = [e for e in report["pairs"] if e["status"] == status]
        beads = sum(e["beads"] or 0 for e in done)
        seconds = sum(e["seconds"] or 0 for e in done)
        table.add_row(f"[{_STATUS_STYLE[status]}]{status}[/]", str(count), str(beads or ""), f"{seconds:.1f}" if seconds else "")
    _stderr().print(table)
    for e in report["pairs"]:
        if e["status"] not in batching.DONE:
            line = f"[{_STATUS_STYLE[e['status']]}]{e['status']}[/] {_escape(e['id'])}: {_escape(e['error'])}"
            _stderr().print(line, highlight=False, soft_wrap=True)
    for u in report["unpaired"]:
        _stderr().print(f"[yellow]unpaired[/] {_escape(u['file'])}: {_escape(u['reason'])}", highlight=False, soft_wrap=True)
    _stderr().print(f"report: {_escape(str(path))}", highlight=False, soft_wrap=True)


@app.command()
def batch(
    in_dir: Path = typer.Argument(..., help="Folder of Chinese and Arabic files (subfolders included)."),
    out_dir: Path = typer.Option(..., "-o", "--output", help="Folder for <id>.<format> per pair and report.json."),
    fmt: str = typer.Option("tsv", "--format", "-f", help=f"Output formats, comma-separated: {', '.join(WRITERS)}."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: one per core)."),
    manifest: Optional[Path] = typer.Option(
        None, "--manifest", help="TSV of zh_path, ar_path[, id] (paths relative to IN_DIR): align these pairs instead."),
    force: bool = typer.Option(False, "--force", help="Align again the pairs whose outputs all exist."),
    dask: Optional[str] = typer.Option(
        None, "--dask", help="Run the pairs on this Dask scheduler, e.g. tcp://host:8786 (needs the dask extra)."),
) -> None:
    """Align every Chinese–Arabic pair in a folder: OUT_DIR/<id>.<format> and OUT_DIR/report.json.

    Files pair by language tag (_zh/_ar, -zh/-ar, .zh./.ar., _C/_A) and by the
    document symbol in the name or on the first page. Pairs already done are
    skipped. Exit code 0 when every pair is aligned or skipped, 1 otherwise.
    """
    from . import batch as batching  # imported here: `aligner align` starts faster without it

    if not in_dir.is_dir():
        fail(f"{in_dir}: no such folder")
    try:
        kinds = batching.parse_formats(fmt)
        pairs, unpaired = batching.collect_pairs(in_dir, manifest, exclude=out_dir)
    except InputError as e:
        fail(str(e))
    if not pairs:
        fail(f"{in_dir}: no Chinese–Arabic pair found ({len(unpaired)} files without a partner)")
    out_dir = out_dir.resolve()  # workers, local or on a cluster, do not share our working directory
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail(f"{out_dir}: cannot create the folder ({e.strerror})")
    todo, entries = batching.plan(pairs, out_dir, kinds, force)
    try:
        entries += _align_with_progress(batching.run(todo, out_dir, kinds, jobs, dask), len(todo))
    except InputError as e:
        fail(str(e))
    path = out_dir / batching.REPORT
    _print_batch_summary(batching.write_report(path, entries, unpaired), path)
    raise typer.Exit(0 if batching.succeeded(entries) else 1)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aligner {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Chinese–Arabic aligner for United Nations documents."""


def run() -> None:
    """The console entry point. On the way out the garbage collector is frozen: the
    interpreter's last full collection, over the lexicon and its caches, would cost
    tens of milliseconds and free nothing that matters (every output is closed)."""
    try:
        app(prog_name="aligner")
    finally:
        gc.freeze()
