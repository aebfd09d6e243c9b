"""Close the loop: every detractor (0-6 of 10, 1-2 of 5, a "Bad" ticket) with customer, step,
date and verbatim, and the status the team ticks as it calls them back."""

from __future__ import annotations

from itertools import islice
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHeaderView, QInputDialog, QLabel, QVBoxLayout, QWidget

from cxmapper.model.events import Change
from cxmapper.model.evidence_stats import Detractor, detractors
from cxmapper.ui.document.commands import SetFollowUp
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.tables import ColumnsModel, TablePanel

SHOWN = 2000  # the newest; the workbook carries them all


class DetractorModel(ColumnsModel):
    COLUMNS = ("Date", "Customer", "Step", "Score", "Verbatim", "Status", "Owner")

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Detractor] = []

    def set_items(self, items: list[Detractor]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rows(self) -> int:
        return len(self.items)

    def data(self, index: Any, role: int = 0) -> Any:
        d = self.items[index.row()]
        values = (d.date or "", d.customer_id, d.steps, d.score, d.text, d.status, d.owner)
        value = values[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 3 and value is not None:
                return f"{value:g} / {d.score_scale}"
            return "" if value is None else str(value).replace("\n", " ")
        if role == Qt.ItemDataRole.UserRole:
            return -1.0 if value is None else value
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return d.text
        return None


class CloseLoopPanel(TablePanel):
    # A Panel (see cxmapper.ui.panels): what the window docks.
    dock_title = "Close the loop"
    dock_name = "close-loop"
    dock_area = Qt.DockWidgetArea.BottomDockWidgetArea

    def __init__(self, ctx: DocumentContext) -> None:
        self.ctx = ctx
        self.model = DetractorModel()
        super().__init__(self.model, "Filter detractors (customer, step, status, owner, words)…", [
            ("Mark contacted", lambda: self.mark("contacted")),
            ("Mark resolved", lambda: self.mark("resolved")),
            ("Reopen", lambda: self.mark("open")), ("Assign owner…", self.assign),
        ])  # fmt: skip
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self._stale = True
        self._catching_up = False  # a catch-up is waiting for the window to settle
        self.note = QLabel()
        box = self.layout()
        assert isinstance(box, QVBoxLayout)  # TablePanel's own layout
        box.insertWidget(0, self.note)
        ctx.changed.connect(self._on_change)
        ctx.undo_stack.settled.connect(self._on_settled)
        # Filled when first shown (showEvent): behind another tab it costs nothing on open.

    def dock_content(self) -> QWidget:
        return self

    def delete_selected(self) -> None:
        pass  # nothing here is deleted with Edit → Delete

    def detach(self) -> None:
        self.ctx.changed.disconnect(self._on_change)
        self.ctx.undo_stack.settled.disconnect(self._on_settled)

    def _on_change(self, change: Change) -> None:
        # Only what the list shows: detractors and follow-ups, and the titles of their steps
        # (a move, a new emotion or a new step leaves it as it is).
        if change.entity in ("evidence", "import_batch") or (
            change.entity == "step" and (change.kind != "changed" or "title" in change.fields)
        ):
            self._stale = True
            # One edit may announce thousands of changes (deleting the whole map): the list
            # is read once the edit has settled, not once per change.
            if not self.ctx.undo_stack.busy:
                self._on_settled()

    def _on_settled(self) -> None:
        # A panel behind another tab (nothing of it on screen) catches up when shown.
        if self._stale and self.isVisible() and not self.visibleRegion().isEmpty():
            self.refresh()

    def on_dock_visibility(self, visible: bool) -> None:
        if visible:
            self.catch_up()

    def catch_up(self) -> None:
        """Its tab was brought to the front: show what changed while it was behind.

        Checked once the window has settled: while a project opens, every dock is shown
        as it is added and only then tabbed behind another, and reading the detractors of
        a large project for a tab nobody sees would slow the open."""
        if self._stale and not self._catching_up:
            self._catching_up = True
            QTimer.singleShot(0, self, self._catch_up_if_seen)

    def _catch_up_if_seen(self) -> None:
        self._catching_up = False
        if self._stale and self.isVisible() and not self.visibleRegion().isEmpty():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.catch_up()

    def refresh(self) -> None:
        self._stale = False
        items = list(islice(detractors(self.ctx.project), SHOWN + 1))
        shown = items[:SHOWN]
        done = sum(d.status != "open" for d in shown)
        if len(items) > SHOWN:
            text = (
                f"More than {SHOWN:,} detractors to call back; the newest {SHOWN:,} are shown "
                f"({done:,} of them followed up) and the exported workbook lists all."
            )
        else:
            text = f"{len(shown):,} detractors to call back, {done:,} followed up."
        self.note.setText(text)
        # The list is read again after every follow-up: the rows the team is working through
        # stay selected, so "Assign owner" can follow "Mark contacted".
        selected = set(self.selected_ids())
        self.model.set_items(shown)
        if selected:
            self._select(selected)

    def _select(self, evidence_ids: set[int]) -> None:
        chosen = QItemSelection()
        last = self.model.columnCount() - 1
        for row, d in enumerate(self.model.items):
            if d.evidence_id in evidence_ids:
                chosen.select(self.model.index(row, 0), self.model.index(row, last))
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        shown = self.proxy.mapSelectionFromSource(chosen)
        selection.select(shown, flags.ClearAndSelect)
        if not shown.isEmpty():  # the keyboard carries on from the first of them
            selection.setCurrentIndex(shown.indexes()[0], flags.NoUpdate)

    def selected_ids(self) -> list[int]:
        rows = [self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()]
        return [self.model.items[r].evidence_id for r in rows]

    def mark(self, status: str) -> None:
        ids = self.selected_ids()
        if ids:
            project = self.ctx.project
            self.ctx.edit(lambda: SetFollowUp(project, ids, status=status), origin=self)

    def assign(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        owner, ok = QInputDialog.getText(self, "Assign owner", "Who calls these customers back?")
        if ok:  # each keeps its own status: only the owner changes
            project, name = self.ctx.project, owner.strip()
            self.ctx.edit(lambda: SetFollowUp(project, ids, owner=name), origin=self)
