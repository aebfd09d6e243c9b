"""Graphics items of the journey map. Items hold only what they paint; the model holds the data.

Painting is shared with the image renderer (same items, same code), so exported maps look like
the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSceneHoverEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from cxmapper.model import entities as e
from cxmapper.ui.canvas.layout import CARD_H, CARD_W
from cxmapper.ui.canvas.routing import Point, Rect

INK = QColor("#1f2430")
MUTED = QColor("#5f6672")
CARD_BORDER = QColor("#c5cad3")
SELECTION = QColor("#1c6ef2")
FLOW_COLOUR = QColor("#6b7280")
HANDOFF_COLOUR = QColor("#3b4bc8")
LOOP_COLOUR = QColor("#e8590c")
PAIN_COLOUR = QColor("#c92a2a")
EMOTION_COLOURS = {
    -2: QColor("#d62839"),
    -1: QColor("#f3722c"),
    0: QColor("#9aa0a6"),
    1: QColor("#52b788"),
    2: QColor("#1b9e77"),
}
HANDLE_R = 7.0


def font(point_size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


def wrap(text: str, f: QFont, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap with an ellipsis on the last line (cached by the card)."""
    metrics = QFontMetricsF(f)
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if metrics.horizontalAdvance(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = metrics.elidedText(lines[-1] + " …", Qt.TextElideMode.ElideRight, width)
    return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]


# Below this scale a card's text is a few pixels high: on a large map the view paints plain
# shapes instead, which keeps a fitted 2,000-step map responsive. A map of a workshop's size
# is cheap to paint in full, and an overview that keeps the cards' faces reads as the same map.
# Exports always paint in full.
SKETCH_BELOW = 0.3
SKETCH_FROM_CARDS = 400


def sketching(item: QGraphicsItem, painter: QPainter, option: QStyleOptionGraphicsItem) -> bool:
    scene = item.scene()
    if scene is None or getattr(scene, "full_detail", False):
        return False
    if len(getattr(scene, "cards", ())) < SKETCH_FROM_CARDS:
        return False
    return option.levelOfDetailFromTransform(painter.worldTransform()) < SKETCH_BELOW


class StepCard(QGraphicsItem):
    """A step: title, channel, emotion, evidence badge and pain marker."""

    TITLE_FONT = font(11.5, bold=True)
    SMALL_FONT = font(8.5)
    BADGE_FONT = font(8.5, bold=True)

    def __init__(self, step: e.Step, colour: str) -> None:
        super().__init__()
        self.step_id = step.id
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsFocusable
        )
        self.setAcceptHoverEvents(True)
        self.setZValue(10)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.evidence_count = 0
        self.pain_count = 0
        self.heat: QColor | None = None
        self.presentation = False
        self._hover = False
        self.update_from(step, colour)

    def update_from(self, step: e.Step, colour: str) -> None:
        self.title = step.title
        self.channel = step.channel
        self.emotion = step.emotion
        self.colour = QColor(colour)
        self._lines = wrap(self.title, self.TITLE_FONT, CARD_W - 24, 3)
        self.setToolTip(f"{step.title}\n{step.description}".strip())
        self.update()

    def set_badges(self, evidence: int, pains: int) -> None:
        if (evidence, pains) != (self.evidence_count, self.pain_count):
            self.evidence_count, self.pain_count = evidence, pains
            self.update()

    def set_heat(self, colour: QColor | None) -> None:
        if colour != self.heat:
            self.heat = colour
            self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-4, -4, CARD_W + 8 + HANDLE_R, CARD_H + 8)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, CARD_W, CARD_H), 8, 8)
        path.addEllipse(self.handle_centre(), HANDLE_R, HANDLE_R)
        return path

    def handle_centre(self) -> QPointF:
        return QPointF(CARD_W, CARD_H / 2)

    def on_handle(self, local: QPointF) -> bool:
        d = local - self.handle_centre()
        return d.x() ** 2 + d.y() ** 2 <= (HANDLE_R + 3) ** 2

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hover = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self._hover = False
        self.update()
        super().hoverLeaveEvent(event)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        rect = QRectF(0, 0, CARD_W, CARD_H)
        selected = self.isSelected()
        if sketching(self, painter, option):
            painter.fillRect(rect, SELECTION if selected else (self.heat or CARD_BORDER))
            painter.fillRect(QRectF(0, 0, 24, CARD_H), self.colour)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(SELECTION if selected else CARD_BORDER, 3 if selected else 1))
        fill = QColor("#ffffff") if self.heat is None else self.heat
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 8, 8)
        # Work group colour strip on the left edge.
        strip = QPainterPath()
        strip.addRoundedRect(QRectF(0, 0, 8, CARD_H), 4, 4)
        painter.fillPath(strip, self.colour)
        painter.setPen(INK)
        painter.setFont(self.TITLE_FONT)
        metrics = QFontMetricsF(self.TITLE_FONT)
        y = 8 + metrics.ascent()
        for line in self._lines:
            painter.drawText(QPointF(16, y), line)
            y += metrics.lineSpacing()
        self._paint_footer(painter)
        presenting = getattr(self.scene(), "presentation", False)
        if (selected or self._hover) and not presenting:
            painter.setPen(QPen(SELECTION, 1.5))
            painter.setBrush(QColor("#ffffff"))
            painter.drawEllipse(self.handle_centre(), HANDLE_R, HANDLE_R)
            painter.drawLine(
                self.handle_centre() + QPointF(-3, 0), self.handle_centre() + QPointF(3, 0)
            )
            painter.drawLine(
                self.handle_centre() + QPointF(0, -3), self.handle_centre() + QPointF(0, 3)
            )

    def _paint_footer(self, painter: QPainter) -> None:
        base = CARD_H - 10
        painter.setFont(self.SMALL_FONT)
        painter.setPen(MUTED)
        metrics = QFontMetricsF(self.SMALL_FONT)
        right = CARD_W - 10
        # Emotion face, right-most.
        face = QPointF(right - 9, base - 5)
        colour = EMOTION_COLOURS.get(self.emotion, EMOTION_COLOURS[0])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(face, 9, 9)
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(face + QPointF(-3.2, -2.5), 1.4, 1.4)
        painter.drawEllipse(face + QPointF(3.2, -2.5), 1.4, 1.4)
        mouth = QPainterPath(face + QPointF(-4, 3 - self.emotion * 0.6))
        mouth.quadTo(
            face + QPointF(0, 3 + self.emotion * 1.6), face + QPointF(4, 3 - self.emotion * 0.6)
        )
        painter.setPen(QPen(QColor("#ffffff"), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(mouth)
        right -= 26
        if self.evidence_count:
            right = self._pill(painter, right, base, str(self.evidence_count), QColor("#364152"))
        if self.pain_count:
            right = self._pill(painter, right, base, f"▲ {self.pain_count}", PAIN_COLOUR)
        painter.setFont(self.SMALL_FONT)
        painter.setPen(MUTED)
        channel = metrics.elidedText(self.channel, Qt.TextElideMode.ElideRight, right - 20)
        painter.drawText(QPointF(16, base), channel)

    def _pill(
        self, painter: QPainter, right: float, base: float, text: str, colour: QColor
    ) -> float:
        metrics = QFontMetricsF(self.BADGE_FONT)
        width = metrics.horizontalAdvance(text) + 12
        rect = QRectF(right - width, base - 13, width, 17)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(rect, 8.5, 8.5)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(self.BADGE_FONT)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        return right - width - 5


LABEL_FONT = font(8.5)
LABEL_H = 18.0
LABEL_MAX_W = 148.0  # a longer label is abbreviated
LABEL_SHORT_W = 64.0  # the abbreviation tried where the full label finds no room


def label_widths(label: str) -> tuple[float, ...]:
    """The widths a flow's label may take, widest first: the whole label (up to a limit),
    then an abbreviation when that is narrower."""
    full = _label_width(label)
    return (full,) if full <= LABEL_SHORT_W else (full, LABEL_SHORT_W)


_label_widths: dict[str, float] = {}


def _label_width(label: str) -> float:
    # Many flows share a label ("sent back"): measured once each.
    width = _label_widths.get(label)
    if width is None:
        width = min(QFontMetricsF(LABEL_FONT).horizontalAdvance(label) + 8, LABEL_MAX_W)
        if len(_label_widths) < 10_000:
            _label_widths[label] = width
    return width


class FlowArrow(QGraphicsPathItem):
    """A flow drawn along an orthogonal route; hand-offs and loops are styled distinctly.

    The route and the label's place come from the router (``routing.py``); the full label is
    always the arrow's tooltip, since the one drawn may be abbreviated or left off."""

    def __init__(self, flow_id: int) -> None:
        super().__init__()
        self.flow_id = flow_id
        self.kind = "flow"
        self.label = ""
        self.points: tuple[Point, ...] = ()
        self.label_rect: Rect | None = None
        self._head = QPolygonF()
        self._bounds = QRectF()
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(5)

    def set_route(
        self, points: tuple[Point, ...], kind: str, label: str, label_rect: Rect | None
    ) -> bool:
        """Take a new route; returns whether anything changed (most arrows keep theirs when
        one edit re-routes the map, and are left alone)."""
        if (points, kind, label, label_rect) == (
            self.points,
            self.kind,
            self.label,
            self.label_rect,
        ):
            return False
        self.prepareGeometryChange()
        if label != self.label:
            self.setToolTip(label)
        self.points, self.kind, self.label, self.label_rect = points, kind, label, label_rect
        path = QPainterPath(QPointF(*points[0]))
        for a, b, c in zip(points, points[1:], points[2:], strict=False):
            # Round each corner a little: easier to follow than sharp turns on a projector.
            path.lineTo(*_towards(b, a, 6))
            path.quadTo(*b, *_towards(b, c, 6))
        path.lineTo(*points[-1])
        self.setPath(path)
        (ex, ey), (bx, by) = points[-1], points[-2]
        length = max(((ex - bx) ** 2 + (ey - by) ** 2) ** 0.5, 1e-6)
        ux, uy = (ex - bx) / length, (ey - by) / length
        self._head = QPolygonF(
            [
                QPointF(ex, ey),
                QPointF(ex - 10 * ux + 5 * uy, ey - 10 * uy - 5 * ux),
                QPointF(ex - 10 * ux - 5 * uy, ey - 10 * uy + 5 * ux),
            ]
        )
        self._style()
        # Asked for many times per paint and index update: computed once per route, from the
        # corners (the rounded path stays inside them), with room for the pen and the head.
        xs, ys = [x for x, _ in points], [y for _, y in points]
        bounds = QRectF(min(xs) - 8, min(ys) - 8, max(xs) - min(xs) + 16, max(ys) - min(ys) + 16)
        if label_rect is not None:
            bounds = bounds.united(_qrect(label_rect))
        self._bounds = bounds
        return True

    def _style(self) -> None:
        colour = {"loop": LOOP_COLOUR, "handoff": HANDOFF_COLOUR}.get(self.kind, FLOW_COLOUR)
        pen = QPen(colour, 3.0 if self.kind != "flow" else 2.0)
        if self.kind == "loop":
            pen.setStyle(Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(pen)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        pen = QPen(self.pen())
        if sketching(self, painter, option):
            pen.setCosmetic(True)  # one or two device pixels, no curves' antialiasing
            pen.setWidthF(2.0 if self.isSelected() or self.kind != "flow" else 1.0)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self.path())
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.isSelected():
            halo = QPen(SELECTION, pen.widthF() + 5)
            halo.setColor(QColor(28, 110, 242, 90))
            painter.setPen(halo)
            painter.drawPath(self.path())
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pen.color())
        painter.drawPolygon(self._head)
        if self.label and self.label_rect is not None:
            rect = _qrect(self.label_rect)
            painter.setFont(LABEL_FONT)
            metrics = QFontMetricsF(LABEL_FONT)
            text = metrics.elidedText(self.label, Qt.TextElideMode.ElideRight, rect.width() - 8)
            painter.setBrush(QBrush(QColor(255, 255, 255, 235)))
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(pen.color().darker(130))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _qrect(r: Rect) -> QRectF:
    return QRectF(r[0], r[1], r[2] - r[0], r[3] - r[1])


def _towards(origin: Point, target: Point, distance: float) -> Point:
    dx, dy = target[0] - origin[0], target[1] - origin[1]
    length = (dx * dx + dy * dy) ** 0.5
    if length < 1e-6:
        return origin
    step = min(distance, length / 2) / length
    return origin[0] + dx * step, origin[1] + dy * step
