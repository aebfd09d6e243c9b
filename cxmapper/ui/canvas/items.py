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
from cxmapper.model.strength import Strength
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
    wrap_loose,
)
from cxmapper.ui.canvas.layout import CARD_H, CARD_W
from cxmapper.ui.canvas.routing import Point, Rect

INK = QColor("#1f2430")
TITLE_INK = QColor("#000000")  # the overview's titles: the most contrast a card allows
MUTED = QColor("#5f6672")
CARD_BORDER = QColor("#c5cad3")
SELECTION = QColor("#1c6ef2")
FLOW_COLOUR = QColor("#6b7280")
HANDOFF_COLOUR = QColor("#3b4bc8")
LOOP_COLOUR = QColor("#e8590c")
PAIN_COLOUR = QColor("#c92a2a")
STRENGTH_INK = QColor("#364152")
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
    lines = wrap_loose(text.split(), metrics, width)
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
        self.strength = Strength.NONE  # how well evidence backs the step: a marker says it
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

    def set_badges(self, evidence: int, pains: int, strength: Strength = Strength.NONE) -> None:
        if (evidence, pains, strength) != (self.evidence_count, self.pain_count, self.strength):
            self.evidence_count, self.pain_count, self.strength = evidence, pains, strength
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
        right = paint_strength(painter, QPointF(right - 6, base - 4.5), self.strength) - 6
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


def paint_strength(painter: QPainter, centre: QPointF, strength: Strength) -> float:
    """The evidence-strength marker: a hollow circle (none: the room's assumption), a half
    filled one (thin), a full one (solid). Returns its left edge."""
    radius = 5.0
    painter.save()
    painter.setPen(QPen(STRENGTH_INK, 1.5))
    painter.setBrush(STRENGTH_INK if strength == Strength.SOLID else Qt.BrushStyle.NoBrush)
    painter.drawEllipse(centre, radius, radius)
    if strength == Strength.THIN:
        half = QPainterPath(centre + QPointF(0, -radius))
        half.arcTo(
            QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius), 90, 180
        )
        half.closeSubpath()
        painter.setBrush(STRENGTH_INK)
        painter.drawPath(half)
    painter.restore()
    return centre.x() - radius


LABEL_FONT = font(8.5)
LABEL_H = 18.0
LABEL_MAX_W = 148.0  # a longer label is abbreviated
LABEL_SHORT_W = 64.0  # the abbreviation tried where the full label finds no room
LABEL_PX = 8.5 * 96 / 72


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
        # A label too small to read on screen is left out (its tooltip keeps it).
        if self.label and self.label_rect is not None and LABEL_PX * scale >= LEAST_PX:
            painter.save()
            placed = _qrect(self.label_rect)
            # Where the router placed it, drawn upright on a stretched overview.
            centre = upright(painter, QRectF(placed.center(), placed.center())).topLeft()
            painter.setFont(LABEL_FONT)
            metrics = QFontMetricsF(LABEL_FONT)
            text = metrics.elidedText(self.label, Qt.TextElideMode.ElideRight, placed.width() - 8)
            rect = QRectF(
                centre.x() - placed.width() / 2,
                centre.y() - placed.height() / 2,
                placed.width(),
                placed.height(),
            )
            painter.setBrush(QBrush(QColor(255, 255, 255, 235)))
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


def _qrect(r: Rect) -> QRectF:
    return QRectF(r[0], r[1], r[2] - r[0], r[3] - r[1])


def _towards(origin: Point, target: Point, distance: float) -> Point:
    dx, dy = target[0] - origin[0], target[1] - origin[1]
    length = (dx * dx + dy * dy) ** 0.5
    if length < 1e-6:
        return origin
    step = min(distance, length / 2) / length
    return origin[0] + dx * step, origin[1] + dy * step
