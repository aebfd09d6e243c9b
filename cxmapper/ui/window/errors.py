"""Unforeseen errors: never silent, never fatal.

An exception that escapes a slot or an event handler (PySide hands it to ``sys.excepthook``)
or a worker thread (``threading.excepthook``) is a bug: its traceback is written to the log in
the user's data folder, and every open window says so in one sentence, on a banner above the
map with "Show details" (which opens the log), and in the status bar. Nothing else changes:
Qt goes on with the next event, so the window stays usable, and every edit made before is
already in the file. Help → Show Log opens the log at any time.

Refusals of edits (a title too long, a step deleted meanwhile) are not errors: the document
context reports those itself, beside the widget that asked.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

LOG_NAME = "cxmapper.log"
MAX_LOG_BYTES = 1_000_000  # beyond this the log starts afresh; the previous one is kept as .1
SHOWN_BYTES = 200_000  # the end of the log, in the dialog: the latest errors are what matter


def data_folder() -> Path:
    """The user's data folder ($CXMAPPER_DATA_DIR when set, as in the tests)."""
    if folder := os.environ.get("CXMAPPER_DATA_DIR"):
        return Path(folder)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else Path.home() / ".cxmapper"


def log_path() -> Path:
    return data_folder() / LOG_NAME


_log_lock = threading.Lock()  # the UI thread and workers may both report at once


def write_log(text: str) -> Path | None:
    """Append ``text`` to the log with the time; the log's path, or None if it cannot be
    written (a full disk must not turn one error into two)."""
    path = log_path()
    stamp = datetime.now().isoformat(sep=" ", timespec="seconds")
    with _log_lock:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
                os.replace(path, path.with_name(LOG_NAME + ".1"))
            with open(path, "a", encoding="utf-8", errors="replace") as log:
                log.write(f"--- {stamp}\n{text.rstrip()}\n\n")
        except OSError:
            return None
    return path


def read_log() -> str:
    """The end of the log, or a line saying there is none yet."""
    path = log_path()
    try:
        with open(path, "rb") as log:
            size = log.seek(0, os.SEEK_END)
            log.seek(max(0, size - SHOWN_BYTES))
            text = log.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return f"Nothing has gone wrong so far: there is no log yet ({path})."
    except OSError as exc:
        return f"The log {path} could not be read: {exc.strerror or exc}."
    return text if size <= SHOWN_BYTES else "…\n" + text.split("\n", 1)[-1]


def sentence(exc_type: type[BaseException]) -> str:
    """What the window says: one sentence, the details being in the log."""
    return (
        f"Something unforeseen went wrong ({exc_type.__name__}); your work so far is saved, "
        "and Help → Show Log has the details."
    )


class ErrorReporter(QObject):
    """Logs every uncaught exception and announces it to the windows (:attr:`reported`)."""

    # The sentence to show; emitted on the UI thread (queued when a worker thread failed).
    reported = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._busy = threading.local()  # an error while reporting one is logged, not shown

    def excepthook(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            sys.__excepthook__(exc_type, exc, tb)  # the user asked to stop: not a bug
            return
        self.report(exc_type, exc, tb, "the window")

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a worker"
        self.report(args.exc_type, args.exc_value, args.exc_traceback, f"thread {name}")

    def report(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        where: str,
    ) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        write_log(f"Uncaught {exc_type.__name__} in {where}:\n{text}")
        # Whoever runs CX Mapper from a terminal sees it there too.
        print(text, file=sys.stderr, end="")
        if getattr(self._busy, "on", False) or not isValid(self):
            return
        self._busy.on = True
        try:
            self.reported.emit(sentence(exc_type))
        finally:
            self._busy.on = False


_reporter: ErrorReporter | None = None


def install(app: QCoreApplication) -> ErrorReporter:
    """Report uncaught exceptions of ``app``'s slots, event handlers and threads (once)."""
    global _reporter
    if _reporter is None or not isValid(_reporter) or _reporter.parent() is not app:
        _reporter = ErrorReporter(app)
    sys.excepthook = _reporter.excepthook
    threading.excepthook = _reporter.thread_excepthook
    return _reporter


def reporter() -> ErrorReporter | None:
    """The installed reporter, for windows to listen to; None when none was installed."""
    return _reporter if _reporter is not None and isValid(_reporter) else None


class ErrorBanner(QFrame):
    """The sentence about an unforeseen error, above the map, until dismissed. Not a dialog:
    it takes neither the focus nor a click to go away, and stays in presentation mode."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setStyleSheet(
            "#errorBanner { background: #fff4e5; border-bottom: 1px solid #e8590c; }"
            " #errorBanner QLabel { color: #1f2430; }"
        )
        self.setAccessibleName("Unforeseen error")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.details = QPushButton("Show details")
        self.details.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # never steals the map's keys
        self.details.clicked.connect(self.show_log)
        self.dismiss = QPushButton("Dismiss")
        self.dismiss.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.dismiss.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.details)
        row.addWidget(self.dismiss)
        self.text = ""  # the sentence shown
        self.count = 0  # how many times in a row it was reported
        self.hide()

    def show_error(self, text: str) -> None:
        """Show ``text``; the same error again counts up rather than piling up banners."""
        repeated = self.isVisible() and text == self.text
        self.text, self.count = text, self.count + 1 if repeated else 1
        self.label.setText(text if self.count == 1 else f"{text} ({self.count} times)")
        self.setAccessibleDescription(text)
        self.show()
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))

    def show_log(self) -> None:
        show_log(self.window())


class LogDialog(QDialog):
    """The log, read-only, scrolled to its latest entry (not an external program: it works
    the same everywhere and shows nothing but the log)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("CX Mapper log")
        self.resize(900, 560)
        self.path = QLabel(str(log_path()))
        self.path.setTextFormat(Qt.TextFormat.PlainText)
        self.path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.path)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        self.text.setPlainText(read_log())
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())


def show_log(parent: QWidget) -> LogDialog:
    """Help → Show Log: the window's log dialog, brought up to date, beside the window (not
    modal: the log can stay open while the user carries on)."""
    dialog = parent.findChild(LogDialog)
    if dialog is None:
        dialog = LogDialog(parent)
    dialog.reload()
    dialog.show()
    dialog.raise_()
    return dialog
