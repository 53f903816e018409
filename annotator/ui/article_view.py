"""The article view: a document's title, byline and numbered paragraphs, read-only and
selectable by mouse and keyboard, with its spans painted in their label colours.

Contract (used by the main window, the labelling panel and the tests):
- Everything shown is plain text: the title and byline labels use ``Qt.PlainText``, the body
  is ``setPlainText`` of the document text, tooltips escape every value. The text widget
  (``text_edit``) holds exactly ``doc.text`` (bar a carriage return shown as a line break), so
  Qt positions are UTF-16 offsets into it and every offset this class takes or returns is a
  code point offset into ``doc.text``, converted with ``OffsetMap`` only here.
- Spans: ``set_document``/``set_spans`` replace the layer; ``add_span``/``remove_span``/
  ``update_span`` change one span and repaint only the viewport (no document change, no
  relayout). Overlapping and nested spans all show: a tint of the innermost one behind the
  text and one underline lane per nesting depth; the selected span is outlined, highlighted
  spans (a frame's) are tinted more strongly.
- Selections become spans through ``selection_fragments``: trimmed of whitespace, widened to
  whole words when ``snap_to_words`` (default True), never cutting a character in two.
- Signals: ``span_clicked(id)`` after a click (innermost span under the pointer, "" for
  none); ``selection_changed()`` when the text selection changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QFont, QPalette, QTextCursor
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from annotator.domain.model import Document, Span

from .span_painter import DOCUMENT_MARGIN, SpanTextEdit
from .text_selection import normalise_selection

if TYPE_CHECKING:
    from .find_bar import FindBar

TEXT_POINT_SIZE = 11.0
TITLE_POINT_SIZE = 15.0
META_COLOUR = "#707070"
PLACEHOLDER = "No document open. Choose one from the list of documents."


class ArticleView(QWidget):
    """Title, byline and the span-painted text of one document."""

    span_clicked = Signal(str)
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snap_to_words = True
        self._doc: Document | None = None
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)

        self.title_label = QLabel(self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_font = QFont(self.font())
        title_font.setPointSizeF(TITLE_POINT_SIZE)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        self.meta_label = QLabel(self)
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meta_label.setWordWrap(True)
        self.meta_label.setStyleSheet(f"color: {META_COLOUR};")

        self.text_edit = SpanTextEdit(self)
        text_font = QFont(self.font())
        text_font.setPointSizeF(TEXT_POINT_SIZE)
        self.text_edit.setFont(text_font)
        self.text_edit.setPlaceholderText(PLACEHOLDER)
        self.text_edit.span_clicked.connect(self.span_clicked)
        self.text_edit.selectionChanged.connect(self.selection_changed)
        self.text_edit.gutter_changed.connect(self._align_header)

        self._header = QVBoxLayout()
        self._header.setSpacing(2)
        self._header.addWidget(self.title_label)
        self._header.addWidget(self.meta_label)
        self.find_bar: FindBar | None = None  # made on first Ctrl+F
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addLayout(self._header)
        self._layout.addWidget(self.text_edit, 1)
        self.clear()

    # ---- documents -----------------------------------------------------------------

    @property
    def document(self) -> Document | None:
        return self._doc

    def set_document(self, doc: Document, spans: Sequence[Span],
                     colours: Mapping[str, str]) -> None:
        self._doc = doc
        self.title_label.setText(doc.title)
        self.title_label.setVisible(bool(doc.title))
        meta = "  ·  ".join(x for x in (doc.author, _date(doc.published), doc.source) if x)
        self.meta_label.setText(meta)
        self.meta_label.setVisible(bool(meta))
        self.text_edit.load(doc, spans, colours)
        self._align_header()
        self.text_edit.viewport().update()
        if self.find_bar is not None:
            self.find_bar.reset()

    def clear(self) -> None:
        self._doc = None
        self.title_label.clear()
        self.title_label.hide()
        self.meta_label.clear()
        self.meta_label.hide()
        self.text_edit.load(None, (), {})
        self._align_header()
        self.text_edit.viewport().update()

    def set_colours(self, colours: Mapping[str, str]) -> None:
        self.text_edit.set_colours(colours)
        self.text_edit.viewport().update()

    def _align_header(self) -> None:
        """Line the title up with the text column (right of the paragraph numbers)."""
        if not hasattr(self, "_header"):  # a font change while constructing
            return
        left = int(self.text_edit.gutter)
        self._header.setContentsMargins(left, 14, int(DOCUMENT_MARGIN) + 6, 8)
        if self.find_bar is not None:
            self.find_bar.setContentsMargins(left, 0, int(DOCUMENT_MARGIN) + 6, 0)

    # ---- spans ---------------------------------------------------------------------

    def spans(self) -> list[Span]:
        return self.text_edit.layer.spans()

    def span(self, span_id: str) -> Span | None:
        return self.text_edit.layer.get(span_id)

    def set_spans(self, spans: Sequence[Span]) -> None:
        edit = self.text_edit
        edit.layer.set_spans(spans)
        if edit.selected_id not in edit.layer:
            edit.selected_id = None
        edit.highlighted = frozenset(s for s in edit.highlighted if s in edit.layer)
        edit.viewport().update()

    def add_span(self, span: Span) -> None:
        self.text_edit.layer.add(span)
        self.text_edit.viewport().update()

    def update_span(self, span: Span) -> None:
        self.text_edit.layer.add(span)  # replaces the span with the same id
        self.text_edit.viewport().update()

    def remove_span(self, span_id: str) -> None:
        edit = self.text_edit
        edit.layer.remove(span_id)
        if edit.selected_id == span_id:
            edit.selected_id = None
        if span_id in edit.highlighted:
            edit.highlighted = edit.highlighted - {span_id}
        edit.viewport().update()

    def select_span(self, span_id: str | None, scroll: bool = True) -> None:
        edit = self.text_edit
        edit.selected_id = span_id if span_id and span_id in edit.layer else None
        if edit.selected_id and scroll:
            self._ensure_visible(edit.layer.get(edit.selected_id))
        edit.viewport().update()

    def selected_span(self) -> str | None:
        return self.text_edit.selected_id

    def highlight_spans(self, span_ids: Sequence[str]) -> None:
        edit = self.text_edit
        present = [s for s in span_ids if s in edit.layer]
        edit.highlighted = frozenset(present)
        if present:
            first = min((edit.layer.get(s) for s in present), key=lambda sp: sp.start)
            self._ensure_visible(first)
        edit.viewport().update()

    def highlighted_spans(self) -> list[str]:
        return sorted(self.text_edit.highlighted)

    def span_at(self, offset: int) -> str | None:
        return self.text_edit.layer.innermost_at(offset)

    def spans_covering(self, offset: int) -> list[str]:
        """Ids of every span covering ``offset``, innermost first."""
        return self.text_edit.layer.covering(offset)

    def describe_span(self, span_id: str) -> str:
        """One plain-text line for a status bar: label, annotator, attributes."""
        span = self.text_edit.layer.get(span_id)
        if span is None:
            return ""
        attrs = ", ".join(f"{k}: {v}" for k, v in span.attributes.items())
        return f"{span.label} · {span.annotator}" + (f" · {attrs}" if attrs else "")

    # ---- selection -----------------------------------------------------------------

    def selection_fragments(self) -> list[tuple[int, int]]:
        if self._doc is None:
            return []
        cursor = self.text_edit.textCursor()
        if not cursor.hasSelection():
            return []
        omap = self.text_edit.omap
        start = omap.to_cp(cursor.selectionStart())
        end = omap.to_cp(cursor.selectionEnd())
        span = normalise_selection(self._doc.text, start, end, self.snap_to_words)
        return [span] if span else []

    def set_selection(self, start: int, end: int) -> None:
        edit = self.text_edit
        n = edit.omap.length
        start, end = max(0, min(start, n)), max(0, min(end, n))
        cursor = QTextCursor(edit.document())
        cursor.setPosition(edit.omap.to_u16(start))
        cursor.setPosition(edit.omap.to_u16(end), QTextCursor.MoveMode.KeepAnchor)
        edit.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.text_edit.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self.text_edit.setTextCursor(cursor)

    # ---- find ----------------------------------------------------------------------

    def show_find(self) -> None:
        """Open the find bar (Ctrl+F) with the focus in its query."""
        if self.find_bar is None:
            from .find_bar import FindBar

            self.find_bar = FindBar(lambda: self._doc.text if self._doc else None,
                                    self._find_from, self._show_match, self.close_find, self)
            self._layout.insertWidget(1, self.find_bar)
            self._align_header()
        self.find_bar.start()

    def find_step(self, direction: int) -> None:
        """The next (+1) or previous (-1) match (F3 / Shift+F3); opens the bar if closed."""
        bar = self.find_bar
        if bar is None or not bar.isVisible() or not bar.edit.text().strip():
            self.show_find()
        else:
            bar.step(direction)

    def close_find(self) -> None:
        """Hide the find bar; the article gets the focus, the match stays selected."""
        if self.find_bar is not None:
            self.find_bar.hide()
        self.text_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _find_from(self) -> int:
        cursor = self.text_edit.textCursor()
        if cursor.hasSelection():
            return self.text_edit.omap.to_cp(cursor.selectionStart())
        return self.top_offset()

    def _show_match(self, start: int, end: int) -> None:
        self.set_selection(start, end)
        self.text_edit.ensureCursorVisible()

    # ---- position ------------------------------------------------------------------

    def top_offset(self) -> int:
        edit = self.text_edit
        x = int(edit.gutter) + 1
        # above the first line (the document margin) Qt's hit test is unreliable
        y = max(1, int(DOCUMENT_MARGIN) + 2 - edit.verticalScrollBar().value())
        return edit.omap.to_cp(edit.cursorForPosition(QPoint(x, y)).position())

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so that the line holding ``offset`` is the first one shown."""
        y = self._line_top(offset)
        if y is not None:
            self.text_edit.verticalScrollBar().setValue(int(y))

    def _line_top(self, offset: int) -> float | None:
        edit = self.text_edit
        if edit.omap.length == 0:
            return None
        u16 = edit.omap.to_u16(max(0, min(offset, edit.omap.length)))
        block = edit.document().findBlock(u16)
        if not block.isValid():
            return None
        edit.document().documentLayout().blockBoundingRect(block)  # lays the block out
        layout = block.layout()
        line = layout.lineForTextPosition(u16 - block.position())
        return layout.position().y() + (line.y() if line.isValid() else 0.0)

    def _ensure_visible(self, span: Span | None) -> None:
        """Scroll a span's first line into view, a few lines from the top, if it is not."""
        if span is None:
            return
        y = self._line_top(span.start)
        if y is None:
            return
        bar = self.text_edit.verticalScrollBar()
        height = self.text_edit.viewport().height()
        if bar.value() <= y <= bar.value() + height - 2 * self.text_edit.fontMetrics().height():
            return
        bar.setValue(int(max(0.0, y - height / 4)))


_MONTHS = ("January February March April May June July August September October November "
           "December").split()


def _date(iso: str) -> str:
    """``2020-08-28`` -> ``28 August 2020``; anything else unchanged."""
    parts = iso.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return iso
