"""One pair from files to written outputs: the steps `align` and every `batch` worker share.

The options travel as two plain dataclasses, so that each command (and a
worker process, which receives them pickled) applies them the same way:
ReadOptions say how a pair is read, checked and aligned, WriteOptions what is
written. cli.py declares the command-line options that fill them, once.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .align import Progress, align_documents, prepare_pair
from .guard import check_same_document
from .lexicon import load as load_lexicon
from .model import Alignment, Bead
from .read import InputError, read_pair
from .write import WRITERS, Writer, atomic_write, write_moses

# Every output format; Moses writes a file per language, the others one file.
FORMATS = (*WRITERS, "moses")
_MOSES_SIDES = ("zh", "ar")


class Mismatch(InputError):
    """The two files look like different documents (or one is incomplete): --force aligns them anyway."""


@dataclass(frozen=True)
class ReadOptions:
    """How a pair is read, checked and aligned."""

    encoding_zh: str | None = None  # None: detected
    encoding_ar: str | None = None
    force: bool = False  # align even when the language or same-document checks object
    recover: bool = True  # recover displaced text (off: monotone only)


@dataclass(frozen=True)
class WriteOptions:
    """Which beads are written, and the metadata of the TMX."""

    min_score: float | None = None
    drop_unaligned: bool = False
    zh_lang: str = "zh-CN"
    ar_lang: str = "ar"
    src: str = "zh"
    document: str = ""  # the TMX x-document property, e.g. S/PV.7050

    def check(self) -> None:
        if self.src not in ("zh", "ar"):
            raise InputError(f"--src must be zh or ar, not {self.src!r}")

    def kept(self, beads: Iterable[Bead]) -> list[Bead]:
        """The beads written: without one-sided beads under drop_unaligned, at least min_score."""
        out = [b for b in beads if b.zh and b.ar] if self.drop_unaligned else list(beads)
        return out if self.min_score is None else [b for b in out if b.score >= self.min_score]

    def writer(self, suffix: str) -> Writer:
        """The writer of a file ending in `suffix` (a format, or zh/ar for a Moses side)."""
        if suffix in _MOSES_SIDES:
            return partial(write_moses, lang=suffix)
        if suffix == "tmx":
            return partial(WRITERS["tmx"], zh_lang=self.zh_lang, ar_lang=self.ar_lang, src=self.src, document=self.document)
        return WRITERS[suffix]


def parse_formats(spec: str) -> list[str]:
    """'tsv,jsonl' -> ['tsv', 'jsonl'], checked against the formats there are."""
    kinds = list(dict.fromkeys(k.strip().lower() for k in spec.split(",") if k.strip()))
    unknown = [k for k in kinds if k not in FORMATS]
    if unknown or not kinds:
        raise InputError(f"unknown format {','.join(unknown) or spec!r}; choose from {', '.join(FORMATS)}")
    return kinds


def suffixes(kinds: Iterable[str]) -> list[str]:
    """The file endings the formats write: the format's name, or .zh and .ar for Moses."""
    return [s for k in kinds for s in (_MOSES_SIDES if k == "moses" else (k,))]


def read_and_align(zh_path: str | Path, ar_path: str | Path, options: ReadOptions, *, fork: bool = True,
                   progress: Progress | None = None) -> tuple[Alignment, dict[str, str]]:
    """Read both files, check they are one document (while the Arabic is prepared, when
    forked), align: (alignment, encodings read by language). Raises InputError (Mismatch
    for a pair the same-document check refuses)."""
    tell = progress or (lambda stage, done, total: None)
    tell("reading", 0, 1)
    (zh_text, zh_enc), (ar_text, ar_enc) = read_pair(zh_path, ar_path, options.encoding_zh, options.encoding_ar,
                                                     check_languages=not options.force)
    tell("reading", 1, 1)

    def check() -> None:
        mismatch = None if options.force else check_same_document(zh_text, ar_text)
        if mismatch:
            raise Mismatch(f"{zh_path} and {ar_path}: {mismatch}")

    lexicon = load_lexicon()
    docs = prepare_pair(zh_text, ar_text, lexicon, fork, meanwhile=check, progress=progress)
    return align_documents(*docs, lexicon, options.recover, progress=progress), {"zh": zh_enc, "ar": ar_enc}


def moves_in(written: list[Bead], result: Alignment) -> list[dict]:
    """The moved beads as 0-based indices into the beads written (a moved bead filtered out is
    not listed): `bead` is its row, `placed_after_bead` the row before it."""
    row = {id(b): n for n, b in enumerate(written)}
    out = []
    for move in result.moves:
        n = row.get(id(result.beads[move["bead"]]))
        if n is not None:
            out.append({**move, "bead": n, "placed_after_bead": n - 1})
    return out


def write_all(targets: list[tuple[str | Path, str]], beads: list[Bead], options: WriteOptions,
              progress: Progress | None = None) -> list[str]:
    """Write `beads` to every (path, suffix), each atomically; the writers' warnings."""
    warnings: list[str] = []
    for n, (path, suffix) in enumerate(targets):
        if progress:
            progress("writing", n, len(targets))
        writer = options.writer(suffix)
        atomic_write(path, lambda f, writer=writer: warnings.extend(writer(beads, f) or ()))
    if progress:
        progress("writing", len(targets), len(targets))
    return warnings
