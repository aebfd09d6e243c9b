"""The pain register: scored pains, ranked live, created from the selected steps and evidence,
edited in a form with the scoring inputs. Selecting a pain selects its steps on the map."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from cxmapper.model import entities as e
from cxmapper.model.events import Change
from cxmapper.model.evidence_stats import detractor_ids_at
from cxmapper.model.scoring import PainScore, score_pains
from cxmapper.ui.commands import AddPain, RemoveItem, UpdateItem, push
from cxmapper.ui.context import DocumentContext
from cxmapper.ui.tables import ColumnsModel, TablePanel

COLUMNS = (
    "Rank",
    "Pain",
    "Kind",
    "Reach / yr",
    "Cost / customer",
    "Impact / yr",
    "Groups",
    "Evidence",
)


class PainTableModel(ColumnsModel):
    """Scored pains; rescored on every relevant change (cheap), rows updated in place."""

    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.scores: list[PainScore] = []
        self.rescore()

    def rescore(self) -> None:
        new = score_pains(self.ctx.project)
        if [s.pain_id for s in new] == [s.pain_id for s in self.scores]:
            self.scores = new
            if new:
                self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()  # pains added, removed or re-ranked
        self.scores = new
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
        cur = self.ctx.project.settings.currency
        col = index.column()
        if role == Qt.ItemDataRole.UserRole:
            return (
                s.rank,
                s.title.casefold(),
                s.kind,
                s.reach,
                s.cost_per_customer,
                s.impact,
                len(s.work_group_ids),
                s.evidence_count,
            )[col]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 3:
                if s.reach_source == "estimate":
                    return f"{s.reach:,.0f} (estimate)"
                return f"{s.reach:,.0f} ({s.reach_low:,.0f}–{s.reach_high:,.0f})"
            if col == 5:
                return f"{s.impact:,.0f} {cur} ({s.impact_low:,.0f}–{s.impact_high:,.0f})"
            if col == 4:
                return f"{s.cost_per_customer:,.0f} {cur}" + (
                    " (band)" if s.cost_source == "band" else ""
                )
            return (
                s.rank,
                s.title,
                s.kind + (" *" if s.kind_overridden else ""),
                None,
                None,
                None,
                ", ".join(s.work_groups),
                s.evidence_count,
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return s.warning or f"k = {s.k} of n = {s.n}" if s.reach_source == "evidence" else None
        if role == Qt.ItemDataRole.ForegroundRole and col == 2 and s.kind == "universal":
            from PySide6.QtGui import QColor

            return QColor("#c92a2a")
        return None


class PainEditor(QDialog):
    """The scoring inputs of one pain, validated by the model."""

    def __init__(self, ctx: DocumentContext, pain: e.Pain, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.pain = ctx, pain
        self.setWindowTitle(f"Pain — {pain.title}")
        form = QFormLayout(self)
        self.title = QLineEdit(pain.title)
        self.description = QPlainTextEdit(pain.description)
        self.description.setFixedHeight(70)
        self.reach_source = QComboBox()
        self.reach_source.addItem("From linked evidence (k of n sampled)", e.ReachSource.EVIDENCE)
        self.reach_source.addItem("Room's estimate", e.ReachSource.ESTIMATE)
        self.reach_source.setCurrentIndex(self.reach_source.findData(pain.reach_source))
        self.share = _spin(0, 100, (pain.reach_estimate_share or 0) * 100, " %")
        self.count = _spin(0, 1e9, pain.reach_estimate_count or 0, " customers")
        self.cost_mode = QComboBox()
        self.cost_mode.addItem("From components", e.CostMode.COMPONENTS)
        self.cost_mode.addItem("Quick band 1–5", e.CostMode.BAND)
        self.cost_mode.setCurrentIndex(self.cost_mode.findData(pain.cost_mode))
        self.contacts = _spin(0, 1000, pain.extra_contacts, " contacts")
        self.rework = _spin(0, 1e9, pain.rework_cost, f" {ctx.project.settings.currency}")
        self.churn = _spin(0, 100, pain.extra_churn * 100, " %")
        self.band = QComboBox()
        bands = ctx.project.settings.cost_bands
        self.band.addItem("(none)", None)
        for n, amount in enumerate(bands, 1):
            self.band.addItem(f"{n} — {amount:,.0f} {ctx.project.settings.currency}", n)
        self.band.setCurrentIndex(max(0, self.band.findData(pain.cost_band)))
        self.kind = QComboBox()
        self.kind.addItem("Automatic (universal if wide or cross-group)", None)
        self.kind.addItem("Universal (macro action)", e.PainKind.UNIVERSAL)
        self.kind.addItem("Local (micro action)", e.PainKind.LOCAL)
        self.kind.setCurrentIndex(max(0, self.kind.findData(pain.kind_override)))
        self.evidence_ids = tuple(pain.evidence_ids)
        self.evidence_note = QLabel()
        link = QPushButton("Back it with the detractor evidence at its steps")
        link.clicked.connect(self._use_detractors)
        self._show_evidence()
        for label, widget in (
            ("Title", self.title),
            ("Description", self.description),
            ("Reach", self.reach_source),
            ("Estimated share", self.share),
            ("…or estimated count", self.count),
            ("Cost", self.cost_mode),
            ("Extra contacts each", self.contacts),
            ("Rework and refunds each", self.rework),
            ("Extra churn probability", self.churn),
            ("Cost band", self.band),
            ("Kind", self.kind),
            ("Evidence", self.evidence_note),
            ("", link),
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

    def _show_evidence(self) -> None:
        self.evidence_note.setText(f"{len(self.evidence_ids):,} item(s) linked")

    def _use_detractors(self) -> None:
        self.evidence_ids = tuple(detractor_ids_at(self.ctx.project, self.pain.step_ids))
        self._show_evidence()

    def values(self) -> dict[str, Any]:
        return {
            "evidence_ids": self.evidence_ids,
            "title": self.title.text().strip(),
            "description": self.description.toPlainText(),
            "reach_source": self.reach_source.currentData(),
            "reach_estimate_share": self.share.value() / 100 if self.share.value() else None,
            "reach_estimate_count": self.count.value() or None,
            "cost_mode": self.cost_mode.currentData(),
            "extra_contacts": self.contacts.value(),
            "rework_cost": self.rework.value(),
            "extra_churn": self.churn.value() / 100,
            "cost_band": self.band.currentData(),
            "kind_override": self.kind.currentData(),
        }

    def accept(self) -> None:
        changes = {k: v for k, v in self.values().items() if getattr(self.pain, k) != v}
        if changes:
            error = push(
                self.ctx.undo_stack,
                UpdateItem(
                    self.ctx.project,
                    e.Pain,
                    self.pain.id,
                    f"Edit pain '{changes.get('title', self.pain.title)}'",
                    **changes,
                ),
            )
            if error:
                self.error.setText(error)
                return
        super().accept()


def _spin(low: float, high: float, value: float, suffix: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(2)
    box.setSuffix(suffix)
    box.setGroupSeparatorShown(True)
    box.setValue(value)
    return box


class PainPanel(TablePanel):
    def __init__(self, ctx: DocumentContext) -> None:
        self.ctx = ctx
        self.model = PainTableModel(ctx)
        super().__init__(
            self.model,
            "Filter pains…",
            [
                ("New pain from selection", self.new_pain),
                ("Edit…", self.edit_selected),
                ("Delete", self.delete_selected),
            ],
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 260)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._to_context)
        ctx.changed.connect(self._on_change)

    def detach(self) -> None:
        self.ctx.changed.disconnect(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.entity in ("pain", "settings", "evidence", "import_batch", "step", "work_group"):
            self.model.rescore()

    def selected_pain_id(self) -> int | None:
        row = self.selected_row()
        return None if row is None else self.model.scores[row].pain_id

    def _to_context(self) -> None:
        pain_id = self.selected_pain_id()
        if pain_id is not None:
            pain = self.ctx.project.pain(pain_id)
            self.ctx.set_selection(pains=[pain_id], steps=list(pain.step_ids), flows=[])
            self.ctx.focusRequested.emit("pain", pain_id)

    def new_pain(self) -> int | None:
        steps = list(self.ctx.selected_step_ids())
        evidence = list(self.ctx.selected_evidence_ids())
        project = self.ctx.project
        title = "New pain" if not steps else f"Pain at {project.step(steps[0]).title}"
        command = AddPain(project, title, step_ids=tuple(steps), evidence_ids=tuple(evidence))
        if push(self.ctx.undo_stack, command) is None and command.pain_id is not None:
            PainEditor(self.ctx, project.pain(command.pain_id), self).open()
            return command.pain_id
        return None

    def edit_selected(self) -> None:
        pain_id = self.selected_pain_id()
        if pain_id is not None:
            PainEditor(self.ctx, self.ctx.project.pain(pain_id), self).open()

    def delete_selected(self) -> None:
        pain_id = self.selected_pain_id()
        if pain_id is not None:
            push(self.ctx.undo_stack, RemoveItem(self.ctx.project, e.Pain, pain_id))
