"""Map images: the whole journey drawn by the canvas's own items, to PNG, SVG or PDF.

PDF pages are A3 landscape: the lanes fill the page height at a print-legible scale and a wide
journey continues over further pages, each repeating the lane names.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPoint, QPointF, QRect, QRectF, QSize, QSizeF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from cxmapper.model.project import Project
from cxmapper.model.tempfiles import publish, refuse_project_destination, temp_beside
from cxmapper.ui.canvas import headers
from cxmapper.ui.canvas.items import font
from cxmapper.ui.canvas.layout import LANE_HEADER_W, STAGE_HEADER_H
from cxmapper.ui.canvas.legend import legend_size, paint_legend
from cxmapper.ui.canvas.png import write_png
from cxmapper.ui.canvas.scene import JourneyScene
from cxmapper.ui.canvas.slides import shot_image, write_slides

TITLE_H = 56.0
MAX_PNG_SIDE = 16000
MIN_PRINT_SCALE = 0.6  # 11.5 pt card titles print at 7 pt or larger


def _title(project: Project) -> str:
    return f"{project.settings.name} — journey map, {dt.date.today():%d %B %Y}"


def _paint_page(
    painter: QPainter, scene: JourneyScene, source: QRectF, project: Project, page_note: str = ""
) -> None:
    """Title band, then ``source`` of the scene (with lane names repeated at its left edge)."""
    width = source.width()
    painter.fillRect(QRectF(0, 0, width, TITLE_H + source.height()), QColor("#ffffff"))
    painter.setPen(QColor("#1f2430"))
    painter.setFont(font(16, bold=True))
    painter.drawText(QPointF(16, 36), _title(project) + page_note)
    target = QRectF(0, TITLE_H, width, source.height())
    scene.render(painter, target, source)
    if source.left() > 0 or source.top() > 0:
        painter.save()
        painter.translate(-source.left(), TITLE_H - source.top())
        painter.setClipRect(source)
        if source.top() > 0:  # a lower row of pages repeats the stage names at its top
            headers.paint_stage_headers(scene, painter, source.top(), source)
        if source.left() > 0:
            groups = {g.id: g for g in project.work_groups()}
            headers.paint_lane_headers(scene, painter, source.left(), source, groups)
        if source.left() > 0 and source.top() > 0:
            corner = QRectF(source.left(), source.top(), LANE_HEADER_W, STAGE_HEADER_H)
            painter.fillRect(corner, QColor("#ffffff"))
        painter.restore()


class _WholeMap:
    """The whole map in full detail, with its title and legend, at ``scale`` (capped so no
    side passes MAX_PNG_SIDE pixels), drawn in whatever bands of rows are asked for."""

    def __init__(self, project: Project, scale: float) -> None:
        self.project = project
        self.scene = JourneyScene.picture(project)
        self.scene.full_detail = True  # a very large map is scaled down, yet drawn in full
        self.rect = self.scene.sceneRect()
        _lw, lh = legend_size()
        self.width, self.height = self.rect.width(), TITLE_H + self.rect.height() + lh + 24
        self.scale = min(scale, MAX_PNG_SIDE / max(self.width, self.height))
        self.size = QSize(int(self.width * self.scale), int(self.height * self.scale))

    def paint(self, painter: QPainter, band: QRect) -> None:
        """The rows of ``band`` (pixels): only the part of the scene they show is drawn."""
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        painter.scale(self.scale, self.scale)
        top, bottom = band.top() / self.scale, (band.bottom() + 1) / self.scale
        painter.fillRect(QRectF(0, top, self.width, bottom - top), QColor("#ffffff"))
        if top < TITLE_H:
            painter.setPen(QColor("#1f2430"))
            painter.setFont(font(16, bold=True))
            painter.drawText(QPointF(16, 36), _title(self.project))
        # A little beyond the band: what straddles its edge is drawn whole in both bands.
        source = QRectF(0, top - TITLE_H - 2, self.rect.width(), bottom - top + 4)
        source = source.intersected(self.rect)
        if not source.isEmpty():
            self.scene.render(painter, source.translated(0, TITLE_H), source)
        lw, _lh = legend_size()
        paint_legend(painter, QPointF(max(self.width - 16, lw + 16), self.height - 12))

    def close(self) -> None:
        self.scene.clear()


def render_image(project: Project, scale: float = 1.5) -> QImage:
    """The whole map as one image (kept for small maps and tests; files are written in
    bands by :func:`_render_png`)."""
    whole = _WholeMap(project, scale)
    try:
        image = QImage(whole.size, QImage.Format.Format_RGB32)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        whole.paint(painter, QRect(QPoint(0, 0), whole.size))
        painter.end()
        return image
    finally:
        whole.close()


def _render_png(project: Project, path: str, scale: float = 1.5) -> None:
    whole = _WholeMap(project, scale)
    try:
        with open(path, "wb") as out:
            write_png(out, whole.size.width(), whole.size.height(), whole.paint)
    finally:
        whole.close()


def _render_svg(project: Project, path: str) -> None:
    from PySide6.QtSvg import QSvgGenerator

    scene = JourneyScene.picture(project)
    try:
        scene.set_vector_output()
        rect = scene.sceneRect()
        lw, lh = legend_size()
        height = TITLE_H + rect.height() + lh + 24
        generator = QSvgGenerator()
        generator.setFileName(path)
        generator.setResolution(96)  # as on screen: point-sized text in proportion to cards
        generator.setSize(QSize(int(rect.width()), int(height)))
        generator.setViewBox(QRectF(0, 0, rect.width(), height))
        generator.setTitle(_title(project))
        painter = QPainter(generator)
        _paint_page(painter, scene, rect, project)
        paint_legend(painter, QPointF(max(rect.width() - 16, lw + 16), height - 12))
        painter.end()
    finally:
        scene.clear()


def _render_pdf(project: Project, path: str) -> None:
    scene = JourneyScene.picture(project)
    try:
        scene.set_vector_output()
        rect = scene.sceneRect()
        writer = QPdfWriter(path)
        writer.setTitle(_title(project))
        writer.setCreator("CX Mapper")
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A3),
                QPageLayout.Orientation.Landscape,
                QMarginsF(8, 8, 8, 8),
            )
        )
        # Fonts are sized in points and resolve against the device: at 96 dpi text keeps the
        # proportions to the cards it has on screen (144 dpi made titles overflow).
        writer.setResolution(96)
        painter = QPainter(writer)
        page = QSizeF(writer.width(), writer.height())
        _lw, lh = legend_size()
        content_h = TITLE_H + rect.height() + lh + 24
        # The lanes fill the page height, unless that would print the card titles smaller
        # than about 7 pt: then the map continues over further rows of pages too.
        scale = max(page.height() / content_h, MIN_PRINT_SCALE)
        tile_w = page.width() / scale  # scene width one page shows, lane names included
        tile_h = page.height() / scale - (content_h - rect.height())  # map height per page
        columns = _tiles(rect.width(), tile_w, LANE_HEADER_W)
        rows = _tiles(rect.height(), tile_h, STAGE_HEADER_H)
        pages = [(x0, y0) for y0 in rows for x0 in columns]
        for n, (x0, y0) in enumerate(pages):
            if n:
                writer.newPage()
            # Later pages repeat the lane names at their left and the stage names at their top.
            source = QRectF(
                x0 - (LANE_HEADER_W if x0 else 0.0),
                y0 - (STAGE_HEADER_H if y0 else 0.0),
                tile_w,
                tile_h,
            )
            painter.save()
            painter.scale(scale, scale)
            note = f" (page {n + 1} of {len(pages)})" if len(pages) > 1 else ""
            _paint_page(painter, scene, source, project, note)
            paint_legend(painter, QPointF(tile_w - 32, content_h - 12 - rect.height() + tile_h))
            painter.restore()
        painter.end()
    finally:
        scene.clear()


def _tiles(length: float, tile: float, header: float) -> list[float]:
    """Where each page starts along one side: the first shows ``tile``, later ones show
    ``tile - header`` new map behind the repeated header."""
    starts = [0.0]
    while starts[-1] + (tile if len(starts) == 1 else tile - header) < length - 0.5:
        starts.append(starts[-1] + (tile if len(starts) == 1 else tile - header))
    return starts


def render_to_file(
    project: Project, path: Path, *, fit: QSize | None = None, slides: bool = False
) -> None:
    """Write the map to ``path`` (.png, .svg or .pdf) via a temporary file and a rename, so
    a failure leaves no half image behind. With ``fit`` a PNG is the overview presentation
    mode shows on a screen that large; with ``slides`` a PDF holds the overview and one page
    per stage (16:9). Without either, the whole map in full detail.

    An OSError names ``path``, never the hidden temporary file the user did not choose; a
    destination that is a CX Mapper project is refused (ProjectFileError) before any drawing.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        raise ValueError(f"“{path.name}”: choose a .png, .svg or .pdf file name.")
    if fit is not None and suffix != ".png":
        raise ValueError(f"“{path.name}”: a picture fitted to a screen is a .png file.")
    if slides and suffix != ".pdf":
        raise ValueError(f"“{path.name}”: slides are a .pdf file.")
    refuse_project_destination(path, "the image")  # publish checks again, at the rename
    try:
        tmp = temp_beside(path, "map", suffix)
    except OSError as exc:
        raise _about(exc, path) from exc
    try:
        if suffix == ".png" and fit is None:
            _render_png(project, tmp)
        elif suffix == ".png":
            # PySide6's stubs type the format as bytes; at run time it takes a str.
            if not shot_image(project, fit).save(tmp, "PNG"):  # type: ignore[call-overload, arg-type]
                raise OSError(errno.EIO, "the image could not be written", str(path))
        elif suffix == ".svg":
            _render_svg(project, tmp)
        elif slides:
            write_slides(project, tmp)
        else:
            _render_pdf(project, tmp)
        publish(tmp, path)
    except OSError as exc:
        if tmp in (exc.filename, exc.filename2):
            raise _about(exc, path) from exc
        raise
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _about(exc: OSError, path: Path) -> OSError:
    """The same error, about ``path``: OSError(errno, strerror, filename) builds the matching
    subclass (PermissionError, FileNotFoundError...)."""
    return OSError(exc.errno, exc.strerror or str(exc), str(path))
