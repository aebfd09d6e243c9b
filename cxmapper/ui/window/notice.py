"""The notice that shows a refused edit beside the panel that asked for it.

Not a dialog: it takes neither the focus nor a click to go away. It floats over the bottom
edge of the widget that asked (the map, a panel, a form), says why nothing changed, and fades
after a few seconds or closes at the next click anywhere. Screen readers hear it as an alert.
The window also puts the same sentence in its status bar, which keeps it a little longer.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QPropertyAnimation, QRect, Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QWidget

SHOWN_MS = 6000  # long enough to read two lines
FADE_MS = 400
MARGIN = 12
WIDTH = 420


class Notice(QLabel):
    def __init__(self, parent: QWidget) -> None:
        # A tool-tip window: frameless, above the docks and forms, never activated.
        super().__init__(parent, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setTextFormat(Qt.TextFormat.PlainText)  # a refusal may quote a title
        self.setWordWrap(True)
        self.setObjectName("refusalNotice")
        self.setStyleSheet(
            "#refusalNotice { background: #fff5f5; color: #1f2430; border: 1px solid #c92a2a;"
            " border-left: 4px solid #c92a2a; border-radius: 4px; padding: 8px 10px; }"
        )
        self.setAccessibleName("Not changed")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fade)
        self._fading = QPropertyAnimation(self, b"windowOpacity", self)
        self._fading.setDuration(FADE_MS)
        self._fading.setStartValue(1.0)
        self._fading.setEndValue(0.0)
        self._fading.finished.connect(self.dismiss)
        self._watching = False

    def show_near(self, anchor: QWidget, message: str, at: QRect | None = None) -> None:
        """Show ``message`` over the bottom-left of ``anchor``'s visible part; with ``at``
        (a part of ``anchor``, in its coordinates) just below that part, or above it when
        there is no room below."""
        self._fading.stop()
        self.setWindowOpacity(1.0)
        self.setText(message)
        self.setAccessibleDescription(message)
        visible = anchor.visibleRegion().boundingRect()
        if visible.isEmpty():
            visible = anchor.rect()
        width = max(160, min(WIDTH, visible.width() - 2 * MARGIN))
        self.setFixedWidth(width)
        self.adjustSize()
        spot = anchor.mapToGlobal(
            QPoint(visible.left() + MARGIN, visible.bottom() - self.height() - MARGIN)
        )
        if at is not None:
            below = at.bottom() + MARGIN // 2
            if below + self.height() > visible.bottom():
                below = at.top() - MARGIN // 2 - self.height()
            left = max(visible.left(), min(at.left(), visible.right() - self.width()))
            spot = anchor.mapToGlobal(QPoint(left, max(visible.top(), below)))
        screen = anchor.screen() or QGuiApplication.primaryScreen()
        if screen is not None:  # keep it whole on the screen
            area = screen.availableGeometry()
            spot.setX(max(area.left(), min(spot.x(), area.right() - self.width())))
            spot.setY(max(area.top(), min(spot.y(), area.bottom() - self.height())))
        self.move(spot)
        self.show()
        self.raise_()
        app = QApplication.instance()
        if not self._watching and app is not None:
            app.installEventFilter(self)
            self._watching = True
        self._timer.start(SHOWN_MS)
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))

    def _fade(self) -> None:
        self._fading.start()

    def dismiss(self) -> None:
        self._timer.stop()
        self._fading.stop()
        app = QApplication.instance()
        if self._watching and app is not None:
            app.removeEventFilter(self)
        self._watching = False
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress:
            self.dismiss()  # the next click: the user has moved on (the click still counts)
        return False
