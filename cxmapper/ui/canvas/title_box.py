"""The box the in-place title editor is typed in: no taller than a few lines, so a long title
scrolls inside it instead of growing down past the lanes and under the legend.

The editor is the box's child, moved up inside the box's clip to keep the typing cursor's
line in view. The box leaves the scene with its editor.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QTimer
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

MAX_LINES = 5  # a title of more lines scrolls
FRAME = QColor("#1c6ef2")
_MOVES = (QEvent.Type.KeyPress, QEvent.Type.GraphicsSceneMouseRelease)


class TitleBox(QGraphicsObject):
    """Holds ``editor`` where it was placed, clipped to at most :data:`MAX_LINES` lines."""

    def __init__(self, editor: QGraphicsTextItem) -> None:
        super().__init__()
        self.editor = editor
        self.setPos(editor.pos())
        self.setZValue(editor.zValue())
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape)
        ignores = QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations
        self.setFlag(ignores, bool(editor.flags() & ignores))  # typed full size below 100 %
        margin = editor.document().documentMargin()
        self.max_height = QFontMetricsF(editor.font()).lineSpacing() * MAX_LINES + 2 * margin
        self._height = 0.0
        editor.setParentItem(self)
        editor.setPos(QPointF(0, 0))
        editor.setZValue(0)  # the box is at the editor's height above the map
        # The editor's own frame is clipped when it scrolls: the box's frame stays on top.
        self.frame = QGraphicsPathItem(self)
        self.frame.setPen(QPen(FRAME, 1.5))
        self.frame.setZValue(1)
        editor.document().contentsChanged.connect(self.follow)
        self.follow()

    @classmethod
    def hold(cls, scene: QGraphicsScene, editor: QGraphicsTextItem) -> TitleBox:
        """Put ``editor`` (placed, not yet in a scene) into ``scene`` inside a box."""
        box = cls(editor)
        scene.addItem(box)
        editor.installSceneEventFilter(box)  # (only between items of a scene)
        return box

    def boundingRect(self) -> QRectF:
        # The editor draws its frame a few pixels outside its text: kept inside the clip.
        return QRectF(-5, -3, self.editor.textWidth() + 10, self._height + 6)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        pass  # the editor paints its ground, the frame item the outline

    def scrolled(self) -> float:
        """How far the editor is scrolled up inside the box."""
        return -self.editor.y()

    def follow(self) -> None:
        """Size the box to the text, up to its most, and scroll the cursor's line into it."""
        document = self.editor.document()
        text_height = document.size().height()
        height = min(text_height, self.max_height)
        if height != self._height:
            self.prepareGeometryChange()
            self._height = height
            outline = QPainterPath()
            outline.addRoundedRect(self.boundingRect().adjusted(1, 1, -1, -1), 4, 4)
            self.frame.setPath(outline)
        cursor = self.editor.textCursor()
        block = cursor.block()
        top = document.documentLayout().blockBoundingRect(block).top() if block.isValid() else 0
        layout = block.layout() if block.isValid() else None
        line = layout.lineForTextPosition(cursor.positionInBlock()) if layout else None
        if line is not None and line.isValid():
            top += line.y()
            bottom = top + line.height()
        else:
            bottom = top + QFontMetricsF(self.editor.font()).lineSpacing()
        margin = document.documentMargin()
        offset = self.scrolled()
        if top - margin < offset:
            offset = top - margin
        elif bottom + margin > offset + height:
            offset = bottom + margin - height
        offset = max(0.0, min(offset, text_height - height))
        self.editor.setY(-offset)

    def sceneEventFilter(self, watched: QGraphicsItem, event: QEvent) -> bool:
        # A key or click that only moves the cursor changes no text: followed once done.
        if event.type() in _MOVES:
            QTimer.singleShot(0, self, self.follow)
        return False

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        # The editor taken out of the scene (the title saved or dropped): so is the box.
        if change == QGraphicsItem.GraphicsItemChange.ItemChildRemovedChange:
            self.deleteLater()
        return super().itemChange(change, value)


def title_on_screen(view: QGraphicsView) -> QRect | None:
    """Where a title is being typed on ``view``, in its viewport's coordinates (None: no
    title is), for a refusal to be shown where the user is looking."""
    scene = view.scene()
    focus = scene.focusItem() if scene is not None else None
    box = focus.parentItem() if focus is not None else None
    if not isinstance(box, TitleBox):
        return None
    return box.deviceTransform(view.viewportTransform()).mapRect(box.boundingRect()).toRect()
