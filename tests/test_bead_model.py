"""The bead model on the merges it must not make (issue 23): two one-to-one pairs stay two
beads, a headline stays apart from the article before it, a news text has no speaker turns,
and a recorded vote's lists pair list by list, each in its own language's order."""
from __future__ import annotations

import random
import textwrap

import pytest
from gold import EVAL_DIR

import aligner
from aligner import turns
from aligner.lexicon import load
from aligner.model import Segment, Speaker, Turn

FLORES = EVAL_DIR / "flores"
UNPC = EVAL_DIR / "unpc_dev"


def one_to_one_pairs(folder, count: int) -> list[tuple[str, str]]:
    """The first `count` one-to-one gold pairs of a shared development set whose sides are
    sentences (end in a full stop), as (zh, ar) texts."""
    if not folder.exists():
        pytest.skip(f"shared evaluation data absent: {folder}")
    import golddocs

    doc = golddocs.shared_set(folder)
    zh = {u.id: u.text for u in doc.units_zh}
    ar = {u.id: u.text for u in doc.units_ar}
    pairs = [(zh[b["zh"][0]], ar[b["ar"][0]]) for b in doc.beads if len(b["zh"]) == len(b["ar"]) == 1]
    return [(z, a) for z, a in pairs if z.endswith("。") and a.endswith(".")][:count]


def paired(result, pairs: list[tuple[str, str]]) -> list[int]:
    """The pair each two-sided bead's text belongs to (-1: a bead whose sides are of
    different pairs, or span two: a merge); a gold sentence the aligner splits finer still
    belongs to its pair."""
    def pair_of(text: str, side: int) -> set[int]:
        return {k for k, p in enumerate(pairs) if text in p[side]}
    out = []
    for b in result.beads:
        if b.zh and b.ar:
            z, a = pair_of(b.zh_text, 0), pair_of(b.ar_text, 1)
            out.append(next(iter(z)) if len(z) == 1 and z == a else -1)
    return out


@pytest.mark.parametrize("folder", [UNPC, FLORES], ids=["UNPC", "FLORES"])
def test_two_one_to_one_pairs_in_one_paragraph_stay_two_beads(folder):
    """Real sentences of a UN document and of news, two translated pairs written as one
    paragraph on each side: each pair is its own bead, never one 2-2 bead."""
    pairs = one_to_one_pairs(folder, 40)
    couples = [pairs[k:k + 2] for k in range(0, len(pairs), 2)]
    zh = "\n\n".join("".join(z for z, _ in c) for c in couples) + "\n"
    ar = "\n\n".join(" ".join(a for _, a in c) for c in couples) + "\n"
    got = paired(aligner.align(zh, ar, check=False), pairs)
    assert -1 not in got and sorted(set(got)) == list(range(len(pairs)))


def test_a_headline_is_not_joined_to_the_article_before_it():
    """News: an article's last sentence, then the next article's headline (a short line with no
    full stop, a paragraph of its own) and its first sentence. The headline is a bead of its
    own, not the second half of a 2-2 bead with the sentence before it."""
    pairs = one_to_one_pairs(FLORES, 9)
    headline_zh, headline_ar = pairs[4][0].rstrip("。"), pairs[4][1].rstrip(".")
    zh = "\n\n".join(["".join(z for z, _ in pairs[:4]), headline_zh, "".join(z for z, _ in pairs[5:])]) + "\n"
    ar = "\n\n".join([" ".join(a for _, a in pairs[:4]), headline_ar, " ".join(a for _, a in pairs[5:])]) + "\n"
    result = aligner.align(zh, ar, check=False)
    assert (headline_zh, headline_ar) in [(b.zh_text, b.ar_text) for b in result.beads]
    got = paired(result, pairs)
    assert -1 not in got and sorted(set(got)) == list(range(len(pairs)))


def _turns(*roles: str | None) -> list[Turn]:
    opening = Turn(None, [Segment("前言。", (1,))])
    return [opening] + [Turn(Speaker(heading=f"{k}:", role=r, name="" if r else f"某人{k}"), [Segment(f"发言{k}。", (k + 2,))])
                        for k, r in enumerate(roles)]


def test_turns_only_in_a_meeting_record():
    """A meeting record has a President (or another role) and speakers on both sides; lines
    ending in a colon after a name in a news text or a report do not make one."""
    meeting = _turns("president", None, None)
    news = _turns(None, None, None)
    assert turns.meeting_record(meeting, meeting)
    assert not turns.meeting_record(news, news)
    assert not turns.meeting_record(meeting, news)  # both sides must read as a meeting
    assert not turns.meeting_record(_turns("president"), _turns("president"))  # a role alone is no meeting
    assert turns.one_part(meeting)[0].segments == [s for t in meeting for s in t.segments]


def test_a_news_text_with_colon_lines_is_aligned_as_one_part():
    """Lines of a news text that end in a colon ("For readers outside Wales:") are no speaker
    headings: the text is one part, no bead carries a speaker."""
    zh = "对于威尔士境外的读者来说：\n这场比赛意义重大，球迷们从全国各地赶来观看。\n\n主教练表示：\n我们会继续努力。\n"
    ar = ("بالنسبة للقراء خارج ويلز:\nكانت هذه المباراة مهمة للغاية، وجاء المشجعون من جميع أنحاء البلاد لمشاهدتها.\n\n"
          "وقال المدرب الرئيسي:\nسنواصل العمل.\n")
    result = aligner.align(zh, ar, check=False)
    assert (result.turns_zh, result.turns_ar) == (1, 1)
    assert not any(b.speaker_zh or b.speaker_ar for b in result.beads)
    assert [b.type for b in result.beads] == ["1-1"] * 4


# ---------------------------------------------------------------- a recorded vote


def recorded_vote(seed: int, width: tuple[int, int] | None = None) -> tuple[str, str, list[set[int]]]:
    """A General Assembly resolution's closing with a recorded vote, built from the lexicon's
    member states: in favour, against, abstaining, each list sorted in its own language (so
    the two lists name the states in different orders). Returns the texts and the lexicon ids
    of the three lists. `width` wraps the lines as a PDF converter does (zh, ar characters)."""
    lexicon = load()
    states = [e for e in lexicon.entries if e.kind == "state"]
    chosen = random.Random(seed).sample(states, 120)
    lists = [chosen[:100], chosen[100:106], chosen[106:]]

    def names(entries, lang):
        return ("、" if lang == "zh" else "، ").join(sorted(getattr(e, lang) for e in entries))

    zh = ("大会，\n回顾其以往关于这一问题的各项决议，\n1. 决定继续审议这一问题。\n"
          "草案以100票赞成、6票反对、14票弃权获得通过。记录表决结果如下：\n"
          + "".join(f"{head}：{names(group, 'zh')}。\n" for head, group in zip(("赞成", "反对", "弃权"), lists)))
    ar = ("إن الجمعية العامة،\nإذ تشير إلى قراراتها السابقة بشأن هذه المسألة،\n1 - تقرر مواصلة النظر في هذه المسألة.\n"
          "واعتمد مشروع القرار بأغلبية 100 صوت مقابل 6 أصوات وامتناع 14 عضوا عن التصويت. وكانت نتيجة التصويت المسجل كما يلي:\n"
          + "".join(f"{head}: {names(group, 'ar')}.\n" for head, group in zip(("المؤيدون", "المعارضون", "الممتنعون"), lists)))
    if width:
        zh, ar = ("\n".join(part for line in text.splitlines() for part in textwrap.wrap(line, w)) + "\n"
                  for text, w in ((zh, width[0]), (ar, width[1])))
    return zh, ar, [{e.id for e in group} for group in lists]


@pytest.mark.parametrize("seed,width", [(1, None), (2, None), (3, (40, 70))], ids=["one-line", "other-states", "wrapped"])
def test_a_recorded_vote_is_aligned_list_by_list(seed, width):
    """Each list (in favour, against, abstaining) is one bead with its own list in the other
    language: the same states, named in another order; the vote's two sentences before the
    lists stay two beads."""
    zh, ar, lists = recorded_vote(seed, width)
    lexicon = load()
    result = aligner.align(zh, ar, check=False)
    def states(ids):
        return {i for i in ids if lexicon.entries[i].kind == "state"}
    by_states = [(states(lexicon.zh_ids(b.zh_text)), states(lexicon.ar_ids(b.ar_text))) for b in result.beads]
    for group in lists:
        [(z, a)] = [(z, a) for z, a in by_states if z & group]
        assert z == a == group
    assert all(b.zh and b.ar for b in result.beads)
    assert sum(b.zh_text.startswith(("草案", "记录表决")) for b in result.beads) == 2
