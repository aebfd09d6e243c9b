"""Unforeseen errors are never silent and never fatal: one sentence in the window, the
traceback in the log (Help → Show Log), and the window carries on."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from cxmapper.model.demo import write_demo
from cxmapper.ui.panels.evidence import EvidencePanel
from cxmapper.ui.window import errors
from cxmapper.ui.window.errors import LogDialog
from cxmapper.ui.window.main_window import MainWindow
from tests.ui.conftest import open_window


@pytest.fixture
def reporting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, qapp: QApplication) -> Path:
    """Errors reported as the application reports them, into a log of this test's own."""
    monkeypatch.setenv("CXMAPPER_DATA_DIR", str(tmp_path / "data"))
    # Put back afterwards (pytest-qt's own hook among them).
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    errors.install(qapp)
    return tmp_path / "data" / errors.LOG_NAME


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    return path


@pytest.fixture
def window(qtbot: Any, settings: QSettings, reporting: Path) -> Iterator[MainWindow]:
    """The window, made after the reporter was installed (as the application does); each
    test opens the project once it has broken what it breaks."""
    w = open_window(qtbot, settings)
    yield w
    w.close_project()


def break_search(monkeypatch: pytest.MonkeyPatch, error: Exception, times: int) -> list[str]:
    """The evidence panel's search raises ``error`` its first ``times`` calls (patched
    before the panel connects it); returns the queries it was called with."""
    real_search = EvidencePanel.search
    calls: list[str] = []

    def broken(panel: EvidencePanel) -> Any:
        calls.append(panel.query.text())
        if len(calls) <= times:
            raise error
        return real_search(panel)

    monkeypatch.setattr(EvidencePanel, "search", broken)
    return calls


def search(qtbot: Any, window: MainWindow, words: str) -> EvidencePanel:
    panel = window.panels["evidence"].widget()
    assert isinstance(panel, EvidencePanel)
    panel.tabs.setCurrentIndex(1)  # the Search tab
    panel.query.setText(words)
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    return panel


def test_a_failing_slot_is_one_sentence_and_the_window_carries_on(
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
    window: MainWindow,
    demo: Path,
    reporting: Path,
) -> None:
    calls = break_search(monkeypatch, KeyError("a bug in the search"), times=1)
    assert window.open_path(demo)
    panel = search(qtbot, window, "invoice")
    assert calls == ["invoice"]

    banner = window.error_banner
    assert banner.isVisible()
    text = banner.label.text()
    assert text.count(". ") == 0 and text.endswith(".")  # one sentence
    assert "KeyError" in text and "Help → Show Log" in text
    assert "Traceback" not in text  # the details are in the log, not in the window
    assert window.statusBar().currentMessage() == text
    log = reporting.read_text(encoding="utf-8")
    assert "Traceback" in log and "KeyError: 'a bug in the search'" in log
    assert "in broken" in log  # where it was raised

    # The window still works: the same search, a step added on the map and taken back.
    search(qtbot, window, "invoice")
    assert calls == ["invoice", "invoice"] and panel.search_model.rowCount() > 0
    assert window.ctx is not None and window.view is not None
    project, view = window.ctx.project, window.view
    steps = len(project.steps())
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert len(project.steps()) == steps + 1
    window.window_actions.undo.trigger()
    assert len(project.steps()) == steps


def test_show_log_shows_the_traceback(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, window: MainWindow, demo: Path
) -> None:
    break_search(monkeypatch, RuntimeError("the log should show this"), times=1)
    assert window.open_path(demo)
    search(qtbot, window, "slow")
    assert window.error_banner.isVisible()

    window.window_actions.show_log.trigger()  # Help → Show Log
    dialog = window.findChild(LogDialog)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.isModal()  # the user can go on working beside it
    assert dialog.text.isReadOnly()
    shown = dialog.text.toPlainText()
    assert "RuntimeError: the log should show this" in shown and "Traceback" in shown
    dialog.close()

    qtbot.mouseClick(window.error_banner.details, Qt.MouseButton.LeftButton)  # Show details
    assert dialog.isVisible() and window.findChildren(LogDialog) == [dialog]
    qtbot.mouseClick(window.error_banner.dismiss, Qt.MouseButton.LeftButton)
    assert not window.error_banner.isVisible()


def test_the_same_error_again_is_counted_not_piled_up(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, window: MainWindow, demo: Path
) -> None:
    break_search(monkeypatch, ValueError("again"), times=3)
    assert window.open_path(demo)
    for _ in range(3):
        search(qtbot, window, "slow")
    assert window.error_banner.label.text().endswith("(3 times)")


def test_a_failing_worker_thread_is_reported_in_the_window(
    qtbot: Any, window: MainWindow, reporting: Path
) -> None:
    def work() -> None:
        raise OSError("a worker failed")

    worker = threading.Thread(target=work, name="test-worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(window.error_banner.isVisible)  # queued to the UI thread
    assert "OSError" in window.error_banner.label.text()
    log = reporting.read_text(encoding="utf-8")
    assert "thread test-worker" in log and "OSError: a worker failed" in log


def test_without_errors_the_log_says_there_is_none(
    qtbot: Any, window: MainWindow, reporting: Path
) -> None:
    assert not window.error_banner.isVisible()
    window.window_actions.show_log.trigger()
    dialog = window.findChild(LogDialog)
    assert dialog is not None
    assert "no log yet" in dialog.text.toPlainText()
    assert not reporting.exists()
