"""Batch alignment (aligner/batch.py, `aligner batch`) and the mismatch guard (aligner/guard.py).

Aligning the real sample pair takes seconds, so the real pair runs in one
module-scoped batch (twice, under two naming styles, in parallel) and once on a
Dask cluster; everything else uses small synthetic texts.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hostile import presentation_forms, with_controls
from typer.testing import CliRunner

from aligner import batch as batching
from aligner import write as write_module
from aligner.cli import app
from aligner.guard import check_same_document, first_page_symbol, meetings
from aligner.read import InputError

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
ZH_7050, AR_7050, ZH_7796 = SAMPLES / "S_PV.7050_zh.txt", SAMPLES / "S_PV.7050_ar.txt", SAMPLES / "S_PV.7796_zh.txt"
ZH_SMALL = "主席（以英语发言）：我宣布会议开始。\n议程通过。\n"
AR_SMALL = "الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة.\nأقر جدول الأعمال.\n"
FORMATS = "tsv,jsonl"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)  # copyfile: the samples are read-only, the copies need not be
    return dst


def run_cli(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, expected", [
    ("S_PV.7050_ZH.txt", ("zh", "S_PV.7050")),
    ("S-PV-7050-ar.txt", ("ar", "S-PV-7050")),
    ("S_PV.7050.zh.txt", ("zh", "S_PV.7050")),
    ("A_RES_67_264_C.txt", ("zh", "A_RES_67_264")),
    ("A_RES_67_264_A.txt", ("ar", "A_RES_67_264")),
    ("report_Ar", ("ar", "report")),
    ("S_PV.7050.txt", None),
    ("bazaar.txt", None),
])
def test_language_tag(name, expected):
    assert batching.language_tag(name) == expected


@pytest.mark.parametrize("base, expected", [
    ("S_PV.7050", "S/PV.7050"),
    ("S-PV-7050", "S/PV.7050"),
    ("s_pv_7050", "S/PV.7050"),
    ("A_RES_67_264", "A/RES/67/264"),
    ("A-67-L.5-Rev.1", "A/67/L.5/Rev.1"),
    ("a_67_l_5_rev_1", "A/67/L.5/Rev.1"),
    ("S_PRST_2013_16", "S/PRST/2013/16"),
    ("GA_draft_resolution", None),
    ("notes", None),
])
def test_symbol_from_name(base, expected):
    assert batching.symbol_from_name(base) == expected


def test_symbol_on_the_first_page_pairs_files_whose_names_differ(tmp_path):
    """UN job-number names differ by language; the cover page says which document it is."""
    write(tmp_path / "N1334567_C.txt", "安全理事会\n第六十八年\n第七〇五〇次会议\n" + ZH_SMALL)
    write(tmp_path / "N1334590_A.txt", "مجلس الأمن\nالسنة الثامنة والستون\nالجلسة ٧٠٥٠\n" + AR_SMALL)
    write(tmp_path / "letter_zh.txt", "S/2013/588\n" + ZH_SMALL)
    write(tmp_path / "cover-ar.txt", "S/2013/588\n" + AR_SMALL)
    pairs, unpaired = batching.find_pairs(tmp_path)
    assert [(p.id, p.zh.name, p.ar.name) for p in pairs] == [
        ("S_2013_588", "letter_zh.txt", "cover-ar.txt"),
        ("S_PV.7050", "N1334567_C.txt", "N1334590_A.txt"),
    ]
    assert unpaired == []


def test_same_base_name_pairs_when_the_symbol_is_on_one_first_page_only(tmp_path):
    write(tmp_path / "notes_zh.txt", "S/2013/588\n" + ZH_SMALL)
    write(tmp_path / "notes_ar.txt", AR_SMALL)
    pairs, unpaired = batching.find_pairs(tmp_path)
    assert [(p.id, p.zh.name, p.ar.name) for p in pairs] == [("notes", "notes_zh.txt", "notes_ar.txt")]
    assert unpaired == []


def test_unpaired_files_say_why(tmp_path):
    write(tmp_path / "S_PV.1_zh.txt", ZH_SMALL)
    write(tmp_path / "S-PV-1-zh.txt", ZH_SMALL)
    write(tmp_path / "S_PV.1_ar.txt", AR_SMALL)
    write(tmp_path / "S_PV.2_ar.txt", AR_SMALL)
    write(tmp_path / "README.md", "notes")
    write(tmp_path / ".hidden_zh.txt", ZH_SMALL)
    pairs, unpaired = batching.find_pairs(tmp_path)
    assert [(p.id, p.zh.name, p.ar.name) for p in pairs] == [("S_PV.1", "S_PV.1_zh.txt", "S_PV.1_ar.txt")]  # same base name
    reasons = {Path(u["file"]).name: u["reason"] for u in unpaired}
    assert set(reasons) == {"S-PV-1-zh.txt", "S_PV.2_ar.txt", "README.md"}
    assert reasons["S-PV-1-zh.txt"] == ("2 Chinese and 1 Arabic files for S/PV.1 (S-PV-1-zh.txt, S_PV.1_zh.txt, "
                                        "S_PV.1_ar.txt); S_PV.1_zh.txt + S_PV.1_ar.txt pair by name, this one with none: "
                                        "pair them with --manifest")
    assert reasons["S_PV.2_ar.txt"] == "no Chinese partner for S/PV.2"
    assert "no language tag" in reasons["README.md"]
    whys = {Path(u["file"]).name: u["why"] for u in unpaired}
    assert whys["S-PV-1-zh.txt"] == "ambiguous" and whys["S_PV.2_ar.txt"] == "unpaired"


def test_names_that_differ_in_separators_are_two_pairs(tmp_path):
    """S_PV.1 and S-PV-1 say the same symbol, but they are two files each: two pairs, each under its own name."""
    for name, text in (("S_PV.1_zh.txt", ZH_SMALL), ("S_PV.1_ar.txt", AR_SMALL), ("S-PV-1-zh.txt", ZH_SMALL),
                       ("S-PV-1-ar.txt", AR_SMALL)):
        write(tmp_path / name, text)
    pairs, unpaired = batching.find_pairs(tmp_path)
    assert [(p.id, p.zh.name, p.ar.name, p.document) for p in pairs] == [
        ("S-PV-1", "S-PV-1-zh.txt", "S-PV-1-ar.txt", "S/PV.1"), ("S_PV.1", "S_PV.1_zh.txt", "S_PV.1_ar.txt", "S/PV.1")]
    assert unpaired == []


def test_files_no_name_pairs_are_each_left_out_as_ambiguous(tmp_path):
    """Two files of each language for one symbol, no name in common: which goes with which cannot be told."""
    for name, text in (("S_PV.1_zh.txt", ZH_SMALL), ("S_PV.1_ar.txt", AR_SMALL), ("minutes_zh.txt", "S/PV.1\n" + ZH_SMALL),
                       ("record_ar.txt", "S/PV.1\n" + AR_SMALL)):
        write(tmp_path / name, text)
    pairs, unpaired = batching.find_pairs(tmp_path)
    assert [(p.id, p.zh.name, p.ar.name) for p in pairs] == [("S_PV.1", "S_PV.1_zh.txt", "S_PV.1_ar.txt")]
    assert [(Path(u["file"]).name, u["why"]) for u in unpaired] == [("minutes_zh.txt", "ambiguous"), ("record_ar.txt", "ambiguous")]
    assert all("2 Chinese and 2 Arabic files for S/PV.1" in u["reason"] for u in unpaired)
    assert not batching.succeeded([{"status": "ok"}], unpaired) and batching.succeeded([{"status": "ok"}], [])


def test_output_folder_inside_the_input_is_not_paired(tmp_path):
    write(tmp_path / "S_PV.1_zh.txt", ZH_SMALL)
    write(tmp_path / "S_PV.1_ar.txt", AR_SMALL)
    write(tmp_path / "out" / "S_PV.1.tsv", "zh\tar\n")
    pairs, unpaired = batching.find_pairs(tmp_path, exclude=tmp_path / "out")
    assert [p.id for p in pairs] == ["S_PV.1"] and unpaired == []


def test_manifest_overrides_the_names(tmp_path):
    write(tmp_path / "a.txt", ZH_SMALL)
    write(tmp_path / "b.txt", AR_SMALL)
    write(tmp_path / "S_PV.7_zh.txt", ZH_SMALL)
    manifest = write(tmp_path / "pairs.tsv", "zh_path\tar_path\tid\n# a comment\na.txt\tb.txt\tS/2013/588\nS_PV.7_zh.txt\tb.txt\n")
    pairs = batching.read_manifest(manifest, tmp_path)
    assert [(p.id, p.zh.name, p.ar.name) for p in pairs] == [("S_2013_588", "a.txt", "b.txt"), ("S_PV.7", "S_PV.7_zh.txt", "b.txt")]


@pytest.mark.parametrize("content, message", [
    ("a.txt\n", "expected zh_path<TAB>ar_path"),
    ("a.txt\tb.txt\tX\nc.txt\td.txt\tX\n", "the id X names more than one pair"),
])
def test_bad_manifest_is_a_usage_error(tmp_path, content, message):
    manifest = write(tmp_path / "pairs.tsv", content)
    with pytest.raises(InputError, match=message):
        batching.read_manifest(manifest, tmp_path)
    result = run_cli("batch", tmp_path, "-o", tmp_path / "out", "--manifest", manifest)
    assert result.exit_code == 2 and message.split("<")[0] in result.output


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("batch", tmp_path / "missing", "-o", tmp_path / "out").exit_code == 2
    write(tmp_path / "in" / "S_PV.1_zh.txt", ZH_SMALL)
    assert run_cli("batch", tmp_path / "in", "-o", tmp_path / "out").exit_code == 2  # no pair at all
    write(tmp_path / "in" / "S_PV.1_ar.txt", AR_SMALL)
    result = run_cli("batch", tmp_path / "in", "-o", tmp_path / "out", "--format", "tsv,docx")
    assert result.exit_code == 2 and "docx" in result.output


def test_plan_skips_finished_pairs_unless_forced(tmp_path):
    pair = batching.Pair("S_PV.1", tmp_path / "z", tmp_path / "a")
    write(tmp_path / "S_PV.1.tsv", "")
    assert batching.plan([pair], tmp_path, ["tsv", "jsonl"]) == ([pair], [])  # the .jsonl is missing
    write(tmp_path / "S_PV.1.jsonl", "")
    todo, skipped = batching.plan([pair], tmp_path, ["tsv", "jsonl"])
    assert todo == [] and [e["status"] for e in skipped] == ["skipped"]
    assert batching.plan([pair], tmp_path, ["tsv", "jsonl"], force=True) == ([pair], [])


def test_a_write_that_fails_leaves_no_file(tmp_path, monkeypatch):
    """An interrupted write (here: a writer that dies half-way) leaves no broken output behind."""
    def broken(recs, out, info):
        out.write("zh\tar\n")
        raise OSError("disk full")

    monkeypatch.setitem(write_module.WRITERS, "tsv", broken)
    pair = batching.Pair("S_PV.1", write(tmp_path / "in" / "z.txt", ZH_SMALL), write(tmp_path / "in" / "a.txt", AR_SMALL))
    entry = batching.align_pair(pair, tmp_path / "out", ["tsv"])
    assert entry["status"] == "error" and "disk full" in entry["error"]
    assert list((tmp_path / "out").iterdir()) == []


# --- the guard ---------------------------------------------------------------------------------


def test_guard_accepts_the_real_pair():
    assert check_same_document(ZH_7050.read_text(encoding="utf-8"), AR_7050.read_text(encoding="utf-8")) is None


def test_guard_refuses_another_meeting():
    reason = check_same_document(ZH_7796.read_text(encoding="utf-8"), AR_7050.read_text(encoding="utf-8"))
    assert reason and "meeting 7796" in reason and "7050" in reason


def test_guard_reads_meeting_numbers_in_every_script():
    assert meetings(ZH_7050.read_text(encoding="utf-8"), "zh") == {"7050"}  # 第七〇五〇次会议
    assert meetings(AR_7050.read_text(encoding="utf-8"), "ar") == {"7050"}  # الجلسة ٧٠٥٠
    assert meetings(ZH_7796.read_text(encoding="utf-8"), "zh") == {"7796"}  # page heads 'S/PV.7796 ...'
    assert first_page_symbol(AR_7050.read_text(encoding="utf-8"), "ar") == "S/PV.7050"


def test_guard_reads_through_presentation_forms_and_invisible_marks():
    strewn = with_controls(presentation_forms(AR_7050.read_text(encoding="utf-8")))
    assert meetings(strewn, "ar") == {"7050"}
    assert first_page_symbol(strewn, "ar") == "S/PV.7050"
    reason = check_same_document(ZH_7796.read_text(encoding="utf-8"), strewn)
    assert reason and "meeting 7796" in reason and "7050" in reason


@pytest.mark.parametrize("zh, ar", [
    (ZH_SMALL, AR_SMALL),
    ("议程通过。", "أقر جدول الأعمال."),
    ("2013年10月28日", "الاثنين"),
    ("第七〇五〇次会议\n" + ZH_SMALL, AR_SMALL),  # evidence on one side only
    ("A/67/L.5/Rev.1\n" + ZH_SMALL, "A/67/L.5\n" + AR_SMALL),  # the converter lost the end of a symbol
])
def test_guard_accepts_short_texts_without_evidence(zh, ar):
    assert check_same_document(zh, ar) is None


@pytest.mark.parametrize("zh, ar, words", [
    ("第七〇五〇次会议\n" + ZH_SMALL, "الجلسة ٧٧٩٦\n" + AR_SMALL, "meeting 7050"),
    ("A/67/L.6\n" + ZH_SMALL, "A/67/L.5\n" + AR_SMALL, "document A/67/L.6 in the Chinese, A/67/L.5 in the Arabic"),
    ("2013年10月28日星期一上午10时举行\n" + ZH_SMALL, "الاثنين، ٢٨ تشرين الأول/أكتوبر ٢٠١٤، الساعة ١٠/٠٠\n" + AR_SMALL,
     "meeting date 2013-10"),
    (ZH_SMALL, AR_SMALL * 40, "times as long"),
    (ZH_SMALL * 60, AR_SMALL, "times as long"),
])
def test_guard_refuses_contradicting_evidence(zh, ar, words):
    reason = check_same_document(zh, ar)
    assert reason and words in reason


def test_align_refuses_a_mismatch_unless_forced(tmp_path):
    zh = write(tmp_path / "zh.txt", "第七〇五〇次会议\n" + ZH_SMALL)
    ar = write(tmp_path / "ar.txt", "الجلسة ٧٧٩٦\n" + AR_SMALL)
    out = tmp_path / "out.tsv"
    refused = run_cli("align", zh, ar, "-o", out)
    assert refused.exit_code == 2 and not out.exists()
    assert len(refused.output.strip().splitlines()) == 1 and "--force" in refused.output
    assert run_cli("align", zh, ar, "-o", out, "--force", "-q").exit_code == 0 and out.exists()


def test_a_long_mismatched_pair_is_refused_while_its_arabic_is_prepared_in_a_child(tmp_path):
    """The check runs while a forked child prepares the Arabic: the refusal still exits 2
    with one line, writes nothing, and leaves no child behind."""
    out = tmp_path / "out.tsv"
    before = _children()
    refused = run_cli("align", ZH_7796, AR_7050, "-o", out)
    assert refused.exit_code == 2 and not out.exists()
    assert len(refused.output.strip().splitlines()) == 1 and "meeting 7796" in refused.output
    assert _children() <= before


def _children() -> set[str]:
    """Process ids of this process's live children (Linux)."""
    return {pid for task in Path("/proc/self/task").glob("*") for pid in (task / "children").read_text().split()}


# --- a whole batch -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def in_dir(tmp_path_factory) -> Path:
    """The real pair under two naming styles, a mismatched pair, a pair with an empty file, a PDF named .txt,
    a lone file, an untagged one and the TSV outputs of an earlier run."""
    d = tmp_path_factory.mktemp("in")
    copy(ZH_7050, d / "S_PV.7050_ZH.txt")
    copy(AR_7050, d / "S_PV.7050_AR.txt")
    copy(ZH_7050, d / "sub" / "S-PV-7050-zh.txt")
    copy(AR_7050, d / "sub" / "S-PV-7050-ar.txt")
    copy(ZH_7796, d / "S_PV.9999_zh.txt")
    copy(AR_7050, d / "S_PV.9999_ar.txt")
    write(d / "S_PV.8001_zh.txt", "")
    write(d / "S_PV.8001_ar.txt", AR_SMALL)
    write(d / "S_PV.8003_zh.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    write(d / "units_zh.tsv", "zh\tar\n" + ZH_SMALL.replace("\n", "\t\n"))
    write(d / "units_ar.tsv", "zh\tar\n" + AR_SMALL.replace("\n", "\t\n"))
    write(d / "S_PV.8002_ar.txt", AR_SMALL)
    write(d / "notes.txt", "not a document")
    return d


@pytest.fixture(scope="module")
def first_run(in_dir, tmp_path_factory):
    """(output folder, exit code, report, output mtimes) of the first local batch."""
    out = tmp_path_factory.mktemp("out")
    result = run_cli("batch", in_dir, "-o", out, "--format", FORMATS, "--jobs", "2")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != "report.json"}
    return out, result, report, mtimes


def by_id(report: dict) -> dict[str, dict]:
    return {e["id"]: e for e in report["pairs"]}


def test_batch_reports_each_pair(first_run):
    _, result, report, _ = first_run
    assert result.exit_code == 1, result.output
    pairs = by_id(report)
    assert {i: e["status"] for i, e in pairs.items()} == {
        "S_PV.7050": "ok", "sub/S_PV.7050": "ok", "S_PV.9999": "mismatch", "S_PV.8001": "error",
    }
    assert "meeting 7796" in pairs["S_PV.9999"]["error"]
    assert "empty" in pairs["S_PV.8001"]["error"]
    ok = pairs["S_PV.7050"]
    assert ok["beads"] > 500 and 0.5 < ok["mean_score"] <= 1 and ok["seconds"] > 0 and ok["error"] is None
    assert set(ok["unaligned"]) == {"zh", "ar"} and ok["moved"] >= 0
    assert report["counts"] == {"error": 1, "mismatch": 1, "ok": 2}
    left_out = {Path(u["file"]).name: u["why"] for u in report["unpaired"]}
    assert left_out == {"S_PV.8002_ar.txt": "unpaired", "notes.txt": "unpaired", "S_PV.8003_zh.txt": "not text",
                        "units_zh.tsv": "earlier output", "units_ar.tsv": "earlier output"}


def test_batch_writes_outputs_named_by_symbol(first_run):
    out, _, _, _ = first_run
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == ["S_PV.7050.jsonl", "S_PV.7050.tsv", "report.json", "sub/S_PV.7050.jsonl", "sub/S_PV.7050.tsv"]
    assert (out / "S_PV.7050.tsv").read_bytes() == (out / "sub" / "S_PV.7050.tsv").read_bytes()
    assert (out / "S_PV.7050.tsv").read_text(encoding="utf-8").startswith("zh\tar\tscore")


def test_second_run_skips_finished_pairs(in_dir, first_run):
    out, _, _, mtimes = first_run
    again = run_cli("batch", in_dir, "-o", out, "--format", FORMATS, "--jobs", "2")
    assert again.exit_code == 1  # the mismatch and the empty file are tried again, and fail again
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    statuses = {i: e["status"] for i, e in by_id(report).items()}
    assert statuses == {"S_PV.7050": "skipped", "sub/S_PV.7050": "skipped", "S_PV.9999": "mismatch", "S_PV.8001": "error"}
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes


def test_dask_cluster_gives_the_same_outputs(in_dir, first_run, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    local_out = first_run[0]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        result = run_cli("batch", in_dir, "-o", tmp_path, "--format", FORMATS, "--dask", cluster.scheduler_address)
    assert result.exit_code == 1, result.output
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert {i: e["status"] for i, e in by_id(report).items()} == {i: e["status"] for i, e in by_id(first_run[2]).items()}
    outputs = sorted(p.relative_to(local_out) for p in local_out.rglob("*.*") if p.name != "report.json")
    assert outputs and outputs == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.*") if p.name != "report.json")
    for rel in outputs:
        assert (tmp_path / rel).read_bytes() == (local_out / rel).read_bytes(), rel


def test_unreachable_dask_scheduler_is_a_usage_error(tmp_path):
    dask = pytest.importorskip("dask")
    pytest.importorskip("dask.distributed")
    write(tmp_path / "in" / "S_PV.1_zh.txt", ZH_SMALL)
    write(tmp_path / "in" / "S_PV.1_ar.txt", AR_SMALL)
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = run_cli("batch", tmp_path / "in", "-o", tmp_path / "out", "--dask", "tcp://127.0.0.1:9")
    assert result.exit_code == 2 and "Dask scheduler" in result.output
