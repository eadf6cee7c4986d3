"""One pair from files to written outputs: the steps `align` and every `batch` worker share.

The options travel as two plain dataclasses, so that each command (and a
worker process, which receives them pickled) applies them the same way:
ReadOptions say how a pair is read, checked and aligned, WriteOptions what is
written. cli.py declares the command-line options that fill them, once.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .align import Progress, align_documents, prepare_pair
from .anchors import fold
from .errors import Mismatch, Swapped, WrongLanguage
from .guard import require_complete, require_same_document
from .lexicon import load as load_lexicon
from .model import Alignment, SourceInfo
from .names import language_tag, split_extension
from .read import InputError, read_pair
from .records import two_sided
from .tmx import check_language_code
from .write import WRITERS, Writer, write_json, write_moses, write_together

# Every output format; Moses writes a file per language, the others one file.
FORMATS = (*WRITERS, "moses")
_MOSES_SIDES = ("zh", "ar")


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
    normalise: bool = False  # write the texts in their folded form (anchors.fold) instead of verbatim

    def check(self) -> None:
        """Refuse a bad value with one line: --src, a --min-score outside [0, 1] (or nan), a TMX
        language code that is not BCP 47 or not of its side's language."""
        if self.src not in ("zh", "ar"):
            raise InputError(f"--src must be zh or ar, not {self.src!r}")
        if self.min_score is not None and not 0.0 <= self.min_score <= 1.0:  # also refuses nan
            raise InputError(f"--min-score must be between 0 and 1, not {self.min_score}")
        check_language_code(self.zh_lang, "zh", "--zh-lang")
        check_language_code(self.ar_lang, "ar", "--ar-lang")

    def kept(self, recs: Iterable[dict]) -> list[dict]:
        """The bead records written: without one-sided beads under drop_unaligned, at least min_score;
        under normalise, their texts and speaker headings folded."""
        out = [r for r in recs if two_sided(r)] if self.drop_unaligned else list(recs)
        out = out if self.min_score is None else [r for r in out if r["score"] >= self.min_score]
        return [normalised(r) for r in out] if self.normalise else out

    def source(self, zh_file: str, ar_file: str) -> SourceInfo:
        """What the outputs say about the run: the input file names, the document and the TMX languages."""
        return SourceInfo(zh_file, ar_file, self.document, self.zh_lang, self.ar_lang, self.src)


_TEXT_FIELDS = ("zh", "ar", "speaker_zh", "speaker_ar")


def normalised(rec: dict) -> dict:
    """A bead record with its texts as matching reads them (anchors.fold): zero-width and bidi
    controls, soft hyphens and tatweel dropped, Arabic presentation forms and full-width Latin
    letters, digits and symbol punctuation folded (full-width Chinese punctuation kept), and
    the spaces the dropped marks stood between made one."""
    return {**rec, **{k: " ".join(fold(rec[k])[0].split()) for k in _TEXT_FIELDS}}


def writer(suffix: str) -> Writer:
    """The writer of a file ending in `suffix` (a format, or zh/ar for a Moses side)."""
    return partial(write_moses, lang=suffix) if suffix in _MOSES_SIDES else WRITERS[suffix]


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


def _document_name(path: Path) -> str:
    """An input's name without extension and language tag: S_PV.7050_zh.txt -> S_PV.7050."""
    stem = split_extension(path.name)[0]
    tag = language_tag(path.name)
    return (tag[1] if tag else "") or stem


def output_targets(output: str, kinds: list[str] | None, source: Path) -> list[tuple[str, str]]:
    """(path, file ending) of every file to write for `-o output` in the formats `kinds`
    (None: from the extension); `source` names the files written into a folder.

    -o FILE writes one format to FILE; with several formats (or Moses, a file
    per language) FILE without its format extension is a prefix: x.tsv with
    tsv,jsonl writes x.tsv and x.jsonl. -o FOLDER/ (or an existing folder)
    writes FOLDER/<source name>.<format>. An extension that names another
    format than those asked for is refused (InputError), as is "-" for several files.
    """
    if output == "-":
        files = suffixes(kinds or ["tsv"])
        if len(files) > 1:
            raise InputError("this writes several files: give -o PREFIX or -o FOLDER/, not standard output")
        return [("-", files[0])]
    if output.endswith(("/", os.sep)) or Path(output).is_dir():
        if Path(output.rstrip("/" + os.sep)).is_file():
            raise InputError(f"{output}: is a file, not a folder")
        base = str(Path(output) / _document_name(source))
        return [(f"{base}.{s}", s) for s in suffixes(kinds or ["tsv"])]
    ext = Path(output).suffix.lower().lstrip(".")
    ext_kind = next((k for k in FORMATS if ext in suffixes([k])), None)
    if kinds is None:
        if ext_kind is None:
            raise InputError(f"cannot tell the format from {output!r}; use --format {'|'.join(FORMATS)}")
        kinds = [ext_kind]
    elif ext_kind is not None and ext_kind not in kinds:
        raise InputError(f"{output}: the extension says {ext_kind}, but --format says {','.join(kinds)}; make them agree")
    files = suffixes(kinds)
    if len(files) == 1 and (ext_kind is None or ext == files[0]):
        return [(output, files[0])]
    prefix = output[: -len(ext) - 1] if ext_kind else output
    return [(f"{prefix}.{s}", s) for s in files]


def read_and_align(zh_path: str | Path, ar_path: str | Path, options: ReadOptions, *, fork: bool = True,
                   progress: Progress | None = None) -> tuple[Alignment, dict[str, str]]:
    """Read both files, check they are one document (while the Arabic is prepared, when
    forked), align, check that neither file stops short of its partner: (alignment, encodings
    read by language). Raises InputError (errors.Mismatch for a pair the checks refuse)."""
    tell = progress or (lambda stage, done, total: None)
    tell("reading", 0, 1)
    (zh_text, zh_enc), (ar_text, ar_enc) = read_pair(zh_path, ar_path, options.encoding_zh, options.encoding_ar,
                                                     check_languages=not options.force)
    tell("reading", 1, 1)

    def check() -> None:
        if not options.force:
            require_same_document(zh_text, ar_text, zh_path, ar_path)

    lexicon = load_lexicon()
    docs = prepare_pair(zh_text, ar_text, lexicon, fork, meanwhile=check, progress=progress)
    result = align_documents(*docs, lexicon, options.recover, progress=progress, fork=fork)
    if not options.force:
        require_complete(result.beads, zh_path, ar_path)
    return result, {"zh": zh_enc, "ar": ar_enc}


def refusal(e: InputError) -> str:
    """An input error's one line as `align` and every `batch` pair show it: a check that
    --force overrides (not the same document, one cut short, a file not all in its language) says so."""
    overridable = isinstance(e, (Mismatch, WrongLanguage)) and not isinstance(e, Swapped)
    return f"{e} (--force aligns them anyway)" if overridable else str(e)


def moves_in(written: list[dict], result: Alignment) -> list[dict]:
    """The moved beads as 0-based indices into the bead records written (a moved bead filtered
    out is not listed): `bead` is its row, `placed_after_bead` the row before it."""
    row = {r["id"]: n for n, r in enumerate(written)}  # a record's id is its bead's index in the alignment
    out = []
    for move in result.moves:
        n = row.get(move["bead"])
        if n is not None:
            out.append({**move, "bead": n, "placed_after_bead": n - 1})
    return out


def write_all(targets: list[tuple[str | Path, str]], recs: list[dict], info: SourceInfo,
              progress: Progress | None = None, moves: tuple[str | Path, list[dict]] | None = None) -> list[str]:
    """Write the bead records to every (path, suffix), and the moved beads to `moves` (path, list)
    when given, all together (write.write_together: no file replaced unless every one is written);
    the writers' warnings. Raises OutputError on a full disk or an I/O error."""
    warnings: list[str] = []

    def filler(n: int, suffix: str):
        write = writer(suffix)

        def fill(f) -> None:
            if progress:
                progress("writing", n, len(targets))
            warnings.extend(write(recs, f, info) or ())
        return fill

    files = [(path, filler(n, suffix)) for n, (path, suffix) in enumerate(targets)]
    if moves:
        files.append((moves[0], partial(write_json, moves[1])))
    write_together(files)
    if progress:
        progress("writing", len(targets), len(targets))
    return warnings
