"""Streaming, JSON-ready readers for exports: one document at a time, flat memory.

``iter_export_layers(project, ...)`` walks the documents in project order and yields one
:class:`RawLayer` per (document, annotator) layer that holds spans, frames or a status
other than ``todo`` (annotators sorted by name), plus, when asked, one bare entry
(``annotator`` None) for a document no layer touches. The spans and frames arrive as
ready-made JSON array text built by SQLite's JSON functions (C speed, no Python object per
span), in a fixed order: spans by ``(start, end, id)``, frames by ``(created_at, id)``,
every object with its keys sorted, compact separators, non-ASCII kept as is. This is the
same text ``json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":"))``
gives for these values (a test pins that). Memory held at any time: one document's rows.

Span object keys: attributes, created_at, end, fragments, id, label, note, origin, start,
text, updated_at. Frame object keys: attributes, contents, created_at, cue, id, parent,
sources, type, updated_at (``cue``/``parent`` null when absent).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Any

from ..domain.model import STATUS_TODO

if TYPE_CHECKING:
    from .project import Project

_SPAN_JSON = """json_object('attributes', json(attributes), 'created_at', created_at,
    'end', "end", 'fragments', json(fragments), 'id', id, 'label', label, 'note', note,
    'origin', origin, 'start', start, 'text', text, 'updated_at', updated_at)"""

_ROLE_LIST = """json((SELECT '[' || coalesce(group_concat(json_quote(span_id), ','), '') || ']'
    FROM (SELECT span_id FROM frame_roles WHERE frame_id = f.id AND role = '{role}'
          ORDER BY position, span_id)))"""

_FRAME_JSON = f"""json_object('attributes', json(f.attributes),
    'contents', {_ROLE_LIST.format(role="content")}, 'created_at', f.created_at,
    'cue', (SELECT span_id FROM frame_roles WHERE frame_id = f.id AND role = 'cue'
            ORDER BY position, span_id LIMIT 1),
    'id', f.id, 'parent', f.parent_id, 'sources', {_ROLE_LIST.format(role="source")},
    'type', f.type, 'updated_at', f.updated_at)"""


@dataclass(frozen=True)
class RawLayer:
    """One export line's worth of rows. ``spans_json``/``frames_json`` are JSON arrays."""

    document: dict[str, Any]  # the documents row (paragraphs/meta as stored JSON text)
    annotator: str | None  # None: a document without any selected layer
    status: str | None
    spans_json: str
    frames_json: str
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
    names = sorted(set(annotators)) if annotators is not None else None
    conn = project.db.conn
    docs = conn.cursor()
    docs.row_factory = sqlite3.Row
    docs.execute("SELECT id, title, author, published, source, text, text_sha256, "
                 "paragraphs, meta FROM documents ORDER BY position")
    span_filter, span_args = _in("annotator", names)
    frame_filter, frame_args = _in("f.annotator", names)
    status_filter, status_args = _in("annotator", names)
    span_sql = (f"SELECT annotator, {_SPAN_JSON} FROM spans WHERE document_id = ?"
                f"{span_filter} ORDER BY annotator, start, \"end\", id")
    frame_sql = (f"SELECT f.annotator, {_FRAME_JSON} FROM frames f WHERE f.document_id = ?"
                 f"{frame_filter} ORDER BY f.annotator, f.created_at, f.id")
    status_sql = (f"SELECT annotator, status FROM document_status WHERE document_id = ?"
                  f"{status_filter}")
    for doc in docs:
        doc_id = doc["id"]
        spans = {ann: [r[1] for r in rs] for ann, rs in groupby(
            conn.execute(span_sql, [doc_id, *span_args]), key=lambda r: r[0])}
        frames = {ann: [r[1] for r in rs] for ann, rs in groupby(
            conn.execute(frame_sql, [doc_id, *frame_args]), key=lambda r: r[0])}
        statuses = dict(conn.execute(status_sql, [doc_id, *status_args]).fetchall())
        layer_names = sorted(set(spans) | set(frames)
                             | {a for a, s in statuses.items() if s != STATUS_TODO})
        row = dict(doc)
        written = False
        for ann in layer_names:
            st = statuses.get(ann, STATUS_TODO)
            if status is not None and st != status:
                continue
            sp, fr = spans.get(ann, []), frames.get(ann, [])
            written = True
            yield RawLayer(row, ann, st, "[" + ",".join(sp) + "]", "[" + ",".join(fr) + "]",
                           len(sp), len(fr))
        if bare_documents and not written and not layer_names:
            yield RawLayer(row, None, None, "[]", "[]", 0, 0)


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


def count_documents(project: Project) -> int:
    return project.db.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
