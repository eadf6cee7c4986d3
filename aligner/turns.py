"""Speaker turns: split a segmented document at headings, and align the two turn lists.

The turn DP tolerates a heading missing on one side (a 2-1 turn bead merges two
turns) and rates a pair of headings by role, country or organisation (through
the lexicon), original language of the speech and the length of the turns.
"""
from __future__ import annotations

import dataclasses
import math
import re

from rapidfuzz import fuzz, process

from .dp import band_limits, best_path, tabulate
from .lexicon import NAME_KINDS, Lexicon
from .model import Segment, Speaker, Turn
from .segment import LANGUAGES

TURN_BEADS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))
TURN_BAND = 40  # turns a path may stray from the diagonal (beyond the difference in turn counts)
_ROLE_MATCH, _ROLE_CONFLICT = 3.0, 3.0
_NAME_MATCH, _NAME_CONFLICT = 4.0, 4.0
_LANGUAGE_MATCH, _LANGUAGE_CONFLICT = 1.0, 1.5
_TURN_SKIP = 3.0
_MERGE = 5.0  # more than a skip: a merge is kept only when the lengths ask for it


MIN_SPEAKERS = 2  # headings a side needs, one of them a role's (the President and one speaker), to be a meeting record


def meeting_record(zh: list[Turn], ar: list[Turn]) -> bool:
    """Whether both sides read as the record of a meeting: several speaker headings on each,
    one of them at least a role's (a meeting has a President or a Chair). Elsewhere a line
    ending in a colon after a name ("Kanye West:", a report's "the following terms are
    used (see section I):") is no speaker's turn, and the document is aligned as one part."""
    def speakers(turns: list[Turn]) -> bool:
        heads = [t.speaker for t in turns if t.speaker is not None]
        return len(heads) >= MIN_SPEAKERS and any(h.role for h in heads)
    return speakers(zh) and speakers(ar)


def one_part(turns: list[Turn]) -> list[Turn]:
    """The document as one part: the opening turn holding every segment in order."""
    return [Turn(None, [s for t in turns for s in t.segments])]


def split_turns(segments: list[Segment], lang: str) -> list[Turn]:
    """Turns in document order; the first holds what precedes the first heading."""
    rules = LANGUAGES[lang]
    turns = [Turn(None)]
    for seg in segments:
        if seg.kind == "heading":
            turns.append(Turn(rules.parse_heading(seg.text), [seg]))
        else:
            turns[-1].segments.append(seg)
    return turns


_NAME_SCORE = 85  # rapidfuzz ratio at which two spellings of a transliterated name are the same name
_HONORIFIC_SPLIT = {"ar": re.compile(r"\b(?:السيد|السيدة|السير|الآنسة)\s+"),
                    "zh": re.compile(r"(?:先生|女士|夫人|小姐|爵士)$")}


def _name_key(name: str, lang: str) -> str:
    """A transliterated name with spaces, hyphens and dots gone: بو عيدة and بوعيدة meet."""
    text = LANGUAGES[lang].normalise(name)
    return re.sub(r"[\s\-‐·.．…]+", "", text)


def _roster(opening: list[Segment], lang: str, lexicon: Lexicon) -> dict[str, str]:
    """Name -> state from the cover page list ("المغرب السيدة بو عيدة", "摩洛哥..... Bouaida女士")."""
    roster = {}
    for seg in opening:
        ids = lexicon.zh_ids(seg.text) if lang == "zh" else lexicon.ar_ids(seg.text)
        states = {i for i in ids if lexicon.entries[i].kind in ("state", "observer")}
        if len(states) != 1:
            continue
        entry = lexicon.entries[states.pop()]
        if lang == "ar":
            parts = _HONORIFIC_SPLIT["ar"].split(seg.text)
            name = parts[-1] if len(parts) > 1 else ""
        else:
            name = _HONORIFIC_SPLIT["zh"].sub("", re.split(r"[.．…]{2,}|\s+", seg.text.strip())[-1])
        if name and len(name) <= 40:
            roster[_name_key(name, lang)] = entry.zh if lang == "zh" else entry.ar
    return roster


def name_speakers(turns: list[Turn], lang: str, lexicon: Lexicon) -> None:
    """Each heading's affiliation as lexicon ids (Speaker.names), found when the language is
    prepared (the process preparing it has its lexicon matcher built) for the turn DP to
    compare. A heading that names a speaker but no country ("السيدة بوعيدة:") takes the
    country the cover page lists for that name, spelling variants allowed."""
    roster = _roster(turns[0].segments, lang, lexicon) if turns else {}
    for turn in turns[1:]:
        sp = turn.speaker
        if sp is None:
            continue
        if roster and not sp.affiliation and sp.name:
            hit = process.extractOne(_name_key(sp.name, lang), list(roster), scorer=fuzz.ratio, score_cutoff=_NAME_SCORE)
            if hit:
                sp = dataclasses.replace(sp, affiliation=roster[hit[0]])
        if sp.affiliation:
            ids = lexicon.zh_ids(sp.affiliation) if lang == "zh" else lexicon.ar_ids(sp.affiliation)
            sp = dataclasses.replace(sp, names=frozenset(i for i in ids if lexicon.entries[i].kind in NAME_KINDS))
        turn.speaker = sp


def speaker_score(zs: Speaker | None, as_: Speaker | None) -> float:
    """Evidence that two headings introduce the same speaker."""
    if zs is None or as_ is None:
        return 6.0 if zs is as_ else -6.0  # the opening pairs only with the opening
    s = 0.0
    if zs.role or as_.role:
        s += _ROLE_MATCH if zs.role == as_.role else -_ROLE_CONFLICT
    if zs.names and as_.names:
        s += _NAME_MATCH if zs.names & as_.names else -_NAME_CONFLICT
    elif bool(zs.affiliation) != bool(as_.affiliation):
        s -= 1.0
    if zs.language and as_.language:
        s += _LANGUAGE_MATCH if zs.language == as_.language else -_LANGUAGE_CONFLICT
    return s


def _length_score(zh_size: int, ar_size: int, ratio: float) -> float:
    if not zh_size or not ar_size:
        return -2.0
    return -abs(math.log(ar_size / (ratio * zh_size)))


def align_turns(zh: list[Turn], ar: list[Turn], ratio: float) -> list[tuple[list[int], list[int]]]:
    """Pairs of (zh turn indices, ar turn indices) in order; one side may be empty."""
    zh_sizes, ar_sizes = [t.size for t in zh], [t.size for t in ar]

    def score(i0: int, i1: int, j0: int, j1: int) -> float:
        if i0 == i1 or j0 == j1:
            return -_TURN_SKIP * ((i1 - i0) + (j1 - j0))
        if i1 - i0 > 1 or j1 - j0 > 1:  # a heading missing on one side: its partner is one of these
            s = max(speaker_score(zh[i].speaker, ar[j].speaker)
                    for i in range(i0, i1) for j in range(j0, j1)) - _MERGE
        else:
            s = speaker_score(zh[i0].speaker, ar[j0].speaker)
        zsize, asize = sum(zh_sizes[i0:i1]), sum(ar_sizes[j0:j1])
        return s + _length_score(zsize, asize, ratio)

    limits = band_limits(len(zh), len(ar), TURN_BAND)
    path = best_path(len(zh), len(ar), tabulate(score, limits, TURN_BEADS), limits)
    return [(list(range(i0, i1)), list(range(j0, j1))) for i0, i1, j0, j1 in path]
