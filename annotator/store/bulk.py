"""Bulk readers: every (document, annotator) layer of a project in a few queries.

What agreement, review and merge read: ``all_layers(project)`` returns one
:class:`AnnotatedDocument` per (document, annotator) that has spans, frames or a status
row, documents in project order and annotators sorted by name. Optional filters restrict
the annotators and documents. Used through ``Project.all_layers``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..domain.model import STATUS_TODO, AnnotatedDocument, Document, Frame, Span
from . import rows

if TYPE_CHECKING:
    from .project import Project


def all_layers(project: Project, annotators: Iterable[str] | None = None,
               documents: Iterable[str] | None = None,
               ) -> tuple[list[Document], list[AnnotatedDocument]]:
    """(documents, layers); see the module docstring."""
    anns = set(annotators) if annotators is not None else None
    wanted = set(documents) if documents is not None else None
    docs = [rows.row_document(dict(r)) for r in project._q(
        "SELECT * FROM documents ORDER BY position")]
    if wanted is not None:
        docs = [d for d in docs if d.id in wanted]
    ids = {d.id for d in docs}

    def keep(doc_id: str, ann: str) -> bool:
        return doc_id in ids and (anns is None or ann in anns)

    spans: dict[tuple[str, str], list[Span]] = {}
    for r in project._q('SELECT * FROM spans ORDER BY document_id, annotator, start, "end", id'):
        if keep(r["document_id"], r["annotator"]):
            spans.setdefault((r["document_id"], r["annotator"]), []).append(rows.row_span(r))
    roles: dict[str, list[tuple[str, str, int]]] = {}
    for r in project._q("SELECT frame_id, role, span_id, position FROM frame_roles"):
        roles.setdefault(r["frame_id"], []).append((r["role"], r["span_id"], r["position"]))
    frames: dict[tuple[str, str], list[Frame]] = {}
    for r in project._q("SELECT * FROM frames ORDER BY created_at, id"):
        if keep(r["document_id"], r["annotator"]):
            frames.setdefault((r["document_id"], r["annotator"]), []).append(
                rows.row_frame(r, roles.get(r["id"], [])))
    status = {(r["document_id"], r["annotator"]): r["status"] for r in project._q(
        "SELECT document_id, annotator, status FROM document_status")
        if keep(r["document_id"], r["annotator"])}
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
