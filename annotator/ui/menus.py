"""The main window's actions and menus. Every keyboard shortcut of the annotation window
is a QAction here, active anywhere in the window (editors keep plain keys for typing).

Menus: File, Edit, Annotate, Document, Review, Help. ``window.file_menu`` and
``window.review_menu`` are the places other features add entries (insert File entries
before ``window.actions.quit``); the Review menu hides itself while empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from .main_window import MainWindow


class WindowActions:
    """The window's fixed actions, by name; label and frame actions follow the schema."""

    def __init__(self, w: MainWindow) -> None:
        self.w = w
        c = w.controller

        def act(text: str, slot: Callable[[], object], *keys: str | QKeySequence,
                name: str = "") -> QAction:
            a = QAction(text, w)
            a.setObjectName(name or text)
            if keys:
                a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.triggered.connect(lambda _checked=False: slot())
            w.addAction(a)
            return a

        self.open_project = act("&Open project…", w.choose_project, QKeySequence.StandardKey.Open)
        self.new_project = act("&New project…", w.new_project, QKeySequence.StandardKey.New)
        self.import_files = act("&Import articles…", w.import_files, "Ctrl+I")
        self.import_folder = act("Import a &folder of articles…", w.import_folder)
        self.quit = act("&Quit", w.close, QKeySequence.StandardKey.Quit)
        self.undo = act("&Undo", w.undo, QKeySequence.StandardKey.Undo)
        self.redo = act("&Redo", w.redo, "Ctrl+Shift+Z", "Ctrl+Y")
        self.delete = act("&Delete", c.delete, QKeySequence.StandardKey.Delete, name="delete")
        self.escape = act("Clear picks / selection", w.escape, "Esc", name="escape")
        self.find = act("&Find in article…", w.view.show_find, QKeySequence.StandardKey.Find,
                        name="find")
        self.find_next = act("Find &next", lambda: w.view.find_step(+1),
                             QKeySequence.StandardKey.FindNext, name="find_next")
        self.find_prev = act("Find pre&vious", lambda: w.view.find_step(-1),
                             QKeySequence.StandardKey.FindPrevious, name="find_previous")
        self.add_fragment = act("Add selection as a &fragment of the selected span",
                                c.add_fragment, "Alt+A", name="add_fragment")
        self.add_to_frame = act("Add picked spans to the current frame",
                                c.add_picked_to_frame, name="add_to_frame")
        self.remove_from_frame = act("Remove the selected span from the current frame",
                                     lambda: c.remove_from_frame(c.selected), "Shift+Del",
                                     name="remove_from_frame")
        self.stance = act("Edit &stance", lambda: c.focus_attributes("stance"), "S",
                          name="stance")
        self.target = act("Edit &target", lambda: c.focus_attributes("target"), "T",
                          name="target")
        self.next_span = act("Next span", lambda: c.step_span(+1), "]", name="next_span")
        self.prev_span = act("Previous span", lambda: c.step_span(-1), "[", name="prev_span")
        self.snap = act("Snap selections to &whole words", w.toggle_snap, name="snap")
        self.snap.setCheckable(True)
        self.next_doc = act("&Next document", lambda: w.step_document(+1), "N",
                            name="next_document")
        self.prev_doc = act("&Previous document", lambda: w.step_document(-1), "P",
                            name="previous_document")
        self.mark_done = act("Mark &done…", w.mark_done, "Ctrl+D", name="mark_done")
        self.mark_in_progress = act("Mark in &progress", w.mark_in_progress, "Ctrl+Shift+D",
                                    name="mark_in_progress")
        self.remove_document = act("&Remove from project…", w.remove_document,
                                   name="remove_document")
        self.keyboard = act("&Keyboard…", w.show_keyboard, "F1", name="keyboard")
        self.labels: dict[str, QAction] = {}
        self.frames: dict[str, QAction] = {}

        bar = w.menuBar()
        w.file_menu = bar.addMenu("&File")
        for a in (self.open_project, self.new_project, None, self.import_files,
                  self.import_folder, None, self.quit):
            w.file_menu.addSeparator() if a is None else w.file_menu.addAction(a)
        edit = bar.addMenu("&Edit")
        for a in (self.undo, self.redo, None, self.delete, self.escape, None, self.find,
                  self.find_next, self.find_prev):
            edit.addSeparator() if a is None else edit.addAction(a)
        self.annotate_menu = bar.addMenu("A&nnotate")
        doc = bar.addMenu("&Document")
        for a in (self.next_doc, self.prev_doc, None, self.mark_done, self.mark_in_progress,
                  None, self.remove_document):
            doc.addSeparator() if a is None else doc.addAction(a)
        w.review_menu = bar.addMenu("&Review")
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.keyboard)

    def set_schema(self) -> None:
        """(Re)build the label and frame actions from the session's schema."""
        w, c = self.w, self.w.controller
        for a in [*self.labels.values(), *self.frames.values()]:
            w.removeAction(a)
            a.deleteLater()
        self.labels, self.frames = {}, {}
        menu: QMenu = self.annotate_menu
        menu.clear()
        schema = w.session.schema
        # a label key equal to a window key would make both ambiguous (neither fires)
        taken = {"N", "P", "S", "T", "[", "]"} | {f.key.upper() for f in schema.frames}
        for ldef in schema.labels:
            a = QAction(f"Tag as {ldef.name}", w)
            a.setObjectName(f"tag_{ldef.name}")
            if ldef.key and ldef.key.upper() not in taken:
                a.setShortcut(QKeySequence(ldef.key))
            a.triggered.connect(lambda _c=False, n=ldef.name: c.tag(n))
            w.addAction(a)
            menu.addAction(a)
            self.labels[ldef.name] = a
        menu.addAction(self.add_fragment)
        menu.addSeparator()
        for fdef in schema.frames:
            a = QAction(f"Make {fdef.type} frame from picked spans", w)
            a.setObjectName(f"frame_{fdef.type}")
            if fdef.key:
                a.setShortcut(QKeySequence(fdef.key))
            a.triggered.connect(lambda _c=False, t=fdef.type: c.make_frame(t))
            w.addAction(a)
            menu.addAction(a)
            self.frames[fdef.type] = a
        key = schema.frames[0].key if schema.frames else ""
        self.add_to_frame.setShortcut(QKeySequence(f"Shift+{key}") if key else QKeySequence())
        for a in (self.add_to_frame, self.remove_from_frame, None, self.stance, self.target,
                  None, self.next_span, self.prev_span, None, self.snap):
            menu.addSeparator() if a is None else menu.addAction(a)
