"""Bulk readers: every (document, annotator) layer of a project in a few queries.

What agreement, review and merge read: ``all_layers(project)`` returns one
:class:`AnnotatedDocument` per (document, annotator) that has spans, frames or a status
row, documents in project order and annotators sorted by name. Optional filters restrict
the annotators and documents (in SQL). Rows become domain objects here directly (plain
tuples, no per-row dict), which is most of the cost for large projects.

And a bulk writer's settings: :func:`foreign_keys_unchecked`, :func:`indexes_built_after`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..domain.model import STATUS_TODO, AnnotatedDocument, Document, Frame, Span
from . import rows

if TYPE_CHECKING:
    from .project import Project

_EMPTY = "{}"


def _obj(raw: str) -> dict[str, Any]:
    return {} if raw == _EMPTY else json.loads(raw)


def _where(annotators: list[str] | None, documents: list[str] | None,
           alias: str = "") -> tuple[str, list[str]]:
    clauses, params = [], []
    if annotators is not None:
        clauses.append(f"{alias}annotator IN ({','.join('?' * len(annotators))})")
        params += annotators
    if documents is not None:
        clauses.append(f"{alias}document_id IN ({','.join('?' * len(documents))})")
        params += documents
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def all_layers(project: Project, annotators: Iterable[str] | None = None,
               documents: Iterable[str] | None = None,
               ) -> tuple[list[Document], list[AnnotatedDocument]]:
    """(documents, layers); see the module docstring."""
    anns = sorted(set(annotators)) if annotators is not None else None
    wanted = set(documents) if documents is not None else None
    docs = [rows.row_document(dict(r)) for r in project._q(
        "SELECT * FROM documents ORDER BY position")]
    if wanted is not None:
        docs = [d for d in docs if d.id in wanted]
    doc_ids = [d.id for d in docs] if wanted is not None else None
    if anns == [] or doc_ids == []:
        return docs, []
    cur = project.db.conn.cursor()
    where, params = _where(anns, doc_ids)

    spans: dict[tuple[str, str], list[Span]] = {}
    for (sid, doc_id, ann, label, frs, text, attrs, note, origin, created,
         updated) in cur.execute(
            "SELECT id, document_id, annotator, label, fragments, text, attributes, note, "
            f'origin, created_at, updated_at FROM spans{where} ORDER BY document_id, '
            'annotator, start, "end", id', params):
        spans.setdefault((doc_id, ann), []).append(Span(
            id=sid, document_id=doc_id, annotator=ann, label=label,
            fragments=tuple((s, e) for s, e in json.loads(frs)), text=text,
            attributes=_obj(attrs), note=note, origin=origin, created_at=created,
            updated_at=updated))

    fwhere, fparams = _where(anns, doc_ids, "f.")
    roles: dict[str, list[tuple[str, str, int]]] = {}
    for frame_id, role, span_id, position in cur.execute(
            "SELECT r.frame_id, r.role, r.span_id, r.position FROM frame_roles r "
            f"JOIN frames f ON f.id = r.frame_id{fwhere}", fparams):
        roles.setdefault(frame_id, []).append((role, span_id, position))
    frames: dict[tuple[str, str], list[Frame]] = {}
    for fid, doc_id, ann, ftype, parent, attrs, created, updated in cur.execute(
            "SELECT id, document_id, annotator, type, parent_id, attributes, created_at, "
            f"updated_at FROM frames{where} ORDER BY created_at, id", params):
        ordered = sorted(roles.get(fid, ()), key=lambda r: (r[0], r[2]))
        frames.setdefault((doc_id, ann), []).append(Frame(
            id=fid, document_id=doc_id, annotator=ann, type=ftype,
            cue=next((s for role, s, _ in ordered if role == "cue"), None),
            sources=tuple(s for role, s, _ in ordered if role == "source"),
            contents=tuple(s for role, s, _ in ordered if role == "content"),
            parent_id=parent, attributes=_obj(attrs), created_at=created,
            updated_at=updated))

    status = {(d, a): st for d, a, st in cur.execute(
        f"SELECT document_id, annotator, status FROM document_status{where}", params)}
    by_doc: dict[str, set[str]] = {}
    for doc_id, ann in set(spans) | set(frames) | set(status):
        by_doc.setdefault(doc_id, set()).add(ann)
    layers = []
    for d in docs:
        for ann in sorted(by_doc.get(d.id, ())):
            layers.append(AnnotatedDocument(d, ann, status.get((d.id, ann), STATUS_TODO),
                                            spans.get((d.id, ann), []),
                                            frames.get((d.id, ann), [])))
    return docs, layers


@contextmanager
def foreign_keys_unchecked(project: Project, active: bool = True) -> Iterator[bool]:
    """Foreign keys off on the project's connection while the block runs, on again after:
    for a bulk writer into an empty project that has checked every reference itself (a
    check per row costs a B-tree look-up per reference). SQLite ignores the switch inside
    a transaction, so it must be made before one: yields False (nothing switched) when
    ``active`` is False or a transaction is open."""
    conn = project.db.conn
    if not active or conn.in_transaction:
        yield False
        return
    was = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield True
    finally:
        conn.execute(f"PRAGMA foreign_keys = {int(was)}")


# Secondary indexes whose keys a bulk import in export order (documents in turn, a layer's
# spans by start, end, id, its frames by creation) appends at their end: kept up to date
# row by row, that costs less than sorting them all once at the end. The others (keyed by
# span or frame id, random) are built at the end.
APPENDED_INDEXES = frozenset({"idx_spans_doc", "idx_frames_doc"})


@contextmanager
def indexes_built_after(project: Project, keep: Iterable[str] = APPENDED_INDEXES,
                        tables: tuple[str, ...] = ("spans", "frames", "frame_roles"),
                        ) -> Iterator[None]:
    """Inside a write transaction: drop the secondary indexes of ``tables`` but ``keep``
    and create them again on the way out (one sort each instead of a B-tree insert per
    row). An error inside leaves them dropped in a transaction that is then rolled back
    with everything else. Only for writers that do not read those tables by the dropped
    indexes meanwhile."""
    conn = project.db.conn
    if not conn.in_transaction:
        raise RuntimeError("indexes_built_after needs an open write transaction")
    kept = set(keep)
    marks = ",".join("?" * len(tables))
    indexes = [(name, sql) for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name", tables) if name not in kept]
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.execute(sql)
