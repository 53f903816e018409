"""Streaming, JSON-ready readers for exports: one document at a time, flat memory.

``iter_export_layers(project, ...)`` walks the documents in project order and yields one
:class:`RawLayer` per (document, annotator) layer that holds spans, frames or a status
other than ``todo`` (annotators sorted by name), plus, when asked, one bare entry
(``annotator`` None) for a document no layer touches. The spans and frames arrive as
ready-made JSON array text (UTF-8 bytes) built inside SQLite (C speed, no Python object
per span or frame): spans and frames by ``json_object``.
Fixed order: spans by ``(start, end, id)``, frames by ``(created_at, id)``, frame members
by their position, every object with its keys sorted, compact separators, non-ASCII kept
as is. This is the same text ``json.dumps(..., sort_keys=True, ensure_ascii=False,
separators=(",", ":"))`` gives for these values (tests pin that). Stored fragments and
attributes are canonical JSON text already (``rows.dumps``). Memory held at any time: one
document's rows.

Span object keys: attributes, created_at, end, fragments, id, label, note, origin, start,
text, updated_at. Frame object keys: attributes, contents, created_at, cue, id, parent,
sources, type, updated_at (``cue``/``parent`` null when absent).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.model import STATUS_TODO

if TYPE_CHECKING:
    from .project import Project

# Span objects are built by SQLite's JSON functions (every string escaped, C speed); the
# stored fragments and attributes are canonical JSON text already (rows.dumps).
_SPAN_JSON = """json_object('attributes', json(attributes), 'created_at', created_at,
    'end', "end", 'fragments', json(fragments), 'id', id, 'label', label, 'note', note,
    'origin', origin, 'start', start, 'text', text, 'updated_at', updated_at)"""
# One aggregate per layer over an ordered subquery: SQLite does not flatten a subquery
# with ORDER BY into an aggregate, so group_concat sees the rows in order. The orders are
# the indexes' (schema step 0002: idx_spans_doc, idx_frames_doc, idx_frame_roles_order):
# no sort, no temporary B-tree, and a frame's members come from a covering index.
_SPANS = ("SELECT count(*), CAST('[' || coalesce(group_concat(j, ','), '') || ']' AS BLOB) "
          f"FROM (SELECT {_SPAN_JSON} AS j FROM spans WHERE document_id = ? AND annotator = ? "
          'ORDER BY start, "end", id)')


def _roles(role: str) -> str:
    """A frame's members in one role, as a JSON array of span ids (in position order)."""
    return (f"json((SELECT json_group_array(span_id) FROM (SELECT span_id FROM frame_roles "
            f"WHERE frame_id = f.id AND role = '{role}' ORDER BY position, span_id)))")


# Frames by json_object too (fewer instructions than concatenating quoted strings); the
# member arrays come back from their subqueries as text and go in through json(), so
# nothing depends on a JSON subtype crossing a subquery.
_FRAME_JSON = (
    f"json_object('attributes', json(attributes), 'contents', {_roles('content')}, "
    "'created_at', created_at, 'cue', (SELECT span_id FROM frame_roles WHERE frame_id = "
    "f.id AND role = 'cue' ORDER BY position, span_id LIMIT 1), 'id', id, 'parent', "
    f"parent_id, 'sources', {_roles('source')}, 'type', type, 'updated_at', updated_at)")
_FRAMES = ("SELECT count(*), CAST('[' || coalesce(group_concat(j, ','), '') || ']' AS BLOB) "
           f"FROM (SELECT {_FRAME_JSON} AS j FROM frames f WHERE document_id = ? AND "
           "annotator = ? ORDER BY created_at, id)")


def _spans_json(conn: sqlite3.Connection, doc_id: str, ann: str) -> tuple[int, bytes]:
    """The layer's spans as a JSON array (keys sorted), UTF-8."""
    n, blob = conn.execute(_SPANS, (doc_id, ann)).fetchone()
    return n, blob


def _frames_json(conn: sqlite3.Connection, doc_id: str, ann: str) -> tuple[int, bytes]:
    """The layer's frames as a JSON array (keys sorted), UTF-8."""
    n, blob = conn.execute(_FRAMES, (doc_id, ann)).fetchone()
    return n, blob


@dataclass(frozen=True)
class RawLayer:
    """One export line's worth of rows. ``spans_json``/``frames_json`` are JSON arrays."""

    document: dict[str, Any]  # the documents row (paragraphs/meta as stored JSON text)
    annotator: str | None  # None: a document without any selected layer
    status: str | None
    spans_json: bytes  # UTF-8
    frames_json: bytes  # UTF-8
    n_spans: int
    n_frames: int


def _in(column: str, names: list[str] | None) -> tuple[str, list[str]]:
    if names is None:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(names))})", list(names)


def iter_export_layers(project: Project, annotators: Iterable[str] | None = None,
                       status: str | None = None, bare_documents: bool = False,
                       ) -> Iterator[RawLayer]:
    """Yield layers document by document (see the module docstring).

    ``annotators``: only these layers (None: all). ``status``: only layers with this
    status. ``bare_documents``: also yield documents that have no selected layer.
    """
    conn = project.db.conn
    for row, ann, st in _plan_layers(conn, annotators, status, bare_documents):
        if ann is None:
            yield RawLayer(row, None, None, b"[]", b"[]", 0, 0)
            continue
        n_spans, spans = _spans_json(conn, row["id"], ann)
        n_frames, frames = _frames_json(conn, row["id"], ann)
        yield RawLayer(row, ann, st, spans, frames, n_spans, n_frames)


def _plan_layers(conn: sqlite3.Connection, annotators: Iterable[str] | None,
                 status: str | None, bare_documents: bool,
                 ) -> Iterator[tuple[dict[str, Any], str | None, str | None]]:
    """(document row, annotator, status) of each layer to export, in order; annotator
    None for a bare document."""
    names = sorted(set(annotators)) if annotators is not None else None
    docs = conn.cursor()
    docs.row_factory = sqlite3.Row
    docs.execute("SELECT id, title, author, published, source, text, text_sha256, "
                 "paragraphs, meta FROM documents ORDER BY position")
    # One query per document: the annotators with spans, frames or a status other than
    # todo, each with its status. DISTINCT first (an ordered index scan), so the UNION's
    # temporary B-tree holds a row per annotator instead of one per span and frame.
    layers_sql = ("SELECT x.a, s.status FROM ("
                  "SELECT * FROM (SELECT DISTINCT annotator AS a FROM spans "
                  "WHERE document_id = :d) "
                  "UNION SELECT * FROM (SELECT DISTINCT annotator FROM frames "
                  "WHERE document_id = :d) "
                  "UNION SELECT annotator FROM document_status WHERE document_id = :d "
                  f"AND status != '{STATUS_TODO}') AS x "
                  "LEFT JOIN document_status s ON s.document_id = :d AND s.annotator = x.a")
    wanted = set(names) if names is not None else None
    for doc in docs:
        found = dict(conn.execute(layers_sql, {"d": doc["id"]}).fetchall())
        row = dict(doc)
        written = False
        for ann in sorted(found if wanted is None else found.keys() & wanted):
            st = found[ann] or STATUS_TODO
            if status is not None and st != status:
                continue
            written = True
            yield row, ann, st
        if bare_documents and not written and not found:
            yield row, None, None


def iter_layer_keys(project: Project, annotators: Iterable[str] | None = None,
                    status: str | None = None) -> Iterator[tuple[str, str]]:
    """(document id, annotator) of the layers :func:`iter_export_layers` would yield (no
    bare documents), without building their JSON: for writers that read domain objects."""
    names = sorted(set(annotators)) if annotators is not None else None
    conn = project.db.conn
    flt, args = _in("annotator", names)
    sql = (f"SELECT d.position, x.document_id, x.annotator, coalesce(s.status, 'todo') "
           f"FROM (SELECT document_id, annotator FROM spans WHERE 1{flt} "
           f"UNION SELECT document_id, annotator FROM frames WHERE 1{flt} "
           f"UNION SELECT document_id, annotator FROM document_status "
           f"WHERE status != 'todo'{flt}) x "
           f"JOIN documents d ON d.id = x.document_id "
           f"LEFT JOIN document_status s ON s.document_id = x.document_id "
           f"AND s.annotator = x.annotator ORDER BY d.position, x.annotator")
    for _, doc_id, ann, st in conn.execute(sql, args * 3).fetchall():
        if status is None or st == status:
            yield doc_id, ann


@contextmanager
def bulk_cache(project: Project, mebibytes: int = 256) -> Iterator[None]:
    """A larger SQLite page cache for one bulk write (index pages of a million random
    span ids do not fit the default 2 MB; inserting then thrashes) and savepoint journals
    in memory, both restored after. Memory is only taken as pages are touched."""
    conn = project.db.conn
    old = conn.execute("PRAGMA cache_size").fetchone()[0]
    old_temp = conn.execute("PRAGMA temp_store").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-1024 * int(mebibytes)}")
    conn.execute("PRAGMA temp_store = MEMORY")  # savepoint sub-journals of each layer
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(old)}")
        conn.execute(f"PRAGMA temp_store = {int(old_temp)}")


def count_documents(project: Project) -> int:
    return project.db.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
