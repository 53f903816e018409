"""Removing a document from a project, and putting it back exactly (undo).

:func:`snapshot_document` reads what would go. :func:`delete_document` removes a
document with everything annotated in it (every annotator's spans, frames and status, the
gold layer and the adjudication records of the document) in one transaction and returns
a :class:`DeletedDocument` snapshot.
:func:`restore_document` writes the snapshot back in one transaction: the document row as
it was (its place in the project order included), every layer with its ids and times, the
statuses with their times, and the records. An export after delete + restore is
byte-identical to one before. Used through ``Project.delete_document`` /
``Project.restore_document``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.errors import ConflictError, NotFoundError
from ..domain.model import AnnotatedDocument
from ..domain.provenance import Provenance

if TYPE_CHECKING:
    from .project import Project


@dataclass(frozen=True)
class DeletedDocument:
    """A removed document and everything that went with it."""

    row: dict[str, Any]  # the documents row as stored, rowid included
    layers: tuple[AnnotatedDocument, ...]  # every annotator's layer, gold included
    statuses: tuple[tuple[str, str, str], ...]  # (annotator, status, updated_at)
    provenance: tuple[Provenance, ...]

    @property
    def document_id(self) -> str:
        return str(self.row["id"])

    @property
    def title(self) -> str:
        return str(self.row["title"] or self.row["id"])

    def counts(self) -> tuple[int, int, int]:
        """(spans, frames, annotators with a layer) that went with the document."""
        with_items = [la for la in self.layers if la.spans or la.frames]
        return (sum(len(la.spans) for la in self.layers),
                sum(len(la.frames) for la in self.layers), len(with_items))


def snapshot_document(project: Project, doc_id: str) -> DeletedDocument:
    """What :func:`delete_document` would remove (nothing is changed)."""
    with project.snapshot():
        found = project._q("SELECT rowid AS _rowid, * FROM documents WHERE id = ?", (doc_id,))
        if not found:
            raise NotFoundError(f"no document {doc_id!r}")
        names = [r[0] for r in project._q(
            "SELECT annotator FROM spans WHERE document_id = ? UNION "
            "SELECT annotator FROM frames WHERE document_id = ? UNION "
            "SELECT annotator FROM document_status WHERE document_id = ? ORDER BY 1",
            (doc_id, doc_id, doc_id))]
        layers = tuple(project.layer(doc_id, name) for name in names)
        statuses = tuple((r["annotator"], r["status"], r["updated_at"]) for r in project._q(
            "SELECT annotator, status, updated_at FROM document_status WHERE document_id = ? "
            "ORDER BY annotator", (doc_id,)))
        records = tuple(project.provenance_for_document(doc_id))
    return DeletedDocument(dict(found[0]), layers, statuses, records)


def delete_document(project: Project, doc_id: str) -> DeletedDocument:
    with project.db.atomic():
        deleted = snapshot_document(project, doc_id)
        conn = project.db.conn
        conn.executemany("DELETE FROM provenance WHERE item_id = ?",
                         [(p.item_id,) for p in deleted.provenance])
        # spans, frames, their roles and the statuses go with it (ON DELETE CASCADE)
        conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
    return deleted


def restore_document(project: Project, deleted: DeletedDocument) -> None:
    """Put a deleted document back. Refused when its id is in use again."""
    row = dict(deleted.row)
    rowid = row.pop("_rowid")
    with project.db.atomic():
        if project._q("SELECT 1 FROM documents WHERE id = ?", (row["id"],)):
            raise ConflictError(f"document {row['id']} is in the project again")
        if project._q("SELECT 1 FROM documents WHERE rowid = ?", (rowid,)):
            # its row number went to a document imported since: it goes back at the end
            # (documents are ordered by position, and the newest row holds the highest)
            last = project._q("SELECT position FROM documents ORDER BY rowid DESC LIMIT 1")
            row["position"] = last[0]["position"] + 1 if last else 0
            rowid = None
        columns = ", ".join(row)
        project.db.execute(
            f"INSERT INTO documents(rowid, {columns}) VALUES "
            f"(:_rowid, {', '.join(':' + c for c in row)})", {**row, "_rowid": rowid})
        conn = project.db.conn
        for layer in deleted.layers:
            project.ensure_annotator(layer.annotator)
            project._insert_items(layer)
        conn.executemany("INSERT INTO document_status VALUES (?, ?, ?, ?)",
                         [(row["id"], a, st, at) for a, st, at in deleted.statuses])
        project.put_provenance(deleted.provenance)
