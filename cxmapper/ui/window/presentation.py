"""Presentation mode: the window full screen with nothing but the map, for the projector.

Entering hides the bars and panels that are shown and remembers them, with the window's
geometry; leaving (View → Presentation Mode again, F11, or Esc on the map with nothing
selected) brings back exactly those, so a panel the user had closed stays closed. The map
itself fits its lanes to the screen's height and hides its connect handles
(``JourneyView.set_presentation_mode``). The window is known here only as a
:class:`PresentationHost`.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QByteArray, QObject, Signal
from PySide6.QtWidgets import QStatusBar, QWidget

from cxmapper.ui.canvas.view import JourneyView


class PresentationHost(Protocol):
    """What presentation mode asks of the window."""

    @property
    def view(self) -> JourneyView | None: ...

    def window(self) -> QWidget:
        """The window itself: the widget put full screen."""
        ...

    def chrome(self) -> list[QWidget]:
        """The bars and panels that hide while presenting (those shown at the time)."""
        ...

    def statusBar(self) -> QStatusBar: ...


class Presentation(QObject):
    # Entered (True) or left (False), however it happened: the menu's check mark follows.
    changed = Signal(bool)

    def __init__(self, host: PresentationHost) -> None:
        super().__init__(host.window())  # lives as long as the window
        self._host = host
        self.active = False
        self._was_maximized = False
        self._geometry = QByteArray()
        self._hidden: list[QWidget] = []

    def set(self, on: bool) -> None:
        if on:
            self.enter()
        else:
            self.leave()

    def enter(self) -> None:
        if self.active:
            return
        window = self._host.window()
        self._hidden = [widget for widget in self._host.chrome() if widget.isVisible()]
        for widget in self._hidden:
            widget.setVisible(False)
        self._was_maximized = window.isMaximized()
        self._geometry = window.saveGeometry()
        window.showFullScreen()
        # Without a window manager (a bare X server) full screen is only a request: take the
        # whole screen ourselves too.
        window.setGeometry(window.screen().geometry())
        self.active = True
        self._show_on_map()
        self._host.statusBar().showMessage("Presentation mode: Esc or F11 to leave.", 5000)

    def leave(self) -> None:
        """Back to the working layout. Called before a project closes and before the window
        saves its layout, so the saved layout is never the projector's."""
        if not self.active:
            return
        window = self._host.window()
        for widget in self._hidden:
            widget.setVisible(True)
        self._hidden = []
        if self._was_maximized:
            window.showMaximized()
        else:
            window.showNormal()
            window.restoreGeometry(self._geometry)
        self.active = False
        self._show_on_map()

    def _show_on_map(self) -> None:
        view = self._host.view
        if view is not None:
            view.set_presentation_mode(self.active)  # lanes fill the height; no handles
        self.changed.emit(self.active)
