"""Guarantees over generated and mutated inputs: nothing lost, nothing raised, same output every run.

The default profile keeps `make test` quick; `make fuzz` runs the same
properties with many more examples (HYPOTHESIS_PROFILE=fuzz).
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from layouts import AR_WIDTHS, LAYOUTS, ZH_WIDTHS, layout

import aligner
from aligner.detect import language_of
from aligner.errors import InputError
from aligner.layout import read
from aligner.lexicon import load
from aligner.read import decode, lines_of
from aligner.records import records
from aligner.write import write_jsonl

ROOT = Path(__file__).resolve().parents[1]
settings.register_profile("quick", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile("fuzz" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else "quick")

HAZARDS = ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u0640", "\u200b", "\ufeff"]
ZH_PIECES = [
    "主席（以英语发言）：", "刘结一先生（中国）：", "秘书长：", "安全理事会", "第七〇五〇次会议", "一九四八年",
    "10月28日", "百分之五", "3.5万", "1.2.3万", "S/2013/588", "Ｓ／２０１３／５８８", "２０１３年", "ＵＮ",
    "我宣布会议开始", "《联合国宪章》", "，", "。", "！", "？", "；", "：", "、", "……", "（", "）", "“", "”",
    "# ", "## ", "**", "- ", "• ", "\t", " ", "\u3000", "\n", "\n\n", "\r\n", "\r",
]
AR_PIECES = [
    "الرئيس (تكلم بالإنكليزية): ", "السيد تشوركين (الاتحاد الروسي) (تكلم بالروسية): ", "الأمين العام: ",
    "أعلن افتتاح الجلسة", "مجلس الأمن", "الجلسة ٧٠٥٠", "٢٦٤/٦٧", "تشرين الأول/أكتوبر", "الثامنة والستون",
    "1.2.3 مليون", "S/2013/588", "ﺍﻟﺮﺋﻴﺲ", "ﻻ", "الـــرئيس", "د.", "U.", ".", "،", "؛", "؟", "!", ":", "(", ")",
    "«", "»", "# ", "**", "- ", "\t", " ", "\n", "\n\n", "\r\n", "\r",
]


def _document(pieces: list[str]) -> st.SearchStrategy[str]:
    """Texts made of document-like pieces, with PDF hazards and arbitrary characters mixed in."""
    piece = st.one_of(st.sampled_from(pieces), st.sampled_from(HAZARDS), st.text(max_size=3))
    return st.lists(piece, max_size=40).map("".join)


def _mutated(path: str) -> st.SearchStrategy[str]:
    """A stretch of a real sample with characters deleted, inserted or duplicated."""
    lines = (ROOT / "samples" / path).read_text(encoding="utf-8").splitlines(keepends=True)

    @st.composite
    def build(draw) -> str:
        start = draw(st.integers(0, len(lines) - 1))
        text = "".join(lines[start:start + draw(st.integers(1, 25))])
        for _ in range(draw(st.integers(0, 6))):
            at = draw(st.integers(0, len(text)))
            edit = draw(st.sampled_from(["delete", "insert", "repeat"]))
            if edit == "delete":
                text = text[:at] + text[at + draw(st.integers(1, 40)):]
            elif edit == "insert":
                text = text[:at] + draw(st.one_of(st.sampled_from(HAZARDS + ["\n", "\r", "。", "."]), st.text(max_size=4))) + text[at:]
            else:
                text = text[:at] + text[at:at + 200] * draw(st.integers(2, 12)) + text[at:]
        return text

    return build()


ZH = st.one_of(_document(ZH_PIECES), _mutated("S_PV.7050_zh.txt"))
AR = st.one_of(_document(AR_PIECES), _mutated("S_PV.7050_ar.txt"))


def visible(text: str) -> Counter:
    """The non-space characters of a text, as a multiset."""
    return Counter(c for c in text if not c.isspace())


def cleaned(text: str) -> Counter:
    """What the output must hold: the text after read.clean_line stripped markdown marks and bullets."""
    return visible("".join(line.text for line in lines_of(text)))


def assert_all_there(output: str, text: str, lang: str) -> None:
    """Every non-space character of the cleaned text is in the output or in the furniture the reader
    dropped (and reported), exactly once; the only thing added back is a dash the reader found to be
    no bullet but text the wrap put first on a line."""
    got = visible(output) + visible("".join(d.text for d in read(text, lang).dropped))
    expected = cleaned(text)
    assert not expected - got
    assert set(got - expected) <= set("-•▪")


def jsonl(result: aligner.Alignment) -> str:
    out = io.StringIO()
    write_jsonl(records(result.beads), out)
    return out.getvalue()


@PROFILE
@given(zh=ZH, ar=AR, recover=st.booleans())
def test_every_character_is_output_exactly_once(zh: str, ar: str, recover: bool) -> None:
    result = aligner.align(zh, ar, recover=recover, lexicon=load(), check=False)
    assert_all_there("".join(s.text for b in result.beads for s in b.zh), zh, "zh")
    assert_all_there("".join(s.text for b in result.beads for s in b.ar), ar, "ar")


def _stretch(path: str) -> st.SearchStrategy[str]:
    """Consecutive lines of a real sample."""
    lines = (ROOT / "samples" / path).read_text(encoding="utf-8").splitlines(keepends=True)
    return st.tuples(st.integers(0, len(lines) - 1), st.integers(1, 120)).map(lambda t: "".join(lines[t[0]:t[0] + t[1]]))


@PROFILE
@given(zh=_stretch("S_PV.7050_zh.txt"), ar=_stretch("S_PV.7050_ar.txt"), kind=st.sampled_from(LAYOUTS),
       zh_width=st.sampled_from(ZH_WIDTHS), ar_width=st.sampled_from(AR_WIDTHS))
def test_nothing_lost_and_the_same_output_in_every_layout(zh: str, ar: str, kind: str, zh_width: int, ar_width: int):
    """The properties hold whatever the converter's layout (tests/layouts.py), furniture dropped and reported."""
    zh, ar = layout(zh, "zh", kind, zh_width), layout(ar, "ar", kind, ar_width)
    result = aligner.align(zh, ar, lexicon=load(), check=False)
    assert_all_there("".join(s.text for b in result.beads for s in b.zh), zh, "zh")
    assert_all_there("".join(s.text for b in result.beads for s in b.ar), ar, "ar")
    assert jsonl(result) == jsonl(aligner.align(zh, ar, lexicon=load(), check=False))


@PROFILE
@given(zh=st.text(max_size=300), ar=st.text(max_size=300))
def test_no_exception_for_any_unicode_input(zh: str, ar: str) -> None:
    result = aligner.align(zh, ar, lexicon=load(), check=False)
    assert all(b.zh or b.ar for b in result.beads)


@PROFILE
@given(zh=ZH, ar=AR)
def test_output_is_the_same_every_run(zh: str, ar: str) -> None:
    assert jsonl(aligner.align(zh, ar, lexicon=load(), check=False)) == jsonl(aligner.align(zh, ar, lexicon=load(), check=False))


# Text as a text file holds it: any character but the C0 controls other than tab and line breaks (bytes
# such as 0x06, the high byte of every Arabic letter in UTF-16, make some byte strings both UTF-8 and UTF-16).
_TEXT_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters=[chr(c) for c in [*range(9), *range(14, 32)]])


@st.composite
def _with_nuls(draw) -> tuple[bytes, str]:
    """UTF-8 text, a real sample's or generated, with one to three NUL bytes put anywhere (even
    inside a character's bytes); and the language it is read as."""
    lang = draw(st.sampled_from(["zh", "ar"]))
    text = draw(st.one_of(_stretch(f"S_PV.7050_{lang}.txt"), st.text(_TEXT_CHARS, min_size=12, max_size=400)))
    data = text.encode("utf-8")
    for at in draw(st.lists(st.integers(0, len(data)), min_size=1, max_size=3)):
        data = data[:at] + b"\x00" + data[at:]
    return data, lang


@PROFILE
@given(_with_nuls())
def test_utf8_with_a_few_nul_bytes_is_never_decoded_as_another_encoding(case: tuple[bytes, str]) -> None:
    """A few stray NULs in a UTF-8 file once made it read as UTF-16 without a byte-order mark:
    mojibake that still counts as Han letters, aligned with exit code 0. It is refused instead."""
    data, lang = case
    try:
        _, encoding = decode(data, lang)
    except InputError as e:
        assert "NUL" in str(e)
        return
    assert encoding.startswith("utf-8"), encoding


@PROFILE
@given(lang=st.sampled_from(["zh", "ar"]), encoding=st.sampled_from(["utf-16-le", "utf-16-be"]), data=st.data())
def test_utf16_without_a_byte_order_mark_is_still_read_as_utf16(lang: str, encoding: str, data) -> None:
    """The refusal of stray NULs never takes real UTF-16 (whose NULs are half its ASCII bytes) for UTF-8."""
    text = data.draw(_stretch(f"S_PV.7050_{lang}.txt").filter(lambda t: language_of(t) == lang))
    assert decode(text.encode(encoding), lang) == (text, encoding)


def test_output_is_byte_identical_across_processes(tmp_path: Path) -> None:
    """Set and dict order must not leak into the output: hash seeds differ between runs."""
    zh = "".join((ROOT / "samples" / "S_PV.7050_zh.txt").read_text(encoding="utf-8").splitlines(keepends=True)[40:160])
    ar = "".join((ROOT / "samples" / "S_PV.7050_ar.txt").read_text(encoding="utf-8").splitlines(keepends=True)[45:190])
    (tmp_path / "zh.txt").write_text(zh, encoding="utf-8")
    (tmp_path / "ar.txt").write_text(ar, encoding="utf-8")
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}.jsonl"
        command = [sys.executable, "-m", "aligner", "align", str(tmp_path / "zh.txt"), str(tmp_path / "ar.txt"), "-o", str(out), "-q"]
        subprocess.run(command, check=True, env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


_ARABIC_CHARS = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.characters(max_codepoint=0xFFFF)


@PROFILE
@given(st.lists(st.one_of(st.sampled_from(AR_PIECES), st.text(_ARABIC_CHARS, max_size=4)), max_size=30).map("".join))
def test_cached_camel_tables_do_what_camel_tools_does(text):
    """aligner.camel replays camel-tools from a cached table: same normal form, same tokens
    (camel-tools joins a few multi-character emoji sequences; none of them has a letter)."""
    from camel_tools.tokenizers.word import simple_word_tokenize
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar, normalize_teh_marbuta_ar

    from aligner import camel

    expected = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(text))))
    assert camel.normalise(text) == expected
    words = [w for w in simple_word_tokenize(expected) if any(c.isalnum() for c in w)]
    assert [w for w in camel.word_tokenize(expected) if any(c.isalnum() for c in w)] == words


def test_the_cli_path_does_not_import_camel_tools_once_cached(tmp_path):
    """Start-up stays light: after the first run, the tables come from the cache."""
    code = ("import sys, aligner.cli, aligner.ar as ar; ar.tokens('السيد'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('camel_tools', 'torch', 'transformers')))")
    env = {**os.environ, "ALIGNER_CACHE": str(tmp_path)}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "camel_tools" in first.stdout  # the first run builds the table from camel-tools
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert second.stdout.strip() == "[]"


def test_a_quiet_alignment_imports_nothing_heavy(tmp_path):
    """`aligner align -q` loads no display library (rich), no validation library (pydantic,
    which typer 0.29 imports to parse every command line) and no model code."""
    zh, ar = tmp_path / "zh.txt", tmp_path / "ar.txt"
    zh.write_text("主席（以英语发言）：我宣布会议开始。\n议程通过。\n", encoding="utf-8")
    ar.write_text("الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة.\nأقر جدول الأعمال.\n", encoding="utf-8")
    code = ("import sys; from aligner.cli import app\n"
            f"app(['align', {str(zh)!r}, {str(ar)!r}, '-o', {str(tmp_path / 'out.tsv')!r}, '-q'], standalone_mode=False)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'pydantic', 'camel_tools', 'torch', 'transformers'}))")
    env = {**os.environ, "ALIGNER_CACHE": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-c", "import aligner.ar as ar; ar.tokens('السيد')"], env=env, check=True)  # fill the cache
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert any("议程通过" in line and "أقر جدول الأعمال" in line
               for line in (tmp_path / "out.tsv").read_text(encoding="utf-8").splitlines())


# --- the incomplete-partner check (guard.unmatched_end) ------------------------------------------

def _beads(sizes: list[tuple[int, int]]) -> list:
    """Beads in file order whose sides have these numbers of letters (0: the side is empty)."""
    from aligner.model import Bead, Segment

    beads, count = [], {"zh": 0, "ar": 0}

    def side(lang: str, letters: int) -> list:
        if not letters:
            return []
        count[lang] += 1
        return [Segment(("字" if lang == "zh" else "ب") * letters, (count[lang],), index=count[lang])]

    for zh, ar in sizes:
        beads.append(Bead(side("zh", zh), side("ar", ar), 0.9, 0))
    return beads


_SIDES = st.lists(st.tuples(st.integers(1, 400), st.integers(1, 900)), min_size=1, max_size=60)


@PROFILE
@given(two_sided=_SIDES)
def test_a_pair_whose_every_bead_has_both_sides_is_never_called_incomplete(two_sided):
    from aligner.guard import unmatched_end

    assert unmatched_end(_beads(two_sided)) is None


@PROFILE
@given(two_sided=_SIDES, tail=st.lists(st.integers(50, 400), min_size=1, max_size=30), at_end=st.booleans())
def test_a_chinese_end_or_start_without_arabic_says_the_arabic_is_cut(two_sided, tail, at_end):
    """A run of Chinese without counterpart at the end (or start): reported when it is a page's worth and
    5 % of the Chinese, as the Arabic stopping early (or starting late), else not. (When no more of the
    Chinese found a counterpart than chance would give, which end is missing cannot be told.)"""
    from aligner.guard import CHANCE_MATCHES, EXPECTED_RATIO, MIN_RATIO_EVIDENCE, UNMATCHED_END_SHARE, unmatched_end

    one_sided = [(n, 0) for n in tail]
    reason = unmatched_end(_beads(two_sided + one_sided if at_end else one_sided + two_sided))
    lone, total = sum(tail), sum(tail) + sum(zh for zh, _ in two_sided)
    assume(total - lone > CHANCE_MATCHES * total)
    if lone * EXPECTED_RATIO >= MIN_RATIO_EVIDENCE and lone >= UNMATCHED_END_SHARE * total:
        assert reason and reason.startswith("the Arabic stops early" if at_end else "the Arabic starts late")
        assert f"{100 * lone / total:.0f} % of the Chinese" in reason and reason.endswith("has no Arabic counterpart: incomplete?")
    else:
        assert reason is None


# --- batch: every pair its own output, no input ever an output -----------------------------------

_ZH_DOC, _AR_DOC = "主席（以英语发言）：我宣布会议开始。\n", "الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة.\n"
_STYLES = [  # (how a symbol number and a language make a file name)
    lambda n, lang: f"S_PV.{n}_{lang}.txt", lambda n, lang: f"S-PV-{n}-{lang}.txt",
    lambda n, lang: f"S_PV.{n}.{lang}.txt", lambda n, lang: f"s_pv_{n}_{lang.upper()}.tsv",
    lambda n, lang: f"A_RES_{n}_{'C' if lang == 'zh' else 'A'}.txt", lambda n, lang: f"notes{n}_{lang}.jsonl",
    lambda n, lang: f"S_PV.{n}.tsv" if lang == "zh" else f"S_PV.{n}_ar.tsv",
]
_FILE = st.tuples(st.sampled_from(["", "sub", "sub/deeper", "out", "other"]), st.integers(0, len(_STYLES) - 1),
                  st.integers(1, 3), st.sampled_from(["zh", "ar"]))


@settings(PROFILE, max_examples=PROFILE.max_examples * 2)
@given(files=st.lists(_FILE, min_size=1, max_size=14), out=st.sampled_from(["../out", "out", "sub", ".", "sub/new"]),
       formats=st.sampled_from([["tsv"], ["tsv", "jsonl"], ["jsonl", "tmx"]]))
def test_batch_never_writes_two_pairs_to_one_path_nor_over_an_input(files, out, formats):
    """Random sets of input names, nested or not, in every naming style, with duplicates and
    an output folder beside, inside or equal to the input folder: what `aligner batch` plans
    to write (cli.batch makes these same calls before any work) is one file per output, none
    of them a file found in the input folder; and every tagged file is paired or reported."""
    import tempfile

    from aligner import batch as batching
    from aligner.errors import OutputError
    from aligner.outputs import identity

    with tempfile.TemporaryDirectory() as tmp:
        in_dir, out_dir = Path(tmp) / "in", (Path(tmp) / "in" / out).resolve()
        for folder, style, n, lang in files:
            path = in_dir / folder / _STYLES[style](n, lang)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_ZH_DOC if lang == "zh" else _AR_DOC, encoding="utf-8")
        originals = {p: p.read_bytes() for p in in_dir.rglob("*") if p.is_file()}
        try:
            batching.check_folders(in_dir, out_dir)
            pairs, unpaired = batching.collect_pairs(in_dir, None, exclude=out_dir)
            todo, refused = batching.refuse_clashes(pairs, unpaired, out_dir, formats)
        except OutputError:
            assert out == "."  # the one refusal: the output folder is the input folder
            return
        assert out != "."
        written = [str(path) for p in todo for path in batching.outputs(p, out_dir, formats).values()]
        written.append(str(out_dir / batching.REPORT))
        assert len({identity(w) for w in written}) == len(written)  # no two pairs (or the report) share a file
        inputs = {identity(str(p)) for p in originals if not p.resolve().is_relative_to(out_dir)}
        assert not inputs & {identity(w) for w in written}  # no output is an input
        assert len({p.id for p in todo}) == len(todo) and not {p.id for p in todo} & {e["id"] for e in refused}
        tagged = {p for p in originals if batching.language_tag(p.name) and not p.resolve().is_relative_to(out_dir)}
        accounted = {f for p in pairs for f in (p.zh, p.ar)} | {Path(u["file"]) for u in unpaired}
        assert tagged <= accounted  # never silently dropped
        assert {p: p.read_bytes() for p in originals} == originals  # planning touched nothing
