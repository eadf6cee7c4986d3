"""Bad input through the real command line: one clear line on stderr, exit code 2,
no traceback, no output file; and the inputs that look bad but are read right.

One test (or more) per row of the "What happens when…" table in README.md.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import Result
from hostile import CONTROLS, presentation_forms, with_controls
from typer.testing import CliRunner

from aligner.anchors import INVISIBLE, fold
from aligner.cli import app
from aligner.records import read_jsonl
from aligner.segment import MAX_SENTENCE

ZH = (
    "主席（以英语发言）：我宣布会议开始。安全理事会现在开始审议议程项目，即S/2013/588号文件。\n"
    "刘结一先生（中国）：我感谢秘书长的通报。中国支持2013年的这项合作。\n"
)
AR = (
    "الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة. يبدأ مجلس الأمن الآن نظره في البند المدرج في جدول أعماله، "
    "أي الوثيقة S/2013/588.\n"
    "السيد ليو تشي (الصين) (تكلم بالصينية): أشكر الأمين العام على إحاطته. تؤيد الصين هذا التعاون في عام 2013.\n"
)
SAMPLE_ZH = Path(__file__).resolve().parents[1] / "samples" / "S_PV.7050_zh.txt"
SAMPLE_AR = SAMPLE_ZH.with_name("S_PV.7050_ar.txt")
ENGLISH = "The President: I declare the meeting open. The Security Council will now begin its consideration.\n"


def run(*args: object) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path / "zh.txt", ZH), write(tmp_path / "ar.txt", AR)


def refused(result: Result, *words: str) -> None:
    """Exit code 2 and one line on stderr, starting 'error:' and saying `words`."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def align_ok(zh: Path, ar: Path, out: Path, *options: str) -> list[dict]:
    result = run("align", zh, ar, "-o", out, *options)
    assert result.exit_code == 0, result.output
    return read_jsonl(out)[1]


# --- files that cannot be aligned -------------------------------------------


def test_missing_file(pair, tmp_path):
    out = tmp_path / "out.tsv"
    refused(run("align", tmp_path / "nope.txt", pair[1], "-o", out), "nope.txt", "no such file")
    assert not out.exists()


def test_unreadable_file(pair, tmp_path, monkeypatch):
    zh, ar = pair
    zh.chmod(0)
    if os.access(zh, os.R_OK):  # root reads anything: fail the read as it fails for a user
        real = Path.read_bytes

        def read_bytes(path: Path) -> bytes:
            if path == zh:
                raise PermissionError(13, "Permission denied")
            return real(path)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    refused(run("align", zh, ar, "-o", tmp_path / "out.tsv"), "zh.txt", "cannot read", "Permission denied")


def test_directory(pair, tmp_path):
    refused(run("align", pair[0], tmp_path, "-o", tmp_path / "out.tsv"), "is a directory")


@pytest.mark.parametrize("content, says", [("", "is empty"), (" \n\t\n\u3000\r\n", "only whitespace")])
def test_empty_or_whitespace_file(pair, tmp_path, content, says):
    refused(run("align", pair[0], write(tmp_path / "blank.txt", content), "-o", tmp_path / "out.tsv"), "blank.txt", says)


def test_binary_data(pair, tmp_path):
    blob = tmp_path / "blob.txt"
    blob.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    refused(run("align", blob, pair[1], "-o", tmp_path / "out.tsv"), "blob.txt", "binary data")


@pytest.mark.parametrize("magic, kind", [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"), (b"PK\x03\x04\x14\x00\x06\x00", "DOCX")])
def test_damaged_pdf_or_docx(pair, tmp_path, magic, kind):
    """Told a PDF or DOCX by its first bytes, whatever its name, and refused as a damaged one
    (tests/test_formats.py has a real text-less PDF, an encrypted one and a truncated DOCX)."""
    doc = tmp_path / "doc.bin"
    doc.write_bytes(magic + b"\x00" * 64)
    refused(run("align", pair[0], doc, "-o", tmp_path / "out.tsv"), f"a damaged {kind}")
    assert not (tmp_path / "out.tsv").exists()


@pytest.mark.parametrize("side", [0, 1])
def test_neither_language(pair, tmp_path, side):
    files = list(pair)
    files[side] = write(tmp_path / "english.txt", ENGLISH)
    expected = "Chinese" if side == 0 else "Arabic"
    refused(run("align", *files, "-o", tmp_path / "out.tsv"), "english.txt", f"expected {expected}", "Latin-script")


def test_languages_swapped(pair, tmp_path):
    out = tmp_path / "out.tsv"
    refused(run("align", pair[1], pair[0], "-o", out), "swap the two arguments")
    assert not out.exists()


def test_both_files_in_one_language(pair, tmp_path):
    refused(run("align", pair[0], pair[0], "-o", tmp_path / "out.tsv"), "expected Arabic", "this is Chinese")


def test_output_folder_missing(pair, tmp_path):
    refused(run("align", *pair, "-o", tmp_path / "no" / "out.tsv"), "does not exist")
    refused(run("align", *pair, "-o", tmp_path / "out.tsv", "--report", tmp_path / "no" / "moves.json"), "does not exist")


def test_output_folder_not_writable(pair, tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    if os.access(locked, os.W_OK):  # root writes anywhere: let the check see what a user would
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == locked else real(p, mode))
    refused(run("align", *pair, "-o", locked / "out.tsv"), "not writable")
    assert not (locked / "out.tsv").exists()


def test_refusal_leaves_an_existing_output_untouched(pair, tmp_path):
    out = write(tmp_path / "out.tsv", "previous run\n")
    refused(run("align", pair[1], pair[0], "-o", out), "swap")
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


# --- encodings -----------------------------------------------------------------


@pytest.mark.parametrize("side, encoding, reported", [
    ("zh", "utf-8-sig", "utf-8-sig"),
    ("ar", "utf-8-sig", "utf-8-sig"),
    ("zh", "utf-16", "utf-16-le"),  # Python writes a BOM, little-endian here
    ("ar", "utf-16-be-bom", "utf-16-be"),
    ("zh", "gbk", "gb18030"),
    ("zh", "gb18030", "gb18030"),
    ("ar", "cp1256", "cp1256"),
    ("ar", "iso-8859-6", "iso-8859-6"),
])
def test_encodings_are_detected_and_reported(tmp_path, side, encoding, reported):
    text = ZH if side == "zh" else AR
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    encoded = tmp_path / f"{side}_encoded.txt"
    encoded.write_bytes(data)
    other = write(tmp_path / "other.txt", AR if side == "zh" else ZH)
    files = (encoded, other) if side == "zh" else (other, encoded)
    out = tmp_path / "out.jsonl"
    result = run("align", *files, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"{side} {reported}" in result.stderr
    plain = align_ok(write(tmp_path / "zh.txt", ZH), write(tmp_path / "ar.txt", AR), tmp_path / "plain.jsonl", "-q")
    assert read_jsonl(out)[1] == plain


def test_cp1256_and_iso_8859_6_are_told_apart(tmp_path):
    """The two Arabic code pages share most letters' bytes; each must still be read as itself."""
    zh = write(tmp_path / "zh.txt", ZH)
    for encoding in ("cp1256", "iso-8859-6"):
        ar = write(tmp_path / f"ar_{encoding}.txt", AR, encoding)
        result = run("align", zh, ar, "-o", tmp_path / f"{encoding}.tsv")
        assert result.exit_code == 0 and f"ar {encoding}" in result.stderr, result.output


def test_encoding_option_forces_one(pair, tmp_path):
    ar = write(tmp_path / "ar.txt", AR, "cp1256")
    result = run("align", pair[0], ar, "-o", tmp_path / "out.tsv", "--encoding-ar", "cp1256", "--encoding-zh", "utf-8")
    assert result.exit_code == 0 and "zh utf-8, ar cp1256" in result.stderr, result.output
    refused(run("align", pair[0], ar, "-o", tmp_path / "out.tsv", "--encoding-ar", "utf-8"), "not valid utf-8")
    refused(run("align", pair[0], ar, "-o", tmp_path / "out.tsv", "--encoding-ar", "klingon"), "unknown encoding 'klingon'")


def test_unknown_encoding(pair, tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café crème brûlée, © 2013\n".encode("latin-1"))
    refused(run("align", latin1, pair[1], "-o", tmp_path / "out.tsv"), "unknown text encoding", "--encoding-zh")


def test_broken_utf8(pair, tmp_path):
    data = ZH.encode("utf-8")
    broken = tmp_path / "broken.txt"
    broken.write_bytes(data[:30] + b"\xff" + data[30:])
    refused(run("align", broken, pair[1], "-o", tmp_path / "out.tsv"), "broken UTF-8", "byte 30")


@pytest.mark.parametrize("line", [250, 251])  # once read as UTF-16 (big-endian at 251): 22 lines of mojibake, exit 0
def test_utf8_with_a_few_nul_bytes_is_refused_not_read_as_utf16(tmp_path, line):
    lines = SAMPLE_ZH.read_text(encoding="utf-8").split("\n")
    lines[line] += "\x00\x00abc\x00"
    nul = write(tmp_path / "nul_zh.txt", "\n".join(lines))
    out = tmp_path / "nul.jsonl"
    says = ("nul_zh.txt", "UTF-8 text with 3 NUL bytes", f"the first on line {line + 1}", "remove them")
    refused(run("align", nul, SAMPLE_AR, "-o", out), *says)
    refused(run("align", nul, SAMPLE_AR, "-o", out, "--encoding-zh", "utf-8"), *says)
    refused(run("segment", nul), *says)
    assert not out.exists()


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_cr_and_crlf_line_endings(tmp_path, newline):
    plain = align_ok(write(tmp_path / "zh.txt", ZH), write(tmp_path / "ar.txt", AR), tmp_path / "lf.jsonl", "-q")
    zh = write(tmp_path / "zh_cr.txt", ZH.replace("\n", newline))
    ar = write(tmp_path / "ar_cr.txt", AR.replace("\n", newline))
    assert align_ok(zh, ar, tmp_path / "cr.jsonl", "-q") == plain
    assert {n for b in plain for n in b["zh_lines"] + b["ar_lines"]} == {1, 2}


# --- text hazards from PDF extraction ------------------------------------------

HAZARDOUS_ZH = ZH.replace("S/2013/588", "Ｓ／２０１３／５８８").replace("2013年", "２０１３年").replace("会议", "会\u200b议")
HAZARDOUS_AR = (
    AR.replace("الرئيس", "ﺍﻟﺮﺋﻴﺲ")  # presentation forms
    .replace("الجلسة.", "الجلـــسة.\u200f")  # tatweel, and a right-to-left mark after the full stop
    .replace("S/2013/588", "\u202aS/2013/588\u202c")
    .replace("الصين", "\u061cالصين")
)


def test_pdf_hazards_are_seen_through_and_written_verbatim(tmp_path):
    plain = align_ok(write(tmp_path / "zh.txt", ZH), write(tmp_path / "ar.txt", AR), tmp_path / "plain.jsonl", "-q")
    beads = align_ok(write(tmp_path / "zh_h.txt", HAZARDOUS_ZH), write(tmp_path / "ar_h.txt", HAZARDOUS_AR),
                     tmp_path / "hazards.jsonl", "-q")
    assert [(b["type"], b["zh_lines"], b["ar_lines"]) for b in beads] == [(b["type"], b["zh_lines"], b["ar_lines"]) for b in plain]
    assert beads[0]["speaker_ar"].startswith("ﺍﻟﺮﺋﻴﺲ")
    zh_out, ar_out = "".join(b["zh"] for b in beads), "".join(b["ar"] for b in beads)
    for mark in ("Ｓ／２０１３／５８８", "会\u200b议"):
        assert mark in zh_out
    for mark in ("ﺍﻟﺮﺋﻴﺲ", "الجلـــسة.\u200f", "\u202aS/2013/588\u202c", "\u061cالصين"):
        assert mark in ar_out


def test_presentation_forms_and_invisible_controls_align_as_the_clean_text(tmp_path):
    """The sample's Arabic in contextual presentation forms, strewn with tatweel, soft hyphens,
    joiners, bidi marks and embeddings (tests/hostile.py): the same beads as the clean text (it
    left 102 sentences unaligned, against 13; within two of the clean text now), the text written verbatim; with --normalise
    written as matching reads it in every format, and scored against the verbatim run as equal."""
    strewn = write(tmp_path / "ar.txt", with_controls(presentation_forms(SAMPLE_AR.read_text(encoding="utf-8"))))
    clean = align_ok(SAMPLE_ZH, SAMPLE_AR, tmp_path / "clean.jsonl", "-q")
    verbatim = align_ok(SAMPLE_ZH, strewn, tmp_path / "verbatim.jsonl", "-q")
    def shape(beads: list[dict]) -> list[tuple]:
        return [(b["type"], b["zh_lines"], b["ar_lines"]) for b in beads]

    def unaligned(beads: list[dict]) -> int:
        return sum(1 for b in beads if not (b["zh"] and b["ar"]))

    # the encoder's work is shared between two processes by the texts' raw lengths, so its rounding (and one
    # close choice of where a torn sentence's piece goes) may differ: all but a few beads the same
    assert abs(unaligned(verbatim) - unaligned(clean)) <= 2 and unaligned(clean) <= 13
    assert sum(x == y for x, y in zip(shape(verbatim), shape(clean))) >= 0.99 * len(clean) and len(verbatim) == len(clean)
    written = "".join(b["ar"] + b["speaker_ar"] for b in verbatim)
    assert all(mark in written for mark in CONTROLS) and "ﻻ" in written

    result = run("align", SAMPLE_ZH, strewn, "-o", tmp_path / "norm", "--format", "jsonl,tsv,tmx,moses", "--normalise", "-q")
    assert result.exit_code == 0, result.output
    normalised = read_jsonl(tmp_path / "norm.jsonl")[1]
    assert sum(b["ar"] == fold(c["ar"])[0] for b, c in zip(normalised, clean)) >= 0.99 * len(clean)
    for ending in ("jsonl", "tsv", "tmx", "ar"):
        text = (tmp_path / f"norm.{ending}").read_text(encoding="utf-8")
        assert not INVISIBLE.search(text) and not re.search("[\ufb50-\ufdff\ufe70-\ufefe]", text), ending
    scored = run("score", "--gold", tmp_path / "verbatim.jsonl", "--pred", tmp_path / "norm.jsonl", "--json")
    assert json.loads(scored.stdout)["beads"]["f1"] == 1.0


def test_a_200_kb_line_without_punctuation_is_cut(tmp_path):
    zh_line = "联合国安全理事会审议了关于维护国际和平与安全的议题，各成员国代表相继发言 " * 2500
    ar_line = "نظر مجلس الأمن في البند المتعلق بصون السلام والأمن الدوليين، وتكلم ممثلو الدول الأعضاء " * 2000
    assert len(zh_line.encode("utf-8")) > 200_000
    zh = write(tmp_path / "zh.txt", "主席（以英语发言）：我宣布会议开始。\n" + zh_line + "\n")
    ar = write(tmp_path / "ar.txt", "الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة.\n" + ar_line + "\n")
    result = run("segment", zh, "--lang", "zh", "--jsonl")
    assert result.exit_code == 0, result.output
    pieces = [json.loads(line) for line in result.stdout.splitlines()][2:]
    assert len(pieces) >= len(zh_line) // MAX_SENTENCE
    assert all(len(p["text"]) <= MAX_SENTENCE and p["lines"] == [2] for p in pieces)
    assert "".join(p["text"] for p in pieces).replace(" ", "") == zh_line.replace(" ", "")
    beads = align_ok(zh, ar, tmp_path / "out.jsonl", "-q")
    assert "".join(b["zh"] for b in beads if b["zh_lines"] == [2]).replace(" ", "") == zh_line.replace(" ", "")


# --- the segment command checks its file too -----------------------------------


def test_segment_refuses_the_wrong_language(pair):
    refused(run("segment", pair[1], "--lang", "zh"), "expected Chinese", "this is Arabic")


def test_the_console_entry_point_keeps_the_exit_code_and_the_one_line_error(tmp_path):
    """`python -m aligner` goes through aligner.cli.run (which freezes the GC on exit):
    a usage error still exits 2 with one line and no traceback."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "aligner", "align", str(tmp_path / "missing_zh.txt"),
                           str(tmp_path / "missing_ar.txt"), "-o", str(tmp_path / "out.tsv")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no such file" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.tsv").exists()
