"""Caches: files derived from installed packages, kept in the user cache directory; bounded in-memory caches."""
from __future__ import annotations

import atexit
import os
import shutil
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


def _ours(folder: Path) -> bool:
    """The folder exists (made if need be), belongs to this user and can be written: a folder
    another user owns could hand us any file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        owner = folder.stat().st_uid
    except OSError:
        return False
    return (not hasattr(os, "getuid") or owner == os.getuid()) and os.access(folder, os.W_OK)


def _intact(path: Path, valid: Callable[[Path], bool] | None) -> bool:
    if not path.is_file():
        return False
    try:
        return valid is None or valid(path)
    except (OSError, ValueError):
        return False


def cached_file(name: str, build: Callable[[], str | bytes], cache_dir: Path | None = None,
                valid: Callable[[Path], bool] | None = None) -> Path:
    """Path of the cache file `name`, written from `build()` when absent or damaged (`valid`
    says no), atomically, so parallel batch workers never read half a file.

    A cache folder that is not ours or not writable is passed over for the system temp
    folder, and that for a new private folder of its own."""
    for folder in (cache_dir or user_cache_dir(), Path(tempfile.gettempdir()) / "aligner-cache", None):
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="aligner-cache-"))
            atexit.register(shutil.rmtree, folder, True)  # a private folder of this process: gone with it
        elif not _ours(folder):
            continue
        path = folder / name
        if _intact(path, valid):
            return path
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            data = build()
            tmp.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
            os.replace(tmp, path)
            return path
        except OSError:
            tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
            continue
    raise OSError(f"cannot write the cache file {name} in {cache_dir or user_cache_dir()} or a temp folder")


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
