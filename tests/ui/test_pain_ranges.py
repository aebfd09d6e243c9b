"""The stated ranges in the pain form, typed as a facilitator types them: the estimate's
“…between” (in the estimate's unit) and the cost's, saved as one undoable edit, refusals in the
form's error line, and the register's tooltip."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QDoubleSpinBox

from cxmapper.model import entities as e
from cxmapper.model.project import Project
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.pains import PainEditor, PainPanel


@pytest.fixture
def ctx(small_journey: Project) -> Iterator[DocumentContext]:
    small_journey.update_settings(customer_base=10_000, cost_per_contact=20.0)
    context = DocumentContext(small_journey)
    yield context
    context.close()


@pytest.fixture
def panel(qtbot, ctx: DocumentContext) -> Iterator[PainPanel]:
    widget = PainPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.detach()


def estimated(ctx: DocumentContext, **values: object) -> int:
    values = {"reach_estimate_share": 0.10, "rework_cost": 100.0, **values}
    return ctx.project.add_pain("Wrong invoice", reach_source=e.ReachSource.ESTIMATE, **values).id


def edit(qtbot, panel: PainPanel) -> PainEditor:
    panel.table.selectRow(0)
    panel.edit_selected()
    editors = [d for d in panel.findChildren(PainEditor) if d.isVisible()]
    assert len(editors) == 1
    qtbot.waitExposed(editors[0])
    return editors[0]


def type_into(qtbot, box: QDoubleSpinBox, text: str) -> None:
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Tab)


def ok(qtbot, editor: PainEditor) -> None:
    box = editor.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_typed_ranges_are_stored_as_one_edit_and_undone(
    qtbot, ctx: DocumentContext, panel: PainPanel
) -> None:
    pain_id = estimated(ctx)
    before = ctx.project.pain(pain_id)
    editor = edit(qtbot, panel)
    type_into(qtbot, editor.reach_range.low, "5")
    type_into(qtbot, editor.reach_range.high, "20")
    type_into(qtbot, editor.cost_range.low, "50")
    type_into(qtbot, editor.cost_range.high, "150")
    ok(qtbot, editor)
    assert not editor.isVisible()
    pain = ctx.project.pain(pain_id)
    assert (pain.reach_estimate_low, pain.reach_estimate_high) == (0.05, 0.2)
    assert (pain.cost_low, pain.cost_high) == (50.0, 150.0)
    assert ctx.undo_stack.count() == 1
    assert panel.proxy.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) == (
        "Reach estimated by the room, between 5% and 20% of customers"
    )
    ctx.undo_stack.undo()
    assert ctx.project.pain(pain_id) == before
    assert panel.proxy.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) == (
        "Reach estimated by the room"
    )
    ctx.undo_stack.redo()
    assert ctx.project.pain(pain_id) == pain


def test_a_counted_estimate_takes_its_range_in_customers(
    qtbot, ctx: DocumentContext, panel: PainPanel
) -> None:
    pain_id = estimated(ctx)
    editor = edit(qtbot, panel)
    assert editor.reach_range.low.suffix() == " %"
    type_into(qtbot, editor.count, "500")
    assert editor.reach_range.low.suffix() == " customers"
    type_into(qtbot, editor.reach_range.low, "400")
    type_into(qtbot, editor.reach_range.high, "700")
    ok(qtbot, editor)
    pain = ctx.project.pain(pain_id)
    assert (pain.reach_estimate_count, pain.reach_estimate_low, pain.reach_estimate_high) == (
        500,
        400,
        700,
    )
    assert panel.proxy.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) == (
        "Reach estimated by the room, between 400 and 700 customers a year"
    )
    # Reopened, the form shows the range in customers again.
    editor = edit(qtbot, panel)
    assert (editor.reach_range.low.value(), editor.reach_range.low.suffix()) == (
        400,
        " customers",
    )
    editor.reject()


def test_a_refused_range_is_shown_in_the_form(
    qtbot, ctx: DocumentContext, panel: PainPanel
) -> None:
    pain_id = estimated(ctx)
    before = ctx.project.pain(pain_id)
    editor = edit(qtbot, panel)
    type_into(qtbot, editor.reach_range.low, "30")
    type_into(qtbot, editor.reach_range.high, "20")
    ok(qtbot, editor)
    assert editor.isVisible()
    assert editor.error.text() == (
        "The low end of the range of the estimated share of customers is above its high end."
    )
    assert ctx.project.pain(pain_id) == before and ctx.undo_stack.count() == 0
    # The cost of 100 from components must lie inside its stated range.
    type_into(qtbot, editor.reach_range.low, "5")
    type_into(qtbot, editor.cost_range.low, "120")
    type_into(qtbot, editor.cost_range.high, "300")
    ok(qtbot, editor)
    assert editor.error.text() == (
        "The cost per customer from components (100) must lie within its range (120 to 300)."
    )
    type_into(qtbot, editor.cost_range.low, "80")
    ok(qtbot, editor)
    assert not editor.isVisible()
    assert ctx.project.pain(pain_id).cost_low == 80.0 and ctx.undo_stack.count() == 1


def test_the_ranges_follow_the_chosen_modes(qtbot, ctx: DocumentContext, panel: PainPanel) -> None:
    estimated(ctx)
    editor = edit(qtbot, panel)
    assert editor.reach_range.isEnabled() and editor.cost_range.isEnabled()
    editor.reach_source.setCurrentIndex(editor.reach_source.findData(e.ReachSource.EVIDENCE))
    editor.cost_mode.setCurrentIndex(editor.cost_mode.findData(e.CostMode.BAND))
    assert not editor.reach_range.isEnabled() and not editor.cost_range.isEnabled()
    editor.reject()
