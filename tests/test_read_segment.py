"""Reading, cleaning, page-break repair, sentence splitting and speaker headings (issue 2)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sample_lines import a, z

from aligner import ar, zh
from aligner.read import clean_line, decode, lines_of
from aligner.segment import segment_text
from aligner.turns import split_turns

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def zh_segments(zh_text):
    return segment_text(zh_text, "zh")


@pytest.fixture(scope="module")
def ar_segments(ar_text):
    return segment_text(ar_text, "ar")


def source_line(text: str, n: int) -> str:
    return text.split("\n")[n - 1]


def segment_at(segments, line: int):
    return [s for s in segments if line in s.lines]


# ---------------------------------------------------------------- reading / cleaning


def test_decode_strips_utf8_bom():
    text, enc = decode("\ufeff主席（以英语发言）：我宣布会议开始。".encode("utf-8"), "zh")
    assert text == "主席（以英语发言）：我宣布会议开始。"
    assert "8" in enc


def test_decode_utf16_with_bom():
    raw = "الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة.".encode("utf-16")
    text, _ = decode(raw, "ar")
    assert text == "الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة."


def test_arabic_heading_after_bom_keeps_its_role():
    ar_heading = segment_text("\ufeffالرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة.\n", "ar")[0]
    assert ar_heading.kind == "heading"
    assert ar.parse_heading(ar_heading.text).role == "president"


def test_chinese_heading_after_bom_keeps_its_role():
    heading = segment_text("\ufeff主席（以英语发言）：我宣布会议开始。\n", "zh")[0]
    assert heading.kind == "heading"
    sp = zh.parse_heading(heading.text)
    assert (sp.role, sp.name) == ("president", "")


@pytest.mark.parametrize("raw, text, mark", [
    ("## إقرار جدول الأعمال", "إقرار جدول الأعمال", "title"),
    ("### تعزيز أوجه التآزر في الشراكة بين الأمم المتحدة ومنظمة التعاون الإسلامي",
     "تعزيز أوجه التآزر في الشراكة بين الأمم المتحدة ومنظمة التعاون الإسلامي", "title"),
    ("**الرئيس** (تكلم بالإنكليزية): أشكر السيد إحسان أوغلو على إحاطته الإعلامية المفيدة جدا.",
     "الرئيس (تكلم بالإنكليزية): أشكر السيد إحسان أوغلو على إحاطته الإعلامية المفيدة جدا.", ""),
    ("**السيدة بوعيدة (المغرب):** بداية أود تقديم عبارات الشكر",
     "السيدة بوعيدة (المغرب): بداية أود تقديم عبارات الشكر", ""),
    # markdown hard break (two trailing spaces), as on the Arabic sample's cut lines
    ("التعاون بين الأمم المتحدة والمنظمات الإقليمية ودون الإقليمية في صون السلام والأمن الدوليين  ",
     "التعاون بين الأمم المتحدة والمنظمات الإقليمية ودون الإقليمية في صون السلام والأمن الدوليين", ""),
    # no-break space, ideographic space and runs of spaces become one space
    ("主席先生,\u00a0\u00a0我真诚感谢你\u3000抽时间主持", "主席先生, 我真诚感谢你 抽时间主持", ""),
    # the Arabic cover list is a table whose columns the converter kept as tabs
    ("الرئيس:\tالسيد محمد ياروف\t(أذربيجان)", "الرئيس: السيد محمد ياروف (أذربيجان)", "item"),
    ("\tالأرجنتين\tالسيد سكيف", "الأرجنتين السيد سكيف", "item"),
    ("- 主席： 马梅德亚罗夫先生..... (阿塞拜疆)", "主席： 马梅德亚罗夫先生..... (阿塞拜疆)", "item"),
    ("议程通过。", "议程通过。", ""),
    # bidi marks before a markdown mark do not hide it, and stay
    ("\u202b## مجلس الأمن\u202c", "\u202bمجلس الأمن\u202c", "title"),
    ("\u200f - بند أول", "\u200fبند أول", "item"),
])
def test_clean_line(raw, text, mark):
    assert clean_line(raw) == (text, mark)


def test_lines_keep_source_numbers(ar_text, zh_text):
    ar_lines = {ln.number: ln for ln in lines_of(ar_text)}
    assert ar_lines[405].text == "السيدة ديكارلو (الولايات المتحدة الأمريكية) (تكلمت"
    assert ar_lines[17].mark == "item" and ar_lines[17].text.startswith("الرئيس: السيد محمد ياروف")
    assert 404 not in ar_lines  # blank lines are dropped, not renumbered
    zh_lines = {ln.number: ln for ln in lines_of(zh_text)}
    assert zh_lines[79].text.endswith("我赞赏伊斯兰会议组织作出")
    assert zh_lines[81].text.startswith("努力，包括")
    for n, ln in zh_lines.items():
        assert ln.text and ln.text == ln.text.strip()
        assert clean_line(source_line(zh_text, n))[0] == ln.text


# ---------------------------------------------------------------- page-break repair


def test_zh_sentence_repaired_across_page_break(zh_segments):
    [seg] = [s for s in zh_segments if s.lines == (79, 81)]
    assert seg.text == "我赞赏伊斯兰会议组织作出努力，包括通过其驻喀布尔办事处开展工作，支持由阿富汗主导的和解进程。"
    assert seg.joints == (len("我赞赏伊斯兰会议组织作出"),)
    assert seg.kind == "sentence" and not seg.open_end
    # the sentence before it on line 79 is complete and stays alone
    before = [s for s in zh_segments if s.lines == (79,)]
    assert [s.text for s in before] == ["在阿富汗, 在此过渡时期, 努力加强区域合作和建立信任至关重要。"]


def test_a_short_piece_ending_a_prose_paragraph_stops_mid_sentence():
    """A column or page break can cut a paragraph's last sentence after a few words. The head
    left is short and holds no full stop, yet it stops mid-sentence (open_end, so recovery looks
    for its tail), because its paragraph is running text. A title alone in its paragraph does
    not."""
    first_ar, first_zh = a(262).split(". ")[0] + ".", z(223).split("。")[0] + "。"
    cases = [(first_ar + " ولذلك، ليس من المستغرب أن", "ar", [False, True]),
             ("التعاون بين الأمم المتحدة ومنظمة التعاون الإسلامي", "ar", [False]),
             (first_zh + "伊斯兰合作组织也需要获得支助", "zh", [False, True]),
             ("联合国与伊斯兰合作组织之间的合作", "zh", [False])]
    for text, lang, open_ends in cases:
        assert [s.open_end for s in segment_text(text + "\n", lang)] == open_ends, text


def test_zh_repair_on_a_constructed_snippet():
    text = ("在阿富汗, 在此过渡时期, 努力加强区域合作和建立信任至关重要。我赞赏伊斯兰会议组织作出\n\n"
            "努力，包括通过其驻喀布尔办事处开展工作，支持由阿富汗主导的和解进程。\n")
    segs = segment_text(text, "zh")
    assert [s.lines for s in segs] == [(1,), (1, 3)]
    assert segs[1].joints == (12,)


def test_ar_heading_split_over_two_lines_is_one_heading(ar_segments):
    [head] = [s for s in ar_segments if 405 in s.lines and s.kind == "heading"]
    assert head.lines == (405, 407)
    assert head.text == "السيدة ديكارلو (الولايات المتحدة الأمريكية) (تكلمت بالإنكليزية):"
    sp = ar.parse_heading(head.text)
    assert (sp.name, sp.affiliation, sp.language, sp.role) == ("ديكارلو", "الولايات المتحدة الأمريكية", "en", None)
    nxt = ar_segments[ar_segments.index(head) + 1]
    assert nxt.lines == (407,) and nxt.text.startswith("أشكركم، سيدي الرئيس، على وجودكم هنا اليوم")


def test_ar_heading_split_snippet():
    text = ("**السيدة ديكارلو (الولايات المتحدة الأمريكية) (تكلمت**\n\n"
            "بالإنكليزية): أشكركم، سيدي الرئيس، على وجودكم هنا اليوم وعلى جمعنا معا بشأن هذا الموضوع في وقته المناسب.\n")
    segs = segment_text(text, "ar")
    assert [(s.kind, s.lines) for s in segs] == [("heading", (1, 3)), ("sentence", (3,))]


@pytest.mark.parametrize("lang, text", [
    ("zh", "安全理事会\n\n第六十八年\n\n临时逐字记录\n"),
    ("ar", "السنة الثامنة والستون\n\nالجلسة ٧٠٥٠\n\nنيويورك\n"),
    # a title cut over lines by the converter is not prose: each line stays apart
    ("ar", "رسالة مؤرخة ٣ تشرين الأول/أكتوبر ٢٠١٣ موجهة\n\nإلى الأمين العام من الممثل الدائم لأذربيجان لدى الأمم\n"),
    # a markdown title never runs on into the next line
    ("ar", ("## التعاون بين الأمم المتحدة والمنظمات الإقليمية ودون الإقليمية على صون السلام والأمن الدوليين\n\n"
            "تعزيز أوجه التآزر في الشراكة بين الأمم المتحدة ومنظمة التعاون الإسلامي\n")),
])
def test_short_title_lines_are_not_joined(lang, text):
    segs = segment_text(text, lang)
    assert len(segs) == len([ln for ln in text.split("\n") if ln.strip()])
    assert all(len(s.lines) == 1 and not s.joints for s in segs)


def test_short_title_lines_of_the_samples_stay_apart(zh_segments, ar_segments):
    assert [s.text for s in zh_segments if s.lines[0] < 12] == ["安全理事会", "第六十八年", "临时逐字记录", "第七〇五〇次会议"]
    assert [s.text for s in ar_segments if s.lines[0] < 12] == ["مؤقت", "مجلس الأمن", "السنة الثامنة والستون", "الجلسة ٧٠٥٠"]


# ---------------------------------------------------------------- sentence splitting


def spans(rules, text):
    return [text[a:b].strip() for a, b in rules.sentence_spans(text)]


@pytest.mark.parametrize("text, expected", [
    ("关于苏丹问题。我指望继续合作！这是真的吗？是的",
     ["关于苏丹问题。", "我指望继续合作！", "这是真的吗？", "是的"]),
    # closing quotes stay with their sentence
    ("中方赞赏阿塞拜疆倡议召开此次“高级别通报会。”我们特别欢迎马梅德亚罗夫外长。",
     ["中方赞赏阿塞拜疆倡议召开此次“高级别通报会。”", "我们特别欢迎马梅德亚罗夫外长。"]),
    ("他问道：“为什么？”我们回答了。", ["他问道：“为什么？”", "我们回答了。"]),
    # never inside a title 《…》
    ("定本将刊印在《安全理事会正式记录。第六十八年》。更正应只对原文提出。",
     ["定本将刊印在《安全理事会正式记录。第六十八年》。", "更正应只对原文提出。"]),
    # the dot of a document symbol is not a sentence end
    ("最后，我欢迎主席声明(S/PRST/2013/16)，见S/PV.7050。我感谢各位。",
     ["最后，我欢迎主席声明(S/PRST/2013/16)，见S/PV.7050。", "我感谢各位。"]),
])
def test_zh_sentence_spans(text, expected):
    assert spans(zh, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("في صون السلم والأمن الدوليين (انظر S/PV.7015). واتفقنا على الطلب من الأمين العام إدراج ذلك.",
     ["في صون السلم والأمن الدوليين (انظر S/PV.7015).", "واتفقنا على الطلب من الأمين العام إدراج ذلك."]),
    ("على النحو الوارد في القرار A/RES/67/264، الذي اعتمد بتوافق الآراء في الجمعية العامة. ونحن ندعم ذلك.",
     ["على النحو الوارد في القرار A/RES/67/264، الذي اعتمد بتوافق الآراء في الجمعية العامة.", "ونحن ندعم ذلك."]),
    ("ارتفع المعدل إلى 2.5 في المائة ثم إلى ٣٫٥ في المائة. ونحن ندعم ذلك.",
     ["ارتفع المعدل إلى 2.5 في المائة ثم إلى ٣٫٥ في المائة.", "ونحن ندعم ذلك."]),
    ("تكلم د. أحمد عن الموضوع، وأشار إلى U. Thant. ونحن ندعم ذلك.",
     ["تكلم د. أحمد عن الموضوع، وأشار إلى U. Thant.", "ونحن ندعم ذلك."]),
    ("هل نحن مستعدون؟ نعم! لقد بدأنا العمل.", ["هل نحن مستعدون؟", "نعم!", "لقد بدأنا العمل."]),
    ("وترحب الصين بالبيان الرئاسي الذي اعتمده المجلس للتو (S/PRST/2013/16).",
     ["وترحب الصين بالبيان الرئاسي الذي اعتمده المجلس للتو (S/PRST/2013/16)."]),
])
def test_ar_sentence_spans(text, expected):
    assert spans(ar, text) == expected


def test_ar_sample_line_with_symbol_splits_at_real_ends(ar_text):
    line = clean_line(source_line(ar_text, 246))[0]
    assert "S/PV.7015" in line
    got = spans(ar, line)
    assert any(s.endswith("(انظر S/PV.7015).") for s in got)
    assert all(not s.endswith("S/PV.") for s in got)
    assert "".join(got).replace(" ", "") == line.replace(" ", "")


# ---------------------------------------------------------------- speaker headings


ZH_HEADINGS = [
    # text as in the sample, (role, name, affiliation, language)
    ("主席(以英语发言): 我谨欢迎秘书长和其他代表参加今天的会议。", ("president", "", "", "en")),
    ("主席（以英语发言）：我现在请伊斯兰合作组织秘书长发言。", ("president", "", "", "en")),
    ("秘书长(以英语发言): 首先, 我谨欢迎伊斯兰合作组织秘书长。", ("secretary-general", "", "", "en")),
    ("刘结一先生（中国）：中方赞赏阿塞拜疆倡议召开此次会议。", (None, "刘结一", "中国", "zh")),
    ("Bouaida女士（摩洛哥）（以阿拉伯语发言）：首先，我感谢阿塞拜疆代表团。", (None, "Bouaida", "摩洛哥", "ar")),
    ("马苏德汗（巴基斯坦）（以英语发言）：主席先生，我们欢迎你。", (None, "马苏德汗", "巴基斯坦", "en")),
    ("加萨纳先生(卢旺达)(以英语发言)：我首先要感谢阿塞拜疆外交部长。", (None, "加萨纳", "卢旺达", "en")),
    ("伊赫桑诺格鲁先生（伊斯兰合作组织）（以英语发言）：首先，我谨表示感谢。", (None, "伊赫桑诺格鲁", "伊斯兰合作组织", "en")),
    ("马克·莱尔·格兰特爵士（联合王国）（以英语发言）：主席先生，我感谢你。", (None, "马克·莱尔·格兰特", "联合王国", "en")),
    ("迪卡洛夫人（美利坚合众国）（以英语发言）：主席先生，谢谢你。", (None, "迪卡洛", "美利坚合众国", "en")),
    ("斯奎福女士（阿根廷）（以西班牙语发言）：主席先生，我感谢你。", (None, "斯奎福", "阿根廷", "es")),
    ("卢卡斯女士(卢森堡)(以法语发言)：主席先生，我首先要感谢你。", (None, "卢卡斯", "卢森堡", "fr")),
    ("丘尔金先生（俄罗斯联邦）（以俄语发言）：部长先生，我们欢迎你。", (None, "丘尔金", "俄罗斯联邦", "ru")),
]

AR_HEADINGS = [
    ("الرئيس (تكلم بالإنكليزية): أود أن أرحب بالأمين العام.", ("president", "", "", "en")),
    ("**الرئيس** (تكلم بالإنكليزية): أشكر السيد إحسان أوغلو على إحاطته الإعلامية المفيدة جدا.",
     ("president", "", "", "en")),
    ("**الرئيس (تكلم بالإنكليزية):** أعطي الكلمة الآن للسيد إحسان أوغلو.", ("president", "", "", "en")),
    ("الأمين العام (تكلم بالإنكليزية): أود أن أستهل بياني", ("secretary-general", "", "", "en")),
    ("**السيدة بوعيدة (المغرب):** بداية أود تقديم عبارات الشكر والتقدير.", (None, "بوعيدة", "المغرب", "ar")),
    ("**السيد مسعود خان** (باكستان) (تكلم بالإنكليزية):  ", (None, "مسعود خان", "باكستان", "en")),
    ("السيد ليو جيبي بي (الصين) (تكلم باللغة الصينية):  ", (None, "ليو جيبي بي", "الصين", "zh")),
    ("**السيد إحسان أوغلو (منظمة التعاون الإسلامي) (تكلم بالإنكليزية):**",
     (None, "إحسان أوغلو", "منظمة التعاون الإسلامي", "en")),
    ("**السيدة سكيف** (الأرجنتين) (تكلمت بالإسبانية): في البداية، أود أن أشكر.", (None, "سكيف", "الأرجنتين", "es")),
    ("**السيدة لوكاس (لكسمبرغ)** (تكلمت بالفرنسية): في البداية، أود أن أشكر.", (None, "لوكاس", "لكسمبرغ", "fr")),
    ("**السير مارك ليال غوانت (المملكة المتحدة)** (تكلم بالإنكليزية): أرحب بكم.",
     (None, "مارك ليال غوانت", "المملكة المتحدة", "en")),
    ("**السيد تشوركين** (الاتحاد الروسي) (تكلم بالروسية):  ", (None, "تشوركين", "الاتحاد الروسي", "ru")),
]


@pytest.mark.parametrize("rules, line, expected",
                         [(zh, line, exp) for line, exp in ZH_HEADINGS] + [(ar, line, exp) for line, exp in AR_HEADINGS])
def test_heading_parsed(rules, line, expected):
    text = clean_line(line)[0]
    n = rules.match_heading(text)
    assert n > 0
    head = text[:n].strip()
    assert head.endswith(("：", ":"))
    sp = rules.parse_heading(head)
    assert (sp.role, sp.name, sp.affiliation, sp.language) == expected


def test_every_sample_heading_form_is_in_the_file(zh_text, ar_text):
    """The heading forms tested above are copied from the samples, markup included."""
    for line, _ in ZH_HEADINGS:
        head = line[: zh.match_heading(line)].strip()
        assert head in zh_text, head
    for line, _ in AR_HEADINGS:
        raw = re.split(r"\):(?:\*\*)?", line, maxsplit=1)[0]
        assert raw in ar_text, raw


@pytest.mark.parametrize("rules, text", [
    (ar, "السيد الرئيس، إنني أقدر كل التقدير أنكم اقتطعتم جانباً من وقتكم لترؤس هذه الجلسة الهامة للمجلس."),
    (ar, "الرئيس: السيد محمد ياروف (أذربيجان)"),  # the cover list, once its tabs are gone
    (ar, "الأعضاء: الاتحاد الروسي السيد تشوركين"),
    (ar, "الرئيس: أعلن افتتاح"),
    (zh, "我现在以阿塞拜疆外交部长的身份发言。"),
    (zh, "主席："),
    (zh, "根据安理会暂行议事规则第39条, 我邀请伊斯兰合作组织秘书长参加本次会议。"),
    (zh, "2013年10月3日阿塞拜疆常驻联合国代表给秘书长的信(S/2013/588)"),
])
def test_not_a_heading(rules, text):
    assert rules.match_heading(text) == 0


def test_zh_cover_list_line_without_bullet_is_not_a_heading():
    assert zh.match_heading("主席： 马梅德亚罗夫先生..... (阿塞拜疆)") == 0
    segs = segment_text("主席： 马梅德亚罗夫先生..... (阿塞拜疆)\n成员： 阿根廷 斯奎福女士\n", "zh")
    assert [s.kind for s in segs] == ["sentence", "sentence"]
    # while a President speaking Chinese (no interpretation marker) still opens a turn
    assert zh.match_heading("主席：我宣布会议开始。") == len("主席：")


def test_cover_lists_and_prose_are_not_headings_in_the_samples(zh_segments, ar_segments):
    for segs, line in ((ar_segments, 17), (ar_segments, 18), (ar_segments, 78), (zh_segments, 17), (zh_segments, 18),
                       (zh_segments, 163)):
        got = segment_at(segs, line)
        assert got and all(s.kind != "heading" for s in got), (line, got)


def test_heading_count_equals_speaker_turns(zh_segments, ar_segments):
    # Counted by hand with
    #   grep -nE '^[^。，]{1,40}[)）][：:]' samples/S_PV.7050_zh.txt          -> 20 lines (57 ... 503)
    #   grep -nE '^(\*\*)?(السيد|السيدة|السير|الرئيس|الأمين العام)[^.،]{0,100}\)(\*\*)?:' samples/S_PV.7050_ar.txt
    #                                                                       -> 19 lines, plus the heading of
    #   Ms. DiCarlo cut over lines 405/407 ("... (تكلمت" / "بالإنكليزية): ...") -> 20;
    # each line read to check it opens a speaker's turn (5 x President, Secretary-General,
    # OIC Secretary-General, 13 Council members).
    zh_heads = [s for s in zh_segments if s.kind == "heading"]
    ar_heads = [s for s in ar_segments if s.kind == "heading"]
    assert len(zh_heads) == 20
    assert len(ar_heads) == 20
    assert [s.lines[0] for s in zh_heads] == [57, 67, 95, 97, 159, 201, 227, 251, 269, 283, 307, 343, 359, 379,
                                              401, 419, 435, 465, 479, 503]
    assert [s.lines[0] for s in ar_heads] == [64, 72, 114, 116, 174, 214, 256, 278, 286, 304, 346, 387, 405, 421,
                                              455, 467, 481, 515, 544, 579]
    assert len(split_turns(zh_segments, "zh")) == 21
    assert len(split_turns(ar_segments, "ar")) == 21


def test_heading_is_its_own_segment_and_body_follows(zh_segments, ar_segments):
    [z] = [s for s in zh_segments if s.lines == (465,) and s.kind == "heading"]
    assert z.text == "刘结一先生（中国）："
    assert zh_segments[zh_segments.index(z) + 1].text.startswith("中方赞赏阿塞拜疆倡议召开此次")
    [a] = [s for s in ar_segments if s.lines == (174,) and s.kind == "heading"]
    assert a.text == "الرئيس (تكلم بالإنكليزية):"
    assert ar_segments[ar_segments.index(a) + 1].text == "أشكر السيد إحسان أوغلو على إحاطته الإعلامية المفيدة جدا."
