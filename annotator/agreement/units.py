"""Adjudication units: the items several annotators made for "the same thing", grouped.

A unit holds at most one item per annotator: spans (any label) or attribution frames, on
one document. Adjudication decides unit by unit. Units are built from the same pairwise
alignments the disagreement records use, joined across annotators:

- **spans**: for every annotator pair (in corpus order), spans are matched 1:1 by
  :func:`annotator.agreement.spans.match_spans` (overlap mode, same label), then the
  leftovers label-blind (overlap, any label); each match joins the two spans' units unless
  that would put two spans of one annotator in a unit (then the match is skipped). Spans
  matched with nobody form a unit of their own.
- **frames**: likewise, with :func:`annotator.agreement.frames.align_frames` (cue overlap,
  then content overlap).

A unit's ``types`` say how its items differ (empty when all agree): ``missed`` (an
annotator who has annotated the document has no item in the unit), ``label`` (span labels
differ), ``boundary`` (span fragments, or a frame role's extent, differ), ``stance`` (frame
stance differs), ``attribute`` (other frame attributes differ). Only annotators that have
annotated the document (the :class:`Corpus` rule) are counted. Pure: no SQL, no Qt.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ..domain.model import Document, Frame, Span
from .corpus import Corpus
from .frames import ROLES, FrameUnits, align_frames, frame_hull, role_extent, stance_of
from .spans import match_spans

KIND_SPAN = "span"
KIND_FRAME = "frame"
UNIT_TYPES = ("missed", "label", "boundary", "stance", "attribute")


@dataclass(frozen=True)
class Unit:
    """Aligned items of several annotators on one document (at most one each)."""

    document_id: str
    kind: str  # span | frame
    items: tuple[tuple[str, Span | Frame], ...]  # (annotator, item), in corpus order
    annotators: tuple[str, ...]  # every annotator that has annotated the document
    start: int
    end: int
    paragraph: int
    types: tuple[str, ...] = ()

    @cached_property
    def key(self) -> str:
        """Stable short id: a hash of the kind and the sorted item ids."""
        raw = self.kind + "|" + "|".join(sorted(i.id for _, i in self.items))
        return hashlib.sha1(raw.encode()).hexdigest()[:10]

    @property
    def agreed(self) -> bool:
        return not self.types

    def item(self, annotator: str) -> Span | Frame | None:
        return next((i for a, i in self.items if a == annotator), None)

    @property
    def by_annotator(self) -> dict[str, Span | Frame]:
        return dict(self.items)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for _, i in self.items)

    @property
    def missing(self) -> tuple[str, ...]:
        have = {a for a, _ in self.items}
        return tuple(a for a in self.annotators if a not in have)


@dataclass
class DocumentUnits:
    """Every unit of one document, and what decisions need to build gold from them."""

    document: Document
    annotators: tuple[str, ...]
    spans: dict[str, Span]  # every annotator span by id (all labels)
    units: list[Unit] = field(default_factory=list)
    unit_of: dict[str, Unit] = field(default_factory=dict)  # item id -> its unit

    def span_units(self) -> list[Unit]:
        return [u for u in self.units if u.kind == KIND_SPAN]

    def frame_units(self) -> list[Unit]:
        return [u for u in self.units if u.kind == KIND_FRAME]

    def find(self, key: str) -> Unit | None:
        return next((u for u in self.units if u.key == key), None)


class _Groups:
    """Union-find over item ids that never puts two items of one annotator together."""

    def __init__(self, items: Sequence[Span | Frame]) -> None:
        self.parent = {i.id: i.id for i in items}
        self.owners = {i.id: {i.annotator} for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.owners[ra] & self.owners[rb]:
            return
        self.parent[rb] = ra
        self.owners[ra] |= self.owners.pop(rb)


def document_units(corpus: Corpus, document_id: str) -> DocumentUnits:
    """Units of one document over the corpus annotators that have annotated it."""
    own = corpus.layers.get(document_id)
    doc = (next(iter(own.values())).document if own  # O(1): no scan of the corpus
           else next(d for d in corpus.documents if d.id == document_id))
    anns = tuple(a for a in corpus.annotators if corpus.has(document_id, a))
    spans = {s.id: s for a in anns for s in corpus.all_spans(document_id, a)}
    out = DocumentUnits(doc, anns, spans)
    starts = [p[0] for p in doc.paragraphs] or [0]

    def para(pos: int) -> int:
        return max(0, bisect_right(starts, pos) - 1)

    # spans
    layer_spans = {a: corpus.all_spans(document_id, a) for a in anns}
    groups = _Groups([s for a in anns for s in layer_spans[a]])
    for i, a in enumerate(anns):
        for b in anns[i + 1:]:
            same = match_spans(layer_spans[a], layer_spans[b], "overlap", same_label=True)
            for m in same.matches:
                groups.join(m.a.id, m.b.id)
            for m in match_spans(same.only_a, same.only_b, "overlap",
                                 same_label=False).matches:
                groups.join(m.a.id, m.b.id)
    members: dict[str, list[Span]] = {}
    for a in anns:
        for s in layer_spans[a]:
            members.setdefault(groups.find(s.id), []).append(s)
    for group in members.values():
        start, end = min(s.start for s in group), max(s.end for s in group)
        items = tuple((s.annotator, s) for s in group)
        out.units.append(Unit(document_id, KIND_SPAN, items, anns, start, end, para(start),
                              _span_types(group, anns)))
    # frames
    layer_frames = {a: corpus.frames(document_id, a) for a in anns}
    fu = FrameUnits()
    for a in anns:
        for f in layer_frames[a]:
            fu.add(f)
    for i, a in enumerate(anns):
        for b in anns[i + 1:]:
            al = align_frames(layer_frames[a], spans, layer_frames[b], spans)
            for m in al.matches:
                fu.join(m.a, m.b)
    for group in fu.groups():
        ordered = tuple((a, group[a]) for a in anns if a in group)
        hulls = [h for _, f in ordered if (h := frame_hull(f, spans))]
        start = min((h[0] for h in hulls), default=0)
        end = max((h[1] for h in hulls), default=0)
        out.units.append(Unit(document_id, KIND_FRAME, ordered, anns, start, end, para(start),
                              _frame_types([f for _, f in ordered], anns, spans)))
    out.units.sort(key=lambda u: (u.start, u.kind != KIND_SPAN, u.end, u.key))
    out.unit_of = {i.id: u for u in out.units for _, i in u.items}
    return out


def _span_types(group: Sequence[Span], anns: Sequence[str]) -> tuple[str, ...]:
    types = []
    if len(group) < len(anns):
        types.append("missed")
    if len({s.label for s in group}) > 1:
        types.append("label")
    if len({s.fragments for s in group}) > 1:
        types.append("boundary")
    return tuple(types)


def _frame_types(group: Sequence[Frame], anns: Sequence[str],
                 spans: Mapping[str, Span]) -> tuple[str, ...]:
    types = []
    if len(group) < len(anns):
        types.append("missed")
    if any(len({role_extent(f, r, spans) for f in group}) > 1 for r in ROLES):
        types.append("boundary")
    if len({stance_of(f) for f in group}) > 1:
        types.append("stance")
    others = {json.dumps({k: v for k, v in f.attributes.items() if k != "stance"},
                         sort_keys=True) for f in group}
    if len(others) > 1:
        types.append("attribute")
    return tuple(types)
