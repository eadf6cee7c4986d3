"""The bundled S/PV.7050 pair, line by line, for tests that quote real lines."""
from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
ZH_LINES = (SAMPLES / "S_PV.7050_zh.txt").read_text(encoding="utf-8").split("\n")
AR_LINES = (SAMPLES / "S_PV.7050_ar.txt").read_text(encoding="utf-8").split("\n")


def z(n: int) -> str:
    """Chinese source line n (1-based), stripped."""
    return ZH_LINES[n - 1].strip()


def a(n: int) -> str:
    """Arabic source line n (1-based), stripped."""
    return AR_LINES[n - 1].strip()
