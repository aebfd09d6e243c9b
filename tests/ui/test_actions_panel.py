"""The action plan driven as the room uses it: a macro action from the selected universal
pains with the work groups the journey says must act, its investment and ROI, filters, undo."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QPushButton

from cxmapper.model import entities as e
from cxmapper.model.journey import groups_to_involve
from cxmapper.model.project import Project
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.actions import ActionEditor, ActionPanel
from tests.conftest import snapshot


@pytest.fixture
def ctx(small_journey: Project) -> Iterator[DocumentContext]:
    project = small_journey
    project.update_settings(customer_base=10_000, currency="EUR")
    context = DocumentContext(project)
    yield context
    context.close()


@pytest.fixture
def panel(qtbot, ctx: DocumentContext) -> Iterator[ActionPanel]:
    widget = ActionPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 400)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.detach()


def steps(ctx: DocumentContext) -> dict[str, int]:
    return {s.title: s.id for s in ctx.project.steps()}


def groups(ctx: DocumentContext) -> dict[str, int]:
    return {g.name: g.id for g in ctx.project.work_groups()}


def universal_pain(ctx: DocumentContext, title: str = "Wrong invoice") -> int:
    """10 % of 10,000 customers at 100 EUR each: impact 100,000 EUR a year."""
    return ctx.project.add_pain(
        title,
        step_ids=(steps(ctx)["Receives invoice"],),
        reach_source=e.ReachSource.ESTIMATE,
        reach_estimate_share=0.10,
        rework_cost=100.0,
    ).id


def local_pain(ctx: DocumentContext) -> int:
    return ctx.project.add_pain(
        "Pay page slow",
        step_ids=(steps(ctx)["Pays"],),
        reach_source=e.ReachSource.ESTIMATE,
        reach_estimate_share=0.01,
        rework_cost=10.0,
    ).id


def button(widget, text: str) -> QPushButton:
    return next(b for b in widget.findChildren(QPushButton) if b.text() == text)


def open_editor(panel: ActionPanel) -> ActionEditor:
    editors = [d for d in panel.findChildren(ActionEditor) if d.isVisible()]
    assert len(editors) == 1
    return editors[0]


def ok(qtbot, editor: ActionEditor) -> None:
    box = editor.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def cell(panel: ActionPanel, row: int, column: str) -> str:
    return panel.proxy.index(row, panel.model.COLUMNS.index(column)).data()


def ticked_groups(editor: ActionEditor) -> set[int]:
    items = (editor.groups.item(i) for i in range(editor.groups.count()))
    return {
        i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked
    }


def test_macro_action_from_selected_pains_suggests_the_groups_to_involve(
    qtbot, ctx: DocumentContext, panel: ActionPanel
) -> None:
    wrong, slow = universal_pain(ctx), local_pain(ctx)
    ctx.set_selection(pains=[wrong, slow])
    before = snapshot(ctx.project)

    qtbot.mouseClick(button(panel, "Macro action from selected pains"), Qt.MouseButton.LeftButton)
    editor = open_editor(panel)
    g = groups(ctx)
    # "Receives invoice" (Customer) hands off to Support, and sits on the loop
    # Customer → Support → Billing → Customer: all three must sit at the table.
    expected = {g["Customer"], g["Support"], g["Billing"]}
    assert ticked_groups(editor) == expected == set(groups_to_involve(ctx.project, [wrong]))
    # The customer never owns an internal action: no owner until the room chooses one.
    assert editor.owner.currentText() == "— choose —" and editor.owner.currentData() is None
    assert cell(panel, 0, "Owner") == "—"
    editor.title.selectAll()
    qtbot.keyClicks(editor.title, "Fix invoice data at the source")
    editor.owner.setCurrentIndex(editor.owner.findData(g["Billing"]))
    qtbot.keyClicks(editor.sponsor, "CFO")
    editor.investment.setValue(20_000)
    editor.reduction.setValue(50)
    ok(qtbot, editor)

    action = ctx.project.actions()[0]
    assert action.kind == e.ActionKind.MACRO
    assert action.pain_ids == (wrong,)  # the local pain is left to micro action
    assert set(action.involved_group_ids) == expected and action.owner_group_id == g["Billing"]
    assert cell(panel, 0, "Action") == "Fix invoice data at the source"
    assert cell(panel, 0, "Pains") == "Wrong invoice"
    assert cell(panel, 0, "Owner") == "Billing" and cell(panel, 0, "Sponsor") == "CFO"
    assert cell(panel, 0, "Benefit / yr") == "50,000 EUR"  # 100,000 × 50 %
    assert cell(panel, 0, "ROI") == "2.5×"  # 50,000 ÷ 20,000
    assert ctx.undo_stack.count() == 1
    assert ctx.undo_stack.undoText() == "Add action 'Fix invoice data at the source'"
    ctx.undo_stack.undo()
    assert snapshot(ctx.project) == before and panel.proxy.rowCount() == 0
    ctx.undo_stack.redo()
    assert ctx.project.actions() == [action]


def test_local_pains_alone_get_no_macro_action(
    ctx: DocumentContext, panel: ActionPanel, monkeypatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _w, _t, text: told.append(text))
    slow = local_pain(ctx)
    ctx.set_selection(pains=[slow])
    assert panel.new_macro() is None
    assert "local" in told[0] and ctx.project.actions() == []
    # "New action" gives them a micro action instead
    action_id = panel.new_action()
    open_editor(panel).accept()
    action = ctx.project.action(action_id)
    assert action.kind == e.ActionKind.MICRO and action.pain_ids == (slow,)
    assert action.title == "Follow up: Pay page slow"


def test_editing_investment_updates_roi_and_rank_with_undo(
    qtbot, ctx: DocumentContext, panel: ActionPanel
) -> None:
    wrong = universal_pain(ctx)
    for title, investment in (("Train billing", 10_000.0), ("New invoicing system", 100_000.0)):
        ctx.project.add_action(
            title, pain_ids=(wrong,), investment=investment, expected_reduction=0.5
        )
    assert [cell(panel, r, "Action") for r in (0, 1)] == ["Train billing", "New invoicing system"]
    assert cell(panel, 1, "ROI") == "0.5×"
    resets: list[int] = []
    panel.model.modelReset.connect(lambda: resets.append(1))

    panel.table.selectRow(1)
    qtbot.mouseClick(button(panel, "Edit…"), Qt.MouseButton.LeftButton)
    editor = open_editor(panel)
    editor.investment.setValue(5_000)
    ok(qtbot, editor)

    assert [cell(panel, r, "Action") for r in (0, 1)] == ["New invoicing system", "Train billing"]
    assert cell(panel, 0, "ROI") == "10.0×" and cell(panel, 0, "Rank") == 1
    assert panel.selected_action_id() == ctx.project.actions()[1].id  # still selected
    assert resets == [] and ctx.undo_stack.undoText() == "Edit action 'New invoicing system'"
    ctx.undo_stack.undo()
    assert cell(panel, 1, "Action") == "New invoicing system" and cell(panel, 1, "ROI") == "0.5×"
    # the pain's impact feeds the benefit: a cheaper pain lowers every ROI
    ctx.project.update_pain(wrong, rework_cost=50.0)
    assert cell(panel, 0, "ROI") == "2.5×"


def test_refused_dates_are_shown_in_the_form(
    qtbot, ctx: DocumentContext, panel: ActionPanel
) -> None:
    action = ctx.project.add_action("Train billing")
    panel.table.selectRow(0)
    panel.edit_selected()
    editor = open_editor(panel)
    editor.start.setDate(QDate(2027, 3, 1))
    editor.due.setDate(QDate(2027, 2, 1))
    ok(qtbot, editor)
    assert editor.isVisible()
    assert editor.error.text() == "The due date cannot be before the start date."
    assert ctx.project.action(action.id).due_date is None and ctx.undo_stack.count() == 0


def test_suggest_ticks_the_groups_of_the_ticked_pains(
    ctx: DocumentContext, panel: ActionPanel
) -> None:
    slow = local_pain(ctx)
    action = ctx.project.add_action("Speed up payment", kind=e.ActionKind.MICRO)
    editor = ActionEditor(ctx, action, panel)
    assert ticked_groups(editor) == set()
    for i in range(editor.pains.count()):
        if editor.pains.item(i).data(Qt.ItemDataRole.UserRole) == slow:
            editor.pains.item(i).setCheckState(Qt.CheckState.Checked)
    button(editor, "Suggest from the pains' steps, hand-offs and loops").click()
    assert ticked_groups(editor) == {groups(ctx)["Customer"]}  # "Pays" has no hand-off
    editor.accept()
    assert ctx.project.action(action.id).involved_group_ids == (groups(ctx)["Customer"],)


def test_filters_by_kind_status_and_text(qtbot, ctx: DocumentContext, panel: ActionPanel) -> None:
    ctx.project.add_action("Fix invoices", kind=e.ActionKind.MACRO)
    ctx.project.add_action("Call back Anna", kind=e.ActionKind.MICRO)
    ctx.project.add_action(
        "Call back Ben", kind=e.ActionKind.MICRO, status=e.ActionStatus.DONE, sponsor="Head"
    )
    ctx.project.add_action("Celebrate support", kind=e.ActionKind.CULTURAL)

    def shown() -> set[str]:
        return {cell(panel, r, "Action") for r in range(panel.proxy.rowCount())}

    panel.kind_filter.setCurrentIndex(panel.kind_filter.findData(e.ActionKind.MICRO))
    assert shown() == {"Call back Anna", "Call back Ben"}
    panel.status_filter.setCurrentIndex(panel.status_filter.findData(e.ActionStatus.DONE))
    assert shown() == {"Call back Ben"}
    panel.kind_filter.setCurrentIndex(0)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData(e.ActionStatus.PROPOSED))
    qtbot.keyClicks(panel.filter, "celebr")
    assert shown() == {"Celebrate support"}
    panel.filter.clear()
    panel.status_filter.setCurrentIndex(0)
    assert len(shown()) == 4
    # a status changed elsewhere moves the action in or out of the filtered list
    panel.status_filter.setCurrentIndex(panel.status_filter.findData(e.ActionStatus.DONE))
    anna = next(a for a in ctx.project.actions() if a.title == "Call back Anna")
    ctx.project.update_action(anna.id, status=e.ActionStatus.DONE)
    assert shown() == {"Call back Anna", "Call back Ben"}


def test_selecting_an_action_selects_its_pains_and_steps_and_delete_undoes(
    qtbot, ctx: DocumentContext, panel: ActionPanel
) -> None:
    wrong = universal_pain(ctx)
    action = ctx.project.add_action("Fix invoices", pain_ids=(wrong,))
    panel.table.selectRow(0)
    assert ctx.selected_action_ids() == (action.id,)
    assert ctx.selected_pain_ids() == (wrong,)
    assert ctx.selected_step_ids() == (steps(ctx)["Receives invoice"],)
    before = snapshot(ctx.project)
    qtbot.mouseClick(button(panel, "Delete"), Qt.MouseButton.LeftButton)
    assert ctx.project.actions() == [] and panel.proxy.rowCount() == 0
    assert ctx.selected_action_ids() == ()
    ctx.undo_stack.undo()
    assert snapshot(ctx.project) == before and cell(panel, 0, "Action") == "Fix invoices"
