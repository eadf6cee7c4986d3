"""Command-line options shared by several commands, each defined once.

A command declares `min_score: MinScore = WRITE.min_score` and gets the name,
help and checks every other command gets: `align` and `batch` (and any later
command that reads or writes alignments) cannot drift apart. The defaults are
those of the library's option dataclasses (pipeline.ReadOptions and
WriteOptions), and read_options() / write_options() turn the values back into them.
"""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from .pipeline import FORMATS, ReadOptions, WriteOptions

READ, WRITE = ReadOptions(), WriteOptions()  # the defaults

Quiet = Annotated[bool, typer.Option(
    "-q", "--quiet", help="No progress display and no summary on stderr (warnings about the output are still shown).")]
Format = Annotated[Optional[str], typer.Option(
    "--format", "-f",
    help=f"{', '.join(FORMATS)}, or several comma-separated (align: default from the -o extension; batch: tsv).")]
MinScore = Annotated[Optional[float], typer.Option(
    "--min-score", min=0.0, max=1.0, help="Keep only beads scoring at least this (one-sided beads score 0).")]
DropUnaligned = Annotated[bool, typer.Option("--drop-unaligned", help="Omit beads with one side empty.")]
NoRecover = Annotated[bool, typer.Option("--no-recover", help="Skip recovery of displaced text (monotone only).")]
EncodingZh = Annotated[Optional[str], typer.Option(
    "--encoding-zh", help="Encoding of the Chinese file(s) (default: detected).")]
EncodingAr = Annotated[Optional[str], typer.Option(
    "--encoding-ar", help="Encoding of the Arabic file(s) (default: detected).")]
Force = Annotated[bool, typer.Option(
    "--force", help="Align even when the checks object: the two files look like different documents "
                    "or one incomplete, or a file is not all in its language (a Chinese text with an English annex).")]
ZhLang = Annotated[str, typer.Option("--zh-lang", help="TMX language code of the Chinese side.")]
ArLang = Annotated[str, typer.Option("--ar-lang", help="TMX language code of the Arabic side.")]
Src = Annotated[str, typer.Option("--src", help="TMX source language: zh or ar.")]
Document = Annotated[str, typer.Option(
    "--document", help="Document symbol for the TMX x-document property, e.g. S/PV.7050.")]


def read_options(encoding_zh: str | None, encoding_ar: str | None, force: bool, no_recover: bool) -> ReadOptions:
    return ReadOptions(encoding_zh=encoding_zh, encoding_ar=encoding_ar, force=force, recover=not no_recover)


def write_options(min_score: float | None, drop_unaligned: bool, zh_lang: str, ar_lang: str, src: str,
                  document: str = WRITE.document) -> WriteOptions:
    """WriteOptions, checked (InputError for a bad value)."""
    options = WriteOptions(min_score=min_score, drop_unaligned=drop_unaligned, zh_lang=zh_lang, ar_lang=ar_lang,
                           src=src, document=document)
    options.check()
    return options
