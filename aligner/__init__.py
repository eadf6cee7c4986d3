"""aligner: Chinese–Arabic sentence alignment of United Nations documents.

    >>> import aligner
    >>> result = aligner.align(zh_text, ar_text)
    >>> for bead in result.beads: print(bead.zh_text, bead.ar_text, bead.score)
"""
from .align import align
from .model import Alignment, Bead, Segment

__all__ = ["align", "Alignment", "Bead", "Segment"]
__version__ = "0.1.0"
