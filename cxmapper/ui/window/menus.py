"""The window's menus and toolbar, laid out from :class:`WindowActions`' attributes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

if TYPE_CHECKING:
    from cxmapper.ui.window.actions import ActionHost, WindowActions


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


def install_menus(a: WindowActions, host: ActionHost, window: QMainWindow) -> Menus:
    """Lay the actions ``a`` out in ``window``'s menu bar and a toolbar (None: a separator)."""
    recent = RecentMenu(host, window)
    panels = QMenu("&Panels", window)  # the window adds each panel's toggle
    layout: dict[str, tuple[QAction | QMenu | None, ...]] = {
        "&File": (
            *(a.new, a.open, recent, a.save_copy, a.close_project, None),
            *(a.import_evidence, a.export_plan, a.export_image, a.export_slides, None, a.quit),
        ),
        "&Edit": (
            *(a.undo, a.redo, None, a.cut, a.copy, a.paste, a.delete, a.rename_step, None),
            *(a.select_all, a.find, None, a.settings),
        ),
        "&View": (
            *(a.zoom_in, a.zoom_out, a.fit, a.actual_size, None),
            *(a.heat, a.strength_tint, a.legend, panels, a.presentation, None),
            *(a.next_pane, a.previous_pane),
        ),
        "&Insert": (
            *(a.add_group, a.add_stage, a.add_step, a.add_flow, None),
            *(a.next_step, a.handoff_below, a.handoff_above, a.loop_back, None, a.new_pain),
        ),
        "&Arrange": (a.tidy, None, a.previous_stage, a.next_stage),
        "&Workshop": (
            *(a.agenda, None, a.timer, a.next_box, a.reset_timer, None),
            *(a.new_round, a.pass_laptop, a.reveal_votes, a.belief, None),
            *(a.new_pain, a.new_macro),
        ),
        "&Help": (a.shortcuts, a.show_log, a.about),
    }
    bar = window.menuBar()
    for title, items in layout.items():
        menu = bar.addMenu(title)
        # A panel's state (a round revealed) changes without an edit: asked at opening.
        menu.aboutToShow.connect(a.follow_buttons)
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
        *(a.new, a.open, None, a.undo, a.redo, None),
        *(a.add_group, a.add_stage, a.add_step, a.add_flow, None),
        *(a.zoom_in, a.zoom_out, a.fit, a.heat, None, a.presentation),
    ):
        if tool is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(tool)
    window.addToolBar(toolbar)
    return Menus(recent, panels, toolbar)
