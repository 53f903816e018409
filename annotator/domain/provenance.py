"""Gold-layer provenance: where each adjudicated item came from, who decided, and why.

Stdlib only. One :class:`Provenance` record per adjudicated gold item (a span or a frame
in the ``gold`` layer), stored one row per record in the ``provenance`` table. Its
``sources`` list names every annotator item the adjudicator considered; ``used`` marks the
ones the gold item was built from (``accept`` uses one, ``union``/``intersection`` several,
``reject`` none).

A ``reject`` decision creates no gold item. It is still recorded, so that the rejected
items count as decided: its ``item_id`` is a fresh decision id that names no span or frame.

:class:`GoldChange` is one adjudication decision as the store applies it, all or nothing:
gold spans and frames to add, and their provenance records. It is also what undo needs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .model import Frame, Span

DECISIONS = ("accept", "union", "intersection", "edit", "reject")
ITEM_KINDS = ("span", "frame")


@dataclass(frozen=True)
class SourceRef:
    """One annotator item an adjudication decision considered."""

    id: str
    annotator: str
    kind: str  # "span" | "frame"
    document_id: str
    used: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "annotator": self.annotator, "kind": self.kind,
                "document_id": self.document_id, "used": self.used}

    @classmethod
    def from_json(cls, obj: Any) -> SourceRef:
        if isinstance(obj, str):  # a bare item id (older or hand-written records)
            return cls(id=obj, annotator="", kind="span", document_id="")
        return cls(id=str(obj["id"]), annotator=str(obj.get("annotator", "")),
                   kind=str(obj.get("kind", "span")),
                   document_id=str(obj.get("document_id", "")),
                   used=bool(obj.get("used", True)))


@dataclass(frozen=True)
class Provenance:
    """The record behind one gold item (or one reject decision)."""

    item_id: str
    item_kind: str  # "span" | "frame"
    sources: tuple[SourceRef, ...]
    decided_by: str
    decided_at: str
    decision: str  # one of DECISIONS
    rationale: str = ""

    def __post_init__(self) -> None:
        if self.item_kind not in ITEM_KINDS:
            raise ValueError(f"unknown item kind {self.item_kind!r}")
        if self.decision not in DECISIONS:
            raise ValueError(f"unknown decision {self.decision!r}; expected one of {DECISIONS}")
        if not self.decided_by.strip():
            raise ValueError("a decision needs the name of who decided")

    @property
    def document_id(self) -> str:
        return next((s.document_id for s in self.sources if s.document_id), "")

    @property
    def used_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sources if s.used)

    @property
    def considered_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sources)

    def sources_json(self) -> str:
        return json.dumps([s.to_json() for s in self.sources], ensure_ascii=False,
                          sort_keys=True, separators=(",", ":"))

    def to_json(self) -> dict[str, Any]:
        """The record as plain JSON (exports carry it beside the gold item)."""
        return {"item_id": self.item_id, "item_kind": self.item_kind,
                "sources": [s.to_json() for s in self.sources], "decided_by": self.decided_by,
                "decided_at": self.decided_at, "decision": self.decision,
                "rationale": self.rationale}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Provenance:
        return cls(item_id=str(obj["item_id"]), item_kind=str(obj["item_kind"]),
                   sources=tuple(SourceRef.from_json(s) for s in obj.get("sources", [])),
                   decided_by=str(obj["decided_by"]), decided_at=str(obj["decided_at"]),
                   decision=str(obj["decision"]), rationale=str(obj.get("rationale", "")))


@dataclass(frozen=True)
class GoldChange:
    """One adjudication decision: what it adds to the gold layer, all or nothing.

    ``spans`` are new gold spans; ``frames`` new gold frames (their role spans are either in
    ``spans`` or gold spans that already existed, listed in ``reused``). ``provenance``
    holds one record per new item, plus one for a reject decision.
    """

    document_id: str
    decision: str
    spans: tuple[Span, ...] = ()
    frames: tuple[Frame, ...] = ()
    provenance: tuple[Provenance, ...] = ()
    reused: tuple[str, ...] = field(default=())

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.spans) + tuple(f.id for f in self.frames)
