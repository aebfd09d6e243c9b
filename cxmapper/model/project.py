"""The project document: the journey in memory, every edit written to the .cxmap file at once.

Each public edit validates its input, writes in one transaction, updates memory only after the
commit succeeded, then emits one :class:`Change` per entity touched. Removals return a
:class:`Removal` (``removal.py``) that :meth:`Project.restore` puts back exactly (undo uses it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Hashable, Iterable
from dataclasses import fields, replace
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from cxmapper.model import entities as e
from cxmapper.model import placement, store
from cxmapper.model.events import Change, Emitter, Listener
from cxmapper.model.evidence_store import EvidenceStore
from cxmapper.model.kinds import KINDS, kind_of, removal_order
from cxmapper.model.removal import BatchRemoval as BatchRemoval  # where commands look for it
from cxmapper.model.removal import ImportBatchEdits, Removal
from cxmapper.model.rounds import VotingEdits
from cxmapper.model.safety import ProjectFileError
from cxmapper.model.trust import remember_verified
from cxmapper.model.validation import (
    ModelError,
    check_counts,
    check_customer_base,
    check_entity,
    check_settings,
    check_stored_evidence,
)
from cxmapper.wording import counted

T = TypeVar("T")

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#9c755f",
)


class Project(VotingEdits, ImportBatchEdits):
    """One open .cxmap project (or an in-memory one, for tests and scratch work); its voting
    edits are in :mod:`cxmapper.model.rounds`, the removal of an import batch and its undo in
    :mod:`cxmapper.model.removal`."""

    def __init__(
        self,
        db: Database,
        path: Path | None,
        lock: store.FileLock | None,
        *,
        thorough: bool = True,
    ) -> None:
        """Load and validate a project. ``thorough=False`` (a file unchanged since it was
        verified here) skips the scan of every evidence item; entities are always checked."""
        self._db = db
        self.path = path
        self._lock = lock
        self._emitter = Emitter()
        self._by_structure: dict[Hashable, tuple[int, Any]] = {}
        try:
            self.settings = check_settings(store.load_settings(db))
            self._work_groups: dict[int, e.WorkGroup] = store.load_all(db, e.WorkGroup)
            self._stages: dict[int, e.Stage] = store.load_all(db, e.Stage)
            self._steps: dict[int, e.Step] = store.load_all(db, e.Step)
            self._flows: dict[int, e.Flow] = store.load_all(db, e.Flow)
            self._pains: dict[int, e.Pain] = store.load_all(db, e.Pain)
            self._actions: dict[int, e.Action] = store.load_all(db, e.Action)
            self._rounds: dict[int, e.VotingRound] = store.load_all(db, e.VotingRound)
            self._votes: dict[int, e.Vote] = store.load_all(db, e.Vote)
            # Every entity a view will read is checked now, so a file from someone else with
            # a bad value is refused here, in one sentence, not by a crash in some panel.
            check_counts({kind: len(self._table(kind.cls)) for kind in KINDS})
            for kind in (
                self._work_groups,
                self._stages,
                self._steps,
                self._flows,
                self._pains,
                self._actions,
                self._rounds,
                self._votes,
            ):
                for item in kind.values():
                    check_entity(self, item, existing=True)
            if thorough:
                check_stored_evidence(db)
        except (
            ValueError,
            TypeError,
            KeyError,
            OverflowError,
            RecursionError,
            sqlite3.DatabaseError,
        ) as exc:
            name = f"“{path.name}”" if path else "The project"
            if isinstance(exc, ModelError):  # its own sentence says which value and why
                reason = str(exc)
                raise ProjectFileError(
                    f"{name} holds values CX Mapper cannot read: {reason[:1].lower()}{reason[1:]}"
                ) from None
            raise ProjectFileError(f"{name} holds values CX Mapper cannot read ({exc}).") from None
        self.evidence = EvidenceStore(db, self._emitter.emit)

    # --- opening and closing ------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, settings: e.ProjectSettings | None = None) -> Project:
        p = Path(path)
        db, lock = store.open_database(p, create=True)
        if settings is not None:
            with db.atomic():
                store.write_settings(db, check_settings(settings))
        return cls(db, p, lock)

    @classmethod
    def open(cls, path: str | Path) -> Project:
        """Open an existing project for editing; a bad file raises :class:`ProjectFileError`
        and is left exactly as it was (see :mod:`cxmapper.model.opening`)."""
        from cxmapper.model.opening import open_for_editing

        return open_for_editing(cls, path)

    @classmethod
    def open_for_reading(cls, path: str | Path) -> Project:
        """A snapshot of the project, in memory, for commands that only read (rank, export,
        render): the file is never written, locked for writing, or upgraded in place, so a
        read-only file, a file open in a window, or an older file can be read as it is."""
        from cxmapper.model.opening import open_snapshot

        return open_snapshot(cls, path)

    @classmethod
    def check_file(cls, path: str | Path) -> int:
        """Inspect a file and validate every value in it, as opening it would, without writing
        or locking it; return its schema version. Raises :class:`ProjectFileError`."""
        from cxmapper.model.opening import check_file

        return check_file(cls, path)

    @classmethod
    def check_contents(cls, path: str | Path) -> None:
        """Validate every value of an inspected file, as opening it would, without writing or
        locking it."""
        from cxmapper.model.opening import check_contents

        check_contents(cls, path)

    @classmethod
    def in_memory(cls, settings: e.ProjectSettings | None = None) -> Project:
        db = store.memory_database()
        if settings is not None:
            with db.atomic():
                store.write_settings(db, check_settings(settings))
        return cls(db, None, None)

    def close(self, *, verified: bool = True) -> None:
        """Close the file. ``verified=False``: a file refused while opening, never to be
        remembered as one this CX Mapper checked."""
        self._db.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None
            if self.path is not None and verified:
                # Verified when opened, written since only by this project's own edits.
                remember_verified(self.path)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def save_copy(self, dest: str | Path) -> None:
        store.save_copy(self._db, Path(dest))

    @property
    def db(self) -> Database:
        """The open database, for queries by other parts of the model and exchange."""
        return self._db

    # --- listeners ------------------------------------------------------------------------------

    @property
    def structure_version(self) -> int:
        """Grows with every change to the journey's structure (see ``Change.structural``)."""
        return self._emitter.structure_version

    def by_structure(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, computed again only after the structure changed: for results that
        depend on nothing else (callers must not change what it returns)."""
        hit = self._by_structure.get(key)
        if hit is not None and hit[0] == self._emitter.structure_version:
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        self._by_structure[key] = (self._emitter.structure_version, value)
        return value

    def subscribe(self, listener: Listener) -> None:
        self._emitter.subscribe(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._emitter.unsubscribe(listener)

    # --- reading --------------------------------------------------------------------------------

    def work_groups(self) -> list[e.WorkGroup]:
        return sorted((replace(g) for g in self._work_groups.values()), key=_by_position)

    def work_group_views(self) -> Iterable[e.WorkGroup]:
        """The work groups themselves, unordered, for reading on a hot path (a view must not
        change them; :meth:`work_groups` hands out copies)."""
        return self._work_groups.values()

    def work_group(self, id: int) -> e.WorkGroup:
        return replace(_get(self._work_groups, id, "work group"))

    def stages(self) -> list[e.Stage]:
        return sorted((replace(s) for s in self._stages.values()), key=_by_position)

    def stage(self, id: int) -> e.Stage:
        return replace(_get(self._stages, id, "stage"))

    def steps(self) -> list[e.Step]:
        return [replace(s) for s in self._steps.values()]

    def step_views(self) -> Iterable[e.Step]:
        """The stored steps themselves, not copies: for read-only analysis of large maps,
        where copying every step on each edit would cost more than the analysis. Never
        modify what this returns."""
        return self._steps.values()

    def flow_views(self) -> Iterable[e.Flow]:
        """The stored flows themselves, read-only (see :meth:`step_views`)."""
        return self._flows.values()

    def step(self, id: int) -> e.Step:
        return replace(_get(self._steps, id, "step"))

    def has_step(self, id: int) -> bool:
        return id in self._steps

    def flows(self) -> list[e.Flow]:
        return [replace(f) for f in self._flows.values()]

    def flow(self, id: int) -> e.Flow:
        return replace(_get(self._flows, id, "flow"))

    def flows_of(self, step_id: int) -> list[e.Flow]:
        return [replace(f) for f in self._flows.values() if step_id in (f.source_id, f.target_id)]

    def pains(self) -> list[e.Pain]:
        return [replace(p) for p in self._pains.values()]

    def pain(self, id: int) -> e.Pain:
        return replace(_get(self._pains, id, "pain"))

    def actions(self) -> list[e.Action]:
        return [replace(a) for a in self._actions.values()]

    def action(self, id: int) -> e.Action:
        return replace(_get(self._actions, id, "action"))

    def exists(self, cls: type, id: int) -> bool:
        return id in self._table(cls)

    def counts(self) -> dict[str, int]:
        counts = {kind.counted: len(self._table(kind.cls)) for kind in KINDS}
        counts["evidence"] = self.evidence.count()
        return counts

    # --- settings -------------------------------------------------------------------------------

    def update_settings(self, **changes: Any) -> e.ProjectSettings:
        new = check_settings(replace(self.settings, **changes))
        if new.customer_base < self.settings.customer_base:
            check_customer_base(new, self._pains.values())
        with self._db.atomic():
            store.write_settings(self._db, new)
        self.settings = new
        self._emitter.emit(Change("changed", "settings", 0, tuple(changes)))
        return replace(new)

    # --- generic add / update -------------------------------------------------------------------

    def _table(self, cls: type) -> dict[int, Any]:
        tables: dict[type, dict[int, Any]] = {
            e.WorkGroup: self._work_groups,
            e.Stage: self._stages,
            e.Step: self._steps,
            e.Flow: self._flows,
            e.Pain: self._pains,
            e.Action: self._actions,
            e.VotingRound: self._rounds,
            e.Vote: self._votes,
        }
        return tables[cls]

    def _next_id(self, cls: type) -> int:
        table = self._table(cls)
        row = self._db.conn.execute(f"SELECT max(id) FROM {kind_of(cls).table}").fetchone()
        return max([row[0] or 0, *table]) + 1

    def _add(self, cls: type[T], id: int | None, **values: Any) -> T:
        table, kind = self._table(cls), kind_of(cls)
        if id is not None and id in table:
            raise ModelError(f"There is already a {kind.label} with id {id}.")
        if len(table) >= kind.limit:
            raise ModelError(f"A project holds at most {kind.limit:,} {kind.plural}.")
        item = cls(id=id if id is not None else self._next_id(cls), **values)  # type: ignore[call-arg]
        check_entity(self, item)
        with self._db.atomic():
            store.write_entity(self._db, item)
        table[item.id] = item  # type: ignore[attr-defined]
        self._emitter.emit(Change("added", kind.name, item.id))  # type: ignore[attr-defined]
        return replace(item)  # type: ignore[type-var]

    def _update(self, cls: type[T], id: int, changes: dict[str, Any]) -> T:
        table = self._table(cls)
        old = _get(table, id, kind_of(cls).label)
        unknown = set(changes) - {f.name for f in fields(old)} | ({"id"} & set(changes))
        if unknown:
            names = ", ".join(sorted(unknown))
            raise ModelError(f"Unknown field{'s' * (len(unknown) != 1)}: {names}.")
        new = replace(old, **changes)
        if new == old:
            return replace(new)
        check_entity(self, new, before=old)
        with self._db.atomic():
            store.write_entity(self._db, new)
        table[id] = new
        changed = tuple(k for k in changes if getattr(old, k) != getattr(new, k))
        self._emitter.emit(Change("changed", kind_of(cls).name, id, changed))
        return replace(new)

    # --- work groups and stages -----------------------------------------------------------------

    def add_work_group(
        self,
        name: str,
        colour: str | None = None,
        position: int | None = None,
        id: int | None = None,
    ) -> e.WorkGroup:
        if colour is None:
            colour = PALETTE[len(self._work_groups) % len(PALETTE)]
        if position is None:
            position = max((g.position for g in self._work_groups.values()), default=-1) + 1
        return self._add(e.WorkGroup, id, name=name, colour=colour, position=position)

    def update_work_group(self, id: int, **changes: Any) -> e.WorkGroup:
        return self._update(e.WorkGroup, id, changes)

    def add_stage(self, name: str, position: int | None = None, id: int | None = None) -> e.Stage:
        if position is None:
            position = max((s.position for s in self._stages.values()), default=-1) + 1
        loose = [] if self._stages else [s for s in self._steps.values() if s.stage_id is None]
        with self._db.atomic():  # the first stage holds every step: they are all drawn in it
            stage = self._add(e.Stage, id, name=name, position=position)
            for step in loose:
                self.update_step(step.id, stage_id=stage.id)
        return stage

    def update_stage(self, id: int, **changes: Any) -> e.Stage:
        return self._update(e.Stage, id, changes)

    def reorder(self, cls: type, ordered_ids: list[int]) -> None:
        """Give work groups or stages the order of ``ordered_ids`` (one transaction)."""
        table = self._table(cls)
        if sorted(ordered_ids) != sorted(table):
            raise ModelError("The new order must list every item exactly once.")
        moved = [
            replace(table[i], position=n)
            for n, i in enumerate(ordered_ids)
            if table[i].position != n
        ]
        # Stages take their columns with them: the cards move with their stage's band.
        shifted = (
            placement.reordered([s.id for s in self.stages()], ordered_ids, self._steps.values())
            if cls is e.Stage
            else {}
        )
        with self._db.atomic():
            for item in moved:
                store.write_entity(self._db, item)
            for step_id, x in shifted.items():
                store.write_entity(self._db, replace(self._steps[step_id], x=x))
        for item in moved:
            table[item.id] = item
            self._emitter.emit(Change("changed", kind_of(cls).name, item.id, ("position",)))
        for step_id, x in shifted.items():
            self._steps[step_id] = replace(self._steps[step_id], x=x)
            self._emitter.emit(Change("changed", "step", step_id, ("x",)))

    def remove_work_group(self, id: int, *, with_steps: bool = False) -> Removal:
        group = _get(self._work_groups, id, "work group")
        steps = [s for s in self._steps.values() if s.work_group_id == id]
        if steps and not with_steps:
            raise ModelError(
                f"The work group “{group.name}” still has {counted(len(steps), 'step')}; move or "
                "delete "
                "them first, or delete the work group with its steps."
            )
        removal = self._collect_step_removal({s.id for s in steps})
        for action in self._actions.values():
            if action.owner_group_id == id or id in action.involved_group_ids:
                removal.changed_before.append(action)
        removal.removed.append(group)
        return self._apply_removal(removal, group_id=id)

    def remove_stage(self, id: int) -> Removal:
        stage = _get(self._stages, id, "stage")
        removal = Removal(removed=[stage])
        removal.changed_before = [s for s in self._steps.values() if s.stage_id == id]
        return self._apply_removal(removal)

    # --- steps and flows ------------------------------------------------------------------------

    def add_step(
        self, work_group_id: int, title: str, id: int | None = None, **values: Any
    ) -> e.Step:
        if values.get("stage_id") is None and self._stages:
            # Once there are stages every step has one: the stage it is drawn in.
            values["stage_id"] = self._drawn_stage(float(values.get("x", 0.0)))
        return self._add(e.Step, id, work_group_id=work_group_id, title=title, **values)

    def _drawn_stage(self, x: float, without: frozenset[int] = frozenset()) -> int | None:
        stage_ids = [s.id for s in self.stages() if s.id not in without]
        steps = [s for s in self._steps.values() if s.stage_id not in without]
        return placement.stage_at(placement.bands(stage_ids, steps), placement.column_of(x))

    def update_step(self, id: int, **changes: Any) -> e.Step:
        return self._update(e.Step, id, changes)

    def remove_step(self, id: int) -> Removal:
        _get(self._steps, id, "step")
        return self._apply_removal(self._collect_step_removal({id}))

    def remove_steps(self, ids: Iterable[int]) -> Removal:
        ids = set(ids)
        for i in ids:
            _get(self._steps, i, "step")
        return self._apply_removal(self._collect_step_removal(ids))

    def add_flow(
        self, source_id: int, target_id: int, label: str = "", id: int | None = None
    ) -> e.Flow:
        return self._add(e.Flow, id, source_id=source_id, target_id=target_id, label=label)

    def update_flow(self, id: int, **changes: Any) -> e.Flow:
        return self._update(e.Flow, id, changes)

    def remove_flow(self, id: int) -> Removal:
        return self._apply_removal(Removal(removed=[_get(self._flows, id, "flow")]))

    # --- pains and actions ----------------------------------------------------------------------

    def add_pain(self, title: str, id: int | None = None, **values: Any) -> e.Pain:
        return self._add(e.Pain, id, title=title, **values)

    def update_pain(self, id: int, **changes: Any) -> e.Pain:
        return self._update(e.Pain, id, changes)

    def remove_pain(self, id: int) -> Removal:
        pain = _get(self._pains, id, "pain")
        removal = Removal(removed=[pain, *self.votes_on(e.Pain, [id])])  # votes come back on undo
        removal.changed_before = [a for a in self._actions.values() if id in a.pain_ids]
        return self._apply_removal(removal)

    def add_action(self, title: str, id: int | None = None, **values: Any) -> e.Action:
        return self._add(e.Action, id, title=title, **values)

    def update_action(self, id: int, **changes: Any) -> e.Action:
        return self._update(e.Action, id, changes)

    def remove_action(self, id: int) -> Removal:
        return self._apply_removal(Removal(removed=[_get(self._actions, id, "action")]))

    # --- removal and restore --------------------------------------------------------------------

    def _collect_step_removal(self, step_ids: set[int]) -> Removal:
        removal = Removal()
        removal.removed += [
            f for f in self._flows.values() if {f.source_id, f.target_id} & step_ids
        ]
        removal.removed += [self._steps[i] for i in sorted(step_ids)]
        removal.removed += self.votes_on(e.Step, step_ids)  # votes come back on undo
        removal.changed_before += [p for p in self._pains.values() if set(p.step_ids) & step_ids]
        removal.evidence_links = self.evidence.links_of_steps(step_ids)
        return removal

    def _apply_removal(self, removal: Removal, group_id: int | None = None) -> Removal:
        gone = {(type(x), x.id) for x in removal.removed}
        step_ids = {i for cls, i in gone if cls is e.Step}
        pain_ids = {i for cls, i in gone if cls is e.Pain}
        stage_ids = {i for cls, i in gone if cls is e.Stage}
        after: list[Any] = []
        for old in removal.changed_before:
            if isinstance(old, e.Pain):
                after.append(
                    replace(old, step_ids=tuple(i for i in old.step_ids if i not in step_ids))
                )
            elif isinstance(old, e.Action):
                after.append(
                    replace(
                        old,
                        pain_ids=tuple(i for i in old.pain_ids if i not in pain_ids),
                        owner_group_id=None
                        if old.owner_group_id == group_id
                        else old.owner_group_id,
                        involved_group_ids=tuple(
                            i for i in old.involved_group_ids if i != group_id
                        ),
                    )
                )
            elif isinstance(old, e.Step) and old.stage_id in stage_ids:
                # The steps of a removed stage join the stage whose columns they are now in.
                stage = self._drawn_stage(old.x, frozenset(stage_ids))
                after.append(replace(old, stage_id=stage))
        with self._db.atomic():
            for item in after:
                store.write_entity(self._db, item)
            self.evidence.unlink_steps(step_ids)
            # Flows before steps, steps before groups: the foreign keys stay satisfied.
            for item in sorted(removal.removed, key=removal_order):
                store.delete_entity(self._db, item)
        for item in after:
            self._table(type(item))[item.id] = item
        for item in removal.removed:
            del self._table(type(item))[item.id]
        for item in after:
            self._emitter.emit(Change("changed", kind_of(item).name, item.id))
        for item in sorted(removal.removed, key=removal_order):
            self._emitter.emit(Change("removed", kind_of(item).name, item.id))
        if removal.evidence_links:
            self._emitter.emit(Change("changed", "evidence", 0, ("links",)))
        return removal

    def restore(self, removal: Removal) -> None:
        """Put back exactly what a removal took away (the undo of a removal)."""
        added = sorted(removal.removed, key=removal_order, reverse=True)
        with self._db.atomic():
            for item in added:
                store.write_entity(self._db, item)
            for item in removal.changed_before:
                store.write_entity(self._db, item)
            self.evidence.link_pairs(removal.evidence_links)
        for item in added:
            self._table(type(item))[item.id] = item
        for item in removal.changed_before:
            self._table(type(item))[item.id] = item
        for item in added:
            self._emitter.emit(Change("added", kind_of(item).name, item.id))
        for item in removal.changed_before:
            self._emitter.emit(Change("changed", kind_of(item).name, item.id))
        if removal.evidence_links:
            self._emitter.emit(Change("changed", "evidence", 0, ("links",)))


def _by_position(item: Any) -> tuple[int, int]:
    return (item.position, item.id)


def _get(table: dict[int, T], id: int, what: str) -> T:
    try:
        return table[id]
    except KeyError:
        raise ModelError(f"There is no {what} with id {id}.") from None
