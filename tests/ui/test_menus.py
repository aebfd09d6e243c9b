"""The map's keys are menu commands too: each shows its keys in its menu, is enabled when a
step is selected, and does what the key does; a panel's buttons for the workshop are in the
Workshop menu; every menu path a message quotes exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QInputDialog,
    QListWidget,
    QMenu,
    QMessageBox,
)

from cxmapper.ui.canvas.interactions import EditTitle
from cxmapper.ui.panels.ballot import NewRoundDialog
from cxmapper.ui.window.main_window import MainWindow

Mod = Qt.KeyboardModifier
ROOT = Path(__file__).resolve().parents[2]


def plain(text: str) -> str:
    """A menu text as read: no accelerator marks, nothing after the tab."""
    return text.split("\t")[0].replace("&", "")


def menu_item(window: MainWindow, *path: str) -> tuple[QMenu, QAction]:
    """The menu holding ``path``'s last item (by their texts as read), and that item."""
    actions = window.menuBar().actions()
    menu: QMenu | None = None
    for title in path[:-1]:
        found = next(a for a in actions if plain(a.text()) == title)
        menu = found.menu()
        assert isinstance(menu, QMenu), title
        actions = menu.actions()
    assert menu is not None
    return menu, next(a for a in actions if plain(a.text()) == path[-1])


def click_menu(qtbot, window: MainWindow, *path: str) -> QAction:
    """Open ``path``'s menu and click its item, as with the mouse."""
    menu, action = menu_item(window, *path)
    menu.popup(window.mapToGlobal(QPoint(40, 40)))
    qtbot.waitExposed(menu)
    assert action.isEnabled(), path
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not menu.isVisible())
    return action


def lane_below(window: MainWindow, group_id: int) -> int:
    lanes = window.view.journey_scene.layout.lane_order
    return lanes[lanes.index(group_id) + 1]


# --- 1. Arrange: the stage moves show their keys --------------------------------------------


def test_move_to_stage_shows_alt_arrows_and_a_key_moves_one_stage(
    qtbot, demo_window: MainWindow
) -> None:
    w, p = demo_window, demo_window.ctx.project
    _menu, previous = menu_item(w, "Arrange", "Move to Previous Stage")
    _menu, following = menu_item(w, "Arrange", "Move to Next Stage")
    assert previous.shortcut() == QKeySequence("Alt+Left")
    assert following.shortcut() == QKeySequence("Alt+Right")
    step = p.step(1)  # "Researches analytics platforms", in Discover
    w.view.select_step(step.id)
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_Right, Mod.AltModifier)
    assert p.step(step.id).stage_id == 2  # one stage on, not two (the key is handled once)
    assert w.ctx.undo_stack.count() == 1
    click_menu(qtbot, w, "Arrange", "Move to Previous Stage")
    assert p.step(step.id).stage_id == 1
    # While a title is typed on the map, the map's command keys are the typist's.
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_F2)
    qtbot.keyClicks(w.view, "Reads reviews")
    for key, mods in ((Qt.Key.Key_Right, Mod.AltModifier), (Qt.Key.Key_F2, Mod.NoModifier)):
        qtbot.keyClick(w.view, key, mods)
    qtbot.keyClick(w.view, Qt.Key.Key_L, Mod.ControlModifier)
    assert QApplication.activePopupWidget() is None  # no loop menu over the title
    qtbot.keyClick(w.view, Qt.Key.Key_Return)
    assert (p.step(step.id).title, p.step(step.id).stage_id) == ("Reads reviews", 1)


# --- 2. The map's keys in the Insert and Edit menus -----------------------------------------

MAP_COMMANDS = {
    ("Edit", "Rename Step"): "F2",
    ("Insert", "Loop Back…"): "Ctrl+L",
    ("Insert", "Next Step"): None,  # Enter: shown after the tab, the map's own key
    ("Insert", "Hand-off to the Lane Below"): None,
    ("Insert", "Hand-off to the Lane Above"): None,
}


def test_the_maps_keys_are_menu_commands_shown_with_their_keys(demo_window: MainWindow) -> None:
    w, ctx = demo_window, demo_window.ctx
    items = {path: menu_item(w, *path)[1] for path in MAP_COMMANDS}
    for path, keys in MAP_COMMANDS.items():
        if keys is not None:
            assert items[path].shortcut() == QKeySequence(keys), path
    shown = {plain(a.text()): a.text().split("\t")[1] for a in items.values() if "\t" in a.text()}
    assert shown == {
        "Next Step": "Enter",
        "Hand-off to the Lane Below": "Shift+Enter",
        "Hand-off to the Lane Above": "Ctrl+Enter",
    }
    # Enter is never registered as a shortcut: it stays with the fields and the title editor.
    enter = {QKeySequence(k) for k in ("Return", "Enter", "Shift+Return", "Ctrl+Return")}
    taken = {k for a in w.findChildren(QAction) for k in a.shortcuts()}
    assert not enter & taken
    assert not any(a.isEnabled() for a in items.values())  # nothing selected
    ctx.set_selection(steps=[], flows=[ctx.project.flows()[0].id])
    assert not any(a.isEnabled() for a in items.values())  # a flow is no step
    ctx.set_selection(steps=[1], flows=[])
    assert all(a.isEnabled() for a in items.values())


def test_insert_next_step_from_the_menu_is_what_enter_does(qtbot, demo_window: MainWindow) -> None:
    w, ctx, p = demo_window, demo_window.ctx, demo_window.ctx.project
    first = p.step(1)
    w.view.select_step(first.id)
    click_menu(qtbot, w, "Insert", "Next Step")
    assert isinstance(w.view._interaction, EditTitle)
    w.view.setFocus()
    qtbot.keyClicks(w.view, "Compares pricing")
    qtbot.keyClick(w.view, Qt.Key.Key_Return)
    added = next(s for s in p.steps() if s.title == "Compares pricing")
    assert added.work_group_id == first.work_group_id
    assert any(f.source_id == first.id and f.target_id == added.id for f in p.flows())
    assert ctx.undo_stack.count() == 1  # one edit, named as Enter names it
    assert ctx.undo_stack.undoText() == "Add step 'Compares pricing'"

    w.view.select_step(first.id)
    click_menu(qtbot, w, "Insert", "Hand-off to the Lane Below")
    w.view.setFocus()
    qtbot.keyClicks(w.view, "Calls back")
    qtbot.keyClick(w.view, Qt.Key.Key_Return)
    handed = next(s for s in p.steps() if s.title == "Calls back")
    assert handed.work_group_id == lane_below(w, first.work_group_id)
    assert ctx.undo_stack.count() == 2


def test_f2_and_edit_rename_step_rename_on_the_map_but_f2_still_edits_a_stage_name(
    qtbot, demo_window: MainWindow
) -> None:
    w, p = demo_window, demo_window.ctx.project
    w.view.select_step(2)
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_F2)
    assert isinstance(w.view._interaction, EditTitle)
    qtbot.keyClicks(w.view, "Intro call")
    qtbot.keyClick(w.view, Qt.Key.Key_Return)
    assert p.step(2).title == "Intro call"
    click_menu(qtbot, w, "Edit", "Rename Step")
    assert isinstance(w.view._interaction, EditTitle)
    qtbot.keyClick(w.view, Qt.Key.Key_Escape)

    # Two steps selected: the inspector lists the stages, and F2 there renames a stage.
    w.ctx.set_selection(steps=[1, 2])
    inspector = w.panels["inspector"].widget().widget()
    w.panels["inspector"].raise_()
    stages = inspector.lists[type(p.stage(1))]
    assert isinstance(stages, QListWidget)
    qtbot.waitUntil(stages.isVisible)
    stages.setFocus()
    stages.setCurrentRow(1)
    qtbot.keyClick(stages, Qt.Key.Key_F2)
    assert stages.state() == QAbstractItemView.State.EditingState
    assert not isinstance(w.view._interaction, EditTitle)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "Purchase")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: p.stage(2).name == "Purchase")  # the list commits after the key


def test_enter_in_the_inspectors_title_field_still_saves_the_title(
    qtbot, demo_window: MainWindow
) -> None:
    w, p = demo_window, demo_window.ctx.project
    w.view.select_step(3)
    inspector = w.panels["inspector"].widget().widget()
    w.panels["inspector"].raise_()
    qtbot.waitUntil(inspector.title.isVisible)
    inspector.title.setFocus()
    inspector.title.selectAll()
    before = len(p.steps())
    qtbot.keyClicks(inspector.title, "Custom demo")
    qtbot.keyClick(inspector.title, Qt.Key.Key_Return)
    assert p.step(3).title == "Custom demo"
    assert len(p.steps()) == before  # Enter added no step on the map


@pytest.mark.parametrize("by_menu", [False, True])
def test_loop_back_by_ctrl_l_or_the_menu_connects_to_an_earlier_step(
    qtbot, demo_window: MainWindow, by_menu: bool
) -> None:
    w, p = demo_window, demo_window.ctx.project
    w.view.select_step(4)
    w.view.setFocus()
    if by_menu:
        click_menu(qtbot, w, "Insert", "Loop Back…")
    else:
        qtbot.keyClick(w.view, Qt.Key.Key_L, Mod.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    loops = QApplication.activePopupWidget()
    assert loops.title() == "Loop back to"
    target = int(loops.actions()[0].data())
    flows = len(p.flows())
    qtbot.keyClick(loops, Qt.Key.Key_Return)
    assert len(p.flows()) == flows + 1
    assert any(f.source_id == 4 and f.target_id == target for f in p.flows())


# --- 3. The workshop's panel buttons in the Workshop menu -----------------------------------


def test_voting_commands_in_the_workshop_menu_follow_the_panels_buttons(
    qtbot, demo_window: MainWindow
) -> None:
    w = demo_window
    voting = w.panel("voting")
    _menu, laptop = menu_item(w, "Workshop", "Pass the Laptop…")
    _menu, reveal = menu_item(w, "Workshop", "Reveal Votes")
    assert not voting.pass_laptop.isEnabled() and not laptop.isEnabled()  # no round yet
    assert not reveal.isEnabled()

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewRoundDialog)
        dialog.title.setText("Which pains first?")
        dialog.accept()

    QTimer.singleShot(0, fill_in)
    click_menu(qtbot, w, "Workshop", "New Voting Round…")
    assert [r.title for r in w.ctx.project.voting_rounds()] == ["Which pains first?"]
    assert w.panels["voting"].isVisible()  # raised over the inspector's tab
    qtbot.waitUntil(voting.pass_laptop.isEnabled)
    click_menu(qtbot, w, "Workshop", "Pass the Laptop…")
    assert voting.ballot_screen is not None and voting.ballot_screen.isVisible()
    voting.ballot_screen.close()
    qtbot.waitUntil(lambda: voting.ballot_screen is None)
    menu, reveal = menu_item(w, "Workshop", "Reveal Votes")
    menu.aboutToShow.emit()
    assert reveal.isEnabled() == voting.reveal.isEnabled()
    if reveal.isEnabled():
        click_menu(qtbot, w, "Workshop", "Reveal Votes")
        assert w.ctx.project.voting_rounds()[0].revealed
        menu.aboutToShow.emit()
        assert not reveal.isEnabled() and not voting.reveal.isEnabled()


def test_new_pain_and_macro_action_from_the_workshop_menu(
    qtbot, demo_window: MainWindow, monkeypatch
) -> None:
    w, p = demo_window, demo_window.ctx.project
    before = {x.id for x in p.pains()}
    w.view.select_step(5)
    assert menu_item(w, "Insert", "New Pain from Selection")[1].isEnabled()
    click_menu(qtbot, w, "Workshop", "New Pain from Selection")
    (added,) = [x for x in p.pains() if x.id not in before]
    assert added.step_ids == (5,) and added.title == f"Pain at {p.step(5).title}"
    assert w.panels["pains"].isVisible()
    for editor in QApplication.topLevelWidgets():
        if editor.isVisible() and editor.windowTitle().startswith("Pain"):
            editor.close()

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    w.ctx.set_selection(steps=[], pains=[])
    actions = len(p.actions())
    click_menu(qtbot, w, "Workshop", "Macro Action from Selected Pains")
    assert told == ["Select one or more universal pains in the pain register first."]
    assert len(p.actions()) == actions
    assert w.panels["actions"].isVisible()


# --- 4. Stage names ---------------------------------------------------------------------------


def test_a_second_stage_of_one_name_is_refused_in_the_window(
    qtbot, demo_window: MainWindow, monkeypatch
) -> None:
    w, p = demo_window, demo_window.ctx.project
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("  buy ", True))
    click_menu(qtbot, w, "Insert", "Stage…")
    assert [s.name for s in p.stages()].count("Buy") == 1 and len(p.stages()) == 6
    assert w.notice.isVisible() and "There is already a stage called “buy”" in w.notice.text()
    assert w.ctx.undo_stack.count() == 0


def test_renaming_a_stage_to_another_stages_name_is_refused_in_the_inspector(
    qtbot, demo_window: MainWindow
) -> None:
    w, p = demo_window, demo_window.ctx.project
    inspector = w.panels["inspector"].widget().widget()
    stages = inspector.lists[type(p.stage(1))]
    qtbot.waitUntil(lambda: stages.count() == 6)
    stages.item(1).setText("DISCOVER ")  # as typed over "Buy" in the list
    assert p.stage(2).name == "Buy"
    assert w.notice.isVisible() and "already a stage called “DISCOVER”" in w.notice.text()
    qtbot.waitUntil(lambda: stages.item(1).text() == "Buy")  # the list shows the model again


# --- 6. Menu paths quoted in messages ---------------------------------------------------------

MENU_PATH = re.compile(r"\b(File|Edit|View|Insert|Arrange|Workshop|Help)((?: → [^→]+)+)")


def quoted_paths(text: str) -> list[list[str]]:
    """Each "Menu → Item" in ``text``: the menu, then what follows each arrow (the item and
    whatever words come after it); a line break is a space, as in a wrapped sentence."""
    text = re.sub(r"\s+", " ", text)
    return [[m.group(1), *m.group(2).split(" → ")[1:]] for m in MENU_PATH.finditer(text)]


def resolves(window: MainWindow, path: list[str]) -> bool:
    """Whether ``path`` leads through the menus, each part starting with an item's text
    (an arrow after a command, not a submenu, is the sentence's own)."""
    actions = window.menuBar().actions()
    for part in path:
        found = [
            a
            for a in actions
            if plain(a.text())
            and re.match(re.escape(plain(a.text()).rstrip("…")) + r"…?(?!\w)", part)
        ]
        if not found:
            return False
        menu = found[0].menu()
        if not isinstance(menu, QMenu):
            return True
        menu.aboutToShow.emit()  # Open Recent fills itself
        actions = menu.actions()
    return True


def ui_strings() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "cxmapper" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.value))
    found.append(("README.md", (ROOT / "README.md").read_text(encoding="utf-8")))
    return found


def test_every_menu_path_quoted_in_the_window_and_readme_exists(demo_window: MainWindow) -> None:
    quoted = [(where, path) for where, text in ui_strings() for path in quoted_paths(text)]
    assert len(quoted) > 10
    wrong = [
        f"{where}: {' → '.join(path)}" for where, path in quoted if not resolves(demo_window, path)
    ]
    assert not wrong, wrong


def test_the_menu_path_check_catches_a_wrong_name(demo_window: MainWindow) -> None:
    assert resolves(demo_window, ["Insert", "Work Group… first."])
    assert not resolves(demo_window, ["Insert", "Work group)."])
    assert resolves(demo_window, ["View", "Panels", "Voting"])
    assert not resolves(demo_window, ["View", "Panel"])
    assert not resolves(demo_window, ["Help", "Shortcuts"])
