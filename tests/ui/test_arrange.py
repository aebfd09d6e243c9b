"""Placement on the map, driven as a user drives it: stages by keyboard (Enter keeps the stage,
Alt+Left / Alt+Right move to another), by drag and by the inspector; Arrange → Tidy Map; F6."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QMainWindow, QMenu

from cxmapper.model import placement
from cxmapper.model.journey import handoff_flow_ids, loop_flow_ids
from cxmapper.model.placement import column_of, x_of, y_of
from cxmapper.model.project import Project
from cxmapper.model.tidy import tidy_moves
from cxmapper.ui.canvas.layout import CARD_H, LANE_HEADER_W
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.window.main_window import MainWindow
from tests.conftest import snapshot

LANES = ("Customer", "Sales", "Onboarding", "Billing")
STAGES = ("Discover", "Buy", "Onboard", "Use")
Mod = Qt.KeyboardModifier


@pytest.fixture
def view(qtbot, project_path: Path):
    p = Project.create(project_path)
    for name in LANES:
        p.add_work_group(name)
    for name in STAGES:
        p.add_stage(name)
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


def stage_of(p: Project) -> dict[str, str]:
    return {s.title: p.stage(s.stage_id).name for s in p.steps() if s.stage_id is not None}


def assert_placed(view: JourneyView) -> None:
    """Every step in its stage's columns, no two cards on one spot, and each stage header
    spanning exactly the cards of its stage."""
    p = view.project
    stage_ids = [s.id for s in p.stages()]
    assert placement.misplaced(stage_ids, p.steps()) == []
    assert len({(s.work_group_id, s.x, s.y) for s in p.steps()}) == len(p.steps())
    layout = view.journey_scene.layout
    columns = {c.stage_id: c for c in layout.columns}
    for step in p.steps():
        card = view.journey_scene.cards[step.id].sceneBoundingRect()
        column = columns[step.stage_id]  # type: ignore[index]
        assert column.left <= card.left() + 4 and card.right() - 15 <= column.right
    edges = [(c.left, c.right) for c in layout.columns]
    assert all(a[1] == b[0] for a, b in pairwise(edges))  # side by side


def test_twenty_steps_four_lanes_two_loops_four_stages_without_the_mouse(
    qtbot, view: JourneyView
) -> None:
    p = view.project
    opened = snapshot(p)

    def loop_back_to(title: str) -> None:
        qtbot.keyClick(view, Qt.Key.Key_L, Mod.ControlModifier)
        menu = next(m for m in view.findChildren(QMenu) if m.isVisible())
        names = [a.text() for a in menu.actions()]
        for _ in range(names.index(title)):
            qtbot.keyClick(menu, Qt.Key.Key_Down)
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    # (modifiers that add the step, its lane, its stage); Alt+Right after typing the title
    # when the stage is a new one. Every other step keeps the stage of the step it follows.
    plan = [
        (None, "Customer", "Discover"),
        (Mod.NoModifier, "Customer", "Discover"),
        (Mod.ShiftModifier, "Sales", "Discover"),
        (Mod.NoModifier, "Sales", "Discover"),
        (Mod.ControlModifier, "Customer", "Buy"),
        (Mod.ShiftModifier, "Sales", "Buy"),
        (Mod.NoModifier, "Sales", "Buy"),
        (Mod.ControlModifier, "Customer", "Buy"),
        (Mod.NoModifier, "Customer", "Buy"),  # 9: loops back to 3
        (Mod.ShiftModifier, "Sales", "Onboard"),
        (Mod.ShiftModifier, "Onboarding", "Onboard"),
        (Mod.NoModifier, "Onboarding", "Onboard"),
        (Mod.ShiftModifier, "Billing", "Onboard"),
        (Mod.ControlModifier, "Onboarding", "Onboard"),
        (Mod.ControlModifier, "Sales", "Use"),
        (Mod.ControlModifier, "Customer", "Use"),
        (Mod.NoModifier, "Customer", "Use"),  # 17: loops back to 10
        (Mod.ShiftModifier, "Sales", "Use"),
        (Mod.ShiftModifier, "Onboarding", "Use"),
        (Mod.ShiftModifier, "Billing", "Use"),
    ]
    previous = "Discover"
    for n, (mods, _lane, stage) in enumerate(plan, start=1):
        qtbot.keyClick(view, Qt.Key.Key_Return, mods or Mod.NoModifier)
        qtbot.keyClicks(view, f"Step {n}")
        qtbot.keyClick(view, Qt.Key.Key_Return)
        if stage != previous:
            qtbot.keyClick(view, Qt.Key.Key_Right, Mod.AltModifier)
            previous = stage
        if n == 9:
            loop_back_to("Step 3")
        elif n == 17:
            loop_back_to("Step 10")
        assert_placed(view)

    assert {s.title: p.work_group(s.work_group_id).name for s in p.steps()} == {
        f"Step {n}": lane for n, (_m, lane, _s) in enumerate(plan, start=1)
    }
    assert stage_of(p) == {f"Step {n}": stage for n, (_m, _l, stage) in enumerate(plan, start=1)}
    by_title = {s.title: s.id for s in p.steps()}
    ends = {(p.step(f.source_id).title, p.step(f.target_id).title) for f in p.flows()}
    chain = {(f"Step {n}", f"Step {n + 1}") for n in range(1, 20)}
    assert ends == chain | {("Step 9", "Step 3"), ("Step 17", "Step 10")}
    loops = {(p.flow(i).source_id, p.flow(i).target_id) for i in loop_flow_ids(p)}
    assert loops == {
        (by_title["Step 9"], by_title["Step 3"]),
        (by_title["Step 17"], by_title["Step 10"]),
    }
    assert len(handoff_flow_ids(p)) == 15
    # 20 additions (titles folded in), 3 moves to the next stage, 2 loops.
    assert view.ctx.undo_stack.count() == 25
    built = snapshot(p)
    stack = view.ctx.undo_stack
    while stack.canUndo():
        stack.undo()
    assert snapshot(p) == opened
    while stack.canRedo():
        stack.redo()
    assert snapshot(p) == built
    path = p.path
    p.close()
    with Project.open(path) as again:  # what is stored
        assert snapshot(again) == built
        assert stage_of(again) == {f"Step {n}": s for n, (_m, _l, s) in enumerate(plan, start=1)}
        assert placement.misplaced([s.id for s in again.stages()], again.steps()) == []


def test_enter_at_the_end_of_a_stage_keeps_the_new_step_in_it(qtbot, view: JourneyView) -> None:
    p = view.project
    customer, sales = (g.id for g in p.work_groups()[:2])
    discover, buy = (s.id for s in p.stages()[:2])
    first = p.add_step(customer, "Searches", stage_id=discover, x=x_of(0))
    later = p.add_step(sales, "Quotes", stage_id=buy, x=x_of(1))
    before = snapshot(p)
    view.select_step(first.id)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.keyClicks(view, "Compares")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    new = next(s for s in p.steps() if s.title == "Compares")
    assert new.stage_id == discover and column_of(new.x) == 1
    assert column_of(p.step(later.id).x) == 2  # Buy moved one column right to make room
    assert_placed(view)
    assert view.ctx.undo_stack.count() == 1
    view.ctx.undo_stack.undo()
    assert snapshot(p) == before


def test_alt_left_and_right_move_the_selection_to_another_stage(qtbot, view: JourneyView) -> None:
    p = view.project
    customer, sales = (g.id for g in p.work_groups()[:2])
    discover, buy, onboard, use = (s.id for s in p.stages())
    a = p.add_step(customer, "Reads", stage_id=discover, x=x_of(0))
    b = p.add_step(sales, "Calls", stage_id=discover, x=x_of(1))
    c = p.add_step(customer, "Signs", stage_id=buy, x=x_of(2))
    before = snapshot(p)
    view.ctx.set_selection(steps=[a.id, b.id], flows=[])
    qtbot.keyClick(view, Qt.Key.Key_Right, Mod.AltModifier)
    assert [p.step(i).stage_id for i in (a.id, b.id, c.id)] == [buy, buy, buy]
    assert p.step(a.id).y != p.step(c.id).y or p.step(a.id).x != p.step(c.id).x
    assert_placed(view)
    assert view.ctx.undo_stack.count() == 1  # one edit for both
    qtbot.keyClick(view, Qt.Key.Key_Right, Mod.AltModifier)
    qtbot.keyClick(view, Qt.Key.Key_Right, Mod.AltModifier)
    qtbot.keyClick(view, Qt.Key.Key_Right, Mod.AltModifier)  # already in the last stage
    assert [p.step(i).stage_id for i in (a.id, b.id)] == [use, use]
    assert view.ctx.undo_stack.count() == 3
    qtbot.keyClick(view, Qt.Key.Key_Left, Mod.AltModifier)
    assert [p.step(i).stage_id for i in (a.id, b.id)] == [onboard, onboard]
    assert_placed(view)
    while view.ctx.undo_stack.canUndo():
        view.ctx.undo_stack.undo()
    assert snapshot(p) == before


def test_dragging_a_card_into_another_stage_changes_its_stage(qtbot, view: JourneyView) -> None:
    p = view.project
    customer = p.work_groups()[0].id
    discover, buy = (s.id for s in p.stages()[:2])
    a = p.add_step(customer, "Reads", stage_id=discover, x=x_of(0))
    b = p.add_step(customer, "Signs", stage_id=buy, x=x_of(1))
    layout = view.journey_scene.layout

    def spot(column: int) -> QPoint:
        lane = layout.lanes[customer]
        x = LANE_HEADER_W + x_of(column) + 100
        return view.mapFromScene(QPointF(x, lane.top + y_of(0) + CARD_H / 2))

    start, end = spot(0), spot(1)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for n in range(1, 6):
        qtbot.mouseMove(view.viewport(), start + (end - start) * n / 5)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    moved = p.step(a.id)
    assert moved.stage_id == buy and column_of(moved.x) == 1
    assert moved.y != p.step(b.id).y  # the next free row, never on the card there
    assert_placed(view)
    assert view.ctx.undo_stack.count() == 1
    view.ctx.undo_stack.undo()
    assert p.step(a.id).stage_id == discover and p.step(a.id).x == x_of(0)


def test_setting_a_stage_in_the_inspector_moves_the_card(qtbot, demo_window: MainWindow) -> None:
    w = demo_window
    assert w.ctx is not None and w.view is not None
    p = w.ctx.project
    stages = p.stages()
    step = next(s for s in p.steps() if s.stage_id == stages[0].id)
    w.view.select_step(step.id)
    combo = next(
        c for c in w.findChildren(QComboBox) if c.isVisible() and c.findText(stages[-1].name) >= 0
    )
    before = snapshot(p)
    combo.setFocus()
    # Keyboard: End picks the last stage in the list.
    qtbot.keyClick(combo, Qt.Key.Key_End)
    moved = p.step(step.id)
    assert moved.stage_id == stages[-1].id
    assert placement.misplaced([s.id for s in stages], p.steps()) == []
    assert w.ctx.undo_stack.undoText() == f"Move '{step.title}' to {stages[-1].name}"
    w.window_actions.undo.trigger()
    assert snapshot(p) == before


def jumble(p: Project) -> None:
    """Cards anywhere in their stage's band and off the rows, as a room leaves them."""
    stages = [s.id for s in p.stages()]
    with p.db.atomic():
        for n, s in enumerate(sorted(p.steps(), key=lambda s: s.id)):
            p.update_step(s.id, x=s.x + (n % 3) * 2 * placement.PITCH_X, y=y_of(n % 4))
    # (Still readable, though not every card is in its stage's columns any more.)
    assert placement.misplaced(stages, p.steps())


def test_tidy_map_is_one_edit_with_undo_and_redo(qtbot, demo_window: MainWindow) -> None:
    w = demo_window
    assert w.ctx is not None and w.view is not None
    p = w.ctx.project
    jumble(p)
    before = snapshot(p)
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_R, Mod.ControlModifier | Mod.ShiftModifier)
    tidied = snapshot(p)
    assert tidied != before
    assert w.ctx.undo_stack.undoText() == "Tidy map"
    assert placement.misplaced([s.id for s in p.stages()], p.steps()) == []
    assert_placed(w.view)
    flows = [(f.source_id, f.target_id) for f in p.flows()]
    groups = [g.id for g in p.work_groups()]
    assert tidy_moves([s.id for s in p.stages()], groups, p.steps(), flows) == {}
    count = w.ctx.undo_stack.count()
    w.window_actions.tidy.trigger()  # tidy again: nothing to do, no edit
    assert w.ctx.undo_stack.count() == count
    assert "already tidy" in w.statusBar().currentMessage()
    w.window_actions.undo.trigger()
    assert snapshot(p) == before
    w.window_actions.redo.trigger()
    assert snapshot(p) == tidied
    path = p.path
    w.close_project()
    with Project.open(path) as again:
        assert snapshot(again) == tidied


def test_the_demo_is_tidy(demo_window: MainWindow) -> None:
    assert demo_window.ctx is not None
    p = demo_window.ctx.project
    flows = [(f.source_id, f.target_id) for f in p.flows()]
    stage_ids, groups = [s.id for s in p.stages()], [g.id for g in p.work_groups()]
    assert tidy_moves(stage_ids, groups, p.steps(), flows) == {}


def test_f6_moves_the_focus_between_the_map_and_the_panels(qtbot, demo_window: MainWindow) -> None:
    w = demo_window
    assert w.view is not None
    view = w.view
    w.activateWindow()
    view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    view.select_step(view.project.steps()[0].id)
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # Tab follows a flow and stays on the map
    assert QApplication.focusWidget() is view
    seen = []
    for _ in range(8):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        focus = QApplication.focusWidget()
        seen.append(focus)
        if focus is view:
            break
    assert seen[-1] is view  # round the panes and back to the map
    assert len(seen) >= 3  # at least two panels on the way
    panels = [d.widget() for d, _panel in w.docked]
    assert all(any(p.isAncestorOf(f) for p in panels) for f in seen[:-1])
    qtbot.keyClick(view, Qt.Key.Key_F6, Mod.ShiftModifier)
    assert QApplication.focusWidget() is seen[-2]  # Shift+F6 goes back the other way
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
    assert QApplication.focusWidget() is view
