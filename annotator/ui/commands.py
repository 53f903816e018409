"""User actions as QUndoCommands, each mapped onto exact Project calls.

An :class:`Action` runs once through :meth:`AnnotationSession.execute` (``first``), which
pushes it on the undo stack only if that run committed; QUndoStack's own first ``redo`` is
then skipped. ``undo``/``redo`` restore exactly what was there (the stored span or frame
before and after, a deleted span with its frame roles, the previous status). An undo or
redo of an action on another document first opens that document, so the user sees it.
Each undo/redo runs in one transaction; a failure is reported and the document reloaded.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from ..domain.model import Frame, Span
from ..domain.text import short
from ..store.lock import explain
from ..store.project import DeletedSpan
from ..store.removal import DeletedDocument
from .session import ACTION_ERRORS, AnnotationSession


class Action(QUndoCommand):
    def __init__(self, session: AnnotationSession, document_id: str, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.document_id = document_id
        self._skip_redo = False

    # subclasses implement these three
    def first(self) -> None:
        self.do_redo()

    def do_redo(self) -> None:
        raise NotImplementedError

    def do_undo(self) -> None:
        raise NotImplementedError

    def mark_done(self) -> None:
        self._skip_redo = True

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._run(self.do_redo, "Redone")

    def undo(self) -> None:
        self._run(self.do_undo, "Undone")

    def _run(self, step: Any, verb: str) -> None:
        s = self.session
        try:
            with s.batch():
                if self.document_id:
                    s.ensure_document(self.document_id)
                step()
        except ACTION_ERRORS as exc:
            s.failed.emit(f"{verb} failed: {explain(exc)}")
            return
        s.saved.emit(f"Saved: {verb.lower()} {self.text()}")


def describe(span: Span) -> str:
    return f"{span.label} “{short(span.text, 30)}”"


class TagSpan(Action):
    def __init__(self, session: AnnotationSession, span: Span) -> None:
        super().__init__(session, span.document_id, f"tag {describe(span)}")
        self.span = span

    def do_redo(self) -> None:
        self.session.add_span(self.span)

    def do_undo(self) -> None:
        self.session.delete_span(self.span.id)


class DeleteSpan(Action):
    def __init__(self, session: AnnotationSession, span: Span) -> None:
        super().__init__(session, span.document_id, f"delete {describe(span)}")
        self.span_id = span.id
        self.deleted: DeletedSpan | None = None

    def do_redo(self) -> None:
        self.deleted = self.session.delete_span(self.span_id)

    def do_undo(self) -> None:
        assert self.deleted is not None
        self.session.restore_span(self.deleted)


class EditSpan(Action):
    """Change a span's label, fragments, attributes or note (``Project.update_span``)."""

    def __init__(self, session: AnnotationSession, span: Span, text: str,
                 **changes: Any) -> None:
        super().__init__(session, span.document_id, text)
        self.span_id = span.id
        self.changes = changes
        self.before: Span | None = None
        self.after: Span | None = None

    def first(self) -> None:
        self.before, self.after = self.session.update_span(self.span_id, **self.changes)

    def do_redo(self) -> None:
        assert self.after is not None
        self.session.replace_span(self.after)

    def do_undo(self) -> None:
        assert self.before is not None
        self.session.replace_span(self.before)


class MakeFrame(Action):
    def __init__(self, session: AnnotationSession, frame: Frame, text: str) -> None:
        super().__init__(session, frame.document_id, text)
        self.frame = frame

    def do_redo(self) -> None:
        self.frame = self.session.add_frame(self.frame)

    def do_undo(self) -> None:
        self.session.delete_frame(self.frame.id)


class EditFrame(Action):
    """Replace a frame's roles and attributes (``Project.update_frame``)."""

    def __init__(self, session: AnnotationSession, frame: Frame, text: str) -> None:
        super().__init__(session, frame.document_id, text)
        self.new = frame
        self.before: Frame | None = None
        self.after: Frame | None = None

    def first(self) -> None:
        self.before, self.after = self.session.update_frame(self.new)

    def do_redo(self) -> None:
        assert self.after is not None
        self.session.replace_frame(self.after)

    def do_undo(self) -> None:
        assert self.before is not None
        self.session.replace_frame(self.before)


class DeleteFrame(Action):
    def __init__(self, session: AnnotationSession, frame: Frame, text: str) -> None:
        super().__init__(session, frame.document_id, text)
        self.frame_id = frame.id
        self.old: Frame | None = None
        self.children: list[Frame] = []

    def do_redo(self) -> None:
        self.old, self.children = self.session.delete_frame(self.frame_id)

    def do_undo(self) -> None:
        assert self.old is not None
        self.session.restore_frame(self.old, self.children)


class DeleteDocument(Action):
    """Remove a document and everything annotated in it; undo puts it all back."""

    def __init__(self, session: AnnotationSession, document_id: str, show_after: str | None,
                 text: str) -> None:
        super().__init__(session, "", text)  # not opened first: it is gone on undo
        self.doc_id, self.show_after = document_id, show_after
        self.deleted: list[DeletedDocument] = []

    def do_redo(self) -> None:
        self.deleted = self.session.delete_documents([self.doc_id], self.show_after)

    def do_undo(self) -> None:
        self.session.restore_documents(self.deleted, show=self.doc_id)


class ImportArticles(Action):
    """Articles an import wrote (before this is pushed): undo takes them out again, with
    anything done to them since that is not on the undo stack; redo puts them back."""

    def __init__(self, session: AnnotationSession, document_ids: list[str], text: str) -> None:
        super().__init__(session, "", text)
        self.ids = list(document_ids)
        self.deleted: list[DeletedDocument] = []

    def first(self) -> None:
        """Nothing to write: the import has committed the articles."""

    def do_redo(self) -> None:
        self.session.restore_documents(self.deleted, show=None)
        self.deleted = []

    def do_undo(self) -> None:
        present = {d.id for d in self.session.project.documents()}
        self.deleted = self.session.delete_documents([i for i in self.ids if i in present])


class SetStatus(Action):
    def __init__(self, session: AnnotationSession, document_id: str, status: str,
                 title: str = "") -> None:
        super().__init__(session, document_id,
                         f"mark “{short(title, 30)}” {status}" if title else f"mark {status}")
        self.status = status
        self.old: str | None = None

    def first(self) -> None:
        self.old = self.session.set_status(self.document_id, self.status)

    def do_redo(self) -> None:
        self.session.set_status(self.document_id, self.status)

    def do_undo(self) -> None:
        assert self.old is not None
        self.session.set_status(self.document_id, self.old)


class AddTarget(Action):
    """Register a target name; undo removes it again only if this action added it."""

    def __init__(self, session: AnnotationSession, document_id: str, name: str) -> None:
        super().__init__(session, document_id, f"add target “{short(name, 30)}”")
        self.name = name
        self.added = False

    def first(self) -> None:
        self.added = self.session.add_target(self.name)

    def do_redo(self) -> None:
        if self.added:
            self.session.add_target(self.name)

    def do_undo(self) -> None:
        if self.added:
            self.session.remove_target(self.name)


class Macro(Action):
    """Several actions as one undo step (e.g. register a new target and set it)."""

    def __init__(self, session: AnnotationSession, text: str, parts: list[Action]) -> None:
        super().__init__(session, parts[0].document_id if parts else "", text)
        self.parts = parts

    def first(self) -> None:
        for part in self.parts:
            part.first()

    def do_redo(self) -> None:
        for part in self.parts:
            part.do_redo()

    def do_undo(self) -> None:
        for part in reversed(self.parts):
            part.do_undo()
