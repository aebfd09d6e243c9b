"""The scores behind the pain register, the priority matrix and the action plan, shared.

Scoring reads each pain's evidence sample from the file (about 0.4 s for the 500 pains of the
2,000-step benchmark project), so the three views must not each score on every edit, and edits
that cannot move a score (dragging or renaming steps, linking evidence to steps, ticking a
detractor) must not score at all, and an edit of one pain rescores that pain alone.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from cxmapper.model import entities as e
from cxmapper.model.events import Change
from cxmapper.model.scoring import (
    ActionScore,
    PainScore,
    rank_pains,
    read_samples,
    score_actions,
    score_pain,
    score_pains,
)
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.document.workers import Relay, disconnect, start

# More pains than this changed by one edit (deleting the whole map) are all scored afresh, in
# one pass, rather than one by one.
RESCORE_ONE_BY_ONE = 50
# With this many links from pains to evidence (about 0.2 s of reading on a quiet machine),
# the samples are read on a worker as the project opens: the window shows without waiting,
# and the register, matrix and plan fill in when the samples are in.
READ_APART_FROM = 20_000


def affects_pain_scores(change: Change) -> bool:
    """Whether ``change`` can alter a pain's score, rank, kind or the names shown with it."""
    if change.entity in ("pain", "settings", "work_group"):
        return True
    if change.entity == "step":
        # Removing a step announces the pains it leaves; only a lane change moves a score.
        return change.kind == "changed" and "work_group_id" in change.fields
    if change.entity == "evidence":
        # Reach uses the pain's own evidence and its samples, not the evidence-step links.
        return not (change.kind == "changed" and set(change.fields) <= {"links", "follow_up"})
    return change.entity == "import_batch"


class PlanScores(QObject):
    """Pain and action scores of one open project, computed at most once per relevant change.
    Views connect to :attr:`changed` (not to the context), then read :meth:`pains` and
    :meth:`actions`."""

    # The change that made the scores stale; a view decides what it has to redraw.
    changed = Signal(object)

    @classmethod
    def of(cls, ctx: DocumentContext) -> PlanScores:
        """The context's shared instance (made on first use, owned by the context)."""
        found = ctx.findChild(PlanScores)
        return found if found is not None else cls(ctx)

    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self._pains: list[PainScore] | None = None
        self._actions: list[ActionScore] | None = None
        self.scorings = 0  # how many times every pain was scored (for tests and benchmarks)
        # One edit may announce hundreds of changes (deleting steps announces each pain on
        # them): the pains it changed are rescored, and the views told, once it has settled.
        self._changed_pains: set[int] = set()
        self._held: Change | None = None  # the change to tell the views about
        ctx.changed.connect(self._on_change)
        ctx.undo_stack.settled.connect(self._settle)
        self._reading: Relay | None = None  # the samples being read on a worker
        self._read_samples_apart()

    def _read_samples_apart(self) -> None:
        project = self.ctx.project
        wanted = [
            (p.id, p.evidence_ids)
            for p in project.pains()
            if p.reach_source == e.ReachSource.EVIDENCE and p.evidence_ids
        ]
        if project.path is None or sum(len(ids) for _, ids in wanted) < READ_APART_FROM:
            return
        path = project.path

        def job() -> dict[int, tuple[int, int]] | None:
            try:
                return read_samples(path, wanted)
            except sqlite3.Error:
                return None  # read again on the UI thread, where a failure is reported

        self._reading = start("pain-samples", job, self._samples_read)

    def _samples_read(self, samples: dict[int, tuple[int, int]] | None) -> None:
        self._reading = None
        if self._pains is not None:
            return  # an edit asked for the scores meanwhile: they were read then
        self._pains = score_pains(self.ctx.project, samples)
        self.scorings += 1
        self._actions = None
        self.changed.emit(Change("changed", "pain", 0, ("scores",)))

    @property
    def reading(self) -> bool:
        """Whether the evidence samples are being read on a worker (no scores until then)."""
        return self._reading is not None

    def stop(self) -> None:
        """Let go of samples being read: an edit came first (they may be stale; the scores
        are read afresh when next asked), or the project is closing (the views detach)."""
        if self._reading is not None:
            disconnect(self._reading, self._samples_read)
            self._reading = None

    def _on_change(self, change: Change) -> None:
        if change.entity == "pain" or affects_pain_scores(change):
            self.stop()
        if change.entity == "pain" and self._pains is not None:
            # A pain's score depends on that pain, its steps' lanes, its evidence and the
            # settings alone: the others keep theirs and only the ranking moves.
            self._changed_pains.add(change.id)
            self._actions = None
        elif affects_pain_scores(change):
            self._pains = self._actions = None
        elif change.entity == "action":
            self._actions = None
        else:
            return
        self._held = _weightier(self._held, change)
        if not self.ctx.undo_stack.busy:
            self._settle()

    def _settle(self) -> None:
        self._rescore_changed()
        held, self._held = self._held, None
        if held is not None:
            self.changed.emit(held)

    def _rescore_changed(self) -> None:
        changed, self._changed_pains = self._changed_pains, set()
        if not changed or self._pains is None:
            return
        if len(changed) > RESCORE_ONE_BY_ONE:
            self._pains = None  # all of them, in one pass, when next asked
            return
        project = self.ctx.project
        # Copies: the views hold the old scores and compare them with the new ones.
        scores = [replace(s) for s in self._pains if s.pain_id not in changed]
        groups = {g.id: g for g in project.work_groups()}
        for pain_id in sorted(changed):
            if project.exists(e.Pain, pain_id):
                scores.append(score_pain(project, project.pain(pain_id), groups))
        self._pains = rank_pains(scores)

    def pains(self) -> list[PainScore]:
        """Every pain scored and ranked (rank 1 first); none while the samples are read on a
        worker (:attr:`changed` is emitted when they are in)."""
        self._rescore_changed()  # asked in the middle of an edit: as it stands
        if self._pains is None and self._reading is not None:
            return []
        if self._pains is None:
            self._pains = score_pains(self.ctx.project)
            self.scorings += 1
        return self._pains

    def actions(self) -> list[ActionScore]:
        """Every action valued and ranked by ROI."""
        if self._reading is not None:
            return []  # valued when the samples are in
        if self._actions is None:
            self._actions = score_actions(self.ctx.project, self.pains())
        return self._actions


def _weightier(held: Change | None, change: Change) -> Change:
    """Of two changes, the one that asks the views for more (settings redraw every row; an
    action's change leaves the pains as they were); the later one when they ask as much."""

    def weight(c: Change) -> int:
        return 2 if c.entity == "settings" else 0 if c.entity == "action" else 1

    return change if held is None or weight(change) >= weight(held) else held
