"""Moses output, --min-score, several formats in one run, and `aligner score` / aligner.evaluate."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aligner
from aligner.cli import app
from aligner.evaluate import evaluate, load_beads
from aligner.model import Bead, Segment
from aligner.read import InputError
from aligner.records import records
from aligner.write import moses_line, write_moses, write_tsv

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

# A small meeting record: one Chinese paragraph has no Arabic counterpart, and
# one Arabic sentence is padded, so the beads have scores 0 (one-sided), < 1 and 1.
ZH = """主席（以英语发言）：我宣布会议开始。安全理事会现在开始审议其议程上的项目。

此外，委员会还审议了关于和平与安全问题的若干报告，并就此通过了三项决定，其中包括关于维持和平行动预算的决定。

秘书长（以英语发言）：我感谢主席。我欢迎第2118（2013）号决议。
"""
AR = """الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة. يبدأ مجلس الأمن الآن النظر في البند المدرج في جدول أعماله.

الأمين العام (تكلم بالإنكليزية): أشكر الرئيس شكرا جزيلا على إتاحة هذه الفرصة لي. أرحب بالقرار ٢١١٨ (٢٠١٣).
"""


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def read_jsonl(path: Path) -> list[dict]:
    """The bead records of a JSONL alignment (every line a bead)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


@pytest.fixture
def pair(tmp_path) -> tuple[Path, Path]:
    (tmp_path / "zh.txt").write_text(ZH, encoding="utf-8")
    (tmp_path / "ar.txt").write_text(AR, encoding="utf-8")
    return tmp_path / "zh.txt", tmp_path / "ar.txt"


@pytest.fixture
def all_beads(pair, tmp_path) -> list[dict]:
    """The unfiltered alignment of the small record, as JSONL records."""
    result = run("align", *pair, "-o", tmp_path / "all.jsonl", "-q")
    assert result.exit_code == 0, result.output
    return read_jsonl(tmp_path / "all.jsonl")


# --- Moses ---

@pytest.fixture(scope="module")
def sample_beads() -> list[Bead]:
    """The bundled S/PV.7050 pair, aligned once for the module (a few seconds)."""
    zh = (SAMPLES / "S_PV.7050_zh.txt").read_text(encoding="utf-8")
    ar = (SAMPLES / "S_PV.7050_ar.txt").read_text(encoding="utf-8")
    return aligner.align(zh, ar).beads


def test_moses_sides_have_one_line_per_two_sided_bead(sample_beads):
    linked = [b for b in sample_beads if b.zh and b.ar]
    sides = {}
    for lang in ("zh", "ar"):
        out = io.StringIO()
        write_moses(records(sample_beads), out, lang=lang)
        sides[lang] = out.getvalue().split("\n")[:-1]
    assert len(sides["zh"]) == len(sides["ar"]) == len(linked) < len(sample_beads)
    assert sides["zh"][0] == moses_line(linked[0].zh_text)
    assert sides["ar"][-1] == moses_line(linked[-1].ar_text)


def test_moses_line_flattens_breaks_and_tabs():
    assert moses_line("a\tb\nc\r\nd\u2028e\x85f") == "a b c d e f"


def test_moses_keeps_lines_aligned_when_text_has_breaks():
    beads = [Bead([Segment("甲\n乙", (1,))], [Segment("أ\tب\rج", (1,))], 0.9, 0), Bead([Segment("丙", (2,))], [], 0.0, 0)]
    out = {lang: io.StringIO() for lang in ("zh", "ar")}
    for lang, f in out.items():
        write_moses(records(beads), f, lang=lang)
    assert out["zh"].getvalue() == "甲 乙\n" and out["ar"].getvalue() == "أ ب ج\n"


def test_cli_moses_writes_both_files(pair, tmp_path, all_beads):
    prefix = tmp_path / "corpus"
    result = run("align", *pair, "-o", prefix, "--format", "moses", "-q")
    assert result.exit_code == 0, result.output
    linked = [r for r in all_beads if r["zh"] and r["ar"]]
    assert lines(tmp_path / "corpus.zh") == [r["zh"] for r in linked]
    assert lines(tmp_path / "corpus.ar") == [r["ar"] for r in linked]
    assert not prefix.exists()


def test_cli_moses_refuses_standard_output(pair):
    result = run("align", *pair, "--format", "moses")
    assert result.exit_code == 2 and "PREFIX" in result.stderr


# --- --min-score ---

def test_min_score_keeps_beads_at_or_above(pair, tmp_path, all_beads):
    scores = sorted({r["score"] for r in all_beads if r["zh"] and r["ar"]})
    assert len(scores) > 1  # the record is made so that some beads score below others
    threshold = scores[-1]
    result = run("align", *pair, "-o", tmp_path / "kept.jsonl", "-q", "--min-score", threshold)
    assert result.exit_code == 0, result.output
    kept = read_jsonl(tmp_path / "kept.jsonl")
    assert kept == [r for r in all_beads if r["score"] >= threshold]
    assert len(kept) < len(all_beads)


def test_min_score_keeps_a_sentence_that_has_no_counterpart(pair, tmp_path, all_beads):
    """A one-sided bead's score is the probability that its sentence has no counterpart: the
    Chinese sentence added to this pair (no Arabic) is kept by --min-score 0.5 like the sure beads."""
    added = [r for r in all_beads if r["zh"].startswith("此外，委员会还审议了")]
    assert [r["type"] for r in added] == ["1-0"] and added[0]["score"] >= 0.5
    run("align", *pair, "-o", tmp_path / "kept.jsonl", "-q", "--min-score", "0.5")
    kept = read_jsonl(tmp_path / "kept.jsonl")
    assert kept == [r for r in all_beads if r["score"] >= 0.5] and added[0] in kept


def test_min_score_out_of_range(pair, tmp_path):
    assert run("align", *pair, "-o", tmp_path / "x.jsonl", "--min-score", "1.5").exit_code == 2


# --- several formats in one run ---

def test_several_formats_from_one_alignment(pair, tmp_path, all_beads):
    prefix = tmp_path / "run"
    result = run("align", *pair, "-o", prefix, "--format", "tsv,jsonl,tmx,moses", "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("run.*")) == ["run.ar", "run.jsonl", "run.tmx", "run.tsv", "run.zh"]
    assert read_jsonl(tmp_path / "run.jsonl") == all_beads
    assert len(lines(tmp_path / "run.tsv")) == len(all_beads) + 1
    linked = sum(1 for r in all_beads if r["zh"] and r["ar"])
    assert (tmp_path / "run.tmx").read_text(encoding="utf-8").count("<tu>") == linked == len(lines(tmp_path / "run.zh"))


def test_several_formats_need_a_prefix(pair):
    result = run("align", *pair, "--format", "tsv,jsonl")
    assert result.exit_code == 2


def test_unknown_format_in_list(pair, tmp_path):
    result = run("align", *pair, "-o", tmp_path / "x", "--format", "tsv,xliff")
    assert result.exit_code == 2 and "xliff" in result.stderr


# --- aligner score ---
# A gold of four beads: a 1-1, a 2-1, a Chinese sentence left unaligned, a 1-1.
GOLD = [("甲一号文件。", "الوثيقة ألف."), ("乙一。乙二。", "باء."), ("丙。", ""), ("丁。", "دال.")]
# One bead wrong: the unaligned 丙 is merged into the last bead.
ONE_WRONG = [("甲一号文件。", "الوثيقة ألف."), ("乙一。乙二。", "باء."), ("丙。丁。", "دال.")]


def write_jsonl(path: Path, pairs) -> Path:
    path.write_text("".join(json.dumps({"zh": z, "ar": a}, ensure_ascii=False) + "\n" for z, a in pairs), encoding="utf-8")
    return path


def write_tsv_pairs(path: Path, pairs) -> Path:
    beads = [Bead([Segment(z, (1,))] if z else [], [Segment(a, (1,))] if a else [], 1.0, 0) for z, a in pairs]
    with path.open("w", encoding="utf-8") as f:
        write_tsv(records(beads), f)
    return path


def test_perfect_prediction_scores_one():
    result = evaluate(GOLD, GOLD)
    assert result.links.f1 == result.beads.f1 == 1.0
    assert (result.links.gold, result.beads.gold) == (3, 4)  # the one-sided bead is no link


def test_segmentation_differences_are_ignored():
    # whitespace, markdown marks and a missing final stop (5 of 6 characters) change nothing
    pred = [("甲一号文件。", "**الوثيقة  ألف.**"), ("# 乙一。 乙二", "باء."), ("丙。", ""), ("丁。", "دال.")]
    result = evaluate(GOLD, pred)
    assert result.links.f1 == result.beads.f1 == 1.0


def test_one_bead_wrong():
    result = evaluate(GOLD, ONE_WRONG)
    # links: (甲,ألف) (乙,باء) right, (丙,دال) wrong, (丁,دال) right
    assert (result.links.correct, result.links.predicted, result.links.gold) == (3, 4, 3)
    assert result.links.precision == 0.75 and result.links.recall == 1.0
    assert result.links.f1 == pytest.approx(6 / 7)
    # beads: two of three predicted are exact; two of four gold beads are found
    assert (result.beads.correct, result.beads.predicted, result.beads.gold) == (2, 3, 4)
    assert result.beads.f1 == pytest.approx(4 / 7)


def test_a_side_covering_half_a_unit_or_less_stands_for_nothing():
    pred = [("甲一号文件。", "الوثيقة ألف."), ("乙一。", "باء."), ("乙二。", ""), ("丙。", ""), ("丁。", "دال.")]
    result = evaluate(GOLD, pred)
    assert (result.links.correct, result.links.predicted) == (2, 2)
    assert result.links.recall == pytest.approx(2 / 3)


def test_sources_ignore_text_outside_the_gold():
    zh_src = "甲一号文件。\n乙一。乙二。\n丙。\n丁。\n戊。\n"
    ar_src = "الوثيقة ألف.\nباء.\nدال.\nهاء.\n"
    pred = ONE_WRONG + [("戊。", "هاء.")]  # beyond what the gold covers
    assert evaluate(GOLD, pred, zh_src, ar_src).as_dict() == evaluate(GOLD, ONE_WRONG).as_dict()


def test_repeated_sentences_are_told_apart():
    gold = [("谢谢。", "شكرا."), ("甲。", "ألف."), ("谢谢。", "شكرا.")]
    pred = [("谢谢。", "شكرا."), ("甲。", ""), ("", "ألف."), ("谢谢。", "شكرا.")]
    result = evaluate(gold, pred)
    assert (result.links.correct, result.links.predicted, result.links.gold) == (2, 2, 3)


def test_load_beads_reads_tsv_and_jsonl(tmp_path):
    tricky = [("甲\t乙\\n", "أ\nب")]
    assert load_beads(write_tsv_pairs(tmp_path / "g.tsv", tricky)) == tricky
    assert load_beads(write_jsonl(tmp_path / "g.jsonl", tricky)) == tricky


@pytest.mark.parametrize("name, content", [("g.txt", "x"), ("g.jsonl", "{not json"), ("g.jsonl", '{"zh": 1}'),
                                           ("g.tsv", "a\tb\n"), ("g.jsonl", "")])
def test_load_beads_errors(tmp_path, name, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(InputError):
        load_beads(tmp_path / name)


def test_cli_score_table_and_json(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD)
    pred = write_tsv_pairs(tmp_path / "pred.tsv", ONE_WRONG)
    table = run("score", "--gold", gold, "--pred", pred)
    assert table.exit_code == 0, table.output
    assert "links" in table.stdout and "0.8571" in table.stdout and "0.5714" in table.stdout
    as_json = run("score", "--gold", gold, "--pred", pred, "--json")
    figures = json.loads(as_json.stdout)
    assert figures["links"]["f1"] == pytest.approx(6 / 7)
    assert figures["beads"] == {"correct": 2, "predicted": 3, "gold": 4, "precision": 2 / 3, "recall": 0.5,
                                "f1": pytest.approx(4 / 7)}
    perfect = json.loads(run("score", "--gold", gold, "--pred", gold, "--json").stdout)
    assert perfect["links"]["f1"] == perfect["beads"]["f1"] == 1.0


def test_cli_score_with_sources(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD)
    (tmp_path / "zh.txt").write_text("## 甲一号文件。\n乙一。乙二。\n丙。丁。\n", encoding="utf-8")
    (tmp_path / "ar.txt").write_text("الوثيقة ألف.\nباء.\nدال.\n", encoding="utf-8")
    result = run("score", "--gold", gold, "--pred", gold, "--zh-src", tmp_path / "zh.txt",
                 "--ar-src", tmp_path / "ar.txt", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["beads"]["f1"] == 1.0


@pytest.mark.parametrize("which", ["gold", "pred", "zh-src"])
def test_cli_score_unreadable_input(tmp_path, which):
    files = {"gold": write_jsonl(tmp_path / "gold.jsonl", GOLD), "pred": write_jsonl(tmp_path / "pred.jsonl", GOLD)}
    files[which] = tmp_path / "missing.jsonl"
    args = ["score", "--gold", files["gold"], "--pred", files["pred"]]
    if which == "zh-src":
        args += ["--zh-src", files["zh-src"]]
    result = run(*args)
    assert result.exit_code == 2
    assert "missing.jsonl" in result.stderr and len(result.stderr.strip().splitlines()) == 1
