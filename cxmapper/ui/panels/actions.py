"""The action plan: macro actions from universal pains (work groups to involve suggested from
the journey graph), micro and cultural actions; ranked by ROI; every edit undoable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cxmapper.model import entities as e
from cxmapper.model.events import Change
from cxmapper.model.journey import groups_to_involve
from cxmapper.model.project import Project
from cxmapper.model.scoring import ActionScore
from cxmapper.ui.document.commands import AddAction, RemoveItem
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.document.plan_commands import cancel_new, save_form
from cxmapper.ui.panels.forms import form_footer
from cxmapper.ui.panels.plan_scores import PlanScores
from cxmapper.ui.panels.tables import KeyedColumnsModel, RowFilterProxy, TablePanel

COLUMNS = (
    "Rank",
    "Kind",
    "Action",
    "Pains",
    "Owner",
    "Involved",
    "Sponsor",
    "Start",
    "Due",
    "Status",
    "Investment",
    "Reduction",
    "Benefit / yr",
    "ROI",
)


NO_OWNER = "—"  # the Owner cell of an action the room has not given an owner yet
NO_OWNER_CHOICE = "— choose —"


@dataclass(frozen=True)
class ActionRow:
    """One table row: the action's score and fields, with names resolved, so that a renamed
    pain or work group shows as a changed row."""

    score: ActionScore
    action: e.Action
    pains: str
    owner: str
    involved: str


class ActionTableModel(KeyedColumnsModel):
    """Scored actions, one row per action in a stable order (the proxy sorts by rank)."""

    COLUMNS = COLUMNS

    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rescore()

    def key(self, item: ActionRow) -> int:
        return item.score.action_id

    @property
    def scores(self) -> list[ActionScore]:
        """The actions in rank order (best ROI first)."""
        return [row.score for row in sorted(self.items, key=lambda r: r.score.rank)]

    def rescore(self, *, every_row: bool = False) -> None:
        project = self.ctx.project
        groups = {g.id: g.name for g in project.work_groups()}
        pains = {p.id: p.title for p in project.pains()}
        rows = []
        for score in PlanScores.of(self.ctx).actions():
            action = project.action(score.action_id)
            rows.append(
                ActionRow(
                    score,
                    action,
                    "; ".join(pains[i] for i in action.pain_ids if i in pains),
                    groups.get(action.owner_group_id or -1, NO_OWNER),
                    ", ".join(groups[g] for g in action.involved_group_ids if g in groups),
                )
            )
        self.replace(rows)
        if every_row and self.items:  # e.g. the currency changed: same rows, new text
            last = len(COLUMNS) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.items) - 1, last))

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        row: ActionRow = self.items[index.row()]
        s, action = row.score, row.action
        values = (
            s.rank,
            s.kind,
            s.title,
            row.pains,
            row.owner,
            row.involved,
            action.sponsor,
            action.start_date or "",
            action.due_date or "",
            action.status.value,
            s.investment,
            action.expected_reduction,
            s.benefit,
            s.roi,
        )
        col = index.column()
        if role == Qt.ItemDataRole.UserRole:
            value = values[col]
            if isinstance(value, str):
                return value.casefold()
            return -1.0 if value is None else value
        if role == Qt.ItemDataRole.DisplayRole:
            cur = self.ctx.project.settings.currency
            if col in (10, 12):
                return f"{values[col]:,.0f} {cur}"
            if col == 11:
                return f"{action.expected_reduction:.0%}"
            if col == 13:
                return "—" if s.roi is None else f"{s.roi:,.1f}×"
            return values[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 4 and row.owner == NO_OWNER:
            return "No owner yet: the room agrees which work group owns it"
        if role == Qt.ItemDataRole.ToolTipRole and col in (2, 3, 5, 6):
            return values[col] or None
        if role == Qt.ItemDataRole.ToolTipRole and col == 12 and s.benefit_high > s.benefit_low:
            cur = self.ctx.project.settings.currency
            return f"{s.benefit_low:,.0f}–{s.benefit_high:,.0f} {cur} (95 % interval of reach)"
        if role == Qt.ItemDataRole.ToolTipRole and col == 13 and s.roi is None:
            return "No investment entered yet"
        return None


class ActionEditor(QDialog):
    def __init__(
        self,
        ctx: DocumentContext,
        action: e.Action,
        parent: QWidget | None = None,
        added: AddAction | None = None,
    ) -> None:
        super().__init__(parent)
        # ``added``: the command that just created the action, which the first form belongs to
        self.ctx, self.action, self.added = ctx, action, added
        project = ctx.project
        self.setWindowTitle(f"Action — {action.title}")
        form = QFormLayout(self)
        self.title = QLineEdit(action.title)
        self.description = QPlainTextEdit(action.description)
        self.description.setFixedHeight(60)
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
        self.owner.addItem(NO_OWNER_CHOICE, None)
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
        suggest = QPushButton("Suggest from the pains' steps, hand-offs and loops")
        suggest.clicked.connect(self.suggest_groups)
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
            ("Description", self.description),
            ("Kind", self.kind),
            ("Pains addressed", self.pains),
            ("Owner work group", self.owner),
            ("Work groups involved", self.groups),
            ("", suggest),
            ("Sponsor", self.sponsor),
            ("Start", self.start),
            ("Due", self.due),
            ("Status", self.status),
            ("Investment", self.investment),
            ("Expected reduction", self.reduction),
        ):
            form.addRow(label, widget)
        self.error = form_footer(self, form)

    def suggest_groups(self) -> None:
        """Tick the work groups the journey graph says must act on the ticked pains."""
        wanted = set(groups_to_involve(self.ctx.project, _checked(self.pains)))
        for i in range(self.groups.count()):
            item = self.groups.item(i)
            chosen = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)

    def values(self) -> dict[str, Any]:
        checked = _checked
        return {
            "title": self.title.text().strip(),
            "description": self.description.toPlainText(),
            "kind": self.kind.currentData(),
            "pain_ids": checked(self.pains),
            "owner_group_id": self.owner.currentData(),
            "involved_group_ids": checked(self.groups),
            "sponsor": self.sponsor.text().strip(),
            "start_date": _iso(self.start),
            "due_date": _iso(self.due),
            "status": self.status.currentData(),
            "investment": self.investment.value() + 0.0,  # never -0 (a typed minus sign)
            "expected_reduction": self.reduction.value() / 100,
        }

    def reject(self) -> None:
        cancel_new(self.ctx.undo_stack, self.added)
        super().reject()

    def accept(self) -> None:
        if not self.ctx.project.exists(e.Action, self.action.id):  # undone meanwhile
            super().reject()
            return
        changes = {k: v for k, v in self.values().items() if getattr(self.action, k) != v}
        error = save_form(self.ctx, e.Action, self.action.id, changes, self.added, origin=self)
        if error:
            self.error.setText(error)
            return
        super().accept()


def suggested_macro(project: Project, pain_ids: Sequence[int], title: str) -> AddAction:
    """A new macro action on ``pain_ids`` with the work groups the journey graph says must
    act on them, and no owner yet: the room agrees who owns it. The suggested groups are in
    lane order, so the first is usually the customer lane, and no count of steps can tell an
    internal group from the customer's (pain steps often sit in the customer lane)."""
    return AddAction(
        project,
        title,
        kind=e.ActionKind.MACRO,
        pain_ids=tuple(pain_ids),
        involved_group_ids=tuple(groups_to_involve(project, list(pain_ids))),
        owner_group_id=None,
    )


def _checked(widget: QListWidget) -> tuple[int, ...]:
    """The ids of the ticked items of a check list."""
    return tuple(
        widget.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    )


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
    """The action plan: ranked by ROI, filtered by text, kind and status; selecting an action
    selects the pains it addresses and their steps."""

    # A Panel (see cxmapper.ui.panels): what the window docks.
    dock_title = "Action plan"
    dock_name = "actions"
    dock_area = Qt.DockWidgetArea.BottomDockWidgetArea

    def __init__(self, ctx: DocumentContext) -> None:
        self.ctx = ctx
        self.model = ActionTableModel(ctx)
        super().__init__(
            self.model,
            "Filter actions (title, pains, groups, sponsor)…",
            [
                ("Macro action from selected pains", self.new_macro),
                ("New action", self.new_action),
                ("Edit…", self.edit_selected),
                ("Delete", self.delete_selected),
            ],
            proxy=RowFilterProxy(),
        )
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("All kinds", None)
        for kind in e.ActionKind:
            self.kind_filter.addItem(kind.value.capitalize(), kind)
        self.status_filter = QComboBox()
        self.status_filter.addItem("Any status", None)
        for status in e.ActionStatus:
            self.status_filter.addItem(status.value.capitalize(), status)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.removeWidget(self.filter)  # the kind and status boxes sit beside the filter
        row = QHBoxLayout()
        row.addWidget(self.filter, 1)
        row.addWidget(self.kind_filter)
        row.addWidget(self.status_filter)
        layout.insertLayout(0, row)
        self.kind_filter.currentIndexChanged.connect(self._apply_filters)
        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(0)  # the rows in view: cheap on a long plan
        fixed = {3: 180, 5: 160, 6: 130}  # long lists: the full text is in the tooltips
        for column, width in fixed.items():  # before any column is sized by content
            header.resizeSection(column, width)
        for column in range(len(COLUMNS)):
            if column not in fixed:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._to_context)
        self.plan = PlanScores.of(ctx)
        self.plan.changed.connect(self._on_change)

    def dock_content(self) -> QWidget:
        return self

    def on_dock_visibility(self, visible: bool) -> None:
        pass  # it keeps up while hidden: nothing to catch up on

    def detach(self) -> None:
        self.plan.changed.disconnect(self._on_change)
        self.plan.stop()  # no scores arrive for a project that is closing

    def _on_change(self, change: Change) -> None:
        self.model.rescore(every_row=change.entity == "settings")

    def _apply_filters(self) -> None:
        kind, status = self.kind_filter.currentData(), self.status_filter.currentData()
        proxy = self.proxy
        assert isinstance(proxy, RowFilterProxy)
        if kind is None and status is None:
            proxy.set_row_filter(None)
            return

        def accepts(row: int) -> bool:
            action = self.model.items[row].action
            return (kind is None or action.kind == kind) and (
                status is None or action.status == status
            )

        proxy.set_row_filter(accepts)

    def selected_action_id(self) -> int | None:
        row = self.selected_row()
        return None if row is None else self.model.items[row].score.action_id

    def _to_context(self) -> None:
        action_id = self.selected_action_id()
        if action_id is None:
            return
        project = self.ctx.project
        pains = project.action(action_id).pain_ids
        steps = dict.fromkeys(s for p in pains for s in project.pain(p).step_ids)
        self.ctx.set_selection(actions=[action_id], pains=list(pains), steps=list(steps))

    def new_macro(self) -> int | None:
        """A macro action for the selected universal pains, with the work groups to involve
        taken from the journey graph."""
        project = self.ctx.project
        kinds = {s.pain_id: s.kind for s in self.plan.pains()}
        selected = [p for p in self.ctx.selected_pain_ids() if p in kinds]
        pains = [p for p in selected if kinds[p] == "universal"]
        if not pains:
            QMessageBox.information(
                self,
                "Macro action",
                "Select one or more universal pains in the pain register first."
                if not selected
                else "Macro actions remove universal pains, and the selected pains are local: "
                "give them a micro action, or mark them universal in the pain's form.",
            )
            return None

        return self._open_new(
            lambda: suggested_macro(project, pains, f"Fix: {project.pain(pains[0]).title}")
        )

    def new_action(self) -> int | None:
        kinds = {s.pain_id: s.kind for s in self.plan.pains()}
        pains = tuple(p for p in self.ctx.selected_pain_ids() if kinds.get(p) == "local")
        project = self.ctx.project
        return self._open_new(
            lambda: AddAction(
                project,
                f"Follow up: {project.pain(pains[0]).title}" if pains else "New action",
                kind=e.ActionKind.MICRO,
                pain_ids=pains,
            )
        )

    def _open_new(self, build: Callable[[], AddAction]) -> int | None:
        command = self.ctx.edit(build, origin=self)
        if command is None or command.action_id is None:
            return None  # refused, and reported by the edit path
        action = self.ctx.project.action(command.action_id)
        ActionEditor(self.ctx, action, self, added=command).open()
        return command.action_id

    def edit_selected(self) -> None:
        action_id = self.selected_action_id()
        if action_id is not None:
            ActionEditor(self.ctx, self.ctx.project.action(action_id), self).open()

    def delete_selected(self) -> None:
        action_id = self.selected_action_id()
        if action_id is not None:
            project = self.ctx.project
            self.ctx.edit(lambda: RemoveItem(project, e.Action, action_id), origin=self)
