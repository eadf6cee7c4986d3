"""Run one stage in a forked child process while this process does another.

Preparing the two languages of a pair are independent jobs of about the same
size; on a machine with two cores the Arabic can be prepared in a child while
the parent checks the pair and prepares the Chinese. The child is a fork, so
it starts with everything loaded (lexicon, tables) and sends back only its
result, pickled through a pipe (a few milliseconds for a meeting record).

Forking is used only where it is safe and pays: on Linux, with no other
thread running (a fork copies no threads, and a lock held by one could never
be released in the child), and for inputs large enough. Otherwise, or if the
child dies, the job runs in this process when its result is asked for.
"""
from __future__ import annotations

import gc
import itertools
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
_STOPPING = (signal.SIGINT, signal.SIGTERM)  # the signals that stop the command (cli._interrupted)


def can_fork() -> bool:
    """Fork is available and safe here: Linux, and this process runs one thread."""
    return sys.platform == "linux" and threading.active_count() == 1


class Background(Generic[T]):
    """`fn(*args)`, started in a forked child when `fork` is true and can_fork(); use as a
    context manager, calling `result()` inside it (on leaving, an unclaimed child is stopped)."""

    def __init__(self, fork: bool, fn: Callable[..., T], *args) -> None:
        self._job = (fn, args)
        self._pid: int | None = None
        if fork and can_fork():
            self._start()

    def _start(self) -> None:
        read, write = os.pipe()
        # Ctrl-C and SIGTERM wait while forking: the handler of a signal arriving in the fork's
        # own hooks (Python code, in both processes) would be ignored there, the parent going on
        # with its work after saying it stopped, or the child saying so as well
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
        try:
            pid = os.fork()
        except OSError:  # no more processes or memory for one: the job will run here
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: do the job, send (ok, value), leave without running the parent's exit code
            try:
                # Ctrl-C, or `timeout` and `kill -- -PGID`, signal the whole process group: the child just
                # dies, and the parent alone reports the interruption (once) and reaps it
                for signum in _STOPPING:
                    signal.signal(signum, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                gc.disable()  # a collection would write to every object it visits, copying the parent's pages
                os.close(read)
                fn, args = self._job
                try:
                    answer = (True, fn(*args))
                except BaseException as e:  # noqa: BLE001 -- re-raised in the parent
                    answer = (False, e)
                try:
                    payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # noqa: BLE001 -- a value that cannot be sent: the parent does the job
                    payload = b""
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
            finally:
                os._exit(0)
        os.close(write)
        self._pid, self._pipe = pid, os.fdopen(read, "rb")
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a signal that came meanwhile is handled here
        except BaseException:  # the command stops before the caller holds the job: stop the child now
            self._reap(stop=True)
            raise

    def result(self) -> T:
        """The job's value (waiting for the child), or its exception raised here."""
        if self._pid is None:
            fn, args = self._job
            return fn(*args)
        data = self._pipe.read()
        self._reap()
        try:
            ok, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 -- the child died before sending: do the job here
            fn, args = self._job
            return fn(*args)
        if not ok:
            raise value
        return value

    def _reap(self, stop: bool = False) -> None:
        if self._pid is None:
            return
        if stop:
            os.kill(self._pid, signal.SIGKILL)
        self._pipe.close()
        os.waitpid(self._pid, 0)
        self._pid = None

    def __enter__(self) -> "Background[T]":
        return self

    def __exit__(self, *exc) -> None:
        self._reap(stop=True)


def map_in_two(fork: bool, fn: Callable[[list], list], items: list, weights: list[float]) -> list:
    """fn(items), with the items after the middle of their summed `weights` done by fn in a
    forked child when `fork` (the other core, for a stage of independent jobs: recovery's
    first round of candidates); the results in the items' order.
    `fn` maps a list of items to a list of results, one each."""
    cut = len(items)
    if fork and len(items) > 1:
        before = list(itertools.accumulate(weights, initial=0.0))  # the weight of the items before each
        cut = max(1, next(k for k in range(len(items)) if before[k + 1] > before[-1] / 2))
    with Background(cut < len(items), fn, items[cut:]) as job:
        mine = fn(items[:cut])
        return mine + job.result()

