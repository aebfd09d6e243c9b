"""How far to trust the register, in the window: evidence strength and rank certainty columns,
the draws kept off the UI thread and current after edits, the thresholds in the settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from cxmapper.model import entities as e
from cxmapper.model.certainty import rank_certainty
from cxmapper.model.scoring import score_pains
from cxmapper.model.strength import Strength, pain_strength
from cxmapper.ui.document.commands import UpdateItem
from cxmapper.ui.panels.certainty import RankCertaintyJob
from cxmapper.ui.panels.pains import COLUMNS, PainPanel
from cxmapper.ui.window.dialogs import ProjectSettingsDialog
from cxmapper.ui.window.main_window import MainWindow


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


def register(w: MainWindow) -> PainPanel:
    widget = w.panels["pains"].widget()
    assert isinstance(widget, PainPanel)
    return widget


def cell(panel: PainPanel, pain_id: int, column: str) -> str:
    row = panel.model.row_of(pain_id)
    assert row is not None
    return str(panel.model.index(row, COLUMNS.index(column)).data())


def settled(qtbot, w: MainWindow) -> RankCertaintyJob:
    job = RankCertaintyJob.of(w.ctx)
    qtbot.waitUntil(lambda: job.current, timeout=10_000)
    return job


def test_the_register_shows_the_certainty_the_model_computes(qtbot, window: MainWindow) -> None:
    panel = register(window)
    settled(qtbot, window)
    project = window.ctx.project
    expected = rank_certainty(project, score_pains(project))
    for pain_id, sure in expected.items():
        assert cell(panel, pain_id, "Top 3") == f"{sure.p_top3:.0%}"
        ranks = cell(panel, pain_id, "Ranks")
        assert ranks == (
            str(sure.rank_low)
            if sure.rank_low == sure.rank_high
            else f"{sure.rank_low}–{sure.rank_high}"
        )
    assert sum(s.p_top3 for s in expected.values()) == pytest.approx(3.0)


def test_an_edit_hides_stale_figures_until_the_draws_of_the_new_scores_are_in(
    qtbot, window: MainWindow
) -> None:
    panel = register(window)
    job = settled(qtbot, window)
    project = window.ctx.project
    last = max(score_pains(project), key=lambda s: s.rank)
    runs = job.runs
    # The cheapest pain becomes by far the costliest: certainly first.
    window.ctx.edit(
        lambda: UpdateItem(
            project,
            e.Pain,
            last.pain_id,
            "Edit pain",
            cost_mode=e.CostMode.COMPONENTS,
            rework_cost=1e7,
        )
    )
    assert cell(panel, last.pain_id, "Top 3") == "…"
    qtbot.waitUntil(lambda: job.current, timeout=10_000)
    assert job.runs == runs + 1
    assert cell(panel, last.pain_id, "Top 3") == "100%"
    assert cell(panel, last.pain_id, "Ranks") == "1"
    window.ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: job.current, timeout=10_000)
    assert cell(panel, last.pain_id, "Top 3") == "0%"


def test_edits_while_drawing_rerun_the_draws_once_for_the_latest_scores(
    qtbot, window: MainWindow
) -> None:
    job = settled(qtbot, window)
    project = window.ctx.project
    pains = [s.pain_id for s in score_pains(project)]
    runs = job.runs
    for n, pain_id in enumerate(pains[:4]):
        window.ctx.edit(
            lambda p=pain_id, n=n: UpdateItem(project, e.Pain, p, "Edit pain", title=f"P{n}")
        )
        job._start()  # as if the settle timer fired between the edits
    qtbot.waitUntil(lambda: job.current, timeout=10_000)
    qtbot.wait(300)
    # The answers of older scores were dropped: the figures are those of the latest.
    assert job.runs <= runs + 2
    assert job.get(pains[0]) == rank_certainty(project, score_pains(project))[pains[0]]


def test_closing_the_project_while_drawing_drops_the_answer(qtbot, window: MainWindow) -> None:
    job = settled(qtbot, window)
    project = window.ctx.project
    pain = score_pains(project)[0].pain_id
    window.ctx.edit(lambda: UpdateItem(project, e.Pain, pain, "Edit pain", title="Renamed"))
    job._start()
    window.close_project()
    qtbot.wait(500)  # an answer still on its way reaches no one, and nothing raises
    assert window.ctx is None


def test_strength_follows_the_evidence_and_the_project_thresholds(
    qtbot, window: MainWindow
) -> None:
    panel = register(window)
    project = window.ctx.project
    scores = score_pains(project)
    strengths = {s.pain_id: pain_strength(s, project.settings) for s in scores}
    for s in scores:
        assert cell(panel, s.pain_id, "Strength") == strengths[s.pain_id].label
        if s.reach_source == "estimate":
            assert strengths[s.pain_id] is Strength.NONE
    assert Strength.SOLID in strengths.values()
    # The room decides that 1,000 items make solid evidence: nothing is solid any more.
    dialog = ProjectSettingsDialog(window.ctx, window)
    dialog.solid_items.setValue(1_000)
    qtbot.mouseClick(
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
        Qt.MouseButton.LeftButton,
    )
    assert project.settings.solid_evidence == 1_000
    solid = [p for p, st in strengths.items() if st is Strength.SOLID]
    assert all(cell(panel, p, "Strength") == "Thin" for p in solid)
    window.ctx.undo_stack.undo()
    assert project.settings.solid_evidence == 30
    assert all(cell(panel, p, "Strength") == "Solid" for p in solid)
