"""Undo commands: one small QUndoCommand per model operation, named for the Edit menu.

Each command calls the project's API (which commits the edit to the file at once). Added
items keep their ids on redo, so later commands on the stack still refer to the right ones;
removals keep the model's :class:`Removal` and undo with ``project.restore``.

Widgets never push these themselves: they hand a builder to ``DocumentContext.edit``, which
builds, pushes and reports a refusal once.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from PySide6.QtGui import QUndoCommand

from cxmapper.model import entities as e
from cxmapper.model.project import Project
from cxmapper.model.removal import Removal
from cxmapper.model.validation import ModelError
from cxmapper.wording import counted


class Command(QUndoCommand):
    """Base of every edit. A refused edit (ModelError) marks itself obsolete, so the undo
    stack drops it, and keeps the message for the caller to show."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.error: str | None = None

    def do(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        try:
            self.do()
        except (ModelError, sqlite3.Error) as exc:
            self.error = refusal_of(exc)
            self.setObsolete(True)

    def undo(self) -> None:
        self.revert()


def refusal_of(exc: ModelError | sqlite3.Error) -> str:
    """The sentence shown for an edit the model refused or the file could not take."""
    if isinstance(exc, ModelError):
        return str(exc)
    # e.g. the disk is full: the transaction was rolled back, the model kept its state
    return f"The change could not be saved ({exc}); nothing was changed."


# The QUndoCommand.id() an "add" shares with the edit that completes it (the title typed into a
# new step, a new pain's or action's first form): QUndoStack then offers that edit to the add's
# mergeWith, and the two become one undo step. Any other command keeps the default id -1.
COMPLETES_ADD = 1


class AddsItem(Command):
    """An edit that adds an item the user completes at once; :class:`UpdateItem` with
    ``completes=`` this command merges into it (and only into it), so undo takes back the item
    as completed and redo adds it as completed."""

    def id(self) -> int:
        return COMPLETES_ADD

    def mergeWith(self, other: QUndoCommand) -> bool:
        # Qt offers a refused edit too (it merges before dropping obsolete commands).
        if not isinstance(other, UpdateItem) or other.completes is not self or other.error:
            return False
        self.absorb(dict(other.after))
        return True

    def absorb(self, changes: dict[str, Any]) -> None:
        """Take ``changes`` (already made in the model) into what redo adds."""
        raise NotImplementedError


def _quote(text: str, limit: int = 40) -> str:
    return f"'{text if len(text) <= limit else text[: limit - 1] + '…'}'"


class AddStep(AddsItem):
    """Add a step, optionally connected from another step (Enter / Shift+Enter)."""

    def __init__(
        self,
        project: Project,
        work_group_id: int,
        title: str,
        *,
        x: float,
        y: float,
        stage_id: int | None = None,
        connect_from: int | None = None,
        room: dict[int, float] | None = None,
        **details: Any,
    ) -> None:
        """``details`` are further step fields (description, channel, emotion), for a paste.
        ``room``: steps moved right first (id → new x), to open a column in the new step's
        stage (see ``placement.next_place``)."""
        super().__init__(f"Add step {_quote(title)}")
        self.project = project
        self.room = dict(room or {})
        self.room_before = {i: project.step(i).x for i in self.room}
        self.values: dict[str, Any] = {
            "work_group_id": work_group_id,
            "title": title,
            "x": x,
            "y": y,
            "stage_id": stage_id,
            **details,
        }
        self.connect_from = connect_from
        self.step_id: int | None = None
        self.flow_id: int | None = None

    def do(self) -> None:
        if self.room:
            MoveSteps(self.project, {i: {"x": x} for i, x in self.room.items()}).do()
        try:
            step = self.project.add_step(id=self.step_id, **self.values)
        except (ModelError, sqlite3.Error):
            if self.room:
                MoveSteps(self.project, {i: {"x": x} for i, x in self.room_before.items()}).do()
            raise
        self.step_id = step.id
        if self.connect_from is not None:
            self.flow_id = self.project.add_flow(self.connect_from, step.id, id=self.flow_id).id

    def revert(self) -> None:
        assert self.step_id is not None
        self.project.remove_step(self.step_id)
        if self.room:
            MoveSteps(self.project, {i: {"x": x} for i, x in self.room_before.items()}).do()

    def absorb(self, changes: dict[str, Any]) -> None:
        self.values.update(changes)
        self.setText(f"Add step {_quote(self.values['title'])}")


class UpdateItem(Command):
    """Change fields of a work group, stage, step, flow, pain or action.

    ``completes``: the add that created the item just before, when this edit finishes it (the
    typed title, the first form); if that add is still the latest edit the two merge."""

    def __init__(
        self,
        project: Project,
        cls: type,
        item_id: int,
        text: str,
        *,
        completes: AddsItem | None = None,
        **changes: Any,
    ) -> None:
        super().__init__(text)
        self.project, self.cls, self.item_id = project, cls, item_id
        self.completes = completes
        current = _get(project, cls, item_id)
        self.before = {k: getattr(current, k) for k in changes}
        self.after = changes

    def id(self) -> int:
        return -1 if self.completes is None else COMPLETES_ADD

    def do(self) -> None:
        _update(self.project, self.cls, self.item_id, self.after)

    def revert(self) -> None:
        _update(self.project, self.cls, self.item_id, self.before)


class MoveSteps(Command):
    """A drag pushed once on release, a move to another stage, or Tidy Map: new lane, stage
    and place for each moved step, written to the file as one transaction."""

    def __init__(
        self, project: Project, moves: dict[int, dict[str, Any]], text: str | None = None
    ) -> None:
        n = len(moves)
        if text is None and n == 1:
            text = f"Move step {_quote(project.step(next(iter(moves))).title)}"
        super().__init__(text or f"Move {n} steps")
        self.project = project
        self.after = moves
        self.before = {
            i: {k: getattr(project.step(i), k) for k in changes} for i, changes in moves.items()
        }

    def do(self) -> None:
        self._apply(self.after, self.before)

    def revert(self) -> None:
        self._apply(self.before, self.after)

    def _apply(self, moves: dict[int, dict[str, Any]], back: dict[int, dict[str, Any]]) -> None:
        done: list[int] = []
        try:
            with self.project.db.atomic():
                for i, changes in moves.items():
                    self.project.update_step(i, **changes)
                    done.append(i)
        except (ModelError, sqlite3.Error):
            # The file rolled back all of them: the memory takes back the ones it had taken.
            with self.project.db.atomic():
                for i in reversed(done):
                    self.project.update_step(i, **back[i])
            raise


class AddFlow(Command):
    def __init__(self, project: Project, source_id: int, target_id: int, label: str = "") -> None:
        a, b = project.step(source_id).title, project.step(target_id).title
        super().__init__(f"Connect {_quote(a, 24)} to {_quote(b, 24)}")
        self.project, self.source_id, self.target_id, self.label = (
            project,
            source_id,
            target_id,
            label,
        )
        self.flow_id: int | None = None

    def do(self) -> None:
        self.flow_id = self.project.add_flow(
            self.source_id, self.target_id, self.label, id=self.flow_id
        ).id

    def revert(self) -> None:
        assert self.flow_id is not None
        self.project.remove_flow(self.flow_id)


class DeleteItems(Command):
    """Delete flows and steps (with their flows and links) as one edit."""

    def __init__(
        self, project: Project, step_ids: list[int], flow_ids: list[int], verb: str = "Delete"
    ) -> None:
        if len(step_ids) == 1 and not flow_ids:
            text = f"{verb} step {_quote(project.step(step_ids[0]).title)}"
        elif len(flow_ids) == 1 and not step_ids:
            flow = project.flow(flow_ids[0])
            ends = (project.step(flow.source_id).title, project.step(flow.target_id).title)
            text = f"{verb} flow {_quote(ends[0], 24)} → {_quote(ends[1], 24)}"
        else:
            parts = [
                f"{n} {what}{'s' * (n != 1)}"
                for n, what in ((len(step_ids), "step"), (len(flow_ids), "flow"))
                if n
            ]
            text = f"{verb} {' and '.join(parts)}"
        super().__init__(text)
        self.project, self.step_ids, self.flow_ids = project, step_ids, flow_ids
        self.removals: list[Removal] = []

    def do(self) -> None:
        self.removals = []
        gone = set(self.step_ids)
        for flow_id in self.flow_ids:
            flow = self.project.flow(flow_id)
            if flow.source_id not in gone and flow.target_id not in gone:
                self.removals.append(self.project.remove_flow(flow_id))
        if self.step_ids:
            self.removals.append(self.project.remove_steps(self.step_ids))

    def revert(self) -> None:
        for removal in reversed(self.removals):
            self.project.restore(removal)


class AddWorkGroup(Command):
    def __init__(self, project: Project, name: str, colour: str | None = None) -> None:
        super().__init__(f"Add work group {_quote(name)}")
        self.project, self.name, self.colour = project, name, colour
        self.group_id: int | None = None

    def do(self) -> None:
        group = self.project.add_work_group(self.name, self.colour, id=self.group_id)
        self.group_id, self.colour = group.id, group.colour

    def revert(self) -> None:
        assert self.group_id is not None
        self.project.remove_work_group(self.group_id)


class AddStage(Command):
    def __init__(self, project: Project, name: str) -> None:
        super().__init__(f"Add stage {_quote(name)}")
        self.project, self.name = project, name
        self.stage_id: int | None = None

    def do(self) -> None:
        self.stage_id = self.project.add_stage(self.name, id=self.stage_id).id

    def revert(self) -> None:
        assert self.stage_id is not None
        self.project.remove_stage(self.stage_id)


class RemoveItem(Command):
    """Delete a work group (with its steps), a stage, a pain or an action."""

    def __init__(self, project: Project, cls: type, item_id: int) -> None:
        name = (
            getattr(_get(project, cls, item_id), "name", None) or _get(project, cls, item_id).title
        )
        what = {e.WorkGroup: "work group", e.Stage: "stage", e.Pain: "pain", e.Action: "action"}
        super().__init__(f"Delete {what[cls]} {_quote(name)}")
        self.project, self.cls, self.item_id = project, cls, item_id
        self.removal: Removal | None = None

    def do(self) -> None:
        if self.cls is e.WorkGroup:
            self.removal = self.project.remove_work_group(self.item_id, with_steps=True)
        elif self.cls is e.Stage:
            self.removal = self.project.remove_stage(self.item_id)
        elif self.cls is e.Pain:
            self.removal = self.project.remove_pain(self.item_id)
        else:
            self.removal = self.project.remove_action(self.item_id)

    def revert(self) -> None:
        assert self.removal is not None
        self.project.restore(self.removal)


class Reorder(Command):
    def __init__(self, project: Project, cls: type, new_order: list[int]) -> None:
        super().__init__("Reorder work groups" if cls is e.WorkGroup else "Reorder stages")
        self.project, self.cls, self.after = project, cls, new_order
        items = project.work_groups() if cls is e.WorkGroup else project.stages()
        self.before = [i.id for i in items]

    def do(self) -> None:
        self.project.reorder(self.cls, self.after)

    def revert(self) -> None:
        self.project.reorder(self.cls, self.before)


class UpdateSettings(Command):
    def __init__(self, project: Project, **changes: Any) -> None:
        super().__init__("Edit project settings")
        self.project = project
        self.before = {k: getattr(project.settings, k) for k in changes}
        self.after = changes

    def do(self) -> None:
        self.project.update_settings(**self.after)

    def revert(self) -> None:
        self.project.update_settings(**self.before)


def _get(project: Project, cls: type, item_id: int) -> Any:
    getters = {
        e.WorkGroup: project.work_group,
        e.Stage: project.stage,
        e.Step: project.step,
        e.Flow: project.flow,
        e.Pain: project.pain,
        e.Action: project.action,
    }
    return getters[cls](item_id)


def _update(project: Project, cls: type, item_id: int, changes: dict[str, Any]) -> None:
    updaters = {
        e.WorkGroup: project.update_work_group,
        e.Stage: project.update_stage,
        e.Step: project.update_step,
        e.Flow: project.update_flow,
        e.Pain: project.update_pain,
        e.Action: project.update_action,
    }
    updaters[cls](item_id, **changes)


class AddPain(AddsItem):
    def __init__(self, project: Project, title: str, **values: Any) -> None:
        super().__init__(f"Add pain {_quote(title)}")
        self.project, self.title, self.values = project, title, values
        self.pain_id: int | None = None

    def do(self) -> None:
        self.pain_id = self.project.add_pain(self.title, id=self.pain_id, **self.values).id

    def revert(self) -> None:
        assert self.pain_id is not None
        self.project.remove_pain(self.pain_id)

    def absorb(self, changes: dict[str, Any]) -> None:
        self.title = changes.pop("title", self.title)
        self.values.update(changes)
        self.setText(f"Add pain {_quote(self.title)}")


class AddAction(AddsItem):
    def __init__(self, project: Project, title: str, **values: Any) -> None:
        super().__init__(f"Add action {_quote(title)}")
        self.project, self.title, self.values = project, title, values
        self.action_id: int | None = None

    def do(self) -> None:
        self.action_id = self.project.add_action(self.title, id=self.action_id, **self.values).id

    def revert(self) -> None:
        assert self.action_id is not None
        self.project.remove_action(self.action_id)

    def absorb(self, changes: dict[str, Any]) -> None:
        self.title = changes.pop("title", self.title)
        self.values.update(changes)
        self.setText(f"Add action {_quote(self.title)}")


class LinkEvidence(Command):
    """Link evidence items to a step (drag and drop, search results, keyword rules)."""

    def __init__(self, project: Project, evidence_ids: list[int], step_id: int) -> None:
        title = project.step(step_id).title
        super().__init__(f"Link {counted(len(evidence_ids), 'evidence item')} to {_quote(title)}")
        self.project, self.step_id = project, step_id
        already = set(project.evidence.links_of_steps([step_id]))
        self.new = [i for i in evidence_ids if (i, step_id) not in already]

    def do(self) -> None:
        self.project.evidence.link(self.new, self.step_id)

    def revert(self) -> None:
        self.project.evidence.unlink(self.new, self.step_id)


class SetFollowUp(Command):
    """Tick the close-the-loop status of detractors, or assign their owner; what is not given
    stays as each detractor has it. Named for what it does ("Assign owner …", "Mark …")."""

    def __init__(
        self,
        project: Project,
        evidence_ids: list[int],
        *,
        status: str | None = None,
        owner: str | None = None,
    ) -> None:
        n = len(evidence_ids)
        who = f"{n} detractor{'s' * (n != 1)}"
        if owner is not None:
            text = f"Assign owner {_quote(owner)} to {who}" if owner else f"Clear owner of {who}"
        else:
            text = f"Reopen {who}" if status == "open" else f"Mark {who} {status}"
        super().__init__(text)
        self.project, self.status, self.owner = project, status, owner
        self.before = {i: project.evidence.follow_up(i) for i in evidence_ids}

    def do(self) -> None:
        self.project.evidence.set_follow_up(
            {
                i: (
                    old_status if self.status is None else self.status,
                    old_owner if self.owner is None else self.owner,
                )
                for i, (old_status, old_owner) in self.before.items()
            }
        )

    def revert(self) -> None:
        self.project.evidence.set_follow_up(self.before)


class RemoveImportBatch(Command):
    """Remove an import with all the evidence it brought in (and take that evidence out of
    the pains citing it); undo puts everything back with the same ids."""

    def __init__(self, project: Project, batch_id: int) -> None:
        # Local import: the header of this module belongs to the lead's part of the file.
        from cxmapper.model.removal import BatchRemoval

        batch = next((b for b in project.evidence.batches() if b.id == batch_id), None)
        name = batch.file_name if batch else f"#{batch_id}"
        super().__init__(f"Remove import {_quote(name)}")
        self.project, self.batch_id = project, batch_id
        self.removal: BatchRemoval | None = None

    def do(self) -> None:
        self.removal = self.project.remove_import_batch(self.batch_id)

    def revert(self) -> None:
        assert self.removal is not None
        self.project.restore_import_batch(self.removal)
        # The rows live in the file again; redo takes them afresh, so drop this copy.
        self.removal = None
