"""Never crash, never swallow an edit: every edit goes through the document context's one edit
path, and every refusal reaches the window once (status bar and a notice beside the panel that
asked), whichever panel asked. Driven through the widgets, as a facilitator would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QPushButton, QWidget

from cxmapper.model import entities as e
from cxmapper.model.project import Project
from cxmapper.model.validation import ModelError
from cxmapper.ui.canvas.interactions import EditTitle
from cxmapper.ui.document.commands import AddStep
from cxmapper.ui.window.main_window import MainWindow
from tests.conftest import snapshot
from tests.ui.conftest import open_window

REFUSAL = "Refused for this test."


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    """Customer → Support, one stage, and a pain on the first step."""
    path = tmp_path / "small.cxmap"
    with Project.create(path) as p:
        customer, support = p.add_work_group("Customer"), p.add_work_group("Support")
        stage = p.add_stage("Get help")
        a = p.add_step(customer.id, "Asks", x=40, y=16, stage_id=stage.id)
        b = p.add_step(support.id, "Answers", x=280, y=16, stage_id=stage.id)
        p.add_flow(a.id, b.id)
    return path


@pytest.fixture
def window(qtbot, settings: QSettings, small_file: Path) -> Iterator[MainWindow]:
    w = open_window(qtbot, settings, small_file)
    yield w
    w.close_project()


@pytest.fixture(autouse=True)
def no_message_boxes(monkeypatch) -> None:
    """A refusal is never a modal box to click away."""
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, n=name: pytest.fail(f"{n}: {a}"))


class Reports:
    """What the window showed of refusals: status-bar messages and notices (with anchors)."""

    def __init__(self, window: MainWindow, monkeypatch) -> None:
        self.window = window
        self.status: list[str] = []
        self.notices: list[tuple[str, QWidget]] = []
        self.modal = QApplication.activeModalWidget()  # (a form another test left open)
        window.statusBar().messageChanged.connect(self._status)
        real = window.notice.show_near

        def spy(anchor: QWidget, message: str, at: QRect | None = None) -> None:
            self.notices.append((message, anchor))
            real(anchor, message, at)

        monkeypatch.setattr(window.notice, "show_near", spy)

    def _status(self, text: str) -> None:
        if text:
            self.status.append(text)

    def once(self, message: str) -> QWidget:
        """The refusal was shown exactly once, in both places; returns the notice's anchor."""
        assert self.status.count(message) == 1, self.status
        assert [m for m, _a in self.notices] == [message]
        notice = self.window.notice
        assert notice.isVisible() and notice.text() == message
        assert notice.accessibleDescription() == message
        assert QApplication.activeModalWidget() is self.modal  # nothing to click away
        return self.notices[0][1]


@pytest.fixture
def reports(window: MainWindow, monkeypatch) -> Reports:
    return Reports(window, monkeypatch)


def refuse(*_args, **_kwargs):
    raise ModelError(REFUSAL)


def step_named(p: Project, title: str) -> e.Step:
    return next(s for s in p.steps() if s.title == title)


def click(qtbot, widget: QWidget, text: str) -> None:
    button = next(b for b in widget.findChildren(QPushButton) if b.text() == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# --- the title typed into a new step ---------------------------------------------------------


def test_a_501_character_title_typed_into_a_new_step_is_refused_and_kept_for_correction(
    qtbot, window: MainWindow, reports: Reports
) -> None:
    view, ctx, p = window.view, window.ctx, window.ctx.project
    view.select_step(step_named(p, "Asks").id)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)  # adds "New step", its title ready for typing
    new = view.current_step()
    qtbot.keyClicks(view, "x" * 501)
    qtbot.keyClick(view, Qt.Key.Key_Return)

    reports.once("The step title is longer than 500 characters.")
    assert p.step(new).title == "New step"  # nothing half-saved
    assert ctx.undo_stack.count() == 1 and ctx.undo_stack.undoText() == "Add step 'New step'"
    editing = view._interaction
    assert isinstance(editing, EditTitle) and editing.text() == "x" * 501  # not lost
    # Shortened and confirmed: one undo step, named by the title.
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select it all
    qtbot.keyClicks(view, "Escalates")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert p.step(new).title == "Escalates"
    assert ctx.undo_stack.count() == 1
    assert window.window_actions.undo.text() == "&Undo Add step 'Escalates'"
    ctx.undo_stack.undo()
    assert not p.has_step(new)
    ctx.undo_stack.redo()
    assert p.step(new).title == "Escalates"  # redo adds it as completed


def test_the_typed_title_merges_into_the_add_but_a_later_rename_does_not(
    qtbot, window: MainWindow
) -> None:
    view, stack, p = window.view, window.ctx.undo_stack, window.ctx.project
    view.select_step(step_named(p, "Answers").id)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    added = stack.command(0)
    assert isinstance(added, AddStep)
    qtbot.keyClicks(view, "Follows up")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    # QUndoStack merged the rename into the add (mergeWith): still that one command.
    assert stack.count() == 1 and stack.command(0) is added
    assert added.text() == "Add step 'Follows up'" and added.values["title"] == "Follows up"
    qtbot.keyClick(view, Qt.Key.Key_F2)  # a rename later is an edit of its own
    qtbot.keyClicks(view, "Calls back")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert stack.count() == 2 and stack.undoText() == "Rename step 'Calls back'"
    stack.undo()
    assert step_named(p, "Follows up")
    stack.undo()
    assert [s.title for s in p.steps()] == ["Asks", "Answers"]


def test_a_completing_edit_merges_only_into_its_own_add_while_it_is_the_latest(
    window: MainWindow,
) -> None:
    from cxmapper.ui.document.commands import UpdateItem

    ctx, p = window.ctx, window.ctx.project
    stack, group = ctx.undo_stack, p.work_groups()[0].id

    def title(add: AddStep, text: str, *, completes: AddStep | None = None) -> UpdateItem | None:
        assert add.step_id is not None
        return ctx.edit(
            lambda: UpdateItem(p, e.Step, add.step_id, "Rename", completes=completes, title=text)
        )

    first = ctx.edit(lambda: AddStep(p, group, "New step", x=520.0, y=16.0))
    assert first is not None and first.id() != -1
    title(first, "A", completes=first)
    assert stack.count() == 1 and first.text() == "Add step 'A'"  # merged by mergeWith
    second = ctx.edit(lambda: AddStep(p, group, "New step", x=760.0, y=16.0))
    assert second is not None
    title(first, "A2", completes=first)  # another add came in between: its own step
    assert stack.count() == 3 and first.text() == "Add step 'A'"
    assert second.text() == "Add step 'New step'"  # nor taken by the add on top
    plain = title(second, "B")  # an ordinary rename never merges
    assert plain is not None and plain.id() == -1 and stack.count() == 4
    while stack.canUndo():
        stack.undo()
    while stack.canRedo():
        stack.redo()
    assert {s.title for s in p.steps()} >= {"A2", "B"}


# --- every panel's refusal reaches the window once --------------------------------------------


def test_a_refusal_on_the_map_is_reported_once_beside_it(
    qtbot, window: MainWindow, reports: Reports, monkeypatch
) -> None:
    p = window.ctx.project
    monkeypatch.setattr(p, "remove_steps", refuse)
    window.view.select_step(step_named(p, "Asks").id)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert reports.once(REFUSAL) is window.view
    assert p.has_step(step_named(p, "Asks").id) and window.ctx.undo_stack.count() == 0


def test_a_refusal_in_the_inspector_is_reported_once_beside_it(
    qtbot, window: MainWindow, reports: Reports, monkeypatch
) -> None:
    p = window.ctx.project
    monkeypatch.setattr(p, "update_step", refuse)
    window.panels["inspector"].raise_()
    inspector = window.panels["inspector"].widget().widget()
    window.view.select_step(step_named(p, "Asks").id)
    inspector.title.setFocus()
    inspector.title.selectAll()
    qtbot.keyClicks(inspector.title, "Asks twice")
    qtbot.keyClick(inspector.title, Qt.Key.Key_Return)
    assert reports.once(REFUSAL) is inspector
    assert step_named(p, "Asks") and window.ctx.undo_stack.count() == 0


def test_a_refusal_from_the_insert_menu_is_reported_once(
    window: MainWindow, reports: Reports, monkeypatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Billing", True))
    monkeypatch.setattr(window.ctx.project, "add_work_group", refuse)
    window.window_actions.add_group.trigger()
    assert reports.once(REFUSAL) is window.view


def test_a_refusal_in_the_pain_register_is_reported_once_beside_it(
    qtbot, window: MainWindow, reports: Reports, monkeypatch
) -> None:
    p = window.ctx.project
    p.add_pain("Asked twice", step_ids=(step_named(p, "Asks").id,))
    monkeypatch.setattr(p, "remove_pain", refuse)
    window.panels["pains"].raise_()
    pains = window.panels["pains"].widget()
    qtbot.waitUntil(lambda: pains.model.rows() == 1)
    pains.table.selectRow(0)
    click(qtbot, pains, "Delete")
    assert reports.once(REFUSAL) is pains
    assert [x.title for x in p.pains()] == ["Asked twice"]


def test_a_refusal_in_the_action_plan_is_reported_once_beside_it(
    qtbot, window: MainWindow, reports: Reports, monkeypatch
) -> None:
    monkeypatch.setattr(window.ctx.project, "add_action", refuse)
    window.panels["actions"].raise_()
    actions = window.panels["actions"].widget()
    click(qtbot, actions, "New action")
    assert reports.once(REFUSAL) is actions
    assert window.ctx.project.actions() == [] and window.ctx.undo_stack.count() == 0


def test_a_refusal_in_the_evidence_panel_is_reported_once_beside_it(
    qtbot, demo_window: MainWindow, monkeypatch
) -> None:
    window = demo_window
    reports = Reports(window, monkeypatch)
    p = window.ctx.project
    monkeypatch.setattr(p.evidence, "link", refuse)
    window.panels["evidence"].raise_()
    ev = window.panels["evidence"].widget()
    window.ctx.set_selection(steps=[step_named(p, "Go-live").id])
    ev.tabs.setCurrentIndex(1)
    ev.query.setText("invoice")
    qtbot.keyClick(ev.query, Qt.Key.Key_Return)
    before = snapshot(p)
    click(qtbot, ev, "Link all results to the selected step")
    assert reports.once(REFUSAL) is ev
    assert snapshot(p) == before


def test_a_refusal_in_close_the_loop_is_reported_once_beside_it(
    qtbot, demo_window: MainWindow, monkeypatch
) -> None:
    window = demo_window
    window.panels["close-loop"].raise_()
    loop = window.panels["close-loop"].widget()
    qtbot.waitUntil(lambda: loop.model.rowCount() > 0)  # read once its tab is seen
    reports = Reports(window, monkeypatch)
    monkeypatch.setattr(window.ctx.project.evidence, "set_follow_up", refuse)
    loop.table.selectRow(0)
    click(qtbot, loop, "Mark contacted")
    assert reports.once(REFUSAL) is loop
    assert window.ctx.undo_stack.count() == 0


def test_the_notice_goes_at_the_next_click_and_by_itself(
    qtbot, window: MainWindow, reports: Reports, monkeypatch
) -> None:
    p = window.ctx.project
    monkeypatch.setattr(p, "remove_steps", refuse)
    window.view.select_step(step_named(p, "Asks").id)
    window.view.delete_selected()
    notice = window.notice
    assert notice.isVisible() and notice.accessibleName() == "Not changed"
    assert not notice.hasFocus() and window.view.hasFocus()  # typing carries on in the map
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton)
    assert not notice.isVisible()
    window.view.select_step(step_named(p, "Asks").id)  # the click chose nothing
    window.view.delete_selected()
    assert notice.isVisible()
    notice._timer.timeout.emit()  # its few seconds are up: it fades, then closes
    qtbot.waitUntil(lambda: not notice.isVisible(), timeout=3000)
    assert REFUSAL in window.statusBar().currentMessage()  # the status bar keeps it longer


def test_a_refusal_leaves_the_status_bar_once_a_later_edit_succeeds(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    p = window.ctx.project
    with monkeypatch.context() as patched:
        patched.setattr(p, "remove_steps", refuse)
        window.view.select_step(step_named(p, "Asks").id)
        window.view.delete_selected()
    assert window.statusBar().currentMessage() == REFUSAL
    window.view.select_step(step_named(p, "Answers").id)  # choosing is not editing
    assert window.statusBar().currentMessage() == REFUSAL
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # this time the step goes
    assert not any(s.title == "Answers" for s in p.steps())
    assert REFUSAL not in window.statusBar().currentMessage()


# --- compound edits ---------------------------------------------------------------------------


def test_a_paste_with_a_refused_part_takes_back_what_it_pasted_and_reports_once(
    qtbot, window: MainWindow, reports: Reports, monkeypatch
) -> None:
    view, ctx, p = window.view, window.ctx, window.ctx.project
    ctx.set_selection(steps=[s.id for s in p.steps()])
    view.copy_selected()
    before, count = snapshot(p), ctx.undo_stack.count()
    monkeypatch.setattr(p, "add_flow", refuse)  # the steps go in, then their flow is refused
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    reports.once(REFUSAL)
    assert snapshot(p) == before  # all or nothing
    assert ctx.undo_stack.count() == count and not ctx.undo_stack.canRedo()  # no empty step


# --- keyword rules ----------------------------------------------------------------------------


def test_a_keyword_rule_whose_step_was_deleted_is_marked_and_apply_does_not_raise(
    qtbot, demo_window: MainWindow
) -> None:
    window = demo_window
    ctx, p = window.ctx, window.ctx.project
    ev = window.panels["evidence"].widget()
    window.panels["evidence"].raise_()
    ev.tabs.setCurrentIndex(2)
    target = step_named(p, "Adoption check-in")
    click(qtbot, ev, "Add rule")
    ev.rules.item(0, 0).setText("VAT invoice")
    combo = ev.rules.cellWidget(0, 1)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(target.id))
    window.view.select_step(target.id)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert not p.has_step(target.id)
    count, links = ctx.undo_stack.count(), p.evidence.counts_by_step()

    click(qtbot, ev, "Apply rules")  # raised "There is no step with id …" out of the slot
    assert ev.rules_note.text() == "0 new links made. 1 rule skipped: its step was deleted."
    assert ctx.undo_stack.count() == count and p.evidence.counts_by_step() == links
    qtbot.waitUntil(lambda: combo.currentText() == "Adoption check-in (deleted step)")
    assert combo.findText("Adoption check-in") < 0  # not offered as a live step

    ctx.undo_stack.undo()  # the step is back, and so is the rule as it was
    qtbot.waitUntil(lambda: combo.currentText() == "Adoption check-in")
    click(qtbot, ev, "Apply rules")
    expected = len(p.evidence.search_ids("VAT invoice"))
    assert expected > 1 and ev.rules_note.text() == f"{expected:,} new links made."
    assert ctx.undo_stack.undoText() == "Apply 1 keyword rule"


def test_a_refused_apply_is_reported_once_and_links_nothing(
    qtbot, demo_window: MainWindow, monkeypatch
) -> None:
    window = demo_window
    reports = Reports(window, monkeypatch)
    p = window.ctx.project
    ev = window.panels["evidence"].widget()
    window.panels["evidence"].raise_()
    ev.tabs.setCurrentIndex(2)
    ev.add_rule("VAT invoice", step_named(p, "Adoption check-in").id)
    ev.add_rule("invoice", step_named(p, "Go-live").id)
    real_link = p.evidence.link
    calls: list[int] = []

    def second_refused(ids, step_id):  # the first rule links, the second is refused
        calls.append(step_id)
        if len(calls) == 2:
            raise ModelError(REFUSAL)
        return real_link(ids, step_id)

    monkeypatch.setattr(p.evidence, "link", second_refused)
    before, count = snapshot(p), window.ctx.undo_stack.count()
    click(qtbot, ev, "Apply rules")
    assert reports.once(REFUSAL) is ev
    assert snapshot(p) == before and window.ctx.undo_stack.count() == count
    assert ev.rules_note.text() == "No links made: the rules were not applied."


# --- close the loop ---------------------------------------------------------------------------


def test_close_the_loop_mark_contacted_then_assign_owner(
    qtbot, demo_window: MainWindow, monkeypatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    window = demo_window
    ctx, evidence = window.ctx, window.ctx.project.evidence
    window.panels["close-loop"].raise_()
    loop = window.panels["close-loop"].widget()
    qtbot.waitUntil(lambda: loop.model.rowCount() > 0)  # read once its tab is seen
    loop.table.selectRow(0)
    loop.table.selectionModel().select(
        loop.proxy.index(1, 0),
        loop.table.selectionModel().SelectionFlag.Select
        | loop.table.selectionModel().SelectionFlag.Rows,
    )
    chosen = loop.selected_ids()
    assert len(chosen) == 2

    click(qtbot, loop, "Mark contacted")
    assert window.window_actions.undo.text() == "&Undo Mark 2 detractors contacted"
    assert sorted(loop.selected_ids()) == sorted(chosen)  # still selected after the edit

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("  Dana  ", True))
    click(qtbot, loop, "Assign owner…")
    assert [evidence.follow_up(i) for i in chosen] == [("contacted", "Dana")] * 2
    assert ctx.undo_stack.undoText() == "Assign owner 'Dana' to 2 detractors"
    assert sorted(loop.selected_ids()) == sorted(chosen)

    ctx.undo_stack.undo()
    assert [evidence.follow_up(i) for i in chosen] == [("contacted", "")] * 2
    ctx.undo_stack.undo()
    assert [evidence.follow_up(i) for i in chosen] == [("open", "")] * 2


def test_assigning_an_owner_keeps_each_detractors_own_status(
    qtbot, demo_window: MainWindow, monkeypatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    window = demo_window
    evidence = window.ctx.project.evidence
    window.panels["close-loop"].raise_()
    loop = window.panels["close-loop"].widget()
    qtbot.waitUntil(lambda: loop.model.rowCount() > 0)  # read once its tab is seen
    loop.table.selectRow(0)
    first = loop.selected_ids()[0]
    click(qtbot, loop, "Mark resolved")
    loop.table.selectionModel().select(
        loop.proxy.index(1, 0),
        loop.table.selectionModel().SelectionFlag.Select
        | loop.table.selectionModel().SelectionFlag.Rows,
    )
    second = next(i for i in loop.selected_ids() if i != first)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Sam", True))
    click(qtbot, loop, "Assign owner…")
    assert evidence.follow_up(first) == ("resolved", "Sam")
    assert evidence.follow_up(second) == ("open", "Sam")  # not given the first one's status


# --- one edit path, kept ----------------------------------------------------------------------


def test_only_the_document_context_pushes_on_the_undo_stack() -> None:
    ui = Path(__file__).parents[2] / "cxmapper" / "ui"
    pushing = re.compile(r"\.push\(|\bbeginMacro\(|\bimport\b[^\n]*\bpush\b")
    offenders = [
        f"{path.relative_to(ui)}:{n}: {line.strip()}"
        for path in sorted(ui.rglob("*.py"))
        # the edit path, the commands, and the stack itself (its push says when an edit has
        # settled) push; nothing else does.
        if path.relative_to(ui).as_posix()
        not in {"document/context.py", "document/commands.py", "document/undo_stack.py"}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pushing.search(line)
    ]
    assert offenders == []
    commands = (ui / "document" / "commands.py").read_text(encoding="utf-8")
    assert commands.count(".push(") == 0
