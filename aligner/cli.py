"""Command line: a thin typer layer over the library API.

Every command reads its inputs, calls one library function and writes the
result; errors the user can fix are one line on stderr and exit code 2.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .align import align_documents, prepare
from .lexicon import load as load_lexicon
from .read import InputError, lines_of, read_file
from .segment import segment as segment_lines
from .write import WRITERS, atomic_write

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Align the Chinese and Arabic versions of UN documents, sentence by sentence.",
)
err = Console(stderr=True)

FORMATS = ("tsv", "jsonl")


def fail(message: str, code: int = 2) -> None:
    """One clear line on stderr, then exit."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _format_for(output: str, fmt: Optional[str]) -> str:
    if fmt:
        if fmt not in FORMATS:
            fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if output == "-":
        return "tsv"
    fail(f"cannot tell the format from {output!r}; use --format {'|'.join(FORMATS)}")
    return ""  # unreachable


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
    output: str = typer.Option("-", "-o", "--output", help="Output file; '-' for standard output."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="tsv or jsonl (default: from the extension)."),
    drop_unaligned: bool = typer.Option(False, "--drop-unaligned", help="Omit beads with one side empty."),
    no_recover: bool = typer.Option(False, "--no-recover", help="Skip recovery of displaced text (monotone only)."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write the moved fragments as JSON to this file."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No summary on stderr."),
) -> None:
    """Align a Chinese and an Arabic document; write TSV or JSONL bitext."""
    kind = _format_for(output, fmt)
    _check_output(output)
    if report:
        _check_output(str(report))
    try:
        zh_text, zh_enc = read_file(zh_file, "zh")
        ar_text, ar_enc = read_file(ar_file, "ar")
    except InputError as e:
        fail(str(e))
    lexicon = load_lexicon()
    result = align_documents(prepare(zh_text, "zh", lexicon), prepare(ar_text, "ar", lexicon), lexicon, not no_recover)
    beads = [b for b in result.beads if b.zh and b.ar] if drop_unaligned else result.beads
    atomic_write(output, lambda f: WRITERS[kind](beads, f))
    if report:
        atomic_write(report, lambda f: f.write(json.dumps(result.moves, ensure_ascii=False, indent=1) + "\n"))
    if not quiet:
        _print_summary(result.summary(), {"zh": zh_enc, "ar": ar_enc})


def _print_summary(summary: dict, encodings: dict) -> None:
    table = Table(title="alignment", show_header=False, box=None)
    table.add_row("turns (zh / ar / aligned)", f"{summary['turns_zh']} / {summary['turns_ar']} / {summary['turns_aligned']}")
    table.add_row("beads", str(summary["beads"]))
    table.add_row("by type", ", ".join(f"{k}: {v}" for k, v in summary["by_type"].items()))
    table.add_row("unaligned (zh / ar)", f"{summary['unaligned_zh']} / {summary['unaligned_ar']}")
    table.add_row("moved fragments", str(summary["moved"]))
    table.add_row("mean score", f"{summary['mean_score']:.3f}")
    table.add_row("encodings", f"zh {encodings['zh']}, ar {encodings['ar']}")
    err.print(table)


@app.command()
def segment(
    file: Path = typer.Argument(..., help="A Chinese or Arabic text file."),
    lang: str = typer.Option(..., "--lang", "-l", help="zh or ar."),
    jsonl: bool = typer.Option(False, "--jsonl", help="One JSON object per segment, with line numbers."),
) -> None:
    """Print the segments (sentences and speaker headings) of one file."""
    if lang not in ("zh", "ar"):
        fail(f"--lang must be zh or ar, not {lang!r}")
    try:
        text, _ = read_file(file, lang)
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
    table = Table("entry", "kind", "zh", "ar", "in zh", "in ar")
    for i in sorted(set(zh_ids) | set(ar_ids), key=lambda i: (i not in zh_ids or i not in ar_ids, i)):
        e = lex.entries[i]
        table.add_row(str(i), e.kind, e.zh, e.ar, "yes" if i in zh_ids else "", "yes" if i in ar_ids else "")
    Console().print(table)
    shared = len(set(zh_ids) & set(ar_ids))
    Console().print(f"{shared} shared, {len(set(zh_ids)) - shared} only in zh, {len(set(ar_ids)) - shared} only in ar")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aligner {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Chinese–Arabic aligner for United Nations documents."""
