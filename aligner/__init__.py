"""aligner: Chinese–Arabic sentence alignment of United Nations documents.

    >>> import aligner
    >>> result = aligner.align(zh_text, ar_text)
    >>> for bead in result.beads: print(bead.zh_text, bead.ar_text, bead.score)
"""
import os

# The scorer's matrices are small: more BLAS threads only spin (and oversubscribe batch workers).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .align import align  # noqa: E402 (after the thread setting, which numpy reads once)
from .errors import InputError, Mismatch, NotTextError, OutputError, Swapped, WrongLanguage  # noqa: E402
from .model import Alignment, Bead, Segment  # noqa: E402
from .read import read_file  # noqa: E402

__all__ = ["align", "read_file", "Alignment", "Bead", "Segment",
           "InputError", "NotTextError", "WrongLanguage", "Swapped", "Mismatch", "OutputError"]
__version__ = "0.1.0"
