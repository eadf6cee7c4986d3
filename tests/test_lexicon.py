"""The bilingual lexicon, its matchers and CLI, and speaker-turn alignment (issue 4)."""
from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest
from sample_lines import a, z
from typer.testing import CliRunner

from aligner.cli import app
from aligner.lexicon import NAME_KINDS, read_rows
from aligner.segment import segment_text
from aligner.turns import align_turns, name_speakers, split_turns


@pytest.fixture(scope="module")
def rows():
    text = (resources.files("aligner") / "data" / "lexicon.tsv").read_text(encoding="utf-8")
    return read_rows("lexicon.tsv", text)


@pytest.fixture(scope="module")
def state_rows(rows, lexicon):
    """(row, entry) for every state and observer row; entries follow the rows in file order."""
    by_main = {(e.zh, e.ar): e for e in lexicon.entries}
    out = []
    for _, zh_forms, ar_forms, kind in rows:
        if kind in ("state", "observer"):
            out.append((zh_forms, ar_forms, kind, by_main.get((zh_forms[0] if zh_forms else "", ar_forms[0] if ar_forms else ""))))
    return out


def names(lexicon, ids):
    return [lexicon.entries[i].zh for i in ids]


# ---------------------------------------------------------------- coverage of lexicon.tsv


def test_lexicon_counts_states_and_observers(rows):
    kinds = Counter(kind for *_, kind in rows)
    assert kinds["state"] == 193
    assert kinds["observer"] == 2


def test_every_state_has_both_languages(state_rows, lexicon):
    for zh_forms, ar_forms, kind, entry in state_rows:
        assert zh_forms and ar_forms, (zh_forms, ar_forms)
        assert entry is not None and entry.kind == kind
    loaded = Counter(e.kind for e in lexicon.entries)
    assert loaded["state"] == 193 and loaded["observer"] == 2  # none dropped for a missing side
    assert len({e.zh for e in lexicon.entries if e.kind == "state"}) == 193
    assert len({e.ar for e in lexicon.entries if e.kind == "state"}) == 193


def test_observers_are_holy_see_and_palestine(lexicon):
    observers = {e.ar for e in lexicon.entries if e.kind == "observer"}
    assert any("فلسطين" in a for a in observers)
    assert any("الكرسي الرسولي" in a for a in observers)


def test_every_arabic_state_form_names_its_state(state_rows, lexicon):
    for _, ar_forms, _, entry in state_rows:
        for form in ar_forms:
            assert lexicon.ar_ids(form) == [entry.id], (form, names(lexicon, lexicon.ar_ids(form)))


def test_every_plain_chinese_state_form_names_its_state(state_rows, lexicon):
    for zh_forms, _, _, entry in state_rows:
        for form in zh_forms:
            if "（" not in form and "(" not in form:
                assert lexicon.zh_ids(form) == [entry.id], (form, names(lexicon, lexicon.zh_ids(form)))


def test_every_chinese_state_form_names_its_state(state_rows, lexicon):
    drc = next(e for *_, e in state_rows if e.ar == "جمهورية الكونغو الديمقراطية")
    assert lexicon.zh_ids("刚果（金）") == [drc.id]
    for zh_forms, _, _, entry in state_rows:
        for form in zh_forms:
            assert lexicon.zh_ids(form) == [entry.id], (form, names(lexicon, lexicon.zh_ids(form)))


# ---------------------------------------------------------------- well-known pairs


@pytest.mark.parametrize("zh_text, ar_text", [
    ("摩洛哥", "المغرب"),
    ("联合王国", "المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية"),
    ("大不列颠及北爱尔兰联合王国", "المملكة المتحدة"),
    ("伊斯兰合作组织", "منظمة التعاون الإسلامي"),
    ("伊斯兰会议组织", "منظمة المؤتمر الإسلامي"),
    ("伊斯兰会议组织", "منظمة التعاون الإسلامي"),
    ("人道主义事务协调厅", "مكتب تنسيق الشؤون الإنسانية"),
    ("英语", "الإنكليزية"),
    ("10月", "تشرين الأول/أكتوبر"),
    ("阿塞拜疆", "أذربيجان"),
    ("美利坚合众国", "الولايات المتحدة الأمريكية"),
    ("俄罗斯联邦", "الاتحاد الروسي"),
    ("大韩民国", "جمهورية كوريا"),
])
def test_well_known_pairs(lexicon, zh_text, ar_text):
    z, a = lexicon.zh_ids(zh_text), lexicon.ar_ids(ar_text)
    assert len(z) == 1 and z == a, (names(lexicon, z), names(lexicon, a))


def test_pairs_in_sample_sentences(lexicon):
    z = lexicon.zh_ids("最后，在人道主义援助领域，我们欣见近年来伊斯兰合作组织和联合国人道主义事务协调厅的合作有了发展。")
    a = lexicon.ar_ids("وأخيراً، وفي مجال المساعدة الإنسانية، نشيد بالتعاون الذي ما برح يتطور في الأعوام الأخيرة "
                       "بين منظمة التعاون الإسلامي ومكتب تنسيق الشؤون الإنسانية.")
    oic = lexicon.zh_ids("伊斯兰合作组织")[0]
    ocha = lexicon.zh_ids("人道主义事务协调厅")[0]
    assert {oic, ocha} <= set(z) & set(a)


def test_different_states_do_not_match(lexicon):
    assert lexicon.zh_ids("摩洛哥") != lexicon.ar_ids("باكستان")
    assert set(lexicon.zh_ids("巴基斯坦")).isdisjoint(lexicon.ar_ids("المغرب"))


# ---------------------------------------------------------------- Arabic normalisation and clitics


@pytest.mark.parametrize("variant", [
    "أذربيجان", "اذربيجان", "إذربيجان", "آذربيجان",  # alef forms
    "أذربيـــجان",  # tatweel
    "أَذْرَبِيجَان",  # diacritics
    "ﺃﺫﺭﺑﻴﺠﺎﻥ",  # presentation forms
    "لأذربيجان", "وأذربيجان", "ولأذربيجان", "بأذربيجان", "فأذربيجان",  # clitics
])
def test_arabic_variants_of_azerbaijan(lexicon, variant):
    assert lexicon.ar_ids(variant) == lexicon.ar_ids("أذربيجان") != []


@pytest.mark.parametrize("variant", [
    "安全\u200b理事会", "安全\u2060理事会", "安全\ufe0f理事会",  # zero-width space, word joiner, variation selector
])
def test_chinese_names_are_found_through_invisible_marks(lexicon, variant):
    assert lexicon.zh_ids(variant) == lexicon.zh_ids("安全理事会") != []


@pytest.mark.parametrize("variant", ["أذربي\u00adجان", "أذر\u034fبيجان", "أذ\u2063ربيجان", "ﺃﺫ\u2060ﺭﺑﻴﺠﺎﻥ"])
def test_arabic_names_are_found_through_invisible_marks(lexicon, variant):
    assert lexicon.ar_ids(variant) == lexicon.ar_ids("أذربيجان") != []


@pytest.mark.parametrize("variant", ["المغرب", "والمغرب", "بالمغرب", "للمغرب", "فالمغرب", "كالمغرب", "وبالمغرب"])
def test_arabic_clitics_on_morocco(lexicon, variant):
    assert names(lexicon, lexicon.ar_ids(variant)) == ["摩洛哥"]


@pytest.mark.parametrize("variant", [
    "منظمة التعاون الإسلامي", "منظمه التعاون الاسلامي",  # ta marbuta / alef
    "منظمة التعاون الإسلامى",  # alef maksura for ya
    "ومنظمة التعاون الإسلامي", "لمنظمة التعاون الإسلامي",
    "مُنَظَّمَة التَّعَاوُن الإِسْلَامِيّ",
])
def test_arabic_variants_of_oic(lexicon, variant):
    assert names(lexicon, lexicon.ar_ids(variant)) == ["伊斯兰合作组织"]


def test_arabic_in_running_text(lexicon):
    ids = lexicon.ar_ids("أود كذلك أن أغتنم هذه الفرصة لتهنئة أذربيجان على أدائها الرائع، وأشكر المملكة المتحدة.")
    assert {"阿塞拜疆", "联合王国"} <= set(names(lexicon, ids))


# ---------------------------------------------------------------- Chinese word boundaries


@pytest.mark.parametrize("text, expected", [
    ("印度尼西亚", ["印度尼西亚"]),  # not 印度
    ("南苏丹", ["南苏丹"]),  # not 苏丹
    ("几内亚比绍", ["几内亚比绍"]),
    ("赤道几内亚", ["赤道几内亚"]),
    ("刚果民主共和国", ["刚果民主共和国"]),  # not 刚果
    ("中非共和国", ["中非共和国"]),
    ("美洲国家组织", ["美洲国家组织"]),
    ("大不列颠及北爱尔兰联合王国", ["联合王国"]),
])
def test_chinese_form_not_matched_inside_longer_word(lexicon, text, expected):
    assert names(lexicon, lexicon.zh_ids(text)) == expected


def test_chinese_forms_in_running_text(lexicon):
    text = "他们积极参与诸如索马里、阿富汗、马里、缅甸和达尔富尔局势问题"
    got = names(lexicon, lexicon.zh_ids(text))
    assert {"索马里", "阿富汗", "马里", "缅甸"} <= set(got)
    assert "南苏丹" not in got and "印度" not in names(lexicon, lexicon.zh_ids("印度尼西亚和马来西亚"))


# ---------------------------------------------------------------- `aligner lexicon`


def test_lexicon_command():
    runner = CliRunner()
    result = runner.invoke(app, ["lexicon", "我赞赏摩洛哥和伊斯兰合作组织。", "أشكر المغرب ومنظمة التعاون الإسلامي وباكستان."],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = {}
    for line in result.output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) == 6 and cells[0].isdigit():
            rows[cells[2]] = cells
    assert rows["摩洛哥"][1:] == ["state", "摩洛哥", "المغرب", "yes", "yes"]
    assert rows["伊斯兰合作组织"][1:] == ["regional", "伊斯兰合作组织", "منظمة التعاون الإسلامي", "yes", "yes"]
    assert rows["巴基斯坦"][4:] == ["", "yes"]
    assert result.output.strip().splitlines()[-1].startswith("2 shared,")


def test_lexicon_command_nothing_shared():
    result = CliRunner().invoke(app, ["lexicon", "摩洛哥", "باكستان"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "0 shared, 1 only in zh, 1 only in ar"


# ---------------------------------------------------------------- turn alignment


def turn_ids(speaker, lang, lexicon):
    if speaker is None:
        return {"opening"}
    if speaker.role:
        return {speaker.role}
    ids = lexicon.zh_ids(speaker.affiliation) if lang == "zh" else lexicon.ar_ids(speaker.affiliation)
    return {i for i in ids if lexicon.entries[i].kind in NAME_KINDS}


def aligned_turns(zh_text: str, ar_text: str, lexicon):
    zs, as_ = segment_text(zh_text, "zh"), segment_text(ar_text, "ar")
    zt, at = split_turns(zs, "zh"), split_turns(as_, "ar")
    name_speakers(zt, "zh", lexicon)
    name_speakers(at, "ar", lexicon)
    ratio = sum(len(s.text) for s in as_) / sum(len(s.text) for s in zs)
    return zt, at, align_turns(zt, at, ratio)


def test_sample_turns_align_exactly(zh_text, ar_text, lexicon):
    zt, at, pairs = aligned_turns(zh_text, ar_text, lexicon)
    assert len(zt) == len(at) == 21
    assert len(pairs) == 21
    assert [p for p in pairs if len(p[0]) != 1 or len(p[1]) != 1] == []
    assert [zi[0] for zi, _ in pairs] == list(range(21)) == [ai[0] for _, ai in pairs]
    for zi, ai in pairs:
        z, a = zt[zi[0]].speaker, at[ai[0]].speaker
        assert turn_ids(z, "zh", lexicon) & turn_ids(a, "ar", lexicon), (z, a)
        if z is not None:
            assert z.language == a.language, (z, a)




def meeting(statements) -> str:
    return "\n\n".join(head + body for head, body in statements) + "\n"


# Statements by countries absent from the sample, with real paragraphs of the sample as bodies.
def statements(same_bodies: bool):
    egypt = (z(87) + z(91), a(88) + " " + a(92))
    jordan = egypt if same_bodies else (z(85), a(86))
    tunisia = (z(83), a(84))
    zh_st = [("主席（以英语发言）：", "我现在请下一位发言者发言。"),
             ("法赫米先生（埃及）（以阿拉伯语发言）：", egypt[0]),
             ("哈希米女士（约旦）（以阿拉伯语发言）：", jordan[0]),
             ("本·阿马尔先生（突尼斯）（以阿拉伯语发言）：", tunisia[0]),
             ("主席（以英语发言）：", "发言名单上没有其他发言者了。")]
    ar_st = [("الرئيس (تكلم بالإنكليزية): ", "أعطي الكلمة الآن للمتكلم التالي."),
             ("السيد فهمي (مصر): ", egypt[1]),
             ("السيدة الهاشمي (الأردن): ", jordan[1]),
             ("السيد بن عمار (تونس): ", tunisia[1]),
             ("الرئيس (تكلم بالإنكليزية): ", "ليس هناك المزيد من الأسماء المدرجة في قائمة المتكلمين.")]
    return zh_st, ar_st


def assert_turns_right(zt, at, pairs, lexicon, missing_zh=None, missing_ar=None):
    for zi, ai in pairs:
        if zi and ai:
            assert len(zi) == 1 and len(ai) == 1, [t.speaker.heading for t in [*map(zt.__getitem__, zi), *map(at.__getitem__, ai)]]
            z_sp, a_sp = zt[zi[0]].speaker, at[ai[0]].speaker
            assert turn_ids(z_sp, "zh", lexicon) & turn_ids(a_sp, "ar", lexicon), (z_sp, a_sp)
    if missing_ar is not None:  # the Chinese statement whose Arabic was deleted stands alone
        assert ([missing_ar], []) in [(zi, ai) for zi, ai in pairs]
    if missing_zh is not None:
        assert ([], [missing_zh]) in [(zi, ai) for zi, ai in pairs]


@pytest.mark.parametrize("same_bodies", [True, False])
def test_synthetic_meeting_turns_align(lexicon, same_bodies):
    zh_st, ar_st = statements(same_bodies)
    zt, at, pairs = aligned_turns(meeting(zh_st), meeting(ar_st), lexicon)
    assert len(pairs) == 6
    assert_turns_right(zt, at, pairs, lexicon)


@pytest.mark.parametrize("same_bodies", [True, False])
@pytest.mark.parametrize("deleted", [1, 2, 3])
def test_turns_stay_right_when_arabic_statement_deleted(lexicon, same_bodies, deleted):
    zh_st, ar_st = statements(same_bodies)
    zt, at, pairs = aligned_turns(meeting(zh_st), meeting(ar_st[:deleted] + ar_st[deleted + 1:]), lexicon)
    assert_turns_right(zt, at, pairs, lexicon, missing_ar=deleted + 1)  # turn 0 is the opening


@pytest.mark.parametrize("same_bodies", [True, False])
def test_turns_stay_right_when_chinese_statement_deleted(lexicon, same_bodies):
    zh_st, ar_st = statements(same_bodies)
    zt, at, pairs = aligned_turns(meeting(zh_st[:1] + zh_st[2:]), meeting(ar_st), lexicon)
    assert_turns_right(zt, at, pairs, lexicon, missing_zh=2)


def test_turns_stay_right_when_chinese_middle_statement_deleted(lexicon):
    zh_st, ar_st = statements(same_bodies=False)
    zt, at, pairs = aligned_turns(meeting(zh_st[:2] + zh_st[3:]), meeting(ar_st), lexicon)
    assert_turns_right(zt, at, pairs, lexicon, missing_zh=3)
