"""The docked panels beside and below the map: inspector, pain register, priority matrix,
evidence, action plan, close the loop, and the table and score helpers they share.

Every panel is a :class:`Panel`: the window docks it, tells it when its tab is shown, routes
Edit → Delete to it when the focus is inside it, and detaches it before the project closes,
all through these members and nothing else.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


@runtime_checkable  # so a test can check every docked panel (mypy checks add_panel's calls)
class Panel(Protocol):
    """What the window asks of a panel it docks."""

    dock_title: str  # the dock's title, and its entry in View → Panels
    dock_name: str  # the dock's object name: the key of its place in the saved layout
    dock_area: Qt.DockWidgetArea  # where it docks the first time

    def dock_content(self) -> QWidget:
        """What the dock shows: the panel itself, or the panel inside a scroll area."""
        ...

    def on_dock_visibility(self, visible: bool) -> None:
        """The dock's tab was raised (True) or put behind another, or closed (False): a
        panel may defer work while hidden and catch up here."""
        ...

    def delete_selected(self) -> None:
        """Edit → Delete with the keyboard focus in the panel (nothing, where the panel
        has nothing to delete)."""
        ...

    def detach(self) -> None:
        """Before the project closes: stop listening to the document context and drop any
        work still coming from a worker thread."""
        ...
