"""The errors a user can fix, raised by the library and shown by the CLI as one line (exit code 2).

Every one is an `InputError`, so one `except aligner.InputError` catches them
all; the subclasses say which kind of mistake it was.
"""
from __future__ import annotations


class InputError(Exception):
    """Bad input the user can fix; the CLI prints it on one line and exits with 2."""


class NotTextError(InputError, TypeError):
    """The library was given something other than a str (bytes, None)."""


class WrongLanguage(InputError):
    """A file whose letters say it is not in the language expected (--force reads it anyway)."""


class Swapped(WrongLanguage):
    """The Chinese file is Arabic and the Arabic file Chinese."""


class Mismatch(InputError):
    """The two files look like different documents (or one is incomplete): --force aligns them anyway."""


class OutputError(InputError):
    """An output that would replace an input or another output, or cannot be written."""
