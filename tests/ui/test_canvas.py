"""The journey canvas driven as a facilitator would: keys, mouse, undo, redo, reopen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QMainWindow, QMenu

from cxmapper.model.journey import handoff_flow_ids, loop_flow_ids
from cxmapper.model.project import Project
from cxmapper.ui.canvas.layout import CARD_H, CARD_W
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.document.context import DocumentContext
from tests.conftest import snapshot


@pytest.fixture
def three_lanes(project_path: Path) -> Project:
    p = Project.create(project_path)
    customer = p.add_work_group("Customer")
    p.add_work_group("Support")
    p.add_work_group("Billing")
    p.add_stage("Get help")
    p.add_step(customer.id, "Reports a problem", x=40, y=16)
    return p


@pytest.fixture
def view(qtbot, three_lanes: Project):
    ctx = DocumentContext(three_lanes)
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
    three_lanes.close()


def type_title(qtbot, view: JourneyView, text: str) -> None:
    qtbot.keyClicks(view, text)
    qtbot.keyClick(view, Qt.Key.Key_Return)


def titles(p: Project) -> list[str]:
    return [s.title for s in sorted(p.steps(), key=lambda s: s.id)]


def card_centre(view: JourneyView, step_id: int) -> QPoint:
    card = view.journey_scene.cards[step_id]
    return view.mapFromScene(card.sceneBoundingRect().center())


def test_keyboard_builds_a_three_lane_journey_with_a_loop(qtbot, view: JourneyView) -> None:
    p = view.project
    opened = snapshot(p)
    first = p.steps()[0].id
    view.select_step(first)
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # hand-off
    type_title(qtbot, view, "Ticket triage")
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # to Billing
    type_title(qtbot, view, "Invoice correction")
    qtbot.keyClick(view, Qt.Key.Key_Return)  # same lane
    type_title(qtbot, view, "Credit note")
    # Loop: back to the first step, chosen from the menu by keyboard.
    qtbot.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    menu = next(m for m in view.findChildren(QMenu) if m.isVisible())
    target = next(a for a in menu.actions() if a.text() == "Reports a problem")
    menu.setActiveAction(target)
    qtbot.keyClick(menu, Qt.Key.Key_Return)

    assert titles(p) == ["Reports a problem", "Ticket triage", "Invoice correction", "Credit note"]
    lanes = {s.title: p.work_group(s.work_group_id).name for s in p.steps()}
    assert lanes == {
        "Reports a problem": "Customer",
        "Ticket triage": "Support",
        "Invoice correction": "Billing",
        "Credit note": "Billing",
    }
    assert len(p.flows()) == 4
    assert len(handoff_flow_ids(p)) == 3
    loops = loop_flow_ids(p)
    assert len(loops) == 1
    assert p.step(p.flow(next(iter(loops))).target_id).title == "Reports a problem"
    built = snapshot(p)
    stack = view.ctx.undo_stack
    assert stack.undoText().startswith("Connect")
    assert stack.text(0) == "Add step 'Ticket triage'"  # the typed title names the edit
    # Undo everything: the opened state. Redo everything: the same journey.
    while stack.canUndo():
        stack.undo()
    assert snapshot(p) == opened
    while stack.canRedo():
        stack.redo()
    assert snapshot(p) == built
    # Close and reopen: the same, from the file.
    path = p.path
    p.close()
    with Project.open(path) as again:
        assert snapshot(again) == built


def test_arrow_keys_and_tab_move_the_selection(qtbot, view: JourneyView) -> None:
    p = view.project
    first = p.steps()[0].id
    view.select_step(first)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    type_title(qtbot, view, "Second")
    second = view.current_step()
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.current_step() == first
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.current_step() == second
    qtbot.keyClick(view, Qt.Key.Key_Backtab)
    assert view.current_step() == first


def test_mouse_connects_by_dragging_from_the_handle(qtbot, view: JourneyView) -> None:
    p = view.project
    customer = p.work_groups()[0].id
    support = p.work_groups()[1].id
    a = p.steps()[0].id
    b = p.add_step(support, "Ticket triage", x=280, y=16).id
    c = p.add_step(customer, "Pays", x=520, y=16).id
    for source, target in ((a, b), (b, c), (c, a)):
        card = view.journey_scene.cards[source]
        handle = view.mapFromScene(card.mapToScene(card.handle_centre()))
        qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=handle)
        qtbot.mouseMove(view.viewport(), card_centre(view, target))
        qtbot.mouseRelease(
            view.viewport(), Qt.MouseButton.LeftButton, pos=card_centre(view, target)
        )
    ends = sorted((f.source_id, f.target_id) for f in p.flows())
    assert ends == sorted([(a, b), (b, c), (c, a)])
    assert len(loop_flow_ids(p)) == 1
    assert view.ctx.undo_stack.count() == 3


def test_dragging_a_card_into_another_lane_is_one_undoable_move(qtbot, view: JourneyView) -> None:
    p = view.project
    step = p.steps()[0]
    billing = p.work_groups()[2]
    start = card_centre(view, step.id)
    lane = view.journey_scene.layout.lanes[billing.id]
    drop = view.mapFromScene(QPointF(start.x() + 0, lane.top + 16 + CARD_H / 2))
    drop.setX(start.x() + int(240 * view.zoom_factor()))
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for n in range(1, 6):
        qtbot.mouseMove(view.viewport(), start + (drop - start) * n / 5)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=drop)
    moved = p.step(step.id)
    assert moved.work_group_id == billing.id
    assert moved.x == step.x + 240  # snapped to the next column
    assert view.ctx.undo_stack.count() == 1
    view.ctx.undo_stack.undo()
    assert p.step(step.id) == step
    card = view.journey_scene.cards[step.id]
    assert card.pos() == view.journey_scene.layout.card_rect(step).topLeft()


def test_rename_delete_copy_paste(qtbot, view: JourneyView) -> None:
    p = view.project
    step = p.steps()[0].id
    view.select_step(step)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    type_title(qtbot, view, "Reports an invoice problem")
    assert p.step(step).title == "Reports an invoice problem"
    view.copy_selected()
    pasted = view.paste()
    assert len(pasted) == 1 and p.step(pasted[0]).title == "Reports an invoice problem"
    view.ctx.set_selection(steps=pasted)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert not p.has_step(pasted[0])
    view.ctx.undo_stack.undo()
    assert p.has_step(pasted[0])


def test_an_edit_updates_only_the_items_it_touches(qtbot, view: JourneyView) -> None:
    p = view.project
    support = p.work_groups()[1].id
    others = [p.add_step(support, f"Step {i}", x=40 + 240 * i, y=16).id for i in range(5)]
    scene = view.journey_scene
    before = {i: scene.cards[i] for i in scene.cards}
    positions = {i: c.pos() for i, c in scene.cards.items()}
    p.update_step(others[2], title="Renamed")
    assert all(scene.cards[i] is before[i] for i in before)
    assert {i: c.pos() for i, c in scene.cards.items()} == positions
    assert scene.cards[others[2]].title == "Renamed"
    assert len(scene.items()) == len(scene.cards) + len(scene.arrows)


def test_enter_without_a_work_group_explains(qtbot, qapp, tmp_path: Path) -> None:
    with Project.create(tmp_path / "empty.cxmap") as p:
        ctx = DocumentContext(p)
        v = JourneyView(ctx)
        messages: list[str] = []
        v.message.connect(messages.append)
        assert v.add_step() is None
        assert "work group" in messages[0]
        v.close_view()
        ctx.close()


def test_cards_are_sized_and_placed_from_the_model(view: JourneyView) -> None:
    step = view.project.steps()[0]
    rect = view.journey_scene.cards[step.id].sceneBoundingRect()
    assert rect.width() >= CARD_W and rect.height() >= CARD_H


def test_heat_overlay_follows_pain_edits(view: JourneyView) -> None:
    from cxmapper.model import entities as e

    p = view.project
    step = p.steps()[0].id
    pain = p.add_pain(
        "Costly",
        step_ids=(step,),
        reach_source=e.ReachSource.ESTIMATE,
        reach_estimate_count=10,
        rework_cost=10,
    )
    view.set_heat_overlay(True)
    card = view.journey_scene.cards[step]
    assert card.heat is not None
    p.update_pain(pain.id, step_ids=())
    assert card.heat is None  # no pain left on the step
    view.set_heat_overlay(False)
