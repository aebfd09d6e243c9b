"""The journey view: zoom, pinned lane and stage headers, the legend, and keyboard entry.

Keyboard-first entry (with a step selected):
  Enter            add the next step in the same lane, connected from it; type its title
  Shift+Enter      the same in the lane below (a hand-off)
  Ctrl+Enter       the same in the lane above (a hand-off back, e.g. to the customer)
  Ctrl+L           connect the selected step back to an earlier one (a loop)
  Left/Right       previous/next step in the lane;  Up/Down  nearest step in the lane above/below
  Alt+Left/Right   move the selected steps to the previous/next stage (see arrange.py)
  Tab / Shift+Tab  follow the flow out of / into the selected step (the focus stays on the
                   map; F6 / Shift+F6 move it to the panels and back)
  F2               rename;  Delete  delete;  Esc  cancel the current interaction
Mouse: double-click an empty spot of a lane adds a step there; drag from a card's handle (the
dot on its right edge) onto another card connects them; Ctrl+wheel zooms.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QMenu, QWidget

from cxmapper.model import placement
from cxmapper.model.journey import journey_order
from cxmapper.ui.canvas import arrange
from cxmapper.ui.canvas.interactions import Connect, EditTitle, Interaction, SelectMove
from cxmapper.ui.canvas.items import StepCard
from cxmapper.ui.canvas.layout import (
    CARD_H,
    CARD_W,
    LANE_HEADER_W,
    PITCH_Y,
    STAGE_HEADER_H,
    snap_x,
    snap_y,
)
from cxmapper.ui.canvas.scene import JourneyScene
from cxmapper.ui.canvas.viewport import ZoomView
from cxmapper.ui.document.commands import AddFlow, AddStep, Command, DeleteItems, LinkEvidence
from cxmapper.ui.document.context import DocumentContext

C = TypeVar("C", bound=Command)

MIME = "application/x-cxmapper-steps"
EVIDENCE_MIME = "application/x-cxmapper-evidence"  # rows dragged from the evidence panel


class JourneyView(ZoomView):
    message = Signal(str)  # a hint for the status bar (refusals go through ctx.refused)

    def __init__(self, ctx: DocumentContext, parent: QWidget | None = None) -> None:
        self.journey_scene = JourneyScene(ctx)
        super().__init__(self.journey_scene, parent)
        # A view does not own its scene: this one is deleted with the view, by Qt, rather
        # than with its cards by a garbage collection of the view's Python wrapper.
        self.journey_scene.setParent(self)
        self.ctx = ctx
        self.project = ctx.project
        self.init_viewport()
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._default = SelectMove(self)
        self._interaction: Interaction = self._default
        self.journey_scene.layoutChanged.connect(self.viewport().update)
        self.setAcceptDrops(True)

    def close_view(self) -> None:
        """Before the project closes: a title being typed is saved (never dropped), another
        interaction is cancelled, and the scene stops following the document."""
        if isinstance(self._interaction, EditTitle):
            self._interaction.commit()
        elif self._interaction is not self._default:
            self._interaction.cancel()
        self.journey_scene.detach()

    # --- interactions ------------------------------------------------------------------------

    def begin_interaction(self, interaction: Interaction) -> None:
        if self._interaction is not self._default:
            self._interaction.cancel()
        self._interaction = interaction

    def end_interaction(self, interaction: Interaction) -> None:
        if self._interaction is interaction:
            self._interaction = self._default

    def edit(self, build: Callable[[], C]) -> C | None:
        """One edit through the document's edit path; a refusal is shown beside the map."""
        return self.ctx.edit(build, origin=self)

    def card_at(self, pos: QPoint) -> StepCard | None:
        for item in self.items(pos):
            if isinstance(item, StepCard):
                return item
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self._interaction.mouse_press(event):
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._interaction.mouse_move(event):
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        handled = self._interaction.mouse_release(event)
        if not handled:
            super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        card = self.card_at(event.position().toPoint())
        if card is not None:
            self.edit_title(card.step_id)
            return
        if event.button() == Qt.MouseButton.LeftButton and self.add_step_at(
            self.mapToScene(event.position().toPoint())
        ):
            return
        super().mouseDoubleClickEvent(event)

    # --- dropping evidence on a card ----------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(EVIDENCE_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(EVIDENCE_MIME):
            card = self.card_at(event.position().toPoint())
            event.setAccepted(card is not None)
            if card is not None:
                event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if not event.mimeData().hasFormat(EVIDENCE_MIME):
            super().dropEvent(event)
            return
        card = self.card_at(event.position().toPoint())
        if card is None:
            event.ignore()
            return
        ids = json.loads(bytes(event.mimeData().data(EVIDENCE_MIME).data()).decode())
        self.link_evidence(ids, card.step_id)
        event.acceptProposedAction()

    def link_evidence(self, evidence_ids: list[int], step_id: int) -> None:
        ids = list(evidence_ids)
        if self.ctx.edit(lambda: LinkEvidence(self.project, ids, step_id), origin=self):
            title = self.project.step(step_id).title
            self.message.emit(f"Linked {len(ids)} evidence item(s) to “{title}”.")

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._zoom_by(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            event.accept()
            return
        super().wheelEvent(event)

    # --- keyboard ----------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Tab follows flows on the map instead of moving the focus to the next widget.
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            self.keyPressEvent(event)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._interaction.key_press(event) or self.walk_key(event):
            return
        focus = self.scene().focusItem()
        if focus is not None and not isinstance(focus, StepCard):
            super().keyPressEvent(event)  # the title editor
            return
        key, mods = event.key(), event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        if alt and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            delta = 1 if key == Qt.Key.Key_Right else -1
            arrange.move_to_stage(self.ctx, self, self.ctx.selected_step_ids(), delta=delta)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.add_next_step(handoff=shift or ctrl, up=ctrl and not shift)
        elif key == Qt.Key.Key_F2:
            step = self.current_step()
            if step is not None:
                self.edit_title(step)
        elif key == Qt.Key.Key_L and ctrl:
            self.connect_back()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selected()
        elif key == Qt.Key.Key_Escape:
            if self.presentation and not self.scene().selectedItems():
                self.leavePresentation.emit()  # Esc again leaves the projector view
            self.scene().clearSelection()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._navigate(key)
        elif key == Qt.Key.Key_Tab:
            self._follow(outgoing=True)
        elif key == Qt.Key.Key_Backtab:
            self._follow(outgoing=False)
        else:
            super().keyPressEvent(event)

    def current_step(self) -> int | None:
        steps = self.ctx.selected_step_ids()
        return steps[-1] if steps else None

    def select_step(self, step_id: int) -> None:
        self.ctx.set_selection(steps=[step_id], flows=[])
        self.ensure_visible("step", step_id)

    def _navigate(self, key: int) -> None:
        current = self.current_step()
        steps = self.project.steps()
        if current is None:
            if steps:
                self.select_step(self.project.step(journey_order(self.project)[0]).id)
            return
        here = self.project.step(current)
        lanes = self.journey_scene.layout.lane_order
        lane_index = lanes.index(here.work_group_id)
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            same = [s for s in steps if s.work_group_id == here.work_group_id and s.id != current]
            sign = 1 if key == Qt.Key.Key_Right else -1
            ahead = [
                s
                for s in same
                if (s.x - here.x) * sign > 0 or (s.x == here.x and (s.y - here.y) * sign > 0)
            ]
            candidates = sorted(ahead, key=lambda s: (abs(s.x - here.x), abs(s.y - here.y)))
        else:
            step = 1 if key == Qt.Key.Key_Down else -1
            candidates = []
            index = lane_index + step
            while 0 <= index < len(lanes) and not candidates:
                candidates = sorted(
                    (s for s in steps if s.work_group_id == lanes[index]),
                    key=lambda s: (abs(s.x - here.x), s.y),
                )
                index += step
        if candidates:
            self.select_step(candidates[0].id)

    def _follow(self, outgoing: bool) -> None:
        current = self.current_step()
        if current is None:
            return
        flows = sorted(self.project.flows_of(current), key=lambda f: f.id)
        ends = (
            [f.target_id for f in flows if f.source_id == current]
            if outgoing
            else [f.source_id for f in flows if f.target_id == current]
        )
        if ends:
            self.select_step(ends[0])

    # --- editing -----------------------------------------------------------------------------

    def _free_slot(self, group_id: int, x: float, y: float = placement.ROW_TOP) -> float:
        return placement.free_y(self.project.step_views(), group_id, x, y)

    def add_step(self, work_group_id: int | None = None) -> int | None:
        """Insert → Step: a new step at the end of a lane, its title ready for typing."""
        groups = self.project.work_groups()
        if not groups:
            self.message.emit("Add a work group first (Insert → Work Group…).")
            return None
        if work_group_id is None:
            current = self.current_step()
            work_group_id = self.project.step(current).work_group_id if current else groups[0].id
        x = placement.end_of_lane_x(self.project.step_views(), work_group_id)
        return self._add(work_group_id, x, None)

    def add_step_at(self, scene_pos: QPointF) -> int | None:
        """Double-click on an empty spot of a lane: a step there (snapped), title ready."""
        layout = self.journey_scene.layout
        # The pinned lane and stage headers cover the viewport's left and top edges.
        origin = self.mapToScene(QPoint(0, 0))
        if (
            scene_pos.x() < max(LANE_HEADER_W, origin.x() + LANE_HEADER_W)
            or scene_pos.y() < max(STAGE_HEADER_H, origin.y() + STAGE_HEADER_H)
            or scene_pos.y() >= layout.height
        ):
            return None
        group = layout.lane_at(scene_pos.y())
        if group is None:
            return None
        lane = layout.lanes[group]
        x = snap_x(scene_pos.x() - LANE_HEADER_W - CARD_W / 2)
        y = snap_y(scene_pos.y() - lane.top - CARD_H / 2)
        taken = {(s.x, s.y) for s in self.project.step_views() if s.work_group_id == group}
        if (x, y) in taken:
            y = self._free_slot(group, x)
        return self._add(group, x, None, y=y)

    def add_next_step(self, handoff: bool = False, *, up: bool = False) -> int | None:
        """Enter: the next step after the selected one, connected from it, in the same lane;
        with ``handoff`` in the lane below (or above with ``up``; the edge lane stays put)."""
        current = self.current_step()
        if current is None:
            return self.add_step()
        here = self.project.step(current)
        group = here.work_group_id
        if handoff:
            lanes = self.journey_scene.layout.lane_order
            index = lanes.index(group) + (-1 if up else 1)
            group = lanes[min(max(index, 0), len(lanes) - 1)]
        # The next step stays in the stage of the one it follows: in the next column while
        # that is still the stage's, else the later stages move one column right to make room.
        stage_ids = [s.id for s in self.project.stages()]
        steps = list(self.project.step_views())
        x, y, room = placement.next_place(stage_ids, steps, here, group)
        return self._add(group, x, current, y=y, stage=here.stage_id, room=room)

    def _add(
        self,
        group: int,
        x: float,
        connect_from: int | None,
        y: float | None = None,
        stage: int | None = None,
        room: dict[int, float] | None = None,
    ) -> int | None:
        if stage is None:
            stage = self.journey_scene.layout.stage_near(LANE_HEADER_W + x + CARD_W / 2)
        row = self._free_slot(group, x) if y is None else y
        command = self.ctx.edit(
            lambda: AddStep(
                self.project,
                group,
                "New step",
                x=x,
                y=row,
                stage_id=stage,
                connect_from=connect_from,
                room=room,
            ),
            origin=self,
        )
        if command is None or command.step_id is None:
            return None  # refused, and reported by the edit path
        self.select_step(command.step_id)
        self.edit_title(command.step_id, adding=command)
        return command.step_id

    def edit_title(self, step_id: int, adding: AddStep | None = None) -> None:
        self.begin_interaction(EditTitle(self, step_id, adding))

    def connect_back(self, target_id: int | None = None) -> QMenu | None:
        """Connect the selected step back to an earlier one. Without ``target_id`` a menu of
        earlier steps (nearest first) opens for the keyboard or the mouse."""
        current = self.current_step()
        if current is None:
            self.message.emit("Select the step the loop starts from.")
            return None
        if target_id is not None:
            self.connect_steps(current, target_id)
            return None
        order = journey_order(self.project)
        earlier = order[: order.index(current)][::-1][:20]
        if not earlier:
            self.message.emit("There is no earlier step to loop back to.")
            return None
        menu = QMenu(self)
        menu.setTitle("Loop back to")
        for step_id in earlier:
            action = menu.addAction(self.project.step(step_id).title)
            action.setData(step_id)
        menu.triggered.connect(lambda a: self.connect_back(int(a.data())))
        card = self.journey_scene.cards[current]
        menu.popup(self.mapToGlobal(self.mapFromScene(card.sceneBoundingRect().topLeft())))
        menu.setActiveAction(menu.actions()[0])
        return menu

    def connect_steps(self, source_id: int, target_id: int) -> int | None:
        """Add a flow (one undo step). A release back on the source card is a cancelled drag,
        and a second arrow between the same two steps would hide under the first: neither
        adds a flow."""
        if source_id == target_id:
            self.message.emit("Drop on another step to connect them.")
            return None
        if any(
            f.source_id == source_id and f.target_id == target_id
            for f in self.project.flows_of(source_id)
        ):
            self.message.emit("These steps are already connected.")
            return None
        command = self.ctx.edit(lambda: AddFlow(self.project, source_id, target_id), origin=self)
        return None if command is None else command.flow_id

    def add_flow_mode(self) -> None:
        """Insert → Flow: the next click on a card connects the selected step to it."""
        current = self.current_step()
        if current is None:
            self.message.emit("Select the step the flow starts from, then choose its target.")
            return
        self.begin_interaction(Connect(self, current, by_click=True))
        self.message.emit("Click the step this flow goes to (Esc cancels).")

    def delete_selected(self, verb: str = "Delete") -> None:
        steps = list(self.ctx.selected_step_ids())
        flows = list(self.ctx.selected_flow_ids())
        if steps or flows:
            self.ctx.edit(lambda: DeleteItems(self.project, steps, flows, verb), origin=self)

    def select_all(self) -> None:
        self.ctx.set_selection(steps=sorted(self.journey_scene.cards), flows=[])

    def copy_selected(self) -> None:
        ids = set(self.ctx.selected_step_ids())
        if not ids:
            return
        steps = [self.project.step(i) for i in sorted(ids)]
        flows = [f for f in self.project.flows() if f.source_id in ids and f.target_id in ids]
        payload = {
            "steps": [{k: v for k, v in vars(s).items()} for s in steps],
            "flows": [[f.source_id, f.target_id, f.label] for f in flows],
        }
        data = QMimeData()
        data.setData(MIME, json.dumps(payload).encode())
        data.setText("\n".join(s.title for s in steps))
        QGuiApplication.clipboard().setMimeData(data)

    def cut_selected(self) -> None:
        self.copy_selected()
        self.delete_selected("Cut")

    def paste(self) -> list[int]:
        data = QGuiApplication.clipboard().mimeData()
        if data is None or not data.hasFormat(MIME):
            return []
        payload = json.loads(bytes(data.data(MIME).data()).decode())
        groups = {g.id for g in self.project.work_groups()}
        if not groups:
            self.message.emit("Add a work group first (Insert → Work Group…).")
            return []
        new_ids: dict[int, int] = {}
        layout = self.journey_scene.layout

        def add_step(s: dict[str, Any]) -> AddStep:
            group = s["work_group_id"] if s["work_group_id"] in groups else min(groups)
            return AddStep(
                self.project,
                group,
                s["title"],
                x=s["x"],
                y=self._free_slot(group, s["x"], s["y"] + PITCH_Y),
                # The stage of the column it is drawn in (the copied one may have moved).
                stage_id=layout.stage_near(LANE_HEADER_W + s["x"] + CARD_W / 2),
                description=s["description"],
                channel=s["channel"],
                emotion=s["emotion"],
            )

        # All or nothing: a refused step takes back the steps and flows pasted before it.
        with self.ctx.compound(f"Paste {len(payload['steps'])} step(s)", origin=self) as paste:
            for s in payload["steps"]:
                command = self.ctx.edit(partial(add_step, s))
                if command is not None and command.step_id is not None:
                    new_ids[s["id"]] = command.step_id
            for a, b, label in payload["flows"]:
                if a in new_ids and b in new_ids:
                    self.ctx.edit(partial(AddFlow, self.project, new_ids[a], new_ids[b], label))
        if paste.refused is not None:
            return []
        self.ctx.set_selection(steps=sorted(new_ids.values()), flows=[])
        return sorted(new_ids.values())

    def find_steps(self, text: str) -> list[int]:
        needle = text.casefold().strip()
        found = [s.id for s in self.project.steps() if needle and needle in s.title.casefold()]
        self.ctx.set_selection(steps=found, flows=[])
        if found:
            self.ensure_visible("step", found[0])
        return found

    # --- zoom, Fit and presentation: see viewport.ZoomView -------------------------------------

    def set_heat_overlay(self, on: bool) -> None:
        """Tint cards by the impact of their pains; kept up to date while it is on."""
        self.set_tint("impact" if on else None)

    def set_tint(self, tint: str | None) -> None:
        """Tint cards by "impact", by evidence "strength", or not at all (None)."""
        self.journey_scene.tint = tint
        self.journey_scene.refresh_heat()

    def ensure_visible(self, kind: str, item_id: int) -> None:
        if kind == "step" and item_id in self.journey_scene.cards:
            self.ensureVisible(self.journey_scene.cards[item_id], 80, 80)
        elif kind == "flow" and item_id in self.journey_scene.arrows:
            self.ensureVisible(self.journey_scene.arrows[item_id], 80, 80)

    # --- pinned headers and legend -----------------------------------------------------------

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        self.paint_overlay_on(painter)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        # The pinned headers and the legend do not scroll with the map: repaint, not shift.
        super().scrollContentsBy(dx, dy)
        self.viewport().update()
