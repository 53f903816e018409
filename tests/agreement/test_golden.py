"""The full report on a small, messy, fixed corpus equals a golden file, figure for figure.

``data/golden_report.json`` was written by the straightforward implementation (commit
f0940b6: regex tokenizer, per-unit coefficient sums, lexsort token labels), before the
speed work that followed; every later change must keep every number bit-for-bit (floats
compare exactly: JSON keeps their repr) and the order of every key. Regenerate only for a
deliberate change of a definition, and say so in the commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.agreement.golden import golden_reports

GOLDEN = Path(__file__).parent / "data" / "golden_report.json"


@pytest.fixture(scope="module")
def reports() -> dict:
    return json.loads(json.dumps(golden_reports(), ensure_ascii=False))


@pytest.mark.parametrize("name", ["all", "three", "two"])
def test_report_equals_the_golden_file(reports: dict, name: str) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    got = reports[name]
    for section in expected:
        assert got[section] == expected[section], section
    assert got == expected
    # the same order of keys too (the JSON a user gets is the same text)
    assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def test_golden_corpus_exercises_the_hard_cases() -> None:
    from tests.agreement.golden import golden_corpus

    docs, layers = golden_corpus()
    spans = [s for la in layers for s in la.spans]
    assert any(len(s.fragments) > 1 for s in spans)  # discontinuous
    assert any(not la.spans and la.status == "todo" for la in layers)  # missing data
    assert any(not d.text.isascii() for d in docs)
    assert {la.annotator for la in layers} >= {"ann", "bob", "cat", "dan", "gold"}
