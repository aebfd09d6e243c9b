"""`cxmapper FILE --exit-when-open` says what it saw and exits; it never waits on a dialog."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QMessageBox

import cxmapper.ui.window.main_window as main_window
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.ui.app import run


def sound_project(path: Path) -> Path:
    with Project.create(path) as p:
        group = p.add_work_group("Support")
        for i in range(3):
            p.add_step(group.id, f"Step {i}")
    return path


def bad_value_project(path: Path) -> Path:
    """Sound tables, one value no step may hold: refused when the window opens it."""
    sound_project(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE step SET emotion = 99")
    conn.commit()
    conn.close()
    return path


def cxmapper(tmp_path: Path, *args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """The command as the build's smoke test runs it: offscreen, settings in ``tmp_path``."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def test_a_sound_project_is_opened_and_described(tmp_path: Path) -> None:
    demo = tmp_path / "demo.cxmap"
    write_demo(demo)
    result = cxmapper(tmp_path, "-m", "cxmapper", str(demo), "--exit-when-open")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Opened demo.cxmap: 32 steps and 47 flows on the map, 7 panels.\n"


def test_a_refusal_dialog_on_open_is_printed_not_waited_on(tmp_path: Path) -> None:
    # The window's "Cannot open project" message box used to wait for a click nobody could
    # give. (Called past the command's own up-front check, so the window is what refuses.)
    bad = bad_value_project(tmp_path / "bad.cxmap")
    script = (
        "import sys\n"
        "from cxmapper.ui.app import run\n"
        f"sys.exit(run({str(bad)!r}, exit_when_open=True))\n"
    )
    started = time.monotonic()
    result = cxmapper(tmp_path, "-c", script, timeout=50)
    assert time.monotonic() - started < 40
    assert result.returncode == 1 and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.startswith("cxmapper:")]
    assert len(lines) == 1, result.stderr
    assert "Cannot open project" in lines[0] and "bad.cxmap" in lines[0]


def test_the_command_fails_promptly_on_a_file_the_window_refuses(tmp_path: Path) -> None:
    bad = bad_value_project(tmp_path / "bad.cxmap")
    started = time.monotonic()
    result = cxmapper(tmp_path, "-m", "cxmapper", str(bad), "--exit-when-open", timeout=50)
    assert time.monotonic() - started < 40
    assert result.returncode == 1 and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.startswith("cxmapper:")]
    assert len(lines) == 1 and "bad.cxmap" in lines[0], result.stderr


def test_the_hard_timeout_ends_a_window_that_never_gets_back_to_its_event_loop(
    tmp_path: Path,
) -> None:
    project = sound_project(tmp_path / "p.cxmap")
    script = (
        "import sys, time\n"
        "import cxmapper.ui.window.open_check as check, cxmapper.ui.window.main_window as mw\n"
        "check.HARD_TIMEOUT_S = 1.0\n"
        "mw.MainWindow.open_path = lambda self, path: time.sleep(60)\n"
        "from cxmapper.cli import main\n"
        f"sys.exit(main([{str(project)!r}, '--exit-when-open']))\n"
    )
    started = time.monotonic()
    result = cxmapper(tmp_path, "-c", script, timeout=50)
    assert time.monotonic() - started < 40
    assert result.returncode == 1
    assert "cxmapper: the window did not open within 1 seconds; giving up." in result.stderr


def test_a_dialog_that_will_not_close_ends_the_process(tmp_path: Path) -> None:
    project = sound_project(tmp_path / "p.cxmap")
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QDialog\n"
        "import cxmapper.ui.window.open_check as check, cxmapper.ui.window.main_window as mw\n"
        "check.STUCK_S = 0.5\n"
        "class Stubborn(QDialog):\n"
        "    def done(self, result): pass\n"
        "def open_path(self, path):\n"
        "    Stubborn(self).exec()\n"
        "mw.MainWindow.open_path = open_path\n"
        "from cxmapper.ui.app import run\n"
        f"sys.exit(run({str(project)!r}, exit_when_open=True))\n"
    )
    result = cxmapper(tmp_path, "-c", script, timeout=50)
    assert result.returncode == 1
    assert "cxmapper: a dialog could not be closed; giving up." in result.stderr


@pytest.fixture
def patched_window(tmp_path: Path, monkeypatch):
    """MainWindow with this test's settings; ``prompts`` says when it opens a message box."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    prompts: dict[str, bool] = {"before": False, "after": False}

    class Window(main_window.MainWindow):
        def __init__(self, _given: object = None) -> None:
            super().__init__(settings)

        def open_path(self, path: Path) -> bool:
            if prompts["before"]:  # a first-run question, asked before the map is shown
                QMessageBox.question(self, "Welcome", "Set up the\x1b[2J project now?")
            opened = super().open_path(path)
            if prompts["after"]:  # one posted while the map is on screen
                QTimer.singleShot(0, lambda: QMessageBox.information(self, "Note", "Recovered."))
            return opened

    monkeypatch.setattr(main_window, "MainWindow", Window)
    return prompts


@pytest.mark.parametrize(
    ("when", "said"),
    [
        ("before", "Welcome — Set up the\\x1b[2J project now?"),
        ("after", "Note — Recovered."),
    ],
)
def test_a_prompt_is_reported_and_the_run_fails(
    qapp, tmp_path: Path, patched_window: dict[str, bool], capsys, when: str, said: str
) -> None:
    project = sound_project(tmp_path / "p.cxmap")
    patched_window[when] = True
    started = time.monotonic()
    assert run(str(project), exit_when_open=True) == 1
    assert time.monotonic() - started < 10
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"cxmapper: the window showed a dialog instead of the map: {said}\n"
    assert qapp.activeModalWidget() is None


def test_without_a_prompt_the_patched_window_reports_the_map(
    qapp, tmp_path: Path, patched_window: dict[str, bool], capsys
) -> None:
    project = sound_project(tmp_path / "p.cxmap")
    assert run(str(project), exit_when_open=True) == 0
    assert capsys.readouterr().out.startswith("Opened p.cxmap: 3 steps and 0 flows on the map")
