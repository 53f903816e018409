"""Canonical JSONL into an EMPTY project at bulk speed: planned rows, batched inserts.

:func:`import_into_empty` runs inside the caller's transaction (``import_canonical``
holds it, with the bulk page cache and the secondary indexes deferred): lines become rows
(:class:`~annotator.formats.canonical_rows.RowPlanner`, no domain objects) and the rows
of many layers go in with one ``executemany`` per table. Errors name ``file:line`` as the
object path does; the caller's transaction rolls everything back on any error.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..domain.errors import InputError
from ..domain.model import now_iso
from ..store import rows
from ..store.project import Project
from .articles import Cancelled, Progress
from .canonical import json_lines
from .canonical_rows import RowBatch, RowPlanner
from .layers import AnnotationImportReport

BATCH_ROWS = 20_000  # spans + frames + documents per executemany round

_INSERT_DOCUMENT = (
    "INSERT INTO documents VALUES (:id, :title, :author, :published, :source, :text, "
    ":text_sha256, :paragraphs, :meta, :position, :imported_at)")
_INSERT_ANNOTATOR = "INSERT OR IGNORE INTO annotators(name, created_at) VALUES (?, ?)"
_INSERT_ROLE = "INSERT INTO frame_roles VALUES (?, ?, ?, ?)"
_INSERT_STATUS = "INSERT INTO document_status VALUES (?, ?, ?, ?)"


def import_into_empty(project: Project, path: Path, size: int, *, add_labels: bool = False,
                      rename_to: str | None = None, progress: Progress | None = None,
                      ) -> AnnotationImportReport:
    """Import ``path`` into ``project``, which holds no documents; call inside a
    transaction. ``progress(bytes_read, size)`` after each line; False cancels."""
    name = str(path)
    planner = RowPlanner(name, project.schema, add_labels=add_labels, rename_to=rename_to,
                         stamp=now_iso())
    conn = project.db.conn
    for lineno, obj, offset in json_lines(path):
        planner.line(obj, lineno, offset)
        if progress and progress(offset, size) is False:
            raise Cancelled("import cancelled; nothing was imported")
        if len(planner.batch) >= BATCH_ROWS:
            insert_rows(conn, planner.take(), name)
    insert_rows(conn, planner.take(), name)
    result = planner.finish()
    if result.schema is not None:
        project.set_schema(result.schema)
    if result.provenance:
        project.put_provenance(result.provenance)
    return result.report


def insert_rows(conn: sqlite3.Connection, batch: RowBatch, path: str) -> None:
    """One ``executemany`` per table for the batch. An id already taken (by an earlier
    line) names the line of the first layer that holds it, as ``LayerWriter`` does."""
    try:
        if batch.documents:
            conn.executemany(_INSERT_DOCUMENT, batch.documents)
        if batch.annotators:
            conn.executemany(_INSERT_ANNOTATOR, batch.annotators)
        if batch.spans:
            conn.executemany(rows.INSERT_SPAN_ROW, batch.spans)
        if batch.frames:
            conn.executemany(rows.INSERT_FRAME_ROW, batch.frames)
            conn.executemany(_INSERT_ROLE, batch.roles)
        if batch.statuses:
            conn.executemany(_INSERT_STATUS, batch.statuses)
    except sqlite3.IntegrityError as exc:
        line, clash = _clash(conn, batch)
        raise InputError(path, line, "an id in this layer is already used by another "
                         f"document or annotator ({clash or exc})") from None


def _clash(conn: sqlite3.Connection, batch: RowBatch) -> tuple[int | None, str]:
    """The first layer of a failed batch with a span or frame id that the project holds
    for another (document, annotator). The rows of the batch before the failing one are
    in already, each under its own layer, so a layer only clashes with an earlier one (or
    an earlier batch): the one that ``LayerWriter`` would have refused first."""
    s = f = 0
    for line, n_spans, n_frames in batch.layers:
        for table, items in (("spans", batch.spans[s:s + n_spans]),
                             ("frames", batch.frames[f:f + n_frames])):
            for item in items:
                r = conn.execute(f"SELECT document_id, annotator FROM {table} WHERE id = ?",
                                 (item[0],)).fetchone()
                if r and (r[0], r[1]) != (item[1], item[2]):
                    return line, (f"{table[:-1]} id {item[0]!r} belongs to document {r[0]}, "
                                  f"annotator {r[1]}")
        s, f = s + n_spans, f + n_frames
    return (batch.layers[0][0] if batch.layers else None), ""
