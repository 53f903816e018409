"""Token-level agreement: every token gets one label per annotator, then kappa / alpha.

Definitions (the report repeats them):

- **Tokens** come from :func:`annotator.domain.text.tokenize`: maximal runs of letters,
  digits and underscore (with inner ``'``, ``’`` or ``-`` joining two such runs) and single
  punctuation marks; whitespace is not a token.
- A span **covers** a token when they share at least one code point (any fragment).
- A token's **label** for an annotator is the label of the span covering it; when several
  spans of that annotator cover it, the *innermost* wins: the shortest span (fewest code
  points over all its fragments), then the label that comes first in the label order, then
  the earlier start, then the smaller span id. A token no span covers is ``O``.
- **Missing data**: tokens of a document an annotator has not annotated
  (:func:`annotator.agreement.corpus.has_annotated`) are missing for that annotator.
- Coefficients over the tokens x annotators matrix: Krippendorff's alpha (nominal; every
  token with >= 2 labels), Fleiss' kappa (tokens of documents every annotator annotated),
  Cohen's kappa per annotator pair (tokens of documents both annotated).
- **Per-label** figures are binary: a token is 1 for an annotator when any span of that
  label covers it (nesting does not hide it), else 0; same coefficients.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..domain.model import Document, Span
from ..domain.text import tokenize
from .coefficients import (
    MISSING,
    alpha_codes,
    cohen_kappa_codes,
    fleiss_kappa_codes,
    observed_agreement,
)
from .corpus import Corpus

O_LABEL = "O"


@dataclass
class TokenGrid:
    """Per document: token offsets; per annotator: one code per token.

    ``codes[a]`` holds, for annotator ``a``, 0 for ``O`` and ``k+1`` for ``labels[k]``
    (``MISSING`` = -1 where the annotator has not annotated the document); ``binary[a]`` is
    a labels x tokens 0/1 matrix (or -1) for the per-label figures.
    """

    labels: tuple[str, ...]
    annotators: tuple[str, ...]
    doc_ids: list[str]
    doc_bounds: np.ndarray  # token index where each document starts (len = docs + 1)
    codes: np.ndarray  # annotators x tokens, int64
    binary: np.ndarray  # annotators x labels x tokens, int8 (-1 missing)

    @property
    def n_tokens(self) -> int:
        return int(self.doc_bounds[-1])

    def doc_slice(self, index: int) -> slice:
        return slice(int(self.doc_bounds[index]), int(self.doc_bounds[index + 1]))


def token_offsets(doc: Document) -> tuple[np.ndarray, np.ndarray]:
    toks = tokenize(doc.text)
    if not toks:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    arr = np.asarray(toks, dtype=np.int64)
    return arr[:, 0].copy(), arr[:, 1].copy()


def label_tokens(starts: np.ndarray, ends: np.ndarray, spans: Sequence[Span],
                 labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """One annotator's token codes (0 = O, k+1 = labels[k]) and labels x tokens coverage."""
    rank = {label: k for k, label in enumerate(labels)}
    codes = np.zeros(starts.shape[0], dtype=np.int64)
    cover = np.zeros((len(labels), starts.shape[0]), dtype=np.int8)
    # paint the lowest priority first so that the innermost span is painted last
    order = sorted((s for s in spans if s.label in rank),
                   key=lambda s: (s.length, rank[s.label], s.start, s.id), reverse=True)
    for s in order:
        k = rank[s.label]
        for fs, fe in s.fragments:
            lo = int(np.searchsorted(ends, fs, side="right"))
            hi = int(np.searchsorted(starts, fe, side="left"))
            if hi > lo:
                codes[lo:hi] = k + 1
                cover[k, lo:hi] = 1
    return codes, cover


def token_grid(corpus: Corpus, annotators: Sequence[str] | None = None) -> TokenGrid:
    """Label every token of every document for each annotator (see module docstring)."""
    names = tuple(annotators if annotators is not None else corpus.annotators)
    labels = corpus.labels
    per_doc: list[tuple[np.ndarray, np.ndarray]] = [token_offsets(d) for d in corpus.documents]
    bounds = np.zeros(len(per_doc) + 1, dtype=np.int64)
    np.cumsum([p[0].shape[0] for p in per_doc], out=bounds[1:])
    total = int(bounds[-1])
    codes = np.full((len(names), total), MISSING, dtype=np.int64)
    binary = np.full((len(names), len(labels), total), -1, dtype=np.int8)
    for i, doc in enumerate(corpus.documents):
        starts, ends = per_doc[i]
        sl = slice(int(bounds[i]), int(bounds[i + 1]))
        for a, name in enumerate(names):
            if not corpus.has(doc.id, name):
                continue
            c, cov = label_tokens(starts, ends, corpus.spans(doc.id, name), labels)
            codes[a, sl] = c
            binary[a, :, sl] = cov
    return TokenGrid(labels, names, [d.id for d in corpus.documents], bounds, codes, binary)


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _coefficients(codes: np.ndarray, n_values: int,
                  pairs: Sequence[tuple[int, int]]) -> dict:
    pairable = int(((codes >= 0).sum(axis=0) >= 2).sum())
    complete = int((codes >= 0).all(axis=0).sum()) if codes.shape[0] else 0
    out = {
        "alpha": _num(alpha_codes(codes, n_values)),
        "fleiss_kappa": _num(fleiss_kappa_codes(codes, n_values)),
        "observed_agreement": _num(observed_agreement(codes)),
        "units": pairable,
        "complete_units": complete,
    }
    out["pairs"] = {}
    return out


def token_agreement(grid: TokenGrid) -> dict:
    """Alpha, Fleiss' kappa and pairwise Cohen's kappa over all tokens, overall (labels + O)
    and per label (binary). Returns plain data (see :func:`annotator.agreement.report`)."""
    names = grid.annotators
    pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
    n_values = len(grid.labels) + 1
    overall = _coefficients(grid.codes, n_values, pairs)
    for i, j in pairs:
        both = (grid.codes[i] >= 0) & (grid.codes[j] >= 0)
        overall["pairs"][f"{names[i]}|{names[j]}"] = {
            "annotators": [names[i], names[j]],
            "cohen_kappa": _num(cohen_kappa_codes(grid.codes[i], grid.codes[j], n_values)),
            "units": int(both.sum()),
        }
    per_label = {}
    for k, label in enumerate(grid.labels):
        b = grid.binary[:, k, :].astype(np.int64)
        entry = _coefficients(b, 2, pairs)
        for i, j in pairs:
            entry["pairs"][f"{names[i]}|{names[j]}"] = {
                "annotators": [names[i], names[j]],
                "cohen_kappa": _num(cohen_kappa_codes(b[i], b[j], 2)),
                "units": int(((b[i] >= 0) & (b[j] >= 0)).sum()),
            }
        per_label[label] = entry
    return {"overall": overall, "labels": per_label}


def per_document_alpha(grid: TokenGrid) -> list[float | None]:
    """Token alpha (nominal) of each document, in grid order (None when undefined)."""
    n_values = len(grid.labels) + 1
    return [_num(alpha_codes(grid.codes[:, grid.doc_slice(i)], n_values))
            for i in range(len(grid.doc_ids))]
