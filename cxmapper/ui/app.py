"""Starting the desktop application."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from cxmapper import RESOURCES, __version__
from cxmapper.ui.window import errors

ORGANISATION = "CX Mapper"
APPLICATION = "CX Mapper"


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    # An exception escaping a slot, an event handler or a worker is logged and shown in one
    # sentence; the window carries on (see cxmapper.ui.window.errors).
    errors.install(app)
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f3f4f7"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f6f7f9"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#1c6ef2"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#1f2430"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#1f2430"))
    app.setPalette(palette)
    base = QFont(app.font())
    base.setPointSizeF(max(base.pointSizeF(), 10.0))
    app.setFont(base)
    # Qt crashes on exit if the clipboard still holds data this process put there. (A plain
    # function: a lambda holding the application would keep it in a cycle, and the clipboard's
    # own clear() has an optional argument PySide cannot connect as a slot.)
    app.aboutToQuit.connect(_clear_clipboard)
    icon = RESOURCES / "icons" / "cxmapper.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def _clear_clipboard() -> None:
    QGuiApplication.clipboard().clear()


def run(path: str | None, *, exit_when_open: bool = False) -> int:
    """Open the main window (on ``path``, else the most recent project, else a start page).

    ``exit_when_open`` shows the project, prints what the map holds and quits: a check that
    an installation can open a window and draw a project. It never waits on a dialog (see
    :mod:`cxmapper.ui.window.open_check`)."""
    app = make_application()
    if exit_when_open:
        from cxmapper.ui.window.open_check import open_and_report

        return open_and_report(app, path)
    from cxmapper.ui.window.main_window import MainWindow

    window = MainWindow()
    window.show_on_screen()
    if path:
        window.open_path(Path(path))
    else:
        window.open_most_recent()
    return app.exec()
