"""Pain scores of a large project are read on a worker as it opens: the window shows first,
the register, matrix and plan fill in when the evidence samples are in, an edit made before
then scores afresh, and closing the project meanwhile delivers nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from cxmapper.model import entities as e
from cxmapper.model.demo import write_demo
from cxmapper.model.scoring import score_pains
from cxmapper.ui.document.commands import UpdateItem
from cxmapper.ui.panels import plan_scores
from cxmapper.ui.panels.plan_scores import PlanScores
from cxmapper.ui.window.main_window import MainWindow
from tests.ui.conftest import open_window


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Every project counts as large, and the worker's reading waits for the gate to open."""
    opened = threading.Event()
    read = plan_scores.read_samples

    def held(path: Path, pains: list[tuple[int, tuple[int, ...]]]) -> dict:
        assert opened.wait(10)
        return read(path, pains)

    monkeypatch.setattr(plan_scores, "READ_APART_FROM", 0)
    monkeypatch.setattr(plan_scores, "read_samples", held)
    return opened


def ranked(scores: list) -> list[tuple[int, float, float]]:
    return [(s.pain_id, round(s.reach, 6), round(s.impact, 6)) for s in scores]


def register(window: MainWindow) -> list:
    return window.panels["pains"].widget().model.scores


def test_scores_arrive_after_the_window_shows(
    qtbot, tmp_path: Path, settings: QSettings, gate: threading.Event
) -> None:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    window = open_window(qtbot, settings, path)
    plan = PlanScores.of(window.ctx)
    assert plan.reading and register(window) == []  # shown, the samples still being read
    assert window.panels["matrix"].widget().scores == []
    gate.set()
    qtbot.waitUntil(lambda: not plan.reading and len(register(window)) > 0)
    expected = ranked(score_pains(window.ctx.project))
    assert ranked(register(window)) == expected
    assert ranked(window.panels["matrix"].widget().plan.pains()) == expected
    assert window.panels["actions"].widget().model.rowCount() == len(window.ctx.project.actions())
    assert plan.scorings == 1
    window.close_project()


def test_an_edit_before_the_samples_scores_afresh(
    qtbot, tmp_path: Path, settings: QSettings, gate: threading.Event
) -> None:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    window = open_window(qtbot, settings, path)
    project = window.ctx.project
    plan = PlanScores.of(window.ctx)
    assert plan.reading
    pain = project.pains()[0]
    window.ctx.edit(lambda: UpdateItem(project, e.Pain, pain.id, "Edit pain", rework_cost=999.0))
    assert not plan.reading  # the answer on its way is not wanted any more
    assert ranked(register(window)) == ranked(score_pains(project))
    gate.set()
    qtbot.wait(100)  # the stale answer would arrive here
    assert ranked(register(window)) == ranked(score_pains(project))
    assert plan.scorings == 1
    window.close_project()


def test_closing_before_the_samples_delivers_nothing(
    qtbot, tmp_path: Path, settings: QSettings, gate: threading.Event
) -> None:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    window = open_window(qtbot, settings, path)
    plan = PlanScores.of(window.ctx)
    assert plan.reading
    window.close_project()
    assert not plan.reading
    gate.set()
    qtbot.wait(100)
    assert window.ctx is None and not window.error_banner.isVisible()
