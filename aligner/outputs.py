"""Where a run writes, checked before any work is done.

Every command first lists the files it will write (all formats and the report)
and hands them here with its inputs: no output may be an input, no two outputs
may be one file, and every output must be writable. Files are compared by what
they are (device and inode, through symlinks), not by how they are spelt, so
`zh.txt`, `./zh.txt` and a link to it are one file.
"""
from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass

from .errors import OutputError

STDOUT = "-"


def shown(path: str) -> str:
    return "standard output" if path == STDOUT else path


def identity(path: str) -> tuple:
    """What names one file whatever the spelling: the (device, inode) of the file, through
    symlinks; for a file not there yet, its real folder's (device, inode) and its name."""
    if path == STDOUT:
        return ("stdout",)
    try:
        st = os.stat(path)
        return (st.st_dev, st.st_ino)
    except OSError:
        real = os.path.realpath(path)  # a dangling symlink: the file it would create
        try:
            folder = os.stat(os.path.dirname(real) or ".")
        except OSError:
            return ("path", real)
        return (folder.st_dev, folder.st_ino, os.path.basename(real))


def _stdout_identity() -> tuple | None:
    """The file standard output is redirected to (`>> zh.txt`), if it is a regular file."""
    try:
        st = os.fstat(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def is_stream(path: str) -> bool:
    """A path that names a device, FIFO or socket: written in place, never replaced."""
    if path == STDOUT:
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path)
    except OSError:
        return False


def _is_device(path: str) -> bool:
    """A character device (/dev/null, a terminal) takes any number of writers without harm."""
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False


@dataclass(frozen=True)
class Output:
    """A file a run will write, and who writes it: an option ("-o", "--report") or a batch pair."""

    owner: str
    path: str


@dataclass(frozen=True)
class Clash:
    """An output that is an input (`other` is None) or that another output also writes."""

    output: Output
    input: str | None = None
    other: Output | None = None

    def message(self) -> str:
        o = self.output
        if self.input is not None:
            return f"{o.owner} {shown(o.path)} would replace the input {self.input}; an output never replaces an input"
        assert self.other is not None
        if o.path == STDOUT:
            return f"{self.other.owner} and {o.owner} both write to standard output; give one of them a file"
        return (f"{self.other.owner} {shown(self.other.path)} and {o.owner} {shown(o.path)} are the same file; "
                "give each output its own name")


def clashes(outputs: list[Output], inputs: list[str]) -> list[Clash]:
    """Every output that is one of `inputs` or is written by an earlier output too, in order."""
    input_of = {identity(p): p for p in inputs if os.path.exists(p)}
    redirected = _stdout_identity()
    found: list[Clash] = []
    seen: dict[tuple, Output] = {}
    for out in outputs:
        key = identity(out.path)
        as_input = input_of.get(redirected if out.path == STDOUT else key)
        if as_input is not None:
            found.append(Clash(out, input=as_input))
        elif key in seen and not _is_device(out.path):
            found.append(Clash(out, other=seen[key]))
        else:
            seen[key] = out
    return found


def check_writable(path: str) -> None:
    """Refuse an output that cannot be written: a folder, a missing or read-only folder, a read-only device."""
    if path == STDOUT:
        return
    if os.path.isdir(path):
        raise OutputError(f"{path}: is a directory")
    if is_stream(path):
        if not os.access(path, os.W_OK):
            raise OutputError(f"{path}: cannot be written")
        return
    folder = os.path.dirname(os.path.realpath(path))  # through a symlink: the target is written in its folder
    if not os.path.isdir(folder):
        raise OutputError(f"{path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{path}: the folder {folder} is not writable")


def check_outputs(outputs: list[Output], inputs: list[str]) -> None:
    """Raise OutputError for the first output that clashes or cannot be written."""
    found = clashes(outputs, inputs)
    if found:
        raise OutputError(found[0].message())
    for out in outputs:
        check_writable(out.path)
