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

from .coefficients import MISSING, cohen_kappa_pair, nominal_summary, value_counts
from .corpus import Corpus
from .patterns import pattern_cohen, pattern_summary, unit_patterns
from .table import FragmentTable, TokenTable, doc_mask, expand

O_LABEL = "O"
_PER_DOC_CELLS = 1 << 24  # documents x patterns counted at once by per_document_alpha


@dataclass
class TokenGrid:
    """Every token of every document, one code per annotator.

    ``codes[a]`` holds, for annotator ``a``, 0 for ``O`` and ``k+1`` for ``labels[k]``
    (``MISSING`` = -1 where the annotator has not annotated the document); ``binary[a]`` is
    a labels x tokens 0/1 matrix (-1 missing) for the per-label figures.
    """

    labels: tuple[str, ...]
    annotators: tuple[str, ...]
    doc_ids: list[str]
    doc_bounds: np.ndarray  # token index where each document starts (len = docs + 1)
    codes: np.ndarray  # annotators x tokens, int8
    binary: np.ndarray  # annotators x labels x tokens, int8

    @property
    def n_tokens(self) -> int:
        return int(self.doc_bounds[-1])

    def doc_slice(self, index: int) -> slice:
        return slice(int(self.doc_bounds[index]), int(self.doc_bounds[index + 1]))

    def row(self, annotator: str) -> int:
        return self.annotators.index(annotator)


def token_grid(corpus: Corpus, annotators: Sequence[str] | None = None,
               fragments: FragmentTable | None = None,
               tokens: TokenTable | None = None) -> TokenGrid:
    """Label every token of every document for each annotator (see module docstring).
    ``fragments`` / ``tokens`` reuse tables already built for the corpus."""
    names = tuple(annotators if annotators is not None else corpus.annotators)
    labels = corpus.labels
    if len(labels) > 126:
        raise ValueError("token agreement supports at most 126 labels")
    table = fragments or FragmentTable(corpus)
    toks = tokens or TokenTable.build(corpus, table.doc_offset)
    total = int(toks.bounds[-1])
    per_doc = np.diff(toks.bounds)
    width = int(table.doc_length.max()) + 1 if table.doc_length.size else 1
    codes = np.zeros((len(names), total), dtype=np.int8)
    binary = np.zeros((len(names), len(labels), total), dtype=np.int8)
    for a, name in enumerate(names):
        fr = table.of(name)
        if fr.doc.size:
            off = table.doc_offset[fr.doc]
            lo, hi = toks.token_range(fr.start + off, fr.end + off)
            row, tok = expand(lo, hi)
            if tok.size:
                # innermost first: shortest span, then label order, then earliest start;
                # the smallest score of each token decodes to its label
                ranks = len(labels) + 1
                score = (fr.span_length * ranks + fr.label) * width + fr.span_start
                best = np.full(total, np.iinfo(np.int64).max, dtype=np.int64)
                np.minimum.at(best, tok, score[row])
                hit = np.flatnonzero(best != np.iinfo(np.int64).max)
                codes[a, hit] = (best[hit] // width) % ranks + 1
                binary[a, fr.label[row], tok] = 1
        missing = ~doc_mask(corpus, (name,))
        if missing.any():
            gone = np.repeat(missing, per_doc)
            codes[a, gone] = MISSING
            binary[a, :, gone] = MISSING
    return TokenGrid(labels, names, [d.id for d in corpus.documents], toks.bounds, codes,
                     binary)


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _figures(codes: np.ndarray, n_values: int, names: Sequence[str]) -> dict:
    pat = unit_patterns(codes, n_values)
    hist = pat.histogram() if pat is not None else None
    if pat is not None and hist is not None:
        summary = pattern_summary(pat, hist, len(names))
    else:
        summary = nominal_summary(value_counts(codes, n_values), len(names))
    out = {
        "alpha": _num(summary["alpha"]),
        "fleiss_kappa": _num(summary["fleiss_kappa"]) if len(names) > 1 else None,
        "observed_agreement": _num(summary["observed_agreement"]),
        "units": summary["units"],
        "complete_units": summary["complete_units"],
        "pairs": {},
    }
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if pat is not None and hist is not None:
                kappa, units = pattern_cohen(pat, hist, i, j)
            else:
                kappa, units = cohen_kappa_pair(codes[i], codes[j], n_values)
            out["pairs"][f"{names[i]}|{names[j]}"] = {
                "annotators": [names[i], names[j]], "cohen_kappa": _num(kappa),
                "units": units}
    return out


def token_agreement(grid: TokenGrid, annotators: Sequence[str] | None = None) -> dict:
    """Alpha, Fleiss' kappa and pairwise Cohen's kappa over all tokens, overall (labels + O)
    and per label (binary), for ``annotators`` (default: every row of the grid)."""
    names = tuple(annotators if annotators is not None else grid.annotators)
    rows = [grid.row(n) for n in names]
    overall = _figures(grid.codes[rows], len(grid.labels) + 1, names)
    per_label = {label: _figures(grid.binary[rows, k, :], 2, names)
                 for k, label in enumerate(grid.labels)}
    return {"overall": overall, "labels": per_label}


def per_document_alpha(grid: TokenGrid, annotators: Sequence[str] | None = None
                       ) -> list[float | None]:
    """Token alpha (nominal, labels + O) of each document, in grid order; None when
    undefined (fewer than two annotators, or no variation)."""
    names = tuple(annotators if annotators is not None else grid.annotators)
    codes = grid.codes[[grid.row(n) for n in names]]
    n_docs = len(grid.doc_ids)
    if codes.shape[1] == 0:
        return [None] * n_docs
    doc_of = np.repeat(np.arange(n_docs), np.diff(grid.doc_bounds))
    # per (document, pattern) counts give the same sums when every unit's share of the
    # agreement, (sum_c n_uc^2 - m_u) / (m_u - 1), is an integer: m_u <= 3 coders
    pat = unit_patterns(codes, len(grid.labels) + 1) if codes.shape[0] <= 3 else None
    if pat is not None and n_docs * pat.size <= _PER_DOC_CELLS:
        per_doc = np.bincount(doc_of * pat.size + pat.ids, minlength=n_docs * pat.size)
        counts = pat.counts.astype(np.float64)
        m_p = counts.sum(axis=0)
        pairable = m_p >= 2
        counts, m_p = counts[:, pairable], m_p[pairable]
        hist = per_doc.reshape(n_docs, pat.size)[:, pairable].astype(np.float64)
        agree = hist @ (((counts * counts).sum(axis=0) - m_p) / (m_p - 1.0))
        n_c = counts @ hist.T
    else:
        counts = value_counts(codes, len(grid.labels) + 1).astype(np.float64)
        m_u = counts.sum(axis=0)
        pairable = m_u >= 2
        doc_of = doc_of[pairable]
        counts, m_u = counts[:, pairable], m_u[pairable]
        agree = np.bincount(doc_of, weights=((counts * counts).sum(axis=0) - m_u)
                            / (m_u - 1.0), minlength=n_docs)
        n_c = np.stack([np.bincount(doc_of, weights=c, minlength=n_docs) for c in counts])
    n = n_c.sum(axis=0)
    expected = n * n - (n_c * n_c).sum(axis=0)
    out: list[float | None] = []
    for k in range(n_docs):
        out.append(float(1.0 - (n[k] - 1.0) * (n[k] - agree[k]) / expected[k])
                   if expected[k] > 0 else None)
    return out
