"""Adjudication: turn a decision on one unit of aligned items into gold items + provenance.

Pure functions over domain objects (no SQL, no Qt). :func:`decide` takes a
:class:`~annotator.agreement.units.Unit`, a :class:`Decision` and the document's current
gold state, and returns a :class:`~annotator.domain.provenance.GoldChange` that
``Project.apply_gold`` writes in one transaction (and ``Project.undo_gold`` removes).

Decisions (``Decision.kind``):

- ``accept`` — take annotator ``k``'s item as it is (a frame: its attributes, and gold
  spans for its roles, see below).
- ``union`` / ``intersection`` — spans: the code points covered by any / every item
  (of ``among``, default all items in the unit); the label is the items' common label, or
  ``Decision.label`` when they differ. Attributes: those every item agrees on.
  Frames: role by role, the role spans of all frames are grouped by overlap; union keeps
  every group with the union of its fragments, intersection keeps the groups every frame
  takes part in, with the common code points (the cue becomes one span; a source/content
  group one span each). An empty intersection (of a span, a cue or all contents) is
  refused. Frame attributes: those every frame agrees on (others, e.g. a disputed stance,
  are left unset).
- ``edit`` — spans: ``Decision.label`` + ``Decision.fragments`` (+ ``attributes``),
  starting from annotator ``k``'s item when given. Frames: annotator ``k``'s frame with
  ``Decision.attributes`` laid over its attributes (a ``None`` value removes one).
- ``reject`` — nothing goes to gold; the decision is recorded so the items count as decided.

Gold spans for a gold frame's roles: the gold span already decided from that annotator
span (through provenance) is reused, else a gold span with the same label and fragments,
else a copy is made (with its own provenance: the span's unit, that span used). A role
span whose unit was already decided without a gold span (rejected) is not copied: the
frame decision is refused, naming that unit, so a rejection is never silently undone.
A decision whose result is already in gold as an item no decision made (a gold layer
imported from another tool: same label, fragments and attributes; for a frame the same
type, role spans, parent and attributes) records its provenance on that item instead of
adding a duplicate; undo then removes only the record. Every new gold
item has origin ``adjudicated``. A unit whose items some earlier decision considered is
*decided*; deciding it again is refused (undo the earlier decision first).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain.errors import ConflictError
from ..domain.model import (
    GOLD,
    ROLE_CONTENT,
    ROLE_CUE,
    ROLE_SOURCE,
    Frame,
    Offsets,
    Span,
    fragment_text,
    new_id,
    normalise_fragments,
    now_iso,
    validate_fragments,
)
from ..domain.provenance import DECISIONS, GoldChange, Provenance, SourceRef
from .units import KIND_FRAME, KIND_SPAN, DocumentUnits, Unit

ACCEPT, UNION, INTERSECTION, EDIT, REJECT = DECISIONS
ORIGIN = "adjudicated"


@dataclass(frozen=True)
class Decision:
    kind: str  # accept | union | intersection | edit | reject
    annotator: str | None = None  # accept: whose item; edit: the item to start from
    label: str | None = None  # union/intersection with differing labels; edit
    fragments: tuple[Offsets, ...] | None = None  # edit (spans)
    attributes: dict[str, Any] | None = None  # edit
    among: tuple[str, ...] | None = None  # union/intersection: whose items (default all)
    rationale: str = ""

    def __post_init__(self) -> None:
        if self.kind not in DECISIONS:
            raise ValueError(f"unknown decision {self.kind!r}; expected one of {DECISIONS}")


@dataclass
class GoldState:
    """The gold layer of one document as decisions need it."""

    spans: list[Span] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)

    def __post_init__(self) -> None:
        gold = {s.id: s for s in self.spans}
        gold_frames = {f.id for f in self.frames}
        self.considered: set[str] = set()
        # annotator span id -> the gold span its unit was decided into (used ones first)
        self.span_from: dict[str, Span] = {}
        self.frame_from: dict[str, str] = {}  # annotator frame id -> gold frame id
        for p in self.provenance:
            if p.decision != REJECT and p.item_id not in gold and p.item_id not in gold_frames:
                continue  # the gold item was deleted since: the decision no longer stands
            self.considered.update(p.considered_ids)
            for ref in sorted(p.sources, key=lambda r: not r.used):  # used ones first
                if p.item_id in gold:
                    self.span_from.setdefault(ref.id, gold[p.item_id])
                if ref.used and p.item_id in gold_frames:
                    self.frame_from.setdefault(ref.id, p.item_id)

    def is_decided(self, unit: Unit) -> bool:
        return any(i in self.considered for i in unit.item_ids)

    def decision_for(self, unit: Unit) -> list[Provenance]:
        ids = set(unit.item_ids)
        return [p for p in self.provenance if ids & set(p.considered_ids)]


def decide(units: DocumentUnits, unit: Unit, decision: Decision, gold: GoldState,
           decided_by: str, *, now: str | None = None,
           make_id: Callable[[], str] = new_id) -> GoldChange:
    """The gold items and provenance for ``decision`` on ``unit`` (nothing is written)."""
    if gold.is_decided(unit):
        raise ConflictError(f"unit {unit.key} is already decided; undo that decision first")
    ctx = _Ctx(units, unit, decision, gold, decided_by, now or now_iso(), make_id)
    if decision.kind == REJECT:
        ctx.record(make_id(), unit.kind, used=())
        return ctx.change()
    if unit.kind == KIND_SPAN:
        _decide_span(ctx)
    else:
        _decide_frame(ctx)
    return ctx.change()


class _Ctx:
    def __init__(self, units: DocumentUnits, unit: Unit, decision: Decision, gold: GoldState,
                 decided_by: str, now: str, make_id: Callable[[], str]) -> None:
        if not decided_by.strip():
            raise ValueError("a decision needs the name of who decided")
        self.units, self.unit, self.d, self.gold = units, unit, decision, gold
        self.by, self.now, self.make_id = decided_by, now, make_id
        self.text = units.document.text
        self.spans: list[Span] = []
        self.frames: list[Frame] = []
        self.records: list[Provenance] = []
        self.reused: list[str] = []

    def refs(self, items: Iterable[Span | Frame], kind: str,
             used: Iterable[str]) -> tuple[SourceRef, ...]:
        used = set(used)
        return tuple(SourceRef(i.id, i.annotator, kind, i.document_id, i.id in used)
                     for i in items)

    def record(self, item_id: str, kind: str, used: Iterable[str],
               items: Iterable[Span | Frame] | None = None) -> None:
        items = [i for _, i in self.unit.items] if items is None else list(items)
        self.records.append(Provenance(item_id, kind, self.refs(items, kind, used), self.by,
                                       self.now, self.d.kind, self.d.rationale))

    def keep(self, item: Span | Frame, kind: str, used: Iterable[str]) -> None:
        """The decision's result goes to gold with its record; when gold already holds it
        as an item no decision made, the record goes on that item instead."""
        twin = _undecided_twin(self, self.gold.spans if kind == KIND_SPAN else self.gold.frames,
                               item)
        if twin is not None:
            self.reused.append(twin.id)
            self.record(twin.id, kind, used)
            return
        if isinstance(item, Span):
            self.spans.append(item)
        else:
            self.frames.append(item)
        self.record(item.id, kind, used)

    def gold_span(self, label: str, fragments: Sequence[Offsets], attributes: dict[str, Any],
                  note: str = "") -> Span:
        frs = normalise_fragments(list(fragments))
        validate_fragments(frs, len(self.text))
        return Span(id=self.make_id(), document_id=self.units.document.id, annotator=GOLD,
                    label=label, fragments=frs, text=fragment_text(self.text, frs),
                    attributes=dict(attributes), note=note, origin=ORIGIN,
                    created_at=self.now, updated_at=self.now)

    def chosen(self) -> list[Span | Frame]:
        """The items a union/intersection/edit is made from."""
        among = self.d.among
        items = [i for a, i in self.unit.items if among is None or a in among]
        if not items:
            raise ValueError("none of the chosen annotators has an item in this unit")
        return items

    def base(self, required: bool) -> Span | Frame | None:
        if self.d.annotator is None:
            if required:
                raise ValueError(f"{self.d.kind} needs the annotator whose item to take")
            return None
        item = self.unit.item(self.d.annotator)
        if item is None:
            raise ValueError(f"{self.d.annotator} has no item in this unit")
        return item

    def change(self) -> GoldChange:
        return GoldChange(self.units.document.id, self.d.kind, tuple(self.spans),
                          tuple(self.frames), tuple(self.records), tuple(self.reused))


# ------------------------------------------------------------------ spans
def _decide_span(ctx: _Ctx) -> None:
    d = ctx.d
    if d.kind == ACCEPT:
        item = ctx.base(required=True)
        assert isinstance(item, Span)
        span = ctx.gold_span(item.label, item.fragments, item.attributes, item.note)
        used: list[str] = [item.id]
    elif d.kind in (UNION, INTERSECTION):
        items = [i for i in ctx.chosen() if isinstance(i, Span)]
        label = _one_label(items, d.label)
        frs = (_union(i.fragments for i in items) if d.kind == UNION
               else _intersection(i.fragments for i in items))
        if not frs:
            raise ValueError("the items have no code point in common; intersection is empty")
        span = ctx.gold_span(label, frs, _agreed([i.attributes for i in items]))
        used = [i.id for i in items]
    else:  # EDIT
        item = ctx.base(required=False)
        if d.fragments is None and item is None:
            raise ValueError("edit needs fragments (or an annotator's item to start from)")
        label = d.label or (item.label if isinstance(item, Span) else None)
        if not label:
            raise ValueError("edit needs a label")
        frs = d.fragments if d.fragments is not None else item.fragments  # type: ignore[union-attr]
        attrs = d.attributes if d.attributes is not None else (
            item.attributes if isinstance(item, Span) else {})
        span = ctx.gold_span(label, frs, attrs)
        used = [item.id] if item is not None else []
    ctx.keep(span, KIND_SPAN, used)


def _undecided_twin(ctx: _Ctx, items: Sequence[Span] | Sequence[Frame],
                    new: Span | Frame) -> Span | Frame | None:
    """An item already in gold that equals ``new`` (all but id and times) and that no
    decision made: what a gold layer imported from another tool holds."""
    decided = {p.item_id for p in ctx.gold.provenance}
    for item in items:
        if item.id not in decided and _same_content(item, new):
            return item
    return None


def _same_content(a: Span | Frame, b: Span | Frame) -> bool:
    if isinstance(a, Span) and isinstance(b, Span):
        return (a.label, a.fragments, a.note) == (b.label, b.fragments, b.note) and _same(
            a.attributes, b.attributes)
    if isinstance(a, Frame) and isinstance(b, Frame):
        return ((a.type, a.cue, a.sources, a.contents, a.parent_id)
                == (b.type, b.cue, b.sources, b.contents, b.parent_id)
                and _same(a.attributes, b.attributes))
    return False


def _one_label(items: Sequence[Span], chosen: str | None) -> str:
    labels = {s.label for s in items}
    if chosen:
        return chosen
    if len(labels) == 1:
        return labels.pop()
    raise ValueError(f"the items have different labels ({', '.join(sorted(labels))}); "
                     "say which label the gold span takes")


def _union(fragment_lists: Iterable[Sequence[Offsets]]) -> tuple[Offsets, ...]:
    return normalise_fragments([f for frs in fragment_lists for f in frs])


def _intersection(fragment_lists: Iterable[Sequence[Offsets]]) -> tuple[Offsets, ...]:
    lists = [normalise_fragments(list(f)) for f in fragment_lists]
    if not lists:
        return ()
    acc = list(lists[0])
    for other in lists[1:]:
        out: list[Offsets] = []
        i = j = 0
        while i < len(acc) and j < len(other):
            lo, hi = max(acc[i][0], other[j][0]), min(acc[i][1], other[j][1])
            if hi > lo:
                out.append((lo, hi))
            if acc[i][1] <= other[j][1]:
                i += 1
            else:
                j += 1
        acc = out
    return tuple(acc)


def _agreed(attribute_dicts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Attributes every dict holds with the same value."""
    if not attribute_dicts:
        return {}
    first = attribute_dicts[0]
    return {k: v for k, v in first.items()
            if all(k in o and _same(o[k], v) for o in attribute_dicts[1:])}


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


# ------------------------------------------------------------------ frames
def _decide_frame(ctx: _Ctx) -> None:
    d = ctx.d
    if d.kind in (ACCEPT, EDIT):
        base = ctx.base(required=True)
        assert isinstance(base, Frame)
        roles = {r: [ctx.units.spans[sid] for sid in _role_ids(base, r)
                     if sid in ctx.units.spans] for r in (ROLE_CUE, ROLE_SOURCE, ROLE_CONTENT)}
        gold_roles = {r: [_role_span_from(ctx, s) for s in spans] for r, spans in roles.items()}
        attrs = dict(base.attributes)
        if d.kind == EDIT and d.attributes:
            for k, v in d.attributes.items():
                if v is None:
                    attrs.pop(k, None)
                else:
                    attrs[k] = v
        ftype, used = base.type, [base.id]
        parent = ctx.gold.frame_from.get(base.parent_id or "")
    else:
        frames = [f for f in ctx.chosen() if isinstance(f, Frame)]
        gold_roles = {r: _combine_role(ctx, frames, r) for r in (ROLE_CUE, ROLE_SOURCE,
                                                                 ROLE_CONTENT)}
        if not gold_roles[ROLE_CUE] or not gold_roles[ROLE_CONTENT]:
            missing = "cue" if not gold_roles[ROLE_CUE] else "content"
            raise ValueError(f"the frames' {missing}s have no code point in common; "
                             "intersection is empty")
        attrs = _agreed([f.attributes for f in frames])
        types = Counter(f.type for f in frames)
        ftype, used, parent = types.most_common(1)[0][0], [f.id for f in frames], None
    cue = gold_roles[ROLE_CUE]
    frame = Frame(id=ctx.make_id(), document_id=ctx.units.document.id, annotator=GOLD,
                  type=ftype, cue=cue[0].id if cue else None,
                  sources=tuple(s.id for s in gold_roles[ROLE_SOURCE]),
                  contents=tuple(s.id for s in gold_roles[ROLE_CONTENT]),
                  parent_id=parent, attributes=attrs, created_at=ctx.now, updated_at=ctx.now)
    ctx.keep(frame, KIND_FRAME, used)


def _role_ids(frame: Frame, role: str) -> tuple[str, ...]:
    if role == ROLE_CUE:
        return (frame.cue,) if frame.cue else ()
    return frame.sources if role == ROLE_SOURCE else frame.contents


def _existing(ctx: _Ctx, label: str, fragments: tuple[Offsets, ...]) -> Span | None:
    for s in (*ctx.gold.spans, *ctx.spans):
        if s.label == label and s.fragments == fragments:
            return s
    return None


def _role_span_from(ctx: _Ctx, span: Span) -> Span:
    """The gold span for an annotator's role span: reused, or copied with provenance."""
    found = ctx.gold.span_from.get(span.id) or _existing(ctx, span.label, span.fragments)
    if found is not None:
        if found.id not in ctx.reused and found not in ctx.spans:
            ctx.reused.append(found.id)
        return found
    _refuse_decided(ctx, [span])
    gold = ctx.gold_span(span.label, span.fragments, span.attributes, span.note)
    ctx.spans.append(gold)
    unit = ctx.units.unit_of.get(span.id)
    items = [i for _, i in unit.items] if unit is not None else [span]
    ctx.record(gold.id, KIND_SPAN, [span.id], items)
    return gold


def _refuse_decided(ctx: _Ctx, spans: Sequence[Span]) -> None:
    """A role span may not enter gold behind a standing decision that kept it out."""
    for s in spans:
        unit = ctx.units.unit_of.get(s.id)
        if unit is not None and ctx.gold.is_decided(unit):
            raise ConflictError(
                f"the {s.label} “{s.text[:40]}” was rejected (unit {unit.key}); undo that "
                "decision first, or edit the frame without it")


def _combine_role(ctx: _Ctx, frames: Sequence[Frame], role: str) -> list[Span]:
    """Union or intersection of one role across frames (see the module docstring)."""
    spans = [(f.id, ctx.units.spans[sid]) for f in frames for sid in _role_ids(f, role)
             if sid in ctx.units.spans]
    if not spans:
        return []
    if role == ROLE_CUE:
        clusters = [spans]
    else:
        clusters = _overlap_clusters(spans)
    out: list[Span] = []
    for cluster in clusters:
        if ctx.d.kind == UNION:
            frs = _union(s.fragments for _, s in cluster)
        else:
            if {fid for fid, _ in cluster} != {f.id for f in frames}:
                continue
            per_frame: dict[str, list[Offsets]] = {}
            for fid, s in cluster:
                per_frame.setdefault(fid, []).extend(s.fragments)
            frs = _intersection(per_frame.values())
        if not frs:
            continue
        members = [s for _, s in cluster]
        label = Counter(s.label for s in members).most_common(1)[0][0]
        found = _existing(ctx, label, frs)
        if found is not None:
            if found.id not in ctx.reused and found not in ctx.spans:
                ctx.reused.append(found.id)
            out.append(found)
            continue
        _refuse_decided(ctx, members)
        gold = ctx.gold_span(label, frs, _agreed([s.attributes for s in members]))
        ctx.spans.append(gold)
        ctx.record(gold.id, KIND_SPAN, [s.id for s in members], members)
        out.append(gold)
    return out


def _overlap_clusters(spans: list[tuple[str, Span]]) -> list[list[tuple[str, Span]]]:
    """Group spans whose hulls overlap (transitively), in text order."""
    ordered = sorted(spans, key=lambda x: (x[1].start, x[1].end, x[1].id))
    clusters: list[list[tuple[str, Span]]] = []
    end = -1
    for fid, s in ordered:
        if clusters and s.start < end:
            clusters[-1].append((fid, s))
            end = max(end, s.end)
        else:
            clusters.append([(fid, s)])
            end = s.end
    return clusters
