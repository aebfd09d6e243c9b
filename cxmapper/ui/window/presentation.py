"""Presentation mode: the map alone, full screen, for the projector.

With one screen, entering hides the window's bars and panels that are shown and remembers
them, with the window's geometry; leaving (View → Presentation Mode again, F11, or Esc on the
map with nothing selected) brings back exactly those, so a panel the user had closed stays
closed. With a second screen connected, the map goes full screen there in a window of its own
(a second view of the same document) and the laptop keeps the editor: a presenter view.
Either way the map shows the overview, then walks the stages (``JourneyView`` and
``viewport.ZoomView``). The window is known here only as a :class:`PresentationHost`.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QByteArray, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QFrame, QStatusBar, QVBoxLayout, QWidget

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
        self.screen_window: ProjectorWindow | None = None  # the map on a second screen

    def set(self, on: bool) -> None:
        if on:
            self.enter()
        else:
            self.leave()

    def enter(self) -> None:
        if self.active:
            return
        window = self._host.window()
        view = self._host.view
        projector = _other_screen(window.screen())
        if projector is not None and view is not None:
            # A presenter view: the room sees the map, the laptop keeps the editor.
            self.screen_window = ProjectorWindow(JourneyView(view.ctx), projector)
            self.screen_window.view.leavePresentation.connect(self.leave)
            self.active = True
            self.changed.emit(True)
            self._host.statusBar().showMessage(
                f"Presenting on “{projector.name()}”: Esc there or F11 here to stop.", 8000
            )
            return
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
        if self.screen_window is not None:
            screen_window, self.screen_window = self.screen_window, None
            screen_window.view.leavePresentation.disconnect(self.leave)
            screen_window.close_window()
            self.active = False
            self.changed.emit(False)
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


def _other_screen(here: QScreen) -> QScreen | None:
    """A screen other than the window's (the projector), if one is connected."""
    others = [s for s in QGuiApplication.screens() if s is not here]
    return others[0] if others else None


class ProjectorWindow(QWidget):
    """The map alone, full screen on the projector, in presentation mode: a second view of
    the open document, which follows its edits and its selection like the window's own."""

    def __init__(self, view: JourneyView, screen: QScreen) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("CX Mapper — presentation")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.view = view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        view.setFrameShape(QFrame.Shape.NoFrame)
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        view.set_presentation_mode(True)
        self.showFullScreen()
        # Without a window manager full screen is only a request: take the screen ourselves.
        self.setGeometry(screen.geometry())
        view.setFocus()

    def close_window(self) -> None:
        """The view stops following the document before it goes (it is closed with us)."""
        self.view.close_view()
        self.close()
