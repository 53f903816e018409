"""Chance-corrected agreement coefficients: Cohen's kappa, Fleiss' kappa, Krippendorff's alpha.

Pure Python + numpy; usable from a notebook::

    from annotator.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha
    cohen_kappa(["a", "b", "a"], ["a", "b", "b"])                  # two raters' values
    cohen_kappa_table([[20, 5], [10, 15]])                         # 0.4
    fleiss_kappa([[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], ...])         # units x categories counts
    krippendorff_alpha([[1, 2, None], [1, 2, 3]], level="ordinal")  # coders x units

Conventions (the definitions the report states):

- **Missing values** are ``None`` or a float NaN. Cohen's kappa uses only the units both
  raters coded; Krippendorff's alpha uses every unit with at least two values (pairable
  values); Fleiss' kappa needs complete data (every unit coded by the same number of raters).
- **Cohen's kappa** (Cohen 1960; weighted: Cohen 1968): ``1 - sum(w*o) / sum(w*e)`` over the
  k x k table of observed proportions ``o`` and expected ``e = row x column marginals``;
  weights ``w_ij`` = 1 off the diagonal (unweighted), ``|i-j|/(k-1)`` (linear) or
  ``((i-j)/(k-1))**2`` (quadratic), categories in sorted order unless given.
- **Fleiss' kappa** (Fleiss 1971): ``(P_bar - P_e) / (1 - P_e)`` with
  ``P_i = (sum_j n_ij**2 - n) / (n(n-1))`` and ``P_e = sum_j p_j**2``.
- **Krippendorff's alpha** (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
  ``1 - (n-1) * sum_ck o_ck d_ck / sum_ck n_c n_k d_ck`` from the coincidence matrix
  ``o_ck = sum_u (number of c-k pairs in unit u) / (m_u - 1)``; ``d`` is the nominal,
  ordinal, interval or ratio difference function of that paper.

Every function returns ``nan`` when the coefficient is undefined (no pairable data, or no
variation at all so that expected disagreement is 0).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, Literal

import numpy as np

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
Weights = Literal["linear", "quadratic"] | None

MISSING = -1  # the missing code in integer-coded reliability matrices


def is_missing(value: Any) -> bool:
    """True for ``None`` and float NaN (the two spellings of a missing value)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def encode(data: Iterable[Iterable[Any]],
           values: Sequence[Hashable] | None = None) -> tuple[np.ndarray, list[Any]]:
    """Turn a coders x units matrix of values into integer codes (``MISSING`` = -1).

    Returns ``(codes, values)``; ``values[k]`` is the value of code ``k``. Without
    ``values`` the codes follow the sorted order of the observed values (or first-seen
    order when they cannot be sorted).
    """
    rows = [list(r) for r in data]
    if values is None:
        seen: dict[Any, None] = {}
        for r in rows:
            for v in r:
                if not is_missing(v):
                    seen.setdefault(v, None)
        try:
            values = sorted(seen)
        except TypeError:
            values = list(seen)
    index = {v: k for k, v in enumerate(values)}
    width = max((len(r) for r in rows), default=0)
    codes = np.full((len(rows), width), MISSING, dtype=np.int64)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if not is_missing(v):
                if v not in index:
                    raise ValueError(f"value {v!r} is not in the given value domain")
                codes[i, j] = index[v]
    return codes, list(values)


# --------------------------------------------------------------------- Cohen's kappa
def cohen_kappa_table(table: Sequence[Sequence[float]] | np.ndarray,
                      weights: Weights = None) -> float:
    """Cohen's kappa from a k x k contingency table (rows: rater 1, columns: rater 2)."""
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError("Cohen's kappa needs a square k x k table")
    total = t.sum()
    k = t.shape[0]
    if total <= 0 or k == 0:
        return math.nan
    o = t / total
    e = np.outer(o.sum(axis=1), o.sum(axis=0))
    w = _kappa_weights(k, weights)
    den = float((w * e).sum())
    if den <= 0:
        return math.nan
    return 1.0 - float((w * o).sum()) / den


def _kappa_weights(k: int, weights: Weights) -> np.ndarray:
    i, j = np.indices((k, k))
    if weights is None:
        return (i != j).astype(float)
    scale = max(k - 1, 1)
    if weights == "linear":
        return np.abs(i - j) / scale
    if weights == "quadratic":
        return ((i - j) / scale) ** 2
    raise ValueError(f"unknown weights {weights!r}; expected None, 'linear' or 'quadratic'")


def cohen_kappa(rater1: Sequence[Any], rater2: Sequence[Any], weights: Weights = None,
                categories: Sequence[Hashable] | None = None) -> float:
    """Cohen's kappa of two raters' values for the same units (pairs with a missing value
    are left out). ``categories`` fixes the order used by the weights."""
    if len(rater1) != len(rater2):
        raise ValueError("both raters need a value (or None) for every unit")
    codes, values = encode([rater1, rater2], categories)
    return cohen_kappa_codes(codes[0], codes[1], len(values), weights)


def cohen_kappa_codes(a: np.ndarray, b: np.ndarray, n_values: int,
                      weights: Weights = None) -> float:
    """Cohen's kappa from two integer code vectors (``MISSING`` = -1 left out)."""
    return cohen_kappa_pair(a, b, n_values, weights)[0]


def cohen_kappa_pair(a: np.ndarray, b: np.ndarray, n_values: int,
                     weights: Weights = None) -> tuple[float, int]:
    """(Cohen's kappa, units both coded) from two integer code vectors."""
    a = np.asarray(a)
    b = np.asarray(b)
    keep = (a >= 0) & (b >= 0)
    units = int(np.count_nonzero(keep))
    if units == 0 or n_values == 0:
        return math.nan, units
    if units != keep.size:
        a, b = a[keep], b[keep]
    index = a.astype(np.intp) * n_values + b
    table = np.bincount(index, minlength=n_values * n_values)
    return cohen_kappa_table(table.reshape(n_values, n_values), weights), units


# --------------------------------------------------------------------- Fleiss' kappa
def fleiss_kappa(table: Sequence[Sequence[float]] | np.ndarray) -> float:
    """Fleiss' kappa from a units x categories table of rating counts; every unit must
    have the same number of ratings (n >= 2)."""
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] == 0:
        return math.nan
    n = t.sum(axis=1)
    if not np.allclose(n, n[0]):
        raise ValueError("Fleiss' kappa needs the same number of ratings for every unit")
    if n[0] < 2:
        return math.nan
    return fleiss_from_counts(t.T, float(n[0]))


def fleiss_kappa_ratings(data: Iterable[Iterable[Any]]) -> float:
    """Fleiss' kappa from a raters x units matrix of values; units with a missing value
    are left out (Fleiss' kappa is defined for complete data only)."""
    codes, values = encode(data)
    return fleiss_kappa_codes(codes, len(values))


def fleiss_kappa_codes(codes: np.ndarray, n_values: int) -> float:
    """Fleiss' kappa from a raters x units integer matrix; incomplete units are left out."""
    codes = np.asarray(codes, dtype=np.int64)
    if codes.ndim != 2 or codes.shape[0] < 2:
        return math.nan
    complete = (codes >= 0).all(axis=0)
    c = codes if complete.all() else codes[:, complete]
    if c.shape[1] == 0:
        return math.nan
    return fleiss_from_counts(value_counts(c, n_values), float(c.shape[0]))


def fleiss_from_counts(counts: np.ndarray, raters: float) -> float:
    """Fleiss' kappa from a values x units count table with ``raters`` ratings per unit."""
    units = counts.shape[1]
    wide = counts.astype(np.int64)
    p_j = wide.sum(axis=1) / (units * raters)
    sq = (wide * wide).sum(axis=0)
    p_bar = float((sq.sum() - units * raters) / (units * raters * (raters - 1)))
    p_e = float((p_j * p_j).sum())
    if p_e >= 1.0:
        return math.nan
    return (p_bar - p_e) / (1.0 - p_e)


def value_counts(codes: np.ndarray, n_values: int) -> np.ndarray:
    """Values x units table: how many coders gave unit u value v (``MISSING`` ignored).

    Small integer types keep this fast on large matrices (int16 counts for < 32,767
    coders; int64 otherwise)."""
    coders, units = codes.shape
    count_type = np.int16 if coders < 32767 else np.int64
    if n_values <= 32:  # a few comparisons per value beat a scatter over all cells
        if codes.dtype != np.int8:
            codes = codes.astype(np.int8)
        out = np.empty((n_values, units), dtype=count_type)
        for v in range(n_values):
            np.sum(codes == v, axis=0, out=out[v])
        return out
    unit_index = np.broadcast_to(np.arange(units), (coders, units))
    keep = codes >= 0
    flat = codes[keep].astype(np.int64) * units + unit_index[keep]
    counts = np.bincount(flat, minlength=units * n_values).reshape(n_values, units)
    return counts.astype(count_type)


# --------------------------------------------------------------------- Krippendorff's alpha
def krippendorff_alpha(data: Iterable[Iterable[Any]], level: Level = "nominal",
                       values: Sequence[Hashable] | None = None) -> float:
    """Krippendorff's alpha of a coders x units reliability matrix (missing: None/NaN).

    ``level``: nominal, ordinal, interval or ratio. Ordinal, interval and ratio need
    numeric values (or ``values`` in their rank order for ordinal). ``values`` fixes the
    value domain; unobserved values do not change alpha.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    codes, domain = encode(data, values)
    points: np.ndarray | None = None
    if level in ("interval", "ratio"):
        try:
            points = np.asarray(domain, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{level} alpha needs numeric values") from None
    return alpha_codes(codes, len(domain), level, points)


def alpha_codes(codes: np.ndarray, n_values: int, level: Level = "nominal",
                points: np.ndarray | None = None) -> float:
    """Krippendorff's alpha from a coders x units integer matrix (``MISSING`` = -1).

    Codes index the value domain in rank order (used by ordinal); ``points`` gives the
    numeric value of each code for interval and ratio (default: the codes themselves).
    """
    codes = np.asarray(codes)
    if codes.ndim != 2 or n_values == 0:
        return math.nan
    return alpha_counts(value_counts(codes, n_values), level, points)


def alpha_counts(counts: np.ndarray, level: Level = "nominal",
                 points: np.ndarray | None = None) -> float:
    """Krippendorff's alpha from a values x units count table."""
    if level == "nominal" and counts.shape[0] <= 64 and counts.shape[1]:
        return _alpha_nominal_grouped(counts)
    m_u = counts.sum(axis=0, dtype=np.int64)
    pairable = m_u >= 2
    if not pairable.all():
        counts, m_u = counts[:, pairable], m_u[pairable]
    if counts.shape[1] == 0:
        return math.nan
    if level == "nominal":
        return _alpha_nominal(counts, m_u)
    o = coincidences(counts, m_u)
    d = difference_matrix(level, o.sum(axis=1), points)
    return alpha_from_coincidences(o, d)


def _alpha_nominal(counts: np.ndarray, m_u: np.ndarray) -> float:
    """Nominal alpha without building the coincidence matrix (same value, less work)."""
    n_c = counts.sum(axis=1, dtype=np.int64).astype(float)  # coincidence marginals
    n = float(n_c.sum())
    wide = counts.astype(np.int64)
    sq = (wide * wide).sum(axis=0)
    agree = float(((sq - m_u) / (m_u - 1.0)).sum())  # trace of the coincidence matrix
    expected = n * n - float((n_c * n_c).sum())
    if expected <= 0:
        return math.nan
    return 1.0 - (n - 1.0) * (n - agree) / expected


def _alpha_nominal_grouped(counts: np.ndarray) -> float:
    """Nominal alpha with units grouped by their number of values m (few distinct m):
    trace(o) = sum_m (sum_{u: m_u = m} (sum_c n_uc^2 - m)) / (m - 1), and the marginals
    n_c leave out the units with a single value. Same value as :func:`_alpha_nominal`."""
    m_u = counts.sum(axis=0, dtype=np.int32)
    sq = np.zeros(counts.shape[1], dtype=np.int32)
    for row in counts:
        r32 = row.astype(np.int32)
        sq += r32 * r32
    by_m = np.bincount(m_u, weights=sq - m_u)
    ms = np.arange(by_m.size, dtype=float)
    agree = float((by_m[2:] / (ms[2:] - 1.0)).sum())
    n_c = counts.sum(axis=1, dtype=np.int64)
    single = m_u == 1
    if single.any():
        n_c = n_c - counts[:, single].sum(axis=1, dtype=np.int64)
    n_c = n_c.astype(float)
    n = float(n_c.sum())
    if n == 0:
        return math.nan
    expected = n * n - float((n_c * n_c).sum())
    if expected <= 0:
        return math.nan
    return 1.0 - (n - 1.0) * (n - agree) / expected


def nominal_summary(counts: np.ndarray, coders: int,
                    multiplicity: np.ndarray | None = None) -> dict[str, float | int]:
    """Nominal alpha, observed agreement (pairable units) and Fleiss' kappa (units coded by
    all ``coders``) from one values x units count table, with their unit counts. One pass:
    everything depends on each unit's number of values m_u, sum_c n_uc^2, and the value
    totals per m. ``multiplicity`` (integers, one per column) counts each column as that
    many units (the totals stay exact integers, so the figures are the same)."""
    v_count, units = counts.shape
    if units == 0 or (multiplicity is not None and not multiplicity.any()):
        return {"alpha": math.nan, "observed_agreement": math.nan, "fleiss_kappa": math.nan,
                "units": 0, "complete_units": 0}
    m_u = counts.sum(axis=0, dtype=np.int32)
    sq = np.zeros(units, dtype=np.int32)
    for row in counts:
        r32 = row.astype(np.int32)
        sq += r32 * r32
    width = max(int(m_u.max()) + 1, coders + 1)
    if multiplicity is None:
        n_m = np.bincount(m_u, minlength=width).astype(float)  # units per m
        diff_m = np.bincount(m_u, weights=sq - m_u, minlength=width)  # sum (sq - m) per m
        sq_m = np.bincount(m_u, weights=sq, minlength=width)
        totals = np.stack([np.bincount(m_u, weights=row, minlength=width) for row in counts])
    else:
        w = multiplicity.astype(np.int64)
        n_m = np.bincount(m_u, weights=w, minlength=width)
        diff_m = np.bincount(m_u, weights=(sq - m_u) * w, minlength=width)
        sq_m = np.bincount(m_u, weights=sq * w, minlength=width)
        totals = np.stack([np.bincount(m_u, weights=row * w, minlength=width)
                           for row in counts])
    ms = np.arange(width, dtype=float)
    # alpha (nominal) over pairable units
    n_c = totals[:, 2:].sum(axis=1)
    n = float(n_c.sum())
    agree = float((diff_m[2:] / (ms[2:] - 1.0)).sum())
    expected = n * n - float((n_c * n_c).sum())
    alpha = 1.0 - (n - 1.0) * (n - agree) / expected if n > 0 and expected > 0 else math.nan
    pairs = float((n_m[2:] * ms[2:] * (ms[2:] - 1.0)).sum())
    observed = float(diff_m[2:].sum()) / pairs if pairs else math.nan
    # Fleiss over complete units
    complete = int(n_m[coders]) if coders >= 2 else 0
    fleiss = math.nan
    if complete:
        p_j = totals[:, coders] / (complete * coders)
        p_bar = (sq_m[coders] - complete * coders) / (complete * coders * (coders - 1))
        p_e = float((p_j * p_j).sum())
        fleiss = (p_bar - p_e) / (1.0 - p_e) if p_e < 1.0 else math.nan
    return {"alpha": alpha, "observed_agreement": observed, "fleiss_kappa": fleiss,
            "units": int(n_m[2:].sum()), "complete_units": complete}


def coincidences(counts: np.ndarray, m_u: np.ndarray) -> np.ndarray:
    """The values x values coincidence matrix from a values x units count table whose
    units all have m_u >= 2 values."""
    weighted = counts / (m_u - 1.0)
    o = weighted @ counts.T.astype(float)
    o[np.diag_indices_from(o)] -= weighted.sum(axis=1)
    return o


def difference_matrix(level: Level, n_c: np.ndarray,
                      points: np.ndarray | None = None) -> np.ndarray:
    """Squared differences delta^2_ck for ``level`` (Krippendorff 2011, section D)."""
    k = n_c.shape[0]
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        cum = np.concatenate(([0.0], np.cumsum(n_c)))
        i, j = np.indices((k, k))
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        # sum_{g=lo..hi} n_g - (n_lo + n_hi) / 2
        s = cum[hi + 1] - cum[lo] - (n_c[lo] + n_c[hi]) / 2.0
        return s * s
    v = np.arange(k, dtype=float) if points is None else np.asarray(points, dtype=float)
    diff = v[:, None] - v[None, :]
    if level == "interval":
        return diff * diff
    if level == "ratio":
        total = v[:, None] + v[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(total == 0, 0.0, diff / np.where(total == 0, 1.0, total))
        return r * r
    raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")


def alpha_from_coincidences(o: np.ndarray, d: np.ndarray) -> float:
    """alpha = 1 - (n-1) * sum(o*d) / sum(n_c n_k d)."""
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    expected = float((np.outer(n_c, n_c) * d).sum())
    if n <= 1 or expected <= 0:
        return math.nan
    return 1.0 - (n - 1.0) * float((o * d).sum()) / expected


def observed_agreement(codes: np.ndarray, n_values: int | None = None) -> float:
    """Share of pairable value pairs that agree (the percent agreement behind alpha)."""
    codes = np.asarray(codes)
    if n_values is None:
        n_values = int(codes.max()) + 1 if codes.size and codes.max() >= 0 else 0
    if n_values == 0:
        return math.nan
    return observed_agreement_counts(value_counts(codes, n_values))


def observed_agreement_counts(counts: np.ndarray) -> float:
    wide = counts.astype(np.int64)
    m_u = wide.sum(axis=0)
    pairs = float((m_u * (m_u - 1)).sum())
    if pairs == 0:
        return math.nan
    return float((wide * (wide - 1)).sum() / pairs)
