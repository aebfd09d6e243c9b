"""Evidence strength on the map: every card's marker, the View option that colours the map by
it (one tint at a time with the heat overlay), kept current after edits, settings and undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from cxmapper.model.strength import Strength, step_strength
from cxmapper.ui.canvas.heat import STRENGTH_TINTS
from cxmapper.ui.canvas.items import paint_strength
from cxmapper.ui.document.commands import UpdateSettings
from cxmapper.ui.window.main_window import MainWindow


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


def strengths(w: MainWindow) -> dict[int, Strength]:
    counts = w.ctx.project.evidence.counts_by_step()
    settings = w.ctx.project.settings
    return {s.id: step_strength(counts.get(s.id, 0), settings) for s in w.ctx.project.steps()}


def test_every_card_carries_its_strength_and_the_view_colours_by_it(
    qtbot, window: MainWindow
) -> None:
    scene = window.view.journey_scene
    expected = strengths(window)
    assert {i: c.strength for i, c in scene.cards.items()} == expected
    assert set(expected.values()) == set(Strength)  # the demo has all three
    window.view.setFocus()
    qtbot.keyClick(
        window.view,
        Qt.Key.Key_H,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.window_actions.strength_tint.isChecked()
    assert {i: c.heat for i, c in scene.cards.items()} == {
        i: STRENGTH_TINTS[s] for i, s in expected.items()
    }
    # The heat overlay takes over: one tint at a time.
    window.window_actions.heat.trigger()
    assert not window.window_actions.strength_tint.isChecked()
    assert scene.tint == "impact"
    window.window_actions.heat.trigger()
    assert scene.tint is None and all(c.heat is None for c in scene.cards.values())


def test_linking_evidence_and_the_settings_move_a_step_between_strengths(
    qtbot, window: MainWindow
) -> None:
    window.window_actions.strength_tint.trigger()
    scene = window.view.journey_scene
    project = window.ctx.project
    bare = next(i for i, s in strengths(window).items() if s is Strength.NONE)
    items = [i for (i,) in project.db.conn.execute("SELECT id FROM evidence LIMIT 3")]
    window.view.link_evidence(items, bare)
    qtbot.waitUntil(lambda: scene.cards[bare].strength is Strength.THIN)
    assert scene.cards[bare].heat == STRENGTH_TINTS[Strength.THIN]
    # Three items are solid once the room says three are enough.
    window.ctx.edit(lambda: UpdateSettings(project, solid_evidence=3))
    qtbot.waitUntil(lambda: scene.cards[bare].strength is Strength.SOLID)
    assert scene.cards[bare].heat == STRENGTH_TINTS[Strength.SOLID]
    window.ctx.undo_stack.undo()
    window.ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: scene.cards[bare].strength is Strength.NONE)
    assert scene.cards[bare].heat == STRENGTH_TINTS[Strength.NONE]


def test_the_tint_stays_on_when_another_project_opens(qtbot, window: MainWindow, tmp_path) -> None:
    from cxmapper.model.demo import write_demo

    window.window_actions.strength_tint.trigger()
    other = tmp_path / "other.cxmap"
    write_demo(other)
    assert window.open_path(other)
    assert window.view.journey_scene.tint == "strength"
    assert all(c.heat is not None for c in window.view.journey_scene.cards.values())


def test_the_three_markers_read_apart() -> None:
    def centre_of(strength: Strength) -> tuple[QColor, QColor]:
        image = QImage(40, 40, QImage.Format.Format_RGB32)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_strength(painter, QPointF(20, 20), strength)
        painter.end()
        return image.pixelColor(18, 20), image.pixelColor(22, 20)  # left and right halves

    none, thin, solid = (centre_of(s) for s in (Strength.NONE, Strength.THIN, Strength.SOLID))
    assert none[0].lightness() > 200 and none[1].lightness() > 200  # hollow
    assert thin[0].lightness() < 100 and thin[1].lightness() > 200  # left half filled
    assert solid[0].lightness() < 100 and solid[1].lightness() < 100  # full
