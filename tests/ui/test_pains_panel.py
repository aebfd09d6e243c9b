"""The pain register driven as the room uses it: pick steps and verbatims, click "New pain",
fill the form, watch the ranking move, undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from cxmapper.model import entities as e
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.pains import COLUMNS, PainEditor, PainPanel
from tests.conftest import snapshot


@pytest.fixture
def ctx(small_journey: Project) -> Iterator[DocumentContext]:
    project = small_journey
    project.update_settings(customer_base=10_000, currency="EUR", cost_per_contact=20.0)
    steps = {s.title: s.id for s in project.steps()}
    project.evidence.import_batch(
        "survey.csv",
        [{"customer_id": f"c{i}", "text": f"invoice wrong {i}", "score": 2.0} for i in range(10)]
        + [{"customer_id": f"d{i}", "text": "fine", "score": 9.0} for i in range(90)],
        sample_size=100,
    )
    evidence = [i for (i,) in project.db.conn.execute("SELECT id FROM evidence ORDER BY id")]
    project.evidence.link(evidence[:10], steps["Receives invoice"])
    context = DocumentContext(project)
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


def button(widget, text: str) -> QPushButton:
    return next(b for b in widget.findChildren(QPushButton) if b.text() == text)


def ok(qtbot, editor) -> None:
    box = editor.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def open_editor(panel: PainPanel) -> PainEditor:
    editors = [d for d in panel.findChildren(PainEditor) if d.isVisible()]
    assert len(editors) == 1
    return editors[0]


def shown_titles(panel: PainPanel) -> list[str]:
    return [panel.proxy.index(r, 1).data() for r in range(panel.proxy.rowCount())]


def steps_by_title(ctx: DocumentContext) -> dict[str, int]:
    return {s.title: s.id for s in ctx.project.steps()}


def add_estimated_pain(ctx: DocumentContext, title: str, share: float, rework: float) -> int:
    return ctx.project.add_pain(
        title,
        reach_source=e.ReachSource.ESTIMATE,
        reach_estimate_share=share,
        rework_cost=rework,
    ).id


def test_new_pain_from_selected_steps_and_evidence_through_the_form(
    qtbot, ctx: DocumentContext, panel: PainPanel
) -> None:
    steps = steps_by_title(ctx)
    chosen = [steps["Receives invoice"], steps["Invoice correction"]]
    evidence = [i for (i,) in ctx.project.db.conn.execute("SELECT id FROM evidence LIMIT 10")]
    ctx.set_selection(steps=chosen, evidence=evidence)
    before = snapshot(ctx.project)

    qtbot.mouseClick(button(panel, "New pain from selection"), Qt.MouseButton.LeftButton)
    editor = open_editor(panel)
    menu_texts: list[str] = []
    ctx.undo_stack.undoTextChanged.connect(menu_texts.append)
    editor.title.selectAll()
    qtbot.keyClicks(editor.title, "Invoice errors")
    editor.contacts.setValue(2)  # 2 extra contacts × 20 EUR
    editor.rework.setValue(60)
    ok(qtbot, editor)

    pain = next(p for p in ctx.project.pains() if p.title == "Invoice errors")
    assert pain.step_ids == tuple(chosen) and pain.evidence_ids == tuple(evidence)
    assert not editor.isVisible()
    assert shown_titles(panel) == ["Invoice errors"]
    # 10 of 100 sampled customers: reach 1,000 of 10,000; cost 2 × 20 + 60 = 100 EUR
    score = panel.model.scores[0]
    assert (score.reach, score.cost_per_customer, score.impact) == (1000, 100, 100_000)
    assert panel.proxy.index(0, 5).data().startswith("100,000 EUR")
    assert score.kind == "universal"  # 10 % ≥ 5 %, and two work groups
    # Adding it and filling its first form is one edit, named after the pain
    assert ctx.undo_stack.count() == 1
    assert ctx.undo_stack.undoText() == "Add pain 'Invoice errors'"
    assert menu_texts[-1] == "Add pain 'Invoice errors'"  # the Edit menu is told

    ctx.undo_stack.undo()
    assert snapshot(ctx.project) == before
    assert shown_titles(panel) == []
    ctx.undo_stack.redo()
    assert ctx.project.pain(pain.id) == pain
    assert shown_titles(panel) == ["Invoice errors"]


def test_cancelling_the_first_form_takes_the_new_pain_back(
    qtbot, ctx: DocumentContext, panel: PainPanel
) -> None:
    ctx.set_selection(steps=[steps_by_title(ctx)["Ticket triage"]])
    pain_id = panel.new_pain()
    open_editor(panel).reject()
    assert ctx.project.pains() == []
    ctx.undo_stack.redo()  # changed one's mind: Redo brings it back
    assert ctx.project.pain(pain_id).title == "Pain at Ticket triage"
    panel.table.selectRow(0)
    panel.edit_selected()
    open_editor(panel).reject()  # cancelling a later edit keeps the pain
    assert ctx.project.pain(pain_id).title == "Pain at Ticket triage"


def test_a_new_pain_starts_from_the_detractors_at_its_steps_and_shows_its_result(
    qtbot, ctx: DocumentContext, panel: PainPanel
) -> None:
    from cxmapper.model.evidence_stats import detractor_ids_at

    step = steps_by_title(ctx)["Ticket triage"]
    batch = ctx.project.evidence.import_batch(
        "nps.csv",
        [{"customer_id": f"n{i}", "text": "slow", "score": 3.0, "score_scale": "0-10"}
         for i in range(5)]
        + [{"customer_id": f"p{i}", "text": "quick", "score": 9.0, "score_scale": "0-10"}
           for i in range(15)],
        sample_size=20,
    )  # fmt: skip
    ids = [i for (i,) in ctx.project.db.conn.execute(
        "SELECT id FROM evidence WHERE batch_id = ?", (batch.id,))]  # fmt: skip
    ctx.project.evidence.link(ids, step)
    ctx.set_selection(steps=[step], evidence=[])
    panel.new_pain()
    editor = open_editor(panel)
    expected = tuple(detractor_ids_at(ctx.project, (step,)))
    assert len(expected) == 5 and editor.evidence_ids == expected
    # k = 5 detractors of n = 20 sampled: 25 % of 10,000 customers; 2 contacts × 20 EUR.
    editor.contacts.setValue(2)
    assert editor.preview.text() == (
        "2,500 customers a year × 40 EUR = 100,000 EUR a year (universal)"
    )
    ok(qtbot, editor)
    assert ctx.project.pains()[0].evidence_ids == expected


def test_ranking_updates_live_and_the_selection_follows_the_row(
    qtbot, ctx: DocumentContext, panel: PainPanel
) -> None:
    cheap = add_estimated_pain(ctx, "Late delivery", 0.10, 10.0)
    costly = add_estimated_pain(ctx, "Wrong invoice", 0.10, 100.0)
    assert shown_titles(panel) == ["Wrong invoice", "Late delivery"]
    resets: list[int] = []
    panel.model.modelReset.connect(lambda: resets.append(1))

    panel.table.selectRow(1)
    assert panel.selected_pain_id() == cheap
    qtbot.mouseClick(button(panel, "Edit…"), Qt.MouseButton.LeftButton)
    editor = open_editor(panel)
    editor.rework.setValue(500)
    ok(qtbot, editor)

    assert shown_titles(panel) == ["Late delivery", "Wrong invoice"]
    assert panel.proxy.index(0, 0).data() == 1
    assert panel.selected_pain_id() == cheap  # the edited pain stays selected as it moves
    assert resets == []  # rows moved by the proxy, not rebuilt
    assert ctx.undo_stack.undoText() == "Edit pain 'Late delivery'"

    ctx.undo_stack.undo()
    assert shown_titles(panel) == ["Wrong invoice", "Late delivery"]
    assert ctx.project.pain(cheap).rework_cost == 10.0
    ctx.undo_stack.redo()
    assert shown_titles(panel)[0] == "Late delivery"
    ctx.project.remove_pain(costly)
    assert shown_titles(panel) == ["Late delivery"]


def test_settings_change_rescores_every_row(ctx: DocumentContext, panel: PainPanel) -> None:
    add_estimated_pain(ctx, "Wrong invoice", 0.10, 100.0)
    ctx.project.update_settings(currency="GBP", customer_base=20_000)
    assert panel.proxy.index(0, 5).data().startswith("200,000 GBP")
    ctx.project.update_settings(currency="USD")  # same scores, new text
    assert panel.proxy.index(0, 4).data() == "100 USD"


def test_refused_input_is_shown_in_the_form(qtbot, ctx: DocumentContext, panel: PainPanel) -> None:
    pain_id = add_estimated_pain(ctx, "Wrong invoice", 0.10, 100.0)
    panel.table.selectRow(0)
    panel.edit_selected()
    editor = open_editor(panel)
    editor.title.clear()
    ok(qtbot, editor)
    assert editor.isVisible()
    assert editor.error.text() == "The pain title cannot be empty."
    assert ctx.project.pain(pain_id).title == "Wrong invoice"
    assert ctx.undo_stack.count() == 0
    qtbot.keyClicks(editor.title, "Invoices sent twice")
    ok(qtbot, editor)
    assert not editor.isVisible() and ctx.project.pain(pain_id).title == "Invoices sent twice"


def test_form_enables_only_the_inputs_of_the_chosen_modes(
    ctx: DocumentContext, panel: PainPanel
) -> None:
    pain_id = add_estimated_pain(ctx, "Wrong invoice", 0.10, 100.0)
    editor = PainEditor(ctx, ctx.project.pain(pain_id), panel)
    assert editor.share.isEnabled() and editor.contacts.isEnabled()
    assert not editor.band.isEnabled()
    editor.cost_mode.setCurrentIndex(editor.cost_mode.findData(e.CostMode.BAND))
    editor.reach_source.setCurrentIndex(editor.reach_source.findData(e.ReachSource.EVIDENCE))
    assert editor.band.isEnabled() and not editor.rework.isEnabled()
    assert not editor.share.isEnabled() and not editor.count.isEnabled()
    editor.band.setCurrentIndex(editor.band.findData(4))
    editor.reach_source.setCurrentIndex(editor.reach_source.findData(e.ReachSource.ESTIMATE))
    editor.kind.setCurrentIndex(editor.kind.findData(e.PainKind.LOCAL))
    editor.accept()
    score = panel.model.scores[0]
    assert score.cost_source == "band" and score.cost_per_customer == 1000.0  # band 4
    assert score.kind == "local" and score.kind_overridden
    assert panel.proxy.index(0, 2).data() == "local *"


def test_selecting_a_row_selects_the_pain_and_its_steps_and_back(
    ctx: DocumentContext, panel: PainPanel
) -> None:
    steps = steps_by_title(ctx)
    on = (steps["Ticket triage"], steps["Pays"])
    first = ctx.project.add_pain("Slow triage", step_ids=on).id
    second = ctx.project.add_pain("Unclear totals").id
    panel.table.selectRow(shown_titles(panel).index("Slow triage"))
    assert ctx.selected_pain_ids() == (first,) and ctx.selected_step_ids() == on
    ctx.set_selection(pains=[second], steps=[])  # e.g. a bubble clicked on the matrix
    assert panel.selected_pain_id() == second
    assert ctx.selected_step_ids() == ()  # following the selection does not echo it back


def test_filter_and_delete_with_undo(qtbot, ctx: DocumentContext, panel: PainPanel) -> None:
    add_estimated_pain(ctx, "Wrong invoice", 0.10, 100.0)
    gone = add_estimated_pain(ctx, "Late delivery", 0.10, 10.0)
    qtbot.keyClicks(panel.filter, "deliv")
    assert shown_titles(panel) == ["Late delivery"]
    before = snapshot(ctx.project)
    panel.table.selectRow(0)
    qtbot.mouseClick(button(panel, "Delete"), Qt.MouseButton.LeftButton)
    assert not ctx.project.exists(e.Pain, gone) and shown_titles(panel) == []
    assert ctx.undo_stack.undoText() == "Delete pain 'Late delivery'"
    panel.filter.clear()
    assert shown_titles(panel) == ["Wrong invoice"]
    ctx.undo_stack.undo()
    assert snapshot(ctx.project) == before
    assert shown_titles(panel) == ["Wrong invoice", "Late delivery"]


def test_edits_rescore_once_for_all_views_and_only_what_they_can_move(
    qtbot, ctx: DocumentContext, panel: PainPanel
) -> None:
    from cxmapper.model.scoring import score_pains
    from cxmapper.ui.panels.actions import ActionPanel
    from cxmapper.ui.panels.matrix import PriorityMatrix
    from cxmapper.ui.panels.plan_scores import PlanScores

    others = [PriorityMatrix(ctx), ActionPanel(ctx)]
    for widget in others:
        qtbot.addWidget(widget)
    plan = PlanScores.of(ctx)
    pain_id = add_estimated_pain(ctx, "Wrong invoice", 0.10, 100.0)
    other = add_estimated_pain(ctx, "Late delivery", 0.10, 150.0)
    ctx.project.add_action("Fix invoices", pain_ids=(pain_id,), investment=1.0)
    start = plan.scorings
    signalled: set[int] = set()
    panel.model.dataChanged.connect(
        lambda first, last, *_: signalled.update(range(first.row(), last.row() + 1))
    )
    ctx.project.update_pain(pain_id, rework_cost=200.0)
    # both rows told: the edited pain's numbers changed, the other pain's rank
    assert {panel.model.items[r].title for r in signalled} == {"Wrong invoice", "Late delivery"}
    # one pain edited: that pain rescored alone, the ranking redone, all views agree
    assert plan.scorings == start and plan.pains() == score_pains(ctx.project)
    assert others[0].scores[0].impact == panel.model.scores[0].impact == 200_000
    assert shown_titles(panel) == ["Wrong invoice", "Late delivery"]
    assert others[1].model.scores[0].benefit == 0  # no expected reduction yet

    steps = steps_by_title(ctx)
    ctx.project.update_step(steps["Pays"], x=900.0, title="Pays the invoice")
    ctx.project.evidence.link([1, 2], steps["Ticket triage"])
    ctx.project.update_action(ctx.project.actions()[0].id, expected_reduction=0.5)
    assert plan.scorings == start  # a move, a rename, links and an action edit
    assert others[1].model.scores[0].benefit == 100_000

    billing = next(g.id for g in ctx.project.work_groups() if g.name == "Billing")
    ctx.project.update_pain(pain_id, step_ids=(steps["Pays"],))
    ctx.project.update_step(steps["Pays"], work_group_id=billing)  # moves the pain's lane
    assert plan.scorings == start + 1
    assert panel.proxy.index(0, 6).data() == "Billing"
    ctx.project.update_settings(universal_threshold=0.5)
    assert plan.scorings == start + 2 and plan.pains() == score_pains(ctx.project)
    ctx.project.remove_pain(other)
    assert plan.pains() == score_pains(ctx.project) and shown_titles(panel) == ["Wrong invoice"]
    for widget in others:
        widget.detach()


def test_the_docked_register_shows_its_key_columns_without_scrolling(qtbot, tmp_path: Path) -> None:
    """At the width the window gives the right docks, the rank, the pain and how far to trust
    the rank are in view, and the reach of an estimate is not cut short ("1,200 (estim…")."""
    write_demo(tmp_path / "demo.cxmap")
    project = Project.open(tmp_path / "demo.cxmap")
    ctx = DocumentContext(project)
    panel = PainPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(470, 420)
    panel.show()
    qtbot.waitExposed(panel)
    try:
        table, header = panel.table, panel.table.horizontalHeader()
        qtbot.waitUntil(lambda: panel.proxy.index(0, COLUMNS.index("Top 3")).data() != "…")
        assert table.horizontalScrollBar().value() == 0
        for name in ("Rank", "Pain", "Strength", "Top 3", "Ranks"):
            column = COLUMNS.index(name)
            right = header.sectionViewportPosition(column) + header.sectionSize(column)
            assert header.sectionViewportPosition(column) >= 0 and right <= table.viewport().width()
        reach = COLUMNS.index("Reach / yr")
        metrics = table.fontMetrics()
        estimated = [
            r
            for r in range(panel.proxy.rowCount())
            if panel.model.items[
                panel.proxy.mapToSource(panel.proxy.index(r, 0)).row()
            ].reach_source
            == "estimate"
        ]
        assert estimated
        for r in estimated:
            cell = panel.proxy.index(r, reach)
            assert cell.data().endswith(" est.")
            assert metrics.horizontalAdvance(cell.data()) < header.sectionSize(reach)
            assert cell.data(Qt.ItemDataRole.ToolTipRole).startswith("Reach estimated by the room")
        impact = panel.proxy.index(0, COLUMNS.index("Impact / yr"))
        assert "95 % interval" in impact.data(Qt.ItemDataRole.ToolTipRole)
        title = panel.proxy.index(0, COLUMNS.index("Pain"))
        assert title.data(Qt.ItemDataRole.ToolTipRole) == title.data()  # the full title
    finally:
        panel.detach()
        ctx.close()
        project.close()
