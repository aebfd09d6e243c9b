"""What every view of one open project shares: the project, its undo stack and the selection.

Views (canvas, inspector, panels, dialogs) take a :class:`DocumentContext`; they listen to
``changed`` for model changes (re-emitted from the model's plain-Python events) and to
``selectionChanged`` for the shared selection, and they push every edit onto ``undo_stack``.
A view disconnects when it closes; :meth:`close` detaches the context from the project.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from cxmapper.model import entities as e
from cxmapper.model.events import Change
from cxmapper.model.project import Project


class DocumentContext(QObject):
    # One model change (a cxmapper.model.events.Change), after it was committed to the file.
    changed = Signal(object)
    # The shared selection changed; read it with the selected_* methods.
    selectionChanged = Signal()
    # A view asks the others to bring an item into view ("step", id) / ("pain", id) / ...
    focusRequested = Signal(str, int)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = QUndoStack(self)
        self._steps: tuple[int, ...] = ()
        self._flows: tuple[int, ...] = ()
        self._pains: tuple[int, ...] = ()
        self._evidence: tuple[int, ...] = ()
        self._actions: tuple[int, ...] = ()
        project.subscribe(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.kind == "removed":
            self._forget(change)
        self.changed.emit(change)

    def _forget(self, change: Change) -> None:
        """Drop removed items from the selection.

        A removal takes several items at once and announces them one by one, so every
        selected id the project no longer has is dropped at the first announcement.
        """
        pruned = False
        for attr, cls in (
            ("_steps", e.Step),
            ("_flows", e.Flow),
            ("_pains", e.Pain),
            ("_actions", e.Action),
        ):
            ids = getattr(self, attr)
            kept = tuple(i for i in ids if self.project.exists(cls, i))
            if kept != ids:
                setattr(self, attr, kept)
                pruned = True
        if pruned:
            self.selectionChanged.emit()

    def close(self) -> None:
        self.project.unsubscribe(self._on_change)
        self.undo_stack.clear()

    # --- selection --------------------------------------------------------------------------

    def selected_step_ids(self) -> tuple[int, ...]:
        return self._steps

    def selected_flow_ids(self) -> tuple[int, ...]:
        return self._flows

    def selected_pain_ids(self) -> tuple[int, ...]:
        return self._pains

    def selected_evidence_ids(self) -> tuple[int, ...]:
        return self._evidence

    def selected_action_ids(self) -> tuple[int, ...]:
        return self._actions

    def set_selection(
        self,
        *,
        steps: tuple[int, ...] | list[int] | None = None,
        flows: tuple[int, ...] | list[int] | None = None,
        pains: tuple[int, ...] | list[int] | None = None,
        evidence: tuple[int, ...] | list[int] | None = None,
        actions: tuple[int, ...] | list[int] | None = None,
    ) -> None:
        """Replace the parts of the selection given; ``None`` leaves a part as it is."""
        new = (
            self._steps if steps is None else tuple(steps),
            self._flows if flows is None else tuple(flows),
            self._pains if pains is None else tuple(pains),
            self._evidence if evidence is None else tuple(evidence),
            self._actions if actions is None else tuple(actions),
        )
        old = (self._steps, self._flows, self._pains, self._evidence, self._actions)
        if new != old:
            self._steps, self._flows, self._pains, self._evidence, self._actions = new
            self.selectionChanged.emit()
