"""F6 / Shift+F6: the keyboard focus goes round the window's panes — the map, then each
visible panel — as in other desktop applications. (Tab stays inside the map, where it
follows flows; inside a panel it moves between the panel's fields as usual.)"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget


def panes(view: QWidget | None, docks: list[QDockWidget]) -> list[QWidget]:
    """The panes in focus order: the map, then the visible panels (a tabbed panel only when
    its tab is the one shown)."""
    found: list[QWidget] = [view] if view is not None and view.isVisible() else []
    for dock in docks:
        content = dock.widget()
        if content is not None and dock.isVisible() and content.isVisible():
            found.append(content)
    return found


def cycle_focus(view: QWidget | None, docks: list[QDockWidget], forward: bool = True) -> bool:
    """Move the focus to the next (or previous) pane; returns whether it moved."""
    found = panes(view, docks)
    if not found:
        return False
    focus = QApplication.focusWidget()
    current = next(
        (
            n
            for n, pane in enumerate(found)
            if focus is not None and (focus is pane or pane.isAncestorOf(focus))
        ),
        -1,
    )
    step = 1 if forward else -1
    for offset in range(1, len(found) + 1):
        pane = found[(current + step * offset) % len(found)]
        target = _first_focusable(pane)
        if target is not None:
            target.setFocus(
                Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
            )
            return True
    return False


def _first_focusable(pane: QWidget) -> QWidget | None:
    """The pane itself if it takes the focus, else its first field in the focus chain."""
    if _takes_focus(pane):
        return pane
    widget = pane.nextInFocusChain()
    while widget is not None and widget is not pane:
        if pane.isAncestorOf(widget) and _takes_focus(widget):
            return widget
        widget = widget.nextInFocusChain()
    return None


def _takes_focus(widget: QWidget) -> bool:
    return (
        widget.isVisible()
        and widget.isEnabled()
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    )
