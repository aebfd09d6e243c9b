"""Shared pieces of the list panels: a table model with fixed columns, and a panel with a
filter box, a sortable table and a row of buttons."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)


class ColumnsModel(QAbstractTableModel):
    """A table model whose columns are the class's COLUMNS; subclasses give rows and data.
    Sorting uses Qt.UserRole, so numbers sort as numbers whatever their display text."""

    COLUMNS: tuple[str, ...] = ()

    def rows(self) -> int:
        raise NotImplementedError

    def rowCount(
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return 0 if parent.isValid() else self.rows()

    def columnCount(
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None


class KeyedColumnsModel(ColumnsModel):
    """Rows keyed by an id and kept in a stable order; the sorting proxy orders them.

    :meth:`replace` turns a recomputed list into the smallest row signals (runs of removed
    rows, changed cells, appended rows) instead of a reset, so a rescore after an edit keeps
    the table's selection and scroll position, and the proxy moves only the rows whose sort
    value changed."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Any] = []

    def key(self, item: Any) -> Hashable:
        raise NotImplementedError

    def rows(self) -> int:
        return len(self.items)

    def row_of(self, key: Hashable) -> int | None:
        return next((r for r, item in enumerate(self.items) if self.key(item) == key), None)

    def replace(self, new: Sequence[Any]) -> None:
        fresh = {self.key(item): item for item in new}
        row = len(self.items) - 1
        while row >= 0:  # bottom-up, so the rows above keep their numbers
            if self.key(self.items[row]) in fresh:
                row -= 1
                continue
            end = row
            while row > 0 and self.key(self.items[row - 1]) not in fresh:
                row -= 1
            self.beginRemoveRows(QModelIndex(), row, end)
            del self.items[row : end + 1]
            self.endRemoveRows()
            row -= 1
        changed = []
        for row, item in enumerate(self.items):
            updated = fresh.pop(self.key(item))
            if updated != item:
                self.items[row] = updated
                changed.append(row)
        last = len(self.COLUMNS) - 1
        for first, end in _runs(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))
        added = [item for item in new if self.key(item) in fresh]
        if added:
            start = len(self.items)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self.items.extend(added)
            self.endInsertRows()


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class RowFilterProxy(QSortFilterProxyModel):
    """The text filter plus a predicate on the source row (e.g. kind and status boxes)."""

    def __init__(self) -> None:
        super().__init__()
        self.row_filter: Callable[[int], bool] | None = None

    def set_row_filter(self, predicate: Callable[[int], bool] | None) -> None:
        self.beginFilterChange()
        self.row_filter = predicate
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self.row_filter is not None and not self.row_filter(source_row):
            return False
        return super().filterAcceptsRow(source_row, source_parent)


def sorted_table(
    model: QAbstractTableModel, proxy: QSortFilterProxyModel | None = None
) -> tuple[QTableView, QSortFilterProxyModel]:
    """A row-selecting, sortable table over ``model``, filtered on every column."""
    proxy = proxy or QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    return view, proxy


class TablePanel(QWidget):
    """Filter box, sortable table (sorted by its first column), buttons below."""

    def __init__(
        self,
        model: QAbstractTableModel,
        placeholder: str,
        buttons: list[tuple[str, Callable[[], object]]],
        proxy: QSortFilterProxyModel | None = None,
    ) -> None:
        super().__init__()
        self.table, self.proxy = sorted_table(model, proxy)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(placeholder)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        row = QHBoxLayout()
        for text, slot in buttons:
            button = QPushButton(text)
            button.clicked.connect(lambda *_, s=slot: s())
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addLayout(row)

    def selected_row(self) -> int | None:
        """The model row of the selected table row."""
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.mapToSource(rows[0]).row() if rows else None
