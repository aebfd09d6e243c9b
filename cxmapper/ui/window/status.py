"""Status-bar messages that stop being true: a refusal once a later edit succeeds, a hint
once what it asks for is done. Left showing, they would speak of a state the project has
left (a refusal of three edits ago read as the answer to the latest one)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QStatusBar

from cxmapper.model.events import Change


def any_edit(_change: Change) -> bool:
    return True


class PassingMessages:
    """Shows a message in ``bar`` and clears it at the first change it no longer fits."""

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self._shown: tuple[str, Callable[[Change], bool]] | None = None

    def show(self, text: str, timeout_ms: int, until: Callable[[Change], bool]) -> None:
        """Show ``text`` until ``timeout_ms`` or the first change ``until`` accepts."""
        self.bar.showMessage(text, timeout_ms)
        self._shown = (text, until)

    def on_change(self, change: Change) -> None:
        """For the project's ``changed``: clear the message if this change settles it."""
        if self._shown is None:
            return
        text, until = self._shown
        if self.bar.currentMessage() != text:  # timed out, or another message took its place
            self._shown = None
        elif until(change):
            self.bar.clearMessage()
            self._shown = None
