"""Work off the UI thread whose answer comes back to it, with lifetimes made explicit.

A Python thread computes; its answer reaches the UI thread through a :class:`Relay`, a QObject
that belongs to the application, never to the widget that asked (the widget may close while
the thread runs), and that is deleted on the UI thread once it has delivered. The widget
connects a bound method of its own to the relay: Qt drops that connection, with any answer
still queued for it, when the widget is deleted, and the widget disconnects it itself when it
closes (:func:`disconnect`). Once the application is quitting, no relay emits any more: a
thread that outlives the window drops its answer instead of touching a deleted object.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from shiboken6 import isValid


class Relay(QObject):
    """Carries one job's answer from its thread to the UI thread (a queued signal)."""

    done = Signal(object)


# Held while a worker emits, and while the application is declared closing: a relay is never
# deleted (with the application) in the middle of an emit.
_lock = threading.Lock()
_closing = False
_watched: QCoreApplication | None = None


def _close() -> None:
    global _closing
    with _lock:
        _closing = True


def _watch(app: QCoreApplication) -> None:
    """Stop every delivery when ``app`` quits, or at the latest when the interpreter exits
    (before PySide deletes what is left of the application)."""
    global _watched, _closing
    if _watched is app:
        return
    if _watched is None:
        atexit.register(_close)
    _watched, _closing = app, False
    app.aboutToQuit.connect(_close)


def start(name: str, job: Callable[[], Any], slot: Callable[[Any], None]) -> Relay:
    """Run ``job`` on a daemon thread called ``name``; its return value is handed to ``slot``
    on the UI thread, unless ``slot``'s object was deleted or disconnected meanwhile.

    An exception raised by ``job`` is not delivered: it reaches ``threading.excepthook``,
    which the application reports (:mod:`cxmapper.ui.window.errors`)."""
    app = QCoreApplication.instance()
    assert app is not None, "a worker needs the application"
    _watch(app)
    relay = Relay(app)
    relay.done.connect(slot)  # queued: the slot's object lives on the UI thread

    def run() -> None:
        try:
            value = job()
        except BaseException:
            _deliver(relay, None, send=False)
            raise
        _deliver(relay, value, send=True)

    threading.Thread(target=run, name=name, daemon=True).start()
    return relay


def _deliver(relay: Relay, value: Any, *, send: bool) -> None:
    with _lock:
        if _closing or not isValid(relay):
            return
        if send:
            relay.done.emit(value)
        relay.deleteLater()  # on the UI thread, after the answer queued before it


def disconnect(relay: Relay | None, slot: Callable[[Any], None]) -> None:
    """Let go of a job's answer: ``slot`` will not be called by ``relay`` (UI thread only).
    A relay already deleted has delivered, or never will."""
    if relay is not None and isValid(relay):
        relay.done.disconnect(slot)
