"""Two programs on one project: the window's editing lease and changes made elsewhere.

- :func:`take_lease` runs before a window's session is made: it takes the project's editing
  lease (:class:`~annotator.store.lock.ProjectLease`) or, when another window holds it,
  makes the project read-only, so that nothing in this window can write. It also shortens
  the busy timeout to 3 s: a save waits that long for another program's write (an import),
  then fails with a "busy" message instead of freezing the window longer.
- :class:`ProjectGuard` (one per main window, :func:`install_guard`) shows a banner while
  the window is read-only, naming who edits the project, and polls once a second: when the
  other window has closed it takes the lease and makes this window editable; when another
  program (``annotator import``, ``merge``, a second window) has committed to the project
  (``PRAGMA data_version``), it re-reads the documents list and the open document and says
  so in the status bar. If this annotator's own annotations were changed there (span counts
  or statuses in the list, or the open document's layer), the undo history is cleared (its
  steps would overwrite what the other program wrote) and the message says so.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QSizePolicy, QToolBar

from ..store.lock import ProjectLease
from ..store.project import Project

POLL_MS = 1000
BUSY_MS = 3000


def take_lease(project: Project, annotator: str) -> ProjectLease | None:
    """The editing lease for ``project``; read-only when someone else holds it."""
    # a window waits at most this long for another program's write, then says "busy"
    project.set_busy_timeout(BUSY_MS)
    if project.path is None:
        return None
    lease = ProjectLease(project.path)
    if not lease.acquire(annotator):
        project.set_readonly(True)
    return lease


class ProjectGuard(QObject):
    """Lease, read-only banner and outside-change watch for one main window."""

    def __init__(self, window: QMainWindow, lease: ProjectLease | None,
                 interval_ms: int = POLL_MS) -> None:
        super().__init__(window)
        self.window = window
        self.lease = lease
        self._pending: ProjectLease | None = None
        self.banner = QToolBar("Read-only", window)
        self.banner.setObjectName("readonly_banner")
        self.banner.setMovable(False)
        self.banner.setFloatable(False)
        self.banner.toggleViewAction().setVisible(False)
        self.banner_label = QLabel()
        self.banner_label.setTextFormat(Qt.TextFormat.PlainText)
        self.banner_label.setWordWrap(True)
        self.banner_label.setObjectName("readonly_message")
        self.banner_label.setSizePolicy(QSizePolicy.Policy.Expanding,
                                        QSizePolicy.Policy.Maximum)
        self.banner_label.setStyleSheet("padding: 4px 8px; background: #fff4ce; color: #3d2e00;")
        self.banner.addWidget(self.banner_label)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self._version = self.project.data_version()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        window.project_changed.connect(self._project_changed)
        window.destroyed.connect(self._release_all)
        window.installEventFilter(self)
        self._show_banner()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """A closed window gives up the lease and stops polling (its project may be closed
        next); shown again, it takes the lease back if it can."""
        if obj is self.window:
            if event.type() == QEvent.Type.Close:
                self.timer.stop()
                if self.lease is not None:
                    self.lease.release()
            elif event.type() == QEvent.Type.Show and not self.timer.isActive():
                if self.lease is not None and not self.lease.acquire(
                        self.window.session.annotator):
                    self.project.set_readonly(True)
                self._version = self.project.data_version()
                self._show_banner()
                self.timer.start()
        return False

    @property
    def project(self) -> Project:
        return self.window.project

    # ----------------------------------------------------------------- switching projects
    def prepare(self, project: Project) -> None:
        """Before the window switches to ``project``: lease it (or make it read-only)."""
        if self._pending is not None:
            self._pending.release()
        self._pending = take_lease(project, self.window.session.annotator)

    def _project_changed(self) -> None:
        if self.lease is not None:
            self.lease.release()
        self.lease, self._pending = self._pending, None
        self._version = self.project.data_version()
        self._show_banner()

    def _release_all(self) -> None:
        for lease in (self.lease, self._pending):
            if lease is not None:
                lease.release()

    # ----------------------------------------------------------------- polling
    def poll(self) -> None:
        if QApplication.activeModalWidget() is not None:
            return  # not under an open dialog; the next tick will do
        if self.project.readonly and self.lease is not None \
                and self.lease.acquire(self.window.session.annotator):
            self.project.set_readonly(False)
            self._show_banner()
            self.window.show_message("The other window on this project has closed: "
                                     "you can edit here now.")
        version = self.project.data_version()
        if version != self._version:
            self._version = version
            self.refresh()

    def refresh(self) -> None:
        """Re-read after another program committed to the project, and say what changed."""
        w, s = self.window, self.window.session
        before_docs = set(w.documents.items)
        doc_id = s.document_id
        before = (_layer_key(s) if doc_id else None)
        mine_before = _mine(w.documents)
        offset = w.view.top_offset() if doc_id and w.view.document is not None else None
        w.documents.load(self.project, s.annotator)
        if doc_id in w.documents.items:
            s.open_document(doc_id)
            if offset is not None:
                w.view.scroll_to_offset(offset)
        elif doc_id is not None or w.documents.items:
            s.open_document(w.documents.first_id())
        added = len(set(w.documents.items) - before_docs)
        parts = ["Another program changed this project"]
        if added:
            parts.append(f"{added} document(s) added")
        mine_changed = _mine(w.documents) != mine_before or (
            doc_id is not None and s.document_id == doc_id and _layer_key(s) != before)
        if mine_changed:
            # undo steps would restore what another program has since replaced
            s.undo_stack.clear()
            parts.append(f"{s.annotator}'s annotations were changed there, so the undo "
                         "history was cleared")
        w.show_message("; ".join(parts) + ". The list is up to date.")

    # ----------------------------------------------------------------- banner
    def _show_banner(self) -> None:
        readonly = self.project.readonly
        if readonly:
            holder = self.lease.holder() if self.lease is not None else None
            who = f" ({holder.describe()})" if holder and holder.pid else ""
            self.banner_label.setText(
                f"Read-only: this project is being edited in another window{who}.\n"
                "Nothing you do here is saved; this window becomes editable by itself when "
                "that one closes.")
        self.banner.setVisible(readonly)


def _layer_key(session: object) -> tuple:
    spans = getattr(session, "spans", {})
    frames = getattr(session, "frames", {})
    return (sorted((s.id, s.label, s.fragments, s.updated_at) for s in spans.values()),
            sorted((f.id, f.updated_at, f.span_ids()) for f in frames.values()))


def _mine(pane: object) -> tuple[dict[str, int], dict[str, str]]:
    """This annotator's span counts and statuses per document, as the list shows them."""
    counts = {d: n for d, n in getattr(pane, "counts", {}).items() if n}
    status = {d: st for d, st in getattr(pane, "status", {}).items() if st != "todo"}
    return counts, status


def install_guard(window: QMainWindow, lease: ProjectLease | None,
                  interval_ms: int = POLL_MS) -> ProjectGuard:
    guard = ProjectGuard(window, lease, interval_ms)
    window.guard = guard  # type: ignore[attr-defined]
    return guard
