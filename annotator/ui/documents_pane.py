"""The documents pane: every document with title, date, this annotator's status and span
count; a progress bar (documents done); a status filter; next / previous in the shown order.

It reads the project once on :meth:`load` and is then kept current by the session's
signals (span added/removed, status changed), so nothing here queries per keystroke.
Titles are plain text (item text is never interpreted as HTML).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QStyledItemDelegate,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.model import STATUS_DONE, STATUS_IN_PROGRESS, STATUS_TODO, STATUSES, Span
from ..store.project import Project
from .fields import plain_label, plain_tip

if TYPE_CHECKING:  # typing only: QStyle's many enums are slow to create at start-up
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QStyleOptionViewItem

COL_TITLE, COL_DATE, COL_STATUS, COL_SPANS = range(4)
STATUS_COLOURS = {STATUS_TODO: "#777777", STATUS_IN_PROGRESS: "#b36b00",
                  STATUS_DONE: "#2e7d32"}
ALL = "all"
DOC_ID = Qt.ItemDataRole.UserRole


class DocumentDelegate(QStyledItemDelegate):
    """Two lines per document: the title (elided, bold), then date · status · spans,
    the status in its colour. Reads columns 1-3 of the same row (hidden columns)."""

    PAD = 6

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        fm = option.fontMetrics
        return QSize(200, 2 * fm.height() + 2 * self.PAD + 2)

    def initStyleOption(self, option: QStyleOptionViewItem,  # noqa: N802 (Qt override)
                        index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        option.text = ""  # the base class draws background and selection; we draw the text

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex) -> None:
        super().paint(painter, option, index)
        view = self.parent()
        selected = isinstance(view, QTreeWidget) and view.selectionModel().isSelected(index)
        rect = option.rect.adjusted(self.PAD + 2, self.PAD, -self.PAD, -self.PAD)
        fm = option.fontMetrics
        painter.save()
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        text_pen = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        painter.setPen(text_pen)
        title = QFontMetrics(bold).elidedText(str(index.data() or ""),
                                              Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), fm.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        painter.setFont(option.font)
        date = str(index.siblingAtColumn(COL_DATE).data() or "")
        status = str(index.siblingAtColumn(COL_STATUS).data() or STATUS_TODO)
        spans = str(index.siblingAtColumn(COL_SPANS).data() or "0")
        second = QRect(rect.left(), rect.top() + fm.height() + 2, rect.width(), fm.height())
        left = f"{date}  ·  " if date else ""
        grey = text_pen if selected else QColor("#6b6b6b")
        painter.setPen(grey)
        painter.drawText(second, Qt.AlignmentFlag.AlignLeft, left)
        x = second.left() + fm.horizontalAdvance(left)
        painter.setPen(text_pen if selected else QColor(STATUS_COLOURS.get(status, "#777")))
        painter.drawText(QRect(x, second.top(), second.width(), fm.height()),
                         Qt.AlignmentFlag.AlignLeft, status)
        painter.setPen(grey)
        painter.drawText(second, Qt.AlignmentFlag.AlignRight,
                         f"{spans} span{'s' if spans != '1' else ''}")
        painter.restore()


class DocumentsPane(QWidget):
    document_chosen = Signal(str)
    mark_done_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: dict[str, QTreeWidgetItem] = {}
        self.open_id: str | None = None  # the document shown in the article view
        self.status: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(plain_label("Show"))
        self.filter = QComboBox()
        self.filter.setObjectName("status_filter")
        self.filter.addItem("all documents", ALL)
        for s in STATUSES:
            self.filter.addItem(s, s)
        self.filter.currentIndexChanged.connect(self._apply_filter)
        top.addWidget(self.filter, 1)
        lay.addLayout(top)
        self.tree = QTreeWidget()
        self.tree.setObjectName("documents")
        self.tree.setHeaderLabels(["Title", "Date", "Status", "Spans"])
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for col in (COL_DATE, COL_STATUS, COL_SPANS):
            self.tree.setColumnHidden(col, True)  # drawn by the delegate under the title
        self.tree.setItemDelegateForColumn(COL_TITLE, DocumentDelegate(self.tree))
        # a click or Enter opens a document; moving through the list with the arrow keys
        # does not (opening one marks it in progress)
        self.tree.itemClicked.connect(self._chosen)
        self.tree.itemActivated.connect(self._chosen)
        lay.addWidget(self.tree, 1)
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setTextVisible(True)
        lay.addWidget(self.progress)
        self.done_button = QPushButton("Mark done  (Ctrl+D)")
        self.done_button.setObjectName("mark_done")
        self.done_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.done_button.clicked.connect(self.mark_done_clicked)
        lay.addWidget(self.done_button)

    # ----------------------------------------------------------------- data
    def load(self, project: Project, annotator: str) -> None:
        self.status = project.statuses(annotator)
        self.counts = project.span_counts(annotator)
        self.tree.blockSignals(True)
        self.tree.clear()
        self.items = {}
        self.open_id = None
        for info in project.documents():
            item = QTreeWidgetItem([info.title or info.id, info.published, "", ""])
            item.setData(COL_TITLE, DOC_ID, info.id)
            tip = info.title or info.id
            if info.author:
                tip += f"\n{info.author}"
            item.setToolTip(COL_TITLE, plain_tip(tip))
            self.items[info.id] = item
            self.tree.addTopLevelItem(item)
            self._paint(info.id)
        self.tree.blockSignals(False)
        self._apply_filter()

    def _paint(self, doc_id: str) -> None:
        item = self.items[doc_id]
        status = self.status.get(doc_id, STATUS_TODO)
        item.setText(COL_STATUS, status)
        item.setText(COL_SPANS, str(self.counts.get(doc_id, 0)))

    def _update_progress(self) -> None:
        total = len(self.items)
        done = sum(1 for d in self.items if self.status.get(d) == STATUS_DONE)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} of {total} done")

    def set_status(self, doc_id: str, status: str) -> None:
        if doc_id in self.items:
            self.status[doc_id] = status
            self._paint(doc_id)
            self._apply_filter()

    def span_added(self, span: Span) -> None:
        self._count(span.document_id, +1)

    def span_removed(self, span: Span) -> None:
        self._count(span.document_id, -1)

    def _count(self, doc_id: str, delta: int) -> None:
        if doc_id in self.items:
            self.counts[doc_id] = max(0, self.counts.get(doc_id, 0) + delta)
            self._paint(doc_id)

    # ----------------------------------------------------------------- navigation
    def current_id(self) -> str | None:
        """The open document (not the list's keyboard cursor)."""
        return self.open_id

    def set_current(self, doc_id: str | None) -> None:
        """Show ``doc_id`` as the open document without emitting :attr:`document_chosen`."""
        self.open_id = doc_id if doc_id in self.items else None
        self.tree.blockSignals(True)
        item = self.items.get(doc_id or "")
        if item is not None:
            item.setHidden(False)  # the open document is always listed
        self.tree.setCurrentItem(item)
        self._apply_filter()
        if item is not None:
            self.tree.scrollToItem(item)
        self.tree.blockSignals(False)

    def visible_ids(self) -> list[str]:
        return [d for d, item in self.items.items() if not item.isHidden()]

    def neighbour(self, step: int) -> str | None:
        """The next (+1) or previous (-1) shown document after the current one."""
        ids = self.visible_ids()
        if not ids:
            return None
        cur = self.current_id()
        if cur not in ids:
            # the current document is filtered out: go by list position
            order = list(self.items)
            pos = order.index(cur) if cur in order else -1
            after = [d for d in ids if order.index(d) > pos]
            before = [d for d in ids if order.index(d) < pos]
            return (after[0] if after else None) if step > 0 else (
                before[-1] if before else None)
        i = ids.index(cur) + step
        return ids[i] if 0 <= i < len(ids) else None

    def first_id(self) -> str | None:
        return next(iter(self.items), None)

    def filter_value(self) -> str:
        return str(self.filter.currentData())

    def set_filter(self, value: str) -> None:
        i = self.filter.findData(value)
        self.filter.setCurrentIndex(max(i, 0))

    def _apply_filter(self) -> None:
        want = self.filter.currentData()
        cur = self.current_id()
        for doc_id, item in self.items.items():
            status = self.status.get(doc_id, STATUS_TODO)
            item.setHidden(want != ALL and status != want and doc_id != cur)
        self._update_progress()

    def _chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.document_chosen.emit(item.data(COL_TITLE, DOC_ID))
