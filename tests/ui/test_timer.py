"""The facilitator's timer, driven as in a workshop: write the agenda in its dialog (undoable),
start the clock with Ctrl+T, run over, see the boxes to come shrink, move on with
Ctrl+Shift+Right, present with the badge in the corner, close the project while it runs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QDoubleSpinBox, QLineEdit, QPushButton

from cxmapper.ui.canvas.items import StepCard
from cxmapper.ui.window.main_window import MainWindow
from cxmapper.ui.window.timer import AgendaDialog, WorkshopClock


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


def keys(qtbot, window: MainWindow, key: Qt.Key, mods: Qt.KeyboardModifier) -> None:
    """A shortcut typed on the map, the window active (as the facilitator has it)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    qtbot.keyClick(window.view, key, mods)


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def write_agenda(qtbot, window: MainWindow, rows: list[tuple[str, float]]) -> None:
    """Workshop → Agenda…: replace the example rows by ``rows``, typed in, then OK. The
    dialog is modal: it is filled in from inside its own event loop."""
    done: list[bool] = []

    def fill() -> None:
        (dialog,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, AgendaDialog)]
        try:
            qtbot.waitExposed(dialog)
            buttons = {b.text(): b for b in dialog.findChildren(QPushButton)}
            while dialog.table.rowCount():
                dialog.table.setCurrentCell(0, 0)
                qtbot.mouseClick(buttons["Remove"], Qt.MouseButton.LeftButton)
            for title, minutes in rows:
                qtbot.mouseClick(buttons["Add"], Qt.MouseButton.LeftButton)
                editor = dialog.focusWidget()
                assert isinstance(editor, QLineEdit) and editor.text() == "New timebox"
                editor.selectAll()  # typed over, as the new row's title invites
                qtbot.keyClicks(editor, title)
                qtbot.keyClick(editor, Qt.Key.Key_Return)
                spin = dialog.table.cellWidget(dialog.table.rowCount() - 1, 1)
                assert isinstance(spin, QDoubleSpinBox)
                spin.setValue(minutes)
                qtbot.waitUntil(lambda t=title: dialog.agenda()[-1][0] == t)  # committed
            ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
            qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
            done.append(not dialog.isVisible())
        finally:
            if dialog.isVisible():
                dialog.reject()  # never leave the test waiting on a modal dialog

    QTimer.singleShot(0, fill)
    window.window_actions.agenda.trigger()
    assert done == [True]


AGENDA = [("Walk the journey", 20.0), ("Vote", 10.0), ("Agree actions", 30.0)]


def test_the_agenda_is_written_in_its_dialog_and_undone(qtbot, window: MainWindow, monkeypatch):
    write_agenda(qtbot, window, AGENDA)
    assert window.ctx.project.settings.agenda == tuple(AGENDA)
    window.window_actions.undo.trigger()
    assert window.ctx.project.settings.agenda == ()
    window.window_actions.redo.trigger()
    assert window.ctx.project.settings.agenda == tuple(AGENDA)


def test_the_clock_counts_down_overruns_and_shrinks_what_comes(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    write_agenda(qtbot, window, AGENDA)
    clock = WorkshopClock.of(window.ctx)
    fake = FakeTime()
    clock.now = fake
    badge = window.timer_badge
    assert badge is not None and not badge.isVisible()  # nothing until the clock starts
    keys(qtbot, window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert clock.running and badge.isVisible()
    fake.now += 5 * 60
    assert badge.lines() == (
        "Walk the journey",
        "15:00",
        ["Vote 10 min", "Agree actions 30 min"],
    )
    fake.now += 23 * 60  # 28 minutes into a 20-minute box: eight late
    _title, countdown, rest = badge.lines()
    assert countdown == "+8:00" and clock.timing().overrun
    assert rest == ["Vote 10 → 8 min", "Agree actions 30 → 24 min"]
    qtbot.waitUntil(lambda: badge.isVisible())
    image = badge.grab().toImage()
    corner = image.pixelColor(image.width() // 2, image.height() - 4)
    assert corner.red() > 150 and corner.green() < 80  # red once it overruns
    # Pause: the time stands still; the badge says so.
    keys(qtbot, window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    fake.now += 600
    assert badge.lines()[0] == "Walk the journey (paused)" and badge.lines()[1] == "+8:00"
    keys(qtbot, window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    # Next box: the vote starts with its ten minutes, the workshop still eight minutes late.
    keys(
        qtbot,
        window,
        Qt.Key.Key_Right,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert badge.lines() == ("Vote", "10:00", ["Agree actions 30 → 22 min"])


def test_the_badge_stays_in_the_corner_of_the_map_while_presenting(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    write_agenda(qtbot, window, AGENDA)
    window.window_actions.timer.trigger()
    window.window_actions.presentation.trigger()
    assert window.presentation.active
    badge = window.timer_badge
    view = window.view
    qtbot.waitUntil(lambda: view.rect().contains(badge.geometry()))
    assert badge.isVisible()
    # In the corner that hides the fewest steps.
    qtbot.wait(300)  # a tick: placed on the presented map
    assert badge.geometry() in badge.corners()
    hidden = len([i for i in view.items(badge.geometry()) if isinstance(i, StepCard)])
    counts = [badge.cards_under(r) for r in badge.corners()]
    assert hidden == min(counts) < max(counts)  # the choice mattered on this map
    window.window_actions.presentation.trigger()
    assert not window.presentation.active and badge.isVisible()


def test_closing_the_project_with_the_clock_running(qtbot, window: MainWindow, monkeypatch):
    write_agenda(qtbot, window, AGENDA)
    window.window_actions.timer.trigger()
    window.close_project()
    qtbot.wait(600)  # two ticks' time: nothing reaches the closed project or the gone badge
    assert window.timer_badge is None and window.ctx is None
