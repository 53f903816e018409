"""Mapping between domain objects and table rows (JSON columns, hull offsets). No SQL here."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..domain.model import Document, Frame, Span

# json.dumps with these options builds a new JSONEncoder on every call; one is enough
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def dumps(value: Any) -> str:
    """Canonical JSON text: keys sorted, compact, non-ASCII kept."""
    if type(value) is dict and not value:  # the common empty attributes, cheaply
        return "{}"
    return _ENCODE(value)


def document_row(doc: Document, position: int, imported_at: str) -> dict[str, Any]:
    return {
        "id": doc.id, "title": doc.title, "author": doc.author, "published": doc.published,
        "source": doc.source, "text": doc.text, "text_sha256": doc.text_sha256,
        "paragraphs": dumps([list(p) for p in doc.paragraphs]), "meta": dumps(doc.meta),
        "position": position, "imported_at": imported_at,
    }


def row_document(row: dict[str, Any]) -> Document:
    return Document(
        id=row["id"], text=row["text"], title=row["title"], author=row["author"],
        published=row["published"], source=row["source"],
        paragraphs=tuple((s, e) for s, e in json.loads(row["paragraphs"])),
        meta=json.loads(row["meta"]), text_sha256=row["text_sha256"],
    )


def span_row(span: Span) -> dict[str, Any]:
    return {
        "id": span.id, "document_id": span.document_id, "annotator": span.annotator,
        "label": span.label, "start": span.start, "end": span.end,
        # same text as dumps() of the pairs, without its cost (hot in bulk imports)
        "fragments": "[" + ",".join(f"[{int(a)},{int(b)}]" for a, b in span.fragments) + "]",
        "text": span.text, "attributes": dumps(span.attributes) if span.attributes else "{}",
        "note": span.note, "origin": span.origin,
        "created_at": span.created_at, "updated_at": span.updated_at,
    }


def span_tuple(span: Span) -> tuple[Any, ...]:
    """:func:`span_row`'s values in ``SPAN_COLUMNS`` order (cheaper to bind in bulk)."""
    frs = span.fragments
    return (span.id, span.document_id, span.annotator, span.label, span.start, span.end,
            f"[[{int(frs[0][0])},{int(frs[0][1])}]]" if len(frs) == 1
            else "[" + ",".join(f"[{int(a)},{int(b)}]" for a, b in frs) + "]",
            span.text, dumps(span.attributes) if span.attributes else "{}", span.note,
            span.origin, span.created_at, span.updated_at)


SPAN_COLUMNS = ('id, document_id, annotator, label, start, "end", fragments, text, '
                "attributes, note, origin, created_at, updated_at")


def row_span(row: Any) -> Span:
    return Span(
        id=row["id"], document_id=row["document_id"], annotator=row["annotator"],
        label=row["label"], fragments=tuple((s, e) for s, e in json.loads(row["fragments"])),
        text=row["text"], attributes=json.loads(row["attributes"]), note=row["note"],
        origin=row["origin"], created_at=row["created_at"], updated_at=row["updated_at"],
    )


def frame_row(frame: Frame) -> dict[str, Any]:
    return {
        "id": frame.id, "document_id": frame.document_id, "annotator": frame.annotator,
        "type": frame.type, "parent_id": frame.parent_id, "attributes": dumps(frame.attributes),
        "created_at": frame.created_at, "updated_at": frame.updated_at,
    }


def frame_tuple(frame: Frame) -> tuple[Any, ...]:
    """:func:`frame_row`'s values in ``FRAME_COLUMNS`` order."""
    return (frame.id, frame.document_id, frame.annotator, frame.type, frame.parent_id,
            dumps(frame.attributes) if frame.attributes else "{}", frame.created_at,
            frame.updated_at)


FRAME_COLUMNS = "id, document_id, annotator, type, parent_id, attributes, created_at, updated_at"


def row_frame(row: Any, roles: list[tuple[str, str, int]]) -> Frame:
    """``roles``: (role, span_id, position) triples of this frame."""
    ordered = sorted(roles, key=lambda r: (r[0], r[2]))
    cue = next((sid for role, sid, _ in ordered if role == "cue"), None)
    return Frame(
        id=row["id"], document_id=row["document_id"], annotator=row["annotator"],
        type=row["type"], cue=cue,
        sources=tuple(sid for role, sid, _ in ordered if role == "source"),
        contents=tuple(sid for role, sid, _ in ordered if role == "content"),
        parent_id=row["parent_id"], attributes=json.loads(row["attributes"]),
        created_at=row["created_at"], updated_at=row["updated_at"],
    )


INSERT_SPAN = (
    'INSERT INTO spans(id, document_id, annotator, label, start, "end", fragments, text, '
    "attributes, note, origin, created_at, updated_at) VALUES (:id, :document_id, "
    ":annotator, :label, :start, :end, :fragments, :text, :attributes, :note, :origin, "
    ":created_at, :updated_at)")


INSERT_SPAN_ROW = f"INSERT INTO spans({SPAN_COLUMNS}) VALUES ({', '.join('?' * 13)})"
INSERT_FRAME_ROW = f"INSERT INTO frames({FRAME_COLUMNS}) VALUES ({', '.join('?' * 8)})"


def key_spans(spans: Iterable[Span]) -> list[tuple[Any, ...]]:
    """What makes two layers' spans the same (ids included), in a comparable order."""
    return sorted((s.id, s.label, s.fragments, s.text, dumps(s.attributes), s.note,
                   s.origin) for s in spans)


def key_frames(frames: Iterable[Frame]) -> list[tuple[Any, ...]]:
    return sorted((f.id, f.type, f.cue or "", f.sources, f.contents, f.parent_id or "",
                   dumps(f.attributes)) for f in frames)


def parents_first(frames: list[Frame]) -> list[Frame]:
    """Frames ordered so that each parent comes before its children (cycles cut)."""
    by_id = {f.id: f for f in frames}
    out: list[Frame] = []
    seen: set[str] = set()

    def visit(f: Frame, depth: int = 0) -> None:
        if f.id in seen or depth > len(frames):
            return
        if f.parent_id in by_id:
            visit(by_id[f.parent_id], depth + 1)
        seen.add(f.id)
        out.append(f)

    for f in frames:
        visit(f)
    return out
