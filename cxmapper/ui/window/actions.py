"""The window's actions: every command of its menus and toolbar, its keys (standard keys where
Qt defines them), and what it needs to be enabled.

Each action is a typed attribute of :class:`WindowActions`, declared once with its text,
trigger, keys, needs (:class:`Need`) and status tip. :meth:`WindowActions.update` is the one
place that enables them: it works out which needs the open project meets (:func:`needs_met`)
and enables every action whose needs are all met. The menus and the toolbar are laid out from
the same attributes. The window is known here only as an :class:`ActionHost`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, Flag, auto
from pathlib import Path
from typing import Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMenu, QMessageBox, QToolBar, QWidget

from cxmapper import __version__
from cxmapper.ui.canvas import arrange
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.document.commands import AddStage, AddWorkGroup
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.window import exporting
from cxmapper.ui.window.dialogs import ProjectSettingsDialog, ShortcutsDialog
from cxmapper.ui.window.errors import show_log
from cxmapper.ui.window.exporting import ExportHost
from cxmapper.ui.window.presentation import Presentation
from cxmapper.ui.window.timer import AgendaDialog, WorkshopClock

Std = QKeySequence.StandardKey
Keys = QKeySequence.StandardKey | str | None

# Keys the canvas handles itself, for the shortcuts help.
CANVAS_KEYS = (
    ("Enter", "Add the next step in the same lane, connected; type its title"),
    ("Shift+Enter", "Add the next step in the lane below (a hand-off)"),
    ("Ctrl+Enter", "Add the next step in the lane above (a hand-off back)"),
    ("Ctrl+L", "Loop: connect the selected step back to an earlier one"),
    ("F2 / double-click", "Rename the selected step"),
    ("Arrow keys", "Move the selection along the lane, or to the lane above/below"),
    ("Alt+Left / Alt+Right", "Move the selected steps to the previous / next stage"),
    ("Tab / Shift+Tab", "Follow the flow out of / into the selected step"),
    ("Drag a card", "Move it (snaps to lane and stage)"),
    ("Drag from a card's ⊕ handle", "Connect it to another step"),
    ("Ctrl+wheel", "Zoom"),
    ("Esc", "Cancel / clear the selection"),
    ("Right / Page Down / Space", "Presenting: the next stage (the overview first)"),
    ("Left / Page Up", "Presenting: the previous stage, back to the overview"),
    ("Ctrl+0, + / −", "Presenting: the overview again, zoom in / out"),
    ("Esc (nothing selected)", "Presenting: leave presentation mode"),
)


class Need(Flag):
    """What an action needs to be enabled; an action needing several needs all of them."""

    NOTHING = 0
    PROJECT = auto()  # a project is open
    MAP_SELECTION = auto()  # steps or flows are selected on the map
    # Something Edit → Delete can delete is selected: steps or flows, a pain or an action (a
    # pain on no step selects nothing on the map, and its Delete must still get through).
    SELECTION = auto()
    UNDO = auto()  # the undo stack has an edit to take back
    REDO = auto()  # ... or one to do again


def needs_met(ctx: DocumentContext | None) -> Need:
    """The needs the open project (``ctx``; None when none is open) meets now."""
    if ctx is None:
        return Need.NOTHING
    met = Need.PROJECT
    if ctx.selected_step_ids() or ctx.selected_flow_ids():
        met |= Need.MAP_SELECTION | Need.SELECTION
    if ctx.selected_pain_ids() or ctx.selected_action_ids():
        met |= Need.SELECTION
    if ctx.undo_stack.canUndo():
        met |= Need.UNDO
    if ctx.undo_stack.canRedo():
        met |= Need.REDO
    return met


class Edit(Enum):
    """The Edit menu's commands that act where the keyboard focus is (a text field, a
    panel's table, or the map), so Delete in the pain register deletes the pain."""

    CUT = auto()
    COPY = auto()
    PASTE = auto()
    DELETE = auto()
    SELECT_ALL = auto()


class ActionHost(ExportHost, Protocol):
    """What the actions ask of the window (besides the exports' needs)."""

    @property
    def view(self) -> JourneyView | None: ...

    @property
    def presentation(self) -> Presentation: ...

    def new_dialog(self) -> None: ...

    def open_dialog(self) -> None: ...

    def open_path(self, path: Path) -> bool: ...

    def recent_files(self) -> list[str]: ...

    def close_project(self) -> None: ...

    def import_dialog(self) -> None: ...

    def find_dialog(self) -> None: ...

    def belief_dialog(self) -> None: ...

    def edit_command(self, edit: Edit) -> None: ...

    def cycle_panes(self, forward: bool) -> None: ...

    def close(self) -> bool: ...


@dataclass(frozen=True)
class Menus:
    """What the window keeps of its menus: the submenus it fills, and the toolbar."""

    recent: QMenu
    panels: QMenu
    toolbar: QToolBar


class RecentMenu(QMenu):
    """File → Open Recent: the recent projects, listed afresh each time it opens."""

    def __init__(self, host: ActionHost, parent: QWidget) -> None:
        super().__init__("Open &Recent", parent)
        self._host = host
        self.aboutToShow.connect(self.fill)

    def fill(self) -> None:
        self.clear()
        files = self._host.recent_files()
        for path in files:
            action = self.addAction(Path(path).name)
            action.setStatusTip(path)
            action.triggered.connect(lambda *_, p=path: self._host.open_path(Path(p)))
        if not files:
            self.addAction("No recent projects").setEnabled(False)


class WindowActions:
    """Every action of the window. The attributes below are the table: text, trigger, keys,
    needs and status tip, in the order of the menus."""

    def __init__(self, host: ActionHost) -> None:
        self._host = host
        self._needs: list[tuple[QAction, Need]] = []
        act, view, edit = self._action, self._on_view, self._edit
        project, selection = Need.PROJECT, Need.MAP_SELECTION

        # File
        self.new = act("&New…", host.new_dialog, Std.New, tip="Create a new project file")
        self.open = act("&Open…", host.open_dialog, Std.Open, tip="Open a project file")
        self.save_copy = act(
            "Save a &Copy As…",
            lambda: exporting.save_copy_dialog(host),
            Std.SaveAs,
            needs=project,
            tip="Write a clean copy of this project to another file",
        )
        self.close_project = act("&Close Project", host.close_project, Std.Close, needs=project)
        self.import_evidence = act(
            "&Import Evidence…",
            host.import_dialog,
            "Ctrl+I",
            needs=project,
            tip="Import a survey or ticket export (CSV or XLSX) as evidence",
        )
        self.export_plan = act(
            "&Export Plan…",
            lambda: exporting.export_plan_dialog(host),
            "Ctrl+E",
            needs=project,
            tip="Write the macro-action plan workbook for leadership",
        )
        self.export_image = act(
            "Export &Map Image…",
            lambda: exporting.export_map_image_dialog(host),
            "Ctrl+Shift+E",
            needs=project,
            tip="Render the whole journey to PNG, SVG or PDF",
        )
        self.export_slides = act(
            "Export &Slides…",
            lambda: exporting.export_slides_dialog(host),
            "Ctrl+Alt+E",
            needs=project,
            tip="Write the overview and one slide per stage to a 16:9 PDF",
        )
        # Some desktops define no standard Quit key.
        self.quit = act("&Quit", host.close, Std.Quit, fallback="Ctrl+Q")

        # Edit: undo and redo take their text from the undo stack (see update).
        self.undo = act("&Undo", self._undo, Std.Undo, needs=Need.UNDO)
        self.redo = act("&Redo", self._redo, Std.Redo, needs=Need.REDO)
        self.cut = act("Cu&t", edit(Edit.CUT), Std.Cut, needs=selection)
        self.copy = act("&Copy", edit(Edit.COPY), Std.Copy, needs=selection)
        self.paste = act("&Paste", edit(Edit.PASTE), Std.Paste, needs=project)
        self.delete = act("&Delete", edit(Edit.DELETE), Std.Delete, needs=Need.SELECTION)
        self.select_all = act("Select &All", edit(Edit.SELECT_ALL), Std.SelectAll, needs=project)
        self.find = act("&Find…", host.find_dialog, Std.Find, needs=project)
        self.settings = act("Project &Settings…", self._project_settings, "Ctrl+,", needs=project)

        # View
        self.zoom_in = act("Zoom &In", view(JourneyView.zoom_in), Std.ZoomIn, needs=project)
        self.zoom_out = act("Zoom &Out", view(JourneyView.zoom_out), Std.ZoomOut, needs=project)
        self.fit = act("&Fit to Window", view(JourneyView.fit_all), "Ctrl+0", needs=project)
        self.actual_size = act(
            "&Actual Size", view(JourneyView.actual_size), "Ctrl+1", needs=project
        )
        self.strength_tint = act(
            "Colour by &Evidence Strength",
            lambda: self._tint(self.strength_tint),
            "Ctrl+Shift+H",
            needs=project,
            checkable=True,
            tip="Red: no evidence, the room's assumption; amber: thin; green: solid",
        )
        self.heat = act(
            "&Heat Overlay by Impact", self._heat, "Ctrl+H", needs=project, checkable=True
        )
        self.legend = act("&Legend", self._legend, "Ctrl+Shift+L", checkable=True)
        self.legend.setChecked(True)
        self.presentation = act(
            "&Presentation Mode",
            lambda: host.presentation.set(self.presentation.isChecked()),
            Std.FullScreen,
            needs=project,
            tip="Full screen, nothing but the map",
            checkable=True,
            fallback="F11",
        )

        self.next_pane = act(
            "Next &Pane",
            lambda: host.cycle_panes(True),
            "F6",
            needs=project,
            tip="Move the keyboard focus to the next panel (or back to the map)",
        )
        self.previous_pane = act(
            "Pre&vious Pane", lambda: host.cycle_panes(False), "Shift+F6", needs=project
        )
        self.belief = act(
            "&Belief Against Evidence…",
            host.belief_dialog,
            "Ctrl+Shift+B",
            needs=project,
            tip="The voting round's order beside the evidence order",
        )

        # Workshop: the agenda and its timer
        self.agenda = act(
            "Workshop &Agenda…",
            self._agenda,
            needs=project,
            tip="The timeboxes of the workshop, for the timer",
        )
        self.timer = act(
            "Start / Pause &Timer",
            lambda: self._clock("start_pause"),
            "Ctrl+T",
            needs=project,
            tip="Count down the current timebox in a corner of the map",
        )
        self.next_box = act(
            "&Next Timebox", lambda: self._clock("next_box"), "Ctrl+Shift+Right", needs=project
        )
        self.reset_timer = act("&Reset Timer", lambda: self._clock("reset"), needs=project)

        # Insert
        self.add_group = act("&Work Group…", self._add_work_group, "Ctrl+Shift+G", needs=project)
        self.add_stage = act("&Stage…", self._add_stage, "Ctrl+Shift+T", needs=project)
        self.add_step = act("S&tep", view(JourneyView.add_step), "Ctrl+Shift+N", needs=project)
        self.add_flow = act("&Flow", view(JourneyView.add_flow_mode), "Ctrl+Shift+F", needs=project)

        # Arrange
        self.tidy = act(
            "&Tidy Map",
            self._tidy,
            "Ctrl+Shift+R",
            needs=project,
            tip="Lay the map out compactly: steps in their lane and stage, ordered by flows",
        )
        self.previous_stage = act(
            "Move to &Previous Stage", lambda: self._to_stage(-1), needs=selection
        )
        self.next_stage = act("Move to &Next Stage", lambda: self._to_stage(1), needs=selection)

        # Help
        self.shortcuts = act("&Keyboard Shortcuts", self._shortcuts, Std.HelpContents)
        self.show_log = act(
            "Show &Log", lambda: show_log(host.window()), tip="What went wrong, if so"
        )
        self.about = act("&About CX Mapper", self._about)

    def _action(
        self,
        text: str,
        trigger: Callable[[], object],
        keys: Keys = None,
        *,
        needs: Need = Need.NOTHING,
        tip: str = "",
        checkable: bool = False,
        fallback: str | None = None,
    ) -> QAction:
        window = self._host.window()
        action = QAction(text, window)
        if isinstance(keys, QKeySequence.StandardKey):
            action.setShortcuts(keys)
        elif keys:
            action.setShortcut(QKeySequence(keys))
        if fallback and not action.shortcuts():  # the platform has no standard key for it
            action.setShortcut(QKeySequence(fallback))
        action.setCheckable(checkable)
        action.setStatusTip(tip)
        action.triggered.connect(lambda *_: trigger())
        # The window carries every action, so shortcuts work with the menu bar hidden.
        window.addAction(action)
        self._needs.append((action, needs))
        return action

    def _edit(self, edit: Edit) -> Callable[[], None]:
        """A trigger for an Edit menu command, which acts where the keyboard focus is."""
        return lambda: self._host.edit_command(edit)

    def _on_view(self, method: Callable[[JourneyView], object]) -> Callable[[], None]:
        """A trigger calling ``method`` on the map of the open project, if one is open (the
        view changes with each project, so it is looked up when the action fires)."""

        def trigger() -> None:
            if self._host.view is not None:
                method(self._host.view)

        return trigger

    # --- enabling, in one place -------------------------------------------------------------

    def update(self, ctx: DocumentContext | None) -> None:
        """Enable each action whose needs ``ctx`` meets; undo and redo say what they do."""
        met = needs_met(ctx)
        for action, needs in self._needs:
            action.setEnabled(needs in met)
        stack = ctx.undo_stack if ctx is not None else None
        # A title's "&" would be read as a menu accelerator: doubled, it shows as itself.
        for action, verb, text in (
            (self.undo, "&Undo", stack.undoText() if stack is not None else ""),
            (self.redo, "&Redo", stack.redoText() if stack is not None else ""),
        ):
            action.setText(f"{verb} {text.replace('&', '&&')}".strip())

    def all(self) -> list[QAction]:
        return [action for action, _needs in self._needs]

    def keyboard_help(self) -> list[tuple[str, str]]:
        """Every key the canvas handles, then every action's keys, for Help → Keyboard
        Shortcuts: (keys, what they do)."""
        rows: list[tuple[str, str]] = list(CANVAS_KEYS)
        for action in self.all():
            keys = ", ".join(k.toString() for k in action.shortcuts())
            if keys:
                rows.append((keys, action.text().replace("&", "").rstrip("…")))
        return rows

    # --- menus and toolbar ------------------------------------------------------------------

    def install(self, window: QMainWindow) -> Menus:
        """Lay the actions out in ``window``'s menu bar and a toolbar (None: a separator)."""
        recent = RecentMenu(self._host, window)
        panels = QMenu("&Panels", window)  # the window adds each panel's toggle
        layout: dict[str, tuple[QAction | QMenu | None, ...]] = {
            "&File": (
                *(self.new, self.open, recent, self.save_copy, self.close_project, None),
                *(self.import_evidence, self.export_plan, self.export_image, self.export_slides),
                *(None, self.quit),
            ),
            "&Edit": (
                *(self.undo, self.redo, None, self.cut, self.copy, self.paste, self.delete),
                *(None, self.select_all, self.find, None, self.settings),
            ),
            "&View": (
                *(self.zoom_in, self.zoom_out, self.fit, self.actual_size, None),
                *(self.heat, self.strength_tint, self.legend, panels, self.presentation, None),
                *(self.next_pane, self.previous_pane),
            ),
            "&Insert": (self.add_group, self.add_stage, self.add_step, self.add_flow),
            "&Arrange": (self.tidy, None, self.previous_stage, self.next_stage),
            "&Workshop": (
                *(self.agenda, None, self.timer, self.next_box, self.reset_timer, None),
                self.belief,
            ),
            "&Help": (self.shortcuts, self.show_log, self.about),
        }
        bar = window.menuBar()
        for title, items in layout.items():
            menu = bar.addMenu(title)
            for item in items:
                if item is None:
                    menu.addSeparator()
                elif isinstance(item, QMenu):
                    menu.addMenu(item)
                else:
                    menu.addAction(item)
        toolbar = QToolBar("Main toolbar", window)
        toolbar.setObjectName("main-toolbar")  # saveState/restoreState key
        for tool in (
            *(self.new, self.open, None, self.undo, self.redo, None),
            *(self.add_group, self.add_stage, self.add_step, self.add_flow, None),
            *(self.zoom_in, self.zoom_out, self.fit, self.heat, None, self.presentation),
        ):
            if tool is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(tool)
        window.addToolBar(toolbar)
        return Menus(recent, panels, toolbar)

    # --- triggers that are the actions' own -------------------------------------------------

    def _tidy(self) -> None:
        view = self._host.view
        if view is None:
            return
        moved = arrange.tidy_map(view.ctx, view)
        if moved is not None:
            view.message.emit(
                f"Tidied the map: {moved} step(s) moved." if moved else "The map is already tidy."
            )

    def _to_stage(self, delta: int) -> None:
        # (Alt+Left / Alt+Right on the map; the view handles those keys itself.)
        view = self._host.view
        if view is not None:
            arrange.move_to_stage(view.ctx, view, view.ctx.selected_step_ids(), delta=delta)

    def _undo(self) -> None:
        if self._host.ctx is not None:
            self._host.ctx.undo_stack.undo()

    def _redo(self) -> None:
        if self._host.ctx is not None:
            self._host.ctx.undo_stack.redo()

    def _heat(self) -> None:
        self._tint(self.heat)

    def _tint(self, chosen: QAction) -> None:
        """One tint at a time: impact (the heat overlay) or evidence strength."""
        for action in (self.heat, self.strength_tint):
            if action is not chosen:
                action.setChecked(False)
        self.apply_tint()

    def apply_tint(self) -> None:
        """Tint the open map as the View menu says (also when another project opens)."""
        tint = "impact" if self.heat.isChecked() else None
        if self.strength_tint.isChecked():
            tint = "strength"
        if self._host.view is not None:
            self._host.view.set_tint(tint)

    def _legend(self) -> None:
        if self._host.view is not None:
            self._host.view.legend_visible = self.legend.isChecked()
            self._host.view.viewport().update()

    def _add_work_group(self) -> None:
        self._add_named("work group", AddWorkGroup)

    def _add_stage(self) -> None:
        self._add_named("stage", AddStage)

    def _add_named(self, what: str, command: type[AddWorkGroup] | type[AddStage]) -> None:
        ctx = self._host.ctx
        if ctx is None:
            return
        name, ok = QInputDialog.getText(
            self._host.window(), f"Add {what}", f"Name of the new {what}:"
        )
        if not ok or not name.strip():
            return
        project, name = ctx.project, name.strip()
        ctx.edit(lambda: command(project, name), origin=self._host.view)

    def _project_settings(self) -> None:
        if self._host.ctx is None:
            return
        dialog = ProjectSettingsDialog(self._host.ctx, self._host.window())
        dialog.exec()
        dialog.deleteLater()  # it holds the project's context: gone before the project closes

    def _agenda(self) -> None:
        if self._host.ctx is None:
            return
        dialog = AgendaDialog(self._host.ctx, self._host.window())
        dialog.exec()
        dialog.deleteLater()  # it holds the project's context: gone before the project closes

    def _clock(self, what: str) -> None:
        if self._host.ctx is not None:
            getattr(WorkshopClock.of(self._host.ctx), what)()

    def _shortcuts(self) -> None:
        dialog = ShortcutsDialog(self._host.window(), self.keyboard_help())
        dialog.exec()
        dialog.deleteLater()  # not kept as the window's child until the window closes

    def _about(self) -> None:
        QMessageBox.about(
            self._host.window(),
            "About CX Mapper",
            f"<h3>CX Mapper {__version__}</h3><p>Map customer journeys across work groups, "
            "attach the evidence, score pains by reach and cost, and plan the macro actions "
            "that remove them.</p><p>Projects are single .cxmap files; everything works "
            "offline.</p>",
        )
