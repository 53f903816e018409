"""The adjudicator's Edit dialog: the gold item written by hand, starting from one
annotator's item. Spans: label and fragments (``START-END[, START-END]``, code points)
with a live plain-text preview of the covered text. Attributions: the frame attributes
the schema defines (stance, target, quote form, type). Returns a ``Decision("edit")``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...agreement.adjudication import Decision
from ...agreement.units import Unit
from ...domain.model import Frame, Span, fragment_text, normalise_fragments, validate_fragments
from ...domain.schema import Schema

UNSET = "(unset)"


def parse_fragments(raw: str) -> tuple[tuple[int, int], ...]:
    """``"3-9, 12-20"`` -> ((3, 9), (12, 20)); ValueError on anything else."""
    out = []
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        a, sep, b = part.partition("-")
        if not sep:
            raise ValueError(f"{part!r}: expected START-END")
        out.append((int(a.strip()), int(b.strip())))
    if not out:
        raise ValueError("give at least one START-END range")
    return normalise_fragments(out)


def format_fragments(fragments: tuple[tuple[int, int], ...]) -> str:
    return ", ".join(f"{s}-{e}" for s, e in fragments)


class EditDialog(QDialog):
    def __init__(self, unit: Unit, annotator: str, text: str, schema: Schema,
                 rationale: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit the gold item")
        self.unit, self.annotator, self.doc_text, self.schema = unit, annotator, text, schema
        self.base = unit.item(annotator)
        form = QFormLayout()
        self.base_label = QLabel(f"starting from {annotator}'s item" if self.base
                                 else "a new item")
        self.base_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("Base:", self.base_label)
        items = QLabel("\n".join(
            f"{ann}: {format_fragments(i.fragments)} {i.label}" if isinstance(i, Span)
            else f"{ann}: stance {i.attributes.get('stance') or 'unset'}"
            for ann, i in unit.items))
        items.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("Items:", items)
        self.label_box: QComboBox | None = None
        self.fragments_edit: QLineEdit | None = None
        self.preview = QLabel()
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setWordWrap(True)
        self.attr_boxes: dict[str, QComboBox | QLineEdit] = {}
        if unit.kind == "span":
            self.label_box = QComboBox()
            self.label_box.addItems(list(schema.label_names))
            self.fragments_edit = QLineEdit()
            if isinstance(self.base, Span):
                self.label_box.setCurrentText(self.base.label)
                self.fragments_edit.setText(format_fragments(self.base.fragments))
            else:
                self.fragments_edit.setText(f"{unit.start}-{unit.end}")
            self.fragments_edit.textChanged.connect(self._update_preview)
            form.addRow("&Label:", self.label_box)
            form.addRow("&Fragments:", self.fragments_edit)
            form.addRow("Text:", self.preview)
            self._update_preview()
        else:
            roles = QLabel(f"Roles are {annotator}'s (gold spans already decided for them "
                           "are reused); set the attributes below.")
            roles.setTextFormat(Qt.TextFormat.PlainText)
            roles.setWordWrap(True)
            form.addRow("", roles)
            fdef = schema.frames[0] if schema.frames else None
            if isinstance(self.base, Frame):
                fdef = schema.frame(self.base.type) or fdef
            attrs = self.base.attributes if isinstance(self.base, Frame) else {}
            for adef in fdef.attributes if fdef else ():
                current = attrs.get(adef.name)
                if adef.kind == "choice":
                    box = QComboBox()
                    box.addItems([UNSET, *adef.values])
                    box.setCurrentText(str(current) if current else UNSET)
                else:
                    box = QLineEdit(str(current or ""))
                form.addRow(f"{adef.name}:", box)
                self.attr_boxes[adef.name] = box
        self.rationale = QLineEdit(rationale)
        self.rationale.setPlaceholderText("why (kept with the gold item)")
        form.addRow("&Rationale:", self.rationale)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())
        self.result_decision: Decision | None = None

    def _update_preview(self) -> None:
        assert self.fragments_edit is not None
        try:
            frs = parse_fragments(self.fragments_edit.text())
            validate_fragments(frs, len(self.doc_text))
        except ValueError as exc:
            self.preview.setText(f"({exc})")
            return
        self.preview.setText(f"“{fragment_text(self.doc_text, frs)}”")

    def decision(self) -> Decision:
        """The decision the fields describe; ValueError when they are not valid."""
        base = self.annotator if self.base is not None else None
        if self.unit.kind == "span":
            assert self.fragments_edit is not None and self.label_box is not None
            frs = parse_fragments(self.fragments_edit.text())
            validate_fragments(frs, len(self.doc_text))
            return Decision("edit", annotator=base, label=self.label_box.currentText(),
                            fragments=frs, rationale=self.rationale.text().strip())
        if base is None:
            raise ValueError("an attribution edit starts from an annotator's attribution")
        attrs: dict[str, object] = {}
        for name, box in self.attr_boxes.items():
            value = box.currentText() if isinstance(box, QComboBox) else box.text().strip()
            attrs[name] = None if value in ("", UNSET) else value
        return Decision("edit", annotator=base, attributes=attrs,
                        rationale=self.rationale.text().strip())

    def _accept(self) -> None:
        try:
            self.result_decision = self.decision()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
