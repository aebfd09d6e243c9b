"""The priority matrix: reach against cost per affected customer, bubble area = impact,
red = universal, blue = local. Clicking a bubble selects the pain and its steps."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from cxmapper.model.events import Change
from cxmapper.model.scoring import PainScore, score_pains
from cxmapper.ui.context import DocumentContext

UNIVERSAL = QColor(201, 42, 42, 170)
LOCAL = QColor(59, 91, 219, 150)
MARGIN_L, MARGIN_B, MARGIN_T, MARGIN_R = 70.0, 46.0, 24.0, 24.0


class PriorityMatrix(QWidget):
    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.scores: list[PainScore] = []
        self.setMinimumSize(320, 200)
        self.setMouseTracking(True)
        ctx.changed.connect(self._on_change)
        ctx.selectionChanged.connect(self.update)
        self.rescore()

    def detach(self) -> None:
        self.ctx.changed.disconnect(self._on_change)
        self.ctx.selectionChanged.disconnect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(480, 360)

    def _on_change(self, change: Change) -> None:
        if change.entity in ("pain", "settings", "evidence", "import_batch", "step"):
            self.rescore()

    def rescore(self) -> None:
        self.scores = [s for s in score_pains(self.ctx.project) if s.reach > 0]
        self.update()

    # --- geometry -----------------------------------------------------------------------------

    def _plot(self) -> QRectF:
        return QRectF(
            MARGIN_L,
            MARGIN_T,
            self.width() - MARGIN_L - MARGIN_R,
            self.height() - MARGIN_T - MARGIN_B,
        )

    def _ranges(self) -> tuple[float, float, float, float]:
        xs = [s.reach for s in self.scores] or [1.0]
        ys = [max(s.cost_per_customer, 1.0) for s in self.scores] or [1.0]
        return (
            math.log10(max(min(xs), 1.0)) - 0.2,
            math.log10(max(xs)) + 0.2,
            math.log10(min(ys)) - 0.2,
            math.log10(max(ys)) + 0.2,
        )

    def bubble_centre(self, score: PainScore) -> QPointF:
        """Where a pain's bubble is drawn (log scales on both axes)."""
        plot = self._plot()
        x0, x1, y0, y1 = self._ranges()
        fx = (math.log10(max(score.reach, 1.0)) - x0) / max(x1 - x0, 1e-9)
        fy = (math.log10(max(score.cost_per_customer, 1.0)) - y0) / max(y1 - y0, 1e-9)
        return QPointF(plot.left() + fx * plot.width(), plot.bottom() - fy * plot.height())

    def bubble_radius(self, score: PainScore) -> float:
        top = max((s.impact for s in self.scores), default=1.0) or 1.0
        return 6.0 + 34.0 * math.sqrt(score.impact / top)  # area ∝ impact

    def pain_at(self, pos: QPointF) -> PainScore | None:
        for score in sorted(self.scores, key=lambda s: self.bubble_radius(s)):
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
        painter.setPen(QPen(QColor("#9aa0a6"), 1))
        painter.drawRect(plot)
        small = QFont(self.font())
        small.setPointSizeF(8.5)
        painter.setFont(small)
        cur = self.ctx.project.settings.currency
        painter.setPen(QColor("#5f6672"))
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + 20, plot.width(), 20),
            Qt.AlignmentFlag.AlignCenter,
            "Customers affected per year (log scale)",
        )
        painter.save()
        painter.translate(16, plot.center().y())
        painter.rotate(-90)
        painter.drawText(
            QRectF(-plot.height() / 2, -12, plot.height(), 20),
            Qt.AlignmentFlag.AlignCenter,
            f"Cost per customer ({cur}, log)",
        )
        painter.restore()
        x0, x1, y0, y1 = self._ranges()
        for exponent in range(math.floor(x0), math.ceil(x1) + 1):
            fx = (exponent - x0) / max(x1 - x0, 1e-9)
            if 0 <= fx <= 1:
                x = plot.left() + fx * plot.width()
                painter.drawText(QPointF(x - 12, plot.bottom() + 14), f"{10**exponent:,.0f}")
        for exponent in range(math.floor(y0), math.ceil(y1) + 1):
            fy = (exponent - y0) / max(y1 - y0, 1e-9)
            if 0 <= fy <= 1:
                y = plot.bottom() - fy * plot.height()
                painter.drawText(
                    QRectF(0, y - 8, MARGIN_L - 6, 16),
                    Qt.AlignmentFlag.AlignRight,
                    f"{10**exponent:,.0f}",
                )
        selected = set(self.ctx.selected_pain_ids())
        metrics = QFontMetricsF(small)
        for score in sorted(self.scores, key=lambda s: -s.impact):
            centre, r = self.bubble_centre(score), self.bubble_radius(score)
            painter.setBrush(UNIVERSAL if score.kind == "universal" else LOCAL)
            painter.setPen(
                QPen(QColor("#1c6ef2"), 3)
                if score.pain_id in selected
                else QPen(QColor("#ffffff"), 1)
            )
            painter.drawEllipse(centre, r, r)
            if score.rank > 6 and score.pain_id not in selected:
                continue  # the six costliest are labelled; the rest on selection
            painter.setPen(QColor("#1f2430"))
            label = metrics.elidedText(
                f"{score.rank}. {score.title}", Qt.TextElideMode.ElideRight, 160
            )
            painter.drawText(QPointF(centre.x() + r + 3, centre.y() + 4), label)
        painter.setPen(QColor("#1f2430"))
        painter.drawText(QPointF(plot.left() + 8, plot.top() + 14), "● universal")
        painter.setPen(LOCAL.darker())
        painter.drawText(QPointF(plot.left() + 90, plot.top() + 14), "● local")
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        score = self.pain_at(event.position())
        if score is not None:
            self.ctx.set_selection(pains=[score.pain_id], steps=list(score.step_ids), flows=[])
            self.ctx.focusRequested.emit("pain", score.pain_id)
