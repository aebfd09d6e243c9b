"""The main window: opening files (good and bad), menus, shortcuts, recent files, inspector."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QTableWidget

from cxmapper.cli import main as cli
from cxmapper.model.demo import write_demo
from cxmapper.ui.window.dialogs import ShortcutsDialog
from cxmapper.ui.window.exporting import save_copy
from cxmapper.ui.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, settings: QSettings):
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close_project()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    return path


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


def test_opening_a_project_shows_it(window: MainWindow, demo: Path) -> None:
    assert window.open_path(demo)
    assert window.windowTitle() == "demo.cxmap — CX Mapper"
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Insert", "Arrange", "Workshop", "Help"]
    assert window.view is not None and len(window.view.journey_scene.cards) == 32
    assert "32 steps" in window._status_counts.text()
    assert window.window_actions.undo.isEnabled() is False


def test_each_action_is_enabled_exactly_when_what_it_needs_is_there(
    window: MainWindow, demo: Path
) -> None:
    acts = window.window_actions

    def enabled() -> set[str]:
        return {a.text().replace("&", "") for a in acts.all() if a.isEnabled()}

    anytime = {"New…", "Open…", "Quit", "Legend", "Keyboard Shortcuts", "Show Log"}
    anytime.add("About CX Mapper")
    assert enabled() == anytime  # no project: nothing that needs one
    assert window.open_path(demo)
    with_project = enabled()
    assert {"Save a Copy As…", "Find…", "Paste", "Presentation Mode"} <= with_project
    assert not {"Cut", "Copy", "Delete", "Undo", "Redo"} & with_project
    ctx = window.ctx
    step = ctx.project.steps()[0]
    ctx.set_selection(steps=[step.id])
    on_map = {"Cut", "Copy", "Delete", "Move to Previous Stage", "Move to Next Stage"}
    on_map |= {"Rename Step", "Loop Back…", "Next Step\tEnter"}
    on_map |= {"Hand-off to the Lane Below\tShift+Enter", "Hand-off to the Lane Above\tCtrl+Enter"}
    assert enabled() == with_project | on_map
    ctx.set_selection(steps=[], pains=[ctx.project.pains()[0].id])  # Delete reaches the register
    assert enabled() == with_project | {"Delete"}
    ctx.set_selection(pains=[], steps=[step.id])
    window.view.delete_selected()  # nothing selected any more, one edit to undo
    assert enabled() == with_project | {f"Undo Delete step '{step.title}'"}
    acts.undo.trigger()
    assert enabled() == with_project | {f"Redo Delete step '{step.title}'"}
    window.close_project()
    assert enabled() == anytime


def test_a_bad_file_gets_one_sentence_and_the_window_stays_usable(
    window: MainWindow, demo: Path, tmp_path: Path, warnings: list[str]
) -> None:
    bad = tmp_path / "bad.cxmap"
    bad.write_bytes(b"\x00garbage" * 100)
    before = bad.read_bytes()
    assert not window.open_path(bad)
    assert warnings == ["“bad.cxmap” is not a CX Mapper project (it is not a database)."]
    assert bad.read_bytes() == before
    assert window.open_path(demo)  # still usable


def test_recent_files_are_remembered(qtbot, settings: QSettings, demo: Path) -> None:
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.open_path(demo)
    w.close()
    again = MainWindow(settings)
    qtbot.addWidget(again)
    assert again.recent_files()[0] == str(demo)
    again.open_most_recent()
    assert again.ctx is not None and again.ctx.project.path == demo
    again.close()


def test_undo_menu_names_the_edit(qtbot, window: MainWindow, demo: Path) -> None:
    window.open_path(demo)
    view = window.view
    assert view is not None
    first = sorted(window.ctx.project.steps(), key=lambda s: s.id)[0].id
    view.select_step(first)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.keyClicks(view, "Follow-up call")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.window_actions.undo.text() == "&Undo Add step 'Follow-up call'"
    window.window_actions.undo.trigger()
    assert "Follow-up call" not in [s.title for s in window.ctx.project.steps()]
    assert window.window_actions.redo.text() == "&Redo Add step 'Follow-up call'"


def test_inspector_edits_a_step_with_undo(qtbot, window: MainWindow, demo: Path) -> None:
    window.open_path(demo)
    ctx = window.ctx
    inspector = window.panels["inspector"].widget().widget()  # inside its scroll area
    step = ctx.project.steps()[0]
    ctx.set_selection(steps=[step.id])
    inspector.title.selectAll()
    qtbot.keyClicks(inspector.title, "Compares vendors")
    qtbot.keyClick(inspector.title, Qt.Key.Key_Return)
    assert ctx.project.step(step.id).title == "Compares vendors"
    inspector.emotion.setCurrentIndex(inspector.emotion.findData(-2))
    assert ctx.project.step(step.id).emotion == -2
    ctx.undo_stack.undo()
    ctx.undo_stack.undo()
    assert ctx.project.step(step.id) == step
    # The inspector catches up once the edit's announcements are over.
    qtbot.waitUntil(lambda: inspector.title.text() == step.title, timeout=2000)


def test_save_a_copy_is_sound(window: MainWindow, demo: Path, tmp_path: Path) -> None:
    window.open_path(demo)
    copy = tmp_path / "copy.cxmap"
    assert save_copy(window, copy)
    assert cli(["check", str(copy)]) == 0


def test_shortcuts_help_lists_menu_and_canvas_keys(window: MainWindow) -> None:
    dialog = ShortcutsDialog(window, window.window_actions.keyboard_help())
    table = dialog.findChild(QTableWidget)
    rows = {table.item(r, 1).text(): table.item(r, 0).text() for r in range(table.rowCount())}
    assert rows["Undo"].startswith("Ctrl+Z")
    assert "Enter" in rows.values() and "Ctrl+L" in rows.values()
    assert len(rows) > 25


@pytest.mark.parametrize(
    "name", sorted(__import__("tests.model.hostile", fromlist=["CORPUS"]).CORPUS)
)
def test_every_hostile_file_is_refused_in_the_window(
    window: MainWindow, tmp_path: Path, warnings: list[str], name: str
) -> None:
    from tests.model.hostile import CORPUS, fingerprint

    path = tmp_path / "bad.cxmap"
    CORPUS[name](path)
    before = fingerprint(path)
    assert not window.open_path(path)
    assert len(warnings) == 1 and warnings[0].endswith(".") and "\n" not in warnings[0]
    assert fingerprint(path) == before
    assert window.ctx is None and window.stack.currentWidget() is window.start_page


def test_a_view_that_fails_on_a_file_leaves_the_window_usable(
    window: MainWindow, demo: Path, warnings: list[str], monkeypatch
) -> None:
    from tests.model.hostile import fingerprint

    def broken(*args, **kwargs):
        raise ValueError("unexpected value")

    monkeypatch.setattr("cxmapper.ui.panels.matrix.PriorityMatrix.__init__", broken)
    before = fingerprint(demo)
    assert not window.open_path(demo)
    assert warnings == [
        "“demo.cxmap” could not be shown (ValueError: unexpected value); the file was not changed."
    ]
    assert window.ctx is None and fingerprint(demo) == before
    monkeypatch.undo()
    assert window.open_path(demo)  # not left locked or half-open


def test_a_relative_path_is_remembered_absolute(
    window: MainWindow, demo: Path, monkeypatch
) -> None:
    monkeypatch.chdir(demo.parent)
    assert window.open_path(Path("demo.cxmap"))
    assert window.recent_files()[0] == str(demo.resolve())
    assert window.open_path(Path("demo.cxmap"))  # the same file, not "open elsewhere"


def test_a_new_project_is_named_after_its_file_and_asks_for_its_numbers(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from cxmapper.ui.window.dialogs import ProjectSettingsDialog

    asked: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "Acme onboarding"), "")
    )
    monkeypatch.setattr(ProjectSettingsDialog, "exec", lambda d: asked.append(d.name.text()))
    window.window_actions.new.trigger()
    p = window.ctx.project
    assert p.path == (tmp_path / "Acme onboarding.cxmap").resolve()
    assert p.settings.name == "Acme onboarding"
    (step,) = p.steps()
    assert step.stage_id == p.stages()[0].id  # drawn in Discover, and in Discover it is
    assert window._status_counts.text().startswith("1 work group · 1 step · 0 flows · ")
    qtbot.waitUntil(lambda: asked == ["Acme onboarding"])
    # The status bar asks for the numbers until they are set, not after.
    status = window.statusBar()
    assert status.currentMessage().startswith("Set the customers per year")
    dialog = ProjectSettingsDialog(window.ctx, window)
    dialog.customers.setValue(48_000)
    dialog.accept()
    dialog.deleteLater()
    assert p.settings.customer_base == 48_000
    assert not status.currentMessage().startswith("Set the customers per year")


def test_closing_the_window_during_an_import_keeps_the_project_open(
    qtbot, window: MainWindow, demo: Path, tmp_path: Path
) -> None:
    from cxmapper.ui.importing.wizard import ImportWizard

    window.open_path(demo)
    survey = tmp_path / "survey.csv"
    survey.write_text("Customer ID,Comment\nc1,slow\nc2,quick\n", encoding="utf-8")
    wizard = ImportWizard(window.ctx, survey, window)
    wizard.show()
    assert not window.close()  # refused while the import is open
    assert window.ctx is not None and window.ctx.project.evidence.count() > 0
    assert not wizard.isVisible()  # the import was closed instead
    assert window.close()
