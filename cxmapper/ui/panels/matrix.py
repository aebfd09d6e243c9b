"""The priority matrix: reach against cost per affected customer, bubble area = impact,
red = universal, blue = local; whiskers span the ranges reach and cost are drawn from for the
rank certainty (the reach interval; a cost band's range). Clicking a bubble selects the pain
and its steps."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from cxmapper.model.certainty import spreads
from cxmapper.model.events import Change
from cxmapper.model.scoring import PainScore
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.plan_scores import PlanScores
from cxmapper.wording import counted

UNIVERSAL = QColor(201, 42, 42, 170)
LOCAL = QColor(59, 91, 219, 150)
MARGIN_L, MARGIN_B, MARGIN_T, MARGIN_R = 70.0, 46.0, 26.0, 24.0
MAX_RADIUS, MIN_RADIUS = 40.0, 4.0
# A log scale only when the values span this factor or more; a narrow spread reads better
# on a linear scale from zero.
WIDE = 20.0
LABELLED = 6  # the costliest pains are labelled; the rest when selected


@dataclass(frozen=True)
class Axis:
    """One axis's scale: values in [low, high], linear or log10, mapped to a fraction 0..1."""

    low: float
    high: float
    log: bool

    @classmethod
    def fit(cls, values: list[float]) -> Axis:
        positive = [v for v in values if v > 0] or [1.0]
        lo, hi = min(positive), max(positive)
        if hi / lo >= WIDE:
            pad = 0.15 * (math.log10(hi) - math.log10(lo))
            return cls(10 ** (math.log10(lo) - pad), 10 ** (math.log10(hi) + pad), True)
        return cls(0.0, _nice_ceiling(hi * 1.15), False)

    def fraction(self, value: float) -> float:
        if self.log:
            v = math.log10(max(value, self.low))
            return (v - math.log10(self.low)) / (math.log10(self.high) - math.log10(self.low))
        return (value - self.low) / (self.high - self.low)

    def ticks(self) -> list[float]:
        if not self.log:
            step = _nice_step(self.high / 5)
            return [step * i for i in range(int(self.high / step) + 1)]
        decades = range(math.floor(math.log10(self.low)), math.ceil(math.log10(self.high)) + 1)
        few = math.log10(self.high / self.low) <= 2.5  # few decades: 1, 2, 5 in each
        marks = [m * 10.0**d for d in decades for m in ((1, 2, 5) if few else (1,))]
        return [t for t in marks if self.low <= t <= self.high]


def _nice_step(raw: float) -> float:
    """1, 2 or 5 × a power of ten, at least ``raw``."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _nice_ceiling(value: float) -> float:
    step = _nice_step(value / 5)
    return step * math.ceil(value / step) if value > 0 else 1.0


def _short(value: float) -> str:
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


class PriorityMatrix(QWidget):
    # A Panel (see cxmapper.ui.panels): what the window docks.
    dock_title = "Priority matrix"
    dock_name = "matrix"
    dock_area = Qt.DockWidgetArea.RightDockWidgetArea

    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.scores: list[PainScore] = []
        self.unplotted = 0  # pains with no reach yet have no place on the chart
        self.top_impact = 0.0
        self.x_axis = self.y_axis = Axis(0.0, 1.0, False)
        # pain id → (cost low, cost high): the cost range its draws take
        self.cost_ranges: dict[int, tuple[float, float]] = {}
        self.setMinimumSize(320, 200)
        self.setMouseTracking(True)
        self.plan = PlanScores.of(ctx)
        self.plan.changed.connect(self._on_change)
        ctx.selectionChanged.connect(self.update)
        self.rescore()

    def dock_content(self) -> QWidget:
        return self

    def on_dock_visibility(self, visible: bool) -> None:
        pass  # it keeps up while hidden: nothing to catch up on

    def delete_selected(self) -> None:
        pass  # nothing here is deleted with Edit → Delete

    def detach(self) -> None:
        self.plan.changed.disconnect(self._on_change)
        self.plan.stop()  # no scores arrive for a project that is closing
        self.ctx.selectionChanged.disconnect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(480, 360)

    def _on_change(self, change: Change) -> None:
        if change.entity != "action":
            self.rescore()

    def rescore(self) -> None:
        scores = self.plan.pains()
        self.scores = [s for s in scores if s.reach > 0]
        self.top_impact = max((s.impact for s in self.scores), default=0.0)
        self.unplotted = len(scores) - len(self.scores)
        self.cost_ranges = {
            pain_id: (spread.cost_low, spread.cost_high)
            for pain_id, spread in spreads(self.ctx.project, self.scores)
        }
        # The axes hold the whiskers' ends as well as the bubbles.
        self.x_axis = Axis.fit([v for s in self.scores for v in (s.reach_low, s.reach_high)])
        self.y_axis = Axis.fit([v for r in self.cost_ranges.values() for v in r])
        self.update()

    # --- geometry -----------------------------------------------------------------------------

    def _plot(self) -> QRectF:
        return QRectF(
            MARGIN_L,
            MARGIN_T,
            self.width() - MARGIN_L - MARGIN_R,
            self.height() - MARGIN_T - MARGIN_B,
        )

    def bubble_centre(self, score: PainScore) -> QPointF:
        """Where a pain's bubble is drawn, in widget coordinates."""
        plot = self._plot()
        fx = self.x_axis.fraction(score.reach)
        fy = self.y_axis.fraction(score.cost_per_customer)
        return QPointF(plot.left() + fx * plot.width(), plot.bottom() - fy * plot.height())

    def whiskers(self, score: PainScore) -> tuple[QLineF, QLineF]:
        """The reach interval (horizontal, at the pain's cost) and the cost range (vertical,
        at its reach), in widget coordinates; a figure without a range gives a point."""
        plot = self._plot()

        def x(value: float) -> float:
            return plot.left() + self.x_axis.fraction(value) * plot.width()

        def y(value: float) -> float:
            return plot.bottom() - self.y_axis.fraction(value) * plot.height()

        centre = self.bubble_centre(score)
        low, high = self.cost_ranges.get(score.pain_id, (score.cost_per_customer,) * 2)
        return (
            QLineF(x(score.reach_low), centre.y(), x(score.reach_high), centre.y()),
            QLineF(centre.x(), y(low), centre.x(), y(high)),
        )

    def bubble_radius(self, score: PainScore) -> float:
        if self.top_impact <= 0:
            return MIN_RADIUS
        # A small dock gets smaller bubbles, so they do not cover the whole plot.
        largest = max(MIN_RADIUS * 2, min(MAX_RADIUS, self._plot().height() / 7))
        # area ∝ impact; a floor keeps a cheap pain visible and clickable
        return max(MIN_RADIUS, largest * math.sqrt(score.impact / self.top_impact))

    def pain_at(self, pos: QPointF) -> PainScore | None:
        """The bubble under ``pos``; where bubbles overlap, the smallest (drawn on top)."""
        for score in sorted(self.scores, key=self.bubble_radius):
            d = pos - self.bubble_centre(score)
            if math.hypot(d.x(), d.y()) <= self.bubble_radius(score):
                return score
        return None

    # --- painting and clicks ------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        plot = self._plot()
        small = QFont(self.font())
        small.setPointSizeF(8.5)
        painter.setFont(small)
        self._paint_axes(painter, plot)
        selected = set(self.ctx.selected_pain_ids())
        metrics = QFontMetricsF(small)
        painter.setClipRect(plot.adjusted(-MAX_RADIUS, -MAX_RADIUS, MAX_RADIUS, MAX_RADIUS))
        placed: list[QRectF] = []
        bubbles = [(s, self.bubble_centre(s), self.bubble_radius(s)) for s in self.scores]
        # Whiskers under every bubble: how far each could move in the draws.
        for score, _centre, _r in bubbles:
            selected_here = score.pain_id in selected
            painter.setPen(QPen(QColor("#1c6ef2" if selected_here else "#6b7280"), 1.5))
            for line in self.whiskers(score):
                if line.length() < 1.0:
                    continue
                painter.drawLine(line)
                cap = line.normalVector().unitVector()
                offset = QPointF(cap.dx(), cap.dy()) * 4.0
                for end in (line.p1(), line.p2()):
                    painter.drawLine(end - offset, end + offset)
        for score, centre, r in sorted(bubbles, key=lambda b: -b[0].impact):
            painter.setBrush(UNIVERSAL if score.kind == "universal" else LOCAL)
            painter.setPen(
                QPen(QColor("#1c6ef2"), 3)
                if score.pain_id in selected
                else QPen(QColor("#ffffff"), 1)
            )
            painter.drawEllipse(centre, r, r)
            if r >= 9:  # the rank inside the bubble, matching the pain register
                painter.setPen(QColor("#ffffff"))
                painter.drawText(
                    QRectF(centre.x() - r, centre.y() - 8, 2 * r, 16),
                    Qt.AlignmentFlag.AlignCenter,
                    str(score.rank),
                )
        # Labels last, costliest first, each where it overlaps no label already placed.
        for score, centre, r in sorted(bubbles, key=lambda b: b[0].rank):
            if score.rank > LABELLED and score.pain_id not in selected:
                continue
            label = metrics.elidedText(
                f"{score.rank}. {score.title}", Qt.TextElideMode.ElideRight, 150
            )
            others = [
                QRectF(c.x() - q, c.y() - q, 2 * q, 2 * q) for o, c, q in bubbles if o is not score
            ]
            box = self._label_box(label, metrics, centre, r, plot, placed, others)
            if box is None:
                continue
            placed.append(box)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 215))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(QColor("#1f2430"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
        painter.setClipping(False)
        # The key sits above the plot, where no bubble or label can cover it.
        painter.setPen(UNIVERSAL.darker())
        painter.drawText(QPointF(plot.left(), plot.top() - 8), "● universal")
        painter.setPen(LOCAL.darker())
        painter.drawText(QPointF(plot.left() + 82, plot.top() - 8), "● local")
        if self.unplotted:
            painter.setPen(QColor("#5f6672"))
            painter.drawText(
                QRectF(plot.left(), plot.top() - 22, plot.width(), 16),
                Qt.AlignmentFlag.AlignRight,
                f"{counted(self.unplotted, 'pain')} without reach not shown",
            )
        painter.end()

    @staticmethod
    def _label_box(
        label: str,
        metrics: QFontMetricsF,
        centre: QPointF,
        r: float,
        plot: QRectF,
        placed: list[QRectF],
        bubbles: Sequence[QRectF] = (),
    ) -> QRectF | None:
        """Of right, left, above, below and the corners of the bubble, the place where the
        label stays inside the plot, overlaps no label already placed and hides the least of
        the other bubbles (the first such place, where several hide nothing); None when
        there is no such place."""
        w, h = metrics.horizontalAdvance(label) + 6, metrics.height() + 2
        x, y, d = centre.x(), centre.y(), r * 0.7 + 2
        candidates = [
            QRectF(x + r + 2, y - h / 2, w, h),
            QRectF(x - r - 2 - w, y - h / 2, w, h),
            QRectF(x - w / 2, y - r - 2 - h, w, h),
            QRectF(x - w / 2, y + r + 2, w, h),
            QRectF(x + d, y - d - h, w, h),
            QRectF(x - d - w, y - d - h, w, h),
            QRectF(x + d, y + d, w, h),
            QRectF(x - d - w, y + d, w, h),
        ]
        free = [
            box
            for box in candidates
            if plot.contains(box) and not any(box.intersects(other) for other in placed)
        ]
        if not free:
            return None

        def hidden(box: QRectF) -> float:  # the area of other bubbles the label would cover
            return sum(_area(box.intersected(b)) for b in bubbles)

        return min(free, key=hidden)  # (the first of equals: right of it, as a rule)

    def _paint_axes(self, painter: QPainter, plot: QRectF) -> None:
        cur = self.ctx.project.settings.currency
        painter.setPen(QPen(QColor("#9aa0a6"), 1))
        painter.drawRect(plot)
        grid = QPen(QColor("#eceef1"), 1)
        text = QColor("#5f6672")
        for tick in self.x_axis.ticks():
            x = plot.left() + self.x_axis.fraction(tick) * plot.width()
            painter.setPen(grid)
            painter.drawLine(QPointF(x, plot.top() + 1), QPointF(x, plot.bottom() - 1))
            painter.setPen(text)
            painter.drawText(
                QRectF(x - 30, plot.bottom() + 2, 60, 16),
                Qt.AlignmentFlag.AlignCenter,
                _short(tick),
            )
        for tick in self.y_axis.ticks():
            y = plot.bottom() - self.y_axis.fraction(tick) * plot.height()
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left() + 1, y), QPointF(plot.right() - 1, y))
            painter.setPen(text)
            painter.drawText(
                QRectF(0, y - 8, MARGIN_L - 6, 16), Qt.AlignmentFlag.AlignRight, _short(tick)
            )
        painter.setPen(text)
        scale = " (log scale)" if self.x_axis.log else ""
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + 20, plot.width(), 20),
            Qt.AlignmentFlag.AlignCenter,
            f"Customers affected per year{scale}",
        )
        painter.save()
        painter.translate(16, plot.center().y())
        painter.rotate(-90)
        unit = f"({cur}{', log' if self.y_axis.log else ''})"
        title = f"Cost per affected customer {unit}"
        metrics = painter.fontMetrics()
        if metrics.horizontalAdvance(title) > plot.height():  # a short dock: keep the unit
            title = f"{cur} / customer{' (log)' if self.y_axis.log else ''}"
        painter.drawText(
            QRectF(-plot.height() / 2, -12, plot.height(), 20),
            Qt.AlignmentFlag.AlignCenter,
            metrics.elidedText(title, Qt.TextElideMode.ElideMiddle, int(plot.height())),
        )
        painter.restore()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        score = self.pain_at(event.position())
        if score is None:
            QToolTip.hideText()
            return
        cur = self.ctx.project.settings.currency
        QToolTip.showText(
            event.globalPosition().toPoint(),
            f"{score.rank}. {score.title} ({score.kind})\n"
            f"Reach {score.reach:,.0f} / yr · cost {score.cost_per_customer:,.0f} {cur}\n"
            f"Impact {score.impact:,.0f} {cur} / yr\n"
            f"Whiskers: reach {score.reach_low:,.0f}–{score.reach_high:,.0f}, cost "
            + "–".join(f"{v:,.0f}" for v in self.cost_ranges.get(score.pain_id, ())),
            self,
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        score = self.pain_at(event.position())
        if score is not None:
            self.ctx.set_selection(pains=[score.pain_id], steps=list(score.step_ids), flows=[])
            self.ctx.focusRequested.emit("pain", score.pain_id)


def _area(rect: QRectF) -> float:
    return max(rect.width(), 0.0) * max(rect.height(), 0.0)
