"""The lane and stage names the journey scene paints over its background, pinned by the view
while it scrolls (and framed by presentation mode's shots)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from cxmapper.model import entities as e
from cxmapper.model.project import Project
from cxmapper.ui.canvas.detail import (
    LEAST_PX,
    fitted_text,
    one_line,
    pixel_font,
    scale_of,
    simplified,
    stretch_of,
    stretched,
    units,
    upright,
)
from cxmapper.ui.canvas.items import MUTED, font, wrap
from cxmapper.ui.canvas.layout import (
    LANE_HEADER_W,
    ROW_TOP,
    STAGE_HEADER_H,
    MapLayout,
)

LANE_FILLS = (QColor("#f6f7f9"), QColor("#ffffff"))
HEADER_FONT = font(12, bold=True)
STAGE_FONT = font(11, bold=True)
HEADER_PX, STAGE_PX, SMALL_PX = 12 * 96 / 72, 11 * 96 / 72, 8.5 * 96 / 72


class JourneyScene(Protocol):
    """What the names are painted from: the journey scene's layout and level of detail."""

    @property
    def layout(self) -> MapLayout: ...
    @property
    def project(self) -> Project: ...
    @property
    def readable_px(self) -> float: ...
    @property
    def full_detail(self) -> bool: ...
    @property
    def lane_counts(self) -> dict[int, int]: ...


def paint_lane_headers(
    scene: JourneyScene,
    painter: QPainter,
    left: float,
    rect: QRectF,
    groups: dict[int, e.WorkGroup],
    names: QRectF | None = None,
) -> list[tuple[int, QRectF]]:
    """Lane names in a column at scene x ``left`` (the view pins it while scrolling).

    With ``names`` (the band of the view a name may take: below the pinned stage names,
    above the legend), a lane cut at the band's top or bottom shows its name in the part
    of it in view; a lane too little of which is in view for its name shows none. Returns
    where each name was drawn (scene coordinates)."""
    drawn: list[tuple[int, QRectF]] = []
    metrics = QFontMetricsF(HEADER_FONT)
    scale = scale_of(painter)
    # Too small to read (or on a stretched map, where text is laid out upright): the
    # names drawn larger, wrapped in their header, no counts.
    large = not scene.full_detail and (
        simplified(scale, scene.readable_px, HEADER_PX) or stretched(stretch_of(painter))
    )
    common = units(scene.readable_px, scale)
    if large:
        # One size for every lane name, the largest all of them hold: names of uneven
        # sizes read as uneven importance (a lane cut by the view does not shrink them).
        for gid in scene.layout.lane_order:
            lane = scene.layout.lanes[gid]
            header = QRectF(left, lane.top, LANE_HEADER_W - 12, lane.height)
            if header.intersects(rect):
                painter.save()
                box = upright(painter, header.adjusted(14, 4, -2, -4))
                painter.restore()
                px, _ = fitted_text(
                    groups[gid].name, box.width(), box.height(), common, units(LEAST_PX, scale)
                )
                common = min(common, px)
    for gid in scene.layout.lane_order:
        lane = scene.layout.lanes[gid]
        header = QRectF(left, lane.top, LANE_HEADER_W - 12, lane.height)
        if not header.intersects(rect):
            continue
        group = groups[gid]
        painter.fillRect(header, QColor("#eef0f4"))
        painter.fillRect(QRectF(left, lane.top, 8, lane.height), QColor(group.colour))
        painter.setPen(QColor("#1f2430"))
        # The part of the header a name may take: where the view shows it.
        room = header if names is None else _band(header, names)
        if room.height() <= 0:
            continue
        if large:
            to_scene = painter.transform().inverted()[0]
            painter.save()
            box = upright(painter, room.adjusted(14, 4, -2, -4))
            px, fitted_lines = fitted_text(
                group.name, box.width(), box.height(), common, units(LEAST_PX, scale)
            )
            if px * scale >= LEAST_PX - 0.5:  # else no size its lane holds reads
                painter.setFont(pixel_font(px))
                fitted = QFontMetricsF(painter.font())
                y = box.top() + fitted.ascent()
                for line in fitted_lines:
                    painter.drawText(QPointF(box.left(), y), line)
                    y += fitted.lineSpacing()
                height = fitted.lineSpacing() * len(fitted_lines)
                widest = max(fitted.horizontalAdvance(line) for line in fitted_lines)
                text = QRectF(box.left(), box.top(), widest, height)
                drawn.append((gid, to_scene.mapRect(painter.transform().mapRect(text))))
            painter.restore()
            continue
        painter.setFont(HEADER_FONT)
        text_rect = header.adjusted(18, ROW_TOP, -8, -8)
        lines = wrap(group.name, HEADER_FONT, text_rect.width(), 3)
        height = metrics.lineSpacing() * len(lines)
        if names is not None:
            # Pinned into the part in view: below a cut top, above a cut bottom.
            top = max(text_rect.top(), room.top() + 8)
            top = min(top, room.bottom() - height - 4)
            if top < room.top():
                continue  # too little of the lane is in view for its name
            text_rect.moveTop(top)
        y = text_rect.top() + metrics.ascent()
        for line in lines:
            painter.drawText(QPointF(text_rect.left(), y), line)
            y += metrics.lineSpacing()
        widest = max(metrics.horizontalAdvance(line) for line in lines)
        drawn.append((gid, QRectF(text_rect.left(), text_rect.top(), widest, height)))
        if SMALL_PX * scale < LEAST_PX or y + 4 > room.bottom():
            continue  # the count would not be read
        painter.setFont(font(8.5))
        painter.setPen(MUTED)
        count = scene.lane_counts.get(gid, 0)
        painter.drawText(QPointF(text_rect.left(), y + 4), f"{count} step{'s' * (count != 1)}")
    return drawn


def paint_stage_headers(
    scene: JourneyScene, painter: QPainter, top: float, rect: QRectF, visible: QRectF | None = None
) -> list[tuple[int, QRectF, str]]:
    """Stage names in a row at scene y ``top`` (the view pins it while scrolling).

    With ``visible`` (the part of the map in view), each name is centred on the part of
    its column in view, so a wide stage scrolled sideways still shows its name. Returns
    each stage's header box drawn (scene coordinates) and the name drawn in it (elided
    where the box is too narrow)."""
    drawn: list[tuple[int, QRectF, str]] = []
    stages = {s.id: s for s in scene.project.stages()}
    painter.fillRect(QRectF(rect.left(), top, rect.width(), STAGE_HEADER_H), QColor("#ffffff"))
    painter.setPen(QPen(QColor("#c9ced6"), 1))
    painter.drawLine(
        QPointF(rect.left(), top + STAGE_HEADER_H), QPointF(rect.right(), top + STAGE_HEADER_H)
    )
    scale, stretch = scale_of(painter), stretch_of(painter)
    large = not scene.full_detail and (
        simplified(scale, scene.readable_px, STAGE_PX) or stretched(stretch)
    )
    for n, column in enumerate(scene.layout.columns):
        box = QRectF(column.left + 4, top + 6, column.right - column.left - 8, STAGE_HEADER_H - 12)
        if not box.intersects(rect):
            continue
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#2f3a4f") if n % 2 == 0 else QColor("#46536b"))
        painter.drawRoundedRect(box, 6, 6 / stretch)  # round corners, not oval ones
        painter.setPen(QColor("#ffffff"))
        text_box = box
        if visible is not None:
            left = max(box.left(), visible.left() + LANE_HEADER_W)
            right = min(box.right(), visible.right())
            if right - left > 40:
                text_box = QRectF(left, box.top(), right - left, box.height())
        name = stages[column.stage_id].name.upper()
        shown = text_box.intersected(rect)
        if large:  # as large as the header holds it, on one line, upright
            painter.save()
            text_box = upright(painter, text_box)
            px = one_line(
                name, text_box.width() - 12, text_box.height(), units(scene.readable_px, scale)
            )
            if px * scale >= LEAST_PX - 0.5:  # else it could not be read
                painter.setFont(pixel_font(px))
                fitted = QFontMetricsF(painter.font())
                line = fitted.elidedText(name, Qt.TextElideMode.ElideRight, text_box.width() - 12)
                painter.drawText(text_box, Qt.AlignmentFlag.AlignCenter, line)
                drawn.append((column.stage_id, shown, line))
            painter.restore()
            continue
        painter.setFont(STAGE_FONT)
        metrics = QFontMetricsF(STAGE_FONT)
        name = metrics.elidedText(name, Qt.TextElideMode.ElideRight, text_box.width() - 16)
        painter.drawText(text_box, Qt.AlignmentFlag.AlignCenter, name)
        drawn.append((column.stage_id, shown, name))
    return drawn


def _band(header: QRectF, band: QRectF) -> QRectF:
    """The part of ``header`` between the top and bottom of ``band``."""
    top, bottom = max(header.top(), band.top()), min(header.bottom(), band.bottom())
    return QRectF(header.left(), top, header.width(), max(bottom - top, 0.0))
