"""Span matching (exact / overlap), P/R/F1 and typed span disagreements."""

from __future__ import annotations

import math

import pytest

from annotator.agreement import Corpus, disagreements, match_spans, span_overlap
from annotator.agreement.spans import PRF, prf_by_label

from .helpers import doc, layer, span

TEXT = "Officials said on Tuesday that the talks failed, critics argued the opposite." * 2


def test_overlap_counts_code_points_of_fragments() -> None:
    d = doc(TEXT)
    a = span(d, "a", "X", (0, 10))
    b = span(d, "b", "X", (5, 20))
    c = span(d, "b", "X", (2, 4), (8, 12))
    assert span_overlap(a, b) == 5
    assert span_overlap(a, c) == 4
    assert span_overlap(b, c) == 4


def test_exact_matching_is_one_to_one() -> None:
    d = doc(TEXT)
    a = [span(d, "a", "X", (0, 5)), span(d, "a", "X", (0, 5))]
    b = [span(d, "b", "X", (0, 5)), span(d, "b", "Y", (0, 5))]
    m = match_spans(a, b, "exact")
    assert [(x.a.id, x.b.id) for x in m.matches] == [(a[0].id, b[0].id)]
    assert m.only_a == [a[1]] and m.only_b == [b[1]]


def test_overlap_matching_greedy_by_largest_overlap() -> None:
    d = doc(TEXT)
    a1 = span(d, "a", "X", (0, 20))
    a2 = span(d, "a", "X", (18, 30))
    b1 = span(d, "b", "X", (10, 25))  # overlaps a1 by 10, a2 by 7
    b2 = span(d, "b", "X", (19, 40))  # overlaps a1 by 1, a2 by 11
    m = match_spans([a1, a2], [b1, b2], "overlap")
    assert {(x.a.id, x.b.id, x.overlap) for x in m.matches} == {(a1.id, b1.id, 10),
                                                                 (a2.id, b2.id, 11)}


def test_overlap_matching_prefers_exact_pairs() -> None:
    d = doc(TEXT)
    big_a = span(d, "a", "X", (0, 100))
    small_a = span(d, "a", "X", (10, 20))
    small_b = span(d, "b", "X", (10, 20))
    big_b = span(d, "b", "X", (0, 90))
    m = match_spans([big_a, small_a], [small_b, big_b], "overlap")
    pairs = {(x.a.id, x.b.id) for x in m.matches}
    assert pairs == {(small_a.id, small_b.id), (big_a.id, big_b.id)}


def test_overlap_matching_needs_same_label_unless_blind() -> None:
    d = doc(TEXT)
    a = [span(d, "a", "X", (0, 10))]
    b = [span(d, "b", "Y", (0, 10))]
    assert match_spans(a, b, "overlap").matches == []
    blind = match_spans(a, b, "overlap", same_label=False)
    assert len(blind.matches) == 1 and blind.matches[0].exact
    assert not blind.matches[0].same_label


def test_touching_spans_do_not_overlap() -> None:
    d = doc(TEXT)
    m = match_spans([span(d, "a", "X", (0, 10))], [span(d, "b", "X", (10, 20))], "overlap")
    assert m.matches == []


def test_prf_counts_and_values() -> None:
    d = doc(TEXT)
    a = [span(d, "a", "X", (0, 10)), span(d, "a", "X", (20, 30)), span(d, "a", "Y", (40, 50))]
    b = [span(d, "b", "X", (0, 10)), span(d, "b", "X", (22, 30))]
    exact = prf_by_label(a, b, "exact", ["X", "Y"])
    overlap = prf_by_label(a, b, "overlap", ["X", "Y"])
    assert (exact["X"].matched, exact["X"].reference, exact["X"].compared) == (1, 2, 2)
    assert overlap["X"].matched == 2 and overlap["X"].f1 == 1.0
    assert overlap["Y"].recall == 0.0 and math.isnan(overlap["Y"].precision)
    total = PRF()
    for c in overlap.values():
        total.add(c)
    assert total.precision == 1.0 and total.recall == pytest.approx(2 / 3)
    assert total.f1 == pytest.approx(2 * 2 / 5)


def test_typed_span_disagreements() -> None:
    d = doc(TEXT)
    ref = [span(d, "a", "SOURCE", (0, 9), sid="a-src"),
           span(d, "a", "CUE", (10, 14), sid="a-cue"),
           span(d, "a", "CONTENT", (31, 47), sid="a-con"),
           span(d, "a", "STANCE", (49, 56), sid="a-sta")]
    cmp = [span(d, "b", "SOURCE", (0, 9), sid="b-src"),
           span(d, "b", "CUE", (10, 25), sid="b-cue"),
           span(d, "b", "SOURCE", (31, 47), sid="b-con"),
           span(d, "b", "CUE", (60, 66), sid="b-extra")]
    c = Corpus.build([d], [layer(d, "a", ref), layer(d, "b", cmp)])
    got = {(x.type, x.items) for x in disagreements(c)}
    assert got == {("boundary", ("a-cue", "b-cue")), ("label", ("a-con", "b-con")),
                   ("missed", ("a-sta", None)), ("spurious", (None, "b-extra"))}
    rec = next(x for x in disagreements(c) if x.type == "label")
    assert rec.annotators == ("a", "b") and rec.labels == ("CONTENT", "SOURCE")
    assert rec.offsets == ((31, 47), (31, 47)) and (rec.start, rec.end) == (31, 47)
    assert rec.to_dict()["document_id"] == "d1"


def test_label_disagreement_notes_different_offsets() -> None:
    d = doc(TEXT)
    c = Corpus.build([d], [layer(d, "a", [span(d, "a", "X", (0, 10))]),
                           layer(d, "b", [span(d, "b", "Y", (2, 10))])])
    (rec,) = disagreements(c)
    assert rec.type == "label" and "offsets differ" in rec.detail


def test_no_disagreements_between_identical_layers() -> None:
    d = doc(TEXT)
    spans = [span(d, "a", "X", (0, 10)), span(d, "a", "Y", (5, 20))]
    same = [s.with_changes(id=s.id + "b", annotator="b") for s in spans]
    c = Corpus.build([d], [layer(d, "a", spans), layer(d, "b", same)])
    assert disagreements(c) == []


def test_unannotated_layers_are_skipped() -> None:
    d = doc(TEXT)
    c = Corpus.build([d], [layer(d, "a", [span(d, "a", "X", (0, 10))]),
                           layer(d, "b", [], status="todo")])
    assert c.annotators == ("a", "b")
    assert not c.has("d1", "b")
    assert disagreements(c) == []


def _random_layers(seed: int):
    import random

    rng = random.Random(seed)
    d = doc("x" * 400)
    out = []
    for ann in ("a", "b"):
        spans = []
        for k in range(rng.randint(0, 30)):
            s = rng.randrange(380)
            frs = [(s, s + rng.randint(1, 20))]
            if rng.random() < 0.15 and frs[0][1] + 5 < 400:
                frs.append((frs[0][1] + 2, min(400, frs[0][1] + 2 + rng.randint(1, 8))))
            if spans and rng.random() < 0.2:  # some identical copies
                frs = list(rng.choice(spans).fragments)
            spans.append(span(d, ann, rng.choice("XY"), *frs, sid=f"{ann}{seed}-{k}"))
        out.append(spans)
    return out


@pytest.mark.parametrize("seed", range(20))
def test_match_layers_equals_two_match_spans_calls(seed: int) -> None:
    from annotator.agreement import match_layers

    a, b = _random_layers(seed)
    same, blind = match_layers(a, b)
    ref_same = match_spans(a, b, "overlap")
    ref_blind = match_spans(ref_same.only_a, ref_same.only_b, "overlap", same_label=False)

    def key(m):
        return sorted((x.a.id, x.b.id, x.overlap) for x in m.matches)

    assert key(same) == key(ref_same) and key(blind) == key(ref_blind)
    assert [s.id for s in blind.only_a] == [s.id for s in ref_blind.only_a]
    # 1:1 and every exact pair of the exact matching is kept by the overlap matching
    assert len({x.a.id for x in same.matches}) == len(same.matches)
    exact = match_spans(a, b, "exact")
    assert len(exact.matches) == sum(1 for x in same.matches if x.exact)


def test_corpus_refuses_layers_on_other_text() -> None:
    d = doc(TEXT)
    other = doc(TEXT + "!")
    with pytest.raises(ValueError):
        Corpus.build([d], [layer(other, "a", [])])


def test_corpus_annotated_override_and_label_filter() -> None:
    d = doc(TEXT)
    c = Corpus.build([d], [layer(d, "a", [span(d, "a", "X", (0, 5)),
                                          span(d, "a", "Y", (6, 9))]),
                           layer(d, "b", [], status="todo")],
                     labels=["Y"], annotated=[("d1", "a"), ("d1", "b")])
    assert c.has("d1", "b")
    assert [s.label for s in c.spans("d1", "a")] == ["Y"]
    assert len(c.all_spans("d1", "a")) == 2
