"""Presentation's overview stretched to the screen's height: the map fills a 16:9 screen, the
cards' titles grow with the room they get, and no text or arrowhead is squashed or stretched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from statistics import median

import pytest
from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPolygonF, QTransform

from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.ui.canvas.detail import PRESENTING_PX, pixel_font, units
from cxmapper.ui.canvas.items import CARD_H, StepCard, title_box
from cxmapper.ui.canvas.legend import STRIP_H
from cxmapper.ui.canvas.slides import paint_shot, presenting_scene
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.canvas.viewport import MAX_STRETCH, OVERVIEW, frame, shot_source
from cxmapper.ui.document.context import DocumentContext

SCREEN = QSize(1920, 1080)


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    return path


@pytest.fixture
def presenting(qtbot, demo_file: Path) -> Iterator[JourneyView]:
    """The demo presented on a full-HD screen, showing the overview."""
    project = Project.open(demo_file)
    view = JourneyView(DocumentContext(project))
    qtbot.addWidget(view)
    view.set_presentation_mode(True)
    view.setFixedSize(SCREEN)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.viewport().size() == SCREEN)
    view.setFocus()
    assert view.shot == OVERVIEW
    yield view
    view.close_view()
    project.close()


def stretch_of_view(view: JourneyView) -> float:
    transform = view.transform()
    return transform.m22() / transform.m11()


def test_the_overview_fills_the_screen_and_only_it_stretches(
    qtbot, presenting: JourneyView
) -> None:
    view = presenting
    scene = view.journey_scene
    assert 1.5 < stretch_of_view(view) <= MAX_STRETCH  # the demo is about 4:1, the screen 16:9
    shown = view.mapFromScene(shot_source(scene, OVERVIEW)).boundingRect()
    assert shown.width() >= SCREEN.width() - 2  # as wide as the screen …
    assert shown.height() >= SCREEN.height() - STRIP_H - 2  # … and as high, above the legend
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert all(visible.contains(card.sceneBoundingRect()) for card in scene.cards.values())
    qtbot.keyClick(view, Qt.Key.Key_PageDown)  # a stage: it fills the screen as it is
    assert view.shot == 0 and stretch_of_view(view) == pytest.approx(1.0)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.shot == OVERVIEW and stretch_of_view(view) > 1.5
    view.set_presentation_mode(False)  # the editor's Fit to Window fills the view too …
    view.fit_all()
    assert view.shot == OVERVIEW and stretch_of_view(view) > 1.5
    shown = view.mapFromScene(shot_source(scene, OVERVIEW)).boundingRect()
    assert shown.height() >= view.viewport().height() - STRIP_H - 2
    view.zoom_in()  # … and a zoom by hand gives the map back its shape
    assert stretch_of_view(view) == pytest.approx(1.0)
    view.fit_all()
    view.zoom_out()
    assert stretch_of_view(view) == pytest.approx(1.0)


def test_a_map_already_read_at_the_room_s_size_is_not_stretched() -> None:
    """Stretching only helps while the titles are below the room's size: a short journey
    framed large keeps its shape (its cards would only turn into towers)."""
    wide = QRectF(0, 0, 1200, 150)  # fits 1920 px wide at 1.6: the full cards read already
    placed = frame(wide, QSizeF(SCREEN), True, MAX_STRETCH)
    assert placed.stretch == 1.0
    journey = QRectF(0, 0, 5000, 1200)
    placed = frame(journey, QSizeF(SCREEN), True, MAX_STRETCH)
    assert placed.stretch > 1.5
    assert journey.height() * placed.vertical == pytest.approx(SCREEN.height() - STRIP_H, abs=1)
    tall = QRectF(0, 0, 1000, 2000)  # never squashed
    assert frame(tall, QSizeF(SCREEN), True, MAX_STRETCH).stretch == 1.0


def longest_word_px(card: StepCard, width_px: float, scale: float) -> float:
    """The largest on-screen size (up to the room's) at which the card's longest word fits
    its title's width: no wrapping on word boundaries can draw the title larger."""
    for px in range(units(PRESENTING_PX, scale), 0, -1):
        metrics = QFontMetricsF(pixel_font(px, bold=False))
        if all(metrics.horizontalAdvance(w) <= width_px / scale for w in card.title.split()):
            return px * scale
    return 0.0


def test_every_title_of_the_stretched_overview_is_as_large_as_its_card_allows(
    presenting: JourneyView,
) -> None:
    view = presenting
    scale, stretch = view.zoom_factor(), stretch_of_view(view)
    box = title_box(scale, stretch)
    sizes, before = [], []
    for card in view.journey_scene.cards.values():
        px, lines = card.title_layout(scale, PRESENTING_PX, stretch)
        assert " ".join(lines) == card.title  # every word, wrapped on word boundaries
        on_screen = px * scale
        # 14 px reads on a projector from the room; where the card's longest word is too
        # wide for that ("questionnaire" on a 77 px card), as large as the word allows.
        least = min(14.0, longest_word_px(card, box.width() * scale, scale))
        assert on_screen >= least - 1.0, card.title
        assert on_screen >= 11.0, card.title
        sizes.append(on_screen)
        before.append(card.title_layout(scale, PRESENTING_PX)[0] * scale)
    # Against the same cards framed uniformly: the small titles grew most.
    assert median(sizes) >= 16.0 and median(sizes) > median(before)
    assert min(sizes) > min(before)
    assert sum(px < 14 for px in sizes) * 4 < sum(px < 14 for px in before)


class RecordingPainter(QPainter):
    """A painter that notes what each piece of text and each arrowhead is drawn under."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[tuple[str, QTransform]] = []
        self.heads: list[QPolygonF] = []

    def drawText(self, *args: object) -> None:  # type: ignore[override]
        self.texts.append((str(args[-1]), QTransform(self.worldTransform())))
        super().drawText(*args)  # type: ignore[call-overload]

    def drawPolygon(self, *args: object) -> None:  # type: ignore[override]
        polygon = args[0]
        if isinstance(polygon, QPolygonF) and polygon.size() == 3:
            self.heads.append(self.worldTransform().map(polygon))
        super().drawPolygon(*args)  # type: ignore[call-overload]


def test_no_text_or_arrowhead_of_the_stretched_overview_is_distorted(
    qtbot, demo_file: Path
) -> None:
    with Project.open_for_reading(demo_file) as project:
        scene = presenting_scene(project)
        image = QImage(SCREEN, QImage.Format.Format_RGB32)
        image.fill(QColor("#ffffff"))
        painter = RecordingPainter(image)
        placed = frame(shot_source(scene, OVERVIEW), QSizeF(SCREEN), True, MAX_STRETCH)
        assert placed.stretch > 1.5
        paint_shot(painter, scene, OVERVIEW, QSizeF(SCREEN))  # as `render --fit` draws it
        painter.end()
        titles = {card.title for card in scene.cards.values()}
        groups = {g.name for g in project.work_groups()}
        stages = {s.name.upper() for s in project.stages()}
        heads = len(scene.arrows)
        # The arrowhead's shape in map units, as every arrow has it at 100 %.
        shape = next(iter(scene.arrows.values()))._head
        unit_width = (lambda d: (d.x() ** 2 + d.y() ** 2) ** 0.5)(shape.at(1) - shape.at(2))
        unit_barb = (lambda d: (d.x() ** 2 + d.y() ** 2) ** 0.5)(shape.at(1) - shape.at(0))
        scene.clear()
    drawn = " ".join(text for text, _ in painter.texts)
    for name in groups | stages:
        assert name.split()[0] in drawn
    assert all(word in drawn for title in titles for word in title.split())
    for text, transform in painter.texts:
        assert transform.m11() == pytest.approx(transform.m22(), rel=1e-6), text
        assert transform.m12() == pytest.approx(0.0) and transform.m21() == pytest.approx(0.0)
    assert len(painter.heads) == heads
    for head in painter.heads:
        tip, left, right = head.at(0), head.at(1), head.at(2)
        barbs = [QPointF(p - tip) for p in (left, right)]
        lengths = [(b.x() ** 2 + b.y() ** 2) ** 0.5 for b in barbs]
        base = QPointF(left - right)
        width = (base.x() ** 2 + base.y() ** 2) ** 0.5
        # The shape drawn at 100 %, scaled alike both ways on screen, whichever way it points.
        assert lengths[0] == pytest.approx(lengths[1], rel=1e-3)
        assert width == pytest.approx(unit_width * placed.scale, rel=1e-3)
        assert lengths[0] == pytest.approx(unit_barb * placed.scale, rel=1e-3)


def test_a_click_on_the_stretched_overview_selects_the_card_under_it(
    qtbot, presenting: JourneyView
) -> None:
    view = presenting
    scene = view.journey_scene
    cards = sorted(scene.cards.values(), key=lambda c: (c.y(), c.x()))
    for card in (cards[0], cards[len(cards) // 2], cards[-1]):
        top = card.scenePos()
        # Low on the card: framed uniformly, that pixel would lie below it.
        at = view.mapFromScene(top + QPointF(100, 0.85 * CARD_H))
        uniform_bottom = view.mapFromScene(top).y() + CARD_H * view.zoom_factor()
        assert at.y() > uniform_bottom + 5
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
        assert scene.selectedItems() == [card], card.title


def test_a_title_typed_on_the_fitted_map_is_full_size_and_upright(
    qtbot, presenting: JourneyView
) -> None:
    from PySide6.QtWidgets import QGraphicsItem

    from cxmapper.ui.canvas.interactions import TitleEditor

    view = presenting
    view.set_presentation_mode(False)
    view.fit_all()
    assert stretch_of_view(view) > 1.5
    card = next(iter(view.journey_scene.cards.values()))
    view.select_step(card.step_id)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = next(i for i in view.scene().items() if isinstance(i, TitleEditor))
    assert editor.flags() & QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations
    device = editor.deviceTransform(view.viewportTransform())
    assert device.m11() == pytest.approx(1.0) and device.m22() == pytest.approx(1.0)
    editor.setPlainText("Compares three vendors")
    qtbot.keyClick(view.viewport(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.ctx.project.step(card.step_id).title == "Compares three vendors")
