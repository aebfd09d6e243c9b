"""The window's actions: every command of its menus and toolbar, its keys (standard keys where
Qt defines them), and what it needs to be enabled.

Each action is a typed attribute of :class:`WindowActions`, declared once with its text,
trigger, keys, needs (:class:`Need`) and status tip. :meth:`WindowActions.update` is the one
place that enables them: it works out which needs the open project meets (:func:`needs_met`)
and enables every action whose needs are all met. The menus and the toolbar are laid out from
the same attributes (:mod:`cxmapper.ui.window.menus`). The window is known here only as an
:class:`ActionHost`.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, Flag, auto
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QGraphicsTextItem,
    QInputDialog,
    QMessageBox,
)

from cxmapper import __version__
from cxmapper.ui.canvas import arrange
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.document.commands import AddStage, AddWorkGroup
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.window import exporting, panel_commands
from cxmapper.ui.window.dialogs import ProjectSettingsDialog, ShortcutsDialog
from cxmapper.ui.window.errors import show_log
from cxmapper.ui.window.exporting import ExportHost
from cxmapper.ui.window.presentation import Presentation
from cxmapper.ui.window.timer import AgendaDialog, WorkshopClock

Std = QKeySequence.StandardKey
Keys = QKeySequence.StandardKey | str | None

# Keys the canvas handles itself, for the shortcuts help (the keys of the map's menu
# commands, F2, Ctrl+L and Alt+Left / Alt+Right, are listed with the commands).
CANVAS_KEYS = (
    ("Enter", "Add the next step in the same lane, connected; type its title"),
    ("Shift+Enter", "Add the next step in the lane below (a hand-off)"),
    ("Ctrl+Enter", "Add the next step in the lane above (a hand-off back)"),
    ("Double-click a card", "Rename the step"),
    ("Arrow keys", "Move the selection along the lane, or to the lane above/below"),
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
    STEP = auto()  # a step is selected on the map
    UNDO = auto()  # the undo stack has an edit to take back
    REDO = auto()  # ... or one to do again


def needs_met(ctx: DocumentContext | None) -> Need:
    """The needs the open project (``ctx``; None when none is open) meets now."""
    if ctx is None:
        return Need.NOTHING
    met = Need.PROJECT
    if ctx.selected_step_ids() or ctx.selected_flow_ids():
        met |= Need.MAP_SELECTION | Need.SELECTION
    if ctx.selected_step_ids():
        met |= Need.STEP
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


class ActionHost(ExportHost, panel_commands.PanelHost, Protocol):
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


class WindowActions:
    """Every action of the window. The attributes below are the table: text, trigger, keys,
    needs and status tip, in the order of the menus."""

    def __init__(self, host: ActionHost) -> None:
        self._host = host
        self._needs: list[tuple[QAction, Need]] = []
        # The map's own keys as menu commands: their shortcuts work where the map has the
        # keyboard focus, as the keys did, never in a panel's field or table (F2 there renames
        # a stage in the inspector's list).
        self._map_actions: list[QAction] = []
        # Commands of a panel's buttons, enabled as their button is (see _button_enabled).
        self._buttons: list[tuple[QAction, Need, Callable[[], bool]]] = []
        act, view, edit, on_map = self._action, self._on_view, self._edit, self._on_map
        project, selection, step = Need.PROJECT, Need.MAP_SELECTION, Need.STEP

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
        self.rename_step = act(
            "Re&name Step",
            on_map(lambda v, s: v.edit_title(s)),
            "F2",
            needs=step,
            map_key=True,
            tip="Type a new title for the selected step on the map",
        )
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
        # Workshop: the voting round and the plan, as their panels' buttons do
        self.new_round = act(
            "New &Voting Round…",
            panel_commands.voting(host, "new_round"),
            needs=project,
            tip="Start a dot-voting round on the pains or the steps",
        )
        self.pass_laptop = act(
            "&Pass the Laptop…",
            panel_commands.voting(host, "open_ballots"),
            needs=project,
            tip="The ballot screen, one person at a time",
            button=panel_commands.voting_button(host, "pass_laptop"),
        )
        self.reveal_votes = act(
            "Reveal V&otes",
            panel_commands.voting(host, "reveal_votes"),
            needs=project,
            button=panel_commands.voting_button(host, "reveal"),
        )
        self.new_pain = act(
            "New &Pain from Selection",
            lambda: panel_commands.new_pain(host),
            needs=project,
            tip="A pain at the selected steps, backed by the selected evidence",
        )
        self.new_macro = act(
            "&Macro Action from Selected Pains",
            lambda: panel_commands.new_macro(host),
            needs=project,
            tip="A macro action removing the selected universal pains",
        )

        # Insert
        self.add_group = act("&Work Group…", self._add_work_group, "Ctrl+Shift+G", needs=project)
        self.add_stage = act("&Stage…", self._add_stage, "Ctrl+Shift+T", needs=project)
        self.add_step = act("S&tep", view(JourneyView.add_step), "Ctrl+Shift+N", needs=project)
        self.add_flow = act("&Flow", view(JourneyView.add_flow_mode), "Ctrl+Shift+F", needs=project)
        # Enter is the map's own key, not a shortcut: as a shortcut it would be taken from the
        # title being typed on the map (Ctrl+Enter) and from a panel's fields. The menu shows
        # the keys after a tab, as it shows a shortcut.
        self.next_step = act(
            "&Next Step\tEnter",
            on_map(lambda v, _s: v.add_next_step()),
            needs=step,
            tip="The next step in the same lane, connected from the selected one",
        )
        self.handoff_below = act(
            "Hand-off to the Lane &Below\tShift+Enter",
            on_map(lambda v, _s: v.add_next_step(handoff=True)),
            needs=step,
            tip="The next step in the lane below, connected from the selected one",
        )
        self.handoff_above = act(
            "Hand-off to the Lane &Above\tCtrl+Enter",
            on_map(lambda v, _s: v.add_next_step(handoff=True, up=True)),
            needs=step,
            tip="The next step in the lane above, connected from the selected one",
        )
        self.loop_back = act(
            "&Loop Back…",
            on_map(lambda v, _s: v.connect_back()),
            "Ctrl+L",
            needs=step,
            map_key=True,
            tip="Connect the selected step back to an earlier one",
        )

        # Arrange
        self.tidy = act(
            "&Tidy Map",
            self._tidy,
            "Ctrl+Shift+R",
            needs=project,
            tip="Lay the map out compactly: steps in their lane and stage, ordered by flows",
        )
        self.previous_stage = act(
            "Move to &Previous Stage",
            on_map(lambda v, _s: self._to_stage(v, -1)),
            "Alt+Left",
            needs=step,
            map_key=True,
        )
        self.next_stage = act(
            "Move to &Next Stage",
            on_map(lambda v, _s: self._to_stage(v, 1)),
            "Alt+Right",
            needs=step,
            map_key=True,
        )

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
        map_key: bool = False,
        button: Callable[[], bool] | None = None,
    ) -> QAction:
        """An action; with ``map_key`` its keys work where the map has the focus (see
        :meth:`attach_map`); with ``button`` it is enabled only while that says so (the
        panel button it stands for is enabled)."""
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
        if map_key:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self._map_actions.append(action)
        else:
            # The window carries every action, so shortcuts work with the menu bar hidden.
            window.addAction(action)
        if button is not None:
            self._buttons.append((action, needs, button))
        self._needs.append((action, needs))
        return action

    def attach_map(self, view: JourneyView) -> None:
        """Give the map of a project just opened the keys of its menu commands (they go
        with the map when it closes)."""
        view.addActions(self._map_actions)

    def _on_map(self, method: Callable[[JourneyView, int], object]) -> Callable[[], None]:
        """A trigger calling ``method`` with the map and its selected step, as the map's key
        does: nothing while a title is being typed on the map (the keys are the typist's)."""

        def trigger() -> None:
            view = self._host.view
            if view is None or isinstance(view.scene().focusItem(), QGraphicsTextItem):
                return
            step = view.current_step()
            if step is not None:
                method(view, step)

        return trigger

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
        self.follow_buttons()

    def follow_buttons(self) -> None:
        """Enable each panel button's command as the button is (and as its needs say); also
        as a menu opens, for a panel's state changes without an edit (a round revealed)."""
        met = needs_met(self._host.ctx)
        for action, needs, enabled in self._buttons:
            action.setEnabled(needs in met and enabled())

    def all(self) -> list[QAction]:
        return [action for action, _needs in self._needs]

    def keyboard_help(self) -> list[tuple[str, str]]:
        """Every key the canvas handles, then every action's keys, for the shortcuts help
        (Help → Keyboard Shortcuts): (keys, what they do)."""
        rows: list[tuple[str, str]] = list(CANVAS_KEYS)
        for action in self.all():
            keys = ", ".join(k.toString() for k in action.shortcuts())
            if keys:
                rows.append((keys, action.text().replace("&", "").rstrip("…")))
        return rows

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

    def _to_stage(self, view: JourneyView, delta: int) -> None:
        # What Alt+Left / Alt+Right do on a map of no window (the view handles them there).
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
