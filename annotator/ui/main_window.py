"""The main window: documents | article | labelling panel, menus, status bar.

Dialogs are imported when first opened (start-up time, benchmarks/bench_ui_start.py).

Composition: an :class:`AnnotationSession` (project + annotator + undo stack) feeds the
:class:`DocumentsPane`, and an :class:`AnnotationController` drives the
:class:`ArticleView`, :class:`LabelPanel` and :class:`FramePanel`. Keyboard shortcuts are
window actions (:mod:`annotator.ui.menus`).

Extension points for other features:
- ``window.session`` / ``window.project``: the current session and project;
- ``window.file_menu`` (insert before ``window.actions.quit``) and ``window.review_menu``;
- ``window.project_changed`` is emitted after another project was opened;
- ``window.reload()`` re-reads documents and the open document after an outside change
  (an import or merge done through the project).

Persistence (per project file, :class:`Settings`): geometry, window state, splitter
sizes, status filter, the last document and its scroll position; saved on close and on
switching projects, restored when the window opens.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import AnnotatorError
from ..domain.model import STATUS_DONE, STATUS_IN_PROGRESS
from ..domain.text import short
from ..store.project import Project
from . import commands as C
from .article_view import ArticleView
from .controller import AnnotationController
from .data_actions import install_data_actions
from .documents_pane import DocumentsPane
from .frame_panel import FramePanel
from .label_panel import LabelPanel
from .menus import WindowActions
from .review.menu import install_review_menu
from .session import AnnotationSession
from .settings import Settings

DEFAULT_SIZES = [270, 760, 360]


class MainWindow(QMainWindow):
    project_changed = Signal()

    def __init__(self, session: AnnotationSession, settings: Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.session = session
        self._offsets: dict[str, int] = {}
        self._restored = False
        self._sizes: list[int] = []
        self.file_menu: QMenu
        self.review_menu: QMenu
        self.setObjectName("main_window")
        self.resize(1400, 860)

        self.documents = DocumentsPane()
        self.view = ArticleView()
        self.label_panel = LabelPanel()
        self.frame_panel = FramePanel()
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 6, 6, 6)
        self.label_panel.setSizePolicy(QSizePolicy.Policy.Preferred,
                                       QSizePolicy.Policy.Maximum)
        rl.addWidget(self.label_panel)
        rl.addWidget(self.frame_panel, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(right)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(6, 6, 0, 6)
        ll.addWidget(self.documents)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes(DEFAULT_SIZES)
        self.setCentralWidget(self.splitter)

        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setObjectName("status_message")
        self.who = QLabel()
        self.who.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.who)

        self.controller = AnnotationController(self.view, self.label_panel, self.frame_panel,
                                               self)
        self.controller.message.connect(self.show_message)
        self.documents.document_chosen.connect(self.open_document)
        self.documents.mark_done_clicked.connect(self.mark_done)
        self.actions = WindowActions(self)
        self.review_actions = install_review_menu(self)  # Review: merge, agreement, adjudicate
        self.data_actions = install_data_actions(self)  # File: Export…, Import annotations…
        self._bind(session)
        self._restore_state()

    # ----------------------------------------------------------------- session
    @property
    def project(self) -> Project:
        return self.session.project

    def _bind(self, session: AnnotationSession) -> None:
        self.session = session
        session.setParent(self)
        self.controller.bind(session)
        self.actions.set_schema()
        s = session
        # bound methods only: Qt drops these connections when the window goes
        s.saved.connect(self.show_message)
        s.failed.connect(self._show_failure)
        s.status_changed.connect(self.documents.set_status)
        s.status_changed.connect(self._update_title)
        s.span_added.connect(self.documents.span_added)
        s.span_removed.connect(self.documents.span_removed)
        s.document_opened.connect(self._document_opened)
        s.documents_changed.connect(self._documents_changed)
        stack = s.undo_stack
        stack.canUndoChanged.connect(self.actions.undo.setEnabled)
        stack.canRedoChanged.connect(self.actions.redo.setEnabled)
        stack.undoTextChanged.connect(self._undo_text)
        stack.redoTextChanged.connect(self._redo_text)
        self.actions.undo.setEnabled(False)
        self.actions.redo.setEnabled(False)
        self.documents.load(self.project, s.annotator)
        name = self.project.path.name if self.project.path else "in memory"
        self.who.setText(f"{s.annotator}  ·  {name}")
        self.view.snap_to_words = self.settings.snap_to_words
        self.actions.snap.setChecked(self.view.snap_to_words)

    def set_project(self, project: Project) -> None:
        """Switch to another project (same annotator); the old one is saved and closed."""
        self.save_state()
        old = self.session
        new = AnnotationSession(project, old.annotator)
        old.blockSignals(True)
        old.undo_stack.clear()
        self._bind(new)
        old.project.close()
        old.deleteLater()
        self._offsets = {}
        self._restored = False
        self._restore_state()
        self._restore_position()
        self.project_changed.emit()

    def reload(self) -> None:
        self.documents.load(self.project, self.session.annotator)
        doc_id = self.session.document_id
        self.session.open_document(doc_id if doc_id in self.documents.items
                                   else self.documents.first_id())

    # ----------------------------------------------------------------- documents
    def open_document(self, doc_id: str | None) -> None:
        current = self.session.document_id
        if current and self.view.document is not None:
            self._offsets[current] = self.view.top_offset()
        if doc_id == current:
            return
        try:
            self.session.open_document(doc_id)
        except AnnotatorError as exc:
            self.show_message(str(exc), error=True)
            return
        if doc_id and doc_id in self._offsets:
            self.view.scroll_to_offset(self._offsets[doc_id])

    def _document_opened(self, doc_id: str) -> None:
        self.documents.set_current(doc_id or None)
        self._update_title()
        if doc_id:
            self.controller.focus_article()

    def _undo_text(self, text: str) -> None:  # && : an & in span text is not a mnemonic
        self.actions.undo.setText(f"&Undo {short(text, 50).replace('&', '&&')}" if text
                                  else "&Undo")

    def _redo_text(self, text: str) -> None:
        self.actions.redo.setText(f"&Redo {short(text, 50).replace('&', '&&')}" if text
                                  else "&Redo")

    def _show_failure(self, text: str) -> None:
        self.show_message(text, error=True)

    def _update_title(self, *_changed: object) -> None:
        doc = self.session.document
        name = self.project.path.name if self.project.path else "in memory"
        parts = [short(doc.title or doc.id, 70)] if doc else []
        if doc:
            parts.append(self.session.status())
        self.setWindowTitle(" — ".join([*parts, name, "Annotator"]))

    def step_document(self, step: int) -> None:
        target = self.documents.neighbour(step)
        if target is None:
            self.show_message("No more documents " + ("after" if step > 0 else "before")
                              + " this one in the list.")
            return
        self.open_document(target)

    def mark_done(self) -> None:
        doc = self.session.document
        if doc is None:
            return
        if self.session.status() == STATUS_DONE:
            self.show_message("This document is already done.")
            return
        from ..domain.checks import check_layer

        problems = check_layer(self.session.spans.values(), self.session.frames.values(),
                               self.session.schema)
        if problems:
            from .dialogs import FIX, OVERRIDE, ChecksDialog

            dialog = ChecksDialog(problems, doc.title or doc.id, self)
            result = dialog.exec()
            self.activateWindow()
            if result == FIX:
                self._go_to_problem(dialog.chosen())
                return
            if result != OVERRIDE:
                return
        text_done = f"mark “{short(doc.title or doc.id, 30)}” done" + (
            f" despite {len(problems)} problem(s)" if problems else "")
        action = C.SetStatus(self.session, doc.id, STATUS_DONE, doc.title or doc.id)
        action.setText(text_done)
        self.session.execute(action)

    def _go_to_problem(self, problem: object) -> None:
        from ..domain.checks import Problem

        if not isinstance(problem, Problem):
            return
        if problem.frame_id:
            self.controller.choose_frame(problem.frame_id)
        elif problem.span_id:
            self.controller.select_span(problem.span_id)
        self.show_message(f"To fix: {problem.message}")

    def remove_document(self) -> None:
        """Document → Remove from project: asks, then removes it with every annotator's
        work in it (undoable)."""
        doc = self.session.document
        if doc is None:
            self.show_message("No document is open.")
            return
        if self.project.readonly:
            self.show_message("Not removed: this window is read-only (the project is being "
                              "edited in another window).", error=True)
            return
        spans, frames = self.project.spans(doc.id), self.project.frames(doc.id)
        who = sorted({i.annotator for i in (*spans, *frames)})
        what = (f"Everything annotated in it goes too: {len(spans)} span(s) and "
                f"{len(frames)} frame(s) by {', '.join(who)}." if who
                else "Nobody has annotated it yet.")
        from .dialogs import confirm

        if not confirm(self, "Remove document", f"Remove “{short(doc.title or doc.id, 70)}” "
                       "from this project?", what + " Edit → Undo brings it all back.",
                       yes="Remove"):
            return
        after = self.documents.neighbour(+1) or self.documents.neighbour(-1)
        title = short(doc.title or doc.id, 40)
        self.session.execute(C.DeleteDocument(self.session, doc.id, after,
                                              f"remove document “{title}”"))

    def _documents_changed(self, show: str) -> None:
        self.documents.load(self.project, self.session.annotator)
        items = self.documents.items
        target = show if show in items else (self.session.document_id
                                             if self.session.document_id in items
                                             else self.documents.first_id())
        self.session.open_document(target)

    def mark_in_progress(self) -> None:
        doc = self.session.document
        if doc is not None and self.session.status() != STATUS_IN_PROGRESS:
            self.session.execute(C.SetStatus(self.session, doc.id, STATUS_IN_PROGRESS,
                                             doc.title or doc.id))

    # ----------------------------------------------------------------- edit
    def undo(self) -> None:
        if self.session.undo_stack.canUndo():
            self.session.undo_stack.undo()
        else:
            self.show_message("Nothing to undo.")

    def redo(self) -> None:
        if self.session.undo_stack.canRedo():
            self.session.undo_stack.redo()
        else:
            self.show_message("Nothing to redo.")

    def escape(self) -> None:
        bar = self.view.find_bar
        if bar is not None and bar.isVisible() and bar.edit.hasFocus():
            self.view.close_find()
        elif self.focusWidget() is not self.view.text_edit:
            self.controller.focus_article()
        else:
            self.controller.clear_picks()

    def toggle_snap(self) -> None:
        self.view.snap_to_words = self.actions.snap.isChecked()
        self.settings.snap_to_words = self.view.snap_to_words

    def show_keyboard(self) -> None:
        frames = self.session.schema.frames
        from .dialogs import KeyboardDialog

        KeyboardDialog(frames[0].key if frames else "A", self).exec()

    def show_message(self, text: str, error: bool = False) -> None:
        self.status_label.setStyleSheet("color: #b00020;" if error else "")
        self.status_label.setText(text)

    # ----------------------------------------------------------------- projects, import
    def choose_project(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", str(self._dialog_dir()),
            "Annotator projects (*.db *.annotator);;All files (*)")
        if path:
            self._open_project(path, create=False)

    def new_project(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(
            self, "New project", str(self._dialog_dir() / "project.annotator.db"),
            "Annotator projects (*.db)")
        if not path:
            return
        if Path(path).exists():
            from .dialogs import show_error

            show_error(self, "New project", f"{path} already exists.",
                       "Use File → Open project to open it.")
            return
        if self._open_project(path, create=True):
            self.show_message(f"Created {Path(path).name}. Import articles with File → "
                              "Import articles (Ctrl+I).")

    def _open_project(self, path: str, create: bool) -> bool:
        try:
            project = Project.open(path, create=create)
        except AnnotatorError as exc:
            from .dialogs import show_error

            show_error(self, "Cannot open project", str(exc))
            return False
        guard = getattr(self, "guard", None)  # annotator.ui.watch: lease or read-only
        if guard is not None:
            guard.prepare(project)
        self.set_project(project)
        return True

    def _dialog_dir(self) -> Path:
        return self.project.path.parent if self.project.path else Path.home()

    def import_files(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", str(self._dialog_dir()),
            "Articles (*.txt *.jsonl);;All files (*)")
        if paths:
            self.import_paths(paths)

    def import_folder(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path = QFileDialog.getExistingDirectory(self, "Import a folder of articles",
                                                str(self._dialog_dir()))
        if path:
            self.import_paths([path])

    def import_paths(self, paths: list[str]) -> None:
        from .dialogs import import_with_progress

        report = import_with_progress(self.project, paths, self)
        if report is None:
            return
        self.reload()
        if report.added:  # undoable: Edit → Undo takes the new articles out again
            n = len(report.added)
            self.session.execute(C.ImportArticles(
                self.session, report.added, f"import {n} article{'s' if n != 1 else ''}"))
        self.show_message(f"Saved: imported {report.summary()}.")

    # ----------------------------------------------------------------- persistence
    def _key(self) -> Path | None:
        return self.project.path

    def save_state(self) -> None:
        st, key = self.settings, self._key()
        st.put(key, "geometry", self.saveGeometry())
        st.put(key, "state", self.saveState())
        st.put(key, "splitter", self.splitter.sizes())
        st.put(key, "filter", self.documents.filter_value())
        doc_id = self.session.document_id
        st.put(key, "last_document", doc_id or "")
        if doc_id and self.view.document is not None:
            st.put(key, "last_offset", self.view.top_offset())
        if self.project.path:
            st.last_project = str(self.project.path)
        st.sync()

    def _restore_state(self) -> None:
        st, key = self.settings, self._key()
        geometry = st.get_bytes(key, "geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = st.get_bytes(key, "state")
        if state is not None:
            self.restoreState(state)
        sizes = st.get_ints(key, "splitter")
        self._sizes = sizes if len(sizes) == 3 and all(s > 0 for s in sizes) else []
        self.documents.set_filter(str(st.get(key, "filter", "all") or "all"))
        last = str(st.get(key, "last_document", "") or "")
        doc_id = last if last in self.documents.items else self.documents.first_id()
        if doc_id:
            self.session.open_document(doc_id)
            if doc_id == last:
                self._offsets[doc_id] = st.get_int(key, "last_offset", 0)

    def _restore_position(self) -> None:
        """Once the window is laid out: splitter sizes and the scroll position."""
        if self._sizes:
            self.splitter.setSizes(self._sizes)
        doc_id = self.session.document_id
        if doc_id and doc_id in self._offsets:
            self.view.scroll_to_offset(self._offsets[doc_id])
        self._restored = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.review_menu.menuAction().setVisible(not self.review_menu.isEmpty())
        if not self._restored:
            self._restore_position()
            QTimer.singleShot(0, self._restore_position)  # again, once laid out

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.save_state()
        super().closeEvent(event)
