"""Coefficients pinned to published values and to the ``krippendorff`` package."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest

from annotator.agreement.coefficients import (
    LEVELS,
    alpha_codes,
    cohen_kappa,
    cohen_kappa_codes,
    cohen_kappa_table,
    encode,
    fleiss_kappa,
    fleiss_kappa_codes,
    fleiss_kappa_ratings,
    krippendorff_alpha,
    observed_agreement,
)

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers
# (A-D) x 12 units, values 1-5, missing values as None. Published results (section C/D):
# nominal .743, ordinal .815, interval .849, ratio .797.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# Fleiss (1971) as tabulated on Wikipedia ("Fleiss' kappa", worked example): 10 subjects,
# 14 raters each, 5 categories; kappa = 0.210.
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


@pytest.mark.parametrize("level,published", [("nominal", 0.743), ("ordinal", 0.815),
                                             ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_example(level: str, published: float) -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level), 3) == published


def test_krippendorff_2011_example_nan_spelling() -> None:
    data = [[math.nan if v is None else float(v) for v in row] for row in KRIPPENDORFF_2011]
    assert round(krippendorff_alpha(data, "interval"), 3) == 0.849


def test_fleiss_1971_wikipedia_table() -> None:
    assert round(fleiss_kappa(FLEISS_1971), 3) == 0.210
    assert fleiss_kappa(FLEISS_1971) == pytest.approx(0.2099, abs=1e-4)


def test_fleiss_from_ratings_equals_table() -> None:
    # expand the table into 14 raters x 10 subjects; rater order does not matter
    ratings = np.zeros((14, 10), dtype=int)
    for u, row in enumerate(FLEISS_1971):
        ratings[:, u] = np.repeat(np.arange(1, 6), row)
    assert fleiss_kappa_ratings(ratings.tolist()) == pytest.approx(fleiss_kappa(FLEISS_1971))


def test_fleiss_leaves_out_incomplete_units() -> None:
    codes = np.array([[0, 1, 1, -1], [0, 1, 0, 1], [0, 1, 1, 1]])
    assert fleiss_kappa_codes(codes, 2) == pytest.approx(
        fleiss_kappa([[3, 0], [0, 3], [1, 2]]))


def test_fleiss_refuses_unequal_rating_counts() -> None:
    with pytest.raises(ValueError):
        fleiss_kappa([[1, 1], [2, 1]])


def test_cohen_2x2_example() -> None:
    assert cohen_kappa_table([[20, 5], [10, 15]]) == pytest.approx(0.4)
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_cohen_weighted_known_values() -> None:
    # 3x3 table; hand-computed: observed weighted disagreement / expected
    t = np.array([[10, 2, 0], [3, 8, 1], [0, 2, 4]], dtype=float)
    o = t / t.sum()
    e = np.outer(o.sum(1), o.sum(0))
    i, j = np.indices((3, 3))
    for name, w in (("linear", abs(i - j) / 2), ("quadratic", ((i - j) / 2) ** 2)):
        expected = 1 - (w * o).sum() / (w * e).sum()
        assert cohen_kappa_table(t, name) == pytest.approx(expected)
    # with 2 categories every weighting is the same as unweighted
    assert cohen_kappa_table([[20, 5], [10, 15]], "quadratic") == pytest.approx(0.4)


def test_quadratic_kappa_is_close_to_interval_alpha_on_large_samples() -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(0, 5, 20000)
    b = np.clip(a + rng.integers(-1, 2, 20000), 0, 4)
    qk = cohen_kappa_codes(a, b, 5, "quadratic")
    ia = alpha_codes(np.vstack([a, b]), 5, "interval")
    assert abs(qk - ia) < 0.01


def test_cohen_skips_missing_pairs() -> None:
    assert cohen_kappa(["a", "b", None, "a"], ["a", "b", "b", math.nan]) == 1.0


def test_undefined_coefficients_are_nan() -> None:
    assert math.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))  # no variation
    assert math.isnan(krippendorff_alpha([[1, None], [None, 2]]))  # nothing pairable
    assert math.isnan(cohen_kappa(["a", "a"], ["a", "a"]))
    assert math.isnan(fleiss_kappa([[2, 0], [2, 0]]))


def test_perfect_agreement_is_one() -> None:
    data = [[1, 2, 3, 1], [1, 2, 3, 1], [1, 2, None, 1]]
    for level in LEVELS:
        assert krippendorff_alpha(data, level) == pytest.approx(1.0)


def test_string_values_nominal() -> None:
    data = [["x", "y", "y", None], ["x", "y", "x", "x"]]
    numeric = [[0, 1, 1, None], [0, 1, 0, 0]]
    assert krippendorff_alpha(data) == pytest.approx(krippendorff_alpha(numeric))


def test_interval_needs_numbers() -> None:
    with pytest.raises(ValueError):
        krippendorff_alpha([["a", "b"], ["a", "a"]], "interval")


def test_encode_value_domain() -> None:
    codes, values = encode([[3, None], [1, 3]])
    assert values == [1, 3]
    assert codes.tolist() == [[1, -1], [0, 1]]
    with pytest.raises(ValueError):
        encode([[7]], values=[1, 2])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("level", LEVELS)
def test_alpha_equals_krippendorff_package_on_random_data(seed: int, level: str) -> None:
    rng = np.random.default_rng(seed)
    coders, units, values = 2 + seed % 4, 50 + 37 * seed, 3 + seed
    codes = rng.integers(0, values, (coders, units))
    # correlated coders so that alpha is not ~0, plus 20 % missing
    codes[1:] = np.where(rng.random((coders - 1, units)) < 0.6, codes[0], codes[1:])
    codes[rng.random((coders, units)) < 0.2] = -1
    data = codes.astype(float)
    data[codes < 0] = np.nan
    points = np.arange(1, values + 1, dtype=float)  # ratio needs values > 0 to be meaningful
    ours = alpha_codes(codes, values, level, points)
    theirs = krippendorff.alpha(reliability_data=data + 1, level_of_measurement=level,
                                value_domain=points)
    assert ours == pytest.approx(theirs, abs=1e-9)
    as_values = [[None if v < 0 else int(v) + 1 for v in row] for row in codes]
    assert krippendorff_alpha(as_values, level) == pytest.approx(theirs, abs=1e-9)


def test_large_value_domain_uses_the_scatter_path() -> None:
    rng = np.random.default_rng(9)
    codes = rng.integers(0, 60, (3, 400))
    codes[1] = np.where(rng.random(400) < 0.5, codes[0], codes[1])
    data = codes.astype(float)
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                value_domain=np.arange(60.0))
    assert alpha_codes(codes, 60) == pytest.approx(theirs, abs=1e-9)


def test_observed_agreement() -> None:
    codes = np.array([[0, 1, 1], [0, 1, 0], [-1, 1, 0]])
    # ordered pairs of values that agree / all ordered pairs: u0 2/2, u1 6/6, u2 2/6
    assert observed_agreement(codes) == pytest.approx((2 + 6 + 2) / (2 + 6 + 6))


@pytest.mark.parametrize("seed", range(6))
def test_nominal_summary_equals_the_separate_coefficients(seed: int) -> None:
    from annotator.agreement.coefficients import nominal_summary, value_counts

    rng = np.random.default_rng(seed)
    coders, units, values = 2 + seed % 3, 300, 2 + seed
    codes = rng.integers(0, values, (coders, units))
    codes[1:] = np.where(rng.random((coders - 1, units)) < 0.5, codes[0], codes[1:])
    codes[rng.random((coders, units)) < 0.25] = -1
    s = nominal_summary(value_counts(codes, values), coders)
    assert s["alpha"] == pytest.approx(alpha_codes(codes, values), abs=1e-12)
    assert s["fleiss_kappa"] == pytest.approx(fleiss_kappa_codes(codes, values), abs=1e-12)
    assert s["observed_agreement"] == pytest.approx(observed_agreement(codes, values))
    present = (codes >= 0).sum(axis=0)
    assert s["units"] == int((present >= 2).sum())
    assert s["complete_units"] == int((present == coders).sum())
