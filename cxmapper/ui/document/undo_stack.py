"""The document's undo stack, which says when an operation on it is under way.

One push, undo or redo can announce thousands of changes: deleting the 2,000 steps of a large
map announces every step, flow and pain it touches, and so does taking the deletion back.
A view that redoes its work on each change (lay out the map, find the loops, count) then does
it thousands of times, each on a map that grows by one: taking back such a deletion froze the
window for many minutes. Such a view checks :attr:`UndoStack.busy` and, while it is, only
notes what to do; it does it once on :attr:`UndoStack.settled`, emitted when the outermost
operation returns. Changes made outside the stack (a test, an import being written) find the
stack idle and are handled at once, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack


class UndoStack(QUndoStack):
    # The outermost push, undo or redo has returned: every change it announced is known.
    settled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._depth = 0

    @property
    def busy(self) -> bool:
        """Whether a push, undo or redo is running (its changes are still coming)."""
        return self._depth > 0

    @contextmanager
    def _operation(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self.settled.emit()  # even after an error: views must not stay behind

    def push(self, command: QUndoCommand) -> None:
        with self._operation():
            super().push(command)

    def undo(self) -> None:
        with self._operation():
            super().undo()

    def redo(self) -> None:
        with self._operation():
            super().redo()
