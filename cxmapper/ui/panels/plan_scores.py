"""The scores behind the pain register, the priority matrix and the action plan, shared.

Scoring reads each pain's evidence sample from the file (about 0.4 s for the 500 pains of the
2,000-step benchmark project), so the three views must not each score on every edit, and edits
that cannot move a score (dragging or renaming steps, linking evidence to steps, ticking a
detractor) must not score at all, and an edit of one pain rescores that pain alone.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from cxmapper.model.events import Change
from cxmapper.model.scoring import (
    ActionScore,
    PainScore,
    rank_pains,
    score_actions,
    score_pain,
    score_pains,
)
from cxmapper.ui.document.context import DocumentContext


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
        ctx.changed.connect(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.entity == "pain" and self._pains is not None:
            # A pain's score depends on that pain, its steps' lanes, its evidence and the
            # settings alone: the others keep theirs and only the ranking moves.
            self._pains = self._rescore_one(change)
            self._actions = None
        elif affects_pain_scores(change):
            self._pains = self._actions = None
        elif change.entity == "action":
            self._actions = None
        else:
            return
        self.changed.emit(change)

    def _rescore_one(self, change: Change) -> list[PainScore]:
        assert self._pains is not None
        project = self.ctx.project
        # Copies: the views hold the old scores and compare them with the new ones.
        scores = [replace(s) for s in self._pains if s.pain_id != change.id]
        if change.kind != "removed":
            groups = {g.id: g for g in project.work_groups()}
            scores.append(score_pain(project, project.pain(change.id), groups))
        return rank_pains(scores)

    def pains(self) -> list[PainScore]:
        """Every pain scored and ranked (rank 1 first)."""
        if self._pains is None:
            self._pains = score_pains(self.ctx.project)
            self.scorings += 1
        return self._pains

    def actions(self) -> list[ActionScore]:
        """Every action valued and ranked by ROI."""
        if self._actions is None:
            self._actions = score_actions(self.ctx.project, self.pains())
        return self._actions
