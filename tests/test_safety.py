"""Nothing is lost or overwritten by mistake: outputs never replace inputs, special
files or each other; batches give every pair its own output, stop cleanly on a
signal and resume only what still stands; inputs that used to slip through are
refused. One test (or more) per row of the "What happens when…" table in README.md.

The signal, pipe, FIFO and /proc cases run the real command in a subprocess.
"""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_bad_input import AR, ENGLISH, ZH, refused, run, write

import aligner
from aligner import batch as batching
from aligner.cache import cached_file
from aligner.evaluate import load_beads
from aligner.records import read_jsonl

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
ZH_7050, AR_7050, ZH_7796 = SAMPLES / "S_PV.7050_zh.txt", SAMPLES / "S_PV.7050_ar.txt", SAMPLES / "S_PV.7796_zh.txt"


def put(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write(path, text, encoding)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return put(tmp_path / "zh.txt", ZH), put(tmp_path / "ar.txt", AR)


def aligner_process(*args: object, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "aligner", *map(str, args)], text=True, **options)


def leftovers(folder: Path) -> list[str]:
    """Temp files an interrupted or refused write would leave."""
    return [p.name for p in folder.rglob(".*") if p.is_file()]


# --- 1. -o never replaces a symlink, a device or a FIFO -------------------------------------------


def test_a_symlinked_output_is_written_through_to_its_target(pair, tmp_path):
    target = put(tmp_path / "elsewhere" / "real.tsv", "previous\n")
    target.chmod(0o640)
    link = tmp_path / "link.tsv"
    link.symlink_to(target)
    assert run("align", *pair, "-o", link, "-q").exit_code == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith("zh\tar\tscore")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file keeps its permissions
    assert leftovers(tmp_path) == []


def test_a_dangling_symlink_creates_its_target(pair, tmp_path):
    link = tmp_path / "link.jsonl"
    link.symlink_to(tmp_path / "new.jsonl")
    assert run("align", *pair, "-o", link, "-q").exit_code == 0
    assert link.is_symlink() and (tmp_path / "new.jsonl").read_text(encoding="utf-8").startswith('{"id": 0, ')


def test_a_device_output_is_written_in_place(pair, tmp_path):
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root")
    result = run("align", *pair, "-o", node, "--format", "tsv", "-q")
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(node.stat().st_mode)
    assert leftovers(tmp_path) == []


def test_a_fifo_output_is_streamed(pair, tmp_path):
    fifo = tmp_path / "out.tsv"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    try:
        assert run("align", *pair, "-o", fifo, "-q").exit_code == 0
        received, _ = reader.communicate(timeout=60)
    finally:
        reader.kill()
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received.startswith("zh\tar\tscore") and len(received.splitlines()) > 2


def test_proc_self_fd_1_is_standard_output(pair):
    done = aligner_process("align", *pair, "-o", "/proc/self/fd/1", "--format", "tsv", "-q",
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert out.startswith("zh\tar\tscore") and len(out.splitlines()) > 2


# --- 2. an output never replaces an input ---------------------------------------------------------


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_output_equal_to_an_input_is_refused(pair, tmp_path, spelling):
    zh, ar = pair
    out = {"same": zh, "dotted": tmp_path / "." / "zh.txt", "symlink": tmp_path / "alias.txt"}[spelling]
    if spelling == "symlink":
        out.symlink_to(zh)
    refused(run("align", zh, ar, "-o", out, "--format", "tsv"), "would replace the input", "zh.txt")
    assert zh.read_text(encoding="utf-8") == ZH


def test_moses_prefix_beside_its_inputs_is_refused(tmp_path):
    zh, ar = put(tmp_path / "doc.zh", ZH), put(tmp_path / "doc.ar", AR)
    refused(run("align", zh, ar, "--format", "moses", "-o", tmp_path / "doc"), "doc.zh", "would replace the input")
    assert (zh.read_text(encoding="utf-8"), ar.read_text(encoding="utf-8")) == (ZH, AR)


def test_report_equal_to_an_input_is_refused(pair, tmp_path):
    refused(run("align", *pair, "-o", tmp_path / "out.tsv", "--report", pair[1]), "--report", "would replace the input")
    assert pair[1].read_text(encoding="utf-8") == AR and not (tmp_path / "out.tsv").exists()


def test_batch_into_its_input_folder_is_refused(tmp_path):
    put(tmp_path / "S_PV.1_zh.txt", ZH)
    put(tmp_path / "S_PV.1_ar.txt", AR)
    manifest = put(tmp_path / "pairs.tsv", "S_PV.1_zh.txt\tS_PV.1_ar.txt\tS_PV.1_zh\n")  # output S_PV.1_zh.tsv
    refused(run("batch", tmp_path, "-o", tmp_path, "--redo", "--manifest", manifest), "the output folder is the input folder")


def test_batch_output_equal_to_a_manifest_input_is_refused(tmp_path):
    zh = put(tmp_path / "out" / "S_PV.1.tsv", ZH)  # a Chinese text that happens to sit where the output goes
    put(tmp_path / "in" / "S_PV.1_ar.txt", AR)
    manifest = put(tmp_path / "pairs.tsv", "../out/S_PV.1.tsv\tS_PV.1_ar.txt\tS_PV.1\n")
    refused(run("batch", tmp_path / "in", "-o", tmp_path / "out", "--redo", "--manifest", manifest),
            "would replace the input", "S_PV.1.tsv")
    assert zh.read_text(encoding="utf-8") == ZH


# --- 3. outputs never collide with each other -----------------------------------------------------


@pytest.mark.parametrize("args, words", [
    (["-o", "{d}/same.tsv", "--report", "{d}/same.tsv"], "are the same file"),
    (["-o", "{d}/p", "--format", "tsv,jsonl", "--report", "{d}/p.tsv"], "are the same file"),
    (["-o", "-", "--report", "-"], "both write to standard output"),
])
def test_outputs_that_are_one_file_are_refused(pair, tmp_path, args, words):
    result = run("align", *pair, *[a.format(d=tmp_path) for a in args])
    refused(result, words)
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ar.txt", "zh.txt"]


# --- 4. two pairs never share an output -----------------------------------------------------------


def test_one_document_under_two_naming_styles_is_two_pairs_and_no_file_is_dropped(tmp_path):
    """S_PV.7_zh/_ar and S-PV-7-zh/-ar: the names say the same symbol, but they are two pairs of files,
    each aligned and written under its own name; under -q a clean run says nothing."""
    for name, text in (("S_PV.7_zh.txt", ZH), ("S_PV.7_ar.txt", AR), ("S-PV-7-zh.txt", ZH), ("S-PV-7-ar.txt", AR)):
        put(tmp_path / "in" / name, text)
    result = run("batch", tmp_path / "in", "-o", tmp_path / "out", "--jobs", "1", "-q")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [(e["id"], e["status"], e["document"]) for e in report["pairs"]] == [("S-PV-7", "ok", "S/PV.7"),
                                                                                ("S_PV.7", "ok", "S/PV.7")]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.tsv")) == ["S-PV-7.tsv", "S_PV.7.tsv"]
    assert (tmp_path / "out" / "S-PV-7.tsv").read_bytes() == (tmp_path / "out" / "S_PV.7.tsv").read_bytes()
    assert report["unpaired"] == []


def test_files_the_pairing_cannot_tell_apart_fail_the_batch_and_are_named(tmp_path):
    """Two Chinese and two Arabic files for S/PV.7, and only S_PV.7_zh and S_PV.7_ar pair by name: that pair
    and S/PV.8 are aligned, the other two files left out, the run exits 1, and even under -q each file left
    out is named with why."""
    for name, text in (("S_PV.7_zh.txt", ZH), ("S_PV.7_ar.txt", AR), ("minutes_zh.txt", "S/PV.7\n" + ZH),
                       ("record_ar.txt", "S/PV.7\n" + AR), ("S_PV.8_zh.txt", ZH), ("S_PV.8_ar.txt", AR)):
        put(tmp_path / "in" / name, text)
    result = run("batch", tmp_path / "in", "-o", tmp_path / "out", "--jobs", "1", "-q")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert [line.split(": ")[0] for line in lines] == [
        f"ambiguous {(tmp_path / 'in' / 'minutes_zh.txt').resolve()}", f"ambiguous {(tmp_path / 'in' / 'record_ar.txt').resolve()}",
        "report"]
    assert all("2 Chinese and 2 Arabic files for S/PV.7" in line and "--manifest" in line for line in lines[:2])
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [(e["id"], e["status"]) for e in report["pairs"]] == [("S_PV.7", "ok"), ("S_PV.8", "ok")]


def test_pairs_that_would_write_one_file_are_reported_and_not_aligned(tmp_path):
    first = batching.Pair("S_PV.7", put(tmp_path / "a_zh.txt", ZH), put(tmp_path / "a_ar.txt", AR))
    second = batching.Pair("S_PV.7", put(tmp_path / "b_zh.txt", ZH), put(tmp_path / "b_ar.txt", AR))
    other = batching.Pair("S_PV.8", first.zh, first.ar)
    todo, refused_entries = batching.refuse_clashes([first, second, other], [], tmp_path / "out", ["tsv"])
    assert todo == [other]
    assert [e["status"] for e in refused_entries] == ["error", "error"]
    assert all("would write the same output" in e["error"] for e in refused_entries)


# --- 5. a batch stopped by SIGTERM or Ctrl-C ------------------------------------------------------


def _children(pid: int) -> set[int]:
    return {int(c) for task in Path(f"/proc/{pid}/task").glob("*") for c in (task / "children").read_text().split()}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_batch_reaps_its_workers_and_writes_the_report(tmp_path, signum):
    in_dir, out = tmp_path / "in", tmp_path / "out"
    for k in range(4):
        put(in_dir / f"m{k}" / "S_PV.7050_zh.txt", ZH_7050.read_text(encoding="utf-8"))
        put(in_dir / f"m{k}" / "S_PV.7050_ar.txt", AR_7050.read_text(encoding="utf-8"))
    batch = aligner_process("batch", in_dir, "-o", out, "--jobs", "2", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not list(out.rglob("*.tsv")) and batch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)  # the first pair's output is written: give its result time to reach the parent
    workers = _children(batch.pid)
    assert batch.poll() is None and workers, "the batch ended before it could be interrupted"
    batch.send_signal(signum)
    _, err = batch.communicate(timeout=120)
    assert batch.returncode == 128 + signum, err
    assert "Traceback" not in err and f"interrupted by {signum.name}" in err
    deadline = time.monotonic() + 30
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    statuses = [e["status"] for e in report["pairs"]]
    assert len(statuses) == 4 and set(statuses) <= {"ok", "interrupted"} and "interrupted" in statuses and "ok" in statuses
    assert sorted(p.parent.name for p in out.rglob("*.tsv")) == sorted(e["id"].split("/")[0] for e in report["pairs"]
                                                                      if e["status"] == "ok")
    assert leftovers(out) == []
    if signum == signal.SIGTERM:  # a rerun resumes: the finished pairs are skipped, the rest aligned
        again = run("batch", in_dir, "-o", out, "--jobs", "2")
        assert again.exit_code == 0, again.output
        rerun = {e["id"]: e["status"] for e in json.loads((out / "report.json").read_text(encoding="utf-8"))["pairs"]}
        assert rerun == {e["id"]: "skipped" if e["status"] == "ok" else "ok" for e in report["pairs"]}


# --- 6. the output folder inside or equal to the input folder -------------------------------------


def test_an_output_folder_inside_the_input_is_stated_and_never_read(tmp_path):
    put(tmp_path / "S_PV.1_zh.txt", ZH)
    put(tmp_path / "S_PV.1_ar.txt", AR)
    put(tmp_path / "out" / "S_PV.2_zh.txt", ZH)  # already in the output folder: not an input
    put(tmp_path / "out" / "S_PV.2_ar.txt", AR)
    result = run("batch", tmp_path, "-o", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "inside" in result.stderr and "2 files are outputs and never read as inputs" in result.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [e["id"] for e in report["pairs"]] == ["S_PV.1"]
    assert report["excluded"] == {"folder": str(tmp_path / "out"), "files": 2}


def test_the_input_folder_as_output_is_refused(tmp_path):
    put(tmp_path / "S_PV.1_zh.txt", ZH)
    put(tmp_path / "S_PV.1_ar.txt", AR)
    refused(run("batch", tmp_path, "-o", tmp_path / "."), "the output folder is the input folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["S_PV.1_ar.txt", "S_PV.1_zh.txt"]


# --- 7. a rerun trusts only what still matches ----------------------------------------------------


def test_resume_realigns_a_pair_whose_output_or_input_changed(tmp_path):
    in_dir, out = tmp_path / "in", tmp_path / "out"
    put(in_dir / "S_PV.1_zh.txt", ZH)
    put(in_dir / "S_PV.1_ar.txt", AR)

    def batch() -> dict:
        result = run("batch", in_dir, "-o", out, "--format", "tsv,jsonl", "--jobs", "1")
        assert result.exit_code == 0, result.output
        return json.loads((out / "report.json").read_text(encoding="utf-8"))["pairs"][0]

    first = batch()
    assert first["status"] == "ok" and first["inputs"]["zh"]["size"] == len(ZH.encode("utf-8"))
    assert set(first["output_sha256"]) == {str(out / "S_PV.1.tsv"), str(out / "S_PV.1.jsonl")}
    good = (out / "S_PV.1.jsonl").read_bytes()
    assert batch()["status"] == "skipped"
    (out / "S_PV.1.jsonl").write_text("corrupt\n", encoding="utf-8")
    again = batch()
    assert again["status"] == "ok" and "S_PV.1.jsonl changed since the last run" in again["realigned"]
    assert (out / "S_PV.1.jsonl").read_bytes() == good
    put(in_dir / "S_PV.1_ar.txt", AR + AR.splitlines()[0] + "\n")
    changed = batch()
    assert changed["status"] == "ok" and "Arabic input" in changed["realigned"]
    assert batch()["status"] == "skipped"


# --- 8. an output folder that cannot be written ---------------------------------------------------


def test_batch_into_a_folder_that_cannot_be_written_is_refused_before_any_work(tmp_path, monkeypatch):
    put(tmp_path / "in" / "S_PV.1_zh.txt", ZH)
    put(tmp_path / "in" / "S_PV.1_ar.txt", AR)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    if os.access(locked, os.W_OK):  # root writes anywhere: let the check see what a user would
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == locked and mode & os.W_OK else real(p, mode))
    refused(run("batch", tmp_path / "in", "-o", locked), "not writable")
    assert list(locked.iterdir()) == []


# --- 9. a damaged cache ---------------------------------------------------------------------------


def test_a_damaged_word_list_cache_is_rebuilt(pair, tmp_path):
    env = {**os.environ, "ALIGNER_CACHE": str(tmp_path / "cache")}
    out = tmp_path / "out.tsv"
    first = subprocess.run([sys.executable, "-m", "aligner", "align", *map(str, pair), "-o", str(out), "-q"],
                           env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    expected = out.read_bytes()
    for cached in (tmp_path / "cache").glob("*"):
        if cached.name.startswith(("zh_words_", "camel_tools_")):
            cached.write_text("", encoding="utf-8")  # emptied, as by a full disk
    again = subprocess.run([sys.executable, "-m", "aligner", "align", *map(str, pair), "-o", str(out), "-q"],
                           env=env, capture_output=True, text=True)
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert out.read_bytes() == expected
    assert all(p.stat().st_size > 0 for p in (tmp_path / "cache").glob("*"))


def test_a_cache_folder_owned_by_someone_else_is_passed_over(tmp_path, monkeypatch):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    put(foreign / "t.json", "planted")
    try:
        os.chown(foreign, 4321, 4321)
    except PermissionError:
        pytest.skip("giving a folder away needs root")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = cached_file("t.json", lambda: "built", foreign)
    assert path.read_text(encoding="utf-8") == "built" and path.parent != foreign


def _align_with_cache(pair, tmp_path, cache: Path, tmpdir: Path, *options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ALIGNER_CACHE": str(cache), "TMPDIR": str(tmpdir)}
    command = [sys.executable, "-m", "aligner", "align", *map(str, pair), "-o", str(tmp_path / "out.tsv"), *options]
    return subprocess.run(command, env=env, capture_output=True, text=True)


def _cache_warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning:") and "cache" in line]


def test_an_unusable_cache_folder_is_said_once_and_not_under_quiet(pair, tmp_path):
    """A broken cache folder (a file in its place) costs a run its cached tables: said once."""
    broken, tmpdir = put(tmp_path / "cache", "not a folder"), tmp_path / "tmp"
    tmpdir.mkdir()
    done = _align_with_cache(pair, tmp_path, broken, tmpdir)
    assert done.returncode == 0, done.stderr
    assert _cache_warnings(done.stderr) == [f"warning: the cache folder {broken} cannot be used (a file is in its place): "
                                            f"the cache is in {tmpdir / 'aligner-cache'} instead"]
    blocked = tmp_path / "blocked"
    put(blocked / "aligner-cache", "not a folder either")
    done = _align_with_cache(pair, tmp_path, broken, blocked)
    warned = _cache_warnings(done.stderr)
    assert done.returncode == 0 and len(warned) == 1, done.stderr
    assert "no cache folder can be written" in warned[0] and "set ALIGNER_CACHE" in warned[0]
    quiet = _align_with_cache(pair, tmp_path, broken, blocked, "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_read_only_cache_folder_is_said_once(pair, tmp_path):
    read_only = tmp_path / "ro"
    read_only.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(read_only)], capture_output=True).returncode:
        pytest.skip("mounting a read-only tmpfs needs root")
    try:
        (tmp_path / "tmp").mkdir()
        done = _align_with_cache(pair, tmp_path, read_only / "aligner", tmp_path / "tmp")
    finally:
        subprocess.run(["umount", str(read_only)], check=True)
    assert done.returncode == 0, done.stderr
    assert _cache_warnings(done.stderr) == [f"warning: the cache folder {read_only / 'aligner'} cannot be used "
                                            f"(read-only file system): the cache is in {tmp_path / 'tmp' / 'aligner-cache'} instead"]


def test_a_batch_says_once_that_its_cache_folder_is_unusable(tmp_path):
    for k in range(2):
        put(tmp_path / "in" / f"S_PV.{k + 1}_zh.txt", ZH)
        put(tmp_path / "in" / f"S_PV.{k + 1}_ar.txt", AR)
    broken, tmpdir = put(tmp_path / "cache", "not a folder"), tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "ALIGNER_CACHE": str(broken), "TMPDIR": str(tmpdir)}
    done = subprocess.run([sys.executable, "-m", "aligner", "batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                           "--jobs", "2"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(_cache_warnings(done.stderr)) == 1, done.stderr


def test_a_cache_entry_that_fails_validation_is_rebuilt(tmp_path):
    put(tmp_path / "t.json", "damaged")
    assert cached_file("t.json", lambda: "good", tmp_path, valid=lambda p: p.read_text() == "good").read_text() == "good"


# --- 10, 11. encodings ----------------------------------------------------------------------------


def test_a_forced_encoding_that_garbles_the_text_is_refused_naming_the_right_one(pair, tmp_path):
    refused(run("align", *pair, "-o", tmp_path / "out.tsv", "--encoding-ar", "cp1256"),
            "ar.txt", "read as cp1256", "mojibake", "--encoding-ar utf-8")
    iso = put(tmp_path / "ar_iso.txt", AR, "iso-8859-6")
    refused(run("align", pair[0], iso, "-o", tmp_path / "out.tsv", "--encoding-ar", "cp1256"), "--encoding-ar iso-8859-6")
    assert not (tmp_path / "out.tsv").exists()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_detected(pair, tmp_path, encoding):
    zh, ar = put(tmp_path / "zh16.txt", ZH, encoding), put(tmp_path / "ar16.txt", AR, encoding)
    result = run("align", zh, ar, "-o", tmp_path / "out.tsv")
    assert result.exit_code == 0, result.output
    assert f"zh {encoding}, ar {encoding}" in result.stderr


def test_binary_data_mentions_utf16(pair, tmp_path):
    blob = tmp_path / "blob.txt"
    blob.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    refused(run("align", pair[0], blob, "-o", tmp_path / "out.tsv"), "binary data", "--encoding-ar utf-16-le")


# --- 12. a closed standard output ------------------------------------------------------------------


@pytest.mark.parametrize("command", [["align", ZH_7050, AR_7050], ["segment", ZH_7050, "--lang", "zh"]])
def test_a_closed_stdout_ends_the_run_quietly(command):
    proc = aligner_process(*command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert proc.returncode == 128 + signal.SIGPIPE
    assert err == ""


# --- 12b. a full disk ------------------------------------------------------------------------------


@pytest.fixture
def full_disk(tmp_path):
    """A 200 KB tmpfs (as root; skipped where mounting is not allowed), unmounted after the test."""
    folder = tmp_path / "full"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("mounting a small tmpfs needs root")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def _one_line(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in proc.stderr, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_a_full_disk_fails_in_one_line_and_replaces_nothing(full_disk):
    earlier = put(full_disk / "doc.tsv", "an earlier run\n")
    command = [sys.executable, "-m", "aligner", "align", str(ZH_7050), str(AR_7050), "-o", str(full_disk / "doc"),
               "--format", "tsv,jsonl,tmx"]
    _one_line(subprocess.run(command, capture_output=True, text=True), "No space left on device",
              "no output file was written or replaced")
    assert sorted(p.name for p in full_disk.iterdir()) == ["doc.tsv"]  # no temp file, no half of an output
    assert earlier.read_text(encoding="utf-8") == "an earlier run\n"


def test_a_batch_on_a_full_disk_reports_the_pair_and_leaves_no_temp_file(full_disk):
    """The pair's outputs do not fit: the pair fails with the one-line reason (exit 1), the
    report says it, and no half-written output or temp file is left."""
    put(full_disk.parent / "in" / "S_PV.7050_zh.txt", ZH_7050.read_text(encoding="utf-8"))
    put(full_disk.parent / "in" / "S_PV.7050_ar.txt", AR_7050.read_text(encoding="utf-8"))
    proc = subprocess.run([sys.executable, "-m", "aligner", "batch", str(full_disk.parent / "in"), "-o",
                           str(full_disk / "out"), "--format", "tsv,jsonl,tmx", "-q"], capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    report = json.loads((full_disk / "out" / "report.json").read_text(encoding="utf-8"))
    assert "cannot write (No space left on device)" in report["pairs"][0]["error"], report
    assert sorted(p.name for p in (full_disk / "out").rglob("*")) == ["report.json"]


@pytest.mark.parametrize("command", [["align", ZH_7050, AR_7050, "-o", "-", "--format", "jsonl"],
                                     ["segment", ZH_7050, "--jsonl"]])
def test_standard_output_on_a_full_disk_fails_in_one_line(command):
    with open("/dev/full", "w") as full:  # every write: ENOSPC
        proc = subprocess.run([sys.executable, "-m", "aligner", *map(str, command)], stdout=full, stderr=subprocess.PIPE,
                              text=True)
    _one_line(proc, "standard output: cannot write (No space left on device)")


def test_the_outputs_of_a_run_are_written_all_or_none(pair, tmp_path, monkeypatch):
    """The disk fills up on the last format: the formats before it are not left written, nor
    their earlier versions replaced (every file waits as a temp file until all are written)."""
    from aligner import write

    def full(recs, out, info):
        out.write("<?xml")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(write.WRITERS, "tmx", full)
    earlier = put(tmp_path / "doc.tsv", "an earlier run\n")
    refused(run("align", *pair, "-o", tmp_path / "doc", "--format", "tsv,jsonl,tmx", "--report", tmp_path / "moves.json"),
            "doc.tmx: cannot write (No space left on device)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ar.txt", "doc.tsv", "zh.txt"]
    assert earlier.read_text(encoding="utf-8") == "an earlier run\n"


# --- 13. the library checks what the command line checks ------------------------------------------


@pytest.mark.parametrize("zh, ar, kind, words", [
    (ZH.encode("utf-8"), AR, aligner.NotTextError, "zh_text: expected a str, not bytes"),
    (ZH, None, aligner.NotTextError, "ar_text: expected a str, not NoneType"),
    (ZH, "  \n", aligner.InputError, "ar_text: the text holds only whitespace"),
    (AR, ZH, aligner.WrongLanguage, "swap the two arguments"),
    (ENGLISH, AR, aligner.WrongLanguage, "expected Chinese text, but this is Latin-script"),
])
def test_the_library_refuses_bad_texts(zh, ar, kind, words):
    with pytest.raises(kind) as caught:
        aligner.align(zh, ar)
    assert isinstance(caught.value, aligner.InputError) and words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_library_gives_the_command_lines_messages(tmp_path):
    cases = [(AR, ZH), (ENGLISH, AR), (ZH_7796.read_text(encoding="utf-8"), AR_7050.read_text(encoding="utf-8"))]
    for zh_text, ar_text in cases:
        zh, ar = put(tmp_path / "zh_text", zh_text), put(tmp_path / "ar_text", ar_text)
        with pytest.raises(aligner.InputError) as caught:
            aligner.align(zh_text, ar_text)
        line = run("align", zh, ar, "-o", tmp_path / "out.tsv").stderr.strip()
        assert line.replace(str(tmp_path) + "/", "").removesuffix(" (--force aligns them anyway)") == f"error: {caught.value}"
    with pytest.raises(aligner.Mismatch):
        aligner.align(*cases[2])


def test_check_false_skips_the_checks():
    assert aligner.align(ENGLISH, AR, check=False).beads


# --- 14, 15. option values ------------------------------------------------------------------------


@pytest.mark.parametrize("option, value, words", [
    ("--zh-lang", "", "not a BCP 47 language code"),
    ("--zh-lang", "zh CN<&>", "not a BCP 47 language code"),
    ("--zh-lang", "ar", "the Chinese side needs a code of the language zh"),
    ("--ar-lang", "zh-CN", "the Arabic side needs a code of the language ar"),
    ("--ar-lang", "ar_SA", "not a BCP 47 language code"),
])
def test_tmx_language_codes_are_checked(pair, tmp_path, option, value, words):
    refused(run("align", *pair, "-o", tmp_path / "out.tmx", option, value), option, words)
    assert not (tmp_path / "out.tmx").exists()


def test_valid_language_codes_are_written(pair, tmp_path):
    out = tmp_path / "out.tmx"
    assert run("align", *pair, "-o", out, "--zh-lang", "zh-Hans-CN", "--ar-lang", "ar-001", "-q").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert 'xml:lang="zh-Hans-CN"' in text and 'xml:lang="ar-001"' in text


@pytest.mark.parametrize("value", ["nan", "-0.1", "1.5", "inf"])
def test_min_score_out_of_range_is_refused(pair, tmp_path, value):
    refused(run("align", *pair, "-o", tmp_path / "out.tsv", "--min-score", value), "--min-score must be between 0 and 1")


# --- 16. TSV and Moses stay one bead per line -----------------------------------------------------

BREAKERS = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e\x1b\x01\x7f\x9b"


def test_tsv_escapes_every_line_break_and_control_character(tmp_path):
    zh = put(tmp_path / "zh.txt", ZH.replace("我宣布", f"我{BREAKERS}宣布"))
    ar = put(tmp_path / "ar.txt", AR.replace("أعلن", f"أعلن{BREAKERS}\ufffe\uffff"))
    out = tmp_path / "out.tsv"
    assert run("align", zh, ar, "-o", out, "-q").exit_code == 0
    assert run("align", zh, ar, "-o", tmp_path / "out.jsonl", "-q").exit_code == 0
    records = read_jsonl(tmp_path / "out.jsonl")[1]
    text = out.read_text(encoding="utf-8")
    assert len(text.splitlines()) == len(records) + 1  # what a line-based reader sees
    assert len(list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))) == len(records) + 1
    assert not [c for c in text if c not in "\t\n" and (c < " " or "\x7f" <= c <= "\x9f" or c in "\u2028\u2029")]
    assert load_beads(out) == [(r["zh"], r["ar"]) for r in records]  # and it reads back exactly
    assert any(BREAKERS in r["zh"] for r in records)


def test_moses_holds_one_line_per_bead_and_no_control_characters(tmp_path):
    zh = put(tmp_path / "zh.txt", ZH.replace("我宣布", f"我{BREAKERS}\ufffe宣布"))
    ar = put(tmp_path / "ar.txt", AR.replace("أعلن", f"أعلن{BREAKERS}\uffff"))
    assert run("align", zh, ar, "--format", "moses,jsonl", "-o", tmp_path / "out", "-q").exit_code == 0
    beads = read_jsonl(tmp_path / "out.jsonl")[1]
    two_sided = [b for b in beads if b["zh"] and b["ar"]]
    for lang in ("zh", "ar"):
        data = (tmp_path / f"out.{lang}").read_bytes()
        assert data.count(b"\n") == len(two_sided)
        text = data.decode("utf-8")
        assert len(text.splitlines()) == len(two_sided)
        assert not [c for c in text if c != "\n" and (c < " " or "\x7f" <= c <= "\x9f" or c in "\ufffe\uffff")]
