"""The legend: what flows, hand-offs, loops, faces and badges mean. Shared by the canvas
(a fixed overlay) and the exported images."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from cxmapper.ui.canvas.items import (
    EMOTION_COLOURS,
    FLOW_COLOUR,
    HANDOFF_COLOUR,
    LOOP_COLOUR,
    PAIN_COLOUR,
    font,
)

ROWS = (
    ("flow", "Flow within a work group"),
    ("handoff", "Hand-off between work groups"),
    ("loop", "Loop: goes back (rework)"),
    ("faces", "Emotion −2 … +2"),
    ("evidence", "Evidence items on the step"),
    ("pain", "Pains located on the step"),
)
WIDTH = 290.0
ROW_H = 24.0


def legend_size() -> tuple[float, float]:
    return WIDTH, 34 + ROW_H * len(ROWS)


def paint_legend(painter: QPainter, bottom_right: QPointF) -> None:
    w, h = legend_size()
    box = QRectF(bottom_right.x() - w, bottom_right.y() - h, w, h)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#c5cad3"), 1))
    painter.setBrush(QColor(255, 255, 255, 240))
    painter.drawRoundedRect(box, 8, 8)
    painter.setPen(QColor("#1f2430"))
    painter.setFont(font(9.5, bold=True))
    painter.drawText(QPointF(box.left() + 12, box.top() + 20), "Legend")
    painter.setFont(font(9))
    metrics = QFontMetricsF(font(9))
    y = box.top() + 34
    for kind, text in ROWS:
        mid = y + ROW_H / 2
        sample = QRectF(box.left() + 12, y + 2, 54, ROW_H - 4)
        if kind in ("flow", "handoff", "loop"):
            colour = {"flow": FLOW_COLOUR, "handoff": HANDOFF_COLOUR, "loop": LOOP_COLOUR}[kind]
            pen = QPen(colour, 2.0 if kind == "flow" else 3.0)
            if kind == "loop":
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(sample.left(), mid), QPointF(sample.right() - 8, mid))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            tip = sample.right()
            painter.drawPolygon(
                [QPointF(tip, mid), QPointF(tip - 10, mid - 5), QPointF(tip - 10, mid + 5)]
            )
        elif kind == "faces":
            for n, value in enumerate((-2, 0, 2)):
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(EMOTION_COLOURS[value])
                painter.drawEllipse(QPointF(sample.left() + 8 + n * 19, mid), 7, 7)
        else:
            colour = QColor("#364152") if kind == "evidence" else PAIN_COLOUR
            label = "42" if kind == "evidence" else "▲ 2"
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(sample.left(), mid - 8, 40, 16), 8, 8)
            painter.setPen(QColor("#ffffff"))
            painter.setFont(font(8, bold=True))
            painter.drawText(
                QRectF(sample.left(), mid - 8, 40, 16), Qt.AlignmentFlag.AlignCenter, label
            )
            painter.setFont(font(9))
        painter.setPen(QColor("#1f2430"))
        painter.drawText(QPointF(sample.right() + 12, mid + metrics.ascent() / 2 - 1), text)
        y += ROW_H
