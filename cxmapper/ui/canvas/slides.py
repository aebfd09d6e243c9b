"""Pictures of shots: the overview and the stages as presentation mode shows them.

A picture for a screen of a given size is drawn by the scene's own painting under the frame
the presenting view uses (:mod:`cxmapper.ui.canvas.viewport`), so ``render --fit 1920x1080``
is what the projector shows. Slides are a 16:9 PDF: the overview, then one page per stage.
"""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from cxmapper.model.project import Project
from cxmapper.ui.canvas.layout import LANE_HEADER_W
from cxmapper.ui.canvas.scene import JourneyScene
from cxmapper.ui.canvas.viewport import (
    OVERVIEW,
    frame,
    paint_overlay,
    shot_count,
    shot_stretch,
    shot_window,
)

SLIDE = QSize(1920, 1080)  # a slide is drawn as for a full-HD projector
SLIDE_DPI = 96  # fonts sized in points resolve as on screen, so slides match the projector


def presenting_scene(project: Project) -> JourneyScene:
    """A still scene of ``project`` drawn as presentation mode draws it."""
    scene = JourneyScene.picture(project)
    scene.set_presenting(True)
    return scene


def paint_shot(
    painter: QPainter, scene: JourneyScene, index: int, size: QSizeF, legend: bool = True
) -> None:
    """Shot ``index`` on a screen ``size`` large, as the presenting view frames and paints
    it: the same frame, the scene's own painting, the same overlay."""
    source, shown = shot_window(scene, index, size, legend)
    placed = frame(source, size, legend, shot_stretch(index))
    visible = placed.visible(size)
    painter.save()
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(QRectF(0, 0, size.width(), size.height()), QColor("#ffffff"))
    painter.translate(placed.dx, placed.dy)
    painter.scale(placed.scale, placed.vertical)
    # A stage's slide holds its column alone (its lane names are the overlay's): nothing of
    # the stages beside it is drawn, not even under the blank around it, so the PDF's text is
    # the slide's.
    drawn = visible if index == OVERVIEW else shown.adjusted(LANE_HEADER_W, 0, 0, 0)
    painter.save()
    painter.setClipRect(drawn)
    scene.render(painter, drawn, drawn)
    painter.restore()
    paint_overlay(painter, scene, visible, size, legend=legend, shot=shown)
    painter.restore()


def shot_image(
    project: Project, size: QSize, index: int = OVERVIEW, pixel_ratio: float = 1.0
) -> QImage:
    """Shot ``index`` of ``project`` (the overview unless told) for a screen ``size`` large;
    ``pixel_ratio`` above 1 draws the same picture sharper (for print)."""
    scene = presenting_scene(project)
    try:
        return _image(scene, size, index, pixel_ratio)
    finally:
        scene.clear()


def _image(scene: JourneyScene, size: QSize, index: int, pixel_ratio: float) -> QImage:
    image = QImage(
        QSize(round(size.width() * pixel_ratio), round(size.height() * pixel_ratio)),
        QImage.Format.Format_RGB32,
    )
    image.setDevicePixelRatio(pixel_ratio)
    painter = QPainter(image)
    paint_shot(painter, scene, index, QSizeF(size))
    painter.end()
    return image


def write_slides(project: Project, path: str) -> int:
    """The overview, then one page per stage, as a 16:9 PDF at ``path``. Returns the pages."""
    scene = presenting_scene(project)
    try:
        for card in scene.cards.values():
            card.setCacheMode(card.CacheMode.NoCache)  # real text in the PDF, not pictures
        writer = QPdfWriter(path)
        writer.setTitle(f"{project.settings.name} — journey")
        writer.setCreator("CX Mapper")
        writer.setResolution(SLIDE_DPI)
        inches = QSizeF(SLIDE.width() / SLIDE_DPI, SLIDE.height() / SLIDE_DPI)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(inches, QPageSize.Unit.Inch, "Slide 16:9"),
                QPageLayout.Orientation.Portrait,  # the size is already wider than high
                QMarginsF(0, 0, 0, 0),
            )
        )
        painter = QPainter(writer)
        pages = shot_count(scene)
        size = QSizeF(writer.width(), writer.height())
        for page in range(pages):
            if page:
                writer.newPage()
            paint_shot(painter, scene, OVERVIEW + page, size)
        painter.end()
        return pages
    finally:
        scene.clear()
