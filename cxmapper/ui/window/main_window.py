"""The main window: opening and closing projects, the status bar, the docks, and where the
Edit menu acts.

It delegates the rest: its actions, menus and toolbar to ``actions`` (which also enables
them), presentation mode to ``presentation``, the exports and "Save a Copy As" to
``exporting``, the page shown with no project open to ``start_page``. Every edit is committed
to the file as it is made, so there is no Save command. Features plug in their panels with
:meth:`MainWindow.add_panel` from ``_install_panels``, which runs each time a project opens.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths, Qt, QTimer, SignalInstance
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from cxmapper.model.entities import ProjectSettings
from cxmapper.model.placement import ROW_TOP, x_of
from cxmapper.model.project import Project
from cxmapper.model.safety import ProjectFileError
from cxmapper.ui.canvas.title_box import title_on_screen
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels import Panel
from cxmapper.ui.window import errors, panes
from cxmapper.ui.window.actions import Edit, WindowActions
from cxmapper.ui.window.errors import ErrorBanner
from cxmapper.ui.window.exporting import PROJECT_FILTER
from cxmapper.ui.window.menus import install_menus
from cxmapper.ui.window.notice import Notice
from cxmapper.ui.window.presentation import Presentation
from cxmapper.ui.window.start_page import StartPage
from cxmapper.ui.window.status import PassingMessages, any_edit
from cxmapper.ui.window.text_fields import edit_text
from cxmapper.ui.window.timer import TimerBadge, WorkshopClock
from cxmapper.wording import counted

MAX_RECENT = 10


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a project opens: loading a large project makes
    hundreds of thousands of objects, which set off full collections that walk every object
    of the window again and again (a fifth of the open of a 2,000-step project). Nothing is
    lost: the collector runs again as soon as the project is shown."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def default_demo_path() -> Path:
    """Where "Open the demo project" writes the demo, in the user's data folder."""
    folder = Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        or Path.home() / ".cxmapper"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "demo.cxmap"


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.ctx: DocumentContext | None = None
        self.view: JourneyView | None = None
        self.timer_badge: TimerBadge | None = None
        # The docks by their object name, and each dock with the panel it holds.
        self.panels: dict[str, QDockWidget] = {}
        self.docked: list[tuple[QDockWidget, Panel]] = []
        # The open project's connections to the window (see _project_links).
        self._links: list[tuple[SignalInstance, Callable[..., object]]] = []
        self.setWindowTitle("CX Mapper")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.stack = QStackedWidget()
        self.start_page = StartPage(self)
        self.stack.addWidget(self.start_page)
        # Above the map (or the start page), so an unforeseen error is seen even in
        # presentation mode, where the status bar is hidden.
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.error_banner = ErrorBanner(central)
        column.addWidget(self.error_banner)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._status_selection = QLabel()
        self._status_counts = QLabel()
        self._status_zoom = QLabel()
        for label in (self._status_selection, self._status_counts, self._status_zoom):
            label.setTextFormat(Qt.TextFormat.PlainText)  # a step title is never markup
            self.statusBar().addPermanentWidget(label)
        self.notice = Notice(self)  # refused edits, beside the panel that asked
        self.passing = PassingMessages(self.statusBar())  # refusals and hints that pass
        self.presentation = Presentation(self)
        self.window_actions = WindowActions(self)
        menus = install_menus(self.window_actions, self, self)
        self.recent_menu, self.panels_menu, self.toolbar = menus.recent, menus.panels, menus.toolbar
        self.presentation.changed.connect(self.window_actions.presentation.setChecked)
        self._update_actions()
        reporter = errors.reporter()
        if reporter is not None:  # a bound slot: Qt drops it with the window
            reporter.reported.connect(self.show_error)
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    # --- showing ------------------------------------------------------------------------------

    def show_on_screen(self) -> None:
        """Fill the screen on first start (there may be no window manager to do it)."""
        screen = self.screen().availableGeometry()
        if not self.settings.value("window/geometry"):
            self.setGeometry(screen)
        self.show()

    # --- projects -----------------------------------------------------------------------------

    def open_most_recent(self) -> None:
        for path in self.recent_files():
            if Path(path).exists():
                self.open_path(Path(path))
                return

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", self.folder(), PROJECT_FILTER)
        if path:
            self.open_path(Path(path))

    def new_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New project", self.folder(), PROJECT_FILTER)
        if not path:
            return
        target = Path(path if path.endswith(".cxmap") else path + ".cxmap")
        if target.exists():
            QMessageBox.warning(
                self,
                "New project",
                f"“{target.name}” already exists; choose another name, or open it.",
            )
            return
        try:
            project = Project.create(target, ProjectSettings(name=target.stem))
            customer = project.add_work_group("Customer")
            discover = project.add_stage("Discover")
            project.add_step(
                customer.id, "First contact", x=x_of(0), y=ROW_TOP, stage_id=discover.id
            )
        except (ProjectFileError, OSError) as exc:
            QMessageBox.warning(self, "New project", str(exc))
            return
        self._show_project(project)
        # Costs are computed from these numbers, which only the room knows: ask for them now
        # rather than let every pain cost nothing.
        self.passing.show(
            "Set the customers per year, lifetime value and cost per contact: pain costs "
            "are computed from them.",
            15000,
            until=lambda change: change.entity == "settings",
        )
        QTimer.singleShot(0, self.window_actions.settings.trigger)

    def open_demo(self) -> None:
        from cxmapper.model.demo import write_demo

        path = default_demo_path()
        if not path.exists():
            write_demo(path)
        self.open_path(path)

    def open_path(self, path: Path) -> bool:
        path = path.resolve()  # recent files and "already open" compare absolute paths
        if self.ctx is not None and self.ctx.project.path == path:
            return True
        with _collection_paused():
            return self._open(path)

    def _open(self, path: Path) -> bool:
        try:
            project = Project.open(path)
        except ProjectFileError as exc:
            QMessageBox.warning(self, "Cannot open project", str(exc))
            self._forget_recent(str(path))
            return False
        try:
            self._show_project(project)
        except Exception as exc:  # a view failed on something the checks let through
            self.close_project()
            project.close()  # closing twice is harmless
            QMessageBox.warning(
                self,
                "Cannot open project",
                f"“{path.name}” could not be shown ({type(exc).__name__}: {exc}); "
                "the file was not changed.",
            )
            return False
        return True

    def _show_project(self, project: Project) -> None:
        self.close_project()
        self.ctx = DocumentContext(project, self)
        # The scores behind the register, matrix and plan first: on a large project their
        # evidence is read on a worker, beside the map being built.
        from cxmapper.ui.panels.plan_scores import PlanScores

        PlanScores.of(self.ctx)
        self.view = JourneyView(self.ctx)
        self.window_actions.attach_map(self.view)
        self.stack.addWidget(self.view)
        self.stack.setCurrentWidget(self.view)
        self.timer_badge = TimerBadge(WorkshopClock.of(self.ctx), self.view)
        self.window_actions.apply_tint()
        self._links = self._project_links()
        for signal, slot in self._links:
            signal.connect(slot)
        self._install_panels()
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        name = project.path.name if project.path else project.settings.name
        self.setWindowTitle(f"{name} — CX Mapper")
        if project.path:
            self.setWindowFilePath(str(project.path))
            self._remember_recent(str(project.path))
        # Fit once the docks have taken their room, so every lane is in view (unless the
        # view is gone by then: the view is the timer's context).
        QTimer.singleShot(0, self.view, self.view.fit_height)
        self.view.setFocus()
        self._show_counts()
        self._show_selection()  # and enables the actions
        self.statusBar().showMessage("All changes are saved to the file as you make them.", 8000)

    def close_project(self) -> None:
        """Close the open project and everything that showed it.

        Lifetimes are explicit, never left to the garbage collector: the map's interaction
        ends first (a title being typed is saved), every panel and the window disconnect
        from the context, then the views, the context (with its undo stack) and the project
        are deleted or closed, in that order."""
        if self.ctx is None:
            return
        ctx = self.ctx
        self.notice.dismiss()
        self.presentation.leave()  # the saved layout is the working one, not the projector's
        self.settings.setValue("window/state", self.saveState())
        if self.view is not None:
            self.view.close_view()
        if self.timer_badge is not None:
            self.timer_badge.detach()
            self.timer_badge = None
        for dock, panel in self.docked:
            panel.detach()
            self.panels_menu.removeAction(dock.toggleViewAction())  # now, not when deleted
            self.removeDockWidget(dock)
            # Until it is deleted the dock is still the window's child: nameless, so that
            # restoreState for the next project cannot take it for that project's dock of
            # the same name (it did, put the doomed dock back in the layout, and the layout
            # then crashed on it once deleted, e.g. at the next F11).
            dock.setObjectName("")
            dock.deleteLater()
        self.panels.clear()
        self.docked.clear()
        for signal, slot in self._links:
            signal.disconnect(slot)
        self._links = []
        if self.view is not None:
            self.stack.removeWidget(self.view)
            self.view.deleteLater()
            self.view = None
        self.ctx = None
        ctx.close()
        ctx.project.close()
        ctx.deleteLater()  # with its undo stack and commands; it was the window's child
        self.stack.setCurrentWidget(self.start_page)
        self.start_page.refresh()
        self.setWindowTitle("CX Mapper")
        self._update_actions()

    # --- panels -------------------------------------------------------------------------------

    def add_panel(self, panel: Panel) -> QDockWidget:
        """Dock ``panel`` where it says, and list it in View → Panels."""
        dock = QDockWidget(panel.dock_title, self)
        dock.setObjectName(panel.dock_name)  # saveState/restoreState key
        dock.setWidget(panel.dock_content())
        # A panel that defers work while its tab is behind another catches up when raised.
        # (A bound slot, not a lambda: Qt then drops the connection with the panel; a lambda
        # holding the panel crashed the interpreter's last garbage collection.)
        dock.visibilityChanged.connect(panel.on_dock_visibility)
        self.addDockWidget(panel.dock_area, dock)
        self.panels[panel.dock_name] = dock
        self.docked.append((dock, panel))
        self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def panel(self, name: str, *, raise_it: bool = False) -> Panel | None:
        """The panel docked as ``name``; with ``raise_it`` shown and on top of its tabs."""
        for dock, panel in self.docked:
            if dock.objectName() == name:
                if raise_it:
                    dock.show()
                    dock.raise_()
                return panel
        return None

    def _install_panels(self) -> None:
        assert self.ctx is not None
        # Imported when a project opens: the start page shows sooner.
        from cxmapper.ui.panels.actions import ActionPanel
        from cxmapper.ui.panels.close_loop import CloseLoopPanel
        from cxmapper.ui.panels.evidence import EvidencePanel
        from cxmapper.ui.panels.inspector import Inspector
        from cxmapper.ui.panels.matrix import PriorityMatrix
        from cxmapper.ui.panels.pains import PainPanel
        from cxmapper.ui.panels.voting import VotingPanel

        ctx = self.ctx
        inspector = self.add_panel(Inspector(ctx))
        pains = self.add_panel(PainPanel(ctx))
        self.tabifyDockWidget(inspector, pains)
        self.tabifyDockWidget(pains, self.add_panel(VotingPanel(ctx)))
        self.add_panel(PriorityMatrix(ctx))
        evidence = self.add_panel(EvidencePanel(ctx))
        actions = self.add_panel(ActionPanel(ctx))
        self.tabifyDockWidget(evidence, actions)
        loop = self.add_panel(CloseLoopPanel(ctx))
        self.tabifyDockWidget(actions, loop)
        evidence.raise_()
        pains.raise_()
        self.resizeDocks([inspector], [470], Qt.Orientation.Horizontal)
        self.resizeDocks([evidence], [200], Qt.Orientation.Vertical)

    def _panel_around(self, widget: QWidget | None) -> Panel | None:
        """The panel ``widget`` is in, if it is in one (not in the map)."""
        while widget is not None and widget is not self.view:
            if isinstance(widget, QDockWidget):
                return next((panel for dock, panel in self.docked if dock is widget), None)
            widget = widget.parentWidget()
        return None

    # --- recent files -------------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent/files", [])
        if isinstance(value, str):  # QSettings reads a list of one as its one string
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def _remember_recent(self, path: str) -> None:
        files = [path, *(p for p in self.recent_files() if p != path)][:MAX_RECENT]
        self.settings.setValue("recent/files", files)
        self.settings.setValue("recent/folder", str(Path(path).parent))
        self.start_page.refresh()

    def _forget_recent(self, path: str) -> None:
        self.settings.setValue("recent/files", [p for p in self.recent_files() if p != path])
        self.start_page.refresh()

    def folder(self) -> str:
        """Where file dialogs open: the folder of the last project opened."""
        return str(self.settings.value("recent/folder", str(Path.home())))

    # --- status and enabling ------------------------------------------------------------------

    def _show_counts(self, *_: object) -> None:
        if self.ctx is None:
            self._status_counts.setText("")
            return
        if self.ctx.undo_stack.busy:
            return  # counted once the edit has settled, not once per change it announces
        c = self.ctx.project.counts()
        self._status_counts.setText(
            f"{counted(c['work_groups'], 'work group')} · {counted(c['steps'], 'step')} · "
            f"{counted(c['flows'], 'flow')} · {c['evidence']} evidence · "
            f"{counted(c['pains'], 'pain')} · {counted(c['actions'], 'action')}"
        )

    def _show_selection(self) -> None:
        if self.ctx is None:
            self._status_selection.setText("")
            return
        steps, flows = self.ctx.selected_step_ids(), self.ctx.selected_flow_ids()
        if len(steps) == 1 and not flows and self.ctx.project.has_step(steps[0]):
            text = f"Step: {self.ctx.project.step(steps[0]).title}"
        elif steps or flows:
            text = f"{len(steps)} steps, {len(flows)} flows selected"
        else:
            text = "Nothing selected"
        self._status_selection.setText(text)
        self._update_actions()

    def _focus(self, kind: str, item_id: int) -> None:
        """Bring what another panel pointed at into view on the map."""
        if self.view is None or self.ctx is None:
            return
        if kind == "pain":
            steps = self.ctx.project.pain(item_id).step_ids
            if steps:
                self.view.ensure_visible("step", steps[0])
        else:
            self.view.ensure_visible(kind, item_id)

    def _show_refusal(self, message: str, origin: object) -> None:
        """An edit was refused: say why in the status bar and beside the widget that asked
        (the map when it did not say, or is gone or hidden by now; under the title being
        typed on the map, when that was refused)."""
        self.passing.show(message, 12000, until=any_edit)  # a later edit that succeeds
        anchor: QWidget = self.view or self
        if isinstance(origin, QWidget) and isValid(origin) and origin.isVisible():
            anchor = origin
        typing = title_on_screen(self.view) if self.view is not None else None
        if self.view is not None and anchor is self.view and typing is not None:
            self.notice.show_near(self.view.viewport(), message, typing)
        else:
            self.notice.show_near(anchor, message)

    def _show_zoom(self, factor: float) -> None:
        self._status_zoom.setText(f"Zoom {factor * 100:.0f} %")

    def _project_links(self) -> list[tuple[SignalInstance, Callable[..., object]]]:
        """Every connection from the open project's view, context and undo stack to the
        window: made when the project opens and undone when it closes. Bound methods of the
        window or of its actions, never lambdas: a lambda holding an action outlived it and
        was called on the deleted action when the window closed after an edit."""
        assert self.ctx is not None and self.view is not None
        ctx, stack, view = self.ctx, self.ctx.undo_stack, self.view
        return [
            (view.zoomChanged, self._show_zoom),
            (view.message, self._show_message),
            (view.leavePresentation, self.presentation.leave),  # Esc, nothing selected
            (ctx.changed, self._show_counts),
            (ctx.changed, self._show_change),
            (ctx.selectionChanged, self._show_selection),
            (ctx.focusRequested, self._focus),
            (ctx.refused, self._show_refusal),
            (ctx.changed, self.passing.on_change),
            # Undo and redo: whether there is an edit to take back, and its name.
            (stack.indexChanged, self._update_actions),
            (stack.canUndoChanged, self._update_actions),
            (stack.canRedoChanged, self._update_actions),
            (stack.undoTextChanged, self._update_actions),
            (stack.redoTextChanged, self._update_actions),
            (stack.settled, self._show_counts),
            (stack.settled, self._show_selection),
        ]

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _show_change(self, _change: object) -> None:
        # A renamed step; an edit announcing thousands of changes (Tidy Map, deleting the
        # map) is shown once it has settled.
        if self.ctx is not None and not self.ctx.undo_stack.busy:
            self._show_selection()

    def show_error(self, text: str) -> None:
        """An unforeseen error (see :mod:`cxmapper.ui.window.errors`): one sentence on the banner
        above the map and in the status bar; the window carries on."""
        self.error_banner.show_error(text)
        self.statusBar().showMessage(text, 20000)

    def cycle_panes(self, forward: bool) -> None:
        """F6 / Shift+F6: the focus to the next / previous pane (the map, the panels)."""
        panes.cycle_focus(self.view, [dock for dock, _panel in self.docked], forward)

    def _update_actions(self, *_: object) -> None:
        """Enable the actions whose needs the open project meets (see ``actions.Need``)."""
        self.window_actions.update(self.ctx)

    def chrome(self) -> list[QWidget]:
        """The bars and panels presentation mode hides (those shown at the time)."""
        return [self.menuBar(), self.toolbar, self.statusBar(), *self.panels.values()]

    # --- where the Edit menu acts -------------------------------------------------------------

    def edit_command(self, edit: Edit) -> None:
        """Cut, copy, paste, delete or select all where the keyboard focus is.

        A text field edits its text; a panel with a table of its own (pain register, action
        plan) deletes its selected row; anything else acts on the map's selection.
        """
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit | QTextEdit | QPlainTextEdit):
            edit_text(focus, edit)
            return
        panel = self._panel_around(focus)
        if panel is not None:
            if edit is Edit.DELETE:
                panel.delete_selected()
            elif edit is Edit.SELECT_ALL and isinstance(focus, QAbstractItemView):
                focus.selectAll()
            return  # other edits have no meaning in a panel
        if self.view is None:
            return
        {
            Edit.CUT: self.view.cut_selected,
            Edit.COPY: self.view.copy_selected,
            Edit.PASTE: self.view.paste,
            Edit.DELETE: self.view.delete_selected,
            Edit.SELECT_ALL: self.view.select_all,
        }[edit]()

    def import_dialog(self) -> None:
        if self.ctx is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Import evidence",
            self.folder(),
            "Survey and ticket exports (*.csv *.tsv *.txt *.xlsx);;All files (*)",
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        from cxmapper.ui.importing.wizard import ImportWizard

        assert self.ctx is not None
        wizard = ImportWizard(self.ctx, path, self)
        accepted = wizard.exec()
        r = wizard.imported
        # It holds the project's context and the file's rows: deleted now, not kept as the
        # window's child (its worker's answer, if any is still coming, is dropped with it).
        wizard.deleteLater()
        if accepted and r is not None:
            self.statusBar().showMessage(
                f"Imported {r.imported:,} items from {path.name}; {r.linked:,} linked to steps.",
                10000,
            )

    def belief_dialog(self) -> None:
        """Workshop → Belief Against Evidence: the voting panel's round against the evidence."""
        from cxmapper.ui.panels.voting import VotingPanel

        for dock, panel in self.docked:
            if isinstance(panel, VotingPanel):
                dock.show()
                dock.raise_()
                if panel.show_belief() is None:
                    self.statusBar().showMessage(
                        "No voting round yet: start one in the Voting panel.", 8000
                    )

    def find_dialog(self) -> None:
        if self.view is None:
            return
        text, ok = QInputDialog.getText(self, "Find", "Find steps whose title contains:")
        if ok and text:
            found = self.view.find_steps(text)
            self.statusBar().showMessage(f"{counted(len(found), 'step')} found for “{text}”.", 8000)

    def closeEvent(self, event: QCloseEvent) -> None:
        from cxmapper.ui.importing.wizard import ImportWizard

        wizards = [w for w in self.findChildren(ImportWizard) if w.isVisible()]
        if wizards:
            # The project must stay open under an import: its wizard is closed (an import
            # being written is cancelled from its progress window) and the window stays.
            for wizard in wizards:
                wizard.reject()
            event.ignore()
            self.statusBar().showMessage("Close the import first, then the window.", 8000)
            return
        self.presentation.leave()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.close_project()
        event.accept()
