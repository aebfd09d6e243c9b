"""Graphics items of the journey map. Items hold only what they paint; the model holds the data.

Painting is shared with the image renderer (same items, same code), so exported maps look like
the canvas.
"""

from __future__ import annotations

from itertools import pairwise

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
from cxmapper.ui.canvas.detail import (
    LEAST_PX,
    READABLE_PX,
    TIGHT,
    TITLE_PT,
    TITLE_PX,
    block_height,
    fitted_text,
    line_step,
    pixel_font,
    scale_of,
    simplified,
    stretch_of,
    stretched,
    units,
    upright,
)
from cxmapper.ui.canvas.layout import CARD_H, CARD_W

INK = QColor("#1f2430")
TITLE_INK = QColor("#000000")  # the overview's titles: the most contrast a card allows
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
LINE_SPACING = 1.17  # a line's height for the font's pixel size (about, for the sans fonts)
FADED_ALPHA = 120  # of 255: an arrow in the overview, behind the titles
DOT_RADIUS = 9.0  # the largest dot of the overview's card, in card units


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


def dot_radius(scale: float) -> float:
    """The overview card's dots: a few pixels on screen, in card units."""
    return min(DOT_RADIUS, 4.0 / scale)


# From this stretch on, the overview's card has the height for its dots in a row below the
# title, which then takes the card's whole width (its longest word sets its size).
DOTS_BELOW = 1.4


def title_box(scale: float, stretch: float = 1.0) -> QRectF:
    """Where the overview's card draws its title, upright (a card ``stretch`` times taller
    than wide units make it): beside the column of dots on its right, or above their row."""
    # A few pixels clear of the colour strip: a letter touching it reads as part of a bar.
    left = 8 + max(3.0, 5.0 / scale)
    card = QRectF(0, 0, CARD_W, CARD_H * stretch)
    radius = dot_radius(scale)
    if stretch < DOTS_BELOW:
        return card.adjusted(left, 3, -(3 + 2 * radius), -3)
    return card.adjusted(left, 3, -max(3.0, 4.0 / scale), -(3 + 2 * radius + max(2.0, 3 / scale)))


class StepCard(QGraphicsItem):
    """A step: title, channel, emotion, evidence badge and pain marker."""

    TITLE_FONT = font(TITLE_PT, bold=True)
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
        scene = self.scene()
        scale = scale_of(painter)
        target = getattr(scene, "readable_px", READABLE_PX)
        stretch = stretch_of(painter)
        stretch = stretch if stretched(stretch) else 1.0
        # A stretched map (presentation's overview) always shows the overview's card: its
        # text is laid out upright in the taller card.
        if not getattr(scene, "full_detail", False) and (
            simplified(scale, target, TITLE_PX) or stretched(stretch)
        ):
            painter.save()
            self._paint_title_only(painter, scale, target, selected, stretch)
            painter.restore()
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
        self._paint_handle(painter, selected)

    def _paint_handle(self, painter: QPainter, selected: bool, height: float = CARD_H) -> None:
        """The connect handle, on the selected or hovered card (never on the projector), on
        its right edge at mid ``height``."""
        presenting = getattr(self.scene(), "presentation", False)
        if (selected or self._hover) and not presenting:
            centre = QPointF(CARD_W, height / 2)
            painter.setPen(QPen(SELECTION, 1.5))
            painter.setBrush(QColor("#ffffff"))
            painter.drawEllipse(centre, HANDLE_R, HANDLE_R)
            painter.drawLine(centre + QPointF(-3, 0), centre + QPointF(3, 0))
            painter.drawLine(centre + QPointF(0, -3), centre + QPointF(0, 3))

    def _paint_title_only(
        self, painter: QPainter, scale: float, target_px: float, selected: bool, stretch: float
    ) -> None:
        """The overview's card: the title as large as the card holds it (up to ``target_px``
        on screen), black on the card; badges and the emotion become dots beside or below
        it. Drawn upright: on a stretched map the card is ``stretch`` times taller here."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = upright(painter, QRectF(0, 0, CARD_W, CARD_H))
        device = 1.0 / scale  # one device pixel, in card units
        border = QPen(SELECTION if selected else CARD_BORDER, (3 if selected else 1) * device)
        painter.setPen(border)
        painter.setBrush(QColor("#ffffff") if self.heat is None else self.heat)
        painter.drawRoundedRect(rect, 8, 8)
        strip = QPainterPath()
        strip.addRoundedRect(QRectF(0, 0, 8, rect.height()), 4, 4)
        painter.fillPath(strip, self.colour)
        box = title_box(scale, stretch)
        px, lines = self.title_layout(scale, target_px, stretch)
        if px * scale < LEAST_PX - 0.5:
            lines = ()  # too small to read even at the card's full height: a plain card
        metrics = QFontMetricsF(pixel_font(px, bold=False))
        y = box.top() + (box.height() - block_height(metrics, len(lines))) / 2 + metrics.ascent()
        # Drawn in device pixels, at a whole pixel size on whole pixels: small text scaled
        # from card units blurs; hinted at its own size it stays crisp on a projector.
        painter.setPen(TITLE_INK)
        painter.setFont(pixel_font(px, bold=False))
        for line in lines:
            painter.drawText(QPointF(box.left(), y), line)
            y += line_step(metrics)
        radius = dot_radius(scale)
        dots = [EMOTION_COLOURS.get(self.emotion, EMOTION_COLOURS[0])]
        dots += [PAIN_COLOUR] * bool(self.pain_count)
        dots += [QColor("#364152")] * bool(self.evidence_count)
        painter.setPen(QPen(QColor("#ffffff"), device))
        below = stretch >= DOTS_BELOW
        # From the bottom right: up the column beside the title, or leftwards along its row.
        x, y = CARD_W - 3 - radius, rect.height() - 4 - radius
        for colour in dots:
            painter.setBrush(colour)
            painter.drawEllipse(QPointF(x, y), radius, radius)
            if below:
                x -= 2.4 * radius
            else:
                y -= 2.4 * radius
        self._paint_handle(painter, selected, rect.height())  # connecting works at any zoom

    def title_layout(
        self, scale: float, target_px: float, stretch: float = 1.0
    ) -> tuple[int, tuple[str, ...]]:
        """The overview's title at ``scale`` (and ``stretch``): its pixel size in card units,
        and its lines. Two lines at most as large as ``target_px`` on screen; a longer title
        takes three or four smaller lines rather than losing words, down to what can still
        be read. A stretched card has the height for more lines at a larger size."""
        box = title_box(scale, stretch)
        two_lines = int(box.height() / (1 + TIGHT) / LINE_SPACING)
        largest = max(min(units(target_px, scale), two_lines), 1)
        return fitted_text(
            self.title, box.width(), box.height(), largest, units(LEAST_PX, scale), False
        )

    def dots(self) -> int:
        """How many dots the overview's card shows: emotion, pains, evidence."""
        return 1 + bool(self.pain_count) + bool(self.evidence_count)

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


LABEL_PX = 8.5 * 96 / 72


class FlowArrow(QGraphicsPathItem):
    """A flow drawn along an orthogonal route; hand-offs and loops are styled distinctly."""

    LABEL_FONT = font(8.5)

    def __init__(self, flow_id: int) -> None:
        super().__init__()
        self.flow_id = flow_id
        self.kind = "flow"
        self.label = ""
        self._head = QPolygonF()
        self._label_pos = QPointF()
        self._bounds = QRectF()
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(5)

    def set_route(self, points: list[QPointF], kind: str, label: str) -> None:
        self.prepareGeometryChange()
        self.kind, self.label = kind, label
        path = QPainterPath(points[0])
        for a, b, c in zip(points, points[1:], points[2:], strict=False):
            # Round each corner a little: easier to follow than sharp turns on a projector.
            path.lineTo(_towards(b, a, 8))
            path.quadTo(b, _towards(b, c, 8))
        path.lineTo(points[-1])
        self.setPath(path)
        end, before = points[-1], points[-2]
        direction = end - before
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
        ux, uy = direction.x() / length, direction.y() / length
        self._head = QPolygonF(
            [
                end,
                QPointF(end.x() - 11 * ux + 5.5 * uy, end.y() - 11 * uy - 5.5 * ux),
                QPointF(end.x() - 11 * ux - 5.5 * uy, end.y() - 11 * uy + 5.5 * ux),
            ]
        )
        self._label_pos = _label_position(points, kind == "loop")
        self._style()
        # Asked for many times per paint and index update: computed once per route.
        self._bounds = (
            super().boundingRect().united(self._head.boundingRect()).adjusted(-60, -12, 60, 12)
        )

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
        scene = self.scene()
        target = getattr(scene, "readable_px", READABLE_PX)
        scale, stretch = scale_of(painter), stretch_of(painter)
        if stretched(stretch):
            # On a stretched map a line keeps its width whichever way it runs.
            pen.setWidthF(pen.widthF() * scale)
            pen.setCosmetic(True)
        if not getattr(scene, "full_detail", False) and simplified(scale, target, TITLE_PX):
            # The overview: arrows recede so the titles they pass read first.
            faded = QColor(pen.color())
            faded.setAlpha(FADED_ALPHA)
            pen.setColor(faded)
        if self.isSelected():
            # 5 units wider than the line (in pixels, as the line is, on a stretched map).
            halo = QPen(SELECTION, pen.widthF() + 5 * (scale if pen.isCosmetic() else 1.0))
            halo.setCosmetic(pen.isCosmetic())
            halo.setColor(QColor(28, 110, 242, 90))
            painter.setPen(halo)
            # The view does not save the painter's state between items: the brush left by
            # the card painted before would fill the route's outline over the cards.
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self.path())
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pen.color())
        painter.save()
        painter.drawPolygon(_upright_head(painter, self._head))
        painter.restore()
        if self.label and LABEL_PX * scale >= LEAST_PX:  # else unreadable
            painter.save()
            at = upright(painter, QRectF(self._label_pos, self._label_pos)).topLeft()
            painter.setFont(self.LABEL_FONT)
            metrics = QFontMetricsF(self.LABEL_FONT)
            text = metrics.elidedText(self.label, Qt.TextElideMode.ElideRight, 140)
            w = metrics.horizontalAdvance(text) + 8
            rect = QRectF(at.x() - w / 2, at.y() - 9, w, 18)
            painter.setBrush(QBrush(QColor(255, 255, 255, 230)))
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(pen.color().darker(130))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            painter.restore()


def _upright_head(painter: QPainter, head: QPolygonF) -> QPolygonF:
    """An arrowhead (tip first, then its two barbs) as it must be drawn under ``painter``'s
    stretch, which this undoes (the caller saves and restores the painter): its tip where the
    route ends and pointing along the route's last run as the screen shows it, its shape
    not stretched."""
    stretch = stretch_of(painter)
    if head.size() < 3 or not stretched(stretch):
        return head
    tip, middle = head.at(0), (head.at(1) + head.at(2)) / 2
    half = _length(head.at(1) - head.at(2)) / 2
    depth = _length(tip - middle)
    back = QPointF(middle.x() - tip.x(), (middle.y() - tip.y()) * stretch)
    ux, uy = back.x() / max(_length(back), 1e-6), back.y() / max(_length(back), 1e-6)
    painter.scale(1.0, 1.0 / stretch)
    end = QPointF(tip.x(), tip.y() * stretch)
    base = QPointF(end.x() + ux * depth, end.y() + uy * depth)
    return QPolygonF(
        [
            end,
            QPointF(base.x() - uy * half, base.y() + ux * half),
            QPointF(base.x() + uy * half, base.y() - ux * half),
        ]
    )


def _length(d: QPointF) -> float:
    return float((d.x() ** 2 + d.y() ** 2) ** 0.5)


def _label_position(points: list[QPointF], loop: bool) -> QPointF:
    """Where a flow's label goes: the middle of the route's middle run (for a forward flow,
    the channel between rows). A loop's middle run climbs in a column gap, too narrow for a
    label, so it takes the loop's longest level run, above the cards. Two cards side by side
    leave too narrow a gap for any label: it goes in the gap just below them (the one above
    is where loops run)."""
    if len(points) == 2 and abs(points[1].x() - points[0].x()) < 80:
        centre = (points[0] + points[1]) / 2
        return QPointF(centre.x(), centre.y() + CARD_H / 2 + 8)
    runs = [(a, b) for a, b in pairwise(points) if abs(a.y() - b.y()) < 0.5]
    if loop and runs:
        a, b = max(runs, key=lambda run: abs(run[1].x() - run[0].x()))
        return (a + b) / 2
    middle = len(points) // 2
    return (points[middle - 1] + points[middle]) / 2


def _towards(origin: QPointF, target: QPointF, distance: float) -> QPointF:
    d = target - origin
    length = (d.x() ** 2 + d.y() ** 2) ** 0.5
    if length < 1e-6:
        return origin
    step = min(distance, length / 2) / length
    return QPointF(origin.x() + d.x() * step, origin.y() + d.y() * step)
