"""Streaming, JSON-ready readers for exports: one document at a time, flat memory.

``iter_export_layers(project, ...)`` walks the documents in project order and yields one
:class:`RawLayer` per (document, annotator) layer that holds spans, frames or a status
other than ``todo`` (annotators sorted by name), plus, when asked, one bare entry
(``annotator`` None) for a document no layer touches. The spans and frames arrive as
ready-made JSON array text: spans built by SQLite's JSON functions (C speed, no Python
object per span), frames assembled from their rows (few per document). Fixed order:
spans by ``(start, end, id)``, frames by ``(created_at, id)``,
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
from contextlib import contextmanager
from dataclasses import dataclass
from json.encoder import encode_basestring as enc
from typing import TYPE_CHECKING, Any

from ..domain.model import STATUS_TODO

if TYPE_CHECKING:
    from .project import Project

_SPAN_JSON = """json_object('attributes', json(attributes), 'created_at', created_at,
    'end', "end", 'fragments', json(fragments), 'id', id, 'label', label, 'note', note,
    'origin', origin, 'start', start, 'text', text, 'updated_at', updated_at)"""

_FRAME_ROWS = ("SELECT id, type, parent_id, attributes, created_at, updated_at FROM frames "
               "WHERE document_id = ? AND annotator = ? ORDER BY created_at, id")
_ROLE_ROWS = ("SELECT r.frame_id, r.role, r.span_id FROM frame_roles r JOIN frames f "
              "ON f.id = r.frame_id WHERE f.document_id = ? AND f.annotator = ? "
              "ORDER BY r.frame_id, r.role, r.position, r.span_id")


def _frames_json(conn: sqlite3.Connection, doc_id: str, ann: str) -> tuple[int, str]:
    """The layer's frames as a JSON array (keys sorted), assembled from two queries."""
    frames = conn.execute(_FRAME_ROWS, (doc_id, ann)).fetchall()
    if not frames:
        return 0, "[]"
    roles: dict[str, dict[str, list[str]]] = {}
    for fid, role, sid in conn.execute(_ROLE_ROWS, (doc_id, ann)):
        roles.setdefault(fid, {}).setdefault(role, []).append(enc(sid))
    out = []
    for fid, ftype, parent, attrs, created, updated in frames:
        r = roles.get(fid, {})
        cue = r.get("cue")
        out.append(f'{{"attributes":{attrs},"contents":[{",".join(r.get("content", ()))}],'
                   f'"created_at":{enc(created)},"cue":{cue[0] if cue else "null"},'
                   f'"id":{enc(fid)},"parent":{"null" if parent is None else enc(parent)},'
                   f'"sources":[{",".join(r.get("source", ()))}],"type":{enc(ftype)},'
                   f'"updated_at":{enc(updated)}}}')
    return len(out), "[" + ",".join(out) + "]"


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
    # One aggregate per layer over an ordered subquery: SQLite does not flatten a
    # subquery with ORDER BY into an aggregate, so group_concat sees the rows in order.
    span_sql = (f"SELECT count(*), '[' || coalesce(group_concat(j, ','), '') || ']' FROM "
                f"(SELECT {_SPAN_JSON} AS j FROM spans WHERE document_id = ? AND "
                f"annotator = ? ORDER BY start, \"end\", id)")
    names_sql = ("SELECT annotator FROM spans WHERE document_id = :d UNION "
                 "SELECT annotator FROM frames WHERE document_id = :d")
    status_sql = "SELECT annotator, status FROM document_status WHERE document_id = ?"
    wanted = set(names) if names is not None else None
    for doc in docs:
        doc_id = doc["id"]
        statuses = dict(conn.execute(status_sql, (doc_id,)).fetchall())
        found = {r[0] for r in conn.execute(names_sql, {"d": doc_id})}
        found |= {a for a, st in statuses.items() if st != STATUS_TODO}
        layer_names = sorted(found if wanted is None else found & wanted)
        row = dict(doc)
        written = False
        for ann in layer_names:
            st = statuses.get(ann, STATUS_TODO)
            if status is not None and st != status:
                continue
            n_spans, spans = conn.execute(span_sql, (doc_id, ann)).fetchone()
            n_frames, frames = _frames_json(conn, doc_id, ann)
            written = True
            yield RawLayer(row, ann, st, spans, frames, n_spans, n_frames)
        if bare_documents and not written and not found:
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
