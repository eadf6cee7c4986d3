"""`aligner convert`: an alignment written again from its JSONL, byte-identical to what
`align` writes; the output options, a reviewer's decisions, and the inputs it refuses.
Also the bead records' round trip through JSONL and the review page's content (no browser)."""
from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_moses_score import AR, ZH  # a small record: one paragraph has no Arabic, scores differ
from typer.testing import CliRunner

from aligner.cli import app
from aligner.evaluate import load_beads
from aligner.model import Bead, Segment, SourceInfo
from aligner.pipeline import WriteOptions
from aligner.read import InputError
from aligner.records import FIELDS, RUN_FIELDS, read_jsonl, records
from aligner.review import line_ranges, moved_origins, summary, write_html
from aligner.write import write_jsonl

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
ZH_PATH, AR_PATH = SAMPLES / "S_PV.7050_zh.txt", SAMPLES / "S_PV.7050_ar.txt"
# TMX options away from the defaults: convert must take them from the JSONL
TMX_OPTIONS = ("--document", "S/PV.7050", "--src", "ar", "--zh-lang", "zh-Hans", "--ar-lang", "ar-001")


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def ok(*args) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.output


def refused(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def sample_jsonl(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("convert") / "S_PV.7050.jsonl"
    ok("align", ZH_PATH, AR_PATH, "-o", path, *TMX_OPTIONS, "-q")
    return path


@pytest.fixture
def small(tmp_path) -> tuple[Path, Path, Path]:
    """The small record and its alignment as JSONL: (zh, ar, jsonl)."""
    (tmp_path / "zh.txt").write_text(ZH, encoding="utf-8")
    (tmp_path / "ar.txt").write_text(AR, encoding="utf-8")
    ok("align", tmp_path / "zh.txt", tmp_path / "ar.txt", "-o", tmp_path / "all.jsonl", "-q")
    return tmp_path / "zh.txt", tmp_path / "ar.txt", tmp_path / "all.jsonl"


# --- byte-identical to align, one test per format ---

@pytest.mark.parametrize("kind, output, files", [("tsv", "out.tsv", ["out.tsv"]), ("tmx", "out.tmx", ["out.tmx"]),
                                                  ("moses", "out", ["out.zh", "out.ar"])])
def test_convert_writes_what_align_writes(sample_jsonl, tmp_path, kind, output, files):
    (tmp_path / "align").mkdir()
    (tmp_path / "convert").mkdir()
    ok("align", ZH_PATH, AR_PATH, "-o", tmp_path / "align" / output, "--format", kind, *TMX_OPTIONS, "-q")
    ok("convert", sample_jsonl, "-o", tmp_path / "convert" / output, "--format", kind, "-q")
    for name in files:
        written = (tmp_path / "align" / name).read_bytes()
        assert written and (tmp_path / "convert" / name).read_bytes() == written
    assert sorted(p.name for p in (tmp_path / "convert").iterdir()) == sorted(files)


def test_convert_of_its_own_jsonl_and_page_is_identical(sample_jsonl, tmp_path):
    ok("convert", sample_jsonl, "-o", tmp_path / "again.jsonl", "-q")
    assert (tmp_path / "again.jsonl").read_bytes() == sample_jsonl.read_bytes()
    ok("align", ZH_PATH, AR_PATH, "-o", tmp_path / "aligned.html", *TMX_OPTIONS, "-q")
    ok("convert", sample_jsonl, "-o", tmp_path / "converted.html", "-q")
    assert (tmp_path / "converted.html").read_bytes() == (tmp_path / "aligned.html").read_bytes()


@pytest.mark.parametrize("options", [["--min-score", "0.9"], ["--drop-unaligned"], ["--min-score", "0.9", "--drop-unaligned"]])
def test_output_options_select_as_align_does(small, tmp_path, options):
    zh, ar, jsonl = small
    ok("align", zh, ar, "-o", tmp_path / "aligned.jsonl", *options, "-q")
    ok("convert", jsonl, "-o", tmp_path / "converted.jsonl", *options, "-q")
    assert (tmp_path / "converted.jsonl").read_bytes() == (tmp_path / "aligned.jsonl").read_bytes()
    assert len(read_jsonl(tmp_path / "converted.jsonl")[1]) < len(read_jsonl(jsonl)[1])


def test_options_override_the_recorded_metadata(small, tmp_path):
    out = tmp_path / "out.tmx"
    ok("convert", small[2], "-o", out, "--src", "ar", "--ar-lang", "ar-EG", "--document", "S/PV.1", "-q")
    root = ET.parse(out).getroot()
    assert root.find("header").get("srclang") == "ar-EG"
    assert {p.text for p in root.iter("prop") if p.get("type") == "x-document"} == {"S/PV.1"}


def test_summary_line_unless_quiet(small, tmp_path):
    result = run("convert", small[2], "-o", tmp_path / "out.tsv", "--min-score", "0.5")
    assert result.exit_code == 0
    total = len(read_jsonl(small[2])[1])
    assert re.search(rf"\d+ of {total} beads written", result.stderr)
    quiet = run("convert", small[2], "-o", tmp_path / "quiet.tsv", "--min-score", "0.5", "-q")
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""
    assert (tmp_path / "quiet.tsv").read_bytes() == (tmp_path / "out.tsv").read_bytes()


# --- decisions ---

def decide(path: Path, rejected: list[int], accepted: list[int] = (), **names) -> Path:
    path.write_text(json.dumps({**names, "rejected": rejected, "accepted": list(accepted)}), encoding="utf-8")
    return path


def test_decisions_drop_the_rejected_beads_and_keep_the_ids(small, tmp_path):
    recs = read_jsonl(small[2])[1]
    decisions = decide(tmp_path / "d.json", [recs[1]["id"]], [r["id"] for r in recs[2:]], zh_file="zh.txt", ar_file="ar.txt")
    ok("convert", small[2], "-o", tmp_path / "out.jsonl", "--decisions", decisions, "-q")
    assert read_jsonl(tmp_path / "out.jsonl")[1] == [r for r in recs if r["id"] != recs[1]["id"]]


@pytest.mark.parametrize("content, words", [
    ('{"rejected": [0], "zh_file": "other_zh.txt"}', ["other_zh.txt", "zh.txt"]),
    ('{"rejected": [0, 999]}', ["999"]),
    ('{"rejected": "all"}', ["lists of bead ids"]),
    ('{"rejected": [true]}', ["lists of bead ids"]),
    ("[1, 2]", ["lists of bead ids"]),
    ("not json", ["not a decisions file"]),
])
def test_bad_decisions_are_refused(small, tmp_path, content, words):
    (tmp_path / "d.json").write_text(content, encoding="utf-8")
    out = tmp_path / "out.tmx"
    refused(run("convert", small[2], "-o", out, "--decisions", tmp_path / "d.json"), "d.json", *words)
    assert not out.exists()


# --- bad input ---

@pytest.mark.parametrize("content, words", [
    ("", ["no beads"]),
    ("{not json\n", [":1:", "not JSON"]),
    ('{"zh": "甲。", "ar": "أ."}\n', [":1:", "'id'"]),  # a JSONL of an older version, or a gold file
    ('{"aligner": "0.1.0"}\n{"id": 0, "zh": 1}\n', [":2:"]),
    ('{"id": 0, "zh": "甲。", "ar": "أ.", "score": 1, "type": "1-1", "turn": 0, "speaker_zh": "", "speaker_ar": "", '
     '"zh_lines": [1], "ar_lines": [1], "moved": "no"}\n', [":1:", "'moved'"]),
])
def test_bad_alignments_are_refused(tmp_path, content, words):
    (tmp_path / "in.jsonl").write_text(content, encoding="utf-8")
    refused(run("convert", tmp_path / "in.jsonl", "-o", tmp_path / "out.tsv"), "in.jsonl", *words)
    assert not (tmp_path / "out.tsv").exists()


def test_a_repeated_bead_id_is_refused(small, tmp_path):
    lines = small[2].read_text(encoding="utf-8").splitlines()
    (tmp_path / "twice.jsonl").write_text("\n".join(lines + lines[:1]) + "\n", encoding="utf-8")
    refused(run("convert", tmp_path / "twice.jsonl", "-o", tmp_path / "out.tsv"), "bead id 0 appears twice")


def test_missing_alignment(tmp_path):
    refused(run("convert", tmp_path / "none.jsonl", "-o", tmp_path / "out.tsv"), "none.jsonl", "no such file")


def test_an_input_is_never_overwritten(small, tmp_path):
    jsonl = small[2]
    before = jsonl.read_bytes()
    refused(run("convert", jsonl, "-o", jsonl), "input")
    decisions = decide(tmp_path / "d.jsonl", [])
    refused(run("convert", jsonl, "-o", tmp_path / "d", "--format", "jsonl,tsv", "--decisions", decisions), "input")
    assert jsonl.read_bytes() == before and json.loads(decisions.read_text(encoding="utf-8"))["rejected"] == []
    assert not (tmp_path / "d.tsv").exists()


def test_the_scorer_reads_the_beads(small, tmp_path):
    pairs = load_beads(small[2])
    assert pairs == [(r["zh"], r["ar"]) for r in read_jsonl(small[2])[1]]
    assert load_beads(_as_earlier_version(small[2], tmp_path / "old.jsonl")) == pairs


# --- JSONL: one table, and the files of earlier versions ---

def _as_earlier_version(jsonl: Path, to: Path) -> Path:
    """The JSONL as earlier versions wrote it: a metadata line first, then the beads without the
    run's fields, `moved` only when true."""
    lines = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    meta = {"aligner": "0.1.0", **{k: lines[0][k] for k in RUN_FIELDS}}
    beads = [{k: v for k, v in line.items() if k not in RUN_FIELDS and (k != "moved" or v)} for line in lines]
    to.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in [meta, *beads]), encoding="utf-8")
    return to


def test_every_line_is_a_bead_with_the_same_keys(sample_jsonl):
    lines = [json.loads(line) for line in sample_jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(read_jsonl(sample_jsonl)[1]) > 500
    assert {tuple(line) for line in lines} == {FIELDS + RUN_FIELDS}
    assert {line["document"] for line in lines} == {"S/PV.7050"} and {line["src"] for line in lines} == {"ar"}
    assert {line["zh_file"] for line in lines} == {ZH_PATH.name} and any(line["moved"] for line in lines)


def test_pandas_reads_one_row_per_bead(sample_jsonl):
    pandas = pytest.importorskip("pandas")
    table = pandas.read_json(sample_jsonl, lines=True)
    recs = read_jsonl(sample_jsonl)[1]
    assert list(table.columns) == list(FIELDS + RUN_FIELDS)
    assert table["id"].tolist() == [r["id"] for r in recs] and table["zh"].tolist() == [r["zh"] for r in recs]
    assert table["moved"].dtype == bool and not table.isna().any().any()


def test_the_datasets_json_loader_reads_one_row_per_bead(sample_jsonl, tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets", reason="the datasets package is not installed")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    rows = datasets.load_dataset("json", data_files=str(sample_jsonl), split="train", cache_dir=str(tmp_path))
    recs = read_jsonl(sample_jsonl)[1]
    assert rows.column_names == list(FIELDS + RUN_FIELDS) and len(rows) == len(recs)
    assert rows["ar"] == [r["ar"] for r in recs] and rows["ar_lines"] == [r["ar_lines"] for r in recs]


@pytest.mark.parametrize("kind, output, files", [("tsv", "out.tsv", ["out.tsv"]), ("tmx", "out.tmx", ["out.tmx"]),
                                                  ("moses", "out", ["out.zh", "out.ar"]), ("jsonl", "out.jsonl", ["out.jsonl"])])
def test_a_jsonl_of_an_earlier_version_converts_as_before(sample_jsonl, tmp_path, kind, output, files):
    """Its metadata line is read (then the beads): the same files as from today's JSONL."""
    old = _as_earlier_version(sample_jsonl, tmp_path / "old.jsonl")
    assert old.read_text(encoding="utf-8").startswith('{"aligner": ')
    for name, source in (("new", sample_jsonl), ("old", old)):
        (tmp_path / name).mkdir()
        ok("convert", source, "-o", tmp_path / name / output, "--format", kind, "-q")
    for name in files:
        assert (tmp_path / "old" / name).read_bytes() == (tmp_path / "new" / name).read_bytes()
    if kind == "jsonl":  # written again in today's form
        assert (tmp_path / "old" / "out.jsonl").read_bytes() == sample_jsonl.read_bytes()


def test_two_alignments_in_one_file_are_refused(sample_jsonl, small, tmp_path):
    both = tmp_path / "both.jsonl"
    both.write_bytes(small[2].read_bytes() + sample_jsonl.read_bytes())
    n = len(small[2].read_text(encoding="utf-8").splitlines()) + 1
    refused(run("convert", both, "-o", tmp_path / "out.tsv"), f"both.jsonl:{n}:", "another alignment",
            "one alignment at a time")


# --- records through JSONL, and the page (no browser) ---

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


@st.composite
def bead_lists(draw) -> list[Bead]:
    beads = []
    for turn in range(draw(st.integers(1, 4))):
        for _ in range(draw(st.integers(0, 4))):
            zh = [Segment(t, (n,)) for n, t in enumerate(draw(st.lists(TEXT, max_size=2)), 1)]
            ar = [Segment(t, (n,)) for n, t in enumerate(draw(st.lists(TEXT, max_size=2)), 1)]
            if zh or ar:
                score = draw(st.floats(0, 1)) if zh and ar else 0.0
                beads.append(Bead(zh, ar, round(score, 4), turn, draw(TEXT), draw(TEXT), bool(zh and ar) and draw(st.booleans())))
    return beads


INFO = st.builds(SourceInfo, TEXT, TEXT, TEXT, TEXT, TEXT, st.sampled_from(["zh", "ar"]))


@settings(max_examples=60, deadline=None)
@given(beads=bead_lists(), info=INFO, min_score=st.none() | st.floats(0, 1), drop=st.booleans())
def test_records_survive_the_jsonl(tmp_path_factory, beads, info, min_score, drop):
    """Whatever the text (tabs, line separators, quotes, markup), the JSONL gives back the records and the metadata,
    every line a bead."""
    recs = WriteOptions(min_score=min_score, drop_unaligned=drop).kept(records(beads))
    out = io.StringIO()
    write_jsonl(recs, out, info)
    if not recs:  # no line, as no bead: there is nothing to convert
        assert out.getvalue() == ""
        return
    path = tmp_path_factory.mktemp("rt") / "a.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8", newline="\n")
    assert read_jsonl(path) == (info, recs)
    assert [json.loads(line)["id"] for line in out.getvalue().split("\n")[:-1]] == [r["id"] for r in recs]


@settings(max_examples=60, deadline=None)
@given(beads=bead_lists(), info=INFO)
def test_page_has_a_row_per_record_and_escapes_all_text(beads, info):
    recs = records(beads)
    out = io.StringIO()
    write_html(recs, out, info)
    page = out.getvalue()
    assert page.count('<div class="bead ') == len(recs)
    assert re.findall(r'data-id="(\d+)"', page) == [str(r["id"]) for r in recs]
    body = page[page.index(">", page.index("<main")) + 1:page.index("</main>")]
    assert "<script" not in body and not re.search(r"<(?!/?(div|span|section|h2|a|i|label|input)\b)", body)


def test_page_summary_and_moves():
    beads = [Bead([Segment("甲。", (3,))], [Segment("أ.", (5,))], 1.0, 0),
             Bead([Segment("乙。", (4,)), Segment("丙。", (5,))], [Segment("ب.", (9,))], 0.42, 1, moved=True),
             Bead([Segment("丁。", (6,))], [], 0.0, 1),
             Bead([Segment("戊。", (7,))], [Segment("ج.", (7,)), Segment("د.", (8,))], 0.95, 1)]
    recs = records(beads)
    s = summary(recs)
    assert (s["turns"], s["beads"], s["moved"], s["unaligned_zh"], s["unaligned_ar"]) == (2, 4, 1, 1, 0)
    assert s["by_type"] == {"1-0": 1, "1-1": 1, "1-2": 1, "2-1": 1}
    assert s["histogram"] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 2]
    assert moved_origins(recs) == {1: 3}  # its Arabic (line 9) follows bead 3's (lines 7-8) in the Arabic file
    out = io.StringIO()
    write_html(recs, out, SourceInfo("a_zh.txt", "a_ar.txt", "S/1"))
    page = out.getvalue()
    assert 'after <a href="#b3">#3</a> in the Arabic file' in page
    assert page.count('class="unal"') == 1 and "no Arabic" in page
    assert page.count('<section class="turn"') == 2
    assert 'data-decisions="a.decisions.json"' in page
    assert "lines zh 4–5 · ar 9" in page


def test_line_ranges():
    assert line_ranges([3, 4, 5, 9, 11, 12]) == "3–5, 9, 11–12"
    assert line_ranges([]) == ""


def test_unknown_ids_in_decisions_name_the_alignment(small, tmp_path):
    from aligner.review import read_decisions

    info, recs = read_jsonl(small[2])
    with pytest.raises(InputError, match="all.jsonl"):
        read_decisions(decide(tmp_path / "d.json", [12345]), info, recs, small[2])
