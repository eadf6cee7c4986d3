"""Session-scoped fixtures shared by the core-pipeline tests."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SAMPLES = ROOT / "samples"
ZH_PATH = SAMPLES / "S_PV.7050_zh.txt"
AR_PATH = SAMPLES / "S_PV.7050_ar.txt"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from gold import EVAL_DIR, reading_order_arabic  # noqa: E402  (tests/ put on the path first)


@pytest.fixture(scope="session")
def zh_text() -> str:
    return ZH_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def ar_text() -> str:
    return AR_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def lexicon():
    from aligner.lexicon import load
    return load()


@pytest.fixture(scope="session")
def sample_alignment(zh_text, ar_text):
    """One full alignment of the sample pair (about 4 s), computed once."""
    import aligner
    return aligner.align(zh_text, ar_text)


@pytest.fixture(scope="session")
def reading_order_ar() -> str:
    if not EVAL_DIR.exists():
        pytest.skip(f"shared evaluation data absent: {EVAL_DIR}")
    return reading_order_arabic()


@pytest.fixture(scope="session")
def reading_order_alignment(zh_text, reading_order_ar):
    import aligner
    return aligner.align(zh_text, reading_order_ar)
