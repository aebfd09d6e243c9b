"""Plain-Python change events: how the project tells views what changed, without Qt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

ChangeKind = Literal["added", "changed", "removed"]
EntityName = Literal[
    "settings",
    "work_group",
    "stage",
    "step",
    "flow",
    "evidence",
    "import_batch",
    "pain",
    "action",
    "voting_round",
    "vote",
]


# The fields whose change alters the journey's structure: what is connected to what, in which
# lane and stage, in which reading order. A change to any other field (a title, a colour, a
# label) leaves everything computed from the structure as it was.
STRUCTURE_FIELDS: dict[str, frozenset[str]] = {
    "step": frozenset({"work_group_id", "stage_id", "x"}),
    "flow": frozenset({"source_id", "target_id"}),
    "stage": frozenset({"position"}),
    "work_group": frozenset({"position"}),
}


@dataclass(frozen=True)
class Change:
    """One entity was added, changed or removed. ``fields`` names what changed (for
    "changed"); ``id`` is 0 for settings and for bulk evidence changes."""

    kind: ChangeKind
    entity: EntityName
    id: int
    fields: tuple[str, ...] = ()

    @property
    def structural(self) -> bool:
        """Whether the journey's structure may differ after this change."""
        relevant = STRUCTURE_FIELDS.get(self.entity)
        if relevant is None:
            return False
        if self.kind != "changed" or not self.fields:
            return True
        return not relevant.isdisjoint(self.fields)


Listener = Callable[[Change], None]


class Emitter:
    """Tells listeners of each change, and counts the structural ones (``structure_version``),
    so that what depends only on the structure can be cached against that count."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self.structure_version = 0

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        # Views disconnect when they close; unknown listeners are ignored.
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, change: Change) -> None:
        if change.structural:
            self.structure_version += 1
        for listener in list(self._listeners):
            listener(change)
