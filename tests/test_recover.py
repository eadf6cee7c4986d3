"""Recovery of text the PDF converter put out of order (issue 3), on constructed cases made of
real paragraphs of the S/PV.7050 sample."""
from __future__ import annotations

import json
import random
import re

import pytest
from sample_lines import AR_LINES, ZH_LINES, a, z
from typer.testing import CliRunner

import aligner
from aligner.cli import app
from aligner.records import read_jsonl


def doc(paragraphs: list[str]) -> str:
    """Paragraphs separated by blank lines: paragraph k sits on line 2k+1."""
    return "\n\n".join(paragraphs) + "\n"


def line_of(k: int) -> int:
    return 2 * k + 1


def sentences_ar(paragraph: str) -> list[str]:
    return re.split(r"(?<=[.!؟])\s+", paragraph.strip())


def sentences_zh(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？])", paragraph) if s.strip()]


def bead_with_zh(result, text: str):
    [b] = [b for b in result.beads if any(s.text == text for s in b.zh)]
    return b


# The Secretary-General's statement and the President's next words: paragraphs that translate
# each other one to one (zh line, ar line in the sample).
SG = [(75, 96), (77, 98), (83, 84), (85, 86), (87, 88), (89, 90), (91, 92)]
PRESIDENT = [(163, 178), (197, 210), (199, 212)]


def meeting(move_sudan_to_president: bool = False) -> tuple[str, list[str]]:
    zh = ["秘书长（以英语发言）：" + z(SG[0][0])] + [z(p) for p, _ in SG[1:]]
    zh += ["主席（以英语发言）：我感谢秘书长的发言。"] + [z(p) for p, _ in PRESIDENT]
    ar = ["الأمين العام (تكلم بالإنكليزية): " + a(SG[0][1])]
    ar += [a(q) for _, q in SG[1:] if not (move_sudan_to_president and q == 86)]
    ar += ["الرئيس (تكلم بالإنكليزية): أشكر الأمين العام على بيانه.", a(178)]
    if move_sudan_to_president:
        ar.append(a(86))  # displaced into the President's turn, after his first sentence
    ar += [a(210), a(212)]
    return doc(zh), ar


# ---------------------------------------------------------------- a displaced paragraph


@pytest.fixture(scope="module")
def moved_case():
    zh, ar = meeting(move_sudan_to_president=True)
    return zh, ar, aligner.align(zh, doc(ar))


def test_paragraph_moved_into_another_turn_is_replaced(moved_case):
    _zh, ar, result = moved_case
    sudan_line = line_of(ar.index(a(86)))
    zh_sudan = sentences_zh(z(85))
    ar_sudan = sentences_ar(a(86))
    assert len(zh_sudan) == len(ar_sudan) == 2
    for zs, as_ in zip(zh_sudan, ar_sudan):
        b = bead_with_zh(result, zs)
        assert b.ar_text == as_
        assert b.ar_lines == [sudan_line]
        assert b.moved is True
        assert b.speaker_zh.startswith("秘书长")  # it belongs to the Secretary-General's turn
    assert len(result.moves) == 2
    assert {tuple(m["ar_lines"]) for m in result.moves} == {(sudan_line,)}


def test_only_the_displaced_paragraph_is_marked_moved(moved_case):
    _, ar, result = moved_case
    sudan_line = line_of(ar.index(a(86)))
    moved = [b for b in result.beads if b.moved]
    assert moved and all(b.ar_lines == [sudan_line] for b in moved)
    # the President's words after the displaced paragraph still pair with their translation
    b = bead_with_zh(result, z(197))
    assert b.ar_text == a(210) and not b.moved


def test_without_recovery_the_displaced_paragraph_is_unaligned():
    zh, ar = meeting(move_sudan_to_president=True)
    result = aligner.align(zh, doc(ar), recover=False)
    for zs in sentences_zh(z(85)):
        b = bead_with_zh(result, zs)
        assert not b.ar or a(86) not in b.ar_text
    assert result.moves == [] and not any(b.moved for b in result.beads)


def test_report_option_writes_the_moves(tmp_path):
    zh, ar = meeting(move_sudan_to_president=True)
    zf, af = tmp_path / "zh.txt", tmp_path / "ar.txt"
    zf.write_text(zh, encoding="utf-8")
    af.write_text(doc(ar), encoding="utf-8")
    out, report = tmp_path / "out.jsonl", tmp_path / "moves.json"
    result = CliRunner().invoke(app, ["align", str(zf), str(af), "-o", str(out), "--report", str(report), "-q"])
    assert result.exit_code == 0, result.output
    moves = json.loads(report.read_text(encoding="utf-8"))
    assert isinstance(moves, list) and len(moves) == 2
    sudan_line = line_of(ar.index(a(86)))
    zh_line = line_of(3)  # the Sudan paragraph is the fourth Chinese paragraph
    for m in moves:
        assert m["ar_lines"] == [sudan_line] and m["zh_lines"] == [zh_line]
    beads = read_jsonl(out)[1]
    assert [b for b in beads if b.get("moved")] == [beads[m["bead"]] for m in moves]


def test_report_is_an_empty_list_when_nothing_moved(tmp_path):
    zh, ar = meeting()
    zf, af = tmp_path / "zh.txt", tmp_path / "ar.txt"
    zf.write_text(zh, encoding="utf-8")
    af.write_text(doc(ar), encoding="utf-8")
    report = tmp_path / "moves.json"
    result = CliRunner().invoke(app, ["align", str(zf), str(af), "-o", str(tmp_path / "o.tsv"), "--report", str(report), "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads(report.read_text(encoding="utf-8")) == []


# ---------------------------------------------------------------- nothing moved


def correct_links(result, zh_paras: list[str], ar_paras: list[str], pairs) -> int:
    """Chinese sentences whose bead holds Arabic from the paragraph that translates theirs."""
    want = {line_of(zh_paras.index(z(p))): line_of(ar_paras.index(a(q))) for p, q in pairs}
    return sum(len(b.zh) for b in result.beads
               if b.ar and all(want.get(n) in b.ar_lines for n in b.zh_lines if n in want))


def test_nothing_moved_gives_no_moves_and_no_worse_alignment():
    zh, ar = meeting()
    with_rec = aligner.align(zh, doc(ar))
    without = aligner.align(zh, doc(ar), recover=False)
    assert with_rec.moves == [] and not any(b.moved for b in with_rec.beads)
    zh_paras = zh.rstrip("\n").split("\n\n")
    zh_paras[0] = z(SG[0][0])  # lines as in the doc, heading aside
    ar_paras = list(ar)
    ar_paras[0] = a(SG[0][1])
    pairs = SG + PRESIDENT
    good_with = correct_links(with_rec, zh_paras, ar_paras, pairs)
    good_without = correct_links(without, zh_paras, ar_paras, pairs)
    assert good_with >= good_without
    assert good_with >= 0.9 * sum(len(b.zh) for b in with_rec.beads)


# ---------------------------------------------------------------- a sentence broken by a column break


TERRORISM = sentences_ar(a(90))  # 4 sentences; the second is the one broken in two
BREAK_AT = TERRORISM[1].index(" الإسلامي، من الساحل")
FIRST_HALF, SECOND_HALF = TERRORISM[1][:BREAK_AT], TERRORISM[1][BREAK_AT + 1:]


def broken_sentence_case():
    zh = [z(n) for n in (83, 85, 87, 89, 91, 93, 75, 77)]
    ar = [a(84), a(86), a(88), TERRORISM[0], FIRST_HALF, a(92), a(112), a(96), a(98),
          " ".join([SECOND_HALF, *TERRORISM[2:]])]
    return doc(zh), ar


def test_broken_sentence_halves_are_ten_lines_apart():
    _, ar = broken_sentence_case()
    assert line_of(ar.index(" ".join([SECOND_HALF, *TERRORISM[2:]]))) - line_of(ar.index(FIRST_HALF)) == 10
    assert FIRST_HALF.endswith("منظمة التعاون") and SECOND_HALF.startswith("الإسلامي، من الساحل")


def test_sentence_broken_ten_lines_apart_is_rejoined():
    zh, ar = broken_sentence_case()
    result = aligner.align(zh, doc(ar))
    zh_sentence = sentences_zh(z(89))[1]  # 然而，近年来，从萨赫勒地区和北非到中东和南亚 …
    b = bead_with_zh(result, zh_sentence)
    assert [s.text for s in b.ar] == [FIRST_HALF, SECOND_HALF]  # both fragments, in reading order
    first_line, second_line = line_of(ar.index(FIRST_HALF)), line_of(len(ar) - 1)
    assert b.ar_lines == [first_line, second_line]
    assert b.ar_text == FIRST_HALF + " " + SECOND_HALF
    # the rest of the paragraph the second half opened is placed after it
    for zs, as_ in zip(sentences_zh(z(89))[2:], TERRORISM[2:]):
        assert bead_with_zh(result, zs).ar_text == as_


def test_sentence_after_the_first_half_keeps_its_partner():
    """The sentence the page-break repair glued to the first half still meets its translation."""
    zh, ar = broken_sentence_case()
    result = aligner.align(zh, doc(ar))
    b = bead_with_zh(result, sentences_zh(z(91))[0])
    assert b.ar_text == sentences_ar(a(92))[0]
    assert [bd.type for bd in result.beads if not (bd.zh and bd.ar)] == []


def test_sample_broken_sentence_is_rejoined():
    zh = doc([z(n) for n in (73, 83, 85, 87, 89, 91)])
    ar = [a(n) for n in (82, 84, 86, 88, 90, 94, 92)]
    result = aligner.align(zh, doc(ar))
    zh_sentence = next(s for s in sentences_zh(z(73)) if s.startswith("我认为"))
    b = bead_with_zh(result, zh_sentence)
    first = sentences_ar(a(82))[-1]
    second = sentences_ar(a(94))[0]
    assert [s.text for s in b.ar] == [first, second]
    assert b.ar_lines == [1, 11]


# ---------------------------------------------------------------- a shuffled member list


def member_list(order):
    zh_list = ZH_LINES[16:31]  # lines 17-31: president and the 14 members
    ar_list = AR_LINES[16:31]
    rows = ar_list[1:]
    if order == "sample":
        pass  # the Arabic sample lists members in Arabic alphabetical order
    else:
        random.Random(order).shuffle(rows)
    return "\n".join(zh_list) + "\n", "\n".join([ar_list[0], *rows]) + "\n"


def states(lexicon, ids):
    return {i for i in ids if lexicon.entries[i].kind == "state"}


def assert_list_aligned_as_set(result, lexicon):
    zh_beads = [b for b in result.beads if b.zh]
    for b in zh_beads:  # every entry meets the entry naming the same country ...
        zs, as_ = states(lexicon, lexicon.zh_ids(b.zh_text)), states(lexicon, lexicon.ar_ids(b.ar_text))
        assert zs and zs == as_, (b.zh_text, b.ar_text)
    for b in zh_beads:  # ... and that one only
        assert b.type == "1-1", (b.zh_text, b.ar_text)
    assert len(zh_beads) == 15


@pytest.mark.parametrize("order", ["sample", 0, 1, 2, 4])
def test_shuffled_member_list_aligns_as_a_set(lexicon, order):
    zh, ar = member_list(order)
    countries = [[sorted(states(lexicon, ids(line))) for line in text.splitlines()]
                 for ids, text in ((lexicon.zh_ids, zh), (lexicon.ar_ids, ar))]
    assert countries[0] != countries[1]  # the two lists name the members in different orders
    assert sorted(countries[0]) == sorted(countries[1])  # ... but the same members
    result = aligner.align(zh, ar)
    assert_list_aligned_as_set(result, lexicon)
    assert result.moves  # the list is out of order, so some beads are marked moved


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5])
def test_member_list_in_other_orders_aligns_as_a_set(lexicon, order):
    zh, ar = member_list(order)
    assert_list_aligned_as_set(aligner.align(zh, ar), lexicon)


# ---------------------------------------------------------------- an orphan takes a torn sentence whole


def test_an_orphan_takes_a_torn_sentence_whole():
    """S/PV.7050: the Arabic of 正如以前在安全理事会指出的那样… was torn by a displaced page: its head
    (…في المجالات ذات) ends a paragraph, its tail (الاهتمام المشترك…) opens one earlier in the file.
    The head alone reads closer to another sentence on debates and cooperation (这样做应当是…), and sat
    with it; the torn sentence's own translation was alone. Judged together, head and tail are its
    translation: it takes both, and the other sentence is left alone. An unrelated tail is not taken."""
    from aligner.align import PairContext, prepare_pair
    from aligner.lexicon import load
    from aligner.recover import _adopt_torn

    lexicon = load()
    other, target = sentences_zh(z(223))[-1], sentences_zh(z(253))[0]
    tail, unrelated = sentences_ar(a(264))[0], sentences_ar(a(142))[0]
    for opening, taken in ((tail, True), (unrelated, False)):
        zh_doc, ar_doc = prepare_pair(other + "\n\n" + target, opening + "\n\n" + a(280), lexicon, fork=False)
        ctx = PairContext(zh_doc, ar_doc, lexicon)
        zo, zt = zh_doc.segments
        t, head = ar_doc.segments
        assert head.text == a(280) and not t.open_end
        if taken:
            assert ctx.score([zo], [head]) > ctx.score([zt], [head])  # why the head alone went astray
        got = _adopt_torn(ctx, [([zo], [head])], [zt], [t])
        assert got == (([([zt], [head, t])], [zo], []) if taken else ([([zo], [head])], [zt], [t]))


# ---------------------------------------------------------------- a run of lone sentences joins its paragraph's bead


def test_a_run_of_lone_sentences_joins_the_bead_of_their_paragraph(sample_alignment):
    """S/PV.7050 (beyond the dev gold): 巴勒斯坦问题对于伊斯兰合作组织是至关重要的。它是本组织成立的
    根本原因。… four Chinese sentences (the last cut by a page break) are one Arabic sentence (a
    head and a displaced tail). The DP's shapes stop at three sentences a side, so it leaves three
    of them alone; they join the bead of the fourth, past the DP's shapes (costs.shape_prior)."""
    [bead] = [b for b in sample_alignment.beads if any(s.text.startswith("巴勒斯坦问题对于伊斯兰合作组织") for s in b.zh)]
    assert bead.zh[0].text.startswith("巴勒斯坦问题对于伊斯兰合作组织")
    assert any(s.text.startswith("在这方面，在我们工作的不同领域") for s in bead.zh)
    assert {s.text.split()[0] for s in bead.ar} == {"تكتسي", "بكل"}


def test_two_sentences_alone_never_share_a_torn_sentence():
    """The same torn Arabic sentence is the best match of two lone Chinese sentences (the
    sentence twice): one takes both pieces, the other stays alone, and every segment is in
    exactly one bead or left alone."""
    from aligner.align import PairContext, prepare_pair
    from aligner.lexicon import load
    from aligner.recover import _adopt_torn

    lexicon = load()
    other, target = sentences_zh(z(223))[-1], sentences_zh(z(253))[0]
    zh_doc, ar_doc = prepare_pair("\n\n".join([other, target, target]), sentences_ar(a(264))[0] + "\n\n" + a(280),
                                  lexicon, fork=False)
    ctx = PairContext(zh_doc, ar_doc, lexicon)
    zo, first, second = zh_doc.segments
    tail, head = ar_doc.segments
    pairs, left_zh, left_ar = _adopt_torn(ctx, [([zo], [head])], [first, second], [tail])
    [(taker, arabic)] = pairs
    assert arabic == [head, tail] and taker in ([first], [second]) and left_ar == []
    assert sorted(s.index for s in left_zh) == sorted(s.index for s in [zo, first, second] if [s] != taker)


def test_a_title_is_not_the_head_of_a_torn_sentence():
    """Only a piece ending a paragraph of running text short of a full stop can be a torn
    sentence's head: the sample's cover lines (مؤقت, a title alone in its paragraph) are not;
    a comma-ended piece after a finished sentence of its paragraph is, and so is a piece that
    stops on nothing."""
    from aligner.recover import _stops_short
    from aligner.segment import segment_text

    first = sentences_ar(a(262))[0]
    for text, heads in (("مؤقت", [False]), (first + " ولذلك، ليس من المستغرب", [False, True]),
                        (first + " وفي الحضارة الرومانية،", [False, True]), (first, [False])):
        segs = segment_text(text + "\n", "ar")
        assert [_stops_short(s, segs) for s in segs] == heads, text


def _bead_of(alignment, zh_start: str):
    [bead] = [b for b in alignment.beads if any(s.text.startswith(zh_start) for s in b.zh)]
    return bead


def test_sentences_torn_by_displaced_pages_are_whole_in_the_sample(sample_alignment):
    """S/PV.7050 (beyond the dev gold): the Arabic of 2012年5月联合国和伊斯兰合作组织的秘书处… ends a
    paragraph at a comma (…الاهتمام المشترك،) and goes on a page later (بما في ذلك منع نشوب
    النزاعات…); the sentence was left alone, and so were both pieces, until judged together
    (_adopt_torn). Short tails, two or three words that opened a displaced paragraph, re-join
    the sentences they end (REJOIN_GAIN)."""
    torn = _bead_of(sample_alignment, "2012年5月联合国和伊斯兰合作组织的秘书处")
    assert [s.text.split()[0] for s in torn.ar] == ["وأظهر", "بما"]
    assert "أو التطرف." in [s.text for s in _bead_of(sample_alignment, "我们赞同秘书长的这一看法").ar]
    suspended = _bead_of(sample_alignment, "考虑到叙利亚政权顽固不化")
    assert any(s.text.startswith("منظمة التعاون الإسلامي القرار الشجاع") for s in suspended.ar)


def test_a_lone_sentence_joins_a_neighbour_only_in_its_own_paragraph(zh_text, ar_text, lexicon):
    """我们能够利用那次机会… | 在拉丁美洲和加勒比地区… | 我们也得以听取…: one paragraph, each sentence
    with its Arabic. The middle one alone, its Arabic sitting with the first one's, joins that
    bead; a sentence of another paragraph in its place stays alone."""
    from aligner.align import PairContext, absorb_sandwiched, prepare

    ctx = PairContext(prepare(zh_text, "zh", lexicon), prepare(ar_text, "ar", lexicon), lexicon)

    def find(segs, start):
        return next(s for s in segs if s.text.startswith(start))

    z1, z2, z3 = (find(ctx.zh.segments, t) for t in ("我们能够利用那次机会", "在拉丁美洲和加勒比地区，南美洲", "我们也得以听取"))
    a1, a2, a3 = (find(ctx.ar.segments, t) for t in ("وقد سمحت لنا تلك الفرصة", "في سياق أمريكا اللاتينية",
                                                      "كما تمكنا أيضًا من الاستماع"))
    assert z1.index + 1 == z2.index == z3.index - 1 and z1.place == z2.place == z3.place
    speakers = ("", "")
    first, last = ctx.bead([z1], [a1, a2], 0, speakers), ctx.bead([z3], [a3], 0, speakers)
    grown = absorb_sandwiched(ctx, [first, ctx.bead([z2], [], 0, speakers), last])
    assert [([s.index for s in b.zh], len(b.ar)) for b in grown] == [([z1.index, z2.index], 2), ([z3.index], 1)]
    elsewhere = find(ctx.zh.segments, "显然，每个区域或次区域组织都有自己的发展水平")
    assert elsewhere.place != z1.place
    alone = [first, ctx.bead([elsewhere], [], 0, speakers), last]
    assert absorb_sandwiched(ctx, alone) == alone
