"""Column arrays of a corpus's span fragments and tokens, built once, shared by measures.

Token-level and unitizing measures work on numpy arrays rather than span objects:
:class:`FragmentTable` holds, per annotator, one row per span fragment (document index,
label rank, start, end, the whole span's length); :class:`TokenTable` holds every
document's tokens (those of :func:`annotator.domain.text.tokenize`, found with its regular
expression in one pass) on one global axis. Pure data:
no definitions live here (see :mod:`.tokens` and :mod:`.unitizing`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ..domain.text import TOKEN_RE
from .corpus import Corpus


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
        joined = "\n".join(d.text for d in corpus.documents)
        found = [m.span() for m in TOKEN_RE.finditer(joined)]
        flat = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=2 * len(found))
        start, end = flat[0::2].copy(), flat[1::2].copy()
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
