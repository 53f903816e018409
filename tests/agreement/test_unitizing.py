"""Krippendorff's alpha-U pinned to the published examples and to a literal implementation.

Data sources (both transcribed in DKPro Statistics' test suite, dkpro-statistics-agreement
``unitizing/Krippendorff2004Test.java`` and ``Krippendorff1995Test.java``, which cite the
pages below):

- Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology*, 2nd ed.,
  Sage, p. 254 (the alpha-U section; the same example appears in Krippendorff 2004,
  "Measuring the reliability of qualitative text analysis data", Quality & Quantity 38).
  Two coders i, j on the continuum [150, 450) with categories c and k:
  i: c [225, 295), c [370, 400), k [180, 240), k [300, 350);
  j: c [220, 300), c [355, 375), c [400, 420), k [180, 240), k [300, 350).
  Published: D_o(c) = .0144, D_e(c) = .0532, alpha_c = .7286, D_o(k) = 0, D_e(k) = .0490,
  alpha_k = 1, alpha-U = .8591. The book reaches .8591 from the 4-decimal intermediates
  (1 - .0144 / (.0532 + .0490) = .8591); unrounded the same formula gives .85867.
- Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological
  Methodology 25, p. 57: four two-coder examples A-D on a continuum of 24. Their observed
  disagreements (.03125, 2.26736, .02778, .38715) are pinned; the paper's expected
  disagreements contain a known slip (DKPro notes it), so they are not pinned here.
"""

from __future__ import annotations

import random

import pytest

from annotator.agreement import Corpus
from annotator.agreement.unitizing import alpha_u, unitizing_agreement

from .helpers import doc, layer, span

K2004 = [("i", "c", 225, 295), ("i", "c", 370, 400), ("j", "c", 220, 300),
         ("j", "c", 355, 375), ("j", "c", 400, 420), ("i", "k", 180, 240),
         ("i", "k", 300, 350), ("j", "k", 180, 240), ("j", "k", 300, 350)]


def test_krippendorff_2004_example() -> None:
    r = alpha_u(K2004, ["i", "j"], [(150, 450)])
    c, k = r.categories["c"], r.categories["k"]
    assert round(c.observed, 4) == 0.0144
    assert round(c.expected, 4) == 0.0532
    assert round(c.alpha, 4) == 0.7286
    assert k.observed == 0.0
    assert round(k.expected, 4) == 0.0490
    assert k.alpha == 1.0
    # the published .8591 from the published (rounded) intermediates ...
    do = round(c.observed + k.observed, 4)
    assert round(1 - do / (round(c.expected, 4) + round(k.expected, 4)), 4) == 0.8591
    # ... and the unrounded value of the same formula
    assert r.alpha == pytest.approx(0.8591, abs=5e-4)
    assert r.alpha == pytest.approx(0.85867, abs=1e-5)
    assert (r.length, r.continua) == (300, 1)


# Krippendorff (1995, p. 57): (coder, begin, length) per example; coders 0 and 1.
K1995 = {
    "A": [(0, 2, 8), (0, 14, 6), (1, 4, 4), (1, 15, 2)],
    "B": [(0, 0, 18), (1, 0, 2), (1, 2, 1), (1, 3, 1), (1, 4, 1), (1, 5, 1), (1, 6, 3),
          (1, 9, 1)],
    "C": [(0, 2, 6), (0, 10, 2), (0, 14, 4), (0, 20, 2), (1, 0, 2), (1, 4, 4), (1, 10, 4),
          (1, 16, 2), (1, 20, 2)],
    "D": [(0, 0, 2), (0, 2, 8), (0, 10, 4), (0, 14, 6), (0, 20, 4), (1, 0, 4), (1, 4, 4),
          (1, 8, 7), (1, 15, 2), (1, 17, 7)],
}


def test_krippendorff_1995_observed_disagreement() -> None:
    units = [(str(c), cat, b, b + n) for cat, rows in K1995.items() for c, b, n in rows]
    r = alpha_u(units, ["0", "1"], [(0, 24)])
    got = {cat: r.categories[cat].observed for cat in K1995}
    assert got == pytest.approx({"A": 0.03125, "B": 2.26736, "C": 0.02778, "D": 0.38715},
                                abs=1e-5)


# ------------------------------------------------------------- a literal implementation
def _sections(units: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int, bool]]:
    out, pos = [], lo
    for s, e in sorted(units):
        if s > pos:
            out.append((pos, s, False))
        out.append((s, e, True))
        pos = e
    if pos < hi:
        out.append((pos, hi, False))
    return out


def _delta(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
    (bg, eg, ug), (bh, eh, uh) = g, h
    lg, lh = eg - bg, eh - bh
    if ug and uh and bg < eh and bh < eg:
        return (bg - bh) ** 2 + (eg - eh) ** 2
    if ug and not uh and bh <= bg and eg <= eh:
        return lg * lg
    if uh and not ug and bg <= bh and eh <= eg:
        return lh * lh
    return 0


def _literal(units: dict[str, list[tuple[int, int]]], continua: list[tuple[int, int]]
             ) -> tuple[float, float]:
    """D_o and D_e of one category by the formulas, section pair by section pair."""
    coders = sorted(units)
    m = len(coders)
    big_l = sum(b - a for a, b in continua)
    secs = {c: [s for a, b in continua
                for s in _sections([u for u in units[c] if a <= u[0] < b], a, b)]
            for c in coders}
    do = sum(_delta(g, h) for c1 in coders for c2 in coders if c1 != c2
             for g in secs[c1] for h in secs[c2]) / (m * (m - 1) * big_l ** 2)
    lens = [e - s for c in coders for s, e in units[c]]
    gaps = [e - s for c in coders for s, e, u in secs[c] if not u]
    n = len(lens)
    num = sum((n - 1) * (2 * x ** 3 - 3 * x ** 2 + x) / 3
              + x * x * sum(g - x + 1 for g in gaps if g >= x) for x in lens) * 2 / big_l
    de = num / (m * big_l * (m * big_l - 1) - sum(x * (x - 1) for x in lens))
    return do, de


def _random_units(rng: random.Random, continua: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for a, b in continua:
        pos = a + rng.randint(0, 5)
        while pos < b - 2:
            length = rng.randint(1, 12)
            if pos + length > b:
                break
            if rng.random() < 0.6:
                out.append((pos, pos + length))
            pos += length + rng.randint(0, 8)
    return out


@pytest.mark.parametrize("seed", range(8))
def test_vectorised_equals_literal_formulas(seed: int) -> None:
    rng = random.Random(seed)
    continua = [(0, 60), (60, 95), (95, 180)]
    coders = ["a", "b", "c"][: 2 + seed % 2]
    by_coder = {c: _random_units(rng, continua) for c in coders}
    units = [(c, "X", s, e) for c, us in by_coder.items() for s, e in us]
    r = alpha_u(units, coders, continua)
    do, de = _literal(by_coder, continua)
    assert r.categories["X"].observed == pytest.approx(do, rel=1e-12, abs=1e-15)
    assert r.categories["X"].expected == pytest.approx(de, rel=1e-12)


def test_identical_unitizations_agree_perfectly() -> None:
    units = [(c, "X", s, e) for c in ("a", "b") for s, e in ((3, 9), (20, 31))]
    assert alpha_u(units, ["a", "b"], [(0, 50)]).alpha == 1.0


def test_no_units_is_undefined() -> None:
    r = alpha_u([], ["a", "b"], [(0, 50)], categories=["X"])
    assert r.categories["X"].units == 0
    assert r.alpha != r.alpha  # nan


def test_overlapping_units_of_one_coder_are_merged() -> None:
    merged = alpha_u([("a", "X", 0, 10), ("a", "X", 5, 20), ("b", "X", 0, 20)], ["a", "b"],
                     [(0, 40)])
    assert merged.categories["X"].units == 2 and merged.alpha == 1.0
    touching = alpha_u([("a", "X", 0, 10), ("a", "X", 10, 20), ("b", "X", 0, 20)],
                       ["a", "b"], [(0, 40)])
    assert touching.categories["X"].units == 3 and touching.alpha < 1.0


def test_corpus_uses_documents_all_annotated_and_fragments() -> None:
    d1 = doc("x" * 100, "d1")
    d2 = doc("y" * 50, "d2")
    layers = [
        layer(d1, "a", [span(d1, "a", "X", (10, 20), (30, 40))]),
        layer(d1, "b", [span(d1, "b", "X", (10, 20)), span(d1, "b", "X", (30, 40))]),
        layer(d2, "a", [span(d2, "a", "X", (0, 5))]),
        layer(d2, "b", [], status="todo"),  # not annotated: d2 is left out
    ]
    corpus = Corpus.build([d1, d2], layers)
    res, docs = unitizing_agreement(corpus)
    assert docs == ["d1"] and res.length == 100
    assert res.alpha == 1.0
    direct = alpha_u([("a", "X", 10, 20), ("a", "X", 30, 40), ("b", "X", 10, 21),
                      ("b", "X", 30, 40)], ["a", "b"], [(0, 100)])
    layers[1] = layer(d1, "b", [span(d1, "b", "X", (10, 21)), span(d1, "b", "X", (30, 40))])
    res2, _ = unitizing_agreement(Corpus.build([d1, d2], layers))
    assert res2.alpha == pytest.approx(direct.alpha)


def test_documents_are_separate_continua() -> None:
    d1, d2 = doc("x" * 30, "d1"), doc("y" * 40, "d2")
    layers = [layer(d1, "a", [span(d1, "a", "X", (5, 9))]),
              layer(d1, "b", [span(d1, "b", "X", (6, 9))]),
              layer(d2, "a", [span(d2, "a", "X", (0, 12))]),
              layer(d2, "b", [span(d2, "b", "X", (1, 12))])]
    res, _ = unitizing_agreement(Corpus.build([d1, d2], layers))
    direct = alpha_u([("a", "X", 5, 9), ("b", "X", 6, 9), ("a", "X", 30, 42),
                      ("b", "X", 31, 42)], ["a", "b"], [(0, 30), (30, 70)])
    assert res.alpha == pytest.approx(direct.alpha)
    assert res.continua == 2 and res.length == 70


def test_alpha_u_needs_two_coders() -> None:
    with pytest.raises(ValueError):
        alpha_u([], ["a"], [(0, 10)])
