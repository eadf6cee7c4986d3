"""One consistent command line: `batch` takes the options of `align`, pairing finds the usual
folder layouts, progress on long runs, messages that name the file and the fix, output
names, exit codes, and a README whose usage section lists every option.

Small synthetic pairs everywhere, except where the real sample is needed (moved beads).
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer.main
from click.testing import Result
from test_bad_input import AR, ENGLISH
from test_bad_input import ZH as BAD_INPUT_ZH
from typer.testing import CliRunner

import aligner
from aligner import batch as batching
from aligner import cli, records, tmx
from aligner.names import language_tag

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
ZH_7050, AR_7050 = SAMPLES / "S_PV.7050_zh.txt", SAMPLES / "S_PV.7050_ar.txt"
# The small pair of the bad-input tests, plus a Chinese paragraph the Arabic lacks (a one-sided bead).
ZH = BAD_INPUT_ZH + "此外，委员会还审议了关于和平与安全问题的若干报告，并就此通过了三项决定。\n"


def run(*args: object) -> Result:
    return CliRunner().invoke(cli.app, [str(a) for a in args])


def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def one_line_error(result: Result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def read_jsonl(path: Path) -> list[dict]:
    """The bead records of a JSONL alignment (after its metadata line)."""
    return records.read_jsonl(path)[1]


@pytest.fixture
def pair(tmp_path) -> tuple[Path, Path]:
    return write(tmp_path / "S_PV.1_zh.txt", ZH), write(tmp_path / "S_PV.1_ar.txt", AR)


def command(name: str):
    return typer.main.get_command(cli.app).commands[name]


def options_of(cmd) -> dict:
    """Every option of a command by each of its names (-q and --quiet alike)."""
    return {name: p for p in cmd.params if p.param_type_name == "option" for name in p.opts}


# --- 1. batch is align over a folder ------------------------------------------------------------

# The options of `align` that `batch` takes in another form, or not at all, and why.
NOT_LIKE_ALIGN = {
    "--document": "each pair's own symbol, found in its names or on its first page, goes into its TMX",
    "--report": "a flag in batch: each pair's moves go to OUT_DIR/<id>.moves.json, beside its outputs",
    "--output": "a folder in batch, for every pair's outputs and report.json",
    "--format": "batch has a default format (tsv), align takes it from the -o extension",
}


def test_every_align_option_is_a_batch_option_or_listed_with_a_reason():
    align, batch = options_of(command("align")), options_of(command("batch"))
    for name, option in align.items():
        long_name = max(option.opts, key=len)
        if long_name in NOT_LIKE_ALIGN:
            continue
        assert name in batch, f"batch lacks {name}"
        shared = batch[name]
        assert (shared.opts, shared.default, shared.help, repr(shared.type)) == (
            option.opts, option.default, option.help, repr(option.type)), name
    assert {n for n in NOT_LIKE_ALIGN if n not in ("--document",)} <= set(batch)  # taken, in another form


def test_batch_applies_every_option_as_align_does(tmp_path):
    """Each per-pair option through batch gives the files align gives with the same options."""
    write(tmp_path / "in" / "S_PV.1_zh.txt", ZH)
    write(tmp_path / "in" / "S_PV.1_ar.txt", AR, "cp1256")
    options = ["--min-score", "0.3", "--drop-unaligned", "--no-recover", "--encoding-ar", "cp1256",
               "--encoding-zh", "utf-8", "--zh-lang", "zh-Hans", "--ar-lang", "ar-SA", "--src", "ar"]
    result = run("batch", tmp_path / "in", "-o", tmp_path / "out", "-q", "--format", "tsv,tmx,moses", "--report",
                 *options, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    alone = run("align", tmp_path / "in" / "S_PV.1_zh.txt", tmp_path / "in" / "S_PV.1_ar.txt", "-o", tmp_path / "one",
                "--format", "tsv,tmx,moses", "--report", tmp_path / "one.moves.json", "--document", "S/PV.1", "-q", *options)
    assert alone.exit_code == 0, alone.output
    for end in ("tsv", "tmx", "zh", "ar", "moves.json"):
        mine = (tmp_path / "out" / f"S_PV.1.{end}").read_bytes()
        assert mine == (tmp_path / f"one.{end}").read_bytes(), end
    tmx_text = (tmp_path / "out" / "S_PV.1.tmx").read_text(encoding="utf-8")
    assert 'srclang="ar-SA"' in tmx_text and '<prop type="x-document">S/PV.1</prop>' in tmx_text
    entry = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["pairs"][0]
    assert entry["document"] == "S/PV.1" and entry["written"] <= entry["beads"]


def test_batch_finds_the_symbol_on_the_first_page_for_the_tmx(tmp_path):
    write(tmp_path / "in" / "letter_zh.txt", "S/2013/588\n" + ZH)
    write(tmp_path / "in" / "letter_ar.txt", "S/2013/588\n" + AR)
    assert run("batch", tmp_path / "in", "-o", tmp_path / "out", "-q", "--format", "tmx").exit_code == 0
    assert '<prop type="x-document">S/2013/588</prop>' in (tmp_path / "out" / "S_2013_588.tmx").read_text(encoding="utf-8")


# --- 2. pairing finds the layouts people have -------------------------------------------------


@pytest.mark.parametrize("name, expected", [
    ("zh_S_PV.7050.txt", ("zh", "S_PV.7050")),
    ("ar-S_PV.7050.txt", ("ar", "S_PV.7050")),
    ("Arabic_report.md", ("ar", "report")),
    ("zh.txt", ("zh", "")),
    ("arabic.txt", ("ar", "")),
    ("chinese", ("zh", "")),
    ("S_PV.7050_C.txt", ("zh", "S_PV.7050")),
    ("N1352982.pdf.txt", None),
    ("A_RES_67_264.txt", None),  # a symbol, not an Arabic file
    ("a.txt", None),
])
def test_language_tag_as_prefix_suffix_or_whole_name(name, expected):
    assert language_tag(name) == expected


def test_pairing_finds_the_usual_layouts(tmp_path):
    d = tmp_path / "in"
    write(d / "one" / "zh.txt", ZH)  # a folder per document
    write(d / "one" / "ar.txt", AR)
    write(d / "two" / "chinese.txt", "S/2013/588\n" + ZH)
    write(d / "two" / "arabic.txt", "S/2013/588\n" + AR)
    write(d / "zh_S_PV.11.txt", ZH)  # tag as a prefix
    write(d / "ar-S_PV.11.txt", AR)
    write(d / "jobs" / "N1352982.pdf.txt", "安全理事会\n第七〇五〇次会议\n" + ZH)  # job numbers: the cover says which
    write(d / "jobs" / "N1352990.pdf.txt", "مجلس الأمن\nالجلسة ٧٠٥٠\n" + AR)
    write(d / "jobs" / "N1399999.pdf.txt", "A/67/L.5\n" + ZH)
    write(d / "ods" / "S_PV.7051_C.txt", ZH)
    write(d / "ods" / "S_PV.7051_A.txt", AR)
    pairs, unpaired = batching.find_pairs(d)
    assert [(p.id, p.zh.name, p.ar.name, p.document) for p in pairs] == [
        ("S_PV.11", "zh_S_PV.11.txt", "ar-S_PV.11.txt", "S/PV.11"),
        ("jobs/S_PV.7050", "N1352982.pdf.txt", "N1352990.pdf.txt", "S/PV.7050"),
        ("ods/S_PV.7051", "S_PV.7051_C.txt", "S_PV.7051_A.txt", "S/PV.7051"),
        ("one", "zh.txt", "ar.txt", ""),
        ("two/S_2013_588", "chinese.txt", "arabic.txt", "S/2013/588"),
    ]
    assert [(Path(u["file"]).name, u["why"], u["reason"]) for u in unpaired] == [
        ("N1399999.pdf.txt", "unpaired", "no Arabic partner for A/67/L.5")]


def test_only_text_files_pair_and_every_other_file_says_why(tmp_path):
    d = tmp_path / "in"
    write(d / "S_PV.1_zh.txt", ZH)
    write(d / "S_PV.1_ar.txt", AR)
    write(d / "units_zh.tsv", "zh\tar\n甲\tأ\n")  # outputs of an earlier run, once paired and "aligned" at 1.0
    write(d / "units_ar.tsv", "zh\tar\n甲\tأ\n")
    write(d / "S_PV.2_zh.json", "{}")
    write(d / "S_PV.2_ar.pdf", b"%PDF-1.7\n")
    write(d / "S_PV.3_zh.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")  # a PDF under a text name
    write(d / "S_PV.3_ar.txt", AR)
    write(d / "a_zh.txt", "S/PV.4\n" + ZH)  # two Chinese files of one document
    write(d / "b_zh.txt", "S/PV.4\n" + ZH)
    write(d / "c_ar.txt", "S/PV.4\n" + AR)
    write(d / "english.txt", ENGLISH)
    (d / "S_PV.5_zh.txt").symlink_to(d / "gone.txt")
    write(tmp_path / "elsewhere" / "S_PV.6_zh.txt", ZH)
    (d / "linked").symlink_to(tmp_path / "elsewhere")
    pairs, unpaired = batching.find_pairs(d)
    assert [p.id for p in pairs] == ["S_PV.1"]
    why = {Path(u["file"]).name: (u["why"], u["reason"]) for u in unpaired}
    assert {name: w for name, (w, _) in why.items()} == {
        "units_zh.tsv": "earlier output", "units_ar.tsv": "earlier output", "S_PV.2_zh.json": "earlier output",
        "S_PV.2_ar.pdf": "not text", "S_PV.3_zh.txt": "not text", "S_PV.3_ar.txt": "unpaired",
        "a_zh.txt": "ambiguous", "b_zh.txt": "ambiguous", "c_ar.txt": "ambiguous",
        "english.txt": "unpaired", "S_PV.5_zh.txt": "dangling symlink", "linked": "symlinked folder",
    }
    assert "PDF" in why["S_PV.3_zh.txt"][1] and "Latin-script" in why["english.txt"][1]
    assert "--manifest" in why["c_ar.txt"][1] and "not followed" in why["linked"][1]


# --- 3. progress and messages ----------------------------------------------------------------


def test_the_library_reports_each_stage_in_order():
    seen: list[tuple[str, int, int]] = []
    aligner.align(ZH, AR, progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == ["segmenting", "aligning turns", "recovery"]
    for stage in stages:
        steps = [(done, total) for s, done, total in seen if s == stage]
        assert steps[-1][0] == steps[-1][1] > 0 and [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_align_shows_progress_for_a_person_and_none_under_q(pair, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_progress_wanted", lambda quiet: not quiet)  # stderr as if a terminal
    shown = run("align", *pair, "-o", tmp_path / "out.tsv")
    assert shown.exit_code == 0, shown.output
    for stage in cli.STAGES:
        assert stage in shown.stderr
    quiet = run("align", *pair, "-o", tmp_path / "out.tsv", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert not cli._progress_wanted(True)


def test_the_progress_display_runs_no_thread():
    """No refresh thread: with one thread, the Arabic of a long pair is still prepared in a forked child."""
    import threading

    before = set(threading.enumerate())  # other tests (Dask) may leave threads of their own
    with cli._progress_display(True) as progress:
        progress("reading", 0, 1)
        assert set(threading.enumerate()) == before


def test_a_truncated_file_is_called_incomplete(tmp_path):
    zh = ZH_7050.read_text(encoding="utf-8")
    ar = AR_7050.read_text(encoding="utf-8")
    line = one_line_error(run("align", write(tmp_path / "zh.txt", zh), write(tmp_path / "ar.txt", ar[: len(ar) // 8]),
                              "-o", tmp_path / "out.tsv"), "ar.txt", "much shorter than its partner", "incomplete?")
    assert re.search(r"\(\d+ % of the expected length\)", line) and "not the same document" not in line


def test_a_partner_cut_short_is_refused_by_align_and_batch_alike(tmp_path):
    """The Arabic cut to its first 65 % (as `head -c 100000` leaves it) is still within the length ratio;
    the Chinese pages it lacks find no counterpart, and align and batch refuse it with the same line.
    --force aligns it in both; a clean batch under -q then says nothing."""
    ar = AR_7050.read_text(encoding="utf-8")
    zh = write(tmp_path / "in" / "S_PV.7050_zh.txt", ZH_7050.read_text(encoding="utf-8"))
    cut = write(tmp_path / "in" / "S_PV.7050_ar.txt", ar[: len(ar) * 65 // 100])
    line = one_line_error(run("align", zh, cut, "-o", tmp_path / "out.tsv"), "the Arabic stops early",
                          "of the Chinese", "has no Arabic counterpart: incomplete?", "(--force aligns them anyway)")
    assert not (tmp_path / "out.tsv").exists()
    in_batch = run("batch", tmp_path / "in", "-o", tmp_path / "batch", "-q")
    assert in_batch.exit_code == 1, in_batch.output
    entry = json.loads((tmp_path / "batch" / "report.json").read_text(encoding="utf-8"))["pairs"][0]
    assert (entry["status"], entry["error"]) == ("mismatch", line.removeprefix("error: "))
    assert in_batch.stderr.splitlines()[0] == f"mismatch S_PV.7050: {entry['error']}"  # shown under -q: the batch failed
    assert list((tmp_path / "batch").iterdir()) == [tmp_path / "batch" / "report.json"]
    forced = run("batch", tmp_path / "in", "-o", tmp_path / "batch", "-q", "--force", "--format", "jsonl")
    assert forced.exit_code == 0 and forced.stderr == "", forced.output
    assert read_jsonl(tmp_path / "batch" / "S_PV.7050.jsonl")


def test_the_library_refuses_a_partner_cut_short_unless_unchecked():
    zh, ar = ZH_7050.read_text(encoding="utf-8"), AR_7050.read_text(encoding="utf-8")
    with pytest.raises(aligner.Mismatch, match="the Chinese starts late: the first"):
        aligner.align(zh[len(zh) // 4:], ar)
    assert aligner.align(zh[len(zh) // 4:], ar, check=False).beads


def test_no_pair_found_lists_each_file_and_why(tmp_path):
    write(tmp_path / "in" / "S_PV.1_zh.txt", ZH)
    write(tmp_path / "in" / "notes.txt", ENGLISH)
    write(tmp_path / "in" / "old.tsv", "zh\tar\n")
    line = one_line_error(run("batch", tmp_path / "in", "-o", tmp_path / "out"), "no Chinese–Arabic pair found")
    assert "S_PV.1_zh.txt: no Arabic partner for S/PV.1" in line
    assert "notes.txt: no language tag" in line and "old.tsv: a .tsv file" in line


def test_a_swapped_manifest_row_names_the_line_and_its_columns(tmp_path):
    write(tmp_path / "in" / "a.txt", ZH)
    write(tmp_path / "in" / "b.txt", AR)
    manifest = write(tmp_path / "pairs.tsv", "zh_path\tar_path\tid\nb.txt\ta.txt\tX\n")
    result = run("batch", tmp_path / "in", "-o", tmp_path / "out", "--manifest", manifest, "-q")
    assert result.exit_code == 1
    error = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["pairs"][0]["error"]
    assert error.startswith("pairs.tsv:2: the zh_path column (b.txt) holds Arabic and the ar_path column (a.txt) Chinese")
    assert "swap the two columns" in error


def test_batch_of_a_file_or_into_a_file_says_what_to_give(pair, tmp_path):
    one_line_error(run("batch", pair[0], "-o", tmp_path / "out"), "is a file; give the folder that holds the pairs")
    afile = write(tmp_path / "afile", "")
    one_line_error(run("batch", tmp_path, "-o", afile), "afile: is a file, not a folder")


def test_batch_says_nothing_under_q_when_all_goes_well(pair, tmp_path):
    """-q is quiet as cp or rsync -q are: a clean run prints nothing, on stdout or stderr."""
    result = run("batch", pair[0].parent, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["counts"] == {"ok": 1}
    again = run("batch", pair[0].parent, "-o", tmp_path / "out", "-q")  # every pair skipped: done, so still silent
    assert again.exit_code == 0 and again.stdout == "" and again.stderr == ""


def test_batch_shows_the_warnings_about_its_outputs_under_q_too(pair, tmp_path, monkeypatch):
    """As align does: the warnings about a file written (a TMX segment too long for CAT tools) are shown
    with -q or without; the pairs run in this process so that the lowered limit applies to them."""
    monkeypatch.setattr(tmx, "MAX_SEGMENT_CHARS", 5)
    monkeypatch.setattr(batching, "run", lambda pairs, out_dir, formats, jobs, dask, per_pair: (
        batching.align_pair(p, out_dir, formats, per_pair) for p in pairs))
    for options in ([], ["-q"]):
        result = run("batch", pair[0].parent, "-o", tmp_path / "out", "--format", "tmx", "--redo", *options)
        assert result.exit_code == 0, result.output
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
        assert warnings and all(w.startswith("warning: S_PV.1: translation unit ") for w in warnings)
        assert all("more than the 5" in w for w in warnings)
        if options:
            assert result.stderr.splitlines() == warnings


# --- 4. overrides for the checks ------------------------------------------------------------


def test_force_lets_a_chinese_file_with_an_english_annex_through(tmp_path):
    zh = write(tmp_path / "zh.txt", ZH + "Annex\n" + ENGLISH * 6)
    ar = write(tmp_path / "ar.txt", AR)
    one_line_error(run("align", zh, ar, "-o", tmp_path / "out.tsv"), "zh.txt", "Latin-script", "--force")
    forced = run("align", zh, ar, "-o", tmp_path / "out.jsonl", "--force", "-q")
    assert forced.exit_code == 0, forced.output
    assert "Annex" in "".join(b["zh"] for b in read_jsonl(tmp_path / "out.jsonl"))
    in_batch = run("batch", tmp_path, "-o", tmp_path / "batch", "--force", "-q")
    assert in_batch.exit_code == 0, in_batch.output


def test_segment_tells_the_language_without_lang(tmp_path):
    told = run("segment", write(tmp_path / "a.txt", AR), "--jsonl")
    given = run("segment", tmp_path / "a.txt", "--lang", "ar", "--jsonl")
    assert told.exit_code == 0 and told.stdout == given.stdout and len(told.stdout.splitlines()) >= 3
    one_line_error(run("segment", write(tmp_path / "e.txt", ENGLISH)), "e.txt", "expected Chinese or Arabic text")


# --- 5. output names and summaries -------------------------------------------------------------


def test_output_folder_with_several_formats_names_files_after_the_input(pair, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = run("align", *pair, "-o", f"{out}/", "--format", "tsv,jsonl,moses", "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["S_PV.1.ar", "S_PV.1.jsonl", "S_PV.1.tsv", "S_PV.1.zh"]


def test_output_with_an_extension_and_several_formats(pair, tmp_path):
    result = run("align", *pair, "-o", tmp_path / "x.tsv", "--format", "tsv,jsonl", "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("x*")) == ["x.jsonl", "x.tsv"]


def test_format_disagreeing_with_the_extension_is_refused(pair, tmp_path):
    one_line_error(run("align", *pair, "-o", tmp_path / "x.tsv", "--format", "jsonl"),
                   "x.tsv", "the extension says tsv, but --format says jsonl")
    assert not list(tmp_path.glob("x*"))


def test_summary_gives_the_beads_written_after_filtering(pair, tmp_path):
    result = run("align", *pair, "-o", tmp_path / "out.jsonl", "--min-score", "0.99", "--drop-unaligned")
    assert result.exit_code == 0, result.output
    written = len(read_jsonl(tmp_path / "out.jsonl"))
    found = int(re.search(r"^ *beads +(\d+)", result.stderr, re.M).group(1))
    assert int(re.search(r"beads written +(\d+)", result.stderr).group(1)) == written < found
    assert "beads written" not in run("align", *pair, "-o", tmp_path / "all.jsonl").stderr


def test_q_hides_the_summary_not_the_warnings_about_the_output(pair, tmp_path, monkeypatch):
    monkeypatch.setattr(tmx, "MAX_SEGMENT_CHARS", 10)
    result = run("align", *pair, "-o", tmp_path / "out.tmx", "-q")
    assert result.exit_code == 0, result.output
    assert "more than the 10 many CAT tools accept" in result.stderr and "mean score" not in result.stderr


@pytest.fixture(scope="module")
def filtered_run(tmp_path_factory):
    """The sample pair written with --min-score and its --report."""
    d = tmp_path_factory.mktemp("filtered")
    result = run("align", ZH_7050, AR_7050, "-o", d / "out.jsonl", "--min-score", "0.9", "--report", d / "moves.json", "-q")
    assert result.exit_code == 0, result.output
    return read_jsonl(d / "out.jsonl"), json.loads((d / "moves.json").read_text(encoding="utf-8"))


def test_report_bead_numbers_index_the_written_file(filtered_run):
    beads, moves = filtered_run
    assert len(moves) > 50
    for move in moves:
        bead = beads[move["bead"]]
        assert bead.get("moved") and (bead["zh_lines"], bead["ar_lines"]) == (move["zh_lines"], move["ar_lines"])
        assert move["placed_after_bead"] == move["bead"] - 1
    assert len(moves) == sum(1 for b in beads if b.get("moved"))


def test_score_of_another_document_says_so(tmp_path):
    zh, ar = write(tmp_path / "zh.txt", ZH), write(tmp_path / "ar.txt", AR)
    assert run("align", zh, ar, "-o", tmp_path / "gold.jsonl", "-q").exit_code == 0
    other_zh = [line for line in (SAMPLES / "GA_draft_resolution_zh.txt").read_text(encoding="utf-8").splitlines() if line]
    pred = write(tmp_path / "other.jsonl", "".join(json.dumps({"zh": z, "ar": ""}, ensure_ascii=False) + "\n"
                                                   for z in other_zh[:20]))
    one_line_error(run("score", "--gold", tmp_path / "gold.jsonl", "--pred", pred, "--zh-src", zh, "--ar-src", ar),
                   "other.jsonl", "no predicted text found in the sources")
    assert run("score", "--gold", tmp_path / "gold.jsonl", "--pred", tmp_path / "gold.jsonl", "--zh-src", zh,
               "--ar-src", ar).exit_code == 0


# --- 6. exit codes, and the README's usage section ------------------------------------------------


def test_exit_codes_are_in_the_help_and_the_readme():
    readme = usage_section()
    for args in ([], ["align"], ["batch"]):
        shown = " ".join(run(*args, "--help").stdout.split())
        for code in ("0 all done", "1 some pairs failed", "2 usage or input error", "130", "143"):
            assert code in shown, (args, code)
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 130 |", "| 143 |"):
        assert code in readme


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_run_exits_130_or_143_with_one_line_and_no_output(tmp_path, signum, code):
    long_zh = write(tmp_path / "zh.txt", ZH_7050.read_text(encoding="utf-8") * 10)
    long_ar = write(tmp_path / "ar.txt", AR_7050.read_text(encoding="utf-8") * 10)
    proc = subprocess.Popen([sys.executable, "-m", "aligner", "align", long_zh, long_ar, "-o", tmp_path / "out.tsv"],
                            stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    assert proc.poll() is None, proc.stderr.read()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1] == f"aligner: interrupted by {signal.Signals(signum).name}"
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == ["ar.txt", "zh.txt"]


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_to_the_process_group_is_reported_once(tmp_path, signum, code):
    """`timeout`, `kill -- -PGID` and Ctrl-C signal the whole process group, the child that prepares
    the Arabic too (aligner/background.py): it ends quietly and the command says it once."""
    long_zh = write(tmp_path / "zh.txt", ZH_7050.read_text(encoding="utf-8") * 3)
    long_ar = write(tmp_path / "ar.txt", AR_7050.read_text(encoding="utf-8") * 3)
    proc = subprocess.Popen([sys.executable, "-m", "aligner", "align", long_zh, long_ar, "-o", tmp_path / "out.tsv"],
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 60
    while proc.poll() is None and not children.read_text().split() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, proc.stderr.read()
    os.kill(int(children.read_text().split()[0]), signum)  # the group's signal reaches the child first here:
    time.sleep(0.5)  # it used to say "interrupted" as well, whenever it ran Python code at that moment
    os.killpg(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert err.count("interrupted by") == 1 and "Traceback" not in err, err
    assert sorted(os.listdir(tmp_path)) == ["ar.txt", "zh.txt"]


def usage_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Usage")
    return text[start:text.index("\n## ", start + 1)]


def test_every_option_of_every_command_is_in_the_readme_usage_section():
    """Walk each command's --help; every option it lists appears in the README's usage section."""
    readme = usage_section()
    group = typer.main.get_command(cli.app)
    commands = {"": group, **group.commands}
    for name, cmd in commands.items():
        shown = run(*([name] if name else []), "--help").stdout
        for param in cmd.params:
            if param.param_type_name != "option":
                continue
            for opt in param.opts:
                assert opt in shown, (name, opt)
                assert re.search(rf"`[^`]*{re.escape(opt)}(?![\w-])[^`]*`", readme), f"README usage lacks {name} {opt}"
        assert f"aligner {name}" in readme
