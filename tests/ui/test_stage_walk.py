"""The stage walk on the projector: every stage's name at the top of the screen, every lane in
view with its name readable and whole, nothing of it under the legend or the timer badge, and
the screen filled rather than left with a blank band; the editor's Fit to Window keeps the last
lane above the legend, which wraps rather than dropping entries."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage

from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.ui.canvas.legend import ROWS, STRIP_H, strip_height, strip_rows
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.canvas.viewport import OVERVIEW
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.window.timer import TimerBadge, WorkshopClock

SCREENS = [QSize(1920, 1080), QSize(1280, 720), QSize(1024, 768)]
ROOM_PX = 24  # the least height of a stage's name on a 1080-line projector


def build_small_walk(project: Project) -> None:
    """Four stages over five lanes, nine steps: the last lane has none, a stage touches one
    lane only, another two lanes far apart from the first stage's."""
    groups = {
        name: project.add_work_group(name).id
        for name in ("Customer", "Sales", "Onboarding", "Billing", "Support")
    }
    stages = {name: project.add_stage(name).id for name in ("Discover", "Buy", "Onboard", "Help")}
    steps = [
        ("Finds us online", "Customer", "Discover", 40),
        ("Requests a demo", "Customer", "Discover", 280),
        ("Demo call", "Sales", "Buy", 520),
        ("Sends quote", "Sales", "Buy", 760),
        ("Signs contract", "Customer", "Onboard", 1000),
        ("Kickoff call", "Sales", "Onboard", 1000),
        ("Data migration", "Onboarding", "Onboard", 1000),
        ("First invoice", "Billing", "Help", 1240),
        ("Disputes invoice", "Onboarding", "Help", 1480),
    ]
    ids = [
        project.add_step(groups[lane], title, x=float(x), y=16.0, stage_id=stages[stage]).id
        for title, lane, stage, x in steps
    ]
    for a, b in pairwise(ids):
        project.add_flow(a, b)
    project.add_flow(ids[7], ids[3])  # a loop back to the quote
    project.update_settings(agenda=(("Walk the journey", 20.0), ("Vote on the pains", 10.0)))


@pytest.fixture
def small_walk(tmp_path: Path) -> Path:
    path = tmp_path / "walk.cxmap"
    project = Project.create(path)
    build_small_walk(project)
    project.close()
    return path


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    project = Project.open(path)
    project.update_settings(agenda=(("Walk the journey", 20.0),))
    project.close()
    return path


class Presenting:
    """A project presented on a screen of a given size, the workshop clock running."""

    def __init__(self, qtbot, path: Path, screen: QSize) -> None:
        self.project = Project.open(path)
        self.view = view = JourneyView(DocumentContext(self.project))
        qtbot.addWidget(view)
        view.set_presentation_mode(True)
        view.setFixedSize(screen)
        view.show()
        qtbot.waitExposed(view)
        qtbot.waitUntil(lambda: view.viewport().size() == screen)
        view.setFocus()
        self.clock = WorkshopClock.of(view.ctx)
        self.clock.start_pause()
        self.badge = TimerBadge(self.clock, view)

    def close(self) -> None:
        self.clock.stop()
        self.badge.detach()
        self.view.close_view()
        self.project.close()


@pytest.fixture
def present(qtbot) -> Iterator[object]:
    shown: list[Presenting] = []

    def start(path: Path, screen: QSize) -> Presenting:
        shown.append(Presenting(qtbot, path, screen))
        return shown[-1]

    yield start
    for p in shown:
        p.close()


def on_screen(view: JourneyView, rect: QRectF) -> QRect:
    return view.mapFromScene(rect).boundingRect()


def check_shot(p: Presenting) -> None:
    """The shot on the screen as the room sees it (the view's own painting, grabbed)."""
    view, scene = p.view, p.view.journey_scene
    p.badge.refresh()  # placed for this shot, as the next tick would
    image = view.viewport().grab().toImage()  # paints the overlay, as the screen does
    width, height = image.width(), image.height()
    screen = QRect(0, 0, width, height)
    legend = QRect(0, height - round(strip_height(width)), width, round(strip_height(width)))
    badge = p.badge.geometry().translated(-view.viewport().pos())
    column = scene.layout.columns[view.shot]
    stages = {sid: (rect, text) for sid, rect, text in view.painted.stages}
    assert list(stages) == [column.stage_id], "the shot's own stage name, and it alone"
    rect, text = stages[column.stage_id]
    assert text == scene.project.stage(column.stage_id).name.upper(), "the name whole"
    assert rect.width() >= column.right - column.left - 10, "centred on its whole column"
    header = on_screen(view, rect)
    assert screen.contains(header) and header.top() <= 20, "the stage's name tops the screen"
    assert header.height() >= ROOM_PX * height / 1080  # on a smaller screen, in proportion
    assert not header.intersects(legend) and not header.intersects(badge)
    names = dict(view.painted.lanes)
    assert names, "lane names are drawn"
    # The lanes' colour bars, at the left of their headers (the names 14 or more units in).
    bar_x = view.mapFromScene(QPointF(next(iter(names.values())).left() - 13, 0)).x()
    groups = {g.id: g for g in p.project.work_groups()}
    for gid in scene.layout.lane_order:
        lane = scene.layout.lanes[gid]
        rows = on_screen(view, QRectF(0, lane.top, 1, lane.height))
        ys = range(max(rows.top() + 1, header.bottom() + 1), min(rows.bottom(), legend.top()))
        colour = QColor(groups[gid].colour).rgb()
        shown = [y for y in ys if image.pixel(bar_x, y) == colour]
        if not shown:
            continue  # not in view
        assert gid in names, f"lane {groups[gid].name!r} is in view without its name"
        name = on_screen(view, names[gid])
        assert screen.contains(name) and name.top() > header.bottom()
        assert shown[0] <= name.top() and name.bottom() <= shown[-1] + 1, "the name is cut"
        assert not name.intersects(legend) and not name.intersects(badge)
    # The screen is filled: no band above the legend left blank across its whole width.
    blank = sum(1 for y in range(legend.top()) if _blank_row(image, y))
    assert blank < 0.15 * legend.top(), f"{blank} of {legend.top()} rows blank"


def _blank_row(image: QImage, y: int) -> bool:
    return all(image.pixel(x, y) == 0xFFFFFFFF for x in range(0, image.width(), 4))


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s.width()}x{s.height()}")
def test_every_stage_of_a_small_journey_shows_its_name_and_its_lanes_named(
    qtbot, present, small_walk: Path, screen: QSize
) -> None:
    p = present(small_walk, screen)
    assert p.view.shot == OVERVIEW
    for n in range(4):
        qtbot.keyClick(p.view, Qt.Key.Key_Right)  # as the facilitator walks it
        assert p.view.shot == n
        check_shot(p)
    qtbot.keyClick(p.view, Qt.Key.Key_Left)  # and back, the same frames
    check_shot(p)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s.width()}x{s.height()}")
def test_every_stage_of_the_demo_shows_its_name_and_its_lanes_named(
    qtbot, present, demo: Path, screen: QSize
) -> None:
    p = present(demo, screen)
    for n in range(len(p.view.journey_scene.layout.columns)):
        qtbot.keyClick(p.view, Qt.Key.Key_PageDown)
        assert p.view.shot == n
        check_shot(p)


def test_fit_to_window_keeps_the_last_lane_above_the_legend(qtbot, small_walk: Path) -> None:
    project = Project.open(small_walk)
    view = JourneyView(DocumentContext(project))
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitExposed(view)
    view.fit_all()
    last = view.journey_scene.layout.lanes[view.journey_scene.layout.lane_order[-1]]
    for size in (QSize(1100, 700), QSize(1100, 480), QSize(800, 520)):
        view.resize(size)  # a panel shown beside or below the map after the fit
        qtbot.waitUntil(lambda s=size: view.size() == s)
        room = view.viewport().height() - strip_height(view.viewport().width())
        bottom = view.mapFromScene(QPointF(0, last.bottom)).y()
        assert room - 2 * STRIP_H <= bottom <= room + 1, "the empty last lane above the legend"
    view.close_view()
    project.close()


@pytest.mark.parametrize("width", [1920, 1100, 700, 400])
def test_the_legend_strip_wraps_rather_than_dropping_entries(width: int) -> None:
    rows = strip_rows(width)
    assert [(kind, text) for row in rows for kind, text, _ in row] == list(ROWS)
    for row in rows:  # each row fits the strip
        assert sum(taken for *_, taken in row) - 20 <= width - 24 or len(row) == 1
    assert strip_height(width) == STRIP_H * len(rows)
    assert len(rows) == 1 if width >= 1920 else len(rows) >= 2
