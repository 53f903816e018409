"""Span matching between two layers, and span precision / recall / F1.

Definitions (the report repeats them):

- **overlap** of two spans: the number of code points both cover (fragments included;
  a discontinuous span covers only its fragments).
- **exact match**: same label and identical fragments. 1:1 — when a layer holds the same
  span twice, each copy matches at most one span of the other layer.
- **overlap match**: same label and overlap >= 1 code point, made 1:1 *greedily*: all
  candidate pairs are ranked — pairs with identical fragments first, then by overlap
  (largest first), then by boundary distance ``|start_a - start_b| + |end_a - end_b|``
  (smallest first), then by position (start of a, start of b, their ids) — and a pair is
  taken when neither span is taken yet. So exact pairs are never broken up.
  Greedy is deterministic and explainable; it can differ from an optimal assignment only
  when overlaps chain across three or more spans.
- **precision / recall / F1** of layer B against reference layer A:
  ``P = matched / |B|``, ``R = matched / |A|``, ``F1 = 2 matched / (|A| + |B|)``; counts are
  summed over the documents both annotators have annotated (micro average). For two peer
  annotators F1 is symmetric and P/R swap; the reference is the pair's first annotator.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from ..domain.model import Offsets, Span

Mode = Literal["exact", "overlap"]
MODES: tuple[Mode, ...] = ("exact", "overlap")


def span_overlap(a: Span, b: Span) -> int:
    """Code points covered by both spans."""
    return fragments_overlap(a.fragments, b.fragments)


def fragments_overlap(fa: Sequence[Offsets], fb: Sequence[Offsets]) -> int:
    """Code points covered by both sorted, non-overlapping fragment lists."""
    if len(fa) == 1 and len(fb) == 1:
        return max(0, min(fa[0][1], fb[0][1]) - max(fa[0][0], fb[0][0]))
    total = i = j = 0
    while i < len(fa) and j < len(fb):
        lo = max(fa[i][0], fb[j][0])
        hi = min(fa[i][1], fb[j][1])
        if hi > lo:
            total += hi - lo
        if fa[i][1] <= fb[j][1]:
            i += 1
        else:
            j += 1
    return total


def boundary_distance(a: Span, b: Span) -> int:
    return abs(a.start - b.start) + abs(a.end - b.end)


class SpanMatch(NamedTuple):
    """One matched pair: ``overlap`` in code points; ``exact`` when the fragments are
    identical (the labels may differ in a label-blind matching)."""

    a: Span
    b: Span
    overlap: int
    exact: bool

    @property
    def same_label(self) -> bool:
        return self.a.label == self.b.label


@dataclass
class Matching:
    """A 1:1 matching of layer a's spans with layer b's: pairs and leftovers."""

    matches: list[SpanMatch] = field(default_factory=list)
    only_a: list[Span] = field(default_factory=list)
    only_b: list[Span] = field(default_factory=list)


def match_spans(a: Sequence[Span], b: Sequence[Span], mode: Mode = "overlap",
                same_label: bool = True) -> Matching:
    """Match spans of two layers 1:1 (``mode`` exact or overlap, see module docstring).

    ``same_label=False`` ignores labels (used to find label disagreements); exact
    matching then means identical fragments.
    """
    if mode == "exact":
        return _match_exact(a, b, same_label)
    if mode != "overlap":
        raise ValueError(f"unknown mode {mode!r}; expected 'exact' or 'overlap'")
    return _match_overlap(a, b, same_label)


def _match_exact(a: Sequence[Span], b: Sequence[Span], same_label: bool) -> Matching:
    pool: dict[tuple, list[Span]] = {}
    for s in b:
        pool.setdefault((s.label if same_label else None, s.fragments), []).append(s)
    out = Matching()
    used: set[int] = set()
    for s in a:
        cands = pool.get((s.label if same_label else None, s.fragments))
        if cands:
            t = cands.pop(0)
            used.add(id(t))
            out.matches.append(SpanMatch(s, t, s.length, True))
        else:
            out.only_a.append(s)
    out.only_b = [t for t in b if id(t) not in used]
    return out


Candidate = tuple[int, int, int, int, int, str, str, int, int, bool]


def _keys(spans: Sequence[Span], same_label: bool) -> list[tuple]:
    """Hashable identity of each span: (label or None, start, end) for one fragment."""
    if same_label:
        return [(t.label, f[0][0], f[0][1]) if len(f := t.fragments) == 1 else (t.label, f)
                for t in spans]
    return [(None, f[0][0], f[0][1]) if len(f := t.fragments) == 1 else (None, f)
            for t in spans]


Row = tuple[int, int, int, tuple[Offsets, ...], str, str]  # start, end, index, frs, id, label


class Layout(NamedTuple):
    """A layer's spans as rows (start, end, index, fragments, id, label): in layer order,
    and sorted by start with the starts and the longest hull, for overlap windows."""

    rows: list[Row]
    by_start: list[Row]
    starts: list[int]
    longest: int


def _layout(spans: Sequence[Span]) -> Layout:
    rows = [(f[0][0], f[-1][1], j, f, t.id, t.label)
            for j, t in enumerate(spans) if (f := t.fragments)]
    by_start = sorted(rows, key=lambda r: (r[0], r[1], r[2]))
    return Layout(rows, by_start, [r[0] for r in by_start],
                  max((r[1] - r[0] for r in rows), default=0))


class SpanKeys(NamedTuple):
    """A layer's span keys (labels included) and layout, made once for every pairing of
    the layer."""

    keys: list[tuple]
    index: dict[tuple, int]  # key -> position (meaningful when unique)
    unique: bool  # no two spans share a key
    layout: Layout


def span_keys(spans: Sequence[Span]) -> SpanKeys:
    keys = _keys(spans, True)
    index = {k: j for j, k in enumerate(keys)}
    return SpanKeys(keys, index, len(index) == len(keys), _layout(spans))


def _exact_pairs(a: Sequence[Span], b: Sequence[Span], same_label: bool,
                 taken_a: set[int], taken_b: set[int],
                 prepared: tuple[SpanKeys, SpanKeys] | None = None) -> list[SpanMatch]:
    """Pairs with identical fragments (and labels, when ``same_label``), 1:1: within a group
    of identical spans the i-th smallest id of a pairs with the i-th smallest id of b —
    what the greedy ranking would choose, found by hashing instead of comparing. Pairs come
    in the order of ``a``. ``prepared``: :func:`span_keys` of ``a`` and ``b`` (only with
    ``same_label`` and nothing taken yet)."""
    if prepared is not None and same_label and not taken_a and not taken_b:
        pa, pb = prepared
        keys_a, keys_b = pa.keys, pb.keys
        unique = pa.unique and pb.unique
        first = pb.index
    else:
        keys_a, keys_b = _keys(a, same_label), _keys(b, same_label)
        first = {k: j for j, k in enumerate(keys_b) if j not in taken_b}
        unique = len(first) == len(keys_b) - len(taken_b) and len(set(keys_a)) == len(keys_a)
    if unique:
        # no duplicates on either side (the usual case): one dictionary lookup per span
        get = first.get
        pairs = [(i, j) for i, k in enumerate(keys_a) if (j := get(k)) is not None
                 and i not in taken_a]
    else:
        pairs = _exact_pairs_with_copies(a, b, keys_a, keys_b, taken_a, taken_b)
    if not pairs:
        return []
    in_a, in_b = zip(*pairs, strict=True)
    taken_a.update(in_a)
    taken_b.update(in_b)
    make = SpanMatch._make
    # one fragment: the key holds (label, start, end); else the span sums its fragments
    return [make((a[i], b[j], k[2] - k[1] if len(k := keys_a[i]) == 3 else a[i].length, True))
            for i, j in pairs]


def _exact_pairs_with_copies(a: Sequence[Span], b: Sequence[Span], keys_a: list[tuple],
                             keys_b: list[tuple], taken_a: set[int], taken_b: set[int]
                             ) -> list[tuple[int, int]]:
    groups: dict[tuple, list[int]] = {}
    for j, k in enumerate(keys_b):
        if j not in taken_b:
            groups.setdefault(k, []).append(j)
    hits: dict[tuple, list[int]] = {}
    for i, k in enumerate(keys_a):
        if k in groups and i not in taken_a:
            hits.setdefault(k, []).append(i)
    pairs = []
    for k, ia in hits.items():
        ia = sorted(ia, key=lambda i: a[i].id)
        jb = sorted(groups[k], key=lambda j: b[j].id)
        pairs += zip(ia, jb, strict=False)
    pairs.sort()
    return pairs


def _candidates(a: Sequence[Span], b: Sequence[Span], skip_a: set[int],
                skip_b: set[int], layouts: tuple[Layout, Layout] | None = None
                ) -> list[Candidate]:
    """Every overlapping (a, b) pair not involving a skipped index, labels ignored, as a
    sortable rank: (not identical fragments, -overlap, boundary distance, start a, start b,
    id a, id b, index a, index b, same label). ``layouts``: :func:`_layout` of a and b."""
    if len(skip_b) >= len(b) or len(skip_a) >= len(a):
        return []
    la, lb = layouts if layouts is not None else (_layout(a), _layout(b))
    items, starts, longest = lb.by_start, lb.starts, lb.longest
    out: list[Candidate] = []
    for s0, e0, i, f, sid, slabel in la.rows:
        if i in skip_a:
            continue
        single = len(f) == 1
        for t0, t1, j, g, tid, tlabel in items[bisect_left(starts, s0 - longest):
                                               bisect_left(starts, e0)]:
            if t1 <= s0 or j in skip_b:
                continue
            if single and len(g) == 1:
                ov = (e0 if e0 < t1 else t1) - (s0 if s0 > t0 else t0)
            else:
                ov = fragments_overlap(f, g)
            if ov > 0:
                dist = (s0 - t0 if s0 > t0 else t0 - s0) + (e0 - t1 if e0 > t1 else t1 - e0)
                out.append((0 if f == g else 1, -ov, dist, s0, t0, sid, tid, i, j,
                            slabel == tlabel))
    out.sort()
    return out


def _greedy(a: Sequence[Span], b: Sequence[Span], cands: Sequence[Candidate],
            taken_a: set[int], taken_b: set[int], same_label: bool) -> list[SpanMatch]:
    out = []
    for c in cands:
        i, j = c[7], c[8]
        if (same_label and not c[9]) or i in taken_a or j in taken_b:
            continue
        taken_a.add(i)
        taken_b.add(j)
        out.append(SpanMatch(a[i], b[j], -c[1], c[0] == 0))
    return out


def _leftovers(m: Matching, a: Sequence[Span], b: Sequence[Span], ta: set[int],
               tb: set[int]) -> Matching:
    m.only_a = [s for i, s in enumerate(a) if i not in ta]
    m.only_b = [t for j, t in enumerate(b) if j not in tb]
    return m


def _match_overlap(a: Sequence[Span], b: Sequence[Span], same_label: bool) -> Matching:
    ta: set[int] = set()
    tb: set[int] = set()
    matches = _exact_pairs(a, b, same_label, ta, tb)
    matches += _greedy(a, b, _candidates(a, b, ta, tb), ta, tb, same_label)
    return _leftovers(Matching(matches), a, b, ta, tb)


def match_layers(a: Sequence[Span], b: Sequence[Span],
                 prepared: tuple[SpanKeys, SpanKeys] | None = None
                 ) -> tuple[Matching, Matching]:
    """Both matchings the disagreement types need, from one pass over overlapping pairs:
    ``same`` = ``match_spans(a, b, "overlap")`` and ``blind`` = ``match_spans(same.only_a,
    same.only_b, "overlap", same_label=False)``. ``prepared``: :func:`span_keys` of ``a``
    and ``b``, when the caller pairs each layer several times."""
    ta: set[int] = set()
    tb: set[int] = set()
    exact = _exact_pairs(a, b, True, ta, tb, prepared)
    cands = _candidates(a, b, ta, tb, (prepared[0].layout, prepared[1].layout)
                        if prepared is not None else None)
    same = _leftovers(Matching(exact + _greedy(a, b, cands, ta, tb, True)), a, b, ta, tb)
    blind = _leftovers(Matching(_greedy(a, b, cands, ta, tb, False)), a, b, ta, tb)
    return same, blind


# --------------------------------------------------------------------- P / R / F1
@dataclass
class PRF:
    """Counts behind precision, recall and F1 (reference a, compared b)."""

    matched: int = 0
    reference: int = 0  # |A|
    compared: int = 0  # |B|

    def add(self, other: PRF) -> None:
        self.matched += other.matched
        self.reference += other.reference
        self.compared += other.compared

    @property
    def precision(self) -> float:
        return self.matched / self.compared if self.compared else math.nan

    @property
    def recall(self) -> float:
        return self.matched / self.reference if self.reference else math.nan

    @property
    def f1(self) -> float:
        total = self.reference + self.compared
        return 2 * self.matched / total if total else math.nan

    def as_dict(self) -> dict[str, float | int | None]:
        return {"precision": _num(self.precision), "recall": _num(self.recall),
                "f1": _num(self.f1), "matched": self.matched,
                "reference_spans": self.reference, "compared_spans": self.compared}


def _num(x: float) -> float | None:
    return None if math.isnan(x) else x


def prf_by_label(a: Sequence[Span], b: Sequence[Span], mode: Mode,
                 labels: Sequence[str]) -> dict[str, PRF]:
    """P/R/F1 counts per label for one document (b against reference a)."""
    m = match_spans(a, b, mode)
    out = {label: PRF() for label in labels}
    for s in a:
        if s.label in out:
            out[s.label].reference += 1
    for t in b:
        if t.label in out:
            out[t.label].compared += 1
    for x in m.matches:
        if x.a.label in out:
            out[x.a.label].matched += 1
    return out


def span_prf(docs: Sequence[tuple[Sequence[Span], Sequence[Span]]], mode: Mode,
             labels: Sequence[str],
             matcher: Callable[..., dict[str, PRF]] = prf_by_label) -> dict[str, PRF]:
    """Micro-averaged P/R/F1 counts per label (and ``"*"`` for all labels) over documents
    given as (reference spans, compared spans) pairs."""
    total = {label: PRF() for label in labels}
    for a, b in docs:
        for label, c in matcher(a, b, mode, labels).items():
            total[label].add(c)
    overall = PRF()
    for c in total.values():
        overall.add(c)
    total["*"] = overall
    return total
