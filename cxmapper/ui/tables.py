"""Shared pieces of the list panels: a table model with fixed columns, and a panel with a
filter box, a sortable table and a row of buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
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

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.rows()

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None


def sorted_table(model: QAbstractTableModel) -> tuple[QTableView, QSortFilterProxyModel]:
    """A row-selecting, sortable table over ``model``, filtered on every column."""
    proxy = QSortFilterProxyModel()
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
    ) -> None:
        super().__init__()
        self.table, self.proxy = sorted_table(model)
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
