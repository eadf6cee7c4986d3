"""Bilingual anchor lexicon: find the same concept (state, organ, term, word) on both sides.

Entries come from `data/lexicon.tsv` (names of states, organisations, languages,
months, UN terms: zh, ar, kind, variants) and `data/glossary.tsv` (frequent words
of UN texts: zh forms, ar forms). Chinese is matched on jieba tokens over a
dictionary made of the Chinese forms, so the longest form wins and a form never
matches inside a longer word; Arabic is matched on camel-tools-normalised tokens
with clitics (و ف ب ل ك ال) stripped and short suffixes allowed.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jieba

from . import ar
from .anchors import fold
from .cache import cached_file

_JIEBA_WORD = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")  # what jieba keeps as one token
NAME_KINDS = frozenset({"state", "observer", "regional", "organ", "body", "agency"})
_AR_PREFIXES = ("وبال", "وال", "بال", "فال", "كال", "ولل", "لل", "ال")
_AR_SUFFIX_SLACK = 3
_SHORT_SUFFIXES = frozenset({
    "ه", "ي", "يه", "ات", "ين", "ون", "ان", "ها", "هم", "هما", "نا", "يين", "يون",  # nouns, adjectives
    "ت", "وا", "تم", "ك", "كم", "تان", "تين",  # verbs, duals
})


@dataclass(frozen=True)
class Entry:
    id: int
    zh: str
    ar: str
    kind: str


def _split_forms(field: str) -> list[str]:
    return [f.strip() for f in field.split("|") if f.strip()]


def _arabic_stem_variants(word: str) -> list[str]:
    """The word and its readings with leading clitics removed, longest first."""
    out = [word]
    w = word
    if w[:1] in "وف" and len(w) > 3:
        w = w[1:]
        out.append(w)
    for p in _AR_PREFIXES:
        if w.startswith(p) and len(w) - len(p) >= 2:
            out.append(w[len(p):])
            break
    else:
        if w[:1] in "بلك" and len(w) > 3:
            out.append(w[1:])
    return out


def _arabic_form(text: str) -> tuple[str, ...]:
    """A lexicon form as a tuple of bare stems (article removed from each word)."""
    words = []
    for w in ar.tokens(text):
        if not any(c.isalnum() for c in w):
            continue
        words.append(w[2:] if w.startswith("ال") and len(w) > 3 else w)
    return tuple(words)


def _stem_matches(form_word: str, token_stem: str) -> bool:
    """Same word, or the form plus an inflectional suffix (short forms: known suffixes only)."""
    if token_stem == form_word:
        return True
    if form_word.endswith("ه") and token_stem.startswith(form_word[:-1] + "ت"):
        rest = token_stem[len(form_word):]  # ta marbuta before a suffix: منظمه -> منظمات, منظمتان
        return len(rest) <= _AR_SUFFIX_SLACK
    if not token_stem.startswith(form_word):
        return False
    rest = token_stem[len(form_word):]
    if len(form_word) >= 4:
        return len(rest) <= _AR_SUFFIX_SLACK
    return len(form_word) == 3 and rest in _SHORT_SUFFIXES


def _form_word_index(words) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """Words of Arabic forms by their first three letters: a word that matches a form word
    (see _stem_matches) starts with the same three letters, except after ta marbuta
    written open (منظمه -> منظمتان), which is indexed under both spellings, and one- or
    two-letter words ending in it, returned apart to be tried against every word."""
    index: dict[str, set[str]] = {}
    short_heh = set()
    for w in set(words):
        if w.endswith("ه") and len(w) <= 2:
            short_heh.add(w)
            continue
        index.setdefault(w[:3], set()).add(w)
        if w.endswith("ه") and len(w) == 3:
            index.setdefault(w[:2] + "ت", set()).add(w)
    return {k: tuple(sorted(v)) for k, v in index.items()}, tuple(sorted(short_heh))


class Lexicon:
    """Entries plus the two matchers; build once with `load()`.

    Each language's matcher is built on its first lookup: the command line forks after
    loading the lexicon (aligner.background), and each process then builds only the
    matcher of the language it prepares (the Arabic one, 6,000 forms normalised, is most
    of the lexicon's cost)."""

    def __init__(self, rows: list[tuple[str, list[str], list[str], str]], cache_dir: Path | None = None):
        self.entries: list[Entry] = []
        self._zh_forms: dict[str, int] = {}
        self._ar_forms: list[tuple[str, int]] = []
        self._cache_dir = cache_dir
        self._word_variants: dict[str, list[str]] = {}  # the document's vocabulary is small: look each word up once
        self._first_word: dict[str, list[_FormNode]] = {}
        self._word_matches: dict[str, frozenset[str]] = {}
        for zh_forms, ar_forms, kind in ((r[1], r[2], r[3]) for r in rows):
            if not zh_forms or not ar_forms:
                continue
            eid = len(self.entries)
            self.entries.append(Entry(eid, zh_forms[0], ar_forms[0], kind))
            for f in zh_forms:
                self._zh_forms.setdefault(f.replace(" ", ""), eid)
            self._ar_forms += [(f, eid) for f in ar_forms]

    @functools.cached_property
    def _chinese(self) -> tuple[re.Pattern | None, jieba.Tokenizer | None]:
        """The Chinese matcher: forms jieba cannot keep whole ("刚果（金）", "伊朗（伊斯兰共和国）"),
        found as literals first, longest first; and a jieba tokenizer over the other forms."""
        literals = sorted((f for f in self._zh_forms if not _JIEBA_WORD.fullmatch(f)), key=len, reverse=True)
        literal = re.compile("|".join(map(re.escape, literals))) if literals else None
        return literal, _zh_tokenizer(sorted(self._zh_forms), self._cache_dir) if self._zh_forms else None

    @functools.cached_property
    def _arabic(self) -> tuple[dict[str, dict[str, _FormNode]], dict[str, tuple[str, ...]], tuple[str, ...]]:
        """The Arabic matcher: the normalised forms as a tree of words (one per first word, by
        its first three letters); and the index of their words (_form_word_index)."""
        trees: dict[str, dict[str, _FormNode]] = {}
        words: set[str] = set()
        for f, eid in self._ar_forms:
            form = _arabic_form(f)
            if not form:
                continue
            node = trees.setdefault(form[0][:3], {}).setdefault(form[0], _FormNode())
            for w in form[1:]:
                node = node.next.setdefault(w, _FormNode())
            node.end = min(eid, node.end) if node.end is not None else eid  # the same words twice: the first entry
            node.rank = (len(form), sum(map(len, form)))
            words.update(form)
        return (trees, *_form_word_index(words))

    def zh_ids(self, text: str) -> list[int]:
        """Entry ids found in a Chinese text (read in its folded form, anchors.fold: no zero-width
        or bidi marks, full-width letters folded): bracketed forms, then jieba words."""
        text = fold(text)[0]
        forms = self._zh_forms
        literal, tokenizer = self._chinese
        found = []
        if literal is not None:
            found = [forms[m.group()] for m in literal.finditer(text)]
            if found:
                text = literal.sub("，", text)
        if tokenizer is None:
            return found
        return found + [forms[w] for w in tokenizer.cut(text, HMM=False) if w in forms]

    def ar_ids(self, text: str) -> list[int]:
        """Entry ids found in an Arabic text, in order; the longest form wins at each word."""
        words = [w for w in ar.tokens(text) if self._variants(w)]  # punctuation has no reading
        out, i = [], 0
        while i < len(words):
            hit = self._ar_match_at(words, i)
            if hit:
                length, eid = hit
                out.append(eid)
                i += length
            else:
                i += 1
        return out

    def _variants(self, word: str) -> list[str]:
        """A word's readings without clitics (none for punctuation), remembered per word."""
        got = self._word_variants.get(word)
        if got is None:
            got = self._word_variants[word] = _arabic_stem_variants(word) if any(c.isalnum() for c in word) else []
        return got

    def _trees_from(self, first: str) -> list[_FormNode]:
        """The trees of the forms whose first word a word reading `first` matches; remembered."""
        got = self._first_word.get(first)
        if got is None:
            got = self._first_word[first] = [node for w, node in self._arabic[0].get(first[:3], {}).items()
                                             if _stem_matches(w, first)]
        return got

    def _form_words_matched(self, word: str) -> frozenset[str]:
        """The words of lexicon forms that this word (one of its readings) matches, remembered per word."""
        got = self._word_matches.get(word)
        if got is None:
            _, form_words, short_heh = self._arabic
            got = self._word_matches[word] = frozenset(
                fw for v in self._variants(word) for fw in form_words.get(v[:3], ()) + short_heh
                if _stem_matches(fw, v))
        return got

    def _ar_match_at(self, words: list[str], i: int) -> tuple[int, int] | None:
        """(words covered, entry id) of the best form starting at word i: most words, then most
        letters, then the first entry; a reading of word i with fewer clitics kept (_variants,
        longest first) only when it finds a form of more words or letters."""
        best: tuple[tuple[int, int], int] | None = None
        for first in self._variants(words[i]):
            found = None
            for tree in self._trees_from(first):
                found = _better(self._best_in(tree, words, i + 1), found)
            if found and (best is None or found[0] > best[0]):
                best = found
        return (best[0][0], best[1]) if best else None

    def _best_in(self, node: _FormNode, words: list[str], k: int) -> tuple[tuple[int, int], int] | None:
        """The best form (rank, entry id) of a tree whose words from the second on match words k, k + 1, ..."""
        best = (node.rank, node.end) if node.end is not None else None
        if k < len(words) and node.next:
            for w in node.next.keys() & self._form_words_matched(words[k]):
                best = _better(self._best_in(node.next[w], words, k + 1), best)
        return best


def _better(found, best):
    """The better of two (rank, entry id): the higher rank, then the first entry (either may be None)."""
    if found is None:
        return best
    if best is None or found[0] > best[0] or (found[0] == best[0] and found[1] < best[1]):
        return found
    return best


class _FormNode:
    """A word of Arabic lexicon forms, after the words before it: the forms going on from here
    (`next`, by their next word), and the entry whose form ends here (`end`) with its rank."""

    __slots__ = ("next", "end", "rank")

    def __init__(self) -> None:
        self.next: dict[str, _FormNode] = {}
        self.end: int | None = None
        self.rank: tuple[int, int] = (0, 0)


def _zh_tokenizer(forms: list[str], cache_dir: Path | None) -> jieba.Tokenizer:
    """A jieba tokenizer whose dictionary is the lexicon's Chinese forms (small, fast to load)."""
    jieba.setLogLevel(logging.WARNING)
    body = "".join(f"{f} {100 * len(f)}\n" for f in forms if f and " " not in f)
    digest = hashlib.sha1(body.encode("utf-8")).hexdigest()[:16]
    path = cached_file(f"zh_words_{digest}.txt", lambda: body, cache_dir,
                       valid=lambda p: hashlib.sha1(p.read_bytes()).hexdigest()[:16] == digest)
    tokenizer = jieba.Tokenizer(str(path))
    tokenizer.tmp_dir = str(path.parent)  # jieba's own model cache goes beside it
    return tokenizer


def read_rows(path: Path | str, text: str | None = None) -> list[tuple[str, list[str], list[str], str]]:
    """Rows of a lexicon TSV (zh, ar, kind, variants) or glossary TSV (zh|..., ar|...)."""
    if text is None:
        text = Path(path).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    rows = []
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, [])
    for rec in reader:
        rec += [""] * (4 - len(rec))
        zh_forms, ar_forms = _split_forms(rec[0]), _split_forms(rec[1])
        kind = rec[2].strip() if len(header) > 2 else "word"
        for v in _split_forms(rec[3]) if len(header) > 3 else []:
            lang, _, form = v.partition(":")
            (zh_forms if lang.strip() == "zh" else ar_forms if lang.strip() == "ar" else []).append(form.strip())
        rows.append((str(path), zh_forms, ar_forms, kind or "word"))
    return rows


def bundled(names: tuple[str, ...] = ("lexicon.tsv", "glossary.tsv"), extra: tuple[str, ...] = ()) -> Lexicon:
    """A lexicon of the named bundled files (the ablation leaves one out) plus any user files."""
    data = resources.files("aligner") / "data"
    rows = []
    for name in names:
        f = data / name
        if f.is_file():
            rows += read_rows(name, f.read_text(encoding="utf-8"))
    for path in extra:
        rows += read_rows(path)
    return Lexicon(rows)


@functools.cache
def load(extra: tuple[str, ...] = ()) -> Lexicon:
    """The bundled lexicon and glossary, plus any user files; built once per process."""
    return bundled(extra=extra)
