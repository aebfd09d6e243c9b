"""The action plan: macro actions from universal pains (work groups to involve suggested from
the journey graph), micro and cultural actions; ranked by ROI; every edit undoable."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QWidget,
)

from cxmapper.model import entities as e
from cxmapper.model.events import Change
from cxmapper.model.journey import groups_to_involve
from cxmapper.model.scoring import ActionScore, score_actions
from cxmapper.ui.commands import AddAction, RemoveItem, UpdateItem, push
from cxmapper.ui.context import DocumentContext
from cxmapper.ui.tables import ColumnsModel, TablePanel

COLUMNS = ("Rank", "Kind", "Action", "Owner", "Due", "Status", "Investment", "Benefit / yr", "ROI")


class ActionTableModel(ColumnsModel):
    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.scores: list[ActionScore] = []
        self.rescore()

    def rescore(self) -> None:
        self.beginResetModel()
        self.scores = score_actions(self.ctx.project)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.scores)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = 0) -> Any:
        s = self.scores[index.row()]
        action = self.ctx.project.action(s.action_id)
        groups = {g.id: g.name for g in self.ctx.project.work_groups()}
        cur = self.ctx.project.settings.currency
        values = (
            s.rank,
            s.kind,
            s.title,
            groups.get(action.owner_group_id or -1, ""),
            action.due_date or "",
            action.status.value,
            s.investment,
            s.benefit,
            s.roi,
        )
        col = index.column()
        if role == Qt.ItemDataRole.UserRole:
            value = values[col]
            return -1.0 if value is None else value
        if role == Qt.ItemDataRole.DisplayRole:
            if col in (6, 7):
                return f"{values[col]:,.0f} {cur}"
            if col == 8:
                return "—" if s.roi is None else f"{s.roi:.1f}×"
            return values[col]
        return None


class ActionEditor(QDialog):
    def __init__(
        self, ctx: DocumentContext, action: e.Action, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.action = ctx, action
        project = ctx.project
        self.setWindowTitle(f"Action — {action.title}")
        form = QFormLayout(self)
        self.title = QLineEdit(action.title)
        self.kind = QComboBox()
        for kind in e.ActionKind:
            self.kind.addItem(kind.value, kind)
        self.kind.setCurrentIndex(self.kind.findData(action.kind))
        self.pains = QListWidget()
        for pain in sorted(project.pains(), key=lambda p: p.title):
            item = QListWidgetItem(pain.title)
            item.setData(Qt.ItemDataRole.UserRole, pain.id)
            item.setCheckState(
                Qt.CheckState.Checked if pain.id in action.pain_ids else Qt.CheckState.Unchecked
            )
            self.pains.addItem(item)
        self.pains.setMaximumHeight(120)
        self.owner = QComboBox()
        self.owner.addItem("(none)", None)
        self.groups = QListWidget()
        for g in project.work_groups():
            self.owner.addItem(g.name, g.id)
            item = QListWidgetItem(g.name)
            item.setData(Qt.ItemDataRole.UserRole, g.id)
            item.setCheckState(
                Qt.CheckState.Checked
                if g.id in action.involved_group_ids
                else Qt.CheckState.Unchecked
            )
            self.groups.addItem(item)
        self.groups.setMaximumHeight(120)
        self.owner.setCurrentIndex(max(0, self.owner.findData(action.owner_group_id)))
        self.sponsor = QLineEdit(action.sponsor)
        self.start = _date(action.start_date)
        self.due = _date(action.due_date)
        self.status = QComboBox()
        for status in e.ActionStatus:
            self.status.addItem(status.value, status)
        self.status.setCurrentIndex(self.status.findData(action.status))
        self.investment = QDoubleSpinBox()
        self.investment.setRange(0, 1e12)
        self.investment.setGroupSeparatorShown(True)
        self.investment.setSuffix(f" {project.settings.currency}")
        self.investment.setValue(action.investment)
        self.reduction = QDoubleSpinBox()
        self.reduction.setRange(0, 100)
        self.reduction.setSuffix(" %")
        self.reduction.setValue(action.expected_reduction * 100)
        for label, widget in (
            ("Title", self.title),
            ("Kind", self.kind),
            ("Pains addressed", self.pains),
            ("Owner work group", self.owner),
            ("Work groups involved", self.groups),
            ("Sponsor", self.sponsor),
            ("Start", self.start),
            ("Due", self.due),
            ("Status", self.status),
            ("Investment", self.investment),
            ("Expected reduction", self.reduction),
        ):
            form.addRow(label, widget)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c92a2a")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        def checked(widget: QListWidget) -> tuple[int, ...]:
            return tuple(
                widget.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(widget.count())
                if widget.item(i).checkState() == Qt.CheckState.Checked
            )

        return {
            "title": self.title.text().strip(),
            "kind": self.kind.currentData(),
            "pain_ids": checked(self.pains),
            "owner_group_id": self.owner.currentData(),
            "involved_group_ids": checked(self.groups),
            "sponsor": self.sponsor.text().strip(),
            "start_date": _iso(self.start),
            "due_date": _iso(self.due),
            "status": self.status.currentData(),
            "investment": self.investment.value(),
            "expected_reduction": self.reduction.value() / 100,
        }

    def accept(self) -> None:
        changes = {k: v for k, v in self.values().items() if getattr(self.action, k) != v}
        if changes:
            title = changes.get("title", self.action.title)
            command = UpdateItem(
                self.ctx.project, e.Action, self.action.id, f"Edit action '{title}'", **changes
            )
            error = push(self.ctx.undo_stack, command)
            if error:
                self.error.setText(error)
                return
        super().accept()


def _date(value: str | None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setSpecialValueText("(none)")
    edit.setMinimumDate(QDate(2000, 1, 1))
    edit.setDate(QDate.fromString(value, "yyyy-MM-dd") if value else edit.minimumDate())
    return edit


def _iso(edit: QDateEdit) -> str | None:
    return None if edit.date() == edit.minimumDate() else edit.date().toString("yyyy-MM-dd")


class ActionPanel(TablePanel):
    def __init__(self, ctx: DocumentContext) -> None:
        self.ctx = ctx
        self.model = ActionTableModel(ctx)
        super().__init__(
            self.model,
            "Filter actions (kind, owner, status, title)…",
            [
                ("Macro action from selected pains", self.new_macro),
                ("New action", self.new_action),
                ("Edit…", self.edit_selected),
                ("Delete", self.delete_selected),
            ],
        )
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        ctx.changed.connect(self._on_change)

    def detach(self) -> None:
        self.ctx.changed.disconnect(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.entity in (
            "action",
            "pain",
            "settings",
            "evidence",
            "import_batch",
            "work_group",
        ):
            self.model.rescore()

    def selected_action_id(self) -> int | None:
        row = self.selected_row()
        return None if row is None else self.model.scores[row].action_id

    def new_macro(self) -> int | None:
        pains = list(self.ctx.selected_pain_ids())
        if not pains:
            QMessageBox.information(
                self, "Macro action", "Select one or more pains in the pain register first."
            )
            return None
        project = self.ctx.project
        groups = groups_to_involve(project, pains)
        title = f"Fix: {project.pain(pains[0]).title}"
        command = AddAction(
            project,
            title,
            kind=e.ActionKind.MACRO,
            pain_ids=tuple(pains),
            involved_group_ids=tuple(groups),
            owner_group_id=groups[0] if groups else None,
        )
        if push(self.ctx.undo_stack, command) is None and command.action_id is not None:
            ActionEditor(self.ctx, project.action(command.action_id), self).open()
            return command.action_id
        return None

    def new_action(self) -> None:
        command = AddAction(self.ctx.project, "New action", kind=e.ActionKind.MICRO)
        if push(self.ctx.undo_stack, command) is None and command.action_id is not None:
            ActionEditor(self.ctx, self.ctx.project.action(command.action_id), self).open()

    def edit_selected(self) -> None:
        action_id = self.selected_action_id()
        if action_id is not None:
            ActionEditor(self.ctx, self.ctx.project.action(action_id), self).open()

    def delete_selected(self) -> None:
        action_id = self.selected_action_id()
        if action_id is not None:
            push(self.ctx.undo_stack, RemoveItem(self.ctx.project, e.Action, action_id))
