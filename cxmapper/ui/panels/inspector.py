"""The inspector: edit the selected step or flow, or, with nothing selected, the lanes and
stages. Every change is one undoable command."""

from __future__ import annotations

import heapq
import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFocusEvent
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cxmapper.model import entities as e
from cxmapper.model import placement
from cxmapper.model.events import Change
from cxmapper.model.journey import analyse, betweenness, build_graph
from cxmapper.ui.canvas import arrange
from cxmapper.ui.document.commands import Command, MoveSteps, RemoveItem, Reorder, UpdateItem
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.document.workers import Relay, disconnect, start
from cxmapper.wording import counted

EMOTIONS = (
    (-2, "−2  Very negative"),
    (-1, "−1  Negative"),
    (0, "0  Neutral"),
    (1, "+1  Positive"),
    (2, "+2  Very positive"),
)


class _CommitEdit(QPlainTextEdit):
    """A description box that commits when it loses the focus."""

    def __init__(self, on_commit: Any) -> None:
        super().__init__()
        self.on_commit = on_commit
        self.setTabChangesFocus(True)
        self.setFixedHeight(110)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.on_commit()
        super().focusOutEvent(event)


class Inspector(QWidget):
    # A Panel (see cxmapper.ui.panels): what the window docks.
    dock_title = "Inspector"
    dock_name = "inspector"
    dock_area = Qt.DockWidgetArea.RightDockWidgetArea

    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.project = ctx.project
        self._loading = False
        # The lane and stage lists are built again only after a lane or stage changed: with
        # hundreds of lanes that took most of an edit's time, after every rename of a step.
        self._lists_stale = True
        self._refresh_soon = QTimer(self)
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(0)
        self._refresh_soon.timeout.connect(self.refresh)
        self._find_critical_soon = QTimer(self)
        self._find_critical_soon.setSingleShot(True)
        self._find_critical_soon.setInterval(400)  # after a burst of edits, not on each
        self._find_critical_soon.timeout.connect(self._find_critical)
        self._generation = 0
        self._critical_line = ""
        self._critical_job: Relay | None = None  # the critical steps being computed
        self.pages = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: 600; font-size: 13pt")
        layout.addWidget(self.heading)
        layout.addWidget(self.pages)
        self._build_step_page()
        self._build_flow_page()
        self._build_map_page()
        ctx.selectionChanged.connect(self.refresh)
        ctx.changed.connect(self._on_change)
        self.refresh()

    def dock_content(self) -> QWidget:
        # The inspector scrolls, so a small screen still fits every panel.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self)
        return scroll

    def on_dock_visibility(self, visible: bool) -> None:
        pass  # it keeps up while hidden: nothing to catch up on

    def delete_selected(self) -> None:
        pass  # nothing here is deleted with Edit → Delete

    def detach(self) -> None:
        self._refresh_soon.stop()
        self._find_critical_soon.stop()
        self._generation += 1  # an answer already queued is dropped
        disconnect(self._critical_job, self._show_critical)  # one still computed never comes
        self._critical_job = None
        self.ctx.selectionChanged.disconnect(self.refresh)
        self.ctx.changed.disconnect(self._on_change)

    # --- pages --------------------------------------------------------------------------------

    def _build_step_page(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.title = QLineEdit()
        self.title.editingFinished.connect(
            lambda: self._set_step("title", self.title.text().strip())
        )
        self.description: _CommitEdit = _CommitEdit(
            lambda: self._set_step("description", self.description.toPlainText())
        )
        self.channel = QLineEdit()
        self.channel.setPlaceholderText("e.g. Email, Portal, Phone")
        self.channel.editingFinished.connect(
            lambda: self._set_step("channel", self.channel.text().strip())
        )
        self.emotion = QComboBox()
        for value, text in EMOTIONS:
            self.emotion.addItem(text, value)
        self.emotion.currentIndexChanged.connect(
            lambda: self._set_step("emotion", self.emotion.currentData())
        )
        self.group = QComboBox()
        self.group.currentIndexChanged.connect(
            lambda: self._set_step("work_group_id", self.group.currentData())
        )
        self.stage = QComboBox()
        self.stage.currentIndexChanged.connect(
            lambda: self._set_step("stage_id", self.stage.currentData())
        )
        self.step_evidence = QLabel()
        form.addRow("Title", self.title)
        form.addRow("Description", self.description)
        form.addRow("Channel", self.channel)
        form.addRow("Emotion", self.emotion)
        form.addRow("Work group", self.group)
        form.addRow("Stage", self.stage)
        form.addRow("Evidence", self.step_evidence)
        self.pages.addWidget(page)
        self.step_page = page

    def _build_flow_page(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.flow_label = QLineEdit()
        self.flow_label.setPlaceholderText("e.g. invoice wrong, approved")
        self.flow_label.editingFinished.connect(self._set_flow_label)
        self.flow_ends = QLabel()
        self.flow_ends.setTextFormat(Qt.TextFormat.PlainText)  # step titles, never markup
        self.flow_ends.setWordWrap(True)
        form.addRow("From → to", self.flow_ends)
        form.addRow("Label", self.flow_label)
        self.pages.addWidget(page)
        self.flow_page = page

    def _build_map_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.lists: dict[type, QListWidget] = {}
        for cls, title in ((e.WorkGroup, "Work groups (lanes)"), (e.Stage, "Stages (columns)")):
            layout.addWidget(QLabel(f"<b>{title}</b>"))
            items = QListWidget()
            # Double-click recolours, so a name is edited by clicking it again or with F2.
            items.setEditTriggers(
                QListWidget.EditTrigger.SelectedClicked | QListWidget.EditTrigger.EditKeyPressed
            )
            items.itemChanged.connect(lambda item, c=cls: self._rename(c, item))
            items.itemDoubleClicked.connect(lambda item, c=cls: self._recolour(c, item))
            layout.addWidget(items)
            row = QHBoxLayout()
            for text, slot in (
                # clicked(bool) passes `checked` first: keep it away from the bound class.
                ("Up", lambda _checked=False, c=cls: self._move(c, -1)),
                ("Down", lambda _checked=False, c=cls: self._move(c, 1)),
                ("Delete", lambda _checked=False, c=cls: self._delete(c)),
            ):
                button = QPushButton(text)
                button.clicked.connect(slot)
                row.addWidget(button)
            layout.addLayout(row)
            self.lists[cls] = items
        layout.addWidget(QLabel("<b>Map checks</b>"))
        self.checks = QLabel()
        self.checks.setWordWrap(True)
        self.checks.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.checks)
        hint = QLabel(
            "Double-click a work group to change its colour; click a selected name again (or press "
            "F2) to rename it."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5f6672")
        layout.addWidget(hint)
        self.pages.addWidget(page)
        self.map_page = page

    # --- showing ------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._loading = True
        try:
            steps, flows = self.ctx.selected_step_ids(), self.ctx.selected_flow_ids()
            if len(steps) == 1 and not flows and self.project.has_step(steps[0]):
                self._show_step(steps[0])
            elif len(flows) == 1 and not steps:
                self._show_flow(flows[0])
            else:
                self._show_map(len(steps) + len(flows))
        finally:
            self._loading = False

    def _show_step(self, step_id: int) -> None:
        step = self.project.step(step_id)
        self.heading.setText("Step")
        if not self.title.hasFocus():
            self.title.setText(step.title)
        if not self.description.hasFocus():
            self.description.setPlainText(step.description)
        self.channel.setText(step.channel)
        self.emotion.setCurrentIndex(self.emotion.findData(step.emotion))
        self.group.clear()
        for g in self.project.work_groups():
            self.group.addItem(g.name, g.id)
        self.group.setCurrentIndex(self.group.findData(step.work_group_id))
        self.stage.clear()
        if step.stage_id is None:  # a file from before every step had a stage
            self.stage.addItem("(no stage)", None)
        for s in self.project.stages():
            self.stage.addItem(s.name, s.id)
        self.stage.setCurrentIndex(max(0, self.stage.findData(step.stage_id)))
        count = self.project.evidence.counts_by_step().get(step_id, 0)
        self.step_evidence.setText(f"{count} item{'s' * (count != 1)} linked")
        self.pages.setCurrentWidget(self.step_page)

    def _show_flow(self, flow_id: int) -> None:
        flow = self.project.flow(flow_id)
        a, b = self.project.step(flow.source_id), self.project.step(flow.target_id)
        self.heading.setText("Flow")
        self.flow_ends.setText(f"{a.title} → {b.title}")
        self.flow_label.setText(flow.label)
        self.pages.setCurrentWidget(self.flow_page)

    def _show_map(self, selected: int) -> None:
        self.heading.setText(f"{selected} items selected" if selected else "Journey map")
        if self._lists_stale:
            self._show_lists()
        self._show_checks()
        self.pages.setCurrentWidget(self.map_page)

    def _show_lists(self) -> None:
        self._lists_stale = False
        for cls, widget in self.lists.items():
            current = widget.currentRow()
            widget.clear()
            items = self.project.work_groups() if cls is e.WorkGroup else self.project.stages()
            for item in items:
                row = QListWidgetItem(item.name)
                row.setData(Qt.ItemDataRole.UserRole, item.id)
                row.setFlags(row.flags() | Qt.ItemFlag.ItemIsEditable)
                if isinstance(item, e.WorkGroup):
                    row.setData(Qt.ItemDataRole.DecorationRole, QColor(item.colour))
                widget.addItem(row)
            widget.setCurrentRow(min(current, widget.count() - 1))

    def _show_checks(self) -> None:
        """Hand-offs, loops and map warnings (unreachable steps, dead ends) from the graph."""
        a = analyse(self.project, max_loops=50)
        names = {g.id: g.name for g in self.project.work_group_views()}
        busiest = self.project.by_structure(
            "busiest hand-offs", lambda: heapq.nlargest(3, a.handoffs.items(), key=lambda kv: kv[1])
        )
        lines = [
            f"{sum(a.handoffs.values())} hand-offs, {len(a.loop_flow_ids)} loops.",
            *(
                f"{html.escape(names[x])} → {html.escape(names[y])}: {n} hand-off{'s' * (n != 1)}"
                for (x, y), n in busiest
            ),
            *(f"<span style='color:#c92a2a'>⚠ {html.escape(w)}</span>" for w in a.warnings[:8]),
        ]
        if len(a.warnings) > 8:
            lines.append(f"… and {len(a.warnings) - 8} more warnings.")
        lines.append(self._critical_line)
        self.checks.setText("<br>".join(line for line in lines if line))
        self._find_critical_soon.start()

    def _find_critical(self) -> None:
        """Betweenness takes about a second on a 2,000-step map: computed in a thread on a
        copy of the graph, the answer shown when it comes (a stale one is dropped)."""
        if not self.isVisible() or self.pages.currentWidget() is not self.map_page:
            return
        self._generation += 1
        generation, graph = self._generation, build_graph(self.project)
        disconnect(self._critical_job, self._show_critical)  # superseded: not wanted
        self._critical_job = start(
            "critical-steps", lambda: (generation, betweenness(graph)), self._show_critical
        )

    def _show_critical(self, answer: tuple[int, dict[int, float]]) -> None:
        generation, scores = answer
        if generation != self._generation:
            return
        self._critical_job = None
        top = [i for i, v in sorted(scores.items(), key=lambda kv: -kv[1]) if v > 0][:3]
        titles = [self.project.step(i).title for i in top if self.project.has_step(i)]
        line = (
            "Critical steps (most paths run through them): "
            + ", ".join(html.escape(t) for t in titles)
            if titles
            else ""
        )
        if line != self._critical_line:
            self._critical_line = line
            if self.pages.currentWidget() is self.map_page:
                self._show_checks()

    def _on_change(self, change: Change) -> None:
        # One edit may announce several changes (a deletion with its flows): refresh once,
        # after the edit, rather than once per announcement.
        if change.entity in ("work_group", "stage"):
            self._lists_stale = True
        if change.entity in ("step", "flow", "work_group", "stage", "evidence"):
            self._refresh_soon.start()

    # --- editing ------------------------------------------------------------------------------

    def _edit(self, build: Callable[[], Command]) -> bool:
        """One edit through the edit path (which reports a refusal); after a refusal the
        fields show the model again. Returns whether the edit was made."""
        if self.ctx.edit(build, origin=self) is None:
            self._lists_stale = True  # a refused rename is still typed into its list
            # After this slot: a list is not rebuilt inside its own itemChanged signal.
            self._refresh_soon.start()
            return False
        return True

    def _set_step(self, field: str, value: Any) -> None:
        steps = self.ctx.selected_step_ids()
        if self._loading or len(steps) != 1:
            return
        step = self.project.step(steps[0])
        if getattr(step, field) == value:
            return
        if field == "stage_id" and value is not None:
            # The card moves into the stage's columns, in the same edit.
            moves = arrange.stage_moves(self.project, [step.id], stage_id=value)
            text = f"Move '{step.title}' to {self.project.stage(value).name}"
            self._edit(lambda: MoveSteps(self.project, moves, text))
            return
        if field == "title":
            text = f"Rename step '{step.title}' to '{value}'"
        elif field == "work_group_id":
            # Into the first free row of its column in the new lane: never onto a card there.
            y = placement.free_y(self.project.step_views(), value, step.x, step.y)
            text = f"Move '{step.title}' to {self.project.work_group(value).name}"
            moves = {step.id: {"work_group_id": value, "y": y}}
            self._edit(lambda: MoveSteps(self.project, moves, text))
            return
        else:
            text = f"Change {field.replace('_', ' ')} of '{step.title}'"
        self._edit(lambda: UpdateItem(self.project, e.Step, step.id, text, **{field: value}))

    def _set_flow_label(self) -> None:
        flows = self.ctx.selected_flow_ids()
        if self._loading or len(flows) != 1:
            return
        label = self.flow_label.text().strip()
        if self.project.flow(flows[0]).label != label:
            flow = flows[0]
            self._edit(lambda: UpdateItem(self.project, e.Flow, flow, "Label flow", label=label))

    def _selected_id(self, cls: type) -> int | None:
        item = self.lists[cls].currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _rename(self, cls: type, item: QListWidgetItem) -> None:
        if self._loading:
            return
        item_id = int(item.data(Qt.ItemDataRole.UserRole))
        name = item.text().strip()
        current = (
            self.project.work_group(item_id) if cls is e.WorkGroup else self.project.stage(item_id)
        )
        if name and name != current.name:
            what = "work group" if cls is e.WorkGroup else "stage"
            text = f"Rename {what} '{name}'"
            self._edit(lambda: UpdateItem(self.project, cls, item_id, text, name=name))

    def _recolour(self, cls: type, item: QListWidgetItem) -> None:
        if cls is not e.WorkGroup:
            return
        item_id = int(item.data(Qt.ItemDataRole.UserRole))
        group = self.project.work_group(item_id)
        colour = QColorDialog.getColor(QColor(group.colour), self, f"Colour of {group.name}")
        if colour.isValid() and colour.name() != group.colour:
            text, value = f"Recolour '{group.name}'", colour.name()
            self._edit(lambda: UpdateItem(self.project, cls, item_id, text, colour=value))

    def _move(self, cls: type, delta: int) -> None:
        item_id = self._selected_id(cls)
        if item_id is None:
            return
        items = self.project.work_groups() if cls is e.WorkGroup else self.project.stages()
        order = [i.id for i in items]
        index = order.index(item_id)
        target = index + delta
        if 0 <= target < len(order):
            order[index], order[target] = order[target], order[index]
            if self._edit(lambda: Reorder(self.project, cls, order)):
                self.lists[cls].setCurrentRow(target)

    def _delete(self, cls: type) -> None:
        item_id = self._selected_id(cls)
        if item_id is None:
            return
        if cls is e.WorkGroup:
            steps = [s for s in self.project.steps() if s.work_group_id == item_id]
            name = self.project.work_group(item_id).name
            if (
                steps
                and QMessageBox.question(
                    self,
                    "Delete work group",
                    f"“{name}” has {counted(len(steps), 'step')}. Delete the work group with its "
                    "steps? "
                    "(Undo brings them back.)",
                )
                != QMessageBox.StandardButton.Yes
            ):
                return
        self._edit(lambda: RemoveItem(self.project, cls, item_id))
