"""Fixtures for driving the main window: private settings, and the window on a project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from cxmapper.model.demo import write_demo
from cxmapper.ui.window.main_window import MainWindow


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings of this test alone (recent files, layout), never the user's."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def open_window(qtbot, settings: QSettings, path: Path | None = None) -> MainWindow:
    """The main window shown on screen, opened on ``path`` when given."""
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    if path is not None:
        assert w.open_path(path)
    return w


@pytest.fixture
def demo_window(qtbot, tmp_path: Path, settings: QSettings) -> Iterator[MainWindow]:
    """The window on a fresh demo project."""
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    w = open_window(qtbot, settings, path)
    yield w
    w.close_project()
