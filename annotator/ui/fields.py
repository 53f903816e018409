"""Small editing widgets shared by the labelling and frame panels.

- :class:`KeyCombo`: a combo box that keeps plain letter/digit keys for itself (type-ahead)
  instead of letting the window's one-key shortcuts (N, P, 1-4, A) fire while it has focus.
- :class:`AttributeForm`: editors built from schema :class:`AttributeDef` s (choice -> combo,
  target -> line edit with completion over the project's targets, text -> line edit). It
  emits ``edited(name, value)`` only for user edits, never when values are loaded.
- Escape in any of these editors emits ``escaped`` so the window can hand focus back to
  the article.

All text is plain: no editor or label here interprets HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ..domain.schema import AttributeDef

UNSET = "—"


def plain_label(text: str = "", wrap: bool = False) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    return label


def plain_tip(text: str) -> str:
    """Tooltips are rich text when they look like it: escape, so they show literally.
    (Not ``html.escape``: importing ``html`` costs ~10 ms of start-up for its entity table.)"""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<p style='white-space: pre-wrap'>" + escaped + "</p>"


def _is_plain_key(event: QKeyEvent) -> bool:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return (mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
            and bool(event.text()) and event.text().isprintable())


class KeyCombo(QComboBox):
    """A combo whose type-ahead keys are not stolen by single-key window shortcuts."""

    escaped = Signal()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and _is_plain_key(e):  # type: ignore[arg-type]
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated.emit(self.currentIndex())
            self.escaped.emit()
            return
        super().keyPressEvent(e)


class EscapeFilter(QObject):
    """Emits ``escaped`` when Escape is pressed in a watched line edit."""

    escaped = Signal()

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:
        if e.type() == QEvent.Type.KeyPress and e.key() == Qt.Key.Key_Escape:  # type: ignore[attr-defined]
            self.escaped.emit()
            return True
        return False


class TargetEdit(QLineEdit):
    """A line edit completing over the project's target names (case-insensitive, contains)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setPlaceholderText("target (type to complete; a new name is registered)")

    def set_targets(self, names: Iterable[str]) -> None:
        self._model.setStringList(sorted(set(names), key=str.casefold))

    def targets(self) -> list[str]:
        return self._model.stringList()


class AttributeForm(QWidget):
    """Editors for a tuple of attribute definitions."""

    edited = Signal(str, object)  # attribute name, new value (None = unset)
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.defs: tuple[AttributeDef, ...] = ()
        self.editors: dict[str, QWidget] = {}
        self._values: dict[str, Any] = {}
        self._targets: list[str] = []
        self._escape = EscapeFilter(self)
        self._escape.escaped.connect(self.escaped)
        self._fixed_rows = 0

    def add_fixed_row(self, caption: str, editor: QWidget) -> None:
        """A row above the attributes that stays when the definitions change (lined up
        with them)."""
        self.form.insertRow(self._fixed_rows, plain_label(caption), editor)
        self._fixed_rows += 1

    def set_defs(self, defs: tuple[AttributeDef, ...]) -> None:
        if defs == self.defs:
            return
        while self.form.rowCount() > self._fixed_rows:
            self.form.removeRow(self._fixed_rows)
        self.defs, self.editors = defs, {}
        for d in defs:
            editor: QWidget
            if d.kind == "choice":
                combo = KeyCombo()
                combo.addItem(UNSET, None)
                for v in d.values:
                    combo.addItem(v, v)
                combo.activated.connect(lambda _i, n=d.name, c=combo: self._user_edit(
                    n, c.currentData()))
                combo.escaped.connect(self.escaped)
                editor = combo
            else:
                line = TargetEdit() if d.kind == "target" else QLineEdit()
                if isinstance(line, TargetEdit):
                    line.set_targets(self._targets)
                else:
                    line.setPlaceholderText(d.name)
                line.editingFinished.connect(lambda n=d.name, e=line: self._user_edit(
                    n, e.text().strip() or None))
                line.installEventFilter(self._escape)
                editor = line
            editor.setObjectName(f"attr_{d.name}")
            self.editors[d.name] = editor
            caption = plain_label(d.name.replace("_", " "))
            self.form.addRow(caption, editor)
            caption.show()  # now, not on the next event loop turn: focus may follow at once
            editor.show()

    def set_targets(self, names: Iterable[str]) -> None:
        self._targets = list(names)
        for editor in self.editors.values():
            if isinstance(editor, TargetEdit):
                editor.set_targets(self._targets)

    def set_values(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)
        for d in self.defs:
            editor = self.editors[d.name]
            value = values.get(d.name)
            if isinstance(editor, QComboBox):
                i = editor.findData(value) if value is not None else 0
                editor.setCurrentIndex(max(i, 0))
            elif isinstance(editor, QLineEdit):
                editor.setText("" if value is None else str(value))

    def _user_edit(self, name: str, value: Any) -> None:
        if self._values.get(name) == value:
            return
        self._values[name] = value
        self.edited.emit(name, value)

    def focus_first(self, name: str | None = None) -> bool:
        """Give focus to the named editor (or the first); False when there is none."""
        editor = self.editors.get(name) if name else next(iter(self.editors.values()), None)
        if editor is None:
            return False
        editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True
