"""``cxmapper FILE --exit-when-open``: open the window, say what the map shows, exit.

It checks an installation (the desktop build's smoke test runs it with no one at the screen),
so it must never wait for a person: a modal dialog that opens meanwhile (a refusal, an error,
a prompt) is printed as one line on stderr, closed, and the run exits non-zero. A watchdog
thread ends the process after a hard timeout even if the event loop never runs again.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QProgressDialog, QWidget

from cxmapper.terminal import escape_controls

HARD_TIMEOUT_S = 50.0  # under the build script's `timeout 60`: ours ends the run, with a sentence
POLL_MS = 50
SETTLE_MS = 150  # let work deferred to the event loop (first fit, posted prompts) run watched
STUCK_S = 5.0  # a dialog that will not close when rejected ends the process


class ModalGuard(QObject):
    """Polls for modal dialogs; reports and rejects each one instead of waiting on it.

    A QTimer fires inside the nested event loop a dialog's exec() runs, so polling sees a
    dialog however it was opened (QMessageBox.warning, exec(), open())."""

    def __init__(self) -> None:
        super().__init__()  # no parent: gone with the run, not kept by the application
        self.reports: list[str] = []
        # (dialog, when first seen): held, so a dialog's id is never reused by another one
        self._seen: list[tuple[QWidget, float]] = []
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def check(self) -> None:
        dialog = waiting_dialog()
        if dialog is None:
            return
        now = time.monotonic()
        since = next((t for w, t in self._seen if w is dialog), None)
        if since is None:
            self._seen.append((dialog, now))
            self.reports.append(dialog_text(dialog))
            _say(f"the window showed a dialog instead of the map: {self.reports[-1]}")
        elif now - since > STUCK_S:
            _say("a dialog could not be closed; giving up.")
            os._exit(1)
        if isinstance(dialog, QDialog):
            dialog.done(QDialog.DialogCode.Rejected)  # returns from its exec(), as Cancel would
        else:
            dialog.close()


def waiting_dialog() -> QWidget | None:
    """The modal widget a person would have to answer, if one is shown (a progress dialog
    waits for no one and is left alone)."""
    candidates = [QApplication.activeModalWidget()] + [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isModal()
    ]
    for widget in candidates:
        if widget is not None and widget.isVisible() and not isinstance(widget, QProgressDialog):
            return widget
    return None


def dialog_text(widget: QWidget) -> str:
    """What the dialog says, on one line: title, then its message or labels."""
    parts = [widget.windowTitle()]
    if isinstance(widget, QMessageBox):
        parts += [widget.text(), widget.informativeText()]
    else:
        parts += [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]
    text = " — ".join(" ".join(p.split()) for p in parts if p and p.strip())
    return escape_controls(text) or "(a dialog without text)"


def open_and_report(app: QApplication, path: str | None) -> int:
    """Open ``path`` (else the most recent project) in the window, print what the map shows
    and return 0; or 1 with one line per dialog that would have waited for a person."""
    from cxmapper.ui.window.main_window import MainWindow

    watchdog = threading.Timer(HARD_TIMEOUT_S, _give_up)
    watchdog.daemon = True  # never keeps the process alive by itself
    watchdog.start()
    guard = ModalGuard()
    guard.start()
    try:
        # A check of an installation leaves the user's settings (window size, recent files)
        # as they were: it works on a throwaway copy.
        scratch = tempfile.TemporaryDirectory(prefix="cxmapper-check-")
        settings = QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings)
        window.show_on_screen()
        if path:
            window.open_path(Path(path))
        else:
            window.open_most_recent()
        app.processEvents()
        loop = QEventLoop()
        QTimer.singleShot(SETTLE_MS, loop.quit)
        loop.exec()
        guard.check()  # one last look, after the loop
        if guard.reports:
            window.close()
            return 1
        if window.view is None:
            _say(f"“{path}” was not opened.")
            window.close()
            return 1
        scene = window.view.journey_scene
        print(
            f"Opened {Path(path or '').name}: {len(scene.cards)} steps and "
            f"{len(scene.arrows)} flows on the map, {len(window.panels)} panels."
        )
        window.close()
        return 0
    finally:
        guard.stop()
        watchdog.cancel()


def _say(sentence: str) -> None:
    print(f"cxmapper: {escape_controls(sentence)}", file=sys.stderr, flush=True)


def _give_up() -> None:
    # Runs on the watchdog thread while the main thread is stuck: only a hard exit ends it.
    _say(f"the window did not open within {HARD_TIMEOUT_S:.0f} seconds; giving up.")
    sys.stdout.flush()
    os._exit(1)
