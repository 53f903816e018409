"""Domain objects: documents, spans, frames, statuses. Stdlib only, no I/O.

Offsets are Unicode code points into ``Document.text``, half-open ``[start, end)``.
A span's ``fragments`` list holds one ``(start, end)`` pair for a contiguous span and
several for a discontinuous one; ``start``/``end`` are the hull of the fragments.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

GOLD = "gold"

STATUS_TODO = "todo"
STATUS_IN_PROGRESS = "in progress"
STATUS_DONE = "done"
STATUSES = (STATUS_TODO, STATUS_IN_PROGRESS, STATUS_DONE)

STANCES = ("FAVOR", "AGAINST", "NEUTRAL", "NONE")

ORIGINS = ("manual", "suggested", "imported", "adjudicated")

ROLE_CUE = "cue"
ROLE_SOURCE = "source"
ROLE_CONTENT = "content"

Offsets = tuple[int, int]


def now_iso() -> str:
    # datetime and hashlib are imported where used, not at the top: opening the app needs
    # neither (app start-up time, benchmarks/bench_ui_start.py)
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_id() -> str:
    import uuid  # here, not at the top: uuid imports platform (app start-up time)

    return uuid.uuid4().hex


def sha256_text(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    title: str = ""
    author: str = ""
    published: str = ""  # ISO date (YYYY-MM-DD) or ""
    source: str = ""
    paragraphs: tuple[Offsets, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    text_sha256: str = ""

    def __post_init__(self) -> None:
        if not self.text_sha256:
            object.__setattr__(self, "text_sha256", sha256_text(self.text))
        if not self.paragraphs and self.text:
            object.__setattr__(self, "paragraphs", ((0, len(self.text)),))


def normalise_fragments(fragments: list[Offsets] | tuple[Offsets, ...]) -> tuple[Offsets, ...]:
    """Sort fragments and merge overlapping or touching ones."""
    frs = sorted((int(s), int(e)) for s, e in fragments)
    merged: list[list[int]] = []
    for s, e in frs:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return tuple((s, e) for s, e in merged)


def fragment_text(text: str, fragments: tuple[Offsets, ...] | list[Offsets]) -> str:
    """The covered text: fragments joined by a single space (brat's convention)."""
    return " ".join(text[s:e] for s, e in fragments)


@dataclass(frozen=True)
class Span:
    id: str
    document_id: str
    annotator: str
    label: str
    fragments: tuple[Offsets, ...]
    text: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    origin: str = "manual"
    created_at: str = ""
    updated_at: str = ""

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]

    @property
    def length(self) -> int:
        return sum(e - s for s, e in self.fragments)

    def with_changes(self, **changes: Any) -> Span:
        return replace(self, **changes)


@dataclass(frozen=True)
class Frame:
    """An attribution: a cue, its sources and contents, and attributes such as stance."""

    id: str
    document_id: str
    annotator: str
    type: str = "ATTRIBUTION"
    cue: str | None = None
    sources: tuple[str, ...] = ()
    contents: tuple[str, ...] = ()
    parent_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""

    def span_ids(self) -> tuple[str, ...]:
        return ((self.cue,) if self.cue else ()) + self.sources + self.contents

    def roles(self) -> list[tuple[str, str, int]]:
        """(role, span_id, position) triples, the order the store keeps."""
        out: list[tuple[str, str, int]] = []
        if self.cue:
            out.append((ROLE_CUE, self.cue, 0))
        out += [(ROLE_SOURCE, sid, i) for i, sid in enumerate(self.sources)]
        out += [(ROLE_CONTENT, sid, i) for i, sid in enumerate(self.contents)]
        return out

    def with_changes(self, **changes: Any) -> Frame:
        return replace(self, **changes)


@dataclass(frozen=True)
class Target:
    name: str
    aliases: tuple[str, ...] = ()


def validate_fragments(fragments: tuple[Offsets, ...], text_length: int) -> None:
    """Raise ValueError unless every fragment is non-empty and inside the text."""
    if not fragments:
        raise ValueError("a span needs at least one fragment")
    for s, e in fragments:
        if not (0 <= s < e <= text_length):
            raise ValueError(f"offsets [{s}, {e}) are outside the text (0..{text_length}) or empty")


@dataclass
class AnnotatedDocument:
    """One annotator's layer on one document: what exports, imports and merges carry."""

    document: Document
    annotator: str
    status: str = STATUS_TODO
    spans: list[Span] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
