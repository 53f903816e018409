"""The labelling panel's upper half: the schema's labels as buttons with their keys, and
the selected span's details (text, label, attributes such as a STANCE span's polarity and
target, note, delete).

The panel shows and reports; it changes nothing itself. The controller turns its signals
into undoable actions. Buttons never take keyboard focus, so the article keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.model import Span
from ..domain.schema import Schema
from ..domain.text import short
from .fields import AttributeForm, EscapeFilter, KeyCombo, plain_label, plain_tip


def label_button_style(colour: str) -> str:
    return (f"QPushButton {{ text-align: left; padding: 5px 8px; border: 1px solid #c8c8c8;"
            f" border-left: 7px solid {colour}; border-radius: 3px; background: #fafafa; }}"
            f"QPushButton:hover {{ background: #eef3fb; }}"
            f"QPushButton:pressed {{ background: #dde7f5; }}")


class LabelPanel(QWidget):
    label_clicked = Signal(str)  # a label button was pressed
    relabel_requested = Signal(str)  # new label for the selected span
    attribute_edited = Signal(str, object)  # selected span's attribute, value
    note_edited = Signal(str)
    delete_clicked = Signal()
    escaped = Signal()  # Escape in an editor: focus back to the article

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schema: Schema | None = None
        self.span: Span | None = None
        self.buttons: dict[str, QPushButton] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        self.labels_box = QGroupBox("Labels")
        self.labels_grid = QGridLayout(self.labels_box)
        self.labels_grid.setSpacing(4)
        outer.addWidget(self.labels_box)

        self.span_box = QGroupBox("Selected span")
        box = QVBoxLayout(self.span_box)
        self.stack = QStackedWidget()
        self.empty = plain_label("No span selected.\nSelect text and press a label key,\n"
                                 "or click a span.")
        self.empty.setStyleSheet("color: #777;")
        self.stack.addWidget(self.empty)
        details = QWidget()
        d = QVBoxLayout(details)
        d.setContentsMargins(0, 0, 0, 0)
        # one line each, clipped when narrow: wrapped labels would make the panel's height
        # depend on its width and push the frame editor out of sight
        self.span_text = plain_label()
        self.span_text.setStyleSheet("font-style: italic;")
        self.span_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.span_info = plain_label()
        for label in (self.span_text, self.span_info):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.span_info.setStyleSheet("color: #666;")
        row = QHBoxLayout()
        row.addWidget(plain_label("label"))
        self.label_combo = KeyCombo()
        self.label_combo.setObjectName("span_label")
        self.label_combo.activated.connect(self._label_chosen)
        self.label_combo.escaped.connect(self.escaped)
        row.addWidget(self.label_combo, 1)
        self.attributes = AttributeForm()
        self.attributes.edited.connect(self.attribute_edited)
        self.attributes.escaped.connect(self.escaped)
        self.note = QLineEdit()
        self.note.setObjectName("span_note")
        self.note.setPlaceholderText("note (Enter to save)")
        self.note.editingFinished.connect(self._note_done)
        self._escape = EscapeFilter(self)
        self._escape.escaped.connect(self.escaped)
        self.note.installEventFilter(self._escape)
        self.delete_button = QPushButton("Delete span  (Del)")
        self.delete_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.delete_button.clicked.connect(self.delete_clicked)
        for w in (self.span_text, self.span_info):
            d.addWidget(w)
        d.addLayout(row)
        d.addWidget(self.attributes)
        d.addWidget(self.note)
        d.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.stack.addWidget(details)
        box.addWidget(self.stack)
        outer.addWidget(self.span_box)

    # ----------------------------------------------------------------- schema
    def set_schema(self, schema: Schema) -> None:
        self.schema = schema
        for b in self.buttons.values():
            b.deleteLater()
        self.buttons = {}
        for i, ldef in enumerate(schema.labels):
            b = QPushButton(f"{ldef.key}   {ldef.name}" if ldef.key else ldef.name)
            b.setObjectName(f"label_{ldef.name}")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setStyleSheet(label_button_style(ldef.color))
            if ldef.description:
                b.setToolTip(plain_tip(ldef.description))
            b.clicked.connect(lambda _c=False, n=ldef.name: self.label_clicked.emit(n))
            self.labels_grid.addWidget(b, i // 2, i % 2)
            self.buttons[ldef.name] = b
        self.label_combo.clear()
        for ldef in schema.labels:
            self.label_combo.addItem(ldef.name, ldef.name)
        self.show_span(None)

    def set_targets(self, names: Iterable[str]) -> None:
        self.attributes.set_targets(names)

    # ----------------------------------------------------------------- span
    def show_span(self, span: Span | None, info: str = "") -> None:
        self.span = span
        if span is None or self.schema is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        self.span_text.setText(short(span.text, 64))
        self.span_text.setToolTip(plain_tip(span.text))
        self.span_info.setText(info)
        self.label_combo.setCurrentIndex(max(self.label_combo.findData(span.label), 0))
        ldef = self.schema.label(span.label)
        self.attributes.set_defs(ldef.attributes if ldef else ())
        self.attributes.set_values(span.attributes)
        self.attributes.setVisible(bool(self.attributes.defs))
        self.stack.currentWidget().updateGeometry()  # its height changes with the form
        if not self.note.hasFocus() or self.note.text() != span.note:
            self.note.setText(span.note)

    def focus_attributes(self) -> bool:
        return self.span is not None and self.attributes.focus_first()

    def _label_chosen(self, _index: int) -> None:
        label = self.label_combo.currentData()
        if self.span is not None and label and label != self.span.label:
            self.relabel_requested.emit(label)

    def _note_done(self) -> None:
        if self.span is not None and self.note.text() != self.span.note:
            self.note_edited.emit(self.note.text())
