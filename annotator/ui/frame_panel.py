"""The labelling panel's lower half: the attribution frame builder.

- "Picked": the spans the next frame will be made of (spans tagged since the last frame,
  plus spans Ctrl+clicked), with Make frame (A) and Clear (Esc).
- The document's frames as a list; choosing one makes it the current frame.
- The current frame: its roles (cue, sources, contents) with add/remove, the frame it is
  nested in (an attribution inside another one's content: "X said that Y said Z"), its
  attributes (stance, target with completion, quote form, type: whatever the schema
  defines), delete. Nested frames are marked ↳ in the list.

Like the label panel it only shows and reports; the controller makes the actions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.framing import nested_under
from ..domain.model import Frame, Span
from ..domain.schema import Schema
from ..domain.text import short
from .fields import AttributeForm, plain_label

ROLE_ORDER = {"cue": 0, "source": 1, "content": 2}


def frame_summary(frame: Frame, spans: Mapping[str, Span]) -> str:
    """One line naming a frame: source, cue, content, stance and target."""
    def text(sid: str | None, n: int = 24) -> str:
        span = spans.get(sid or "")
        return short(span.text, n) if span else "?"

    src = ", ".join(text(s, 20) for s in frame.sources) or "(no source)"
    cue = text(frame.cue, 18) if frame.cue else "(no cue)"
    con = ", ".join(f"“{text(s, 26)}”" for s in frame.contents) or "(no content)"
    line = f"{src} · {cue} · {con}"
    stance = frame.attributes.get("stance")
    target = frame.attributes.get("target")
    if stance and stance != "NONE" or target:
        line += f"  [{stance or '—'}{' → ' + str(target) if target else ''}]"
    return line


class ParentCombo(QComboBox):
    """The frame a frame is nested in. It holds "(not nested)" and the current parent;
    the other candidates are listed when the list opens (``candidates()``), so showing a
    frame costs O(1) however many frames the document has."""

    NONE = "(not nested)"

    def __init__(self, candidates: Callable[[], list[tuple[str, str]]]) -> None:
        super().__init__()
        self._candidates = candidates
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)

    def show_parent(self, parent_id: str | None, text: str) -> None:
        self.blockSignals(True)
        self.clear()
        self.addItem(self.NONE, "")
        if parent_id:
            self.addItem(text, parent_id)
            self.setCurrentIndex(1)
        self.blockSignals(False)

    def fill(self) -> None:
        """Every frame this one may nest in, the current choice kept."""
        current = self.currentData() or ""
        self.blockSignals(True)
        self.clear()
        self.addItem(self.NONE, "")
        for frame_id, text in self._candidates():
            self.addItem(text, frame_id)
            if frame_id == current:
                self.setCurrentIndex(self.count() - 1)
        self.blockSignals(False)

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        self.fill()
        super().showPopup()


def _button(text: str, name: str) -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return b


class FramePanel(QWidget):
    make_clicked = Signal()
    clear_picks_clicked = Signal()
    frame_chosen = Signal(str)  # frame id, "" for none
    add_picked_clicked = Signal()
    remove_role_clicked = Signal(str)  # span id to take out of the current frame
    attribute_edited = Signal(str, object)
    parent_chosen = Signal(str)  # frame id the current frame is nested in, "" for none
    delete_frame_clicked = Signal()
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frame: Frame | None = None
        self._items: dict[str, QListWidgetItem] = {}
        self._frames: dict[str, Frame] = {}
        self._spans: Mapping[str, Span] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        self.builder_box = QGroupBox("Attribution")
        b = QVBoxLayout(self.builder_box)
        self.picks = plain_label(wrap=True)
        self.picks.setObjectName("picks")
        b.addWidget(self.picks)
        row = QHBoxLayout()
        self.make_button = _button("Make frame  (A)", "make_frame")
        self.make_button.clicked.connect(self.make_clicked)
        self.clear_button = _button("Clear picks  (Esc)", "clear_picks")
        self.clear_button.clicked.connect(self.clear_picks_clicked)
        row.addWidget(self.make_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        b.addLayout(row)
        self.frames_caption = plain_label("Frames in this document")
        self.frames_caption.setStyleSheet("color: #555; margin-top: 4px;")
        b.addWidget(self.frames_caption)
        self.frames_list = QListWidget()
        self.frames_list.setObjectName("frames_list")
        self.frames_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        _wrapping(self.frames_list)
        self.frames_list.setMinimumHeight(80)
        # take the room that is left, never ask for more (no scroll bar on the panel)
        self.frames_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.frames_list.currentItemChanged.connect(self._current_changed)
        b.addWidget(self.frames_list, 1)
        outer.addWidget(self.builder_box, 1)

        self.frame_box = QGroupBox("Current frame")
        fb = QVBoxLayout(self.frame_box)
        self.stack = QStackedWidget()
        empty = plain_label("No frame chosen. Tag a cue, its source and content, then press "
                            "A; or choose a frame above.", wrap=True)
        empty.setStyleSheet("color: #777;")
        self.stack.addWidget(empty)
        details = QWidget()
        d = QVBoxLayout(details)
        d.setContentsMargins(0, 0, 0, 0)
        self.roles_list = QListWidget()
        self.roles_list.setObjectName("roles_list")
        self.roles_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.roles_list.setUniformItemSizes(True)
        self.roles_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        d.addWidget(self.roles_list)
        row = QHBoxLayout()
        self.add_button = _button("Add picked  (Shift+A)", "add_picked")
        self.add_button.clicked.connect(self.add_picked_clicked)
        self.remove_button = _button("Remove role", "remove_role")
        self.remove_button.clicked.connect(self._remove_clicked)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        d.addLayout(row)
        self.parent_combo = ParentCombo(self._parent_candidates)
        self.parent_combo.setObjectName("frame_parent")
        self.parent_combo.setToolTip("An attribution inside another one's content: choose "
                                     "the frame this one is nested in")
        self.parent_combo.activated.connect(self._parent_activated)
        self.attributes = AttributeForm()
        self.attributes.add_fixed_row("nested in", self.parent_combo)
        self.attributes.edited.connect(self.attribute_edited)
        self.attributes.escaped.connect(self.escaped)
        d.addWidget(self.attributes)
        self.delete_button = _button("Delete frame", "delete_frame")
        self.delete_button.clicked.connect(self.delete_frame_clicked)
        d.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.stack.addWidget(details)
        fb.addWidget(self.stack)
        outer.addWidget(self.frame_box)

    # ----------------------------------------------------------------- content
    def set_schema(self, schema: Schema) -> None:
        keys = ", ".join(f.key for f in schema.frames if f.key)
        names = " / ".join(f.type.title() for f in schema.frames) or "Frames"
        self.builder_box.setTitle(f"{names} frames  (key {keys})" if keys else names)
        self.builder_box.setEnabled(bool(schema.frames))
        self.frame_box.setEnabled(bool(schema.frames))
        self.show_frame(None, {})

    def set_targets(self, names: Iterable[str]) -> None:
        self.attributes.set_targets(names)

    def set_picks(self, spans: list[Span]) -> None:
        if not spans:
            self.picks.setText("Picked: nothing yet — tag or Ctrl+click a cue, its source "
                               "and content.")
        else:
            self.picks.setText("Picked: " + " · ".join(
                f"{s.label} “{short(s.text, 28)}”" for s in spans))
        self.make_button.setEnabled(bool(spans))
        self.add_button.setEnabled(bool(spans) and self.frame is not None)

    def set_frames(self, frames: list[Frame], spans: Mapping[str, Span],
                   current: str | None) -> None:
        lst = self.frames_list
        lst.blockSignals(True)
        lst.clear()
        self._items: dict[str, QListWidgetItem] = {}
        self._frames = {f.id: f for f in frames}
        self._spans = spans
        for frame in sorted(frames, key=lambda f: _frame_pos(f, spans)):
            nested = "↳ " if frame.parent_id in self._frames else ""
            item = QListWidgetItem(nested + frame_summary(frame, spans))
            item.setData(Qt.ItemDataRole.UserRole, frame.id)
            lst.addItem(item)
            self._items[frame.id] = item
        lst.blockSignals(False)
        self.set_current_frame(current)
        self.frames_caption.setText(f"Frames in this document: {len(frames)}")

    def set_current_frame(self, frame_id: str | None) -> None:
        """Mark ``frame_id`` current in the list without emitting :attr:`frame_chosen`."""
        lst = self.frames_list
        item = self._items.get(frame_id or "")
        if item is lst.currentItem() and (item is not None or lst.currentRow() == -1):
            return
        lst.blockSignals(True)
        if item is None:
            lst.setCurrentRow(-1)
        else:
            lst.setCurrentItem(item)
            lst.scrollToItem(item)
        lst.blockSignals(False)

    def show_frame(self, frame: Frame | None, spans: Mapping[str, Span],
                   schema: Schema | None = None) -> None:
        self.frame = frame
        if frame is None:
            self.stack.setCurrentIndex(0)
            self.add_button.setEnabled(False)
            return
        self.stack.setCurrentIndex(1)
        self.roles_list.clear()
        for role, sid, _pos in sorted(frame.roles(), key=lambda r: (ROLE_ORDER.get(r[0], 9),
                                                                     r[2])):
            span = spans.get(sid)
            item = QListWidgetItem(f"{role}:  {short(span.text, 90) if span else '?'}")
            item.setData(Qt.ItemDataRole.UserRole, sid)
            self.roles_list.addItem(item)
        _fit_height(self.roles_list, rows=max(3, self.roles_list.count()), cap=120)
        parent = self._frames.get(frame.parent_id or "")
        self.parent_combo.show_parent(frame.parent_id,
                                      short(frame_summary(parent, spans), 70) if parent
                                      else f"frame {frame.parent_id}")
        fdef = schema.frame(frame.type) if schema else None
        self.attributes.set_defs(fdef.attributes if fdef else ())
        self.attributes.set_values(frame.attributes)
        self.frame_box.setTitle(f"Current frame: {frame.type}")

    def focus_attributes(self, name: str | None = None) -> bool:
        return self.frame is not None and self.attributes.focus_first(name)

    def current_role_span(self) -> str | None:
        item = self.roles_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _remove_clicked(self) -> None:
        sid = self.current_role_span()
        if sid:
            self.remove_role_clicked.emit(sid)

    def _parent_candidates(self) -> list[tuple[str, str]]:
        """(id, summary) of the frames the current frame may be nested in, in text order."""
        frame = self.frame
        if frame is None:
            return []
        banned = nested_under(self._frames.values(), frame.id) | {frame.id}
        return [(f.id, short(frame_summary(f, self._spans), 70))
                for f in sorted(self._frames.values(), key=lambda f: _frame_pos(f, self._spans))
                if f.id not in banned]

    def _parent_activated(self, index: int) -> None:
        self.parent_chosen.emit(self.parent_combo.itemData(index) or "")

    def _current_changed(self, item: QListWidgetItem | None, _prev: object) -> None:
        self.frame_chosen.emit(item.data(Qt.ItemDataRole.UserRole) if item else "")


def _wrapping(lst: QListWidget) -> None:
    """Items wrap to the list's width: no horizontal scrolling in a narrow panel."""
    lst.setWordWrap(True)
    lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    lst.setResizeMode(QListWidget.ResizeMode.Adjust)
    lst.setTextElideMode(Qt.TextElideMode.ElideRight)
    lst.setSpacing(1)


def _fit_height(lst: QListWidget, rows: int, cap: int) -> None:
    row = lst.sizeHintForRow(0) if lst.count() else lst.fontMetrics().height() + 4
    lst.setFixedHeight(min(cap, rows * (row + 2) + 2 * lst.frameWidth() + 2))


def _frame_pos(frame: Frame, spans: Mapping[str, Span]) -> tuple[int, str]:
    starts = [spans[s].start for s in frame.span_ids() if s in spans]
    return (min(starts) if starts else 1 << 60, frame.created_at)
