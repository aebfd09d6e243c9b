"""The overview and the stage walk: Fit to Window, the level of detail below 100 %, the keys of
presentation mode, and the selected flow's halo."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from statistics import median

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPainterPathStroker
from PySide6.QtWidgets import QApplication, QStyleOptionGraphicsItem

from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.ui.canvas.detail import LEAST_PX, PRESENTING_PX, READABLE_PX
from cxmapper.ui.canvas.items import CARD_H, CARD_W, PAIN_COLOUR, FlowArrow, StepCard
from cxmapper.ui.canvas.slides import shot_image
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.canvas.viewport import OVERVIEW, shot_source
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.window.main_window import MainWindow
from tests.ui.conftest import open_window


def titles_on_screen(view: JourneyView, cards: list[StepCard]) -> list[float]:
    """The pixel height each card's title is drawn at, on screen, at the view's zoom."""
    scale = view.zoom_factor()
    target = view.journey_scene.readable_px
    return [card.title_layout(scale, target)[0] * scale for card in cards]


def in_view(view: JourneyView, card: StepCard) -> bool:
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    return shown.contains(card.sceneBoundingRect().adjusted(4, 4, -4, -4))


def card_picture(card: StepCard, scale: float) -> QImage:
    image = QImage(
        QSize(int(CARD_W * scale) + 20, int(CARD_H * scale) + 20), QImage.Format.Format_RGB32
    )
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.translate(10, 10)
    painter.scale(scale, scale)
    card.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    return image


def count_near(image: QImage, colour: QColor, tolerance: int = 18) -> int:
    found = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - colour.red()) <= tolerance
                and abs(c.green() - colour.green()) <= tolerance
                and abs(c.blue() - colour.blue()) <= tolerance
            ):
                found += 1
    return found


@pytest.fixture
def demo_view(qtbot, tmp_path: Path) -> Iterator[JourneyView]:
    """A view of the demo, alone on screen, 1600 × 900."""
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    project = Project.open(path)
    view = JourneyView(DocumentContext(project))
    qtbot.addWidget(view)
    view.resize(1600, 900)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.close_view()
    project.close()


JOURNEY = (  # a compact journey: (lane, stage, title), one column after another per lane
    ("Customer", "Discover", "Researches analytics platforms"),
    ("Customer", "Discover", "Shortlists Northwind"),
    ("Sales", "Buy", "Proposal and pricing"),
    ("Customer", "Buy", "Signs contract"),
    ("Billing", "Buy", "Creates account and first invoice"),
    ("Customer", "Use", "Receives invoice"),
    ("Billing", "Use", "Invoice correction"),
    ("Customer", "Get help", "Reports a problem"),
    ("Support", "Get help", "Ticket triage"),
    ("Support", "Get help", "Escalates billing dispute"),
    ("Customer", "Renew", "Renews or churns"),
    ("Sales", "Renew", "Renewal proposal"),
)


@pytest.fixture
def compact_file(tmp_path: Path) -> Path:
    path = tmp_path / "compact.cxmap"
    p = Project.create(path)
    lanes = {
        name: p.add_work_group(name).id for name in ("Customer", "Sales", "Billing", "Support")
    }
    stages = {
        name: p.add_stage(name).id for name in ("Discover", "Buy", "Use", "Get help", "Renew")
    }
    column, last_stage, previous = -1, "", None
    for lane, stage, title in JOURNEY:
        column += 1 if stage != last_stage or lane == "Customer" else 0
        last_stage = stage
        step = p.add_step(lanes[lane], title, x=40 + column * 240, y=16, stage_id=stages[stage])
        if previous is not None:
            p.add_flow(previous, step.id)
        previous = step.id
    p.close()
    return path


# --- Fit to Window and the level of detail --------------------------------------------------


def test_fit_to_window_shows_the_whole_journey_with_readable_titles(
    qtbot, settings, compact_file: Path
) -> None:
    window = open_window(qtbot, settings, compact_file)
    view = window.view
    assert view is not None
    view.actual_size()
    window.window_actions.fit.trigger()  # View → Fit to Window (Ctrl+0)
    scene = view.journey_scene
    assert view.zoom_factor() < 1
    assert all(in_view(view, card) for card in scene.cards.values())  # the whole journey
    shown = view.mapFromScene(shot_source(scene, OVERVIEW)).boundingRect()
    room = view.viewport().rect()
    assert shown.width() >= room.width() - 2 or shown.height() >= room.height() - 40
    heights = titles_on_screen(view, list(scene.cards.values()))
    # Larger than the cards' own text would be at this zoom, never below legibility.
    assert min(heights) >= LEAST_PX
    assert median(heights) > 11.5 * 96 / 72 * view.zoom_factor() * 1.2
    window.close_project()


def test_below_100_percent_cards_show_their_title_and_dots(qtbot, demo_view: JourneyView) -> None:
    scene = demo_view.journey_scene
    card = next(c for c in scene.cards.values() if c.pain_count and c.evidence_count)
    step = demo_view.project.step(card.step_id)
    colour = scene.project.work_group(step.work_group_id).colour

    def pictures() -> tuple[QImage, QImage]:
        return card_picture(card, 1.0), card_picture(card, 0.5)

    full, overview = pictures()
    # Another channel and other badge counts: at 100 % the card shows them; at 50 % it shows
    # neither (the channel is left out, the badges are dots), only its title, larger.
    card.update_from(replace(step, channel="Carrier pigeon"), colour)
    card.set_badges(card.evidence_count + 40, card.pain_count + 1)
    other_full, other_overview = pictures()
    assert other_full != full
    assert other_overview == overview
    assert count_near(overview, PAIN_COLOUR) > 8  # the pain's dot
    assert card.dots() == 3
    card.set_badges(0, 0)
    assert card.dots() == 1 and count_near(pictures()[1], PAIN_COLOUR) == 0
    px, lines = card.title_layout(0.5, READABLE_PX)
    assert px * 0.5 >= LEAST_PX and " ".join(lines) == card.title  # every word, no ellipsis


def test_zooming_out_in_the_editor_keeps_titles_readable(qtbot, demo_view: JourneyView) -> None:
    demo_view.actual_size()
    demo_view.zoom_out()
    demo_view.zoom_out()  # 64 %
    cards = [c for c in demo_view.journey_scene.cards.values() if in_view(demo_view, c)]
    heights = titles_on_screen(demo_view, cards)
    assert cards and min(heights) >= LEAST_PX - 1 and max(heights) >= READABLE_PX - 1


# --- the stage walk -------------------------------------------------------------------------


def test_presentation_walks_the_stages_with_the_keys_of_slide_tools(
    qtbot, demo_window: MainWindow
) -> None:
    window, view = demo_window, demo_window.view
    assert view is not None
    stages = window.ctx.project.stages()
    window.window_actions.presentation.trigger()
    qtbot.waitUntil(lambda: view.shot == OVERVIEW and not window.menuBar().isVisible())
    view.setFocus()
    scene = view.journey_scene

    def showing(index: int) -> bool:
        if view.shot != index:
            return False
        column = scene.layout.columns[index]
        cards = [c for c in scene.cards.values() if column.left <= c.x() < column.right]
        return all(in_view(view, c) for c in cards)

    keys = [
        (Qt.Key.Key_Right, 0),
        (Qt.Key.Key_PageDown, 1),
        (Qt.Key.Key_Space, 2),
        (Qt.Key.Key_Left, 1),
        (Qt.Key.Key_PageUp, 0),
        (Qt.Key.Key_PageUp, OVERVIEW),
        (Qt.Key.Key_Left, OVERVIEW),  # the walk starts at the overview
        (Qt.Key.Key_End, len(stages) - 1),
        (Qt.Key.Key_Right, len(stages) - 1),  # and ends at the last stage
    ]
    for key, expected in keys:
        qtbot.keyClick(view, key)
        if expected == OVERVIEW:
            assert view.shot == OVERVIEW
            assert all(in_view(view, c) for c in scene.cards.values())
        else:
            assert showing(expected), (key, expected)
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # nothing selected: Esc leaves
    assert not window.presentation.active


def test_on_a_full_hd_screen_each_stage_has_titles_the_room_reads(
    qtbot, demo_view: JourneyView
) -> None:
    view = demo_view
    view.set_presentation_mode(True)
    view.setFixedSize(1920, 1080)
    qtbot.waitUntil(lambda: view.viewport().size() == QSize(1920, 1080))
    view.setFocus()
    scene = view.journey_scene
    for n, column in enumerate(scene.layout.columns):
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
        assert view.shot == n
        cards = [c for c in scene.cards.values() if column.left <= c.x() < column.right]
        assert cards and all(in_view(view, c) for c in cards)
        assert min(titles_on_screen(view, cards)) >= PRESENTING_PX - 0.5


def test_zoom_and_fit_while_presenting_stay_where_they_are_put(
    qtbot, demo_window: MainWindow
) -> None:
    window, view = demo_window, demo_window.view
    assert view is not None
    window.window_actions.presentation.trigger()
    qtbot.waitUntil(lambda: view.shot == OVERVIEW and not window.menuBar().isVisible())
    view.setFocus()
    overview = view.zoom_factor()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    zoomed = view.zoom_factor()
    assert zoomed > overview * 1.5 and view.shot is None
    # The screen changes size (a scroll bar, a resolution): the chosen zoom stays.
    view.setFixedSize(view.width() - 40, view.height() - 30)
    qtbot.wait(50)
    assert view.zoom_factor() == pytest.approx(zoomed)
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # Fit
    assert view.shot == OVERVIEW and view.zoom_factor() < zoomed
    assert all(in_view(view, c) for c in view.journey_scene.cards.values())
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.zoom_factor() < view.journey_scene.views()[0].transform().m11() * 1.01
    window.window_actions.presentation.trigger()
    assert not window.presentation.active and view.shot is None


def test_render_fit_is_what_presentation_mode_shows(qtbot, demo_view: JourneyView) -> None:
    """The presenting view on a 1920 × 1080 screen and `render --fit 1920x1080` of the same
    project draw the same picture."""
    view = demo_view
    view.set_presentation_mode(True)
    view.setFixedSize(1920, 1080)
    qtbot.waitUntil(lambda: view.viewport().size() == QSize(1920, 1080))
    view.show_shot(OVERVIEW)
    shown = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    drawn = shot_image(view.project, QSize(1920, 1080))
    assert (drawn.width(), drawn.height()) == (1920, 1080)
    assert (shown.width(), shown.height()) == (1920, 1080)
    assert different_share(shown, drawn) < 0.01


def different_share(a: QImage, b: QImage, tolerance: int = 60) -> float:
    """The share of pixels (sampled every other one) whose colours differ markedly."""
    differ = total = 0
    for y in range(0, a.height(), 2):
        for x in range(0, a.width(), 2):
            p, q = a.pixelColor(x, y), b.pixelColor(x, y)
            total += 1
            if (
                abs(p.red() - q.red()) + abs(p.green() - q.green()) + abs(p.blue() - q.blue())
                > tolerance
            ):
                differ += 1
    return differ / total


# --- the selected flow ----------------------------------------------------------------------


def inside_routes(view: JourneyView, arrows: list[FlowArrow]) -> list[QPoint]:
    """Viewport points inside the outline of the arrows' routes (where a brush left in the
    painter filled them) and away from every route and card edge (which selection changes)."""
    scene = view.journey_scene
    stroker = QPainterPathStroker()
    stroker.setWidth(40)
    near = QPainterPath()
    for arrow in scene.arrows.values():
        near = near.united(arrow.mapToScene(stroker.createStroke(arrow.path())))
    edges = [c.sceneBoundingRect().adjusted(-8, -8, 8, 8) for c in scene.cards.values()]
    # A selected card changes all over (its halo, its connect handle): no point on one.
    chosen = [r for c, r in zip(scene.cards.values(), edges, strict=True) if c.isSelected()]
    room = view.viewport().rect().adjusted(0, 0, 0, -40)  # not the legend strip
    points = []
    for arrow in arrows:
        outline = arrow.mapToScene(arrow.path())
        box = outline.boundingRect()
        for i in range(1, 20):
            for j in range(1, 20):
                at = QPointF(box.left() + box.width() * i / 20, box.top() + box.height() * j / 20)
                pixel = view.mapFromScene(at)
                inner = [r.adjusted(16, 16, -16, -16) for r in edges if r.contains(at)]
                if (
                    outline.contains(at)
                    and not near.contains(at)
                    and all(r.contains(at) for r in inner)  # on no card, or well inside one
                    and not any(r.contains(at) for r in chosen)
                    and room.contains(pixel)
                ):
                    points.append(pixel)
    return points


def test_a_selected_flow_does_not_paint_over_the_map(qtbot, demo_view: JourneyView) -> None:
    """Clicking a loop selects it; its halo follows its route and fills nothing."""
    view = demo_view
    view.actual_size()
    scene = view.journey_scene
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    loops = [
        scene.arrows[i]
        for i in sorted(scene.loops)
        if shown.contains(scene.arrows[i].sceneBoundingRect())
    ]
    arrow = max(loops, key=lambda a: a.path().boundingRect().height())
    before = view.viewport().grab().toImage()
    point = view.mapFromScene(arrow.mapToScene(arrow.path().pointAtPercent(0.5)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)  # on the route
    assert view.ctx.selected_flow_ids() == (arrow.flow_id,)
    qtbot.wait(20)
    after = view.viewport().grab().toImage()
    points = inside_routes(view, [arrow])
    assert len(points) > 10
    assert [after.pixelColor(p) for p in points] == [before.pixelColor(p) for p in points]


def test_a_rubber_band_over_steps_and_their_flows_fills_nothing(
    qtbot, demo_view: JourneyView
) -> None:
    view = demo_view
    view.actual_size()
    scene = view.journey_scene
    before = view.viewport().grab().toImage()
    room = view.viewport().rect()
    # From an empty spot near the top-left corner (below the pinned headers).
    start = next(
        QPoint(x, y)
        for y in range(80, 300, 10)
        for x in range(220, 600, 10)
        if not view.items(QPoint(x, y))
    )
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    end = room.bottomRight() - QPoint(30, 60)
    for n in range(1, 6):  # moves with the button held (QTest's moves carry no buttons)
        at = QPointF(start + (end - start) * n / 5)
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            at,
            view.viewport().mapToGlobal(at),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(view.viewport(), move)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    selected = [scene.arrows[i] for i in view.ctx.selected_flow_ids()]
    assert selected and view.ctx.selected_step_ids()
    qtbot.wait(20)
    after = view.viewport().grab().toImage()
    points = inside_routes(view, selected)
    assert len(points) > 10
    assert [after.pixelColor(p) for p in points] == [before.pixelColor(p) for p in points]


def test_below_100_percent_the_selected_card_keeps_its_connect_handle(
    qtbot, demo_view: JourneyView
) -> None:
    scene = demo_view.journey_scene
    card = next(iter(scene.cards.values()))
    card.setSelected(True)
    handle = card.handle_centre() * 0.64 + QPointF(10, 10)  # where card_picture draws it
    picture = card_picture(card, 0.64)
    ring = [picture.pixelColor(int(handle.x() + dx), int(handle.y())) for dx in (-4, 4)]
    assert any(c.blue() > 200 and c.red() < 120 for c in ring)  # the handle's blue ring
    demo_view.set_presentation_mode(True)  # on the projector: no handles
    picture = card_picture(card, 0.64)
    ring = [picture.pixelColor(int(handle.x() + dx), int(handle.y())) for dx in (-4, 4)]
    assert not any(c.blue() > 200 and c.red() < 120 for c in ring)
