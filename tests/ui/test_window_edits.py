"""Editing in the main window as a facilitator would: deletions on loops, cut and paste with
undo and redo, lanes and stages from the inspector, keys that act where the focus is, drops on
a taken slot, presentation mode, find, recent files and map images."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPainterPath, QPainterPathStroker
from PySide6.QtWidgets import QDockWidget, QPushButton

from cxmapper.model import entities as e
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.ui.canvas.layout import CARD_H
from cxmapper.ui.canvas.legend import STRIP_H
from cxmapper.ui.canvas.scene import JourneyScene
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.canvas.viewport import OVERVIEW, shot_source
from cxmapper.ui.window.exporting import export_map_image
from cxmapper.ui.window.main_window import MainWindow
from tests.conftest import snapshot
from tests.ui.conftest import open_window


@pytest.fixture
def loop_file(tmp_path: Path) -> Path:
    """Customer → Support → Customer, with C looping back to A across the two lanes."""
    path = tmp_path / "loop.cxmap"
    p = Project.create(path)
    customer, support = p.add_work_group("Customer"), p.add_work_group("Support")
    p.add_stage("Get help")
    a = p.add_step(customer.id, "A", x=40, y=16)
    b = p.add_step(support.id, "B", x=280, y=16)
    c = p.add_step(customer.id, "C", x=520, y=16)
    p.update_step(a.id, channel="Web", description="Fills in the form", emotion=-2)
    p.add_flow(a.id, b.id)
    p.add_flow(b.id, c.id)
    p.add_flow(c.id, a.id, "asks again")
    p.close()
    return path


@pytest.fixture
def window(qtbot, settings: QSettings, loop_file: Path):
    w = open_window(qtbot, settings, loop_file)
    yield w
    w.close_project()


def overview_fills(view: JourneyView) -> bool:
    """The whole journey is shown, as wide or as high as the view holds it."""
    shown = view.mapFromScene(shot_source(view.journey_scene, OVERVIEW)).boundingRect()
    room = view.viewport().rect()
    return view.shot == OVERVIEW and (
        abs(shown.width() - room.width()) <= 2 or abs(shown.height() - room.height() + STRIP_H) <= 2
    )


def step_named(p: Project, title: str) -> e.Step:
    return next(s for s in p.steps() if s.title == title)


def arrows_match_flows(scene: JourneyScene, p: Project) -> None:
    assert set(scene.arrows) == {f.id for f in p.flows()}
    for flow in p.flows():  # every arrow starts and ends at its cards where they are now
        path = scene.arrows[flow.id].path()
        source = scene.cards[flow.source_id].sceneBoundingRect().adjusted(-2, -2, 2, 2)
        target = scene.cards[flow.target_id].sceneBoundingRect().adjusted(-2, -2, 2, 2)
        assert source.contains(path.pointAtPercent(0)), flow
        assert target.contains(path.pointAtPercent(1)), flow


def test_deleting_a_step_on_a_loop_then_undo_and_redo(qtbot, window: MainWindow) -> None:
    ctx, scene = window.ctx, window.view.journey_scene
    p = ctx.project
    before = snapshot(p)
    ctx.set_selection(steps=[step_named(p, "A").id])
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert [s.title for s in p.steps()] == ["B", "C"]
    assert ctx.selected_step_ids() == ()
    arrows_match_flows(scene, p)
    assert window.window_actions.undo.text() == "&Undo Delete step 'A'"
    ctx.undo_stack.undo()
    assert snapshot(p) == before
    arrows_match_flows(scene, p)
    ctx.undo_stack.redo()
    arrows_match_flows(scene, p)
    ctx.undo_stack.undo()
    assert snapshot(p) == before


def test_removing_a_lane_moves_the_lanes_below_and_their_arrows(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    # A lane with steps asks first; this one has none, and a question would fail the test.
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked"))
    ctx, scene = window.ctx, window.view.journey_scene
    p = ctx.project
    billing = p.add_work_group("Billing")
    p.reorder(e.WorkGroup, [billing.id, *(g.id for g in p.work_groups() if g != billing)])
    arrows_match_flows(scene, p)
    inspector = window.panels["inspector"].widget().widget()
    lanes = inspector.lists[e.WorkGroup]
    qtbot.waitUntil(lambda: lanes.count() == 3 and lanes.item(0).text() == "Billing")
    lanes.setCurrentRow(0)
    delete = next(b for b in inspector.findChildren(QPushButton) if b.text() == "Delete")
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert not p.exists(e.WorkGroup, billing.id)
    arrows_match_flows(scene, p)


def test_cut_and_paste_keep_every_field_through_undo_and_redo(qtbot, window: MainWindow) -> None:
    ctx, view = window.ctx, window.view
    p = ctx.project
    a = step_named(p, "A")
    ctx.set_selection(steps=[a.id])
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert not p.has_step(a.id)
    assert window.window_actions.undo.text() == "&Undo Cut step 'A'"
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    pasted = step_named(p, "A")
    assert (pasted.channel, pasted.description, pasted.emotion) == ("Web", "Fills in the form", -2)
    ctx.undo_stack.undo()
    ctx.undo_stack.redo()
    again = step_named(p, "A")
    assert (again.channel, again.description, again.emotion) == ("Web", "Fills in the form", -2)
    Project.check_contents(p.path)  # and the file agrees (raises otherwise)


def test_inspector_reorders_lanes_and_stages_with_its_buttons(qtbot, window: MainWindow) -> None:
    p = window.ctx.project
    p.add_stage("Renew")
    inspector = window.panels["inspector"].widget().widget()
    qtbot.waitUntil(lambda: inspector.lists[e.Stage].count() == 2)
    buttons = [b for b in inspector.findChildren(QPushButton) if b.text() in ("Up", "Down")]
    lane_down, stage_up = buttons[1], buttons[2]  # lanes first, then stages
    inspector.lists[e.WorkGroup].setCurrentRow(0)
    qtbot.mouseClick(lane_down, Qt.MouseButton.LeftButton)
    assert [g.name for g in p.work_groups()] == ["Support", "Customer"]
    inspector.lists[e.Stage].setCurrentRow(1)
    qtbot.mouseClick(stage_up, Qt.MouseButton.LeftButton)
    assert [s.name for s in p.stages()] == ["Renew", "Get help"]
    window.ctx.undo_stack.undo()
    window.ctx.undo_stack.undo()
    assert [g.name for g in p.work_groups()] == ["Customer", "Support"]
    assert [s.name for s in p.stages()] == ["Get help", "Renew"]


def test_delete_in_the_pain_register_deletes_the_pain_not_its_steps(
    qtbot, window: MainWindow
) -> None:
    ctx = window.ctx
    p = ctx.project
    steps = [s.id for s in p.steps()]
    pain = p.add_pain("Asked twice", step_ids=tuple(steps[:2]))
    dock: QDockWidget = window.panels["pains"]
    dock.raise_()
    panel = dock.widget()
    qtbot.waitUntil(lambda: panel.model.rows() == 1)
    panel.table.selectRow(0)
    panel.table.setFocus()
    qtbot.waitUntil(panel.table.hasFocus)
    assert set(ctx.selected_step_ids()) == set(steps[:2])  # the pain's steps light up on the map
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert not p.exists(e.Pain, pain.id)
    assert [s.id for s in p.steps()] == steps


@pytest.mark.parametrize("kind", ["pains", "actions"])
def test_delete_in_a_plan_panel_deletes_an_item_with_no_steps(
    qtbot, window: MainWindow, kind: str
) -> None:
    """A pain on no step, or an action on no pain, selects nothing on the map: Delete must
    still reach the panel rather than be swallowed by a disabled action."""
    p = window.ctx.project
    if kind == "pains":
        item, cls = p.add_pain("Felt by no step yet"), e.Pain
    else:
        item, cls = p.add_action("Call every churned customer"), e.Action
    dock: QDockWidget = window.panels[kind]
    dock.raise_()
    panel = dock.widget()
    qtbot.waitUntil(lambda: panel.model.rows() == 1)
    panel.table.selectRow(0)
    panel.table.setFocus()
    qtbot.waitUntil(panel.table.hasFocus)
    assert window.ctx.selected_step_ids() == ()
    assert window.window_actions.delete.isEnabled()
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert not p.exists(cls, item.id)
    window.window_actions.undo.trigger()
    assert p.exists(cls, item.id)


def test_a_card_dropped_on_a_taken_slot_takes_the_next_free_row(qtbot, window: MainWindow) -> None:
    view, p = window.view, window.ctx.project
    view.actual_size()
    a, c = step_named(p, "A"), step_named(p, "C")
    scene = view.journey_scene
    view.ensureVisible(scene.cards[c.id])
    start = view.mapFromScene(scene.cards[a.id].sceneBoundingRect().center())
    drop = view.mapFromScene(scene.cards[c.id].sceneBoundingRect().center())
    view.select_step(a.id)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for n in range(1, 6):
        qtbot.mouseMove(view.viewport(), start + (drop - start) * n / 5)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=drop)
    moved = p.step(a.id)
    assert (moved.work_group_id, moved.x) == (c.work_group_id, c.x)
    assert moved.y > c.y  # the row below, not on top of C
    rects = [card.sceneBoundingRect() for card in scene.cards.values()]
    assert not any(r.intersects(o) for i, r in enumerate(rects) for o in rects[i + 1 :])


def test_presentation_mode_and_back(qtbot, window: MainWindow, settings: QSettings) -> None:
    window.panels["matrix"].close()  # the user had closed one panel
    visible = {name for name, dock in window.panels.items() if dock.isVisible()}
    window.window_actions.presentation.trigger()
    qtbot.waitUntil(lambda: not window.menuBar().isVisible())
    assert not any(dock.isVisible() for dock in window.panels.values())
    assert not window.toolbar.isVisible()
    view = window.view
    assert view is not None
    qtbot.waitUntil(lambda: overview_fills(view))  # the whole journey as large as it fits
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)  # nothing selected: Esc leaves
    assert not window.presentation.active and not window.window_actions.presentation.isChecked()
    assert window.menuBar().isVisible() and window.toolbar.isVisible()
    assert {name for name, dock in window.panels.items() if dock.isVisible()} == visible
    path = window.ctx.project.path
    window.window_actions.presentation.trigger()
    window.close()  # closing while presenting saves the working layout, not the projector's
    reopened = open_window(qtbot, settings, path)
    assert not reopened.isFullScreen()
    assert reopened.menuBar().isVisible() and reopened.toolbar.isVisible()
    assert {name for name, dock in reopened.panels.items() if dock.isVisible()} == visible
    reopened.close_project()


def test_find_selects_matching_steps(qtbot, window: MainWindow, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("c", True))
    window.window_actions.find.trigger()
    p = window.ctx.project
    assert set(window.ctx.selected_step_ids()) == {step_named(p, "C").id}
    assert "1 step found" in window.statusBar().currentMessage()


def test_open_recent_lists_and_opens_projects(
    qtbot, window: MainWindow, tmp_path: Path, loop_file: Path
) -> None:
    other = tmp_path / "demo.cxmap"
    write_demo(other)
    assert window.open_path(other)
    window.recent_menu.aboutToShow.emit()
    entries = [a.text() for a in window.recent_menu.actions()]
    assert entries[:2] == ["demo.cxmap", "loop.cxmap"]
    window.recent_menu.actions()[1].trigger()
    assert window.ctx.project.path == loop_file.resolve()


def test_export_map_image_adds_the_chosen_ending(window: MainWindow, tmp_path: Path) -> None:
    assert export_map_image(window, tmp_path / "journey", "SVG drawing (*.svg)")
    assert (tmp_path / "journey.svg").read_text().lstrip().startswith("<?xml")
    assert export_map_image(window, tmp_path / "map", "PNG image (*.png)")
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_arrow_crosses_a_card_on_the_demo(qtbot, tmp_path: Path) -> None:
    from cxmapper.ui.document.context import DocumentContext

    path = tmp_path / "demo.cxmap"
    write_demo(path)
    p = Project.open(path)
    scene = JourneyScene(DocumentContext(p))
    stroker = QPainterPathStroker()
    stroker.setWidth(1)
    crossings = []
    for flow in p.flows():
        stroke = stroker.createStroke(scene.arrows[flow.id].path())
        for step_id, card in scene.cards.items():
            if step_id in (flow.source_id, flow.target_id):
                continue
            body = QPainterPath()
            body.addRect(card.sceneBoundingRect().adjusted(6, 6, -17, -6))  # the card itself
            if stroke.intersects(body):
                crossings.append((flow.id, step_id))
    assert crossings == []
    assert scene.loops  # the demo has loops, and they were checked too
    p.close()


def test_fit_keeps_a_workshop_map_drawn_in_full(qtbot, window: MainWindow) -> None:
    from cxmapper.ui.canvas.items import SKETCH_FROM_CARDS

    window.window_actions.fit.trigger()
    assert len(window.view.journey_scene.cards) < SKETCH_FROM_CARDS
    lane = window.view.journey_scene.layout.lanes[window.ctx.project.work_groups()[0].id]
    assert lane.height >= CARD_H
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert shown.contains(window.view.journey_scene.itemsBoundingRect().adjusted(1, 1, -1, -1))


def test_titles_are_shown_as_typed_never_as_markup(qtbot, window: MainWindow) -> None:
    ctx, p = window.ctx, window.ctx.project
    a = step_named(p, "A")
    window.view.select_step(a.id)
    window.view.edit_title(a.id)
    qtbot.keyClicks(window.view, "<b>R&D</b> review")
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert p.step(a.id).title == "<b>R&D</b> review"
    assert window._status_selection.text() == "Step: <b>R&D</b> review"
    assert window._status_selection.textFormat() == Qt.TextFormat.PlainText
    assert window.window_actions.undo.text() == "&Undo Rename step '<b>R&&D</b> review'"
    evidence = window.panels["evidence"].widget()
    assert "&lt;b&gt;R&amp;D&lt;/b&gt; review" in evidence.stats.text()
    ctx.set_selection(steps=[], flows=[next(f.id for f in p.flows() if f.source_id == a.id)])
    inspector = window.panels["inspector"].widget().widget()
    qtbot.waitUntil(lambda: inspector.flow_ends.text().startswith("<b>R&D</b> review →"))
    assert inspector.flow_ends.textFormat() == Qt.TextFormat.PlainText


def test_map_checks_name_the_critical_steps_found_off_the_ui_thread(
    qtbot, window: MainWindow
) -> None:
    import threading

    inspector = window.panels["inspector"].widget().widget()
    window.panels["inspector"].raise_()
    window.ctx.set_selection(steps=[], flows=[])
    workers: list[str] = []
    real_start = threading.Thread.start

    def spy(thread: threading.Thread) -> None:
        workers.append(thread.name)
        real_start(thread)

    qtbot_patch = pytest.MonkeyPatch()
    qtbot_patch.setattr(threading.Thread, "start", spy)
    try:
        inspector.refresh()
        # On the loop A → B → C → A each step lies between the other two.
        qtbot.waitUntil(
            lambda: "Critical steps (most paths run through them): " in inspector.checks.text(),
            timeout=5000,
        )
    finally:
        qtbot_patch.undo()
    assert "critical-steps" in workers
    from cxmapper.model.journey import critical_steps

    p = window.ctx.project
    scores = critical_steps(p)
    top = [p.step(i).title for i, v in sorted(scores.items(), key=lambda kv: -kv[1]) if v > 0]
    assert inspector.checks.text().endswith(
        "Critical steps (most paths run through them): " + ", ".join(top[:3])
    )


def test_the_close_the_loop_list_catches_up_when_its_tab_is_raised(
    qtbot, demo_window: MainWindow
) -> None:
    window = demo_window
    p = window.ctx.project
    loop = window.panels["close-loop"].widget()
    window.panels["close-loop"].raise_()  # read when first shown, not on open
    qtbot.waitUntil(lambda: loop.model.rowCount() > 0)
    window.panels["evidence"].raise_()  # the list is behind another tab
    qtbot.waitUntil(lambda: loop.visibleRegion().isEmpty())
    titled = next(d for d in loop.model.items if d.steps)
    step = next(s for s in p.steps() if s.title == titled.steps.split(", ")[0])
    p.update_step(step.id, title="Renamed while hidden")
    assert not any("Renamed while hidden" in d.steps for d in loop.model.items)  # waited
    window.panels["close-loop"].raise_()
    qtbot.waitUntil(lambda: any("Renamed while hidden" in d.steps for d in loop.model.items))


def test_presentation_keeps_the_selected_steps_in_view(qtbot, demo_window: MainWindow) -> None:
    window = demo_window
    p, view = window.ctx.project, window.view
    far = max(p.steps(), key=lambda s: s.x)  # at the right end of the journey
    window.ctx.set_selection(steps=[far.id])
    window.window_actions.presentation.trigger()
    card = view.journey_scene.cards[far.id]

    def shown() -> bool:
        return (
            view.mapToScene(view.viewport().rect())
            .boundingRect()
            .contains(card.sceneBoundingRect())
        )

    qtbot.waitUntil(shown)


def test_enter_keeps_the_next_steps_in_the_stage_of_the_one_they_follow(
    qtbot, window: MainWindow
) -> None:
    p, view = window.ctx.project, window.view
    get_help = p.stages()[0]
    renew = p.add_stage("Renew")
    a = step_named(p, "A")
    p.update_step(a.id, stage_id=get_help.id)
    view.select_step(a.id)
    view.setFocus()
    for title in ("Asks again", "Waits", "Escalates"):
        qtbot.keyClick(view, Qt.Key.Key_Return)
        qtbot.keyClicks(view, title)
        qtbot.keyClick(view, Qt.Key.Key_Return)
    added = [step_named(p, t) for t in ("Asks again", "Waits", "Escalates")]
    assert {s.stage_id for s in added} == {get_help.id}  # not spread, not piled in Renew
    column = next(c for c in view.journey_scene.layout.columns if c.stage_id == get_help.id)
    for s in added:
        card = view.journey_scene.cards[s.id].sceneBoundingRect()
        assert column.left <= card.left() and card.right() <= column.right
    assert renew.id not in {s.stage_id for s in p.steps()}
