"""The disagreement list as a Qt table model: rows are computed when shown, so tens of
thousands of records open at once. Plain text only (DisplayRole strings); the type
column is coloured by the disagreement type; the state column (open / decided) asks
``is_decided(record)`` each time it is painted, so it follows decisions at no cost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ...agreement.disagreements import Disagreement
from ...domain.model import Document
from .side_by_side import TYPE_COLOURS, plain_tip

COLUMNS = ("Document", "¶", "Type", "What", "Annotators", "Detail", "State")
TYPE_COLUMN, STATE_COLUMN = 2, 6
Index = QModelIndex | QPersistentModelIndex


class RecordsModel(QAbstractTableModel):
    def __init__(self, document: Callable[[str], Document],
                 is_decided: Callable[[Disagreement], bool]) -> None:
        super().__init__()
        self._document = document
        self._is_decided = is_decided
        self.records: list[Disagreement] = []

    def set_records(self, records: Sequence[Disagreement]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def states_changed(self) -> None:
        if self.records:
            self.dataChanged.emit(self.index(0, STATE_COLUMN),
                                  self.index(len(self.records) - 1, STATE_COLUMN))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def cell(self, row: int, col: int) -> str:
        r = self.records[row]
        if col == 0:
            doc = self._document(r.document_id)
            return doc.title or doc.id
        if col == 1:
            return str(r.paragraph + 1)
        if col == TYPE_COLUMN:
            return r.type
        if col == 3:
            if r.kind == "frame":
                return f"attribution {r.role}" if r.role else "attribution"
            return " / ".join(x for x in r.labels if x) or r.kind
        if col == 4:
            return " vs ".join(r.annotators)
        if col == 5:
            return r.detail
        return "decided" if self._is_decided(r) else "open"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(self.cell(row, col))
        if col == TYPE_COLUMN:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(TYPE_COLOURS.get(self.records[row].type, "#777777"))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor("#ffffff")
        if col == STATE_COLUMN and role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#1b5e20" if self.cell(row, col) == "decided" else "#303030")
        return None
