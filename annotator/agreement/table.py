"""Column arrays of a corpus's span fragments and tokens, built once, shared by measures.

Token-level and unitizing measures work on numpy arrays rather than span objects:
:class:`FragmentTable` holds, per annotator, one row per span fragment (document index,
label rank, start, end, the whole span's length); :class:`TokenTable` holds every
document's tokens (exactly those of :func:`annotator.domain.text.tokenize`, found by
:func:`token_offsets` with numpy in one pass) on one global axis. Pure data:
no definitions live here (see :mod:`.tokens` and :mod:`.unitizing`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .corpus import Corpus

# Character classes of the tokenizer's pattern (annotator.domain.text.TOKEN_RE,
# r"\w+(?:['’\-]\w+)*|[^\w\s]"), decided by the same regular-expression engine.
_WORD = re.compile(r"\w")
_SPACE = re.compile(r"\s")
_ASCII_WORD = np.array([_WORD.match(chr(c)) is not None for c in range(128)], dtype=bool)
_ASCII_SPACE = np.array([_SPACE.match(chr(c)) is not None for c in range(128)], dtype=bool)
_JOINERS = (ord("'"), ord("’"), ord("-"))


def _classes(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(is \\w, is \\s) for each code point; each distinct non-ASCII code point is asked
    of the regular-expression engine once."""
    high = cp >= 128
    if not high.any():
        return _ASCII_WORD[cp], _ASCII_SPACE[cp]
    word = _ASCII_WORD[np.where(high, 0, cp)]
    space = _ASCII_SPACE[np.where(high, 0, cp)]
    where = np.flatnonzero(high)
    distinct, inverse = np.unique(cp[where], return_inverse=True)
    chars = [chr(c) for c in distinct.tolist()]
    word[where] = np.array([_WORD.match(ch) is not None for ch in chars], dtype=bool)[inverse]
    space[where] = np.array([_SPACE.match(ch) is not None for ch in chars], dtype=bool)[inverse]
    return word, space


def token_offsets(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (code points, int64) of every token of
    :func:`annotator.domain.text.tokenize`, computed on arrays: a joiner (``'``, ``’``,
    ``-``) between two word characters joins them; maximal runs of word characters (so
    joined) are tokens, and so is every other character that is not whitespace."""
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if cp.size == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z.copy()
    word, space = _classes(cp)
    joiner = (cp == _JOINERS[0]) | (cp == _JOINERS[1]) | (cp == _JOINERS[2])
    inword = word.copy()
    inword[1:-1] |= joiner[1:-1] & word[:-2] & word[2:]
    single = ~(inword | space)  # punctuation: one token per character
    first = single.copy()
    first[0] |= inword[0]
    first[1:] |= inword[1:] & ~inword[:-1]
    last = single
    last[-1] |= inword[-1]
    last[:-1] |= inword[:-1] & ~inword[1:]
    return np.flatnonzero(first).astype(np.int64), np.flatnonzero(last).astype(np.int64) + 1


@dataclass
class Fragments:
    """One annotator's fragments of measured spans (all documents), in input order."""

    doc: np.ndarray  # document index in corpus order
    label: np.ndarray  # rank of the label in corpus.labels
    start: np.ndarray  # code points, document-local
    end: np.ndarray
    span_length: np.ndarray  # code points of the whole span (all fragments)
    span_start: np.ndarray  # start of the whole span


class FragmentTable:
    """Fragments of every annotator's measured spans; built lazily per annotator."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.rank = {label: k for k, label in enumerate(corpus.labels)}
        self._cache: dict[str, Fragments] = {}
        self.memo: dict[tuple, object] = {}  # results measures derive from the table, reused
        lengths = np.fromiter((len(d.text) for d in corpus.documents), dtype=np.int64,
                              count=len(corpus.documents))
        self.doc_length = lengths
        # the global axis: documents in order, one separator code point between them
        self.doc_offset = np.concatenate(([0], np.cumsum(lengths + 1)))

    def of(self, annotator: str) -> Fragments:
        got = self._cache.get(annotator)
        if got is None:
            got = self._build(annotator)
            self._cache[annotator] = got
        return got

    def _build(self, annotator: str) -> Fragments:
        rank = self.rank
        flat: list[int] = []
        add = flat.extend
        for i, d in enumerate(self.corpus.documents):
            if not self.corpus.has(d.id, annotator):
                continue
            for s in self.corpus.spans(d.id, annotator):
                frs = s.fragments
                if len(frs) == 1:
                    a, b = frs[0]
                    add((i, rank[s.label], a, b, b - a, a))
                else:
                    n = sum(e - b for b, e in frs)
                    r = rank[s.label]
                    for a, b in frs:
                        add((i, r, a, b, n, frs[0][0]))
        arr = np.fromiter(flat, dtype=np.int64, count=len(flat)).reshape(-1, 6)
        return Fragments(*(arr[:, k].copy() for k in range(6)))


@dataclass
class TokenTable:
    """Every document's tokens; token ``k`` of document ``i`` is row ``bounds[i] + k``."""

    bounds: np.ndarray  # len = documents + 1
    start: np.ndarray  # global code point offsets (document offset + local offset)
    end: np.ndarray

    @classmethod
    def build(cls, corpus: Corpus, doc_offset: np.ndarray) -> TokenTable:
        """Tokens of every document on the global axis of ``doc_offset`` (documents joined
        by one newline: no token crosses whitespace, so each document's tokens are exactly
        ``tokenize(document.text)`` shifted by its offset)."""
        if not corpus.documents:
            z = np.zeros(0, dtype=np.int64)
            return cls(np.zeros(1, dtype=np.int64), z, z)
        start, end = token_offsets("\n".join(d.text for d in corpus.documents))
        bounds = np.searchsorted(start, doc_offset, side="left")
        bounds[-1] = start.size
        return cls(bounds, start, end)

    def token_range(self, global_start: np.ndarray, global_end: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
        """[lo, hi) token rows sharing at least one code point with each [start, end)."""
        lo = np.searchsorted(self.end, global_start, side="right")
        hi = np.searchsorted(self.start, global_end, side="left")
        return lo, np.maximum(hi, lo)


def expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (row, k) with lo[row] <= k < hi[row], as two flat arrays."""
    n = hi - lo
    total = int(n.sum())
    row = np.repeat(np.arange(lo.size), n)
    k = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(total)
    return row, k


def doc_mask(corpus: Corpus, names: Sequence[str]) -> np.ndarray:
    """Boolean per document: every one of ``names`` has annotated it."""
    return np.fromiter((all(corpus.has(d.id, n) for n in names) for d in corpus.documents),
                       dtype=bool, count=len(corpus.documents))
