"""Preparing the two sides at once (aligner/background.py, align.prepare_pair)."""
from __future__ import annotations

import copy
import gc
import os
import time

import numpy as np
import pytest

from aligner import embed
from aligner.align import encoding_shares, prepare_pair
from aligner.background import Background, can_fork
from aligner.lexicon import load

needs_fork = pytest.mark.skipif(not can_fork(), reason="fork is used only on Linux, in a single-threaded process")


@needs_fork
def test_the_job_runs_in_a_child_and_its_value_comes_back():
    parent = os.getpid()
    with Background(True, lambda n: (os.getpid(), list(range(n))), 5) as job:
        pid, value = job.result()
    assert pid != parent and value == [0, 1, 2, 3, 4]


def test_without_fork_the_job_runs_here():
    with Background(False, os.getpid) as job:
        assert job.result() == os.getpid()


@needs_fork
def test_an_exception_in_the_child_is_raised_here():
    def fails():
        raise ValueError("bad input in the child")
    with Background(True, fails) as job, pytest.raises(ValueError, match="bad input in the child"):
        job.result()


@needs_fork
def test_a_child_that_dies_leaves_the_job_to_this_process():
    parent = os.getpid()

    def dies_unless_here():
        if os.getpid() != parent:
            os._exit(1)  # killed before it could answer
        return "done here"
    with Background(True, dies_unless_here) as job:
        assert job.result() == "done here"


@needs_fork
def test_an_unclaimed_child_is_stopped_and_reaped():
    start = time.perf_counter()
    with Background(True, time.sleep, 30) as job:
        pid = job._pid
    assert time.perf_counter() - start < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left behind


def test_both_sides_come_out_the_same_prepared_in_a_child_or_here(zh_text, ar_text, lexicon):
    """The sample is long enough to fork: the Arabic prepared in the child equals the Arabic prepared here."""
    forked, here = prepare_pair(zh_text, ar_text, lexicon, fork=True), prepare_pair(zh_text, ar_text, lexicon, fork=False)
    assert len(forked[1].segments) > 500
    assert forked == here  # all but the sentence vectors (numpy arrays: compared apart)
    assert all(np.array_equal(f.vectors, h.vectors) for f, h in zip(forked, here))


def test_a_check_run_meanwhile_can_stop_the_pair(zh_text, ar_text, lexicon):
    def refuse():
        raise RuntimeError("not the same document")
    with pytest.raises(RuntimeError, match="not the same document"):
        prepare_pair(zh_text, ar_text, lexicon, meanwhile=refuse)


@needs_fork
def test_jobs_mapped_in_two_come_back_in_order_the_heavier_half_in_a_child():
    from aligner.background import map_in_two

    parent = os.getpid()

    def where(items):
        return [(x, os.getpid() == parent) for x in items]
    assert map_in_two(True, where, list("abcd"), [1, 1, 1, 1]) == [("a", True), ("b", True), ("c", False), ("d", False)]
    assert map_in_two(True, where, list("abc"), [5, 1, 1]) == [("a", True), ("b", False), ("c", False)]
    assert map_in_two(False, where, list("abc"), [1, 1, 1]) == [("a", True), ("b", True), ("c", True)]
    assert map_in_two(True, where, ["a"], [1]) == [("a", True)] and map_in_two(True, where, [], []) == []


@needs_fork
def test_recovery_scores_its_first_round_in_a_child_and_aligns_the_same(zh_text, ar_text, lexicon, monkeypatch):
    """The sample's first round of recovery candidates (432 pairs, two batches) is scored in
    part in a forked child (background.map_in_two): the same beads and scores as all in this
    process."""
    from aligner import background
    from aligner.align import align_documents

    children = []

    class Recorded(Background):
        def _start(self) -> None:
            super()._start()
            children.append(self._pid)
    monkeypatch.setattr(background, "Background", Recorded)
    docs = prepare_pair(zh_text, ar_text, lexicon, fork=False)

    def beads(fork: bool):
        zh, ar = (copy.deepcopy(d) for d in docs)
        got = align_documents(zh, ar, lexicon, fork=fork).beads
        return [([s.index for s in b.zh], [s.index for s in b.ar], b.score) for b in got]
    here = beads(fork=False)
    assert children == []
    assert beads(fork=True) == here and len(children) == 1 and children[0] is not None


@needs_fork
def test_a_value_that_cannot_be_sent_back_is_computed_here():
    parent = os.getpid()
    with Background(True, lambda: (lambda: os.getpid())) as job:  # a lambda does not pickle
        assert job.result()() == parent


def test_when_no_process_can_be_started_the_job_runs_here(monkeypatch):
    def refuse():
        raise OSError("Resource temporarily unavailable")
    monkeypatch.setattr(os, "fork", refuse)
    with Background(True, os.getpid) as job:
        assert job.result() == os.getpid()


def test_the_longer_job_hands_part_of_its_encoding_to_the_other_process(zh_text, ar_text):
    """On the sample the Arabic is the longer job: the Chinese process encodes its start. A
    much longer Chinese hands its end to the Arabic process instead."""
    shares = encoding_shares(zh_text, ar_text)
    assert shares["zh"] == 1.0 and 0.05 < shares["ar"] < 0.3
    shares = encoding_shares(zh_text * 3, ar_text)
    assert 0.5 < shares["zh"] < 1.0 and shares["ar"] == 0.0


def test_a_share_is_cut_by_characters_and_the_two_shares_cover_every_text_once():
    texts = ["ab", "", "cdef", "g"]  # the texts begin at characters 0, 2, 2, 6 of 7
    assert embed.share(texts, 0.0, 0.3) == slice(0, 3) and embed.share(texts, 0.3, 1.0) == slice(3, 4)
    for cut in (0.0, 0.1, 0.5, 0.9, 1.0):
        first, rest = embed.share(texts, 0.0, cut), embed.share(texts, cut, 1.0)
        assert (first.start, first.stop, rest.stop) == (0, rest.start, len(texts))
    vectors = embed.embed_share(["我宣布会议开始。", "أعلن افتتاح الجلسة.", "会议开始。"], 0.2, 1.0)
    assert not vectors[0].any() and vectors[1].any() and vectors[2].any()


def test_no_garbage_collection_while_a_pair_is_prepared_and_after_as_before(monkeypatch):
    """The collector pauses while the pair is prepared (its passes cost more than the few
    cycles preparing makes), and is left on or off as it was, an exception included."""
    seen = []
    inner = embed.embed
    monkeypatch.setattr(embed, "embed", lambda texts: (seen.append(gc.isenabled()), inner(texts))[1])
    zh, ar = "主席（以英语发言）：我宣布会议开始。", "الرئيس (تكلم بالإنكليزية): أعلن افتتاح الجلسة."
    assert gc.isenabled()
    prepare_pair(zh, ar, load(), fork=False)
    assert seen and not any(seen) and gc.isenabled()

    def stop() -> None:
        raise RuntimeError("not the same document")
    with pytest.raises(RuntimeError):
        prepare_pair(zh, ar, load(), fork=False, meanwhile=stop)
    assert gc.isenabled()
    gc.disable()
    try:
        prepare_pair(zh, ar, load(), fork=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


_SIGNAL_IN_A_FORK_HOOK = """
import os, signal, sys, time
from aligner import cli
from aligner.background import Background
for signum in (signal.SIGINT, signal.SIGTERM):
    signal.signal(signum, cli._interrupted)
os.register_at_fork({hook}=lambda: os.kill(os.getpid(), signal.SIGTERM))
with Background(True, time.sleep, 1) as job:
    job.result()
print("finished")
"""


@needs_fork
@pytest.mark.parametrize("hook", ["after_in_parent", "after_in_child"])
def test_a_signal_while_forking_is_handled_once_after_the_fork(hook):
    """SIGTERM arriving while the fork runs its hooks (Python code: logging's locks) waits for
    the fork to end. In the parent, it stops the command with one line and the child is stopped;
    it used to be ignored there ("Exception ignored in: _releaseLock"), the command saying it
    stopped and going on. In the child, it ends the child quietly and the job runs here."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _SIGNAL_IN_A_FORK_HOOK.format(hook=hook)],
                          capture_output=True, text=True, timeout=120)
    if hook == "after_in_parent":
        assert (done.returncode, done.stdout, done.stderr) == (143, "", "aligner: interrupted by SIGTERM\n")
    else:
        assert (done.returncode, done.stdout, done.stderr) == (0, "finished\n", "")
