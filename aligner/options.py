"""Command-line options shared by several commands, each defined once.

A command decorated with `@shared_options(read=True, write=True)` gets the
options that fill pipeline.ReadOptions and WriteOptions (same names, help,
checks and defaults in every command that takes them) and receives the two
dataclasses as its `reading` and `writing` arguments. `align` and `batch`
are built that way, so they cannot drift apart; a later command that reads or
writes alignments takes the same decorator. Options that are shared but not
part of a dataclass (-o, -q, --format) are single Annotated types.
"""
from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Annotated, Optional

import typer

from .pipeline import FORMATS, ReadOptions, WriteOptions

READ, WRITE = ReadOptions(), WriteOptions()  # the defaults

Quiet = Annotated[bool, typer.Option(
    "-q", "--quiet",
    help="Nothing on stderr when all goes well: no progress, no summary; warnings about the output and errors "
         "are still shown (batch: what failed, and the report's path).")]
Format = Annotated[Optional[str], typer.Option(
    "--format", "-f",
    help=f"{', '.join(FORMATS)}, or several comma-separated (align: default from the -o extension; batch: tsv).")]

OutputPath = Annotated[str, typer.Option(
    "-o", "--output",
    help="Output file ('-' for standard output); with several formats a prefix (x or x.tsv), or FOLDER/ for "
         "FOLDER/<input name>.<format>.")]
# Which beads are written, and how: in WriteOptions, and taken as they are by `convert`.
MinScore = Annotated[Optional[float], typer.Option(
    "--min-score", help="Keep only beads scoring at least this, from 0 to 1 (one-sided beads score 0).")]
DropUnaligned = Annotated[bool, typer.Option("--drop-unaligned", help="Omit beads with one side empty.")]
Normalise = Annotated[bool, typer.Option(
    "--normalise",
    help="Write the texts normalised as matching reads them (no zero-width or bidi marks, soft hyphens or tatweel; "
         "Arabic presentation forms and full-width Latin and digits folded) instead of verbatim.")]

# (parameter, type with its option, default) of each dataclass field, in the order --help lists them.
_Param = tuple[str, object, object]
WRITE_PARAMS: tuple[_Param, ...] = (
    ("min_score", MinScore, WRITE.min_score),
    ("drop_unaligned", DropUnaligned, WRITE.drop_unaligned),
    ("normalise", Normalise, WRITE.normalise),
    ("zh_lang", Annotated[str, typer.Option("--zh-lang", help="TMX language code of the Chinese side.")], WRITE.zh_lang),
    ("ar_lang", Annotated[str, typer.Option("--ar-lang", help="TMX language code of the Arabic side.")], WRITE.ar_lang),
    ("src", Annotated[str, typer.Option("--src", help="TMX source language: zh or ar.")], WRITE.src),
)
DOCUMENT_PARAM: _Param = (
    "document", Annotated[str, typer.Option(
        "--document", help="Document symbol for the TMX x-document property, e.g. S/PV.7050.")], WRITE.document)
READ_PARAMS: tuple[_Param, ...] = (
    ("no_recover", Annotated[bool, typer.Option(
        "--no-recover", help="Skip recovery of displaced text (monotone only).")], not READ.recover),
    ("encoding_zh", Annotated[Optional[str], typer.Option(
        "--encoding-zh", help="Encoding of the Chinese file(s) (default: detected).")], READ.encoding_zh),
    ("encoding_ar", Annotated[Optional[str], typer.Option(
        "--encoding-ar", help="Encoding of the Arabic file(s) (default: detected).")], READ.encoding_ar),
    ("force", Annotated[bool, typer.Option(
        "--force", help="Align even when the checks object: the two files look like different documents "
                        "or one incomplete, or a file is not all in its language (a Chinese text with an English annex).")],
     READ.force),
)


def _read_options(no_recover: bool, **fields) -> ReadOptions:
    return ReadOptions(recover=not no_recover, **fields)


def shared_options(*, read: bool = False, write: bool = False, document: bool = False) -> Callable:
    """Give a typer command the shared options: with `read` it receives `reading: ReadOptions`,
    with `write` `writing: WriteOptions` (with `document`, --document too; WriteOptions.check()
    is the command's to call, so that it reports a bad value its own way)."""
    groups: list[tuple[str, tuple[_Param, ...], Callable]] = []
    if read:
        groups.append(("reading", READ_PARAMS, _read_options))
    if write:
        groups.append(("writing", WRITE_PARAMS + ((DOCUMENT_PARAM,) if document else ()), WriteOptions))

    def decorate(command: Callable) -> Callable:
        hints = typing.get_type_hints(command, include_extras=True)
        own = [p.replace(annotation=hints[p.name]) for p in inspect.signature(command).parameters.values()
               if p.name not in {target for target, _, _ in groups}]
        added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=default)
                 for _, params, _ in groups for name, kind, default in params]

        @functools.wraps(command)
        def with_options(**values):
            for target, params, build in groups:
                values[target] = build(**{name: values.pop(name) for name, _, _ in params})
            return command(**values)

        del with_options.__wrapped__  # typer reads the signature below, not the command's
        with_options.__signature__ = inspect.Signature([*own, *added])
        with_options.__annotations__ = {p.name: p.annotation for p in (*own, *added)}
        return with_options

    return decorate
