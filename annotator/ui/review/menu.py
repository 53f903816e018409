"""The main window's Review menu: Merge…, Agreement dashboard…, Adjudicate….

``install_review_menu(window)`` adds the actions to ``window.review_menu`` (see
:mod:`annotator.ui.menus`). Merge asks for project files / canonical exports, merges them
all-or-nothing (:func:`annotator.formats.merge.merge_sources`), offers to take the
incoming layers when the project holds different ones by the same annotator, then reloads
the window. The review window is one per main window, closed when the project changes.
Merging and the review window are imported when first used (start-up time).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from ...domain.errors import AnnotatorError
from ..fields import plain_tip  # escaped rich text: message boxes show file names literally

if TYPE_CHECKING:
    from ...formats.merge import MergeReport
    from ..main_window import MainWindow
    from .window import ReviewWindow

MERGE_FILTER = "Projects and exports (*.db *.annotator *.jsonl);;All files (*)"


class ReviewMenu:
    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.review: ReviewWindow | None = None
        menu = window.review_menu
        self.merge = QAction("&Merge annotators' work…", window)
        self.merge.setObjectName("review_merge")
        self.merge.triggered.connect(lambda _c=False: self.choose_and_merge())
        self.dashboard = QAction("Agreement &dashboard…", window)
        self.dashboard.setObjectName("review_dashboard")
        self.dashboard.setShortcut("Ctrl+Shift+A")
        self.dashboard.triggered.connect(lambda _c=False: self.open_review(adjudicate=False))
        self.adjudicate = QAction("&Adjudicate…", window)
        self.adjudicate.setObjectName("review_adjudicate")
        self.adjudicate.setShortcut("Ctrl+Shift+J")
        self.adjudicate.triggered.connect(lambda _c=False: self.open_review(adjudicate=True))
        for a in (self.merge, self.dashboard, self.adjudicate):
            window.addAction(a)
        menu.addAction(self.merge)
        # merging brings data into the project, so File lists it too (same action)
        window.file_menu.insertAction(window.actions.quit, self.merge)
        window.file_menu.insertSeparator(window.actions.quit)
        menu.addSeparator()
        menu.addAction(self.dashboard)
        menu.addAction(self.adjudicate)
        menu.menuAction().setVisible(True)
        window.project_changed.connect(self.close_review)

    # ------------------------------------------------------------------ merge
    def choose_and_merge(self) -> MergeReport | None:
        from PySide6.QtWidgets import QFileDialog  # here: start-up time

        paths, _ = QFileDialog.getOpenFileNames(
            self.w, "Merge other annotators' work", str(self.w._dialog_dir()), MERGE_FILTER)
        return self.merge_paths(paths) if paths else None

    def merge_paths(self, paths: list[str]) -> MergeReport | None:
        from PySide6.QtWidgets import QMessageBox

        from ...formats.merge import merge_sources

        project = self.w.project
        if project.readonly:
            QMessageBox.warning(self.w, "Nothing merged", "This window is read-only (another "
                                "window is editing the project); merge there.")
            return None
        try:
            report = merge_sources(project, paths)
        except sqlite3.Error as exc:
            QMessageBox.warning(self.w, "Nothing merged", f"The project refused the merge: {exc}")
            return None
        except AnnotatorError as exc:
            if "--replace" not in str(exc):
                QMessageBox.warning(self.w, "Nothing merged", plain_tip(str(exc)))
                return None
            answer = QMessageBox.question(
                self.w, "Replace layers?",
                plain_tip(f"{exc}\n\nTake the incoming layers instead of this project's?"
                          .replace(" (use --replace to take the incoming layer)", "")))
            if answer != QMessageBox.StandardButton.Yes:
                self.w.show_message("Nothing merged.")
                return None
            try:
                report = merge_sources(project, paths, replace=True)
            except (AnnotatorError, sqlite3.Error) as exc2:
                QMessageBox.warning(self.w, "Nothing merged", plain_tip(str(exc2)))
                return None
        own = self.w.session.annotator
        if any(a == own for _, a, *_ in [*report.layers_added, *report.layers_replaced]):
            self.w.session.undo_stack.clear()  # the undo history no longer matches
        self.w.reload()
        if self.review is not None:
            self.review.refresh()
        self.w.show_message(f"Merged: {report.summary()}." if report.changed
                            else "Nothing new: the project already holds all of it.")
        return report

    # ------------------------------------------------------------------ review window
    def open_review(self, adjudicate: bool) -> ReviewWindow:
        from .window import ReviewWindow

        if self.review is None:
            self.review = ReviewWindow(self.w.project, self.w.session.annotator)
            self.review.destroyed.connect(self._forget)
            self.review.gold_changed.connect(self._gold_changed)
        else:
            self.review.refresh()
        if adjudicate:
            self.review.show_adjudication()
        else:
            self.review.show_dashboard()
        self.review.show()
        self.review.raise_()
        self.review.activateWindow()
        return self.review

    def _gold_changed(self) -> None:
        self.w.show_message("Gold layer updated in the review window.")

    def _forget(self, *_args: object) -> None:
        self.review = None

    def close_review(self) -> None:
        if self.review is not None:
            self.review.close()
            self.review.deleteLater()
            self.review = None


def install_review_menu(window: MainWindow) -> ReviewMenu:
    return ReviewMenu(window)
