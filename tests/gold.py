"""Helpers over the shared dev gold (../shared/eval): a reading-order Arabic text (made by
bench/golddocs.py, which the accuracy benchmark uses too)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval"
ZH_PATH, AR_PATH = ROOT / "samples" / "S_PV.7050_zh.txt", ROOT / "samples" / "S_PV.7050_ar.txt"
sys.path.insert(0, str(ROOT / "bench"))

import golddocs  # noqa: E402


def reading_order_arabic() -> str:
    """The Arabic S/PV.7050 with its units re-ordered to follow the Chinese gold beads
    (golddocs.reading_order)."""
    samples = ROOT / "samples"
    return golddocs.reading_order(golddocs.meeting(samples / "S_PV.7050_zh.txt", samples / "S_PV.7050_ar.txt")).ar


def score(pred_flag: str, pred: Path, ar_src: Path = AR_PATH) -> dict:
    """The reference scorer's metrics for an alignment of the sample pair, on the gold's first 214 Chinese units."""
    cmd = [sys.executable, str(EVAL_DIR / "score.py"), "--gold-dir", str(EVAL_DIR), "--zh-src", str(ZH_PATH),
           "--ar-src", str(ar_src), "--only-zh", "0-213", pred_flag, str(pred), "--json"]
    done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
