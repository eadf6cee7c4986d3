#!/usr/bin/env python3
"""docs/review.png, the README's picture of the review page: the S/PV.7050 sample
aligned, its page opened in the headless Chromium of the tests (tests/browser.py),
the filter set to beads scoring below 0.95, and one bead rejected.

    make screenshot   (or: .venv/bin/python docs/screenshot.py)
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import browser, unavailable  # noqa: E402

ZH, AR = ROOT / "samples" / "S_PV.7050_zh.txt", ROOT / "samples" / "S_PV.7050_ar.txt"
OUT = ROOT / "docs" / "review.png"


def main() -> None:
    why = unavailable()
    if why:
        sys.exit(f"docs/screenshot.py: {why}")
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "S_PV.7050.html"
        subprocess.run([sys.executable, "-m", "aligner", "align", str(ZH), str(AR), "-o", str(page_path),
                        "--document", "S/PV.7050", "-q"], check=True)
        with browser(viewport={"width": 1400, "height": 900}) as context:
            page = context.new_page()
            page.goto(page_path.as_uri())
            page.eval_on_selector("#threshold", "e => { e.value = '0.95'; e.dispatchEvent(new Event('input')); }")
            page.check("input[name=filter][value=below]")
            for _ in range(3):
                page.keyboard.press("j")
            page.keyboard.press("x")  # reject the current bead
            page.keyboard.press("j")
            page.screenshot(path=str(OUT))
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
