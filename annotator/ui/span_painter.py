"""The text widget under the article view: a read-only ``QTextEdit`` holding exactly the
document text, with spans painted over it in a custom pass.

Contract:
- The widget's document holds ``display_text(doc.text)`` via ``setPlainText`` (same length as
  the text; see :mod:`annotator.ui.span_layer`), so a Qt position is a UTF-16 offset into the
  text and :class:`~annotator.domain.text.OffsetMap` is the only conversion. Nothing is ever
  interpreted as HTML; no character formats are stored in the document.
- Painting touches only the blocks inside the exposed rectangle: behind the text, a light tint
  of the innermost span's colour (stronger for highlighted spans); over it, one underline lane
  per nesting depth and a rectangle around the selected span. Paragraph numbers are painted
  in the document's left margin.
- Spans are found under the pointer by the same geometry that paints them (tooltips, clicks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextLayout,
)
from PySide6.QtWidgets import QApplication, QTextEdit, QToolTip, QWidget

from annotator.domain.model import Document, Span
from annotator.domain.text import OffsetMap

from .span_geometry import BlockGeometry, block_geometry, line_at, line_at_y
from .span_layer import SpanLayer, block_starts, display_text

LINE_HEIGHT_PERCENT = 165
DOCUMENT_MARGIN = 14.0
TINT_ALPHA = 50  # innermost span background
HIGHLIGHT_ALPHA = 105  # spans of the highlighted frame, and the selected span
DEFAULT_COLOUR = "#8c8c8c"
NUMBER_COLOUR = "#9a9a9a"
# Blocks with more lines than this get geometry for the lines in view only, uncached.
HUGE_BLOCK_LINES = 300
# Right-to-left scripts: blocks holding them are measured by glyph runs (bidi-exact).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff"
                  "\U0001e800-\U0001efff]")


@dataclass(slots=True)
class _Visible:
    number: int
    block: QTextBlock
    layout: QTextLayout
    origin: QPointF  # the block layout's position in viewport coordinates
    rtl: bool


class SpanTextEdit(QTextEdit):
    """Read-only, selectable text with painted spans. Driven by ``ArticleView``."""

    span_clicked = Signal(str)
    gutter_changed = Signal()  # the paragraph-number margin changed width

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.setFrameShape(QTextEdit.Shape.NoFrame)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.document().setDocumentMargin(DOCUMENT_MARGIN)
        self.layer = SpanLayer([0], 0)
        self.omap = OffsetMap("")
        self.selected_id: str | None = None
        self.highlighted: frozenset[str] = frozenset()
        self._colours: dict[str, QColor] = {}
        self._tints: dict[tuple[str, int], QColor] = {}
        self._text = ""
        self._rtl: dict[int, bool] = {}  # block -> holds right-to-left text (lazily)
        self._numbers: dict[int, list[tuple[int, int]]] = {}  # block -> [(number, offset)]
        self._press: QPoint | None = None
        self._paragraphs = 0
        self._top_hint = 0  # number of the block found at the top last time
        self._geometry: dict[int, BlockGeometry] = {}  # block -> cached rectangles
        self._number_style: tuple[QFont, QFontMetricsF] | None = None
        self.gutter = 0.0

    # ---- content -------------------------------------------------------------------

    def load(self, doc: Document | None, spans: Sequence[Span],
             colours: Mapping[str, str]) -> None:
        text = doc.text if doc is not None else ""
        self.set_colours(colours)
        self.selected_id = None
        self.highlighted = frozenset()
        self.omap = OffsetMap(text)
        self._top_hint = 0
        # no layout until the text, line spacing and margins are all in (Qt 6.4+): a third
        # of the cost of laying out once and again after the formats
        self.document().setLayoutEnabled(False)
        self.setPlainText(display_text(text))
        starts = block_starts(text)
        if self.document().blockCount() != len(starts):  # cannot happen; stay exact if it does
            starts = [self.omap.to_cp(b.position()) for b in _blocks(self.document())]
        self.layer = SpanLayer(starts, len(text))
        self.layer.set_spans(spans)
        self._text = text
        self._rtl = {}
        self._geometry = {}
        self._numbers = {}
        paragraphs = doc.paragraphs if doc is not None else ()
        for number, (start, _end) in enumerate(paragraphs, 1):
            self._numbers.setdefault(self.layer.block_of(start), []).append((number, start))
        self._apply_formats(len(paragraphs))
        self.document().setLayoutEnabled(True)

    def _apply_formats(self, paragraphs: int) -> None:
        """Line spacing on every block and a left margin for paragraph numbers, in one edit
        block so that the lazy layout stays lazy."""
        self._paragraphs = paragraphs
        doc = self.document()
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        fmt = QTextBlockFormat()
        fmt.setLineHeight(LINE_HEIGHT_PERCENT,
                          QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.setBlockFormat(fmt)
        self._set_gutter()
        cursor.endEditBlock()  # setPlainText left the widget's own cursor at the start

    def _set_gutter(self) -> None:
        """Room left of the text for the paragraph numbers at the current font size."""
        fm = QFontMetricsF(self._number_font())
        self.gutter = fm.horizontalAdvance("8" * max(2, len(str(self._paragraphs)))) + 18
        frame = self.document().rootFrame()
        ff = frame.frameFormat()
        if ff.leftMargin() != self.gutter:
            ff.setLeftMargin(self.gutter)
            ff.setRightMargin(DOCUMENT_MARGIN + 6)
            frame.setFrameFormat(ff)
        self.gutter_changed.emit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # e.g. Ctrl+wheel zoom
            self._number_style = None
            self._geometry = {}
            self._set_gutter()

    def set_colours(self, colours: Mapping[str, str]) -> None:
        self._colours = {label: QColor(c) for label, c in colours.items()}
        self._tints: dict[tuple[str, int], QColor] = {}

    def _tint(self, span_id: str, alpha: int) -> QColor:
        span = self.layer.get(span_id)
        label = span.label if span is not None else ""
        tint = self._tints.get((label, alpha))
        if tint is None:
            tint = QColor(self.colour(label))
            if alpha < 255:
                tint.setAlpha(alpha)
            self._tints[(label, alpha)] = tint
        return tint

    def colour(self, label: str) -> QColor:
        c = self._colours.get(label)
        if c is None or not c.isValid():
            c = self._colours[label] = QColor(DEFAULT_COLOUR)
        return c

    def _number_font(self) -> QFont:
        return self._numbers_style()[0]

    def _numbers_style(self) -> tuple[QFont, QFontMetricsF]:
        if self._number_style is None:
            f = QFont(self.font())
            f.setPointSizeF(max(6.0, f.pointSizeF() * 0.8))
            self._number_style = (f, QFontMetricsF(f))
        return self._number_style

    # ---- geometry ------------------------------------------------------------------

    def _offset(self) -> QPointF:
        return QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())

    def visible_blocks(self, top: float, bottom: float) -> Iterator[_Visible]:
        """Blocks meeting viewport rows ``top..bottom``, in order."""
        doc = self.document()
        dl = doc.documentLayout()
        off = self._offset()
        block = self._block_at(top - off.y())
        if block.previous().isValid():
            block = block.previous()
        while block.isValid():
            r = dl.blockBoundingRect(block)
            if r.top() + off.y() > bottom:
                break
            if r.bottom() + off.y() + r.height() >= top:
                n = block.blockNumber()
                yield _Visible(n, block, block.layout(), block.layout().position() + off,
                               self._is_rtl(n))
            block = block.next()

    def _is_rtl(self, block: int) -> bool:
        rtl = self._rtl.get(block)
        if rtl is None:
            start, end = self.layer.block_range(block)
            rtl = self._rtl[block] = _RTL.search(self._text, start, end) is not None
        return rtl

    def _block_at(self, y: float) -> QTextBlock:
        """The block at document row ``y``: walk from the block found last time (scrolling
        moves a little; Qt's hit test scans a whole paragraph, slow for huge ones), falling
        back to the hit test after a long jump."""
        dl = self.document().documentLayout()
        block = self.document().findBlockByNumber(self._top_hint)  # a number: never stale
        if not block.isValid():
            block = self.document().firstBlock()
        for _ in range(64):
            r = dl.blockBoundingRect(block)
            if r.top() > y and block.previous().isValid():
                block = block.previous()
            elif r.bottom() < y and block.next().isValid():
                block = block.next()
            else:
                self._top_hint = block.blockNumber()
                return block
        block = self.cursorForPosition(QPoint(0, int(y + self._offset().y()))).block()
        self._top_hint = block.blockNumber()
        return block

    def geometry(self, v: _Visible, lo: int | None = None,
                 hi: int | None = None) -> BlockGeometry:
        """Rectangles of a block's spans (layout coordinates), cached while the block's span
        layer and line breaks stay the same; huge blocks only between ``lo`` and ``hi``."""
        layer = self.layer.layer(v.number)  # a new object whenever the block's spans change
        key = (layer, v.layout.lineCount(), self.viewport().width())
        huge = v.layout.lineCount() > HUGE_BLOCK_LINES
        if not huge:
            cached = self._geometry.get(v.number)
            if cached is not None and cached.key[0] is layer and cached.key[1:] == key[1:]:
                return cached
        geo = block_geometry(key, layer, v.layout, v.block.position(), self.omap, v.rtl,
                             LINE_HEIGHT_PERCENT / 100.0, *((lo, hi) if huge else ()))
        if not huge:
            self._geometry[v.number] = geo
        return geo

    def spans_at(self, pos: QPoint) -> list[str]:
        """Span ids painted under viewport point ``pos``, innermost first."""
        cursor = self.cursorForPosition(pos)
        block = cursor.block()
        if not block.isValid() or not self.layer.layer(block.blockNumber()).pieces:
            return []
        n = block.blockNumber()
        layout = block.layout()
        v = _Visible(n, block, layout, layout.position() + self._offset(), self._is_rtl(n))
        p = QPointF(pos) - v.origin
        offset = self.omap.to_cp(cursor.position())
        geo = self.geometry(v, offset - 2, offset + 2)
        hits = sorted({piece for rect, piece in geo.hits if rect.contains(p)},
                      key=lambda piece: piece.rank)
        return list(dict.fromkeys(piece.span_id for piece in hits))

    # ---- painting ------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        if self.document().characterCount() - 1 != self.omap.u16_length:
            # the text was replaced behind load()'s back: paint it bare rather than guess
            super().paintEvent(event)
            return
        area = event.rect()
        visible = list(self.visible_blocks(area.top(), area.bottom()))
        lo, hi = self._visible_range(visible, area)
        shown = [(v, self.geometry(v, lo, hi)) for v in visible
                 if self.layer.layer(v.number).pieces]
        strong = self.highlighted | ({self.selected_id} if self.selected_id else set())
        painter = QPainter(self.viewport())
        try:
            for v, geo in shown:
                painter.save()
                painter.translate(v.origin)
                for rect, span_id in geo.background:
                    painter.fillRect(rect, self._tint(span_id, TINT_ALPHA))
                if strong:
                    for piece, rects in geo.pieces:
                        if piece.span_id in strong:
                            tint = self._tint(piece.span_id, HIGHLIGHT_ALPHA)
                            for rect in rects:
                                painter.fillRect(rect, tint)
                painter.restore()
        finally:
            painter.end()  # an active painter left behind crashes Qt
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        try:
            for v in visible:
                self._paint_numbers(painter, v)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            for v, geo in shown:
                painter.save()
                painter.translate(v.origin)
                for rect, span_id in geo.lanes:
                    painter.fillRect(rect, self._tint(span_id, 255))
                if self.selected_id:
                    self._paint_outline(painter, geo)
                painter.restore()
        finally:
            painter.end()

    def _paint_outline(self, painter: QPainter, geo: BlockGeometry) -> None:
        for piece, rects in geo.pieces:
            if piece.span_id == self.selected_id:
                painter.setPen(QPen(self._tint(piece.span_id, 255).darker(150), 2.0))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                for rect in rects:
                    painter.drawRoundedRect(rect.adjusted(-1.5, -0.5, 1.5, 0.5), 3, 3)

    def _visible_range(self, visible: list[_Visible], area: QRect) -> tuple[int, int]:
        """Code points from the start of the first line to the end of the last line that
        meet ``area``, so that a huge paragraph paints only the spans in view."""
        if not visible:
            return 0, 0
        first, last = visible[0], visible[-1]
        line = first.layout.lineAt(line_at_y(first.layout, area.top() - first.origin.y()))
        lo = first.block.position() + (line.textStart() if line.isValid() else 0)
        line = last.layout.lineAt(line_at_y(last.layout, area.bottom() - last.origin.y()))
        hi = last.block.position() + (line.textStart() + line.textLength() if line.isValid()
                                      else last.block.length())
        return self.omap.to_cp(lo), self.omap.to_cp(hi)

    def _paint_numbers(self, painter: QPainter, v: _Visible) -> None:
        numbers = self._numbers.get(v.number)
        if not numbers:
            return
        font, fm = self._numbers_style()
        painter.setFont(font)
        painter.setPen(QColor(NUMBER_COLOUR))
        for number, offset in numbers:
            rel = self.omap.to_u16(offset) - v.block.position()
            line = v.layout.lineAt(line_at(v.layout, rel))
            if not line.isValid():
                continue
            baseline = v.origin.y() + line.y() + line.ascent()
            label = str(number)
            right = v.origin.x() - 10
            painter.drawText(QPointF(right - fm.horizontalAdvance(label), baseline), label)

    # ---- events --------------------------------------------------------------------

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ToolTip:
            tip = self.tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, pos: QPoint) -> str:
        """Rich-text tooltip for the spans under ``pos`` (every value escaped), or ""."""
        parts = [self.describe_html(sid) for sid in self.spans_at(pos)]
        return "<hr/>".join(p for p in parts if p)

    def describe_html(self, span_id: str) -> str:
        span = self.layer.get(span_id)
        if span is None:
            return ""
        from html import escape as esc  # here: html.entities is big (start-up time)

        lines = [f"<b>{esc(span.label)}</b> &nbsp;·&nbsp; {esc(span.annotator)}"]
        lines += [f"{esc(str(k))}: {esc(str(v))}" for k, v in span.attributes.items()]
        if span.note:
            lines.append(f"<i>{esc(_shorten(span.note))}</i>")
        if len(span.fragments) > 1:
            lines.append(f"{len(span.fragments)} fragments")
        return "<br/>".join(lines)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        press, self._press = self._press, None
        if (event.button() == Qt.MouseButton.LeftButton and press is not None
                and (pos - press).manhattanLength() < QApplication.startDragDistance()):
            ids = self.spans_at(pos)
            self.span_clicked.emit(ids[0] if ids else "")


def _blocks(doc) -> Iterator[QTextBlock]:  # noqa: ANN001
    block = doc.firstBlock()
    while block.isValid():
        yield block
        block = block.next()


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
