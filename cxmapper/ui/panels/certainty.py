"""Rank certainty for the open project, kept up to date off the UI thread.

Ten thousand draws over hundreds of pains take a noticeable fraction of a second, so they
never run inside an edit: once the scores have settled (and stayed so for a moment), the
pains' spreads are read on the UI thread and the draws run on a worker
(:mod:`cxmapper.ui.document.workers`). An answer that arrives after the scores moved again
is dropped and the draws rerun; until an answer for the current scores is in, views show
none (:meth:`RankCertaintyJob.get` returns ``None``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from cxmapper.model.certainty import RankCertainty, acceptability, spreads
from cxmapper.model.events import Change
from cxmapper.ui.document import workers
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.plan_scores import PlanScores

SETTLE_MS = 250  # typing into a pain's form rescores on each OK, not each key; still, wait


class RankCertaintyJob(QObject):
    """The rank certainty of every pain of one open project. Views connect to
    :attr:`updated` and then read :meth:`get`."""

    updated = Signal()

    @classmethod
    def of(cls, ctx: DocumentContext) -> RankCertaintyJob:
        """The context's shared instance (made on first use, owned by the context)."""
        found = ctx.findChild(RankCertaintyJob)
        return found if found is not None else cls(ctx)

    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.scores = PlanScores.of(ctx)
        self.runs = 0  # answers taken (for tests)
        self._result: dict[int, RankCertainty] = {}
        self._current = False
        self._relay: workers.Relay | None = None
        self._rerun = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._start)
        self.scores.changed.connect(self._on_scores)
        ctx.closing.connect(self.close)
        self._timer.start()

    def get(self, pain_id: int) -> RankCertainty | None:
        return self._result.get(pain_id) if self._current else None

    @property
    def current(self) -> bool:
        """Whether the figures are those of the scores as they stand."""
        return self._current

    def _on_scores(self, change: Change) -> None:
        if change.entity == "action":
            return  # actions do not move pains
        if self._current:
            self._current = False
            self.updated.emit()  # views stop showing figures of scores that moved
        self._timer.start()

    def _start(self) -> None:
        if self._relay is not None:
            self._rerun = True  # the running draws are of older scores
            return
        pairs = spreads(self.ctx.project, self.scores.pains())
        items = [s for _, s in pairs]
        ids = [i for i, _ in pairs]

        def job() -> Any:
            try:
                return ids, acceptability(items, ids)
            except Exception as exc:  # handed to the UI thread, raised there and reported
                return exc

        self._relay = workers.start("rank certainty", job, self._done)

    def _done(self, answer: Any) -> None:
        self._relay = None
        if isinstance(answer, Exception):
            raise RuntimeError("The rank certainty could not be computed.") from answer
        if self._rerun:
            self._rerun = False
            self._start()
            return
        ids, (p_top, low, high) = answer
        self._result = {
            pain_id: RankCertainty(pain_id, float(p_top[j]), int(low[j]), int(high[j]))
            for j, pain_id in enumerate(ids)
        }
        self._current = True
        self.runs += 1
        self.updated.emit()

    def close(self) -> None:
        """Stop listening and drop any answer still on its way (the project closes)."""
        self._timer.stop()
        self.ctx.closing.disconnect(self.close)
        self.scores.changed.disconnect(self._on_scores)
        workers.disconnect(self._relay, self._done)
        self._relay = None


def top_three_text(c: RankCertainty | None) -> str:
    return "…" if c is None else f"{c.p_top3:.0%}"


def ranks_text(c: RankCertainty | None) -> str:
    if c is None:
        return "…"
    return str(c.rank_low) if c.rank_low == c.rank_high else f"{c.rank_low}–{c.rank_high}"
