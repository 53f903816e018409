"""The adjudication page: the disagreements behind a dashboard cell, the current one side
by side, and keyboard decisions that build the gold layer.

Keys (active anywhere on the page; the rationale field keeps letters for typing):
``1``..``9`` accept annotator k's item · ``U`` union · ``I`` intersection · ``E`` edit…
· ``R`` reject all · ``W`` write a rationale (Enter or Esc returns) · ``Enter`` next open
disagreement · ``Shift+Enter`` previous · ``Backspace`` undo the decision on this unit ·
``Ctrl+Z`` / ``Ctrl+Shift+Z`` undo / redo decisions. Each decision is one transaction
(committed before the screen shows it) and goes on the review window's undo stack.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...agreement.adjudication import Decision
from ...agreement.disagreements import TYPES, Disagreement
from ...agreement.units import Unit
from ...domain.model import GOLD
from .data import RecordFilter, ReviewData
from .records_model import RecordsModel
from .side_by_side import SideBySideView

HINT = ("Keys: 1–{n} accept that annotator's item · U union · I intersection · E edit… · "
        "R reject all · W write rationale · Enter next · Shift+Enter previous · "
        "Backspace undo this decision · Ctrl+Z undo")


class AdjudicatePage(QWidget):
    """``decide_requested(unit, decision)`` and ``undo_unit_requested(unit)`` go to the
    review window, which applies them and calls :meth:`refresh_current`."""

    decide_requested = Signal(object, object)  # Unit, Decision
    undo_unit_requested = Signal(object)  # Unit
    edit_requested = Signal(object, str)  # Unit, base annotator

    def __init__(self, data: ReviewData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = data
        self.filter = RecordFilter()
        self.records: list[Disagreement] = []
        self.current_row = -1
        self.focus_annotator = ""

        self.filter_label = QLabel()
        self.filter_label.setTextFormat(Qt.TextFormat.PlainText)
        self.type_box = QComboBox()
        self.type_box.addItems(["any type", *TYPES])
        self.type_box.currentIndexChanged.connect(self._type_changed)
        self.open_only = QCheckBox("only undecided")
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(lambda _on: self.reload_records())
        show_all = QPushButton("Show all disagreements")
        show_all.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        show_all.clicked.connect(lambda: self.set_filter(RecordFilter()))
        top = QHBoxLayout()
        top.addWidget(self.filter_label, 1)
        top.addWidget(self.type_box)
        top.addWidget(self.open_only)
        top.addWidget(show_all)

        self.model = RecordsModel(self.data.document, self._decided)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(200)  # measure a few rows, not all of them
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._row_changed(cur.row()))

        self.view = SideBySideView()
        self.rationale = QLineEdit()
        self.rationale.setPlaceholderText("Rationale for the next decision (W to write here)")
        self.rationale.returnPressed.connect(self._leave_rationale)
        self.buttons = QHBoxLayout()
        self.accept_buttons: list[QPushButton] = []
        for text, slot in (("U  Union", lambda: self.decide("union")),
                           ("I  Intersection", lambda: self.decide("intersection")),
                           ("E  Edit…", self.edit),
                           ("R  Reject all", lambda: self.decide("reject")),
                           ("⌫  Undo decision", self.undo_unit),
                           ("Enter  Next", lambda: self.step(+1))):
            b = QPushButton(text)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(slot)
            self.buttons.addWidget(b)
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #606060;")
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        rl.addWidget(self.view, 1)
        self.accept_row = QHBoxLayout()
        rl.addLayout(self.accept_row)
        rl.addLayout(self.buttons)
        rl.addWidget(self.rationale)
        rl.addWidget(self.message)
        rl.addWidget(self.hint)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setSizes([220, 600])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self._actions()
        self.loaded = False
        self.view.clear("Choose a figure on the Agreement tab to see the disagreements "
                        "behind it, or Show all disagreements.")

    # ------------------------------------------------------------------ keys
    def _actions(self) -> None:
        def act(keys: list[str], slot: Callable[[], object], name: str) -> QAction:
            a = QAction(name, self)
            a.setObjectName(name)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.triggered.connect(lambda _c=False: slot())
            self.addAction(a)
            return a

        for k in range(1, 10):
            act([str(k)], lambda k=k: self.accept_nth(k), f"accept_{k}")
        act(["U"], lambda: self.decide("union"), "union")
        act(["I"], lambda: self.decide("intersection"), "intersection")
        act(["E"], self.edit, "edit")
        act(["R"], lambda: self.decide("reject"), "reject")
        act(["W"], self.rationale.setFocus, "write_rationale")
        act(["Return", "Enter"], lambda: self.step(+1), "next")
        act(["Shift+Return", "Shift+Enter"], lambda: self.step(-1), "previous")
        act(["Backspace"], self.undo_unit, "undo_unit")
        act(["Esc"], self._leave_rationale, "leave_rationale")

    def _leave_rationale(self) -> None:
        self.table.setFocus()

    # ------------------------------------------------------------------ records
    def ensure_loaded(self) -> None:
        """List every disagreement the first time the page is shown without a filter."""
        if not self.loaded:
            self.set_filter(self.filter)

    def set_filter(self, flt: RecordFilter) -> None:
        self.loaded = True
        self.filter = flt
        self.type_box.blockSignals(True)
        self.type_box.setCurrentIndex(TYPES.index(flt.type) + 1 if flt.type in TYPES else 0)
        self.type_box.blockSignals(False)
        self.reload_records()

    def _type_changed(self, index: int) -> None:
        t = TYPES[index - 1] if index > 0 else None
        f = self.filter
        self.filter = RecordFilter(f.label, f.pair, f.document_id, t, f.kind)
        self.reload_records()

    def _decided(self, record: Disagreement) -> bool:
        """A record is decided when a live decision considered one of its items."""
        considered = self.data.gold(record.document_id).considered
        return any(i is not None and i in considered for i in record.items)

    def reload_records(self, keep: Disagreement | None = None) -> None:
        records = self.data.filtered(self.filter)
        if self.open_only.isChecked():
            records = [r for r in records if not self._decided(r) or r == keep]
        self.records = records
        self.filter_label.setText(f"{self.filter.describe()} — {len(records)} "
                                  "disagreement(s)")
        self.current_row = -1
        self.model.set_records(records)
        row = records.index(keep) if keep in records else (0 if records else -1)
        if row >= 0:
            self.select_row(row)
        else:
            self.view.clear("No disagreements here." if not self.data.records()
                            else "Nothing left to decide in this list.")
            self._accept_buttons(None)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self._row_changed(row)

    def _row_changed(self, row: int) -> None:
        if row == self.current_row or not (0 <= row < len(self.records)):
            return
        self.current_row = row
        self.show_record(self.records[row])

    def current_record(self) -> Disagreement | None:
        return self.records[self.current_row] if 0 <= self.current_row < len(
            self.records) else None

    def current_unit(self) -> Unit | None:
        r = self.current_record()
        return self.data.unit_for(r) if r else None

    def show_record(self, record: Disagreement) -> None:
        unit = self.data.unit_for(record)
        if unit is None:
            only = next((a for a, i in zip(record.annotators, record.items, strict=True)
                         if i is not None), "")
            self.view.clear(f"Only {only} has this item; nothing of the compared annotators' "
                            "to adjudicate here." if only == GOLD else
                            "This disagreement's items are no longer in the project.")
            self._accept_buttons(None)
            return
        units = self.data.units(record.document_id)
        self.view.show_unit(units, unit, self.data.gold(record.document_id),
                            self.data.colours())
        self._accept_buttons(unit)
        self.hint.setText(HINT.format(n=len(units.annotators)))

    def refresh_current(self) -> None:
        """Re-show the current record and the states (after a decision or an undo)."""
        r = self.current_record()
        if r is not None:
            self.show_record(r)
        self.model.states_changed()

    def _accept_buttons(self, unit: Unit | None) -> None:
        for b in self.accept_buttons:
            self.accept_row.removeWidget(b)
            b.hide()
            b.deleteLater()
        self.accept_buttons = []
        if unit is None:
            return
        for k, ann in enumerate(self.data.units(unit.document_id).annotators, 1):
            b = QPushButton(f"{k}  Accept {ann}")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setEnabled(unit.item(ann) is not None)
            b.clicked.connect(lambda _c=False, k=k: self.accept_nth(k))
            self.accept_row.addWidget(b)
            self.accept_buttons.append(b)

    # ------------------------------------------------------------------ decisions
    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message.setText(text)

    def accept_nth(self, k: int) -> None:
        unit = self.current_unit()
        if unit is None:
            return
        anns = self.data.units(unit.document_id).annotators
        if not 1 <= k <= len(anns):
            self.say(f"There is no annotator {k} here (1–{len(anns)}).", error=True)
            return
        ann = anns[k - 1]
        if unit.item(ann) is None:
            self.say(f"{ann} has nothing here to accept; R rejects all, E writes an item.",
                     error=True)
            return
        self.focus_annotator = ann
        self.decide("accept", ann)

    def decide(self, kind: str, annotator: str | None = None) -> None:
        unit = self.current_unit()
        if unit is None:
            return
        self.decide_requested.emit(unit, Decision(kind, annotator=annotator,
                                                  rationale=self.rationale.text().strip()))

    def edit(self) -> None:
        unit = self.current_unit()
        if unit is None:
            return
        base = self.focus_annotator if unit.item(self.focus_annotator) is not None else next(
            (a for a, _ in unit.items), "")
        self.edit_requested.emit(unit, base)

    def undo_unit(self) -> None:
        unit = self.current_unit()
        if unit is not None:
            self.undo_unit_requested.emit(unit)

    def step(self, direction: int) -> None:
        """Go to the next (previous) undecided disagreement in the list."""
        if self.focusWidget() is self.rationale:
            self._leave_rationale()
            return
        n = len(self.records)
        row = self.current_row
        for _ in range(n):
            row += direction
            if not 0 <= row < n:
                break
            if not self._decided(self.records[row]):
                self.select_row(row)
                return
        self.say("No more undecided disagreements " + ("below." if direction > 0
                                                       else "above."))

