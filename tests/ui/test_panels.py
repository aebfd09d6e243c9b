"""The facilitator's path through the window: import evidence, see it at a step, score a
pain, agree a macro action, export the workbook — each step driven through the widgets."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMessageBox, QPushButton

from cxmapper.model.entities import Pain, Step
from cxmapper.model.scoring import score_pains
from cxmapper.ui.canvas.view import EVIDENCE_MIME
from cxmapper.ui.document.commands import UpdateItem
from cxmapper.ui.panels import Panel
from cxmapper.ui.window.exporting import export_plan
from cxmapper.ui.window.main_window import MainWindow
from tests.conftest import snapshot


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


def panel(w: MainWindow, name: str):
    return w.panels[name].widget()


def step_id(w: MainWindow, title: str) -> int:
    return next(s.id for s in w.ctx.project.steps() if s.title == title)


def test_every_docked_panel_is_a_panel_where_it_says(window: MainWindow) -> None:
    assert len(window.docked) == len(window.panels) == 7
    for dock, panel in window.docked:
        assert isinstance(panel, Panel)
        assert window.panels[panel.dock_name] is dock
        assert dock.windowTitle() == panel.dock_title
        assert window.dockWidgetArea(dock) == panel.dock_area


def test_evidence_panel_shows_the_selected_step(window: MainWindow) -> None:
    ev = panel(window, "evidence")
    step = step_id(window, "Receives invoice")
    window.ctx.set_selection(steps=[step])
    count = window.ctx.project.evidence.counts_by_step()[step]
    assert ev.step_model.rowCount() == count
    assert f"{count} items" in ev.stats.text() and "NPS" in ev.stats.text()
    ev.filter.setText("VAT")
    assert 0 < ev.step_proxy.rowCount() < count


def test_search_and_link_all_results_with_undo(qtbot, window: MainWindow) -> None:
    ev = panel(window, "evidence")
    target = step_id(window, "Go-live")
    window.ctx.set_selection(steps=[target])
    before = window.ctx.project.evidence.counts_by_step().get(target, 0)
    ev.query.setText("invoice")
    qtbot.keyClick(ev.query, Qt.Key.Key_Return)
    found = ev.search_model.rowCount()
    assert found > 10
    qtbot.mouseClick(ev.link_button, Qt.MouseButton.LeftButton)
    after = window.ctx.project.evidence.counts_by_step()[target]
    assert after == before + found
    card = window.view.journey_scene.cards[target]
    assert card.evidence_count == after  # the badge updated live
    window.ctx.undo_stack.undo()
    assert window.ctx.project.evidence.counts_by_step().get(target, 0) == before


def test_link_all_links_every_item_found_not_only_those_listed(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    import cxmapper.ui.panels.evidence as evidence_panel

    monkeypatch.setattr(evidence_panel, "SEARCH_SHOWN", 5)
    ev = panel(window, "evidence")
    target = step_id(window, "Go-live")
    window.ctx.set_selection(steps=[target])
    project = window.ctx.project
    every = {e.id for e in project.evidence.search("invoice", limit=100_000)}
    ev.query.setText("invoice")
    qtbot.keyClick(ev.query, Qt.Key.Key_Return)
    assert ev.search_model.rowCount() == 5 < len(every)
    assert f"{len(every):,} items found; the newest 5 are listed" == ev.search_note.text()
    qtbot.mouseClick(ev.link_button, Qt.MouseButton.LeftButton)
    linked = {e.id for e in project.evidence.for_steps([target], limit=100_000)}
    assert every <= linked


def test_dropping_evidence_on_a_card_links_it(window: MainWindow) -> None:
    view = window.view
    target = step_id(window, "Kick-off meeting")
    before = window.ctx.project.evidence.counts_by_step().get(target, 0)
    data = QMimeData()
    data.setData(EVIDENCE_MIME, b"[1, 2, 3]")
    view.ensure_visible("step", target)
    pos = view.mapFromScene(view.journey_scene.cards[target].sceneBoundingRect().center())
    enter = QDragEnterEvent(
        pos,
        Qt.DropAction.LinkAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(pos),
        Qt.DropAction.LinkAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(drop)
    assert window.ctx.project.evidence.counts_by_step()[target] == before + 3


def test_pain_from_selection_then_edit_reranks(qtbot, window: MainWindow, monkeypatch) -> None:
    pains = panel(window, "pains")
    project = window.ctx.project
    steps = [step_id(window, "Receives invoice"), step_id(window, "Invoice correction")]
    window.ctx.set_selection(steps=steps)
    opened = []
    monkeypatch.setattr(
        "cxmapper.ui.panels.pains.PainEditor.open", lambda self: opened.append(self)
    )
    pain_id = pains.new_pain()
    editor = opened[0]
    editor.title.setText("Seat changes are billed wrongly")
    editor._use_detractors()
    editor.contacts.setValue(4)
    editor.churn.setValue(20)  # 20 % extra churn × 38,000 CLV: very costly
    editor.accept()
    pain = project.pain(pain_id)
    assert pain.title == "Seat changes are billed wrongly" and pain.evidence_ids
    top = pains.model.scores[0]
    assert top.pain_id == pain_id and top.kind == "universal"
    assert score_pains(project)[0].pain_id == pain_id
    window.ctx.undo_stack.undo()
    window.ctx.undo_stack.undo()
    assert pains.model.scores[0].pain_id != pain_id


def test_matrix_click_selects_pain_and_steps(qtbot, window: MainWindow) -> None:
    matrix = panel(window, "matrix")
    matrix.resize(600, 400)
    score = matrix.scores[-1]
    centre = matrix.bubble_centre(score)
    qtbot.mouseClick(
        matrix, Qt.MouseButton.LeftButton, pos=QPoint(int(centre.x()), int(centre.y()))
    )
    hit = matrix.pain_at(centre)
    assert window.ctx.selected_pain_ids() == (hit.pain_id,)
    assert window.ctx.selected_step_ids() == tuple(window.ctx.project.pain(hit.pain_id).step_ids)


def test_macro_action_from_selected_pains(qtbot, window: MainWindow, monkeypatch) -> None:
    actions = panel(window, "actions")
    project = window.ctx.project
    pain = next(p for p in project.pains() if p.title.startswith("Migrated"))
    window.ctx.set_selection(pains=[pain.id])
    opened = []
    monkeypatch.setattr(
        "cxmapper.ui.panels.actions.ActionEditor.open", lambda self: opened.append(self)
    )
    action_id = actions.new_macro()
    names = {project.work_group(g).name for g in project.action(action_id).involved_group_ids}
    assert {"Onboarding", "Engineering"} <= names  # the pain's groups and its loop's
    editor = opened[0]
    editor.investment.setValue(50_000)
    editor.reduction.setValue(40)
    editor.accept()
    score = next(s for s in actions.model.scores if s.action_id == action_id)
    assert score.roi == pytest.approx(score.benefit / 50_000) and score.benefit > 0
    window.ctx.undo_stack.undo()
    window.ctx.undo_stack.undo()
    assert not any(a.id == action_id for a in project.actions())


def test_export_plan_from_the_window(window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail(str(a)))
    out = tmp_path / "plan.xlsx"
    assert export_plan(window, out)
    from python_calamine import CalamineWorkbook

    assert "Macro plan" in CalamineWorkbook.from_path(str(out)).sheet_names


def test_selected_verbatims_back_a_new_pain(qtbot, window: MainWindow, monkeypatch) -> None:
    ev = panel(window, "evidence")
    step = step_id(window, "Receives invoice")
    window.ctx.set_selection(steps=[step])
    ev.step_table.selectRow(0)
    ev.step_table.selectionModel().select(
        ev.step_proxy.index(1, 0),
        ev.step_table.selectionModel().SelectionFlag.Select
        | ev.step_table.selectionModel().SelectionFlag.Rows,
    )
    chosen = window.ctx.selected_evidence_ids()
    assert len(chosen) == 2 and ev.step_model.rowCount() > 2  # the list stayed
    monkeypatch.setattr("cxmapper.ui.panels.pains.PainEditor.open", lambda self: None)
    pain_id = panel(window, "pains").new_pain()
    pain = window.ctx.project.pain(pain_id)
    assert pain.evidence_ids == chosen and pain.step_ids == (step,)


def test_close_the_loop_status_is_ticked_saved_and_exported(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    loop = panel(window, "close-loop")
    qtbot.wait(10)
    assert loop.model.rowCount() == 0  # behind another tab: not read on open
    window.panels["close-loop"].raise_()  # its tab, clicked
    project = window.ctx.project
    qtbot.waitUntil(lambda: loop.model.rowCount() > 100)
    loop.table.selectRow(0)
    first = loop.selected_ids()
    loop.mark("contacted")
    assert project.evidence.follow_up(first[0]) == ("contacted", "")
    shown = next(d for d in loop.model.items if d.evidence_id == first[0])
    assert shown.status == "contacted"
    window.ctx.undo_stack.undo()
    assert project.evidence.follow_up(first[0]) == ("open", "")
    window.ctx.undo_stack.redo()
    out = tmp_path / "plan.xlsx"
    from python_calamine import CalamineWorkbook

    from cxmapper.exchange.workbook import export_workbook

    export_workbook(project, out)
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Close the loop").to_python()
    assert rows[1][7] == "Contacted"


def test_bright_spot_becomes_a_cultural_action(window: MainWindow) -> None:
    ev = panel(window, "evidence")
    ev.refresh_bright()
    assert ev.bright.count() > 0
    ev.bright.setCurrentRow(0)
    action_id = ev.celebrate()
    action = window.ctx.project.action(action_id)
    assert action.kind.value == "cultural" and action.title.startswith("Celebrate")
    window.ctx.undo_stack.undo()
    assert all(a.id != action_id for a in window.ctx.project.actions())


def test_keyword_rules_link_matching_evidence_in_one_undoable_edit(window: MainWindow) -> None:
    ev = panel(window, "evidence")
    project = window.ctx.project
    target = step_id(window, "Adoption check-in")
    before = project.evidence.counts_by_step().get(target, 0)
    ev.add_rule("VAT invoice", target)
    ev.add_rule("", None)  # an empty rule is ignored
    made = ev.apply_rules()
    expected = len(project.evidence.search("VAT invoice"))
    assert made == expected > 0
    assert project.evidence.counts_by_step()[target] == before + expected
    window.ctx.undo_stack.undo()
    assert project.evidence.counts_by_step().get(target, 0) == before


def test_the_imports_list_shows_when_each_file_came_in_readably(window: MainWindow) -> None:
    ev = panel(window, "evidence")
    batches = window.ctx.project.evidence.batches()
    assert batches and ev.batches.count() == len(batches)
    for n, batch in enumerate(batches):
        at = dt.datetime.fromisoformat(batch.imported_at)
        text = ev.batches.item(n).text()
        assert text.endswith(f", imported {at:%Y-%m-%d} at {at:%H:%M}"), text
        assert batch.imported_at not in text and not re.search(r"\dT\d", text)


def test_removing_an_import_is_undoable_and_keeps_the_history(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail(str(a)))
    ev = panel(window, "evidence")
    project = window.ctx.project
    stack = window.ctx.undo_stack
    step = step_id(window, "Receives invoice")
    window.ctx.set_selection(steps=[step])
    # An earlier edit: removing an import used to clear the whole history.
    assert window.ctx.edit(lambda: UpdateItem(project, Step, step, "Rename", title="Invoice"))
    batch = project.evidence.batches()[0]
    batch_ids = set(project.evidence.batch_evidence_ids(batch.id))
    cited = next(p for p in project.pains() if batch_ids & set(p.evidence_ids))
    original = snapshot(project)
    shown = ev.step_model.rowCount()

    ev.tabs.setCurrentIndex(ev.tabs.count() - 1)
    ev.batches.setCurrentRow(0)
    button = next(b for b in ev.findChildren(QPushButton) if b.text().startswith("Remove the"))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert batch.id not in [b.id for b in project.evidence.batches()]
    assert ev.batches.count() == len(project.evidence.batches())
    assert stack.count() == 2 and stack.undoText() == f"Remove import '{batch.file_name}'"
    pain = project.pain(cited.id)
    assert pain.evidence_ids and not batch_ids & set(pain.evidence_ids)
    assert ev.step_model.rowCount() < shown  # the panel shows what is left at the step
    scores = {s.pain_id: s for s in score_pains(project)}
    assert scores[pain.id].evidence_count == len(pain.evidence_ids)
    # The pain can still be edited (it used to fail: "FOREIGN KEY constraint failed").
    assert window.ctx.edit(lambda: UpdateItem(project, Pain, pain.id, "Edit", extra_contacts=1.5))
    stack.undo()

    window.window_actions.undo.trigger()
    assert snapshot(project) == original
    assert ev.batches.count() == len(project.evidence.batches())
    assert ev.step_model.rowCount() == shown
    window.window_actions.redo.trigger()
    assert batch.id not in [b.id for b in project.evidence.batches()]
    assert not batch_ids & set(project.pain(cited.id).evidence_ids)
    window.window_actions.undo.trigger()
    window.window_actions.undo.trigger()  # the earlier rename is still there to undo
    assert project.step(step).title == "Receives invoice"


def test_deleting_the_whole_map_reads_the_close_the_loop_list_once(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    import cxmapper.ui.panels.close_loop as close_loop

    dock = window.panels["close-loop"]
    dock.show()
    dock.raise_()
    listing = dock.widget()
    qtbot.waitUntil(lambda: not listing._stale and not listing.visibleRegion().isEmpty())
    reads: list[int] = []
    real = close_loop.detractors

    def counted(project):  # type: ignore[no-untyped-def]
        reads.append(1)
        return real(project)

    monkeypatch.setattr(close_loop, "detractors", counted)
    window.view.setFocus()
    window.window_actions.select_all.trigger()
    window.window_actions.delete.trigger()
    assert window.ctx.project.steps() == []
    # Every step removed announces itself and the links of its evidence: one read, at the end.
    assert len(reads) == 1
