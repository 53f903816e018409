"""The agreement dashboard: the figures of :func:`annotator.agreement.report.full_report`
as coloured tables, each cell leading to the disagreements behind it.

Sections: a summary line; labels × metrics (token alpha, alpha-U, exact and overlap span
F1, stance alpha for attributions, and disagreement counts by type); the annotator-pair
matrix for a chosen metric (gold included once a gold layer exists); each annotator
against gold; documents sorted by lowest agreement. Figures are coloured on one scale
(:func:`scale_colour`, shown as a legend). Clicking a cell emits ``open_records`` with the
matching :class:`RecordFilter`. Every figure's definition is its cell's tooltip (escaped).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...agreement.disagreements import TYPES
from ...domain.model import GOLD
from .data import FRAME_LABEL, RecordFilter
from .side_by_side import plain_tip

# (value, colour) stops: red below chance, amber, yellow, light green, green
SCALE = ((0.0, (0xef, 0x9a, 0x9a)), (0.4, (0xf9, 0xc7, 0x8b)), (0.67, (0xfb, 0xee, 0x9c)),
         (0.8, (0xc5, 0xe8, 0xb7)), (1.0, (0x7c, 0xc5, 0x7f)))
NONE_COLOUR = "#eeeeee"
PAIR_METRICS = {
    "Token Cohen's κ": "token_kappa",
    "Span F1 (overlap)": "overlap_f1",
    "Span F1 (exact)": "exact_f1",
    "α-U (unitizing)": "alpha_u",
}
LABEL_COLUMNS = ("Token α", "α-U", "Exact F1", "Overlap F1", "Stance α", *TYPES)


def scale_colour(value: float | None) -> QColor:
    """The dashboard's colour for an agreement figure (None: grey)."""
    if value is None:
        return QColor(NONE_COLOUR)
    v = max(SCALE[0][0], min(SCALE[-1][0], value))
    for (a, ca), (b, cb) in zip(SCALE, SCALE[1:], strict=False):
        if v <= b:
            t = (v - a) / (b - a)
            return QColor(*(round(x + (y - x) * t) for x, y in zip(ca, cb, strict=True)))
    return QColor(*SCALE[-1][1])


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{0.0 if abs(value) < 0.0005 else value:.3f}"  # no "-0.000"


def _get(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


class _Table(QTableWidget):
    """A read-only table sized to its rows; each cell may carry a RecordFilter."""

    def __init__(self, rows: int, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(rows, len(headers), parent)
        self.setHorizontalHeaderLabels(headers)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.filters: dict[tuple[int, int], RecordFilter] = {}

    def put(self, row: int, col: int, text: str, value: float | None = None,
            coloured: bool = False, flt: RecordFilter | None = None, tip: str = "") -> None:
        item = QTableWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        if coloured:
            item.setBackground(scale_colour(value))
            item.setForeground(QColor("#1a1a1a"))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        elif text.isdigit():
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if text == "0":
                item.setForeground(QColor("#a0a0a0"))
            else:
                bold = QFont(item.font())
                bold.setBold(True)
                item.setFont(bold)
        if tip:
            item.setToolTip(plain_tip(tip))
        self.setItem(row, col, item)
        if flt is not None:
            self.filters[(row, col)] = flt

    def fit(self) -> None:
        """Exactly as big as the rows and columns: no scroll bars, no empty band."""
        self.resizeColumnsToContents()
        self.resizeRowsToContents()
        frame = 2 * self.frameWidth()
        h = self.horizontalHeader().height() + frame
        h += sum(self.rowHeight(r) for r in range(self.rowCount()))
        w = frame + sum(self.columnWidth(c) for c in range(self.columnCount()))
        if not self.verticalHeader().isHidden():
            w += self.verticalHeader().sizeHint().width()
        self.setFixedSize(w + 2, h + 2)


class AgreementDashboard(QWidget):
    open_records = Signal(object)  # RecordFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: dict[str, Any] = {}
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(10, 10, 10, 10)
        self.body_layout.setSpacing(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.metric_box = QComboBox()
        self.metric_box.addItems(list(PAIR_METRICS))
        self.metric_box.currentIndexChanged.connect(lambda _i: self._fill_pairs())
        self.summary = QLabel()
        self.labels_table: _Table | None = None
        self.pairs_table: _Table | None = None
        self.gold_table: _Table | None = None
        self.docs_table: _Table | None = None
        self.busy_note: QLabel | None = None

    # ------------------------------------------------------------------ building
    def _heading(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        label.setFont(font)
        self.body_layout.addWidget(label)
        return label

    def _note(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setStyleSheet("color: #555555;")
        self.body_layout.addWidget(label)
        return label

    def _table(self, rows: int, headers: list[str]) -> _Table:
        table = _Table(rows, headers)
        table.cellClicked.connect(lambda r, c, t=table: self._clicked(t, r, c))
        table.cellActivated.connect(lambda r, c, t=table: self._clicked(t, r, c))
        self.body_layout.addWidget(table)
        return table

    def _clicked(self, table: _Table, row: int, col: int) -> None:
        flt = table.filters.get((row, col))
        if flt is not None:
            self.open_records.emit(flt)

    def _clear(self) -> None:
        self.metric_box.setParent(None)  # kept across rebuilds; everything else goes
        self.summary.setParent(None)
        while self.body_layout.count():
            w = self.body_layout.takeAt(0).widget()
            if w is not None:
                w.hide()
                w.deleteLater()
        self.labels_table = self.pairs_table = self.gold_table = self.docs_table = None

    def set_busy(self, text: str) -> None:
        """Say the report is being computed (off the GUI thread): the tables go."""
        self.report = {}
        self._clear()
        self._heading("Agreement")
        self.busy_note = self._note(text)
        bar = QProgressBar()
        bar.setRange(0, 0)  # busy, no percentage
        bar.setMaximumWidth(320)
        self.body_layout.addWidget(bar)
        self.body_layout.addStretch(1)

    def set_report(self, report: dict[str, Any]) -> None:
        self.report = report
        self._clear()
        self.busy_note = None
        r = report
        anns = r.get("annotators", [])
        defs = r.get("definitions", {})
        self._heading("Agreement")
        docs = r.get("documents", {})
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setText(
            f"Annotators: {', '.join(anns) or 'none'}  ·  documents annotated by all: "
            f"{docs.get('annotated_by_all', 0)} of {docs.get('total', 0)}  ·  token α "
            f"{fmt(_get(r, 'tokens', 'overall', 'alpha'))}  ·  α-U "
            f"{fmt(_get(r, 'unitizing', 'alpha'))}  ·  stance α "
            f"{fmt(_get(r, 'frames', 'stance', 'alpha'))}"
            + (f"  ·  gold layer on {docs.get('annotated_by', {}).get(GOLD, 0)} document(s)"
               if r.get("gold") else ""))
        self.body_layout.addWidget(self.summary)
        self.body_layout.addWidget(_legend())
        if len(anns) < 2:
            self._note("Agreement needs at least two annotators' layers. Merge another "
                       "annotator's project or export (Review → Merge…).")
        self._heading("Labels × metrics")
        self._note("Click a figure to see the disagreements behind it; a type count shows "
                   "those of that type.")
        self._fill_labels(defs)
        row = QHBoxLayout()
        row.setContentsMargins(0, 8, 0, 0)
        heading = QLabel("Annotator pairs")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        heading.setFont(font)
        row.addWidget(heading)
        row.addSpacing(20)
        row.addWidget(QLabel("metric:"))
        row.addWidget(self.metric_box)
        row.addStretch(1)
        holder = QWidget()
        holder.setLayout(row)
        self.body_layout.addWidget(holder)
        self.pairs_table = self._table(0, [])
        self._fill_pairs()
        if r.get("vs_gold"):
            self._heading("Each annotator against gold")
            self._fill_gold(defs)
        else:
            self.gold_table = None
        self._heading("Documents, lowest agreement first")
        self._fill_documents(defs)
        self.body_layout.addStretch(1)

    def _fill_labels(self, defs: dict[str, str]) -> None:
        r = self.report
        labels = list(r.get("labels", []))
        rows = [*labels, FRAME_LABEL]
        t = self.labels_table = self._table(len(rows), ["Label", *LABEL_COLUMNS])
        by_label = _get(r, "disagreements", "counts", "by_label") or {}
        for i, label in enumerate(rows):
            is_frame = label == FRAME_LABEL
            flt = RecordFilter(label=label)
            t.put(i, 0, "Attributions" if is_frame else label, flt=flt)
            if is_frame:
                f1s = [p.get("f1") for p in (_get(r, "frames", "pairs") or {}).values()
                       if p.get("f1") is not None]
                values = [None, None, None, sum(f1s) / len(f1s) if f1s else None,
                          _get(r, "frames", "stance", "alpha")]
                tips = ["", "", "", defs.get("frame_alignment", ""), defs.get("stance", "")]
                counts = by_label.get("(frame)", {})
            else:
                values = [_get(r, "tokens", "labels", label, "alpha"),
                          _get(r, "unitizing", "labels", label, "alpha"),
                          _get(r, "spans", "exact", "all_pairs", "labels", label, "f1"),
                          _get(r, "spans", "overlap", "all_pairs", "labels", label, "f1"),
                          None]
                tips = [defs.get("token_label", ""), defs.get("unitizing_alpha", ""),
                        defs.get("span_exact", ""), defs.get("span_overlap", ""), ""]
                counts = by_label.get(label, {})
            for j, (v, tip) in enumerate(zip(values, tips, strict=True)):
                t.put(i, j + 1, fmt(v), v, coloured=True, flt=flt, tip=tip)
            for k, typ in enumerate(TYPES):
                n = int(counts.get(typ, 0) or 0)
                t.put(i, 6 + k, str(n), flt=RecordFilter(label=label, type=typ),
                      tip=defs.get("disagreements", ""))
        t.fit()

    def _pair_value(self, a: str, b: str, metric: str) -> tuple[float | None, str]:
        r = self.report
        if GOLD in (a, b):
            ann = b if a == GOLD else a
            g = _get(r, "vs_gold", ann) or {}
            return {"token_kappa": g.get("token_cohen_kappa"),
                    "overlap_f1": _get(g, "spans", "overlap", "all", "f1"),
                    "exact_f1": _get(g, "spans", "exact", "all", "f1"),
                    "alpha_u": _get(g, "unitizing", "alpha")}[metric], f"{GOLD}|{ann}"
        for key in (f"{a}|{b}", f"{b}|{a}"):
            if metric == "token_kappa":
                v = _get(r, "tokens", "overall", "pairs", key)
                if v is not None:
                    return v.get("cohen_kappa"), key
            elif metric in ("overlap_f1", "exact_f1"):
                mode = "overlap" if metric == "overlap_f1" else "exact"
                v = _get(r, "spans", mode, "pairs", key)
                if v is not None:
                    return _get(v, "all", "f1"), key
            else:
                v = _get(r, "unitizing", "pairs", key)
                if v is not None:
                    return v.get("alpha"), key
        return None, ""

    def _fill_pairs(self) -> None:
        t = self.pairs_table
        if t is None:
            return
        anns = list(self.report.get("annotators", []))
        if self.report.get("gold"):
            anns.append(GOLD)
        metric = PAIR_METRICS[self.metric_box.currentText()]
        t.clear()
        t.filters = {}
        t.setRowCount(len(anns))
        t.setColumnCount(len(anns))
        t.setHorizontalHeaderLabels(anns)
        t.setVerticalHeaderLabels(anns)
        t.verticalHeader().setVisible(True)
        for i, a in enumerate(anns):
            for j, b in enumerate(anns):
                if i == j:
                    t.put(i, j, "—")
                    continue
                v, _key = self._pair_value(a, b, metric)
                t.put(i, j, fmt(v), v, coloured=True, flt=RecordFilter(pair=(a, b)),
                      tip=f"{a} vs {b}: {self.metric_box.currentText()}")
        t.fit()

    def _fill_gold(self, defs: dict[str, str]) -> None:
        r = self.report
        anns = list((r.get("vs_gold") or {}).keys())
        headers = ["Annotator", "Token κ", "Exact F1", "Overlap F1", "α-U", "Attribution F1",
                   "Stance κ", "Disagreements"]
        t = self.gold_table = self._table(len(anns), headers)
        for i, ann in enumerate(anns):
            g = r["vs_gold"][ann]
            flt = RecordFilter(pair=(GOLD, ann))
            t.put(i, 0, ann, flt=flt)
            values = [g.get("token_cohen_kappa"), _get(g, "spans", "exact", "all", "f1"),
                      _get(g, "spans", "overlap", "all", "f1"), _get(g, "unitizing", "alpha"),
                      _get(g, "frames", "f1"), _get(g, "frames", "stance", "cohen_kappa")]
            for j, v in enumerate(values):
                t.put(i, j + 1, fmt(v), v, coloured=True, flt=flt,
                      tip=defs.get("vs_gold", ""))
            n = sum(int(x or 0) for x in (g.get("disagreements") or {}).values())
            t.put(i, 7, str(n), flt=flt)
        t.fit()

    def _fill_documents(self, defs: dict[str, str]) -> None:
        docs = self.report.get("per_document", []) or []
        headers = ["Document", "Token α", "Span F1", "Disagreements", *TYPES]
        t = self.docs_table = self._table(len(docs), headers)
        for i, d in enumerate(docs):
            flt = RecordFilter(document_id=d["document_id"])
            t.put(i, 0, d.get("title") or d["document_id"], flt=flt, tip=d["document_id"])
            t.put(i, 1, fmt(d.get("token_alpha")), d.get("token_alpha"), coloured=True,
                  flt=flt, tip=defs.get("per_document", ""))
            t.put(i, 2, fmt(d.get("span_f1")), d.get("span_f1"), coloured=True, flt=flt)
            t.put(i, 3, str(d.get("disagreements", 0)), flt=flt)
            for k, typ in enumerate(TYPES):
                n = int((d.get("by_type") or {}).get(typ, 0) or 0)
                t.put(i, 4 + k, str(n), flt=RecordFilter(document_id=d["document_id"],
                                                         type=typ))
        t.fit()

    # ------------------------------------------------------------------ for tests
    def table_texts(self, which: str) -> list[list[str]]:
        t = {"labels": self.labels_table, "pairs": self.pairs_table, "gold": self.gold_table,
             "documents": self.docs_table}[which]
        if t is None:
            return []
        return [[t.item(r, c).text() if t.item(r, c) else "" for c in range(t.columnCount())]
                for r in range(t.rowCount())]

    def click(self, which: str, row: int, col: int) -> None:
        t = {"labels": self.labels_table, "pairs": self.pairs_table, "gold": self.gold_table,
             "documents": self.docs_table}[which]
        assert t is not None
        self._clicked(t, row, col)


def _legend() -> QWidget:
    w = QWidget()
    row = QHBoxLayout(w)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(0)
    caption = QLabel("Colour scale:  ")
    caption.setTextFormat(Qt.TextFormat.PlainText)
    row.addWidget(caption)
    marks: list[tuple[str, Callable[[], QColor]]] = [
        ("< 0", lambda: scale_colour(-0.1)), ("0.2", lambda: scale_colour(0.2)),
        ("0.4", lambda: scale_colour(0.4)), ("0.6", lambda: scale_colour(0.6)),
        ("0.67", lambda: scale_colour(0.67)), ("0.8", lambda: scale_colour(0.8)),
        ("0.9", lambda: scale_colour(0.9)), ("1.0", lambda: scale_colour(1.0)),
        ("undefined", lambda: QColor(NONE_COLOUR))]
    for text, colour in marks:
        chip = QLabel(f"  {text}  ")
        chip.setTextFormat(Qt.TextFormat.PlainText)
        chip.setStyleSheet(f"background: {colour().name()}; color: #1a1a1a; padding: 2px;")
        row.addWidget(chip)
    row.addStretch(1)
    return w
