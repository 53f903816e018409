"""AnnotationSession: the window's one way to read and change a project.

It holds the project, the annotator, the open document with this annotator's spans and
frames (a cache the widgets read), and the undo stack. Every change calls
:class:`~annotator.store.project.Project` (committed on return) and only THEN emits the
matching signal, so whatever a widget shows is already on disk. Inside :meth:`batch`
several changes share one transaction and their signals are emitted after its commit;
a failure rolls everything back and reloads the document.

User actions are :mod:`annotator.ui.commands` objects run by :meth:`execute`, which
pushes them on the undo stack only when their first run succeeded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..domain.errors import AnnotatorError
from ..domain.model import STATUS_IN_PROGRESS, STATUS_TODO, Document, Frame, Span
from ..domain.schema import Schema
from ..store.lock import explain
from ..store.project import DeletedSpan, Project

if TYPE_CHECKING:
    from ..store.removal import DeletedDocument
    from .commands import Action

# What a failed action may raise: bad input, a conflict, or the database refusing.
ACTION_ERRORS = (AnnotatorError, ValueError, sqlite3.Error)


class AnnotationSession(QObject):
    document_opened = Signal(str)  # document id; the caches hold its layer
    span_added = Signal(object)  # Span
    span_removed = Signal(object)  # the Span that was removed
    span_changed = Signal(object)  # Span after the change
    frame_added = Signal(object)  # Frame
    frame_removed = Signal(object)  # the Frame that was removed
    frame_changed = Signal(object)  # Frame after the change
    status_changed = Signal(str, str)  # document id, new status
    targets_changed = Signal()
    documents_changed = Signal(str)  # a document went or came back; the id to show ("": any)
    saved = Signal(str)  # a user-facing line: what was just committed
    failed = Signal(str)  # a user-facing line: what could not be done, and why

    def __init__(self, project: Project, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.annotator = annotator
        self.undo_stack = QUndoStack(self)
        self.document: Document | None = None
        self.spans: dict[str, Span] = {}
        self.frames: dict[str, Frame] = {}
        self._queue: list[tuple[Any, tuple[Any, ...]]] | None = None
        if not project.readonly:  # read-only: the project is edited in another window
            project.ensure_annotator(annotator)

    @property
    def schema(self) -> Schema:
        return self.project.schema

    @property
    def document_id(self) -> str | None:
        return self.document.id if self.document else None

    # ----------------------------------------------------------------- signals
    def _emit(self, signal: Any, *args: Any) -> None:
        if self._queue is not None:
            self._queue.append((signal, args))
        else:
            signal.emit(*args)

    @contextmanager
    def batch(self) -> Iterator[AnnotationSession]:
        """One transaction for several changes; signals go out after the commit."""
        if self._queue is not None:  # nested: join the outer batch
            yield self
            return
        self._queue = []
        try:
            with self.project.transaction():
                yield self
        except BaseException:
            self._queue = None
            self.reload()
            raise
        queued, self._queue = self._queue, None
        for signal, args in queued:
            signal.emit(*args)

    # ----------------------------------------------------------------- documents
    def open_document(self, doc_id: str | None) -> None:
        """Load ``doc_id`` (None: nothing open). A document this annotator has not begun
        (status todo, no spans) is marked in progress."""
        if doc_id is None:
            self.document, self.spans, self.frames = None, {}, {}
            self._emit(self.document_opened, "")
            return
        doc = self.project.document(doc_id)
        spans = self.project.spans(doc_id, self.annotator)
        frames = self.project.frames(doc_id, self.annotator)
        self.document = doc
        self.spans = {s.id: s for s in spans}
        self.frames = {f.id: f for f in frames}
        self._emit(self.document_opened, doc_id)
        if (not spans and not self.project.readonly
                and self.project.status(doc_id, self.annotator) == STATUS_TODO):
            self.project.set_status(doc_id, self.annotator, STATUS_IN_PROGRESS)
            self._emit(self.status_changed, doc_id, STATUS_IN_PROGRESS)

    def ensure_document(self, doc_id: str) -> None:
        if self.document_id != doc_id:
            self.open_document(doc_id)

    def reload(self) -> None:
        """Re-read the open document's layer from the project (after a failure)."""
        if self.document is not None:
            try:
                self.open_document(self.document.id)
            except AnnotatorError:
                self.open_document(None)

    def delete_documents(self, doc_ids: list[str],
                         show_after: str | None = None) -> list[DeletedDocument]:
        """Remove documents with everything annotated in them; ``show_after`` is the
        document to show next when the open one went."""
        deleted = [self.project.delete_document(d) for d in doc_ids]
        if self.document_id in doc_ids:
            self.document, self.spans, self.frames = None, {}, {}
            self._emit(self.documents_changed, show_after or "")
        else:
            self._emit(self.documents_changed, self.document_id or "")
        return deleted

    def restore_documents(self, deleted: list[DeletedDocument], show: str | None) -> None:
        """Put removed documents back (in their order); show ``show`` (None: stay)."""
        for d in sorted(deleted, key=lambda d: d.row["_rowid"]):
            self.project.restore_document(d)
        self._emit(self.documents_changed, show or self.document_id or "")

    def _here(self, document_id: str) -> bool:
        return self.document is not None and self.document.id == document_id

    # ----------------------------------------------------------------- spans
    def make_span(self, label: str, fragments: list[tuple[int, int]]) -> Span:
        """A new span (not stored) on the open document, with the label's default
        attribute values."""
        if self.document is None:
            raise ValueError("no document is open")
        ldef = self.schema.label(label)
        attrs = {a.name: a.default for a in (ldef.attributes if ldef else ())
                 if a.default is not None}
        return self.project.make_span(self.document.id, self.annotator, label, fragments,
                                      attributes=attrs)

    def add_span(self, span: Span) -> Span:
        self.project.add_span(span)
        if self._here(span.document_id):
            self.spans[span.id] = span
        self._emit(self.span_added, span)
        return span

    def delete_span(self, span_id: str) -> DeletedSpan:
        deleted = self.project.delete_span(span_id)
        self.spans.pop(span_id, None)
        self._emit(self.span_removed, deleted.span)
        self._refresh_frames({fid for fid, _, _ in deleted.roles})
        return deleted

    def restore_span(self, deleted: DeletedSpan) -> None:
        self.project.restore_span(deleted)
        if self._here(deleted.span.document_id):
            self.spans[deleted.span.id] = deleted.span
        self._emit(self.span_added, deleted.span)
        self._refresh_frames({fid for fid, _, _ in deleted.roles})

    def update_span(self, span_id: str, **changes: Any) -> tuple[Span, Span]:
        before, after = self.project.update_span(span_id, **changes)
        self._span_changed(after)
        return before, after

    def replace_span(self, span: Span) -> None:
        self.project.replace_span(span)
        self._span_changed(span)

    def _span_changed(self, span: Span) -> None:
        if self._here(span.document_id):
            self.spans[span.id] = span
        self._emit(self.span_changed, span)

    def frames_of_span(self, span_id: str) -> list[Frame]:
        return [f for f in self.frames.values() if span_id in f.span_ids()]

    # ----------------------------------------------------------------- frames
    def add_frame(self, frame: Frame) -> Frame:
        frame = self.project.add_frame(frame)
        if self._here(frame.document_id):
            self.frames[frame.id] = frame
        self._emit(self.frame_added, frame)
        return frame

    def update_frame(self, frame: Frame) -> tuple[Frame, Frame]:
        """Store ``frame``'s roles and attributes; returns (before, after)."""
        before = self.project.update_frame(frame)
        after = self.project.frame(frame.id)
        self._frame_changed(after)
        return before, after

    def replace_frame(self, frame: Frame) -> None:
        self.project.replace_frame(frame)
        self._frame_changed(frame)

    def _frame_changed(self, frame: Frame) -> None:
        if self._here(frame.document_id):
            self.frames[frame.id] = frame
        self._emit(self.frame_changed, frame)

    def delete_frame(self, frame_id: str) -> tuple[Frame, list[Frame]]:
        """Delete a frame; returns it and its child frames as they were (for undo)."""
        children = [self.project.frame(r) for r in self._child_frame_ids(frame_id)]
        old = self.project.delete_frame(frame_id)
        self.frames.pop(frame_id, None)
        self._emit(self.frame_removed, old)
        self._refresh_frames({c.id for c in children})
        return old, children

    def restore_frame(self, frame: Frame, children: list[Frame]) -> None:
        with self.batch():
            self.add_frame(frame)
            for child in children:
                self.replace_frame(child)

    def _child_frame_ids(self, frame_id: str) -> list[str]:
        return [f.id for f in self.project.frames(self.project.frame(frame_id).document_id)
                if f.parent_id == frame_id]

    def _refresh_frames(self, frame_ids: set[str]) -> None:
        for fid in sorted(frame_ids):
            try:
                frame = self.project.frame(fid)
            except AnnotatorError:
                continue
            self._frame_changed(frame)

    # ----------------------------------------------------------------- status, targets
    def set_status(self, document_id: str, status: str) -> str:
        old = self.project.set_status(document_id, self.annotator, status)
        self._emit(self.status_changed, document_id, status)
        return old

    def status(self, document_id: str | None = None) -> str:
        doc_id = document_id or self.document_id
        return self.project.status(doc_id, self.annotator) if doc_id else STATUS_TODO

    def add_target(self, name: str) -> bool:
        added = self.project.add_target(name)
        if added:
            self._emit(self.targets_changed)
        return added

    def remove_target(self, name: str) -> None:
        self.project.remove_target(name)
        self._emit(self.targets_changed)

    def target_names(self) -> list[str]:
        out: list[str] = []
        for t in self.project.targets():
            out.append(t.name)
            out.extend(t.aliases)
        return out

    # ----------------------------------------------------------------- actions
    def execute(self, action: Action) -> bool:
        """Run a user action once (one transaction) and put it on the undo stack.
        On failure nothing is stored, :attr:`failed` says why, and False is returned."""
        try:
            with self.batch():
                action.first()
        except ACTION_ERRORS as exc:
            self.failed.emit(f"Not saved: {explain(exc)}")
            return False
        action.mark_done()
        self.undo_stack.push(action)
        self.saved.emit(f"Saved: {action.text()}")
        return True
