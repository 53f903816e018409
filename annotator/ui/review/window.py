"""The review window: agreement dashboard and adjudication, over one project.

Two tabs: *Agreement* (:class:`AgreementDashboard`) and *Disagreements & adjudication*
(:class:`AdjudicatePage`). A dashboard cell opens the second tab filtered to the
disagreements behind it. Decisions are written through :class:`ReviewData` (one
transaction each, committed before the screen changes) and pushed on this window's undo
stack (Ctrl+Z / Ctrl+Shift+Z); the dashboard recomputes when shown again, so after
adjudication it lists each annotator against gold. Decisions are signed with
``decided_by`` (the app's annotator name).

A report over more than ``BACKGROUND_SPANS`` spans is computed on a worker thread (the
layers are read first, on this thread; the computation touches no database or Qt
object) while the dashboard says so; the window stays usable, and a result that arrives
after the data changed is dropped.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QTabWidget, QWidget

from ...agreement.adjudication import Decision
from ...agreement.units import Unit
from ...domain.errors import AnnotatorError
from ...domain.model import GOLD
from ...domain.provenance import GoldChange
from ...store.project import Project
from .adjudicate_page import AdjudicatePage
from .dashboard import AgreementDashboard
from .data import RecordFilter, ReviewData
from .edit_dialog import EditDialog

ERRORS = (AnnotatorError, ValueError, sqlite3.Error)
DASHBOARD, ADJUDICATE = 0, 1
BACKGROUND_SPANS = 20_000  # above this many spans the report is computed off the GUI thread


class _DecisionCommand(QUndoCommand):
    """An applied decision; undo removes its gold items, redo writes them back."""

    def __init__(self, window: ReviewWindow, change: GoldChange, text: str,
                 undo: bool = False) -> None:
        super().__init__(text)
        self.window, self.change, self.inverse = window, change, undo
        self._first = True

    def redo(self) -> None:
        if self._first:  # already applied (or already undone) before it was pushed
            self._first = False
            return
        self._run(not self.inverse)

    def undo(self) -> None:
        self._run(self.inverse)

    def _run(self, apply: bool) -> None:
        data = self.window.data
        try:
            data.redo(self.change) if apply else data.undo(self.change)
        except ERRORS as exc:
            self.window.say(f"Could not {'redo' if apply else 'undo'}: {exc}", error=True)
            return
        self.window.changed()


class ReviewWindow(QMainWindow):
    gold_changed = Signal()
    _report_done = Signal(int, object)  # run number, report dict or the exception

    def __init__(self, project: Project, decided_by: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Review — {project.path.name if project.path else 'project'}")
        self.setObjectName("review_window")
        self.resize(1280, 860)
        self.decided_by = decided_by
        self.data = ReviewData(project)
        self.undo_stack = QUndoStack(self)
        self.dashboard = AgreementDashboard()
        self.page = AdjudicatePage(self.data)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.dashboard, "Agreement")
        self.tabs.addTab(self.page, "Disagreements && adjudication")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addWidget(self.status, 1)
        who = QLabel(f"deciding as {decided_by}")
        who.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(who)
        self._dirty = True
        self._run = 0  # report computations started; a late result of an older run is dropped
        self.computing = False
        self._report_done.connect(self._report_arrived)

        self.dashboard.open_records.connect(self.open_records)
        self.page.decide_requested.connect(self.decide)
        self.page.undo_unit_requested.connect(self.undo_unit)
        self.page.edit_requested.connect(self.edit)
        for name, keys, slot in (("undo", [QKeySequence.StandardKey.Undo], self.undo_stack.undo),
                                 ("redo", ["Ctrl+Shift+Z", "Ctrl+Y"], self.undo_stack.redo),
                                 ("refresh", ["F5"], self.refresh),
                                 ("close", [QKeySequence.StandardKey.Close], self.close)):
            a = QAction(name, self)
            a.setObjectName(name)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.triggered.connect(lambda _c=False, s=slot: s())
            self.addAction(a)
        self.show_dashboard()

    # ------------------------------------------------------------------ navigation
    def show_dashboard(self) -> None:
        self.tabs.setCurrentIndex(DASHBOARD)
        self._refresh_dashboard()

    def show_adjudication(self) -> None:
        self.tabs.setCurrentIndex(ADJUDICATE)
        self.page.ensure_loaded()
        self.page.table.setFocus()

    def open_records(self, flt: RecordFilter) -> None:
        self.page.set_filter(flt)
        self.show_adjudication()
        self.say(f"Showing {flt.describe()}.")

    def _tab_changed(self, index: int) -> None:
        if index == DASHBOARD and self._dirty and not self.computing:
            self._refresh_dashboard()
        elif index == ADJUDICATE:
            self.page.ensure_loaded()

    def _refresh_dashboard(self) -> None:
        self._run += 1
        self.computing = False
        cached = self.data.cached_report
        try:
            spans = self.data.span_count()
            if cached is not None or spans <= BACKGROUND_SPANS:
                self.dashboard.set_report(cached if cached is not None else self.data.report())
                self._dirty = False
                return
            job = self.data.report_job()
        except ERRORS as exc:
            self.say(f"Could not compute agreement: {exc}", error=True)
            return
        self.computing = True
        docs = len(self.data.documents())
        self.dashboard.set_busy(f"Computing agreement over {spans:,} spans in {docs:,} "
                                f"document{'s' if docs != 1 else ''}…")
        threading.Thread(target=self._compute, args=(job, self._run), daemon=True,
                         name="agreement report").start()

    def _compute(self, job: Callable[[], dict[str, Any]], run: int) -> None:
        """Worker thread: compute, then hand the result to the GUI thread (queued)."""
        result: object
        try:
            result = job()
        except Exception as exc:  # shown on the GUI thread, not lost with the thread
            result = exc
        try:
            self._report_done.emit(run, result)
        except RuntimeError:  # the window was closed meanwhile
            pass

    def _report_arrived(self, run: int, result: object) -> None:
        if run != self._run:
            return  # the data changed since this run started; a newer one follows
        self.computing = False
        if isinstance(result, Exception):
            self.say(f"Could not compute agreement: {result}", error=True)
            return
        assert isinstance(result, dict)
        self.data.keep_report(result)
        self.dashboard.set_report(result)
        self._dirty = False

    def _invalidate(self) -> None:
        """The data changed: a report being computed is out of date."""
        self._run += 1
        self.computing = False
        self._dirty = True

    def refresh(self) -> None:
        """Re-read the project (after a merge or edits in the main window)."""
        self.data.reload()
        self._invalidate()
        if self.page.loaded:
            self.page.reload_records(self.page.current_record())
        if self.tabs.currentIndex() == DASHBOARD:
            self._refresh_dashboard()

    def say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b00020;" if error else "")
        self.status.setText(text)
        self.page.say(text, error)

    def changed(self) -> None:
        """After a decision, an undo or a redo: views follow the project."""
        self._invalidate()
        self.page.refresh_current()
        self.gold_changed.emit()

    # ------------------------------------------------------------------ decisions
    def _writable(self) -> bool:
        if self.data.project.readonly:
            self.say("Read-only: another window is editing this project; decide there.",
                     error=True)
            return False
        return True

    def decide(self, unit: Unit, decision: Decision) -> None:
        if not self._writable():
            return
        try:
            change = self.data.decide(unit, decision, self.decided_by)
        except ERRORS as exc:
            self.say(f"Not decided: {exc}", error=True)
            return
        who = f" {decision.annotator}" if decision.kind == "accept" else ""
        text = f"{decision.kind}{who} ({len(change.spans)} gold span(s), " \
               f"{len(change.frames)} gold attribution(s))"
        self.undo_stack.push(_DecisionCommand(self, change, text))
        self.page.rationale.clear()
        self.changed()
        self.say(f"Saved to gold: {text}. Enter goes to the next disagreement.")

    def edit(self, unit: Unit, base: str) -> None:
        doc = self.data.document(unit.document_id)
        dialog = EditDialog(unit, base, doc.text, self.data.project.schema,
                            self.page.rationale.text().strip(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_decision is None:
            return
        self.decide(unit, dialog.result_decision)

    def undo_unit(self, unit: Unit) -> None:
        if not self._writable():
            return
        try:
            change = self.data.recorded_change(unit)
            if change is None:
                self.say("This unit has no decision to undo.")
                return
            self.data.undo(change)
        except ERRORS as exc:
            self.say(f"Not undone: {exc}", error=True)
            return
        self.undo_stack.push(_DecisionCommand(self, change, f"undo {change.decision}",
                                              undo=True))
        self.changed()
        self.say(f"Undone: the {change.decision} decision on this unit.")

    def gold_count(self) -> int:
        return sum(len(self.data.project.spans(d.id, GOLD)) for d in self.data.documents())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.undo_stack.clear()
        super().closeEvent(event)
