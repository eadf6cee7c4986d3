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


def _unusable(folder: Path) -> str | None:
    """Why the folder cannot hold our cache, or None: it exists (made if need be), belongs to
    this user and can be written. A folder another user owns could hand us any file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        owner = folder.stat().st_uid
    except FileExistsError:
        return "a file is in its place"
    except OSError as e:
        return (e.strerror or str(e)).lower()
    if hasattr(os, "getuid") and owner != os.getuid():
        return "owned by another user"
    return None if os.access(folder, os.W_OK) else "not writable"


def _intact(path: Path, valid: Callable[[Path], bool] | None) -> bool:
    if not path.is_file():
        return False
    try:
        return valid is None or valid(path)
    except (OSError, ValueError):
        return False


# Why each cache folder was passed over in this process, and whether the files went to a private
# temp folder (rebuilt on every run): what warning() tells the user, once.
_passed_over: dict[str, str] = {}
_private: list[Path] = []


def _shared_folders(cache_dir: Path | None) -> tuple[Path, Path]:
    """The folders tried before a private one: the user's cache folder, then the system temp folder's."""
    return cache_dir or user_cache_dir(), Path(tempfile.gettempdir()) / "aligner-cache"


def check() -> None:
    """Try the cache folders as cached_file would (writing nothing), so that warning() can tell
    before any file is needed, in a process that may leave the files to its children."""
    for folder in _shared_folders(None):
        why = _unusable(folder)
        if why is None:
            return
        _passed_over.setdefault(str(folder), why)


def warning() -> str | None:
    """One line for the user when the cache folder could not be used: where the files went
    instead, or that every run rebuilds them (about twice the time of a run and more memory)."""
    own, shared = map(str, _shared_folders(None))
    if own not in _passed_over:
        return None
    if shared not in _passed_over and not _private:
        return f"the cache folder {own} cannot be used ({_passed_over[own]}): the cache is in {shared} instead"
    whys = "; ".join(f"{folder}: {why}" for folder, why in _passed_over.items())
    return (f"no cache folder can be written ({whys}): every run builds the cached tables again, about twice "
            "as slow; set ALIGNER_CACHE to a folder of your own")


def cached_file(name: str, build: Callable[[], str | bytes], cache_dir: Path | None = None,
                valid: Callable[[Path], bool] | None = None) -> Path:
    """Path of the cache file `name`, written from `build()` when absent or damaged (`valid`
    says no), atomically, so parallel batch workers never read half a file.

    A cache folder that is not ours or not writable (or that cannot take the file: a full
    disk) is passed over for the system temp folder, and that for a new private folder of
    its own; warning() says so."""
    for folder in (*_shared_folders(cache_dir), None):
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="aligner-cache-"))
            atexit.register(shutil.rmtree, folder, True)  # a private folder of this process: gone with it
            _private.append(folder)
        elif (why := _unusable(folder)) is not None:
            _passed_over.setdefault(str(folder), why)
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
        except OSError as e:
            tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
            _passed_over.setdefault(str(folder), (e.strerror or str(e)).lower())
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
