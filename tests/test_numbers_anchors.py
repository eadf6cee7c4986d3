"""Numbers in every script, document symbols, anchors and bead costs (issue 2)."""
from __future__ import annotations

import itertools
import math
import random

import pytest

from aligner import anchors, ar, costs, zh
from aligner.align import prepare
from aligner.cues import Weights, features, number_weight, side
from aligner.model import Segment

# ---------------------------------------------------------------- digits and fractions


def test_arabic_indic_digits():
    assert anchors.ascii_digits("٢٠١٣ ٧٠٥٠ ۱۲۳ ٢٫٥") == "2013 7050 123 2.5"
    assert "2013" in ar.numbers("الاثنين، ٢٨ تشرين الأول/أكتوبر ٢٠١٣")
    assert ar.numbers("الجلسة ٧٠٥٠") == ["7050"]


def test_reversed_fraction_meets_chinese_fraction():
    a = ar.numbers("لذلك، فإننا ندعم بقوة، على النحو الوارد في القرار ٢٦٤/٦٧، الذي اعتمد بتوافق الآراء")
    z = zh.numbers("正如在大会内以协商一致方式通过并获得伊斯兰合作组织通过的第67/264号决议所表明的那样")
    assert "67/264" in a and "67/264" in z
    assert "264/67" not in a


def test_resolution_numbers_on_both_sides():
    z = anchors.symbols("这四项决议，即第822(1993)号、第853(1993)号、第874(1993)号及第884(1993)号决议重申")
    a = anchors.symbols("وأكدت هذه القرارات - ٨٢٢ (١٩٩٣)، و ٨٥٣ (١٩٩٣)، و ٨٧٤ (١٩٩٣) و ٨٨٤ (١٩٩٣) - احترام سيادة أذربيجان")
    expected = ["res:822(1993)", "res:853(1993)", "res:874(1993)", "res:884(1993)"]
    assert z == expected
    assert a == expected


@pytest.mark.parametrize("text, expected", [
    ("وأود أن أوجه انتباه أعضاء المجلس إلى الوثيقة S/2013/588، التي تتضمن رسالة", ["S/2013/588"]),
    ("إعداده البيان الرئاسي الذي اعتمد اليوم (S/PRST/2013/16).", ["S/PRST/2013/16"]),
    ("على النحو الوارد في القرار A/RES/67/264، الذي اعتمد", ["A/RES/67/264"]),
    ("(انظر S/PV.7015). واتفقنا", ["S/PV.7015"]),
    ("我谨提请安理会成员注意文件S/2013/588, 其中载有", ["S/2013/588"]),
    ("最后，请允许我欢迎安理会今天通过的主席声明（S/PRST/2013/16）。", ["S/PRST/2013/16"]),
    ("（见S/PV.7049）。随着冬天的来临", ["S/PV.7049"]),
])
def test_document_symbols_whole(text, expected):
    assert anchors.symbols(text) == expected


@pytest.mark.parametrize("lang, text", [
    ("ar", "الوثيقة S/2013/588، والبيان (S/PRST/2013/16) والقرار A/RES/67/264 (انظر S/PV.7050)."),
    ("zh", "文件S/2013/588和主席声明(S/PRST/2013/16)以及A/RES/67/264（见S/PV.7050）。"),
])
def test_document_symbols_are_not_counted_as_numbers(lang, text):
    rules = zh if lang == "zh" else ar
    assert rules.numbers(text) == []
    assert anchors.latin_words(text) == []


# ---------------------------------------------------------------- Chinese numerals


@pytest.mark.parametrize("text, expected", [
    ("第七〇五〇次会议", ["7050"]),
    ("一九四八年", ["1948"]),
    ("第十二条", ["12"]),
    ("第六十八年", ["68"]),
    ("大会第六十八届会议", ["68"]),
    ("五个国家", ["5"]),
    ("一般性辩论", []),
    ("一贯发展同该组织成员国的合作", []),
])
def test_chinese_numerals(text, expected):
    assert zh.numbers(text) == expected


# ---------------------------------------------------------------- Arabic number words


@pytest.mark.parametrize("text, expected", [
    ("السنة الثامنة والستون", "68"),
    ("وبوصفها ثاني أكبر منظمة سياسية حكومية دولية، تضم ٥٧ دولة عضواً علاوة على خمس دول تتمتع بمركز المراقب", "5"),
    ("وهذا هو العام الثالث والعشرون", "23"),
])
def test_arabic_number_words(text, expected):
    assert expected in ar.numbers(text)


def test_number_words_meet_chinese_numerals():
    assert set(ar.numbers("السنة الثامنة والستون")) == set(zh.numbers("第六十八年")) == {"68"}


# ---------------------------------------------------------------- months and amounts


def test_months_meet():
    z = zh.numbers("2013年10月3日阿塞拜疆常驻联合国代表给秘书长的信")
    a = ar.numbers("رسالة مؤرخة ٣ تشرين الأول/أكتوبر ٢٠١٣ موجهة إلى الأمين العام")
    assert "m10" in z and "m10" in a
    assert {"m10", "3", "2013"} <= set(z) & set(a)
    assert "m9" in ar.numbers("على هامش المناقشة العامة للجمعية العامة في ٢٧ أيلول/سبتمبر")
    assert "m9" in zh.numbers("秘书长最近于9月27日在大会第六十八届会议一般性辩论之外")


def test_arabic_date_gives_no_fraction():
    a = ar.numbers("رسالة مؤرخة ٣ تشرين الأول/أكتوبر ٢٠١٣ موجهة إلى الأمين العام")
    assert not [n for n in a if "/" in n], a


def test_amounts_scaled():
    z = zh.numbers("我国有2000万穆斯林，是伊斯兰合作组织的观察国")
    a = ar.numbers("إن بلدنا، الذي يضم ٢٠ مليونا من المسلمين، له صفة المراقب في منظمة المؤتمر الإسلامي")
    assert "20000000" in z and "20000000" in a
    assert "20000000" in ar.numbers("يضم ٢٠ مليون مسلم")


def test_canonical_numbers():
    assert anchors.canonical_number("1,000") == "1000"
    assert anchors.canonical_number("1,6") == "1.6"
    assert anchors.canonical_number("2.50") == "2.5"
    assert anchors.canonical_number("007") == "7"


# ---------------------------------------------------------------- costs: length


def test_length_logprob_peaks_at_ratio_and_falls_off():
    model = costs.LengthModel(ratio=2.4, variance=6.0)
    zh_len = 60
    values = [costs.length_logprob(zh_len, a, model) for a in range(20, 320)]
    peak = 20 + max(range(len(values)), key=values.__getitem__)
    assert abs(peak - model.ratio * zh_len) <= 1
    left, right = values[: peak - 20 + 1], values[peak - 20:]
    assert all(x <= y + 1e-12 for x, y in itertools.pairwise(left))  # rising to the peak
    assert all(x >= y - 1e-12 for x, y in itertools.pairwise(right))  # falling after it
    assert values[peak - 20] > -0.01
    # far off, the evidence bottoms out at the floor (translators drop titles and clauses)
    assert costs.length_logprob(zh_len, 70, model) == costs.length_logprob(zh_len, 300, model) == costs.LENGTH_FLOOR
    assert costs.length_logprob(zh_len, 110, model) < costs.length_logprob(zh_len, 130, model) < -0.5


def test_length_logprob_follows_the_fitted_ratio():
    narrow, wide = costs.LengthModel(ratio=1.8), costs.LengthModel(ratio=3.0)
    assert costs.length_logprob(50, 90, narrow) > costs.length_logprob(50, 90, wide)
    assert costs.length_logprob(50, 150, wide) > costs.length_logprob(50, 150, narrow)


def test_length_model_estimate_recovers_known_ratio():
    rng = random.Random(7)
    pairs = []
    for _ in range(400):
        z = rng.randint(8, 150)
        pairs.append((z, max(1, round(2.3 * z + rng.gauss(0, 1.5 * math.sqrt(z))))))
    model = costs.LengthModel.estimate(pairs)
    assert model.ratio == pytest.approx(2.3, abs=0.05)
    assert 1.0 <= model.variance < 20


def test_length_model_estimate_needs_enough_pairs():
    prior = costs.LengthModel(ratio=2.0, variance=5.0)
    assert costs.LengthModel.estimate([(10, 30), (20, 60), (0, 5), (5, 0)], prior) is prior


def test_length_model_fitted_on_sample_beads(sample_alignment):
    pairs = [(len("".join(b.zh_text.split())), len("".join(b.ar_text.split())))
             for b in sample_alignment.beads if b.type == "1-1" and b.score >= 0.9 and b.zh[0].kind == "sentence"]
    assert len(pairs) > 200
    model = costs.LengthModel.estimate(pairs)
    assert 1.8 < model.ratio < 3.2  # Arabic letters per Chinese character in UN texts


# ---------------------------------------------------------------- costs: anchors


@pytest.fixture(scope="module")
def docs(zh_text, ar_text, lexicon):
    return prepare(zh_text, "zh", lexicon), prepare(ar_text, "ar", lexicon)


@pytest.fixture(scope="module")
def weigh(docs, lexicon):
    """Side of a sentence, weighted by the sample pair's anchor rarity."""
    z, a = docs
    weights = Weights(z.feats, a.feats, lexicon)

    def make(text: str, lang: str):
        return side([features(Segment(text, (1,)), lang, lexicon)], weights)

    make.weights = weights
    return make


def score(weigh, zt: str, at: str) -> float:
    return costs.anchor_score(weigh(zt, "zh"), weigh(at, "ar"))


SYMBOL_ZH = ("我谨提请安理会成员注意文件S/2013/588, 其中载有2013年10月3日阿塞拜疆常驻联合国代表给秘书长的信, "
             "其中载有关于将要审议的项目的概念文件。")
SYMBOL_AR = ("وأود أن أوجه انتباه أعضاء المجلس إلى الوثيقة S/2013/588، التي تتضمن رسالة مؤرخة ٣ تشرين الأول/أكتوبر ٢٠١٣ "
             "موجهة إلى الأمين العام من الممثل الدائم لأذربيجان لدى الأمم المتحدة، وتحتوي على ورقة مفاهيمية بشأن البند "
             "الذي سيتم النظر فيه.")


def test_sample_sentences_carry_expected_anchors(weigh):
    z, a = weigh(SYMBOL_ZH, "zh"), weigh(SYMBOL_AR, "ar")
    for key in ("s:S/2013/588", "n:2013", "n:m10", "n:3"):
        assert key in z.vector and key in a.vector, key
    assert z.names == a.names and z.names  # Azerbaijan on both sides


def test_shared_document_symbol_raises_anchor_score(weigh):
    with_symbol = score(weigh, SYMBOL_ZH, SYMBOL_AR)
    without = score(weigh, SYMBOL_ZH.replace("S/2013/588", "该"), SYMBOL_AR.replace(" S/2013/588", ""))
    other = score(weigh, SYMBOL_ZH, SYMBOL_AR.replace("S/2013/588", "S/PRST/2013/16"))
    assert with_symbol > without + 1.0
    assert with_symbol > other + 3.0
    assert weigh.weights["s:S/2013/588"] > weigh.weights["n:2013"] > weigh.weights["n:1"]


def test_lone_small_number_counts_far_less_than_a_year(weigh):
    zt, at = "我现在恢复行使安全理事会主席的职能。", "أستأنف الآن مهامي بصفتي رئيس لمجلس الأمن."
    base = score(weigh, zt, at)
    one = score(weigh, zt + "（第1段）", at + " (الفقرة ١)") - base
    year = score(weigh, zt + "（2013年）", at + " (عام ٢٠١٣)") - base
    assert year > 3 * one
    assert year > 3.0
    assert number_weight("n:1") < number_weight("n:68") < number_weight("n:2013")


def test_conflicting_country_names_lower_the_score(weigh):
    zt = "我现在以阿塞拜疆外交部长的身份发言。"
    same = score(weigh, zt, "أتلو الآن بيانا بصفتي وزير خارجية أذربيجان.")
    none = score(weigh, zt, "أتلو الآن بيانا بصفتي وزير الخارجية.")
    conflict = score(weigh, zt, "أتلو الآن بيانا بصفتي وزير خارجية باكستان.")
    assert same > none > conflict
    assert none - conflict > costs.NAME_CONFLICT  # the conflict penalty comes on top of the unshared name


def test_anchors_and_length_alone_prefer_the_true_translation(weigh):
    """Without sentence vectors (no meaning), the symbol, the date and the length still
    tell the true translation from a wrong one by a wide margin."""
    true = costs.bead_score((1, 1), weigh(SYMBOL_ZH, "zh"), weigh(SYMBOL_AR, "ar"), costs.LengthModel())
    wrong = costs.bead_score((1, 1), weigh(SYMBOL_ZH, "zh"), weigh("أستأنف الآن مهامي بصفتي رئيس لمجلس الأمن.", "ar"),
                             costs.LengthModel())
    assert true > -costs.fitted().skipped(2) > 0 > wrong  # by a margin as wide as leaving both out costs


def test_arabic_amounts_and_clock_times_give_no_stray_numbers():
    # "٢٠ مليونا" is 20 and 20,000,000, not also a bare million
    assert sorted(ar.numbers("إن بلدنا، الذي يضم ٢٠ مليونا من المسلمين")) == ["20", "20000000"]
    # a time after الساعة is no reversed fraction; a resolution number still is
    assert "0/10" not in ar.numbers("افتتحت الجلسة الساعة ١٠/٠٠.")
    assert "67/264" in ar.numbers("القرار ٢٦٤/٦٧")
