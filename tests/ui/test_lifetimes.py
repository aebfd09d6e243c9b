"""Qt lifetimes are explicit: what showed a project is deleted by Qt when the project closes,
its connections are undone, a worker's late answer reaches no deleted receiver, and nothing
is left for a garbage collection to delete (which, run after Qt deleted its parents, crashed
the interpreter's final collection)."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QGraphicsItem, QScrollArea
from shiboken6 import isValid

from cxmapper.model.demo import write_demo
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels import inspector as inspector_module
from cxmapper.ui.panels.inspector import Inspector
from cxmapper.ui.window.main_window import MainWindow
from tests.ui.conftest import open_window


@pytest.fixture
def uncaught(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Exceptions raised in slots and threads, which Qt would only print."""
    found: list[str] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, exc, tb: found.append(repr(exc)))
    monkeypatch.setattr(threading, "excepthook", lambda args: found.append(repr(args.exc_value)))
    return found


@pytest.fixture
def two_projects(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "first.cxmap", tmp_path / "second.cxmap"
    write_demo(first)
    write_demo(second)
    return first, second


@pytest.fixture
def window(
    qtbot: Any, settings: QSettings, two_projects: tuple[Path, Path]
) -> Iterator[MainWindow]:
    w = open_window(qtbot, settings, two_projects[0])
    yield w
    w.close_project()


def add_a_step(qtbot: Any, window: MainWindow) -> None:
    assert window.view is not None
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Right)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert window.window_actions.undo.isEnabled()


def test_opening_another_project_shows_its_panels_and_presentation_works(
    qtbot: Any, window: MainWindow, two_projects: tuple[Path, Path]
) -> None:
    old_docks = list(window.panels.values())
    assert window.open_path(two_projects[1])  # Ctrl+O
    # restoreState took the closing project's docks (same names, not yet deleted) for the
    # new ones and put them back in the layout: the new panels stayed hidden, and F11 then
    # crashed on the deleted docks.
    shown = [d for d in window.findChildren(QDockWidget) if d.isVisible()]
    assert shown and all(d in window.panels.values() for d in shown)
    assert not any(d.isVisible() for d in old_docks)
    qtbot.wait(1)  # the old docks are deleted
    assert not any(isValid(d) for d in old_docks)
    window.window_actions.presentation.trigger()  # F11
    qtbot.wait(1)
    window.window_actions.presentation.trigger()
    assert not window.presentation.active
    assert {t.text() for t in window.panels_menu.actions()} == {
        d.windowTitle() for d in window.panels.values()
    }


def test_a_closed_project_leaves_no_qt_object_behind(
    qtbot: Any, window: MainWindow, two_projects: tuple[Path, Path]
) -> None:
    ctx, view = window.ctx, window.view
    assert ctx is not None and view is not None
    scene, stack, docks = view.journey_scene, ctx.undo_stack, list(window.panels.values())
    add_a_step(qtbot, window)
    assert window.open_path(two_projects[1])
    qtbot.wait(1)  # deferred deletions
    for gone in (ctx, stack, view, scene, *docks):
        assert not isValid(gone), gone
    assert window.findChildren(DocumentContext) == [window.ctx]
    assert window.window_actions.undo.text() == "&Undo"  # not the closed project's last edit


def shown_window(settings: QSettings, path: Path) -> MainWindow:
    """A window this test deletes itself (not closed again by qtbot afterwards)."""
    window = MainWindow(settings)
    window.show()
    assert window.open_path(path)
    return window


def test_closing_the_window_after_an_edit_reports_nothing(
    qtbot: Any, settings: QSettings, two_projects: tuple[Path, Path], uncaught: list[str]
) -> None:
    """The undo stack's signals reached lambdas holding the Undo action, which the window
    deletes before the project's context: "Internal C++ object (QAction) already deleted"."""
    window = shown_window(settings, two_projects[0])
    add_a_step(qtbot, window)
    window.close()
    window.deleteLater()
    qtbot.wait(1)
    assert not isValid(window)
    assert uncaught == []


def test_a_window_deleted_with_its_project_open_reports_nothing(
    qtbot: Any, settings: QSettings, two_projects: tuple[Path, Path], uncaught: list[str]
) -> None:
    """As at the interpreter's exit: the window is deleted without closing, its actions
    before its context, whose undo stack still holds the edit and is cleared in its
    destructor."""
    window = shown_window(settings, two_projects[0])
    add_a_step(qtbot, window)
    window.deleteLater()
    qtbot.wait(1)
    assert not isValid(window)
    assert uncaught == []


def test_a_critical_steps_answer_after_the_project_closed_is_dropped(
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
    settings: QSettings,
    two_projects: tuple[Path, Path],
    uncaught: list[str],
) -> None:
    release, started = threading.Event(), threading.Event()
    real = inspector_module.betweenness

    def slow(graph: Any) -> dict[int, float]:
        started.set()
        release.wait(10)
        return real(graph)

    shown: list[object] = []
    real_show = Inspector._show_critical

    def show(self: Inspector, answer: Any) -> None:
        shown.append(answer)
        real_show(self, answer)

    monkeypatch.setattr(inspector_module, "betweenness", slow)
    monkeypatch.setattr(Inspector, "_show_critical", show)  # before the panel connects it
    window = open_window(qtbot, settings, two_projects[0])
    window.panels["inspector"].raise_()  # the map checks, with nothing selected
    qtbot.waitUntil(started.is_set, timeout=5000)
    scroll = window.panels["inspector"].widget()
    assert isinstance(scroll, QScrollArea)
    inspector = scroll.widget()
    assert isinstance(inspector, Inspector)
    relay = inspector._critical_job
    assert relay is not None and isValid(relay)
    assert window.open_path(two_projects[1])  # the inspector closes while its worker runs
    qtbot.wait(1)
    assert not isValid(inspector)
    release.set()
    qtbot.waitUntil(lambda: not isValid(relay), timeout=5000)  # delivered to no one, deleted
    assert shown == [] or all(isinstance(a, tuple) for a in shown)
    assert uncaught == []
    window.close()


def test_nothing_qt_is_left_for_the_garbage_collector(
    qtbot: Any, settings: QSettings, two_projects: tuple[Path, Path]
) -> None:
    """Every Qt object of a window that opened, edited and switched projects is deleted by
    Qt; the garbage collector finds wrappers of deleted objects only, never a live one whose
    deletion (and its children's) would run inside the collection."""
    # Windows of earlier tests that pytest-qt left to delete later, and their wrappers.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    window = shown_window(settings, two_projects[0])
    for path in (two_projects[1], two_projects[0]):
        add_a_step(qtbot, window)
        qtbot.keyClick(window.view, Qt.Key.Key_F2)  # a title being typed when it closes
        assert window.open_path(path)
    window.close()
    window.deleteLater()
    qtbot.wait(1)
    del window
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        live = [
            type(o).__name__
            for o in gc.garbage
            if isinstance(o, QObject | QGraphicsItem) and isValid(o)
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    gc.collect()
    assert live == []
