"""The legend: what flows, hand-offs, loops, faces and badges mean. The exported images carry
a boxed legend; the canvas shows it as a thin strip along its bottom edge, so it never hides
a card for long (scrolling moves the map under it; View → Legend hides it). A strip too narrow
for every entry on one row takes a second row (or more) rather than leaving out what explains
the dots and badges on the cards."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from cxmapper.model.strength import Strength
from cxmapper.ui.canvas.items import (
    EMOTION_COLOURS,
    FLOW_COLOUR,
    HANDOFF_COLOUR,
    LOOP_COLOUR,
    PAIN_COLOUR,
    font,
    paint_strength,
)

ROWS = (
    ("flow", "Flow within a work group"),
    ("handoff", "Hand-off between work groups"),
    ("loop", "Loop: goes back (rework)"),
    ("faces", "Emotion −2 … +2"),
    ("evidence", "Evidence items on the step"),
    ("strength", "Evidence: none, thin, solid"),
    ("pain", "Pains located on the step"),
)
WIDTH = 290.0
ROW_H = 24.0
STRIP_H = 30.0
SAMPLE_W = 54.0
STRIP_PAD = 12.0  # the strip's margin at either end
ENTRY_GAP = 20.0  # between one entry's text and the next entry's sample


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
        sample = QRectF(box.left() + 12, y + 2, SAMPLE_W, ROW_H - 4)
        _paint_sample(painter, kind, sample, mid)
        painter.setPen(QColor("#1f2430"))
        painter.drawText(QPointF(sample.right() + 12, mid + metrics.ascent() / 2 - 1), text)
        y += ROW_H


def strip_rows(width: float) -> list[list[tuple[str, str, float]]]:
    """The legend's entries (kind, text, width taken) laid out in rows of a strip ``width``
    wide: as many on a row as fit, every entry on some row."""
    metrics = QFontMetricsF(font(9))
    rows: list[list[tuple[str, str, float]]] = [[]]
    x = STRIP_PAD
    for kind, text in ROWS:
        taken = SAMPLE_W + 8 + metrics.horizontalAdvance(text) + ENTRY_GAP
        if rows[-1] and x + taken - ENTRY_GAP > width - STRIP_PAD:
            rows.append([])
            x = STRIP_PAD
        rows[-1].append((kind, text, taken))
        x += taken
    return rows


def strip_height(width: float) -> float:
    """The height of the legend strip across ``width`` device pixels."""
    return STRIP_H * len(strip_rows(width))


def paint_legend_strip(painter: QPainter, strip: QRectF) -> None:
    """The legend along the bottom (device coordinates), in as many rows as its width needs
    (``strip`` is :func:`strip_height` high)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(strip, QColor(255, 255, 255, 235))
    painter.setPen(QPen(QColor("#c5cad3"), 1))
    painter.drawLine(strip.topLeft(), strip.topRight())
    metrics = QFontMetricsF(font(9))
    for n, row in enumerate(strip_rows(strip.width())):
        mid = strip.top() + STRIP_H * n + STRIP_H / 2
        x = strip.left() + STRIP_PAD
        for kind, text, taken in row:
            _paint_sample(painter, kind, QRectF(x, mid - 10, SAMPLE_W, 20), mid)
            painter.setFont(font(9))
            painter.setPen(QColor("#1f2430"))
            painter.drawText(QPointF(x + SAMPLE_W + 8, mid + metrics.ascent() / 2 - 1), text)
            x += taken


def _paint_sample(painter: QPainter, kind: str, sample: QRectF, mid: float) -> None:
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
    elif kind == "strength":
        for n, strength in enumerate(Strength):
            paint_strength(painter, QPointF(sample.left() + 8 + n * 16, mid), strength)
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
