"""Project: the one API for reading and changing a project's documents and annotations.

Every public method that changes data runs in one transaction that is committed before
the method returns (nested calls inside :meth:`Project.transaction` join the outer one).
Readers return domain objects; nothing here knows about Qt.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..domain.errors import ConflictError, NotFoundError
from ..domain.model import (
    STATUS_TODO,
    STATUSES,
    AnnotatedDocument,
    Document,
    Frame,
    Span,
    Target,
    fragment_text,
    new_id,
    normalise_fragments,
    now_iso,
    validate_fragments,
)
from ..domain.schema import Schema, load_schema, parse_schema
from ..paths import default_schema_path
from . import rows
from .db import ProjectDatabase, migrate, open_database, schema_version

if TYPE_CHECKING:  # gold records are imported where used (app start-up time)
    from ..domain.provenance import GoldChange, Provenance
    from .removal import DeletedDocument


@dataclass
class AddResult:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentInfo:
    """A document without its text: what lists and menus need."""

    id: str
    title: str
    author: str
    published: str
    source: str
    position: int


@dataclass(frozen=True)
class DeletedSpan:
    """Everything needed to undo a span deletion: the span and its frame memberships."""

    span: Span
    roles: tuple[tuple[str, str, int], ...]  # (frame_id, role, position)


class Project:
    def __init__(self, db: ProjectDatabase, path: str | Path | None = None) -> None:
        self.db = db
        self.path = Path(path) if path else None
        self._schema: Schema | None = None

    # ----------------------------------------------------------------- lifecycle
    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, readonly: bool = False) -> Project:
        return cls(open_database(path, create=create, readonly=readonly), path)

    @classmethod
    def memory(cls) -> Project:
        db = ProjectDatabase.memory()
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
        return cls(db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return schema_version(self.db)

    @property
    def readonly(self) -> bool:
        """True when this connection refuses writes (``set_readonly`` or opened read-only)."""
        return bool(self.db.execute("PRAGMA query_only").fetchone()[0])

    def set_readonly(self, readonly: bool) -> None:
        """Refuse (or allow again) writes on this connection: every write then raises
        ``sqlite3.OperationalError`` (attempt to write a readonly database)."""
        self.db.execute(f"PRAGMA query_only = {'ON' if readonly else 'OFF'}")

    def set_busy_timeout(self, ms: int) -> None:
        """How long a write waits for another program's write lock before failing with
        "database is locked" (10 s by default; the window uses less, so as not to freeze)."""
        self.db.execute(f"PRAGMA busy_timeout = {int(ms)}")

    def data_version(self) -> int:
        """Changes when ANOTHER connection commits to the file (SQLite's data_version)."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[Project]:
        """Group several changes into one all-or-nothing transaction (it takes the write
        lock at once: see :class:`~annotator.store.db.ProjectDatabase`)."""
        with self.db.atomic():
            yield self

    @contextmanager
    def snapshot(self) -> Iterator[Project]:
        """Read one consistent state of the project (e.g. for an export) without holding
        the write lock: other programs may commit meanwhile. Write nothing inside."""
        snap = getattr(self.db, "snapshot", None)
        with (snap() if snap is not None else self.db.atomic()):
            yield self

    def _q(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        cur = self.db.conn.cursor()
        cur.row_factory = sqlite3.Row
        return cur.execute(sql, tuple(params)).fetchall()

    # ----------------------------------------------------------------- meta/schema
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        r = self._q("SELECT value FROM meta WHERE key = ?", (key,))
        return r[0]["value"] if r else default

    def set_meta(self, key: str, value: str) -> None:
        with self.db.atomic():
            self.db.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) "
                            "DO UPDATE SET value = excluded.value", (key, value))

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            raw = self.get_meta("schema")
            self._schema = (parse_schema(json.loads(raw), "<project schema>") if raw
                            else load_schema(default_schema_path()))
        return self._schema

    def set_schema(self, schema: Schema) -> None:
        self.set_meta("schema", schema.to_json())
        self._schema = schema

    # ----------------------------------------------------------------- documents
    def add_documents(self, docs: Iterable[Document]) -> AddResult:
        """Add documents all-or-nothing. Identical text already present: skipped.
        An existing id with different text: :class:`ConflictError`, nothing added."""
        result = AddResult()
        stamp = now_iso()
        with self.db.atomic():
            # documents are never reordered: the newest row holds the highest position,
            # and finding it by rowid is O(log n) where max(position) scans the table
            last = self._q("SELECT position FROM documents ORDER BY rowid DESC LIMIT 1")
            pos = last[0]["position"] + 1 if last else 0
            for doc in docs:
                old = self._q("SELECT id, text_sha256 FROM documents WHERE id = ?", (doc.id,))
                if old:
                    if old[0]["text_sha256"] != doc.text_sha256:
                        raise ConflictError(f"document {doc.id} already exists with different "
                                            "text; refusing to replace it")
                    result.skipped.append(doc.id)
                    continue
                same = self._q("SELECT id FROM documents WHERE text_sha256 = ?",
                               (doc.text_sha256,))
                if same:
                    result.skipped.append(same[0]["id"])
                    continue
                self.db.execute(
                    "INSERT INTO documents VALUES (:id, :title, :author, :published, :source, "
                    ":text, :text_sha256, :paragraphs, :meta, :position, :imported_at)",
                    rows.document_row(doc, pos, stamp))
                pos += 1
                result.added.append(doc.id)
        return result

    def delete_document(self, doc_id: str) -> DeletedDocument:
        """Remove a document and everything annotated in it (store/removal.py)."""
        from .removal import delete_document

        return delete_document(self, doc_id)

    def restore_document(self, deleted: DeletedDocument) -> None:
        """Put back what :meth:`delete_document` removed, exactly."""
        from .removal import restore_document

        restore_document(self, deleted)

    def document(self, doc_id: str) -> Document:
        r = self._q("SELECT * FROM documents WHERE id = ?", (doc_id,))
        if not r:
            raise NotFoundError(f"no document {doc_id!r}")
        return rows.row_document(dict(r[0]))

    def documents(self) -> list[DocumentInfo]:
        return [DocumentInfo(r["id"], r["title"], r["author"], r["published"], r["source"],
                             r["position"])
                for r in self._q("SELECT id, title, author, published, source, position "
                                 "FROM documents ORDER BY position")]

    def document_by_hash(self, sha: str) -> str | None:
        r = self._q("SELECT id FROM documents WHERE text_sha256 = ?", (sha,))
        return r[0]["id"] if r else None

    def count_documents(self) -> int:
        return self._q("SELECT count(*) AS n FROM documents")[0]["n"]

    # ----------------------------------------------------------------- annotators
    def ensure_annotator(self, name: str) -> None:
        if not name or not name.strip():
            raise ValueError("an annotator needs a name")
        with self.db.atomic():
            self.db.execute("INSERT OR IGNORE INTO annotators(name, created_at) VALUES (?, ?)",
                            (name, now_iso()))

    def annotators(self) -> list[str]:
        return [r["name"] for r in self._q("SELECT name FROM annotators ORDER BY name")]

    # ----------------------------------------------------------------- spans
    def make_span(self, document_id: str, annotator: str, label: str,
                  fragments: Iterable[tuple[int, int]], **extra: Any) -> Span:
        """Build (not store) a span with its covered text taken from the document."""
        doc_text = self._text(document_id)
        frs = normalise_fragments(list(fragments))
        validate_fragments(frs, len(doc_text))
        stamp = now_iso()
        return Span(id=extra.pop("id", None) or new_id(), document_id=document_id,
                    annotator=annotator, label=label, fragments=frs,
                    text=fragment_text(doc_text, frs), created_at=stamp, updated_at=stamp,
                    **extra)

    def _text(self, document_id: str) -> str:
        r = self._q("SELECT text FROM documents WHERE id = ?", (document_id,))
        if not r:
            raise NotFoundError(f"no document {document_id!r}")
        return r[0]["text"]

    def add_span(self, span: Span) -> Span:
        if self.schema.label(span.label) is None:
            raise ValueError(f"label {span.label!r} is not in schema {self.schema.name}")
        with self.db.atomic():
            self.ensure_annotator(span.annotator)
            self._insert_span(span)
        return span

    def _insert_span(self, span: Span) -> None:
        self.db.execute(rows.INSERT_SPAN, rows.span_row(span))

    def span(self, span_id: str) -> Span:
        r = self._q("SELECT * FROM spans WHERE id = ?", (span_id,))
        if not r:
            raise NotFoundError(f"no span {span_id!r}")
        return rows.row_span(r[0])

    def spans(self, document_id: str, annotator: str | None = None) -> list[Span]:
        if annotator is None:
            q = self._q('SELECT * FROM spans WHERE document_id = ? ORDER BY start, "end", id',
                        (document_id,))
        else:
            q = self._q('SELECT * FROM spans WHERE document_id = ? AND annotator = ? '
                        'ORDER BY start, "end", id', (document_id, annotator))
        return [rows.row_span(r) for r in q]

    def update_span(self, span_id: str, **changes: Any) -> tuple[Span, Span]:
        """Change label, fragments, attributes, note or origin; returns (before, after)."""
        allowed = {"label", "fragments", "attributes", "note", "origin"}
        if set(changes) - allowed:
            raise ValueError(f"cannot change {sorted(set(changes) - allowed)} of a span")
        with self.db.atomic():
            old = self.span(span_id)
            if "label" in changes and self.schema.label(changes["label"]) is None:
                raise ValueError(f"label {changes['label']!r} is not in the schema")
            if "label" in changes and changes["label"] != old.label:
                self._check_roles_allow(old, changes["label"])
            if "fragments" in changes:
                text = self._text(old.document_id)
                frs = normalise_fragments(list(changes["fragments"]))
                validate_fragments(frs, len(text))
                changes["fragments"] = frs
                changes["text"] = fragment_text(text, frs)
            new = old.with_changes(updated_at=now_iso(), **changes)
            row = rows.span_row(new)
            self.db.execute(
                'UPDATE spans SET label = :label, start = :start, "end" = :end, '
                "fragments = :fragments, text = :text, attributes = :attributes, note = :note, "
                "origin = :origin, updated_at = :updated_at WHERE id = :id", row)
        return old, new

    def _check_roles_allow(self, span: Span, label: str) -> None:
        """Refuse a relabel that would put a span of the wrong label in a frame role."""
        for r in self._q("SELECT f.type, r.role FROM frame_roles r JOIN frames f "
                         "ON f.id = r.frame_id WHERE r.span_id = ?", (span.id,)):
            fdef = self.schema.frame(r["type"])
            rdef = fdef.role(r["role"]) if fdef else None
            if rdef is not None and rdef.label != label:
                raise ConflictError(
                    f"“{span.text[:40]}” is the {r['role']} of an {r['type']}, which must be a "
                    f"{rdef.label}; remove it from the frame before making it a {label}")

    def replace_span(self, span: Span) -> None:
        """Write ``span`` back exactly as given (undo of an update)."""
        with self.db.atomic():
            row = rows.span_row(span)
            self.db.execute(
                'UPDATE spans SET label = :label, start = :start, "end" = :end, '
                "fragments = :fragments, text = :text, attributes = :attributes, note = :note, "
                "origin = :origin, updated_at = :updated_at WHERE id = :id", row)

    def delete_span(self, span_id: str) -> DeletedSpan:
        with self.db.atomic():
            span = self.span(span_id)
            roles = tuple((r["frame_id"], r["role"], r["position"]) for r in self._q(
                "SELECT frame_id, role, position FROM frame_roles WHERE span_id = ?",
                (span_id,)))
            self.db.execute("DELETE FROM spans WHERE id = ?", (span_id,))
        return DeletedSpan(span, roles)

    def restore_span(self, deleted: DeletedSpan) -> None:
        with self.db.atomic():
            self.ensure_annotator(deleted.span.annotator)
            self._insert_span(deleted.span)
            for frame_id, role, position in deleted.roles:
                if self._q("SELECT 1 FROM frames WHERE id = ?", (frame_id,)):
                    self.db.execute("INSERT OR IGNORE INTO frame_roles VALUES (?, ?, ?, ?)",
                                    (frame_id, deleted.span.id, role, position))

    # ----------------------------------------------------------------- frames
    def add_frame(self, frame: Frame) -> Frame:
        stamp = now_iso()
        if not frame.created_at:
            frame = frame.with_changes(created_at=stamp, updated_at=stamp)
        with self.db.atomic():
            self.ensure_annotator(frame.annotator)
            self._check_frame_spans(frame)
            self._check_frame_parent(frame)
            self.db.execute(
                "INSERT INTO frames(id, document_id, annotator, type, parent_id, attributes, "
                "created_at, updated_at) VALUES (:id, :document_id, :annotator, :type, "
                ":parent_id, :attributes, :created_at, :updated_at)", rows.frame_row(frame))
            self._write_roles(frame)
        return frame

    def _check_frame_spans(self, frame: Frame) -> None:
        ids = frame.span_ids()
        if not ids:
            return
        found = self._q(f"SELECT id, document_id, annotator FROM spans WHERE id IN "
                        f"({','.join('?' * len(ids))})", ids)
        by_id = {r["id"]: r for r in found}
        for sid in ids:
            r = by_id.get(sid)
            if r is None:
                raise NotFoundError(f"frame {frame.id} names missing span {sid}")
            if r["document_id"] != frame.document_id or r["annotator"] != frame.annotator:
                raise ConflictError(f"span {sid} belongs to another document or annotator")

    def _check_frame_parent(self, frame: Frame) -> None:
        """A frame nests in another frame of its own document and annotator, never (at any
        depth) in itself."""
        pid, seen = frame.parent_id, {frame.id}
        while pid is not None:
            if pid in seen:
                raise ConflictError(f"frame {frame.id} cannot be nested in {frame.parent_id}: "
                                    "the nesting would loop")
            r = self._q("SELECT document_id, annotator, parent_id FROM frames WHERE id = ?",
                        (pid,))
            if not r:
                raise NotFoundError(f"frame {frame.id} names missing parent frame {pid}")
            if r[0]["document_id"] != frame.document_id or r[0]["annotator"] != frame.annotator:
                raise ConflictError(f"frame {pid} belongs to another document or annotator")
            seen.add(pid)
            pid = r[0]["parent_id"]

    def _write_roles(self, frame: Frame) -> None:
        self.db.execute("DELETE FROM frame_roles WHERE frame_id = ?", (frame.id,))
        self.db.conn.executemany("INSERT INTO frame_roles VALUES (?, ?, ?, ?)",
                                 [(frame.id, sid, role, pos) for role, sid, pos in frame.roles()])

    def update_frame(self, frame: Frame) -> Frame:
        """Replace a frame's roles, parent and attributes; returns the frame before."""
        with self.db.atomic():
            old = self.frame(frame.id)
            self._check_frame_spans(frame)
            self._check_frame_parent(frame)
            new = frame.with_changes(updated_at=now_iso(), created_at=old.created_at)
            self.db.execute("UPDATE frames SET type = ?, parent_id = ?, attributes = ?, "
                            "updated_at = ? WHERE id = ?",
                            (new.type, new.parent_id, rows.dumps(new.attributes),
                             new.updated_at, new.id))
            self._write_roles(new)
        return old

    def replace_frame(self, frame: Frame) -> None:
        """Write ``frame`` back exactly as given (undo)."""
        with self.db.atomic():
            self.db.execute("UPDATE frames SET type = ?, parent_id = ?, attributes = ?, "
                            "updated_at = ? WHERE id = ?",
                            (frame.type, frame.parent_id, rows.dumps(frame.attributes),
                             frame.updated_at, frame.id))
            self._write_roles(frame)

    def delete_frame(self, frame_id: str) -> Frame:
        with self.db.atomic():
            old = self.frame(frame_id)
            self.db.execute("DELETE FROM frames WHERE id = ?", (frame_id,))
        return old

    def frame(self, frame_id: str) -> Frame:
        r = self._q("SELECT * FROM frames WHERE id = ?", (frame_id,))
        if not r:
            raise NotFoundError(f"no frame {frame_id!r}")
        roles = [(x["role"], x["span_id"], x["position"]) for x in self._q(
            "SELECT role, span_id, position FROM frame_roles WHERE frame_id = ?", (frame_id,))]
        return rows.row_frame(r[0], roles)

    def frames(self, document_id: str, annotator: str | None = None) -> list[Frame]:
        where, params = "f.document_id = ?", [document_id]
        if annotator is not None:
            where += " AND f.annotator = ?"
            params.append(annotator)
        frs = self._q(f"SELECT * FROM frames f WHERE {where} ORDER BY created_at, id", params)
        roles: dict[str, list[tuple[str, str, int]]] = {}
        for r in self._q(f"SELECT r.frame_id, r.role, r.span_id, r.position FROM frame_roles r "
                         f"JOIN frames f ON f.id = r.frame_id WHERE {where}", params):
            roles.setdefault(r["frame_id"], []).append((r["role"], r["span_id"], r["position"]))
        return [rows.row_frame(f, roles.get(f["id"], [])) for f in frs]

    # ----------------------------------------------------------------- status
    def status(self, document_id: str, annotator: str) -> str:
        r = self._q("SELECT status FROM document_status WHERE document_id = ? AND annotator = ?",
                    (document_id, annotator))
        return r[0]["status"] if r else STATUS_TODO

    def statuses(self, annotator: str) -> dict[str, str]:
        return {r["document_id"]: r["status"] for r in self._q(
            "SELECT document_id, status FROM document_status WHERE annotator = ?", (annotator,))}

    def set_status(self, document_id: str, annotator: str, status: str) -> str:
        """Set a document's status for an annotator; returns the status before."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; expected one of {STATUSES}")
        with self.db.atomic():
            self.ensure_annotator(annotator)
            old = self.status(document_id, annotator)
            self.db.execute(
                "INSERT INTO document_status VALUES (?, ?, ?, ?) ON CONFLICT(document_id, "
                "annotator) DO UPDATE SET status = excluded.status, "
                "updated_at = excluded.updated_at", (document_id, annotator, status, now_iso()))
        return old

    def span_counts(self, annotator: str) -> dict[str, int]:
        return {r["document_id"]: r["n"] for r in self._q(
            "SELECT document_id, count(*) AS n FROM spans WHERE annotator = ? "
            "GROUP BY document_id", (annotator,))}

    # ----------------------------------------------------------------- targets
    def targets(self) -> list[Target]:
        return [Target(r["name"], tuple(json.loads(r["aliases"])))
                for r in self._q("SELECT name, aliases FROM targets ORDER BY name COLLATE NOCASE")]

    def add_target(self, name: str, aliases: Iterable[str] = ()) -> bool:
        """Register a target; returns False when it (or an alias of that name) exists."""
        name = name.strip()
        if not name:
            raise ValueError("a target needs a name")
        if self.resolve_target(name) is not None:
            return False
        with self.db.atomic():
            self.db.execute("INSERT INTO targets VALUES (?, ?, ?)",
                            (name, rows.dumps(list(aliases)), now_iso()))
        return True

    def remove_target(self, name: str) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM targets WHERE name = ?", (name,))

    def resolve_target(self, name: str) -> str | None:
        """The canonical name for ``name`` (case-insensitive, aliases included)."""
        low = name.strip().casefold()
        for t in self.targets():
            if t.name.casefold() == low or any(a.casefold() == low for a in t.aliases):
                return t.name
        return None

    # ----------------------------------------------------------------- layers
    def layer(self, document_id: str, annotator: str) -> AnnotatedDocument:
        return AnnotatedDocument(self.document(document_id), annotator,
                                 self.status(document_id, annotator),
                                 self.spans(document_id, annotator),
                                 self.frames(document_id, annotator))

    def replace_layer(self, layer: AnnotatedDocument) -> bool:
        """Make (document, annotator) hold exactly ``layer``'s spans, frames and status.

        The document must already be in the project (same id and text). Returns False
        when the layer was already identical (nothing written). Joins an open transaction.
        """
        doc_id, ann = layer.document.id, layer.annotator
        current = self.layer(doc_id, ann)
        if current.document.text_sha256 != layer.document.text_sha256:
            raise ConflictError(f"document {doc_id} has different text in this project")
        if (len(current.spans) == len(layer.spans) and len(current.frames) == len(layer.frames)
                and current.status == layer.status
                and rows.key_spans(current.spans) == rows.key_spans(layer.spans)
                and rows.key_frames(current.frames) == rows.key_frames(layer.frames)):
            return False
        with self.db.atomic():
            self.ensure_annotator(ann)
            self.db.execute("DELETE FROM frames WHERE document_id = ? AND annotator = ?",
                            (doc_id, ann))
            self.db.execute("DELETE FROM spans WHERE document_id = ? AND annotator = ?",
                            (doc_id, ann))
            self._insert_items(layer)
            if layer.status != STATUS_TODO or current.status != STATUS_TODO:
                self.set_status(doc_id, ann, layer.status)
        return True

    def insert_new_layer(self, layer: AnnotatedDocument) -> None:
        """Write a layer whose (document, annotator) holds nothing yet: what
        :meth:`replace_layer` writes, without reading, comparing or deleting first (bulk
        imports into an empty project). The caller guarantees the layer is new; a missing
        document or an id already in use raises ``sqlite3.IntegrityError``. Joins an open
        transaction."""
        ann, status = layer.annotator, layer.status
        if not ann or not ann.strip():
            raise ValueError("an annotator needs a name")
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; expected one of {STATUSES}")
        with self.db.atomic():  # one savepoint; the annotator and status rows written here
            stamp = now_iso()
            conn = self.db.conn
            conn.execute("INSERT OR IGNORE INTO annotators(name, created_at) VALUES (?, ?)",
                         (ann, stamp))
            self._insert_items(layer)
            if status != STATUS_TODO:
                conn.execute("INSERT INTO document_status VALUES (?, ?, ?, ?)",
                             (layer.document.id, ann, status, stamp))

    def _insert_items(self, layer: AnnotatedDocument) -> None:
        conn = self.db.conn
        conn.executemany(rows.INSERT_SPAN_ROW, [rows.span_tuple(s) for s in layer.spans])
        if layer.frames:
            frames = rows.parents_first(layer.frames)  # so that parent_id references resolve
            conn.executemany(rows.INSERT_FRAME_ROW, [rows.frame_tuple(f) for f in frames])
            conn.executemany("INSERT INTO frame_roles VALUES (?, ?, ?, ?)",
                             [(f.id, sid, role, pos) for f in frames
                              for role, sid, pos in f.roles()])

    def all_layers(self, annotators: Iterable[str] | None = None,
                   documents: Iterable[str] | None = None,
                   ) -> tuple[list[Document], list[AnnotatedDocument]]:
        """Every (document, annotator) layer in a few queries (store/bulk.py)."""
        from . import bulk  # here, not at the top: the app's start does not need it

        return bulk.all_layers(self, annotators, documents)

    # ----------------------------------------------------------------- gold (store/gold.py)
    def apply_gold(self, change: GoldChange) -> None:
        """Write one adjudication decision (gold items + provenance), all or nothing."""
        _gold().apply(self, change)

    def undo_gold(self, change: GoldChange) -> None:
        """Remove what :meth:`apply_gold` added for ``change``."""
        _gold().undo(self, change)

    def provenance(self, item_id: str) -> Provenance | None:
        return _gold().provenance(self, item_id)

    def provenance_for_document(self, document_id: str) -> list[Provenance]:
        return _gold().for_document(self, document_id)

    def all_provenance(self) -> list[Provenance]:
        return _gold().all_records(self)

    def recorded_change(self, document_id: str, item_ids: Iterable[str]) -> GoldChange | None:
        """The recorded decision on these annotator items, ready for :meth:`undo_gold`."""
        return _gold().change_for_items(self, document_id, item_ids)

    def put_provenance(self, records: Iterable[Provenance]) -> int:
        """Insert or overwrite provenance records (merge, import); returns rows changed."""
        return _gold().put(self, records)

    # ----------------------------------------------------------------- stats
    def stats(self) -> dict[str, Any]:
        docs = [{"id": d.id, "title": d.title, "author": d.author, "published": d.published}
                for d in self.documents()]
        spans = [dict(r) for r in self._q(
            "SELECT annotator, label, count(*) AS n FROM spans GROUP BY annotator, label "
            "ORDER BY annotator, label")]
        frames = [dict(r) for r in self._q(
            "SELECT annotator, count(*) AS n FROM frames GROUP BY annotator ORDER BY annotator")]
        status = [dict(r) for r in self._q(
            "SELECT annotator, status, count(*) AS n FROM document_status "
            "GROUP BY annotator, status ORDER BY annotator, status")]
        return {"documents": docs, "spans": spans, "frames": frames, "status": status,
                "schema": {"name": self.schema.name, "version": self.schema.version}}


def _gold() -> ModuleType:
    """:mod:`annotator.store.gold`, imported on first use (app start-up time)."""
    from . import gold

    return gold
