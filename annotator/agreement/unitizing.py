"""Krippendorff's unitizing alpha (alpha-U) on the character continuum.

Krippendorff, K. (1995). On the reliability of unitizing continuous data. *Sociological
Methodology* 25, 47-76; Krippendorff, K. (2004). *Content Analysis: An Introduction to Its
Methodology*, 2nd ed., Sage (the worked example on p. 254: alpha-U = .8591) — the same
definition as the DKPro Statistics implementation (``KrippendorffAlphaUnitizingAgreement``).

For each category (span label) c, every coder's units of c and the gaps between them
segment each continuum. With m coders, total continuum length L (code points) and N_c the
number of units of c over all coders::

    D_o(c) = sum_{i != j} sum_{g of i, h of j} delta^2(g, h) / (m (m-1) L^2)
    delta^2 = (b_g - b_h)^2 + (e_g - e_h)^2   for two overlapping units,
              l_g^2                            for a unit g lying inside a gap h,
              l_h^2                            for a unit h lying inside a gap g,
              0                                otherwise
    D_e(c) = (2/L) sum_{units u} [ (N_c - 1)(2 l_u^3 - 3 l_u^2 + l_u) / 3
                                   + l_u^2 sum_{gaps g, l_g >= l_u} (l_g - l_u + 1) ]
             / ( m L (m L - 1) - sum_{units u} l_u (l_u - 1) )
    alpha_U(c) = 1 - D_o(c) / D_e(c);   alpha_U = 1 - sum_c D_o(c) / sum_c D_e(c)

Here b/e/l are begin, end and length; gaps are the maximal stretches of a continuum that a
coder left without a unit of c (all coders' gaps are pooled, as are all units).

Choices this module makes for annotation data (the report repeats them):

- every document is one continuum ``[0, len(text))``; several documents pool their units
  and gaps, and L is the sum of their lengths (a unit never spans two documents);
- only documents every compared annotator has annotated are used (alpha-U needs all m
  coders on each continuum);
- a discontinuous span contributes one unit per fragment; one coder's overlapping units of
  the same label are merged into their union (alpha-U requires non-overlapping units per
  coder and category); touching units stay separate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .corpus import Corpus
from .table import FragmentTable, doc_mask


@dataclass
class CategoryAlpha:
    observed: float  # D_o(c)
    expected: float  # D_e(c)
    units: int  # N_c over all coders (after merging)

    @property
    def alpha(self) -> float:
        if self.expected <= 0:
            return math.nan
        return 1.0 - self.observed / self.expected


@dataclass
class UnitizingResult:
    coders: tuple[str, ...]
    length: int  # L
    continua: int
    categories: dict[str, CategoryAlpha] = field(default_factory=dict)

    @property
    def alpha(self) -> float:
        """1 - sum_c D_o(c) / sum_c D_e(c) over categories with at least one unit."""
        do = sum(c.observed for c in self.categories.values() if c.units)
        de = sum(c.expected for c in self.categories.values() if c.units)
        return 1.0 - do / de if de > 0 else math.nan


def _merge(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort intervals and merge overlapping ones (touching intervals stay apart)."""
    if starts.size == 0:
        return starts, ends
    order = np.lexsort((ends, starts))
    s, e = starts[order], ends[order]
    run_end = np.maximum.accumulate(e)
    new = np.ones(s.size, dtype=bool)
    new[1:] = s[1:] >= run_end[:-1]  # strictly overlapping intervals join the run
    group = np.cumsum(new) - 1
    ms = s[new]
    me = np.zeros(ms.size, dtype=e.dtype)
    np.maximum.at(me, group, e)
    return ms, me


def _lonely(s1: np.ndarray, e1: np.ndarray, s2: np.ndarray, e2: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """For each unit of coder 1: index of the first overlapping unit of coder 2 and how
    many of coder 2's (sorted, disjoint) units overlap it."""
    lo = np.searchsorted(e2, s1, side="right")  # first unit of 2 ending after s1
    hi = np.searchsorted(s2, e1, side="left")  # units of 2 starting before e1
    return lo, np.maximum(hi - lo, 0)


def _pair_observed(s1: np.ndarray, e1: np.ndarray, s2: np.ndarray, e2: np.ndarray) -> float:
    """sum of delta^2 over the sections of two coders: every overlapping unit pair once
    ((db^2 + de^2)), every unit overlapping no unit of the other coder (so lying inside one
    of its gaps) with l^2."""
    total = 0.0
    lo, n = _lonely(s1, e1, s2, e2)
    total += float((((e1 - s1)[n == 0]).astype(float) ** 2).sum())
    _lo2, n2 = _lonely(s2, e2, s1, e1)
    total += float((((e2 - s2)[n2 == 0]).astype(float) ** 2).sum())
    k = int(n.sum())
    if k:
        g = np.repeat(np.arange(s1.size), n)
        h = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(k)
        db = (s1[g] - s2[h]).astype(float)
        de = (e1[g] - e2[h]).astype(float)
        total += float((db * db + de * de).sum())
    return total


def _gaps(s: np.ndarray, e: np.ndarray, cont_s: np.ndarray, cont_e: np.ndarray) -> np.ndarray:
    """Lengths of the stretches of each continuum not covered by the (sorted, disjoint)
    units; zero-length stretches are not gaps."""
    if s.size == 0:
        return cont_e - cont_s
    ci = np.searchsorted(cont_s, s, side="right") - 1
    parts = []
    same = ci[1:] == ci[:-1]
    parts.append((s[1:] - e[:-1])[same])
    first = np.ones(s.size, dtype=bool)
    first[1:] = ~same
    last = np.ones(s.size, dtype=bool)
    last[:-1] = ~same
    parts.append(s[first] - cont_s[ci[first]])
    parts.append(cont_e[ci[last]] - e[last])
    empty = np.ones(cont_s.size, dtype=bool)
    empty[ci] = False
    parts.append((cont_e - cont_s)[empty])
    g = np.concatenate(parts)
    return g[g > 0]


def alpha_u(units: Iterable[tuple[str, str, int, int]], coders: Sequence[str],
            continua: Sequence[tuple[int, int]],
            categories: Sequence[str] | None = None) -> UnitizingResult:
    """alpha-U from ``(coder, category, start, end)`` units on disjoint ``continua``
    (``[start, end)`` each). Every unit must lie inside one continuum; every coder is taken
    to have unitized every continuum."""
    names = tuple(coders)
    if len(names) < 2:
        raise ValueError("alpha-U needs at least two coders")
    cont = sorted((int(a), int(b)) for a, b in continua)
    cont_s = np.array([a for a, _ in cont], dtype=np.int64)
    cont_e = np.array([b for _, b in cont], dtype=np.int64)
    length = int((cont_e - cont_s).sum())
    by: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
    seen: dict[str, None] = {}
    index = set(names)
    for coder, cat, s, e in units:
        if coder not in index:
            raise ValueError(f"unit of unknown coder {coder!r}")
        lists = by.setdefault((cat, coder), ([], []))
        lists[0].append(s)
        lists[1].append(e)
        seen.setdefault(cat, None)
    cats = list(categories) if categories is not None else list(seen)
    result = UnitizingResult(names, length, len(cont))
    m = len(names)
    for cat in cats:
        per: list[tuple[np.ndarray, np.ndarray]] = []
        for coder in names:
            s, e = by.get((cat, coder), ([], []))
            per.append(_merge(np.asarray(s, dtype=np.int64), np.asarray(e, dtype=np.int64)))
        result.categories[cat] = _category(per, m, length, cont_s, cont_e)
    return result


def _category(per: list[tuple[np.ndarray, np.ndarray]], m: int, length: int,
              cont_s: np.ndarray, cont_e: np.ndarray,
              observed_of: Callable[[int, int], float] | None = None,
              gaps_of: Sequence[np.ndarray] | None = None) -> CategoryAlpha:
    """D_o and D_e of one category; ``observed_of(i, j)`` and ``gaps_of[i]`` may give
    :func:`_pair_observed` and :func:`_gaps` already computed for these units."""
    n_units = sum(s.size for s, _ in per)
    if n_units == 0 or length == 0:
        return CategoryAlpha(0.0, 0.0, 0)
    observed = 0.0
    for i in range(m):
        for j in range(i + 1, m):  # ordered pairs (i, j) and (j, i) contribute alike
            observed += 2.0 * (observed_of(i, j) if observed_of is not None else
                               _pair_observed(per[i][0], per[i][1], per[j][0], per[j][1]))
    big_l = float(length)
    d_o = observed / (m * (m - 1) * big_l * big_l)
    lens = np.concatenate([(e - s) for s, e in per]).astype(float)
    if gaps_of is None:
        gaps_of = [_gaps(s, e, cont_s, cont_e) for s, e in per]
    gaps = np.sort(np.concatenate(gaps_of))
    gaps = gaps.astype(float)
    suffix = np.concatenate((np.cumsum(gaps[::-1])[::-1], [0.0]))
    at = np.searchsorted(gaps, lens, side="left")  # first gap >= l
    count = gaps.size - at
    placements = suffix[at] - (lens - 1.0) * count  # sum over gaps >= l of (g - l + 1)
    within = (n_units - 1) * (2 * lens ** 3 - 3 * lens ** 2 + lens) / 3.0
    numerator = float((within + lens * lens * placements).sum()) * 2.0 / big_l
    denominator = m * big_l * (m * big_l - 1.0) - float((lens * (lens - 1.0)).sum())
    d_e = numerator / denominator if denominator > 0 else 0.0
    return CategoryAlpha(d_o, d_e, n_units)


def unitizing_agreement(corpus: Corpus, annotators: Sequence[str] | None = None,
                        table: FragmentTable | None = None
                        ) -> tuple[UnitizingResult, list[str]]:
    """alpha-U per label and overall for ``annotators`` (default: the corpus's) over the
    documents they all annotated; returns the result and those document ids. ``table``
    reuses a fragment table already built for the corpus."""
    names = tuple(annotators if annotators is not None else corpus.annotators)
    table = table or FragmentTable(corpus)
    mask = doc_mask(corpus, names)
    ids = [d.id for d, keep in zip(corpus.documents, mask, strict=True) if keep]
    cont_s = table.doc_offset[:-1][mask]
    cont_e = cont_s + table.doc_length[mask]
    length = int(table.doc_length[mask].sum())
    result = UnitizingResult(names, length, int(mask.sum()))
    if len(names) < 2:
        return result, ids
    # each annotator's merged units and gaps, and each pair's observed disagreement, are
    # kept in the table's memo for the other selections of annotators on the same documents
    memo = table.memo
    docs = mask.tobytes()
    for k, label in enumerate(corpus.labels):
        per, gaps = [], []
        for name in names:
            got = memo.get(("units", name, k, docs))
            if got is None:
                fr = table.of(name)
                keep = (fr.label == k) & mask[fr.doc]
                off = table.doc_offset[fr.doc[keep]]
                s, e = _merge(fr.start[keep] + off, fr.end[keep] + off)
                got = memo[("units", name, k, docs)] = (s, e, _gaps(s, e, cont_s, cont_e))
            per.append(got[:2])
            gaps.append(got[2])

        def observed_of(i: int, j: int, k: int = k, per: list = per) -> float:
            key = ("observed", names[i], names[j], k, docs)
            if key not in memo:
                memo[key] = _pair_observed(per[i][0], per[i][1], per[j][0], per[j][1])
            return memo[key]

        result.categories[label] = _category(per, len(names), length, cont_s, cont_e,
                                             observed_of, gaps)
    return result, ids
