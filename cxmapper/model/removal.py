"""What a removal took away, held so that its undo puts it back exactly; and the removal of
an import batch (a mixin of the project).

:meth:`Project.remove_step` and the other removals return a :class:`Removal`;
:meth:`Project.remove_import_batch` returns a :class:`BatchRemoval`. The undo commands keep
them and hand them back to :meth:`Project.restore` and :meth:`Project.restore_import_batch`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlite_utils import Database

from cxmapper.model import entities as e
from cxmapper.model import store
from cxmapper.model.events import Change, Emitter
from cxmapper.model.evidence_store import EvidenceStore
from cxmapper.model.validation import ModelError


@dataclass
class Removal:
    """What a removal took away, and the prior state of what it changed as a side effect."""

    removed: list[Any] = field(default_factory=list)
    changed_before: list[Any] = field(default_factory=list)
    evidence_links: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class BatchRemoval:
    """What removing an import batch took away: its rows by table, held in memory (measured
    at about 0.8 kB per evidence item: some 80 MB for 100,000), and the pains that cited it,
    as they were."""

    batch_id: int
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    pains_before: list[e.Pain] = field(default_factory=list)


class ImportBatchEdits:
    """Removing an import batch with everything that came with it, and putting it back, as
    the project holds them (its pains in ``_pains``, its evidence in the file)."""

    _db: Database
    _pains: dict[int, e.Pain]
    _emitter: Emitter
    evidence: EvidenceStore

    def remove_import_batch(self, batch_id: int) -> BatchRemoval:
        """Remove an import with its evidence, their step links, follow-ups and search entries,
        and take that evidence out of the pains citing it, in one transaction."""
        with self._db.atomic():
            gone = set(self.evidence.batch_evidence_ids(batch_id))
            before = [p for p in self._pains.values() if not gone.isdisjoint(p.evidence_ids)]
            after = [
                replace(p, evidence_ids=tuple(i for i in p.evidence_ids if i not in gone))
                for p in before
            ]
            for pain in after:  # first: the evidence cannot go while pains cite it
                store.write_entity(self._db, pain)
            rows = self.evidence.take_batch(batch_id)
        for pain in after:
            self._pains[pain.id] = pain
        for pain in after:
            self._emitter.emit(Change("changed", "pain", pain.id, ("evidence_ids",)))
        self._emitter.emit(Change("removed", "evidence", 0, ("bulk",)))
        self._emitter.emit(Change("removed", "import_batch", batch_id))
        return BatchRemoval(batch_id, rows, before)

    def restore_import_batch(self, removal: BatchRemoval) -> None:
        """Put back exactly what :meth:`remove_import_batch` took away (its undo): the rows
        with their ids, and the evidence in each pain at its old place in the pain's list."""
        back = {row[0] for row in removal.rows["evidence"][1]}
        restored: list[e.Pain] = []
        for old in removal.pains_before:
            current = self._pains.get(old.id)
            if current is None:
                raise ModelError(f"There is no pain with id {old.id}.")
            # The pain as it was; should it have changed since, its own later state wins.
            keep = set(current.evidence_ids)
            ids = [i for i in old.evidence_ids if i in back or i in keep]
            listed = set(ids)
            ids += [i for i in current.evidence_ids if i not in listed]
            restored.append(replace(current, evidence_ids=tuple(ids)))
        with self._db.atomic():
            self.evidence.put_back_batch(removal.rows)
            for pain in restored:
                store.write_entity(self._db, pain)
        for pain in restored:
            self._pains[pain.id] = pain
        self._emitter.emit(Change("added", "import_batch", removal.batch_id))
        self._emitter.emit(Change("added", "evidence", 0, ("bulk",)))
        for pain in restored:
            self._emitter.emit(Change("changed", "pain", pain.id, ("evidence_ids",)))
