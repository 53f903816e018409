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

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
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

from .span_layer import Piece, SpanLayer, block_starts, display_text

LINE_HEIGHT_PERCENT = 165
DOCUMENT_MARGIN = 14.0
TINT_ALPHA = 50  # innermost span background
HIGHLIGHT_ALPHA = 105  # spans of the highlighted frame, and the selected span
LANE_THICKNESS = 2.0
LANE_STEP = 3.0
DEFAULT_COLOUR = "#8c8c8c"
NUMBER_COLOUR = "#9a9a9a"
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
        self._rtl_blocks: set[int] = set()
        self._numbers: dict[int, list[tuple[int, int]]] = {}  # block -> [(number, offset)]
        self._press: QPoint | None = None
        self._paragraphs = 0
        self._top_hint = QTextBlock()
        self.gutter = 0.0

    # ---- content -------------------------------------------------------------------

    def load(self, doc: Document | None, spans: Sequence[Span],
             colours: Mapping[str, str]) -> None:
        text = doc.text if doc is not None else ""
        self.set_colours(colours)
        self.selected_id = None
        self.highlighted = frozenset()
        self.omap = OffsetMap(text)
        self._top_hint = QTextBlock()
        self.setPlainText(display_text(text))
        starts = block_starts(text)
        if self.document().blockCount() != len(starts):  # cannot happen; stay exact if it does
            starts = [self.omap.to_cp(b.position()) for b in _blocks(self.document())]
        self.layer = SpanLayer(starts, len(text))
        self.layer.set_spans(spans)
        self._rtl_blocks = {self.layer.block_of(m.start()) for m in _RTL.finditer(text)}
        self._numbers = {}
        paragraphs = doc.paragraphs if doc is not None else ()
        for number, (start, _end) in enumerate(paragraphs, 1):
            self._numbers.setdefault(self.layer.block_of(start), []).append((number, start))
        self._apply_formats(len(paragraphs))

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
        cursor.endEditBlock()
        self.setTextCursor(QTextCursor(doc))

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
            self._set_gutter()

    def set_colours(self, colours: Mapping[str, str]) -> None:
        self._colours = {label: QColor(c) for label, c in colours.items()}

    def colour(self, label: str) -> QColor:
        c = self._colours.get(label)
        if c is None or not c.isValid():
            c = self._colours[label] = QColor(DEFAULT_COLOUR)
        return c

    def _number_font(self) -> QFont:
        f = QFont(self.font())
        f.setPointSizeF(max(6.0, f.pointSizeF() * 0.8))
        return f

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
                               n in self._rtl_blocks)
            block = block.next()

    def _block_at(self, y: float) -> QTextBlock:
        """The block at document row ``y``: walk from the block found last time (scrolling
        moves a little; Qt's hit test scans a whole paragraph, slow for huge ones), falling
        back to the hit test after a long jump."""
        dl = self.document().documentLayout()
        block = self._top_hint
        if not block.isValid() or block.document() is not self.document():
            block = self.document().firstBlock()
        for _ in range(64):
            r = dl.blockBoundingRect(block)
            if r.top() > y and block.previous().isValid():
                block = block.previous()
            elif r.bottom() < y and block.next().isValid():
                block = block.next()
            else:
                self._top_hint = block
                return block
        block = self.cursorForPosition(QPoint(0, int(y + self._offset().y()))).block()
        self._top_hint = block
        return block

    def _pitch(self, v: _Visible, i: int) -> float:
        line = v.layout.lineAt(i)
        return line.height() * LINE_HEIGHT_PERCENT / 100.0

    def piece_rects(self, v: _Visible, start: int, end: int) -> list[tuple[QRectF, int]]:
        """Rectangles (viewport coordinates, one per line and bidi run) covering code points
        ``[start, end)`` of a visible block, each with its line index."""
        pos = v.block.position()
        a = self.omap.to_u16(start) - pos
        b = self.omap.to_u16(end) - pos
        out: list[tuple[QRectF, int]] = []
        layout = v.layout
        for i in range(_line_at(layout, a), layout.lineCount()):
            line = layout.lineAt(i)
            ls = line.textStart()
            le = ls + line.textLength()
            if le <= a:
                continue
            if ls >= b:
                break
            s, e = max(a, ls), min(b, le)
            top = v.origin.y() + line.y()
            if v.rtl:
                xs = _merge_runs([r.boundingRect() for r in line.glyphRuns(s, e - s)])
            else:
                x1 = line.cursorToX(s)[0]
                x2 = line.cursorToX(e)[0]
                if e == le:  # do not paint the space a line ends with
                    x2 = min(x2, line.x() + line.naturalTextWidth())
                xs = [(x1, x2)] if x2 > x1 else []
            for x1, x2 in xs:
                out.append((QRectF(v.origin.x() + x1, top, x2 - x1, line.height()), i))
        return out

    def spans_at(self, pos: QPoint) -> list[str]:
        """Span ids painted under viewport point ``pos``, innermost first."""
        block = self.cursorForPosition(pos).block()
        if not block.isValid() or not self.layer.pieces(block.blockNumber()):
            return []
        n = block.blockNumber()
        layout = block.layout()
        v = _Visible(n, block, layout, layout.position() + self._offset(), n in self._rtl_blocks)
        p = QPointF(pos)
        hits: list[Piece] = []
        for piece in self.layer.pieces(n):
            for rect, i in self.piece_rects(v, piece.start, piece.end):
                rect.setHeight(self._pitch(v, i))
                if rect.adjusted(-1, 0, 1, 0).contains(p):
                    hits.append(piece)
                    break
        hits.sort(key=lambda piece: piece.rank)
        return list(dict.fromkeys(piece.span_id for piece in hits))

    # ---- painting ------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        area = event.rect()
        visible = list(self.visible_blocks(area.top(), area.bottom()))
        lo, hi = self._visible_range(visible, area)
        rects: dict[int, list[tuple[Piece, int, list[tuple[QRectF, int]]]]] = {}
        painter = QPainter(self.viewport())
        for v in visible:
            layer = self.layer.layer(v.number)
            if not layer.pieces:
                continue
            rects[v.number] = [(p, lane, self.piece_rects(v, p.start, p.end))
                               for p, lane in layer.pieces if p.end >= lo and p.start <= hi]
            background = [seg for seg in layer.background if seg[1] >= lo and seg[0] <= hi]
            self._paint_background(painter, v, background, rects[v.number])
        painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for v in visible:
            self._paint_numbers(painter, v)
            if rects.get(v.number):
                self._paint_lanes(painter, v, rects[v.number])
        painter.end()

    def _visible_range(self, visible: list[_Visible], area: QRect) -> tuple[int, int]:
        """Code points from the start of the first line to the end of the last line that
        meet ``area``, so that a huge paragraph paints only the spans in view."""
        if not visible:
            return 0, 0
        first, last = visible[0], visible[-1]
        i = _line_at_y(first.layout, area.top() - first.origin.y())
        line = first.layout.lineAt(i)
        lo = first.block.position() + (line.textStart() if line.isValid() else 0)
        j = _line_at_y(last.layout, area.bottom() - last.origin.y())
        line = last.layout.lineAt(j)
        hi = last.block.position() + (line.textStart() + line.textLength() if line.isValid()
                                      else last.block.length())
        return self.omap.to_cp(lo), self.omap.to_cp(hi)

    def _span_colour(self, span_id: str) -> QColor:
        span = self.layer.get(span_id)
        return self.colour(span.label if span is not None else "")

    def _paint_background(self, painter: QPainter, v: _Visible,
                          segments: list[tuple[int, int, str]],
                          pieces: list[tuple[Piece, int, list[tuple[QRectF, int]]]]) -> None:
        for start, end, span_id in segments:
            tint = QColor(self._span_colour(span_id))
            tint.setAlpha(TINT_ALPHA)
            for rect, _i in self.piece_rects(v, start, end):
                painter.fillRect(rect, tint)
        strong = self.highlighted | ({self.selected_id} if self.selected_id else set())
        if not strong:
            return
        for piece, _lane, prects in pieces:
            if piece.span_id in strong:
                tint = QColor(self._span_colour(piece.span_id))
                tint.setAlpha(HIGHLIGHT_ALPHA)
                for rect, _i in prects:
                    painter.fillRect(rect, tint)

    def _paint_lanes(self, painter: QPainter, v: _Visible,
                     pieces: list[tuple[Piece, int, list[tuple[QRectF, int]]]]) -> None:
        lanes = max(lane for _p, lane, _r in pieces) + 1
        for piece, lane, prects in pieces:
            colour = self._span_colour(piece.span_id)
            for rect, i in prects:
                line = v.layout.lineAt(i)
                gap = self._pitch(v, i) - line.height()
                step = min(LANE_STEP, max(1.0, (gap - 1.0) / lanes))
                thick = min(LANE_THICKNESS, max(1.0, step - 0.6))
                y = rect.top() + line.ascent() + line.descent() + 1.0 + lane * step
                painter.fillRect(QRectF(rect.left(), y, rect.width(), thick), colour)
            if piece.span_id == self.selected_id:
                pen = QPen(colour.darker(150), 2.0)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                for rect, _i in prects:
                    painter.drawRoundedRect(rect.adjusted(-1.5, -0.5, 1.5, 0.5), 3, 3)

    def _paint_numbers(self, painter: QPainter, v: _Visible) -> None:
        numbers = self._numbers.get(v.number)
        if not numbers:
            return
        painter.setFont(self._number_font())
        painter.setPen(QColor(NUMBER_COLOUR))
        fm = QFontMetricsF(painter.font())
        for number, offset in numbers:
            rel = self.omap.to_u16(offset) - v.block.position()
            line = v.layout.lineAt(_line_at(v.layout, rel))
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
        esc = html.escape
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


def _line_at(layout: QTextLayout, pos: int) -> int:
    """Index of the line holding block position ``pos`` (binary search: a paragraph may
    have thousands of lines, and ``lineForTextPosition`` scans them all)."""
    lo, hi = 0, layout.lineCount() - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if layout.lineAt(mid).textStart() <= pos:
            lo = mid
        else:
            hi = mid - 1
    return max(0, lo)


def _line_at_y(layout: QTextLayout, y: float) -> int:
    """Index of the last line starting at or above ``y`` (layout coordinates)."""
    lo, hi = 0, layout.lineCount() - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if layout.lineAt(mid).y() <= y:
            lo = mid
        else:
            hi = mid - 1
    return max(0, lo)


def _merge_runs(rects: list[QRectF]) -> list[tuple[float, float]]:
    spans = sorted((r.left(), r.right()) for r in rects if r.width() > 0)
    out: list[tuple[float, float]] = []
    for x1, x2 in spans:
        if out and x1 <= out[-1][1] + 0.5:
            out[-1] = (out[-1][0], max(out[-1][1], x2))
        else:
            out.append((x1, x2))
    return out


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
