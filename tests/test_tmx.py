"""TMX output: structure (TMX 1.4b), escaping, language order, and a read-back by translate-toolkit."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from translate.storage import tmx as tt_tmx
from typer.testing import CliRunner

import aligner
from aligner import tmx
from aligner.cli import app
from aligner.model import Bead, Segment, SourceInfo
from aligner.records import records
from aligner.tmx import MAX_SEGMENT_CHARS, write_tmx

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HEADER_ATTRS = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")


@pytest.fixture(scope="module")
def sample_beads() -> list[Bead]:
    """The bundled S/PV.7050 pair, aligned once for the module (a few seconds)."""
    zh = (SAMPLES / "S_PV.7050_zh.txt").read_text(encoding="utf-8")
    ar = (SAMPLES / "S_PV.7050_ar.txt").read_text(encoding="utf-8")
    return aligner.align(zh, ar).beads


@pytest.fixture(scope="module")
def sample_tmx(sample_beads) -> str:
    out = io.StringIO()
    assert write_tmx(records(sample_beads), out, SourceInfo(document="S/PV.7050")) == []
    return out.getvalue()


def two_sided(beads: list[Bead]) -> list[Bead]:
    return [b for b in beads if b.zh and b.ar]


def bead(zh: str, ar: str, score: float = 0.75, turn: int = 2) -> Bead:
    """A hand-made bead of at most one sentence a side."""
    return Bead([Segment(zh, (1,))] if zh else [], [Segment(ar, (1,))] if ar else [], score, turn, "主席：", "الرئيس:")


def tmx_of(beads: list[Bead], **options) -> str:
    """The TMX of the beads; `options` are SourceInfo fields (document, zh_lang, ar_lang, src)."""
    out = io.StringIO()
    write_tmx(records(beads), out, SourceInfo(**options))
    return out.getvalue()


def test_translate_toolkit_reads_one_unit_per_two_sided_bead(sample_beads, sample_tmx):
    store = tt_tmx.tmxfile.parsestring(sample_tmx.encode("utf-8"))
    linked = two_sided(sample_beads)
    assert len(linked) < len(sample_beads)  # the sample has one-sided beads, which are left out
    assert len(store.units) == len(linked)
    assert store.sourcelanguage == "zh-CN"
    for unit, b in zip(store.units, linked):
        assert [n.get(XML_LANG) for n in unit.getlanguageNodes()] == ["zh-CN", "ar"]
        assert (unit.source, unit.target) == (tmx.xml_legal(b.zh_text), tmx.xml_legal(b.ar_text))


def test_tmx_14b_structure(sample_tmx):
    root = ET.fromstring(sample_tmx)
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert [child.tag for child in root] == ["header", "body"]
    header = root.find("header")
    assert all(header.get(a) for a in HEADER_ATTRS)
    assert header.get("creationtool") == "aligner"
    assert header.get("creationtoolversion") == aligner.__version__
    assert (header.get("segtype"), header.get("datatype"), header.get("srclang")) == ("sentence", "plaintext", "zh-CN")
    units = root.find("body").findall("tu")
    assert units
    for tu in units:
        tuvs = tu.findall("tuv")
        assert len(tuvs) >= 2
        assert all(tuv.get(XML_LANG) and len(tuv.findall("seg")) == 1 for tuv in tuvs)
        tags = [child.tag for child in tu]
        assert tags == sorted(tags, key=lambda t: t == "tuv")  # the DTD puts props before tuvs


def test_properties(sample_beads, sample_tmx):
    tu = ET.fromstring(sample_tmx).find("body/tu")
    props = {p.get("type"): p.text for p in tu.findall("prop")}
    first = two_sided(sample_beads)[0]
    assert props["x-document"] == "S/PV.7050"
    assert props["x-turn"] == str(first.turn)
    assert float(props["x-score"]) == first.score


def test_output_is_deterministic(sample_beads, sample_tmx):
    assert tmx_of(sample_beads, document="S/PV.7050") == sample_tmx
    assert "creationdate" not in sample_tmx


def test_escaping_round_trips():
    zh = '他说："<b>A & B</b>" 和 \'引号\''
    ar = 'قال: "x < y & y > z"'
    text = tmx_of([bead(zh, ar)], document='S/1 "<&>"')
    assert "&lt;b&gt;A &amp; B" in text
    tu = ET.fromstring(text).find("body/tu")
    assert [seg.text for seg in tu.iter("seg")] == [zh, ar]
    assert tu.find("prop").text == 'S/1 "<&>"'


def test_quotes_in_attributes_are_escaped():
    root = ET.fromstring(tmx_of([bead("甲。", "أ.")], zh_lang='zh"<&\'', ar_lang="ar"))
    assert root.find("header").get("srclang") == 'zh"<&\''
    assert [tuv.get(XML_LANG) for tuv in root.iter("tuv")] == ['zh"<&\'', "ar"]


def test_characters_illegal_in_xml_are_removed():
    dirty = "a\x00b\x08c\x0bd\x1fe\ufffef\uffffg\ud800h"
    seg = ET.fromstring(tmx_of([bead(dirty, "\tب\nج\r")])).find("body/tu/tuv/seg")
    assert seg.text == "abcdefgh"
    assert tmx.xml_legal("\tب\nج\r😀") == "\tب\nج\r😀"  # tab, newline, CR and astral characters are legal


def test_one_sided_beads_are_skipped():
    root = ET.fromstring(tmx_of([bead("甲。", ""), bead("乙。", "ب."), bead("", "ج.")]))
    assert [seg.text for seg in root.iter("seg")] == ["乙。", "ب."]


@pytest.mark.parametrize("src, order", [("zh", ["zh-TW", "ar-SA"]), ("ar", ["ar-SA", "zh-TW"])])
def test_source_language_comes_first(src, order):
    root = ET.fromstring(tmx_of([bead("甲。", "أ.")], zh_lang="zh-TW", ar_lang="ar-SA", src=src))
    assert root.find("header").get("srclang") == order[0]
    assert [tuv.get(XML_LANG) for tuv in root.iter("tuv")] == order
    store = tt_tmx.tmxfile.parsestring(ET.tostring(root))
    assert store.units[0].source == ("甲。" if src == "zh" else "أ.")


def test_unknown_source_language_is_refused():
    with pytest.raises(ValueError):
        tmx_of([bead("甲。", "أ.")], src="en")


def test_over_long_segments_are_written_and_reported():
    long_zh = "长" * (MAX_SEGMENT_CHARS + 1)
    out = io.StringIO()
    warnings = write_tmx(records([bead("甲。", "أ" * MAX_SEGMENT_CHARS), bead(long_zh, "ب.")]), out)
    assert len(warnings) == 1
    assert "translation unit 2" in warnings[0] and "zh-CN" in warnings[0] and str(MAX_SEGMENT_CHARS + 1) in warnings[0]
    assert long_zh in out.getvalue()


# --- through the command line, on a one-sentence pair (fast) ---

ZH = "主席（以英语发言）：我宣布会议开始。\n"
AR = "الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة.\n"


@pytest.fixture
def pair(tmp_path) -> tuple[str, str]:
    (tmp_path / "zh.txt").write_text(ZH, encoding="utf-8")
    (tmp_path / "ar.txt").write_text(AR, encoding="utf-8")
    return str(tmp_path / "zh.txt"), str(tmp_path / "ar.txt")


def test_cli_tmx_from_extension_with_options(pair, tmp_path):
    out = tmp_path / "out.tmx"
    args = ["align", *pair, "-o", str(out), "-q", "--src", "ar", "--ar-lang", "ar-EG", "--document", "S/PV.1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert root.find("header").get("srclang") == "ar-EG"
    assert [tuv.get(XML_LANG) for tuv in root.find("body/tu").findall("tuv")] == ["ar-EG", "zh-CN"]
    assert {p.text for p in root.iter("prop") if p.get("type") == "x-document"} == {"S/PV.1"}
    first = out.read_bytes()
    assert CliRunner().invoke(app, args).exit_code == 0
    assert out.read_bytes() == first


def test_cli_bad_source_language(pair, tmp_path):
    result = CliRunner().invoke(app, ["align", *pair, "-o", str(tmp_path / "x.tmx"), "--src", "en"])
    assert result.exit_code == 2
    assert "--src" in result.stderr
    assert not (tmp_path / "x.tmx").exists()


def test_cli_prints_tmx_warnings_even_when_quiet(pair, tmp_path, monkeypatch):
    """-q hides the summary, not the warnings about the file written (issue 15)."""
    monkeypatch.setattr(tmx, "MAX_SEGMENT_CHARS", 5)
    out = str(tmp_path / "out.tmx")
    loud = CliRunner().invoke(app, ["align", *pair, "-o", out])
    assert loud.exit_code == 0
    assert "warning:" in loud.stderr and "more than the 5" in loud.stderr
    quiet = CliRunner().invoke(app, ["align", *pair, "-o", out, "-q"])
    assert quiet.exit_code == 0 and "more than the 5" in quiet.stderr and "mean score" not in quiet.stderr
