"""Helpers over the shared dev gold (../shared/eval): a reading-order Arabic text (made by
bench/golddocs.py, which the accuracy benchmark uses too)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(ROOT / "bench"))

import golddocs  # noqa: E402


def reading_order_arabic() -> str:
    """The Arabic S/PV.7050 with its units re-ordered to follow the Chinese gold beads
    (golddocs.reading_order)."""
    samples = ROOT / "samples"
    return golddocs.reading_order(golddocs.meeting(samples / "S_PV.7050_zh.txt", samples / "S_PV.7050_ar.txt")).ar
