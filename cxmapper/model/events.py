"""Plain-Python change events: how the project tells views what changed, without Qt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

ChangeKind = Literal["added", "changed", "removed"]
EntityName = Literal[
    "settings", "work_group", "stage", "step", "flow", "evidence", "import_batch", "pain", "action"
]


@dataclass(frozen=True)
class Change:
    """One entity was added, changed or removed. ``fields`` names what changed (for
    "changed"); ``id`` is 0 for settings and for bulk evidence changes."""

    kind: ChangeKind
    entity: EntityName
    id: int
    fields: tuple[str, ...] = ()


Listener = Callable[[Change], None]


class Emitter:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        # Views disconnect when they close; unknown listeners are ignored.
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)
