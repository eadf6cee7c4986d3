"""Caches: files derived from installed packages, kept in the user cache directory; bounded in-memory caches."""
from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
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


class BoundedCache(OrderedDict):
    """A dict that forgets its least recently used entries beyond `size`, so that
    memory stays bounded on long documents while recent work is reused."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def put(self, key, value):
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)
        return value
