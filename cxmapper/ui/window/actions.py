"""The main window's menus, toolbar and shortcuts (standard keys where Qt defines them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QToolBar

from cxmapper.ui.document.commands import AddStage, AddWorkGroup
from cxmapper.ui.window.errors import show_log

if TYPE_CHECKING:
    from cxmapper.ui.window.main_window import MainWindow

Std = QKeySequence.StandardKey

# Keys the canvas handles itself, for the shortcuts help.
CANVAS_KEYS = (
    ("Enter", "Add the next step in the same lane, connected; type its title"),
    ("Shift+Enter", "Add the next step in the lane below (a hand-off)"),
    ("Ctrl+Enter", "Add the next step in the lane above (a hand-off back)"),
    ("Ctrl+L", "Loop: connect the selected step back to an earlier one"),
    ("F2 / double-click", "Rename the selected step"),
    ("Arrow keys", "Move the selection along the lane, or to the lane above/below"),
    ("Tab / Shift+Tab", "Follow the flow out of / into the selected step"),
    ("Drag a card", "Move it (snaps to lane and stage)"),
    ("Drag from a card's ⊕ handle", "Connect it to another step"),
    ("Ctrl+wheel", "Zoom"),
    ("Esc", "Cancel / clear the selection"),
)


def build_menus(w: MainWindow) -> None:
    def act(
        name: str,
        text: str,
        slot: Callable[[], object],
        shortcut: object = None,
        menu: QMenu | None = None,
        tip: str = "",
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, w)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)
        elif shortcut:
            action.setShortcut(QKeySequence(str(shortcut)))
        action.setCheckable(checkable)
        action.setStatusTip(tip)
        action.triggered.connect(lambda *_: slot())
        # The window carries every action, so shortcuts work with the menu bar hidden.
        w.addAction(action)
        w.actions_by_name[name] = action
        if menu is not None:
            menu.addAction(action)
        return action

    view = lambda: w.view  # noqa: E731 - the view changes with each project

    bar = w.menuBar()
    file = bar.addMenu("&File")
    act("new", "&New…", w.new_dialog, Std.New, file, "Create a new project file")
    act("open", "&Open…", w.open_dialog, Std.Open, file, "Open a project file")
    recent = file.addMenu("Open &Recent")
    recent.aboutToShow.connect(lambda: _fill_recent(w, recent))
    w.recent_menu = recent
    act(
        "save_copy",
        "Save a &Copy As…",
        w.save_copy_dialog,
        Std.SaveAs,
        file,
        "Write a clean copy of this project to another file",
    )
    act("close", "&Close Project", w.close_project, Std.Close, file)
    file.addSeparator()
    act(
        "import",
        "&Import Evidence…",
        w.import_dialog,
        "Ctrl+I",
        file,
        "Import a survey or ticket export (CSV or XLSX) as evidence",
    )
    act(
        "export_plan",
        "&Export Plan…",
        w.export_dialog,
        "Ctrl+E",
        file,
        "Write the macro-action plan workbook for leadership",
    )
    act(
        "export_image",
        "Export &Map Image…",
        lambda: _export_image(w),
        "Ctrl+Shift+E",
        file,
        "Render the whole journey to PNG, SVG or PDF",
    )
    file.addSeparator()
    act("quit", "&Quit", w.close, Std.Quit, file)
    if not w.action("quit").shortcuts():  # some desktops define no standard Quit key
        w.action("quit").setShortcut(QKeySequence("Ctrl+Q"))

    edit = bar.addMenu("&Edit")
    act("undo", "&Undo", lambda: w.ctx and w.ctx.undo_stack.undo(), Std.Undo, edit)
    act("redo", "&Redo", lambda: w.ctx and w.ctx.undo_stack.redo(), Std.Redo, edit)
    edit.addSeparator()
    # The edit commands act where the keyboard focus is: a text field, a panel's table, or
    # the map (a Delete pressed in the pain register deletes the pain, not its steps).
    act("cut", "Cu&t", lambda: w.edit_command("cut"), Std.Cut, edit)
    act("copy", "&Copy", lambda: w.edit_command("copy"), Std.Copy, edit)
    act("paste", "&Paste", lambda: w.edit_command("paste"), Std.Paste, edit)
    act("delete", "&Delete", lambda: w.edit_command("delete"), Std.Delete, edit)
    edit.addSeparator()
    act("select_all", "Select &All", lambda: w.edit_command("select_all"), Std.SelectAll, edit)
    act("find", "&Find…", w.find_dialog, Std.Find, edit)
    edit.addSeparator()
    act("settings", "Project &Settings…", lambda: _project_settings(w), "Ctrl+,", edit)

    menu_view = bar.addMenu("&View")
    act("zoom_in", "Zoom &In", lambda: view() and view().zoom_in(), Std.ZoomIn, menu_view)
    act("zoom_out", "Zoom &Out", lambda: view() and view().zoom_out(), Std.ZoomOut, menu_view)
    act("fit", "&Fit to Window", lambda: view() and view().fit_all(), "Ctrl+0", menu_view)
    act("actual_size", "&Actual Size", lambda: view() and view().actual_size(), "Ctrl+1", menu_view)
    menu_view.addSeparator()
    act(
        "heat",
        "&Heat Overlay by Impact",
        lambda: view() and view().set_heat_overlay(w.action("heat").isChecked()),
        "Ctrl+H",
        menu_view,
        checkable=True,
    )
    act("legend", "&Legend", lambda: _legend(w), "Ctrl+Shift+L", menu_view, checkable=True)
    w.action("legend").setChecked(True)
    w.panels_menu = menu_view.addMenu("&Panels")
    act(
        "presentation",
        "&Presentation Mode",
        lambda: _presentation(w),
        Std.FullScreen,
        menu_view,
        "Full screen, nothing but the map",
        checkable=True,
    )
    if not w.action("presentation").shortcuts():
        w.action("presentation").setShortcut(QKeySequence("F11"))

    insert = bar.addMenu("&Insert")
    act("add_group", "&Work Group…", lambda: _add_named(w, "work group"), "Ctrl+Shift+G", insert)
    act("add_stage", "&Stage…", lambda: _add_named(w, "stage"), "Ctrl+Shift+T", insert)
    act("add_step", "S&tep", lambda: view() and view().add_step(), "Ctrl+Shift+N", insert)
    act("add_flow", "&Flow", lambda: view() and view().add_flow_mode(), "Ctrl+Shift+F", insert)

    help_menu = bar.addMenu("&Help")
    act("shortcuts", "&Keyboard Shortcuts", lambda: _shortcuts(w), Std.HelpContents, help_menu)
    act("show_log", "Show &Log", lambda: show_log(w), None, help_menu, "What went wrong, if so")
    act("about", "&About CX Mapper", lambda: _about(w), None, help_menu)

    tools = QToolBar("Main toolbar", w)
    tools.setObjectName("main-toolbar")
    for name in (
        "new",
        "open",
        None,
        "undo",
        "redo",
        None,
        "add_group",
        "add_stage",
        "add_step",
        "add_flow",
        None,
        "zoom_in",
        "zoom_out",
        "fit",
        "heat",
        None,
        "presentation",
    ):
        if name is None:
            tools.addSeparator()
        else:
            tools.addAction(w.action(name))
    w.addToolBar(tools)
    w.toolbar = tools


def _fill_recent(w: MainWindow, menu: QMenu) -> None:
    menu.clear()
    files = w.recent_files()
    for path in files:
        action = menu.addAction(Path(path).name)
        action.setStatusTip(path)
        action.triggered.connect(lambda *_, p=path: w.open_path(Path(p)))
    if not files:
        menu.addAction("No recent projects").setEnabled(False)


def _add_named(w: MainWindow, what: str) -> None:
    if w.ctx is None:
        return
    name, ok = QInputDialog.getText(w, f"Add {what}", f"Name of the new {what}:")
    if not ok or not name.strip():
        return
    project, name = w.ctx.project, name.strip()
    if what == "work group":
        w.ctx.edit(lambda: AddWorkGroup(project, name), origin=w.view)
    else:
        w.ctx.edit(lambda: AddStage(project, name), origin=w.view)


def _legend(w: MainWindow) -> None:
    if w.view is not None:
        w.view.legend_visible = w.action("legend").isChecked()
        w.view.viewport().update()


def _presentation(w: MainWindow) -> None:
    set_presentation(w, w.action("presentation").isChecked())


def set_presentation(w: MainWindow, on: bool) -> None:
    """Full screen with nothing but the map; leaving it brings back what was shown before."""
    if on == w.presenting:
        return
    w.action("presentation").setChecked(on)
    if on:
        w.shown_before_presentation = [
            bar for bar in (w.menuBar(), w.toolbar, w.statusBar()) if bar.isVisible()
        ] + [dock for dock in w.panels.values() if dock.isVisible()]
        for widget in w.shown_before_presentation:
            widget.setVisible(False)
        w.was_maximized = w.isMaximized()
        w.geometry_before_presentation = w.saveGeometry()
        w.showFullScreen()
        # Without a window manager (a bare X server) full screen is only a request: take the
        # whole screen ourselves too.
        w.setGeometry(w.screen().geometry())
    else:
        for widget in w.shown_before_presentation:
            widget.setVisible(True)
        w.shown_before_presentation = []
        if w.was_maximized:
            w.showMaximized()
        else:
            w.showNormal()
            w.restoreGeometry(w.geometry_before_presentation)
    w.presenting = on
    if w.view is not None:
        w.view.set_presentation_mode(on)
        if on:
            w.statusBar().showMessage("Presentation mode: Esc or F11 to leave.", 5000)


def _shortcuts(w: MainWindow) -> None:
    from cxmapper.ui.window.dialogs import ShortcutsDialog

    dialog = ShortcutsDialog(w, CANVAS_KEYS)
    dialog.exec()
    dialog.deleteLater()  # not kept as the window's child until the window closes


def _about(w: MainWindow) -> None:
    from cxmapper import __version__

    QMessageBox.about(
        w,
        "About CX Mapper",
        f"<h3>CX Mapper {__version__}</h3><p>Map customer journeys across work groups, attach "
        "the evidence, score pains by reach and cost, and plan the macro actions that remove "
        "them.</p><p>Projects are single .cxmap files; everything works offline.</p>",
    )


def _project_settings(w: MainWindow) -> None:
    if w.ctx is None:
        return
    from cxmapper.ui.window.dialogs import ProjectSettingsDialog

    dialog = ProjectSettingsDialog(w.ctx, w)
    dialog.exec()
    dialog.deleteLater()  # it holds the project's context: gone before the project closes


def _export_image(w: MainWindow) -> None:
    if w.ctx is None:
        return
    from PySide6.QtWidgets import QFileDialog

    base = w.ctx.project.path.with_suffix(".png") if w.ctx.project.path else Path("journey.png")
    path, chosen = QFileDialog.getSaveFileName(
        w, "Export map image", str(base), "PNG image (*.png);;SVG drawing (*.svg);;PDF (*.pdf)"
    )
    if not path:
        return
    export_map_image(w, Path(path), chosen)


def export_map_image(w: MainWindow, path: Path, chosen_filter: str = "") -> bool:
    """Render the map to ``path``; a name without a known ending takes the chosen type's."""
    from cxmapper.model.safety import ProjectFileError
    from cxmapper.ui.canvas.render import render_to_file

    assert w.ctx is not None
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        ending = next((e for e in (".svg", ".pdf") if f"*{e}" in chosen_filter), ".png")
        path = path.with_name(path.name + ending)
    try:
        render_to_file(w.ctx.project, path)
    except OSError as exc:  # names the image, never the temporary file beside it
        reason = exc.strerror or str(exc)
        QMessageBox.warning(w, "Export map image", f"“{path.name}” could not be written: {reason}.")
        return False
    except (ProjectFileError, ValueError) as exc:  # a project's name, or an unknown ending
        QMessageBox.warning(w, "Export map image", str(exc))
        return False
    w.statusBar().showMessage(f"Map exported to {path.name}.", 8000)
    return True
