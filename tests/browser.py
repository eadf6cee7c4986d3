"""The headless browser of the review-page tests, the benchmark and the README screenshot:
the system's Chromium (Debian's `chromium` package), driven by Playwright, which is given
that executable and so downloads no browser of its own."""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

# Nothing in the background may reach a network: the tests count every request.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str | None:
    """The Chromium executable: $CHROMIUM, else `chromium` (or `chromium-browser`) on the PATH."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable() -> str | None:
    """Why no browser test can run here, in one line; None when they can."""
    if chromium() is None:
        return "no Chromium found (apt-get install chromium, or set CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@contextmanager
def browser(**options) -> Iterator:
    """A Playwright browser context on a fresh profile, downloads accepted; `options` go to it (viewport, ...)."""
    if unavailable():
        raise RuntimeError(unavailable())
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="aligner-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=chromium(), args=FLAGS, headless=True, accept_downloads=True, **options)
        try:
            yield context
        finally:
            context.close()
