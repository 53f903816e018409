"""Side by side: the paragraph(s) around one adjudication unit, as each annotator tagged
them, plus the gold layer, with every difference marked by its type.

One read-only column per annotator (numbered 1..n: the keys that accept that annotator's
item) and a gold column. In each column every span is tinted in its label colour; a span
whose unit disagrees is underlined with a wavy line in the colour of the disagreement
type (:data:`TYPE_COLOURS`); the current unit's items are tinted strongly and bold; where
an annotator has nothing for the current unit, the unit's extent is underlined in the
``missed`` colour and the column header says so. The text is plain text
(``setPlainText``); labels are ``Qt.PlainText``; tooltips are escaped.
"""

from __future__ import annotations

import html
from bisect import bisect_right
from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...agreement.adjudication import GoldState
from ...agreement.units import DocumentUnits, Unit
from ...cli.projectdata import describe
from ...domain.model import GOLD, Document, Frame, Span
from ...domain.text import OffsetMap
from ..span_layer import display_text

TYPE_COLOURS = {
    "label": "#8e44ad",
    "boundary": "#e67e22",
    "missed": "#c0392b",
    "stance": "#1f6fb2",
    "attribute": "#138d75",
}
TYPE_PRIORITY = ("label", "boundary", "missed", "stance", "attribute")
LIGHT_ALPHA = 45


def plain_tip(text: str) -> str:
    """A tooltip that shows ``text`` literally: escaped, and marked as rich text so that
    Qt neither interprets tags in it nor shows the escapes."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def primary_type(types: Sequence[str]) -> str | None:
    return next((t for t in TYPE_PRIORITY if t in types), None)


def _tint(colour: str, alpha: int) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


class LayerColumn(QFrame):
    """One annotator's (or gold's) view of the shown paragraphs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.header = QLabel(self)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.header.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.header.setFont(bold)
        self.item_label = QLabel(self)
        self.item_label.setTextFormat(Qt.TextFormat.PlainText)
        self.item_label.setWordWrap(True)
        self.item_label.setSizePolicy(QSizePolicy.Policy.Preferred,
                                      QSizePolicy.Policy.Minimum)
        self.text = QTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setAcceptRichText(False)
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.text.setFrameShape(QFrame.Shape.NoFrame)
        font = QFont(self.text.font())
        font.setPointSizeF(11.0)
        self.text.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.item_label)
        layout.addWidget(self.text, 1)
        self.marks: list[tuple[int, int, str]] = []  # (start, end, what) for tests

    def display(self, title: str, item_line: str, missing: bool, base: int, text: str,
                selections: list[tuple[int, int, QTextCharFormat, str]]) -> None:
        self.header.setText(title)
        self.item_label.setText(item_line)
        self.item_label.setStyleSheet(f"color: {TYPE_COLOURS['missed']};" if missing else "")
        self.text.setPlainText(display_text(text))
        omap = OffsetMap(text)
        extras = []
        self.marks = []
        for start, end, fmt, what in selections:
            s, e = max(0, start - base), min(len(text), end - base)
            if e <= s:
                continue
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(self.text.document())
            cur.setPosition(omap.to_u16(s))
            cur.setPosition(omap.to_u16(e), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            sel.format = fmt
            extras.append(sel)
            self.marks.append((start, end, what))
        self.text.setExtraSelections(extras)
        self.setVisible(True)


class SideBySideView(QWidget):
    """The unit's paragraph(s), one column per annotator and one for gold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.legend = QLabel(self)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setText("Differences: " + "  ".join(
            f'<span style="color:{c}; text-decoration: underline;">{html.escape(t)}</span>'
            for t, c in TYPE_COLOURS.items()) + "  ·  the current item: solid colour")
        self.columns_box = QHBoxLayout()
        self.columns_box.setSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.legend)
        layout.addLayout(self.columns_box, 1)
        self.columns: dict[str, LayerColumn] = {}
        self.unit: Unit | None = None

    def _column(self, name: str) -> LayerColumn:
        col = self.columns.get(name)
        if col is None:
            col = LayerColumn(self)
            self.columns[name] = col
            self.columns_box.addWidget(col, 1)
        return col

    def clear(self, message: str = "Choose a disagreement to see it side by side.") -> None:
        self.unit = None
        self.heading.setText(message)
        for col in self.columns.values():
            col.setVisible(False)

    def show_unit(self, units: DocumentUnits, unit: Unit, gold: GoldState,
                  colours: Mapping[str, str]) -> None:
        self.unit = unit
        doc = units.document
        lo, hi = _paragraph_range(doc, unit)
        text = doc.text[lo:hi]
        state = "decided" if gold.is_decided(unit) else (
            "all agree" if unit.agreed else "open")
        what = "attribution" if unit.kind == "frame" else "span"
        types = ", ".join(unit.types) or "no difference"
        self.heading.setText(f"{doc.title or doc.id}  ·  ¶{unit.paragraph + 1}  ·  {what}: "
                             f"{types}  ·  {state}")
        wanted = [*units.annotators, GOLD]
        for name in list(self.columns):
            if name not in wanted:
                self.columns.pop(name).deleteLater()
        for k, ann in enumerate(units.annotators, 1):
            spans = [s for s in units.spans.values() if s.annotator == ann]
            item = unit.item(ann)
            line = describe(item, units.spans, 80) if item else "nothing here (missed)"
            sels = _selections(spans, units, unit, colours, lo, hi, item, ann)
            self._column(ann).display(f"{k}  {ann}", line, item is None, lo, text, sels)
        self._show_gold(units, unit, gold, colours, lo, hi, text)
        # keep column order: annotators then gold
        for name in wanted:
            col = self.columns[name]
            self.columns_box.removeWidget(col)
            self.columns_box.addWidget(col, 1)

    def _show_gold(self, units: DocumentUnits, unit: Unit, gold: GoldState,
                   colours: Mapping[str, str], lo: int, hi: int, text: str) -> None:
        records = gold.decision_for(unit)
        made = {p.item_id for p in records}
        gspans = {s.id: s for s in gold.spans}
        sels = []
        for s in sorted(gold.spans, key=lambda x: (-(x.end - x.start), x.start)):
            if s.end <= lo or s.start >= hi:
                continue
            strong = s.id in made or any(s.id in f.span_ids() for f in gold.frames
                                         if f.id in made)
            sels += _span_formats(s, colours, strong, None, lo, hi)
        if records:
            rec = records[-1]
            items = [gspans.get(p.item_id) or next(
                (f for f in gold.frames if f.id == p.item_id), None) for p in records]
            shown = next((i for i in items if isinstance(i, Frame)), None) or next(
                (i for i in items if i is not None), None)
            line = f"{rec.decision} by {rec.decided_by}"
            if shown is not None:
                line += ": " + describe(shown, gspans, 80)
            if rec.rationale:
                line += f" — {rec.rationale}"
        else:
            line = "not decided yet"
        self._column(GOLD).display("gold", line, False, lo, text, sels)


def _paragraph_range(doc: Document, unit: Unit) -> tuple[int, int]:
    """[start, end) of the paragraphs the unit touches (the unit's own extent at least)."""
    paras = doc.paragraphs or ((0, len(doc.text)),)
    starts = [p[0] for p in paras]
    first = paras[max(0, bisect_right(starts, unit.start) - 1)]
    last = paras[max(0, bisect_right(starts, max(unit.start, unit.end - 1)) - 1)]
    return min(first[0], unit.start), max(last[1], unit.end)


def _selections(spans: Sequence[Span], units: DocumentUnits, unit: Unit,
                colours: Mapping[str, str], lo: int, hi: int, item: Span | Frame | None,
                ann: str) -> list[tuple[int, int, QTextCharFormat, str]]:
    current: set[str] = set()
    if isinstance(item, Span):
        current = {item.id}
    elif isinstance(item, Frame):
        current = set(item.span_ids())
    out = []
    # long spans first, so that nested ones paint over them
    for s in sorted(spans, key=lambda x: (-(x.end - x.start), x.start)):
        if s.end <= lo or s.start >= hi:
            continue
        u = units.unit_of.get(s.id)
        kind = primary_type(u.types) if u is not None else None
        out += _span_formats(s, colours, s.id in current, kind, lo, hi)
    if item is None:
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
        fmt.setUnderlineColor(QColor(TYPE_COLOURS["missed"]))
        fmt.setToolTip(plain_tip(f"{ann} has nothing here; others do"))
        out.append((unit.start, unit.end, fmt, "missing"))
    return out


def _span_formats(s: Span, colours: Mapping[str, str], strong: bool, kind: str | None,
                  lo: int, hi: int) -> list[tuple[int, int, QTextCharFormat, str]]:
    out = []
    colour = colours.get(s.label, "#8c8c8c")
    for a, b in s.fragments:
        if b <= lo or a >= hi:
            continue
        fmt = QTextCharFormat()
        if strong:  # the current item: solid label colour, white text
            fmt.setBackground(QColor(colour).darker(115))
            fmt.setForeground(QColor("#ffffff"))
        else:
            fmt.setBackground(_tint(colour, LIGHT_ALPHA))
        if kind:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor(TYPE_COLOURS[kind]))
        tip = f"{s.label} ({s.annotator})" + (f" — {kind}" if kind else "")
        fmt.setToolTip(plain_tip(tip))
        what = ("current " if strong else "") + s.label + (f" {kind}" if kind else "")
        out.append((a, b, fmt, what))
    return out
