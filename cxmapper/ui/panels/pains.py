"""The pain register: scored pains, ranked live, created from the selected steps and evidence,
edited in a form with the scoring inputs. Selecting a pain selects its steps on the map."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
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
from cxmapper.model.scoring import PainScore, score_pain
from cxmapper.model.strength import Strength, pain_strength
from cxmapper.ui.document.commands import AddPain, RemoveItem
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.document.plan_commands import cancel_new, save_form
from cxmapper.ui.panels.certainty import RankCertaintyJob, ranks_text, top_three_text
from cxmapper.ui.panels.forms import form_footer
from cxmapper.ui.panels.plan_scores import PlanScores
from cxmapper.ui.panels.tables import KeyedColumnsModel, TablePanel
from cxmapper.wording import counted

COLUMNS = (
    "Rank",
    "Pain",
    "Kind",
    "Reach / yr",
    "Cost / customer",
    "Impact / yr",
    "Groups",
    "Evidence",
    "Strength",
    "Top 3",
    "Ranks",
)
# The order the register shows them in: the pain and how far to trust its rank first, its
# kind and the figures behind the rank after, so the key columns fit the docked register
# (the window gives the right docks 470 px) without scrolling sideways.
SHOWN_ORDER = (0, 1, 8, 9, 10, 2, 3, 5, 4, 6, 7)
PAIN_WIDTH, GROUPS_WIDTH = 150, 140  # long texts: the full text is in the tooltips
HEADER_TIPS = {
    COLUMNS.index("Reach / yr"): "Customers affected per year (“est.”: the room's estimate)",
    COLUMNS.index("Impact / yr"): "Reach × cost per customer, a year; its interval in the tooltip",
    COLUMNS.index("Top 3"): "The chance it is among the three costliest, over 10,000 draws",
    COLUMNS.index("Ranks"): "The ranks it falls in for 90 % of 10,000 draws of reach and cost",
}


STRENGTH, TOP3, LAST = COLUMNS.index("Strength"), COLUMNS.index("Top 3"), len(COLUMNS) - 1
STRENGTH_TIPS = {
    Strength.NONE: "No evidence backs this pain: its reach is the room's assumption.",
    Strength.THIN: "Some evidence, but few items or a wide reach interval.",
    Strength.SOLID: "Enough items, and a reach interval narrow enough to act on.",
}
STRENGTH_COLOURS = {Strength.NONE: "#c92a2a", Strength.THIN: "#b35c00", Strength.SOLID: "#2b8a3e"}


class PainTableModel(KeyedColumnsModel):
    """Scored pains, one row per pain in a stable order (the proxy sorts by rank). Rescored
    on every relevant change (cheap); only the rows that changed are signalled, so a re-rank
    moves rows without losing the selection."""

    COLUMNS = COLUMNS

    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.certainty = RankCertaintyJob.of(ctx)
        self.rescore()

    def key(self, item: PainScore) -> int:
        return item.pain_id

    @property
    def scores(self) -> list[PainScore]:
        """The pains in rank order (rank 1 first)."""
        return sorted(self.items, key=lambda s: s.rank)

    def rescore(self, *, every_row: bool = False) -> None:
        self.replace(PlanScores.of(self.ctx).pains())
        if every_row and self.items:  # e.g. the currency changed: same scores, new text
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.items) - 1, LAST))

    def certainty_changed(self) -> None:
        if self.items:
            self.dataChanged.emit(self.index(0, TOP3), self.index(len(self.items) - 1, LAST))

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        s = self.items[index.row()]
        settings = self.ctx.project.settings
        cur = settings.currency
        col = index.column()
        if col >= STRENGTH:
            return self._backing(s, col, role, pain_strength(s, settings))
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
                    return f"{s.reach:,.0f} est."  # the estimate's range: in the tooltip
                return f"{s.reach:,.0f} ({s.reach_low:,.0f}–{s.reach_high:,.0f})"
            if col == 5:
                return f"{s.impact:,.0f} {cur}"
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
            if s.warning:
                return s.warning
            if col == 1:
                return s.title
            if col == 5:
                return (
                    f"{s.impact:,.0f} {cur} a year "
                    f"({s.impact_low:,.0f}–{s.impact_high:,.0f} {cur}, 95 % interval)"
                )
            if col == 6:
                return ", ".join(s.work_groups) or None
            if s.reach_source == "evidence":
                return f"{s.k:,} of {s.n:,} sampled customers (95 % interval)"
            return estimate_tip(self.ctx.project.pain(s.pain_id))
        if role == Qt.ItemDataRole.ForegroundRole and col == 2 and s.kind == "universal":
            return QColor("#c92a2a")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(section)
        return super().headerData(section, orientation, role)

    def _backing(self, s: PainScore, col: int, role: int, strength: Strength) -> Any:
        """The columns that say how far to trust the row: evidence strength, rank certainty."""
        sure = self.certainty.get(s.pain_id)
        if role == Qt.ItemDataRole.UserRole:  # sorting: unknown certainty sorts last
            if col == STRENGTH:
                return list(Strength).index(strength)
            if sure is None:
                return -1.0 if col == TOP3 else float("inf")
            return sure.p_top3 if col == TOP3 else float(sure.rank_low * 100_000 + sure.rank_high)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == STRENGTH:
                return strength.label
            return top_three_text(sure) if col == TOP3 else ranks_text(sure)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == STRENGTH:
                return STRENGTH_TIPS[strength]
            if sure is None:
                return "Drawing reach and cost 10,000 times…"
            return (
                f"Among the three costliest in {sure.p_top3:.0%} of 10,000 draws of reach and "
                f"cost within their ranges; ranked {ranks_text(sure)} in 90 % of them."
            )
        if role == Qt.ItemDataRole.ForegroundRole and col == STRENGTH:
            return QColor(STRENGTH_COLOURS[strength])
        return None


def estimate_tip(pain: e.Pain) -> str:
    """The register's word on an estimated reach, with the room's stated range if any."""
    low, high = pain.reach_estimate_low, pain.reach_estimate_high
    if low is None or high is None:
        return "Reach estimated by the room"
    if pain.reach_estimate_count is not None:
        return f"Reach estimated by the room, between {low:,.0f} and {high:,.0f} customers a year"
    return f"Reach estimated by the room, between {low:.0%} and {high:.0%} of customers"


class RangeInputs(QWidget):
    """“between [low] and [high]”: a stated range, none while both ends are 0. What is typed
    is divided by ``per`` to store it (100 for a percentage, as the estimate's own input)."""

    def __init__(self, low: float | None, high: float | None, suffix: str, per: float) -> None:
        super().__init__()
        self.per = per
        top = 100 if per == 100 else 1e9
        self.low = _spin(0, top, (low or 0.0) * per, suffix)
        self.high = _spin(0, top, (high or 0.0) * per, suffix)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.low, 1)
        row.addWidget(QLabel("and"))
        row.addWidget(self.high, 1)

    def set_unit(self, suffix: str, per: float) -> None:
        for box in (self.low, self.high):
            box.setSuffix(suffix)
            box.setMaximum(100 if per == 100 else 1e9)
        self.per = per

    def values(self) -> tuple[float | None, float | None]:
        if not self.low.value() and not self.high.value():
            return None, None
        return self.low.value() / self.per, self.high.value() / self.per


class PainEditor(QDialog):
    """The scoring inputs of one pain, validated by the model."""

    def __init__(
        self,
        ctx: DocumentContext,
        pain: e.Pain,
        parent: QWidget | None = None,
        added: AddPain | None = None,
    ) -> None:
        super().__init__(parent)
        # ``added``: the command that just created the pain, which the first form belongs to
        self.ctx, self.pain, self.added = ctx, pain, added
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
        # The estimate's range is in the estimate's unit: customers once a count is typed.
        counted = pain.reach_estimate_count is not None
        self.reach_range = RangeInputs(
            pain.reach_estimate_low,
            pain.reach_estimate_high,
            *((" customers", 1.0) if counted else (" %", 100.0)),
        )
        self.cost_mode = QComboBox()
        self.cost_mode.addItem("From components", e.CostMode.COMPONENTS)
        self.cost_mode.addItem("Quick band 1–5", e.CostMode.BAND)
        self.cost_mode.setCurrentIndex(self.cost_mode.findData(pain.cost_mode))
        self.contacts = _spin(0, 1000, pain.extra_contacts, " contacts")
        self.rework = _spin(0, 1e9, pain.rework_cost, f" {ctx.project.settings.currency}")
        self.churn = _spin(0, 100, pain.extra_churn * 100, " %")
        currency = f" {ctx.project.settings.currency}"
        self.cost_range = RangeInputs(pain.cost_low, pain.cost_high, currency, 1.0)
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
        if added is not None and not self.evidence_ids and pain.step_ids:
            # A new pain with no evidence chosen would reach no one: start from what the
            # unhappy customers said at its steps (the form says so; the button redoes it).
            self.evidence_ids = tuple(detractor_ids_at(ctx.project, pain.step_ids))
        self._show_evidence()
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        for label, widget in (
            ("Title", self.title),
            ("Description", self.description),
            ("Reach", self.reach_source),
            ("Estimated share", self.share),
            ("…or estimated count", self.count),
            ("…between", self.reach_range),
            ("Cost", self.cost_mode),
            ("Extra contacts each", self.contacts),
            ("Rework and refunds each", self.rework),
            ("Extra churn probability", self.churn),
            ("Cost each between", self.cost_range),
            ("Cost band", self.band),
            ("Kind", self.kind),
            ("Evidence", self.evidence_note),
            ("", link),
            ("Result", self.preview),
        ):
            form.addRow(label, widget)
        self.error = form_footer(self, form)
        self.reach_source.currentIndexChanged.connect(self._enable_inputs)
        self.cost_mode.currentIndexChanged.connect(self._enable_inputs)
        self.count.valueChanged.connect(self._range_unit)
        for box in (self.reach_source, self.cost_mode, self.band, self.kind):
            box.currentIndexChanged.connect(self._preview)
        for spin in (self.share, self.count, self.contacts, self.rework, self.churn):
            spin.valueChanged.connect(self._preview)
        self._enable_inputs()
        self._preview()

    def _enable_inputs(self) -> None:
        """Only the inputs the chosen reach source and cost mode use can be typed in."""
        estimate = self.reach_source.currentData() == e.ReachSource.ESTIMATE
        components = self.cost_mode.currentData() == e.CostMode.COMPONENTS
        for widget in (self.share, self.count, self.reach_range):
            widget.setEnabled(estimate)
        for widget in (self.contacts, self.rework, self.churn, self.cost_range):
            widget.setEnabled(components)
        self.band.setEnabled(not components)

    def _range_unit(self) -> None:
        """A count, once typed, is the estimate in use (the model's rule): so is its unit."""
        if self.count.value():
            self.reach_range.set_unit(" customers", 1.0)
        else:
            self.reach_range.set_unit(" %", 100.0)

    def _show_evidence(self) -> None:
        items = counted(len(self.evidence_ids), "item", grouped=True)
        self.evidence_note.setText(f"{items} linked")

    def _use_detractors(self) -> None:
        self.evidence_ids = tuple(detractor_ids_at(self.ctx.project, self.pain.step_ids))
        self._show_evidence()
        self._preview()

    def _preview(self) -> None:
        """What these inputs come to, before OK: reach × cost = impact a year."""
        project = self.ctx.project
        currency = project.settings.currency
        try:
            values = self.values()
            # The combo boxes hand back their enums' plain strings.
            values["reach_source"] = e.ReachSource(values["reach_source"])
            values["cost_mode"] = e.CostMode(values["cost_mode"])
            if values["kind_override"] is not None:
                values["kind_override"] = e.PainKind(values["kind_override"])
            candidate = replace(self.pain, **values)
            groups = {g.id: g for g in project.work_groups()}
            score = score_pain(project, candidate, groups)
        except (ValueError, KeyError):  # an input the model will refuse on OK
            self.preview.setText("—")
            return
        text = (
            f"{score.reach:,.0f} customers a year × {score.cost_per_customer:,.0f} {currency} "
            f"= {score.impact:,.0f} {currency} a year ({score.kind})"
        )
        if score.warning:
            text += f"\n{score.warning}"
        self.preview.setText(text)

    def values(self) -> dict[str, Any]:
        reach_low, reach_high = self.reach_range.values()
        cost_low, cost_high = self.cost_range.values()
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
            "reach_estimate_low": reach_low,
            "reach_estimate_high": reach_high,
            "cost_low": cost_low,
            "cost_high": cost_high,
        }

    def reject(self) -> None:
        cancel_new(self.ctx.undo_stack, self.added)
        super().reject()

    def accept(self) -> None:
        if not self.ctx.project.exists(e.Pain, self.pain.id):  # undone while the form was open
            super().reject()
            return
        changes = {k: v for k, v in self.values().items() if getattr(self.pain, k) != v}
        error = save_form(self.ctx, e.Pain, self.pain.id, changes, self.added, origin=self)
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
    # A Panel (see cxmapper.ui.panels): what the window docks.
    dock_title = "Pain register"
    dock_name = "pains"
    dock_area = Qt.DockWidgetArea.RightDockWidgetArea

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
        # Size columns by the rows in view: measuring every row on each edit of a large
        # register cost more than rescoring it.
        header.setResizeContentsPrecision(0)
        fixed = {1: PAIN_WIDTH, 6: GROUPS_WIDTH}
        for column, width in fixed.items():  # before any column is sized by content
            header.resizeSection(column, width)
        for column in range(len(COLUMNS)):
            if column not in fixed:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for place, column in enumerate(SHOWN_ORDER):
            header.moveSection(header.visualIndex(column), place)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self._following = False
        self.table.selectionModel().selectionChanged.connect(self._to_context)
        self.plan = PlanScores.of(ctx)
        self.plan.changed.connect(self._on_change)
        self.model.certainty.updated.connect(self.model.certainty_changed)
        ctx.selectionChanged.connect(self._from_context)

    def dock_content(self) -> QWidget:
        return self

    def on_dock_visibility(self, visible: bool) -> None:
        pass  # it keeps up while hidden: nothing to catch up on

    def detach(self) -> None:
        self.plan.changed.disconnect(self._on_change)
        self.model.certainty.updated.disconnect(self.model.certainty_changed)
        self.plan.stop()  # no scores arrive for a project that is closing
        self.ctx.selectionChanged.disconnect(self._from_context)

    def _on_change(self, change: Change) -> None:
        if change.entity != "action":
            self.model.rescore(every_row=change.entity == "settings")

    def selected_pain_id(self) -> int | None:
        row = self.selected_row()
        return None if row is None else self.model.items[row].pain_id

    def _from_context(self) -> None:
        """Show the pain picked elsewhere (a bubble on the matrix) as the selected row."""
        pains = self.ctx.selected_pain_ids()
        if len(pains) != 1 or pains[0] == self.selected_pain_id():
            return
        row = self.model.row_of(pains[0])
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # hidden by the filter
            return
        self._following = True
        try:
            self.table.selectRow(index.row())
            self.table.scrollTo(index)
        finally:
            self._following = False

    def _to_context(self) -> None:
        if self._following:
            return
        pain_id = self.selected_pain_id()
        if pain_id is not None:
            pain = self.ctx.project.pain(pain_id)
            self.ctx.set_selection(pains=[pain_id], steps=list(pain.step_ids), flows=[])
            self.ctx.focusRequested.emit("pain", pain_id)

    def new_pain(self) -> int | None:
        steps = list(self.ctx.selected_step_ids())
        evidence = list(self.ctx.selected_evidence_ids())
        project = self.ctx.project

        def build() -> AddPain:
            title = "New pain" if not steps else f"Pain at {project.step(steps[0]).title}"
            return AddPain(project, title, step_ids=tuple(steps), evidence_ids=tuple(evidence))

        command = self.ctx.edit(build, origin=self)
        if command is None or command.pain_id is None:
            return None  # refused, and reported by the edit path
        PainEditor(self.ctx, project.pain(command.pain_id), self, added=command).open()
        return command.pain_id

    def edit_selected(self) -> None:
        pain_id = self.selected_pain_id()
        if pain_id is not None:
            PainEditor(self.ctx, self.ctx.project.pain(pain_id), self).open()

    def delete_selected(self) -> None:
        pain_id = self.selected_pain_id()
        if pain_id is not None:
            project = self.ctx.project
            self.ctx.edit(lambda: RemoveItem(project, e.Pain, pain_id), origin=self)
