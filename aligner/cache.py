"""The user cache directory: files derived from installed packages, built once and reused."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def user_cache_dir() -> Path:
    """$ALIGNER_CACHE, else $XDG_CACHE_HOME/aligner, else ~/.cache/aligner."""
    if os.environ.get("ALIGNER_CACHE"):
        return Path(os.environ["ALIGNER_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "aligner"


def cached_file(name: str, build: Callable[[], str], cache_dir: Path | None = None) -> Path:
    """Path of the cache file `name`, written from `build()` if absent (atomically, so
    parallel batch workers never read half a file). A read-only home falls back to
    the system temp folder."""
    for folder in (cache_dir or user_cache_dir(), Path(tempfile.gettempdir()) / "aligner-cache"):
        path = folder / name
        if path.exists():
            return path
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(build(), encoding="utf-8")
            os.replace(tmp, path)
            return path
        except OSError:
            continue
    raise OSError(f"cannot write the cache file {name} in {cache_dir or user_cache_dir()} or the temp folder")
