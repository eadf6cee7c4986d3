"""The torn-page simulation (bench/golddocs.torn) keeps the gold exact: every unit where its
offsets say, no Arabic word lost or doubled, each torn sentence's two parts in the same gold
beads, and the gold itself scoring 1.0 through the reference scorer."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest
from gold import EVAL_DIR, golddocs

pytestmark = pytest.mark.skipif(not EVAL_DIR.exists(), reason=f"shared evaluation data absent: {EVAL_DIR}")


@pytest.fixture(scope="module")
def flores():
    return golddocs.flores()


@pytest.fixture(scope="module")
def torn(flores):
    return golddocs.torn(flores)


def _tails(doc, original) -> dict[int, int]:
    """tail id -> head id, from the beads: a new id right after an original one."""
    old = {u.id for u in original.units_ar}
    return {b["ar"][k + 1]: u for b in doc.beads for k, u in enumerate(b["ar"][:-1]) if b["ar"][k + 1] not in old}


def test_units_are_at_their_offsets_and_never_overlap(torn):
    spans = sorted((u.start, u.end) for u in torn.units_ar)
    assert all(torn.ar[u.start:u.end] == u.text for u in torn.units_ar)
    assert all(end <= start for (_, end), (start, _) in zip(spans, spans[1:]))


def test_no_arabic_word_is_lost_or_doubled(flores, torn):
    assert Counter(torn.ar.split()) == Counter(flores.ar.split())
    assert torn.zh == flores.zh


def test_head_and_tail_share_their_gold_beads_and_the_tail_id_is_new(flores, torn):
    tails = _tails(torn, flores)
    assert len(tails) >= 20  # a page of 12 paragraphs each: FLORES has over 30
    assert min(tails) == max(u.id for u in flores.units_ar) + 1
    assert sorted(tails) == list(range(min(tails), min(tails) + len(tails)))
    by_id = {u.id: u for u in torn.units_ar}
    original = {u.id: u for u in flores.units_ar}
    for tail, head in tails.items():
        assert by_id[head].line != by_id[tail].line
        assert len(by_id[head].text.split()) >= 2 and len(by_id[tail].text.split()) >= 2
        assert f"{by_id[head].text} {by_id[tail].text}" == original[head].text
        assert [b for b in torn.beads if head in b["ar"]] == [b for b in torn.beads if tail in b["ar"]]


def test_the_second_column_is_read_first_on_a_share_of_the_pages(flores):
    def tails_before_heads(share):
        doc = golddocs.torn(flores, share=share)
        by_id = {u.id: u for u in doc.units_ar}
        return sum(by_id[tail].start < by_id[head].start for tail, head in _tails(doc, flores).items())

    assert tails_before_heads(0.0) == 0
    assert tails_before_heads(1.0) == len(_tails(golddocs.torn(flores, share=1.0), flores))
    assert 0 < tails_before_heads(0.5) < tails_before_heads(1.0)


def test_the_gold_scores_one_on_the_torn_text(torn, tmp_path):
    zh, ar = torn.write(tmp_path)
    text = {lang: {u.id: u.text for u in getattr(torn, f"units_{lang}")} for lang in ("zh", "ar")}
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps({lang: [text[lang][u] for u in b[lang]] for lang in ("zh", "ar")}) + "\n"
                            for b in torn.beads), encoding="utf-8")
    out = subprocess.run([sys.executable, str(EVAL_DIR / "score.py"), "--gold-dir", str(tmp_path), "--zh-src", str(zh),
                          "--ar-src", str(ar), "--pred-jsonl", str(pred), "--json"],
                         capture_output=True, text=True, check=True).stdout
    metrics = json.loads(out)
    assert metrics["link_f1"] == 1.0 and metrics["bead_f1"] == 1.0
