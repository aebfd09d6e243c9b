"""Whole journeys entered on an empty map: by keyboard alone, and by mouse alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QMainWindow, QMenu

from cxmapper.model.journey import handoff_flow_ids, loop_flow_ids
from cxmapper.model.project import Project
from cxmapper.ui.canvas.layout import CARD_H, LANE_HEADER_W, MAP_LEFT, PITCH_X, ROW_TOP
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.document.context import DocumentContext
from tests.conftest import snapshot

LANES = ("Customer", "Support", "Billing", "Engineering")
Mod = Qt.KeyboardModifier


@pytest.fixture
def view(qtbot, project_path: Path):
    p = Project.create(project_path)
    for name in LANES:
        p.add_work_group(name)
    p.add_stage("Get help")
    p.add_stage("Resolve")
    ctx = DocumentContext(p)
    window = QMainWindow()
    v = JourneyView(ctx)
    window.setCentralWidget(v)
    window.resize(1400, 900)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    v.setFocus()
    yield v
    v.close_view()
    ctx.close()
    p.close()


def check_undo_redo_reopen(view: JourneyView, opened: dict) -> None:
    p = view.project
    built = snapshot(p)
    stack = view.ctx.undo_stack
    while stack.canUndo():
        stack.undo()
    assert snapshot(p) == opened
    assert not view.journey_scene.cards and not view.journey_scene.arrows
    while stack.canRedo():
        stack.redo()
    assert snapshot(p) == built
    assert set(view.journey_scene.cards) == {s.id for s in p.steps()}
    assert set(view.journey_scene.arrows) == {f.id for f in p.flows()}
    path = p.path
    p.close()
    with Project.open(path) as again:
        assert snapshot(again) == built


def lane_of(p: Project) -> dict[str, str]:
    return {s.title: p.work_group(s.work_group_id).name for s in p.steps()}


def test_twenty_steps_four_lanes_two_loops_without_the_mouse(qtbot, view: JourneyView) -> None:
    p = view.project
    opened = snapshot(p)

    def loop_back_to(title: str) -> None:
        qtbot.keyClick(view, Qt.Key.Key_L, Mod.ControlModifier)
        menu = next(m for m in view.findChildren(QMenu) if m.isVisible())
        names = [a.text() for a in menu.actions()]
        for _ in range(names.index(title)):  # the nearest earlier step is highlighted first
            qtbot.keyClick(menu, Qt.Key.Key_Down)
        qtbot.keyClick(menu, Qt.Key.Key_Return)
        assert not menu.isVisible()

    # (key modifiers that add the step, expected lane); None adds the first step.
    plan = [
        (None, "Customer"),
        (Mod.NoModifier, "Customer"),
        (Mod.ShiftModifier, "Support"),
        (Mod.NoModifier, "Support"),
        (Mod.ShiftModifier, "Billing"),
        (Mod.NoModifier, "Billing"),
        (Mod.ControlModifier, "Support"),
        (Mod.ControlModifier, "Customer"),
        (Mod.NoModifier, "Customer"),  # 9: loops back to 3
        (Mod.ShiftModifier, "Support"),
        (Mod.ShiftModifier, "Billing"),
        (Mod.ShiftModifier, "Engineering"),
        (Mod.NoModifier, "Engineering"),
        (Mod.ControlModifier, "Billing"),
        (Mod.ControlModifier, "Support"),
        (Mod.ControlModifier, "Customer"),
        (Mod.NoModifier, "Customer"),  # 17: loops back to 10
        (Mod.ShiftModifier, "Support"),
        (Mod.ShiftModifier, "Billing"),
        (Mod.ShiftModifier, "Engineering"),
    ]
    for n, (mods, _lane) in enumerate(plan, start=1):
        qtbot.keyClick(view, Qt.Key.Key_Return, mods or Mod.NoModifier)
        qtbot.keyClicks(view, f"Step {n}")
        qtbot.keyClick(view, Qt.Key.Key_Return)
        if n == 9:
            loop_back_to("Step 3")
        elif n == 17:
            loop_back_to("Step 10")

    assert lane_of(p) == {f"Step {n}": lane for n, (_m, lane) in enumerate(plan, start=1)}
    by_title = {s.title: s.id for s in p.steps()}
    ends = {(p.step(f.source_id).title, p.step(f.target_id).title) for f in p.flows()}
    chain = {(f"Step {n}", f"Step {n + 1}") for n in range(1, 20)}
    assert ends == chain | {("Step 9", "Step 3"), ("Step 17", "Step 10")}
    loops = {(p.flow(i).source_id, p.flow(i).target_id) for i in loop_flow_ids(p)}
    assert loops == {
        (by_title["Step 9"], by_title["Step 3"]),
        (by_title["Step 17"], by_title["Step 10"]),
    }
    assert len(handoff_flow_ids(p)) == 15  # 13 forward hand-offs and both loops
    # No two cards share a spot, and every card sits on the grid.
    spots = {(s.work_group_id, s.x, s.y) for s in p.steps()}
    assert len(spots) == 20
    assert all((s.x - MAP_LEFT) % PITCH_X == 0 for s in p.steps())
    assert view.ctx.undo_stack.count() == 22  # 20 additions (titles folded in), 2 loops
    assert view.ctx.undo_stack.text(0) == "Add step 'Step 1'"
    check_undo_redo_reopen(view, opened)


def lane_spot(view: JourneyView, lane_index: int, column: int) -> QPoint:
    """The viewport position of an empty grid spot (first row) of a lane."""
    layout = view.journey_scene.layout
    lane = layout.lanes[layout.lane_order[lane_index]]
    x = LANE_HEADER_W + MAP_LEFT + column * PITCH_X + 100
    return view.mapFromScene(QPointF(x, lane.top + ROW_TOP + CARD_H / 2))


def drag(qtbot, view: JourneyView, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for n in range(1, 6):
        qtbot.mouseMove(view.viewport(), start + (end - start) * n / 5)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)


def test_three_lane_journey_with_a_loop_by_mouse(qtbot, view: JourneyView) -> None:
    p = view.project
    opened = snapshot(p)
    # Double-click empty spots to add steps; the title is typed straight into the card.
    for lane_index, column, title in (
        (0, 0, "Reports a problem"),
        (1, 1, "Ticket triage"),
        (2, 2, "Invoice correction"),
        (0, 4, "Confirms the fix"),
    ):
        qtbot.mouseDClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=lane_spot(view, lane_index, column)
        )
        qtbot.keyClicks(view, title)
        qtbot.keyClick(view, Qt.Key.Key_Return)
    ids = {s.title: s.id for s in p.steps()}
    assert lane_of(p) == {
        "Reports a problem": "Customer",
        "Ticket triage": "Support",
        "Invoice correction": "Billing",
        "Confirms the fix": "Customer",
    }
    assert p.step(ids["Ticket triage"]).x == MAP_LEFT + PITCH_X  # snapped to the column
    cards = view.journey_scene.cards

    def handle(step_id: int) -> QPoint:
        card = cards[step_id]
        return view.mapFromScene(card.mapToScene(card.handle_centre()))

    def centre(step_id: int) -> QPoint:
        return view.mapFromScene(cards[step_id].sceneBoundingRect().center())

    # Drag the last card one column to the left (snaps), then connect by handles.
    drag(qtbot, view, centre(ids["Confirms the fix"]), lane_spot(view, 0, 3))
    assert p.step(ids["Confirms the fix"]).x == MAP_LEFT + 3 * PITCH_X
    for a, b in (
        ("Reports a problem", "Ticket triage"),
        ("Ticket triage", "Invoice correction"),
        ("Invoice correction", "Confirms the fix"),
        ("Invoice correction", "Ticket triage"),  # the loop: the fix failed, back to triage
    ):
        drag(qtbot, view, handle(ids[a]), centre(ids[b]))
    ends = {(p.step(f.source_id).title, p.step(f.target_id).title) for f in p.flows()}
    assert ends == {
        ("Reports a problem", "Ticket triage"),
        ("Ticket triage", "Invoice correction"),
        ("Invoice correction", "Confirms the fix"),
        ("Invoice correction", "Ticket triage"),
    }
    (loop,) = loop_flow_ids(p)
    assert p.step(p.flow(loop).source_id).title == "Invoice correction"
    assert view.journey_scene.arrows[loop].kind == "loop"
    # A drag back onto its own card, or a second arrow between the same steps, adds nothing.
    messages: list[str] = []
    view.message.connect(messages.append)
    count = view.ctx.undo_stack.count()
    drag(qtbot, view, handle(ids["Ticket triage"]), centre(ids["Ticket triage"]))
    drag(qtbot, view, handle(ids["Reports a problem"]), centre(ids["Ticket triage"]))
    assert view.ctx.undo_stack.count() == count and len(messages) == 2
    assert len(p.flows()) == 4
    check_undo_redo_reopen(view, opened)


def test_double_click_on_headers_or_below_the_lanes_adds_nothing(qtbot, view: JourneyView) -> None:
    layout = view.journey_scene.layout
    for scene_pos in (
        QPointF(LANE_HEADER_W / 2, layout.lanes[layout.lane_order[0]].top + 40),  # lane name
        QPointF(LANE_HEADER_W + 300, 10),  # stage header
        QPointF(LANE_HEADER_W + 300, layout.height + 20),  # below the last lane
    ):
        qtbot.mouseDClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(scene_pos)
        )
    assert view.project.steps() == []
