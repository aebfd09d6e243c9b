"""What part of the map is shown, and how large: zoom, Fit to Window, and the stage walk.

A **shot** is a part of the scene framed for a screen of a given size: the overview (the whole
journey) or one stage (its column with the lane names). The presenting view and the image
renderer frame a shot with the same arithmetic (:func:`frame`) and paint what lies over the map
with the same function (:func:`paint_overlay`), so a rendered slide is the picture the projector
shows.

Presentation mode walks the journey as slide tools do: the overview, then one stage at a time
(Right, Page Down, Space forward; Left, Page Up back; Home and End the ends). Zooming or Fit
while presenting stay where they are put: only a shot is framed again when the screen changes
size, never a zoom the presenter chose.

While presenting, the overview uses the screen's height as well as its width: a journey is
several times wider than high, so framed uniformly it would leave most of a 16:9 screen blank
and its titles tiny. The overview stretches the map vertically (up to :data:`MAX_STRETCH`
times) to fill the height; the cards, lane and stage names draw their text upright in the
taller room (:func:`cxmapper.ui.canvas.detail.upright`). The editor's Fit to Window and the
stage shots stay uniform: a stage already fills the screen at the room's title size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QResizeEvent
from PySide6.QtWidgets import QFrame, QGraphicsView

from cxmapper.ui.canvas import headers
from cxmapper.ui.canvas.detail import PRESENTING_PX, TITLE_PX, simplified, stretched
from cxmapper.ui.canvas.items import StepCard
from cxmapper.ui.canvas.layout import LANE_HEADER_W, STAGE_HEADER_H, Lane
from cxmapper.ui.canvas.legend import paint_legend_strip, strip_height
from cxmapper.ui.canvas.scene import JourneyScene

MIN_ZOOM, MAX_ZOOM = 0.05, 4.0
OVERVIEW = -1  # the shot index of the whole journey; stages are 0, 1, …
# Room the presenting view may scroll into around the map, so any shot can be centred on the
# screen, whatever its size (the editor's view scrolls over the map alone).
PRESENTING_MARGIN = 50_000.0
BACKDROP = QColor("#ffffff")
# The most the overview stretches: beyond it cards turn into towers a title no longer needs
# (three times the demo's card height holds any title at the room's size).
MAX_STRETCH = 3.0
# The least scale of a stage's shot on a 1080-line screen (in proportion on others), unless
# its column alone is wider: its name's header is then 29 pixels high, the name about 24, as
# the room reads it.
LEAST_STAGE_SCALE = 0.8


def shot_count(scene: JourneyScene) -> int:
    """The overview and one shot per stage."""
    return 1 + len(scene.layout.columns)


def shot_source(scene: JourneyScene, index: int) -> QRectF:
    """The part of the scene shot ``index`` must show: the whole map, or a stage's column
    with the lane names at its left (pinned there, as the view pins them while scrolling),
    from the first to the last lane that has steps in that stage, and the stage's name above
    them. What a screen shows around it is :func:`shot_window`'s."""
    layout = scene.layout
    if index == OVERVIEW or not layout.columns:
        return QRectF(0, 0, max(layout.width, 1.0), max(layout.height, 1.0))
    column = layout.columns[min(index, len(layout.columns) - 1)]
    used = _used_lanes(scene, column.stage_id)
    top = min(lane.top for lane in used) - STAGE_HEADER_H
    bottom = max(lane.bottom for lane in used)
    return QRectF(
        column.left - LANE_HEADER_W, top, LANE_HEADER_W + column.right - column.left, bottom - top
    )


def _used_lanes(scene: JourneyScene, stage_id: int) -> list[Lane]:
    """The lanes with steps in the stage (every lane, for a stage without steps)."""
    layout = scene.layout
    used = {s.work_group_id for s in scene.project.steps() if s.stage_id == stage_id}
    lanes = [layout.lanes[g] for g in layout.lane_order if g in used]
    return lanes or [layout.lanes[g] for g in layout.lane_order] or [Lane(0, STAGE_HEADER_H, 1.0)]


def shot_window(
    scene: JourneyScene, index: int, size: QSizeF, legend: bool
) -> tuple[QRectF, QRectF]:
    """The part of the scene a screen ``size`` large frames for shot ``index``, and the part
    of that drawn (the rest is blank).

    The overview is the whole map. A stage's window has the screen's shape: as large as its
    column and its lanes allow, its name pinned at the top of the screen, and the height its
    lanes leave filled with the lanes around them (whole where they fit; a lane cut at the
    bottom or top shows its name in the part in view). Beside the column the screen is blank:
    a slide shows one stage's steps."""
    source = shot_source(scene, index)
    if index == OVERVIEW or not scene.layout.columns:
        return source, source
    layout = scene.layout
    lanes = [layout.lanes[g] for g in layout.lane_order]
    height = map_height(size, legend)
    # A stage with more lanes than fit at the room's size shows its first ones, readable
    # (the rest scroll into view), rather than all of them too small to read.
    least_scale = LEAST_STAGE_SCALE * size.height() / 1080
    scale = min(size.width() / source.width(), max(height / source.height(), least_scale))
    scale = min(MAX_ZOOM, max(MIN_ZOOM, scale))
    wide, high = size.width() / scale, height / scale
    first, last = source.top() + STAGE_HEADER_H, source.bottom()
    room = high - STAGE_HEADER_H  # for lanes, below the pinned stage name
    if not lanes or room >= layout.height - STAGE_HEADER_H - 0.5:
        # Every lane fits: the map centred, its stage names just above the lanes.
        top = (layout.height - high) / 2
        shown_top, shown_bottom = 0.0, layout.height
    else:
        start = _lanes_start(lanes, first, last, room, layout.height)
        least = scene.name_room()
        cut = next((lane for lane in lanes if lane.top < start < lane.bottom), None)
        if cut is not None and cut.bottom - start < least and cut.bottom <= first:
            start = cut.bottom  # rather than a sliver without its name under the stage's
        top = start - STAGE_HEADER_H
        shown_top, shown_bottom = top, start + room
        cut = next((lane for lane in lanes if lane.top < shown_bottom < lane.bottom), None)
        if cut is not None and shown_bottom - cut.top < least:
            shown_bottom = cut.top  # a sliver too thin for its lane's name is left blank
        shown_bottom = min(shown_bottom, layout.height)
    window = QRectF(source.center().x() - wide / 2, top, wide, high)
    shown = QRectF(source.left(), shown_top, source.width(), shown_bottom - shown_top)
    return window, shown


def _lanes_start(lanes: list[Lane], first: float, last: float, room: float, end: float) -> float:
    """Where the lanes in view begin, for lanes ``first`` to ``last`` (scene y) in ``room``:
    at a lane's top, the one that best centres them, or the bottom of the map at the bottom
    of the screen; never a cut lane too thin for its name at the top."""
    ideal = first - (room - (last - first)) / 2
    tops = [lane.top for lane in lanes if lane.top <= first + 0.5 and lane.top + room >= last - 0.5]
    start = min(tops, key=lambda y: abs(y - ideal)) if tops else first
    # No blank below the map while lanes above are left out: its last lane at the bottom.
    return max(STAGE_HEADER_H, min(start, end - room))


def shot_stretch(index: int) -> float:
    """How far shot ``index`` may stretch the map vertically while presenting."""
    return MAX_STRETCH if index == OVERVIEW else 1.0


@dataclass(frozen=True)
class Frame:
    """A shot on a screen: its horizontal scale, its stretch (the vertical scale is
    ``scale * stretch``), and the device offset of the scene's origin (whole pixels, as a
    scrolled view has them)."""

    scale: float
    dx: int
    dy: int
    stretch: float = 1.0

    @property
    def vertical(self) -> float:
        return self.scale * self.stretch

    def visible(self, size: QSizeF) -> QRectF:
        """The part of the scene the screen shows."""
        return QRectF(
            -self.dx / self.scale,
            -self.dy / self.vertical,
            size.width() / self.scale,
            size.height() / self.vertical,
        )


def map_height(size: QSizeF, legend: bool) -> float:
    """The height of a screen the map may take: the legend strip keeps the bottom edge."""
    return max(size.height() - (strip_height(size.width()) if legend else 0.0), 1.0)


def frame(source: QRectF, size: QSizeF, legend: bool, most_stretch: float = 1.0) -> Frame:
    """``source`` as large as the screen allows, centred in the part above the legend; a
    source wider than the screen's shape stretched vertically (up to ``most_stretch`` times)
    to take the height its uniform fit leaves blank."""
    height = map_height(size, legend)
    scale = min(size.width() / source.width(), height / source.height())
    scale = min(MAX_ZOOM, max(MIN_ZOOM, scale))
    fill = height / (source.height() * scale)
    # Never squashed (a tall source keeps its shape): stretched only up to what fills, and
    # only where it helps: while the cards show their titles alone, below the room's size.
    stretch = min(max(most_stretch, 1.0), max(fill, 1.0))
    if not simplified(scale, PRESENTING_PX, TITLE_PX) or not stretched(stretch):
        stretch = 1.0  # (nor by a rounding's worth: a frame that fits is not stretched)
    dx = round(size.width() / 2 - source.center().x() * scale)
    dy = round(height / 2 - source.center().y() * scale * stretch)
    return Frame(scale, dx, dy, stretch)


@dataclass
class Painted:
    """Where the overlay drew the stage names (with the text drawn) and the lane names (scene
    coordinates), by id."""

    stages: list[tuple[int, QRectF, str]] = field(default_factory=list)
    lanes: list[tuple[int, QRectF]] = field(default_factory=list)


def paint_overlay(
    painter: QPainter,
    scene: JourneyScene,
    visible: QRectF,
    device: QSizeF,
    *,
    legend: bool,
    shot: QRectF | None = None,
) -> Painted:
    """What lies over the map: everything outside ``shot`` blanked (a slide shows its stage
    alone), the lane names pinned at the left edge of the shot or of the view, the stage names
    along the top, and the legend strip along the bottom. ``painter`` maps the scene; the
    legend is drawn in device pixels. Returns where the names were drawn."""
    painted = Painted()
    left = visible.left() if shot is None else shot.left()
    if shot is not None:
        painter.save()
        outside = QRectF(visible).adjusted(-2, -2, 2, 2)
        for part in _around(outside, shot):
            painter.fillRect(part, BACKDROP)
        painter.restore()
    groups = {g.id: g for g in scene.project.work_groups()}
    top = max(visible.top(), 0.0)
    # Lane names go below the pinned stage names and above the legend strip (in scene units).
    strip = strip_height(device.width()) if legend else 0.0
    vertical = painter.worldTransform().m22() or 1.0
    names = QRectF(visible)
    names.setTop(top + STAGE_HEADER_H)
    names.setBottom(visible.bottom() - strip / vertical)
    if shot is not None:
        names = names.intersected(shot)
    # Always drawn over the map's own, so a name is pinned where the view cuts its lane.
    painter.save()
    if shot is not None:
        painter.setClipRect(shot)
    painted.lanes = headers.paint_lane_headers(
        scene, painter, max(left, 0.0), visible if shot is None else shot, groups, names
    )
    painter.restore()
    if shot is None:
        painted.stages = headers.paint_stage_headers(scene, painter, top, visible, visible)
    else:  # the shot's own stage alone
        # Centred on its column (the shot holds the lane names at its left, as a view does).
        column = shot.adjusted(LANE_HEADER_W, 0, 0, 0)
        painted.stages = headers.paint_stage_headers(
            scene, painter, top, column.intersected(visible), shot
        )
    if left > 1 or visible.top() > 1 or shot is not None:
        corner = QRectF(max(left, 0.0), top, LANE_HEADER_W, STAGE_HEADER_H)
        painter.fillRect(corner, BACKDROP)
    if legend:
        # The strip takes the whole width, in device pixels.
        painter.save()
        painter.resetTransform()
        paint_legend_strip(painter, QRectF(0.0, device.height() - strip, device.width(), strip))
        painter.restore()
    return painted


def _around(outer: QRectF, hole: QRectF) -> list[QRectF]:
    """The parts of ``outer`` outside ``hole``: above, below, left and right of it."""
    parts = [
        QRectF(outer.left(), outer.top(), outer.width(), hole.top() - outer.top()),
        QRectF(outer.left(), hole.bottom(), outer.width(), outer.bottom() - hole.bottom()),
        QRectF(outer.left(), hole.top(), hole.left() - outer.left(), hole.height()),
        QRectF(hole.right(), hole.top(), outer.right() - hole.right(), hole.height()),
    ]
    return [p for p in parts if p.width() > 0 and p.height() > 0]


class ZoomView(QGraphicsView):
    """A view of the journey scene that zooms, fits, and walks shots while presenting."""

    zoomChanged = Signal(float)
    leavePresentation = Signal()  # Esc with nothing selected, in presentation mode

    journey_scene: JourneyScene

    def init_viewport(self) -> None:
        self.presentation = False
        self.legend_visible = True
        self.shot: int | None = None  # the shot framed, None once zoomed by hand
        self.painted = Painted()  # where the overlay last drew the stage and lane names
        self._frame_shape = self.frameShape()

    # --- zoom ----------------------------------------------------------------------------------

    def zoom_factor(self) -> float:
        return self.transform().m11()

    def _zoom_by(self, factor: float) -> None:
        new = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom_factor() * factor))
        transform = self.transform()
        if self.presentation:  # the presenter zooms the picture on the screen as it is
            self.scale(new / transform.m11(), new / transform.m11())
        else:  # in the editor, a zoom by hand gives the map back its shape
            self.scale(new / transform.m11(), new / transform.m22())
        self.shot = None  # the presenter's zoom stays, whatever resizes the screen
        self.zoomChanged.emit(self.zoom_factor())

    def zoom_in(self) -> None:
        self._zoom_by(1.25)

    def zoom_out(self) -> None:
        self._zoom_by(1 / 1.25)

    def actual_size(self) -> None:
        self.resetTransform()
        self.shot = None
        self.zoomChanged.emit(1.0)

    def fit_all(self) -> None:
        """Fit to Window: the whole journey, as large as the view holds it both ways (the
        cards then show their titles at a readable size rather than shrinking)."""
        self.show_shot(OVERVIEW)

    def fit_height(self) -> None:
        """The opening zoom: every lane visible, read from the left."""
        if self.presentation:
            self.show_shot(OVERVIEW)
            return
        rect = self.journey_scene.sceneRect()
        available = max(map_height(QSizeF(self.viewport().size()), self.legend_visible) - 8, 100)
        factor = min(1.0, max(0.3, available / max(rect.height(), 1)))
        self.resetTransform()
        self.scale(factor, factor)
        self.shot = None
        self.horizontalScrollBar().setValue(0)
        self.verticalScrollBar().setValue(0)
        self._keep_selection_in_view()
        self.zoomChanged.emit(factor)

    def _keep_selection_in_view(self) -> None:
        selected = [i for i in self.journey_scene.selectedItems() if isinstance(i, StepCard)]
        if not selected:
            return
        card = min(selected, key=lambda c: c.step_id)
        shown = self.mapToScene(self.viewport().rect()).boundingRect()
        if not shown.contains(card.sceneBoundingRect()):  # what the room is talking about
            self.ensureVisible(card, 80, 80)
            self.shot = None

    # --- shots ---------------------------------------------------------------------------------

    def show_shot(self, index: int) -> None:
        """Frame shot ``index`` (OVERVIEW or a stage): centred while presenting, from the
        map's top-left corner in the editor (which scrolls over the map alone)."""
        index = max(OVERVIEW, min(index, shot_count(self.journey_scene) - 2))
        size = QSizeF(self.viewport().size())
        source, _shown = shot_window(self.journey_scene, index, size, self.legend_visible)
        # The editor's Fit to Window stretches as presentation does: the whole journey fills
        # the view both ways (a zoom by hand gives the map its shape back).
        placed = frame(source, size, self.legend_visible, shot_stretch(index))
        self.resetTransform()
        self.scale(placed.scale, placed.vertical)
        if self.presentation:
            self._scroll_to(placed)
        else:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().minimum())
            self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())
        self.shot = index
        self.viewport().update()
        self.zoomChanged.emit(placed.scale)

    def shown_frame(self) -> Frame:
        """The frame the view shows now (scale, stretch and whole-pixel offset)."""
        transform = self.viewportTransform()
        stretch = transform.m22() / transform.m11()
        return Frame(transform.m11(), round(transform.dx()), round(transform.dy()), stretch)

    def _scroll_to(self, placed: Frame) -> None:
        for _ in range(2):  # a scroll bar's value is whole pixels: the second pass is exact
            now = self.viewportTransform()
            bar_x, bar_y = self.horizontalScrollBar(), self.verticalScrollBar()
            bar_x.setValue(bar_x.value() + round(now.dx() - placed.dx))
            bar_y.setValue(bar_y.value() + round(now.dy() - placed.dy))

    def next_shot(self, step: int) -> None:
        """The next (``step`` 1) or previous (-1) shot of the stage walk; from a zoom chosen
        by hand, the walk goes on from the overview."""
        current = OVERVIEW if self.shot is None else self.shot
        self.show_shot(current + step)

    def walk_key(self, event: QKeyEvent) -> bool:
        """While presenting: the keys of slide tools, and zoom (the menus are hidden)."""
        if not self.presentation:
            return False
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        forward = (Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space)
        back = (Qt.Key.Key_Left, Qt.Key.Key_PageUp)
        if key in forward and not ctrl:
            self.next_shot(1)
        elif key in back and not ctrl:
            self.next_shot(-1)
        elif key == Qt.Key.Key_Home:
            self.show_shot(OVERVIEW)
        elif key == Qt.Key.Key_End:
            self.show_shot(shot_count(self.journey_scene) - 2)
        elif key == Qt.Key.Key_0 and ctrl:
            self.fit_all()
        elif key == Qt.Key.Key_1 and ctrl:
            self.actual_size()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        else:
            return False
        return True

    # --- presentation --------------------------------------------------------------------------

    def set_presentation_mode(self, on: bool) -> None:
        """For the projector: the overview first, larger titles, no connect handles, no scroll
        bars (the map still scrolls by keys, wheel and drag)."""
        self.presentation = on
        self.journey_scene.set_presenting(on)
        # No scroll bars on the projector: a bar coming and going would resize the view.
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff if on else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        self.setHorizontalScrollBarPolicy(policy)
        self.setVerticalScrollBarPolicy(policy)
        # No frame either: the map's picture is the whole screen, as `render --fit` draws it.
        self.setFrameShape(QFrame.Shape.NoFrame if on else self._frame_shape)
        if on:
            rect = self.journey_scene.sceneRect()
            m = PRESENTING_MARGIN
            self.setSceneRect(rect.adjusted(-m, -m, m, m))
            self.show_shot(OVERVIEW)
            self._keep_selection_in_view()
        else:
            self.setSceneRect(QRectF())  # the scene's own again
            self.fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.shot is not None and (self.presentation or self.shot == OVERVIEW):
            # Going full screen resizes the view after the mode is set, and a panel shown in
            # the editor shrinks it after Fit to Window: frame the shot again, so no lane ends
            # under the legend. A zoom chosen by hand is left alone (it used to snap back).
            self.show_shot(self.shot)

    # --- what lies over the map ----------------------------------------------------------------

    def clear_of_names(self) -> QRect:
        """The part of the viewport (its pixels) that the pinned lane and stage names and the
        legend strip leave to the map: where a badge may sit without hiding them."""
        size = QSizeF(self.viewport().size())
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        left = max(visible.left(), 0.0)
        if self.presentation and self.shot is not None:
            left = shot_window(self.journey_scene, self.shot, size, self.legend_visible)[1].left()
        corner = QPointF(left + LANE_HEADER_W, max(visible.top(), 0.0) + STAGE_HEADER_H)
        at = self.mapFromScene(corner)
        strip = strip_height(size.width()) if self.legend_visible else 0.0
        right, bottom = self.viewport().width(), round(size.height() - strip)
        return QRect(QPoint(max(at.x(), 0), max(at.y(), 0)), QPoint(right - 1, bottom - 1))

    def paint_overlay_on(self, painter: QPainter) -> None:
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        shot = None
        size = QSizeF(self.viewport().size())
        if self.presentation and self.shot is not None:
            _window, shot = shot_window(self.journey_scene, self.shot, size, self.legend_visible)
            # Exactly the frame's view of the scene, as the renderer computes it.
            visible = self.shown_frame().visible(size)
        self.painted = paint_overlay(
            painter,
            self.journey_scene,
            visible,
            size,
            legend=self.legend_visible,
            shot=shot,
        )
