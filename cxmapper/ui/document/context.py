"""What every view of one open project shares: the project, its undo stack and the selection.

Views (canvas, inspector, panels, dialogs) take a :class:`DocumentContext`; they listen to
``changed`` for model changes (re-emitted from the model's plain-Python events) and to
``selectionChanged`` for the shared selection. Every edit goes through :meth:`edit` (one
command) or :meth:`compound` (several as one undo step): nothing else pushes on ``undo_stack``,
so no widget can drop a refusal; each refusal is announced once on ``refused`` and the window
shows it. A view disconnects when it closes; :meth:`close` detaches the context from the project.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from cxmapper.model import entities as e
from cxmapper.model.events import Change
from cxmapper.model.project import Project
from cxmapper.model.validation import ModelError
from cxmapper.ui.document.commands import Command, refusal_of
from cxmapper.ui.document.undo_stack import UndoStack

C = TypeVar("C", bound=Command)


@dataclass
class Compound:
    """One compound edit in progress (see :meth:`DocumentContext.compound`)."""

    text: str
    begun: bool = False  # the macro is opened at the first part, so an empty one never is
    refused: str | None = None  # after the block: why nothing of it was done


class _PartRefused(Exception):
    """A part of a compound edit was refused: ends the block; the compound is taken back."""


class DocumentContext(QObject):
    # One model change (a cxmapper.model.events.Change), after it was committed to the file.
    changed = Signal(object)
    # The shared selection changed; read it with the selected_* methods.
    selectionChanged = Signal()
    # A view asks the others to bring an item into view ("step", id) / ("pain", id) / ...
    focusRequested = Signal(str, int)
    # An edit was refused (message, the widget that asked or None); emitted once per edit.
    refused = Signal(str, object)
    # The project is closing: helpers the context owns (background jobs) stop here, before
    # the project's file is closed and long before Qt deletes them.
    closing = Signal()

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = UndoStack(self)  # says when an edit's changes have all come
        self._steps: tuple[int, ...] = ()
        self._flows: tuple[int, ...] = ()
        self._pains: tuple[int, ...] = ()
        self._evidence: tuple[int, ...] = ()
        self._actions: tuple[int, ...] = ()
        self._compound: Compound | None = None
        # The message of the last refused edit, for a form that keeps it beside its fields.
        self.last_refusal: str | None = None
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
        self.closing.emit()
        self.project.unsubscribe(self._on_change)
        self.undo_stack.clear()

    # --- the one edit path ------------------------------------------------------------------

    def edit(self, build: Callable[[], C], *, origin: QWidget | None = None) -> C | None:
        """Build a command, push it, and return it; ``None`` when it was refused.

        ``build`` runs inside the guard because several commands read the model in their
        constructor (a step deleted meanwhile raises there). A refusal (ModelError, or an
        sqlite error the command turned into ``error``) is emitted once on ``refused`` with
        ``origin``, the widget that asked, and kept in ``last_refusal``. Inside
        :meth:`compound` a refusal ends the block instead, and the compound reports it.
        """
        self.last_refusal = None
        try:
            command = build()
        except (ModelError, sqlite3.Error) as exc:
            self._refuse(refusal_of(exc), origin)
            return None
        compound = self._compound
        if compound is not None and not compound.begun:
            self.undo_stack.beginMacro(compound.text)
            compound.begun = True
        self.undo_stack.push(command)  # the only push in the window
        if command.error is not None:  # Command.redo caught it; the stack dropped the command
            self._refuse(command.error, origin)
            return None
        return command

    def _refuse(self, message: str, origin: QWidget | None) -> None:
        self.last_refusal = message
        if self._compound is not None:
            raise _PartRefused(message)
        self.refused.emit(message, origin)

    @contextmanager
    def compound(self, text: str, *, origin: QWidget | None = None) -> Iterator[Compound]:
        """Edits made with :meth:`edit` inside the block are one undo step named ``text``.

        All or nothing: the first refused part (or a ModelError / sqlite error raised by the
        block itself) ends the block, the parts already done are taken back, and the refusal
        is reported once; the yielded :class:`Compound` then holds it in ``refused``. A block
        that edits nothing leaves no empty step on the stack. Nested blocks join the outer one.
        """
        if self._compound is not None:
            yield self._compound
            return
        compound = self._compound = Compound(text)
        try:
            yield compound
        except (_PartRefused, ModelError, sqlite3.Error) as exc:
            self._end_compound(compound, take_back=True)
            message = str(exc) if isinstance(exc, _PartRefused) else refusal_of(exc)
            compound.refused = self.last_refusal = message
            self.refused.emit(message, origin)
        except BaseException:
            self._end_compound(compound, take_back=True)  # a bug: still nothing half-done
            raise
        else:
            self._end_compound(compound, take_back=False)

    def _end_compound(self, compound: Compound, *, take_back: bool) -> None:
        self._compound = None
        if not compound.begun:
            return
        stack = self.undo_stack
        stack.endMacro()
        if take_back:
            stack.undo()
            # An obsolete command is dropped instead of redone: the compound leaves no trace.
            stack.command(stack.index()).setObsolete(True)
            stack.redo()

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
