"""Interaction modes as objects: the view hands mouse and key events to the active one.

``SelectMove`` (the default: click, rubber band, drag with snapping), ``Connect`` (drag from
a card's handle, or pick a target after Insert → Flow) and ``EditTitle`` (F2 / double-click).

The modes know the view only as an :class:`InteractionHost`, so this module never imports the
view that imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from PySide6.QtCore import QLineF, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QTextCursor,
    QTransform,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from cxmapper.model.entities import Step
from cxmapper.model.placement import CARD_W, PITCH_Y
from cxmapper.model.project import Project
from cxmapper.model.validation import ModelError
from cxmapper.ui.canvas.items import SELECTION, StepCard, font
from cxmapper.ui.canvas.scene import JourneyScene
from cxmapper.ui.canvas.title_box import TitleBox
from cxmapper.ui.document.commands import AddStep, Command, MoveSteps, UpdateItem
from cxmapper.ui.document.context import DocumentContext

C = TypeVar("C", bound=Command)


class InteractionHost(Protocol):
    """What an interaction mode asks of the view that hands it the events."""

    ctx: DocumentContext
    project: Project
    journey_scene: JourneyScene

    def scene(self) -> QGraphicsScene: ...

    def viewport(self) -> QWidget: ...

    def mapToScene(self, point: QPoint, /) -> QPointF: ...

    def transform(self) -> QTransform: ...

    def setFocus(self) -> None: ...

    def card_at(self, pos: QPoint) -> StepCard | None: ...

    def begin_interaction(self, interaction: Interaction) -> None: ...

    def end_interaction(self, interaction: Interaction) -> None: ...

    def connect_steps(self, source_id: int, target_id: int) -> int | None: ...

    def edit(self, build: Callable[[], C]) -> C | None:
        """One edit through the document's edit path, with the view as the widget that
        asked (a refusal is shown beside the map)."""
        ...


class Interaction:
    def __init__(self, view: InteractionHost) -> None:
        self.view = view

    def mouse_press(self, event: QMouseEvent) -> bool:
        return False

    def mouse_move(self, event: QMouseEvent) -> bool:
        return False

    def mouse_release(self, event: QMouseEvent) -> bool:
        return False

    def key_press(self, event: QKeyEvent) -> bool:
        return False

    def cancel(self) -> None:
        self.view.end_interaction(self)


class SelectMove(Interaction):
    """Clicks select, the rubber band selects many, dragging cards moves them; one undoable
    move is pushed when the mouse is released, with every card snapped to lane and column."""

    def __init__(self, view: InteractionHost) -> None:
        super().__init__(view)
        self._start: dict[int, QPointF] = {}

    def mouse_press(self, event: QMouseEvent) -> bool:
        card = self.view.card_at(event.position().toPoint())
        if card is not None and event.button() == Qt.MouseButton.LeftButton:
            local = card.mapFromScene(self.view.mapToScene(event.position().toPoint()))
            if card.on_handle(local):
                self.view.begin_interaction(Connect(self.view, card.step_id))
                return True
        self._start = {}
        return False

    def mouse_move(self, event: QMouseEvent) -> bool:
        if not self._start and event.buttons() & Qt.MouseButton.LeftButton:
            self._start = {
                c.step_id: c.pos()
                for c in self.view.scene().selectedItems()
                if isinstance(c, StepCard)
            }
        if self._start:
            self.view.journey_scene.update()
        return False

    def mouse_release(self, event: QMouseEvent) -> bool:
        if not self._start:
            return False
        start, self._start = self._start, {}
        scene = self.view.journey_scene
        moves = {}
        # Slots held by the cards that stay: a card dropped on one takes the next free row of
        # that lane and column, never the same spot (two cards stacked would hide one).
        # (A lane of None: dropped outside every lane, which the move's edit then refuses.)
        taken: set[tuple[int | None, float, float]] = {
            (s.work_group_id, s.x, s.y) for s in self.view.project.step_views() if s.id not in start
        }
        for step_id, before in start.items():
            card = scene.cards.get(step_id)
            if card is None or card.pos() == before:
                continue
            group, x, y = scene.layout.to_model(card.pos())
            while (group, x, y) in taken:
                y += PITCH_Y
            taken.add((group, x, y))
            step = self.view.project.step(step_id)
            stage = scene.layout.stage_near(card.pos().x() + CARD_W / 2)
            changes = {"work_group_id": group, "x": x, "y": y}
            if stage is not None:
                changes["stage_id"] = stage
            changes = {k: v for k, v in changes.items() if getattr(step, k) != v}
            if changes:
                moves[step_id] = changes
            else:
                card.setPos(before)  # snapped back where it was
        if moves:
            project = self.view.project
            if self.view.edit(lambda: MoveSteps(project, moves)) is None:
                # Refused: the cards go back to where the model has them.
                for step_id, before in start.items():
                    if step_id in scene.cards:
                        scene.cards[step_id].setPos(before)
        return False


class Connect(Interaction):
    """Draw a flow: from the source card to the card released on (or clicked next)."""

    def __init__(self, view: InteractionHost, source_id: int, *, by_click: bool = False) -> None:
        super().__init__(view)
        self.source_id = source_id
        self.by_click = by_click
        source = view.journey_scene.cards[source_id]
        self.line = QGraphicsLineItem()
        pen = QPen(SELECTION, 2.5, Qt.PenStyle.DashLine)
        self.line.setPen(pen)
        self.line.setZValue(50)
        self.origin = source.mapToScene(source.handle_centre())
        self.line.setLine(QLineF(self.origin, self.origin))
        view.scene().addItem(self.line)
        view.viewport().setCursor(Qt.CursorShape.CrossCursor)

    def mouse_press(self, event: QMouseEvent) -> bool:
        if self.by_click:
            return self._finish(event)
        return True

    def mouse_move(self, event: QMouseEvent) -> bool:
        self.line.setLine(QLineF(self.origin, self.view.mapToScene(event.position().toPoint())))
        return True

    def mouse_release(self, event: QMouseEvent) -> bool:
        if self.by_click:
            return True
        return self._finish(event)

    def _finish(self, event: QMouseEvent) -> bool:
        target = self.view.card_at(event.position().toPoint())
        self.cancel()
        if target is not None:
            self.view.connect_steps(self.source_id, target.step_id)
        return True

    def key_press(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return True
        return False

    def cancel(self) -> None:
        self.view.scene().removeItem(self.line)
        self.view.viewport().unsetCursor()
        super().cancel()


class TitleEditor(QGraphicsTextItem):
    """The title being typed, on a white ground that hides the card's own title under it."""

    def __init__(self, owner: EditTitle) -> None:
        super().__init__()
        self.owner = owner

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.save()
        painter.setPen(QPen(QColor("#1c6ef2"), 1.5))
        painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(self.boundingRect().adjusted(-4, -2, 4, 2), 4, 4)
        painter.restore()
        super().paint(painter, option, widget)  # type: ignore[arg-type]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.owner.commit(keep_open=True)
        elif event.key() == Qt.Key.Key_Escape:
            self.owner.cancel()
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.owner.commit()


class EditTitle(Interaction):
    """In-place title editing over the card. After Enter adds a step, the typed title
    belongs to that same undo step ("Add step 'Kick-off'"): the rename says it completes
    ``adding`` and the undo stack merges it into the add, if nothing came in between."""

    def __init__(self, view: InteractionHost, step_id: int, adding: AddStep | None = None) -> None:
        super().__init__(view)
        self.step_id = step_id
        self.adding = adding
        self.done = False
        card = view.journey_scene.cards[step_id]
        self.editor = TitleEditor(self)
        self.editor.setFont(font(11.5, bold=True))
        self.editor.setDefaultTextColor(QColor("#1f2430"))
        self.editor.setTextWidth(CARD_W - 20)
        self.editor.setPlainText(view.project.step(step_id).title)
        self.editor.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        self.editor.setPos(card.pos() + QPointF(10, 2))
        transform = view.transform()
        if transform.m11() < 0.999 or abs(transform.m22() - transform.m11()) > 1e-6:
            # Below 100 % (or on a map stretched to fill the view) the title is typed at its
            # full size and upright, over the card, not in a few distorted pixels.
            self.editor.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.editor.setZValue(60)
        TitleBox.hold(view.scene(), self.editor)  # a long title scrolls inside a few lines
        cursor = self.editor.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    def text(self) -> str:
        return self.editor.toPlainText().strip()

    def commit(self, *, keep_open: bool = False) -> None:
        """Save the typed title. A refused title (too long, the step gone) is reported; with
        ``keep_open`` (Enter) the editor stays, holding what was typed, to be corrected."""
        if self.done:
            return
        title = self.text()
        project = self.view.project
        exists = project.has_step(self.step_id)
        if not title or (exists and title == project.step(self.step_id).title):
            self.cancel()
            return

        def rename() -> UpdateItem:
            if not project.has_step(self.step_id):  # undone or deleted while typing
                raise ModelError("The step was deleted before its new title was saved.")
            return UpdateItem(
                project,
                Step,
                self.step_id,
                f"Rename step '{title}'",
                completes=self.adding,
                title=title,
            )

        self.done = True  # a focus change while saving must not save twice
        renamed = self.view.edit(rename)
        if renamed is None and keep_open and exists and self.editor.scene() is not None:
            self.done = False
            self.editor.setFocus()
            return
        self._close()

    def cancel(self) -> None:
        if self.done:
            return
        self.done = True
        self._close()

    def _close(self) -> None:
        if self.editor.scene() is not None:
            self.view.scene().removeItem(self.editor)
            # Out of the scene the editor is ours: deleted by Qt (later: this may run in its
            # own key handler), not left to a garbage collection of its cycle with us.
            self.editor.deleteLater()
        self.view.end_interaction(self)
        self.view.setFocus()

    def key_press(self, event: QKeyEvent) -> bool:
        return False  # the editor has the focus
