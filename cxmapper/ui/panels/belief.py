"""Belief against evidence: a round's order beside the evidence order.

A slope chart (left: the evidence order, right: the room's; a line per item, the lines of
items the two orders put the other way round drawn thick and orange), the disagreements in
words (model/voting.py), and "New macro action from the room's top pains", which adds the
action through the edit path like the action plan's "Macro action from selected pains".
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from cxmapper.model import entities as e
from cxmapper.model.events import Change
from cxmapper.model.strength import Strength
from cxmapper.model.voting import (
    EvidenceItem,
    Standing,
    crossings,
    disagreements,
    evidence_items,
    room_top,
    standings,
    tally,
)
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.actions import suggested_macro

SHOWN = 12  # items on the chart: the first places of either order decide
CROSSING = QColor("#e15759")
PLAIN = QColor("#9aa3ad")
_MARK = {Strength.NONE: "○", Strength.THIN: "◐", Strength.SOLID: "●"}


class SlopeChart(QWidget):
    """The two orders side by side, painted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Standing] = []
        self.crossing: set[int] = set()
        self.setMinimumSize(640, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_rows(self, rows: list[Standing]) -> None:
        shown = [s for s in rows if s.evidence_rank <= SHOWN or (s.dots and s.room_rank <= SHOWN)]
        self.rows = shown
        self.crossing = {s.item.item_id for pair in crossings(shown) for s in pair}
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        p.setFont(font)
        w, h = self.width(), self.height()
        label_w = w * 0.36
        left, right = label_w, w - label_w
        top, bottom = 44.0, h - 16.0
        bold = QFont(font)
        bold.setBold(True)
        p.setFont(bold)
        p.setPen(QColor("#333333"))
        # Pains ranked on the room's estimate (or on nothing) are in the scores' order, not
        # the evidence's: the heading says so when any is shown.
        left_title = "Scoring order" if any(s.item.basis for s in self.rows) else "Evidence order"
        p.drawText(QRectF(0, 6, label_w, 28), Qt.AlignmentFlag.AlignCenter, left_title)
        p.drawText(QRectF(right, 6, label_w, 28), Qt.AlignmentFlag.AlignCenter, "Room's order")
        p.setFont(font)
        if not self.rows:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Nothing to compare yet.")
            p.end()
            return
        places = max(max(s.evidence_rank for s in self.rows), max(s.room_rank for s in self.rows))
        places = min(places, len(self.rows))
        evidence_place = {s.item.item_id: n for n, s in enumerate(sorted(self.rows, key=_ev))}
        room_place = {s.item.item_id: n for n, s in enumerate(self.rows)}
        step = (bottom - top) / max(places, 1)

        def y(place: int) -> float:
            return top + step * (place + 0.5)

        # Plain lines first, crossings over them.
        for crossing in (False, True):
            for s in self.rows:
                i = s.item.item_id
                if (i in self.crossing) != crossing:
                    continue
                colour = CROSSING if crossing else PLAIN
                p.setPen(QPen(colour, 3.5 if crossing else 1.5))
                a = QPointF(left + 8, y(evidence_place[i]))
                b = QPointF(right - 8, y(room_place[i]))
                p.drawLine(a, b)
                p.setBrush(colour)
                p.drawEllipse(a, 4, 4)
                p.drawEllipse(b, 4, 4)
        p.setPen(QColor("#222222"))
        metrics = p.fontMetrics()
        for s in self.rows:
            i = s.item.item_id
            mark = _MARK[s.item.strength]
            text = metrics.elidedText(
                f"#{s.evidence_rank} {mark} {s.item.title}",
                Qt.TextElideMode.ElideRight,
                int(label_w - 16),
            )
            p.drawText(
                QRectF(4, y(evidence_place[i]) - step / 2, label_w - 16, step),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            dots = f"{s.dots} dot{'s' * (s.dots != 1)}"
            text = metrics.elidedText(
                f"#{s.room_rank} {s.item.title} ({dots})",
                Qt.TextElideMode.ElideRight,
                int(label_w - 16),
            )
            p.drawText(
                QRectF(right + 12, y(room_place[i]) - step / 2, label_w - 16, step),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
        p.end()


def _ev(s: Standing) -> int:
    return s.evidence_rank


class BeliefDialog(QDialog):
    """Belief against evidence for one round; follows the project as it changes."""

    def __init__(self, ctx: DocumentContext, round_id: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx, self.round_id = ctx, round_id
        self._attached = True
        self.resize(1100, 700)
        self.chart = SlopeChart()
        self.legend = QLabel(
            "○ no evidence (the room's assumption) · ◐ thin evidence · ● solid evidence · "
            "red lines: the two orders disagree"
        )
        self.said = QListWidget()
        self.said.setWordWrap(True)
        self.make_action = QPushButton("New macro action from the room's top pains")
        self.make_action.clicked.connect(self.new_macro_action)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.make_action)
        buttons.addStretch(1)
        buttons.addWidget(close)
        box = QVBoxLayout(self)
        box.addWidget(self.chart, 3)
        box.addWidget(self.legend)
        box.addWidget(QLabel("Where belief and evidence part:"))
        box.addWidget(self.said, 2)
        box.addLayout(buttons)
        self.rows: list[Standing] = []
        self._items: list[EvidenceItem] | None = None  # the evidence order, until it changes
        self._stale = False
        ctx.changed.connect(self._on_change)
        ctx.undo_stack.settled.connect(self._settled)
        self.refresh()

    def detach(self) -> None:
        if self._attached:
            self._attached = False
            self.ctx.changed.disconnect(self._on_change)
            self.ctx.undo_stack.settled.disconnect(self._settled)

    def _on_change(self, change: Change) -> None:
        if change.entity in ("pain", "step", "evidence", "settings"):
            # The evidence order (and its rank certainty: thousands of draws) is worked out
            # again only when what it rests on changed; a vote only moves the room's order.
            self._items = None
        if change.entity in ("voting_round", "vote", "pain", "step", "evidence", "settings"):
            if not self.ctx.project.exists(e.VotingRound, self.round_id):
                self.reject()
            elif self.ctx.undo_stack.busy:
                self._stale = True  # shown once the edit has settled
            else:
                self.refresh()

    def _settled(self) -> None:
        if self._stale and self.ctx.project.exists(e.VotingRound, self.round_id):
            self.refresh()

    def refresh(self) -> None:
        project = self.ctx.project
        r = project.voting_round(self.round_id)
        self._stale = False
        self.setWindowTitle(f"Belief against evidence — {r.title}")
        counted = tally(r, project.votes(r.id))
        if self._items is None:
            self._items = evidence_items(project, r.target)
        items = self._items
        # Hidden ballots are not shown here either: only typed tallies count until revealed.
        self.rows = standings(items, counted.dots)
        self.chart.set_rows(self.rows)
        self.said.clear()
        self.said.addItems(disagreements(self.rows, counted))
        self.make_action.setEnabled(
            r.target == e.VoteTarget.PAIN and bool(room_top(self.rows)) and not counted.hidden
        )

    def new_macro_action(self) -> None:
        """A macro action addressing the pains of the room's first three places, with the
        work groups the journey says must act on them, selected so the action plan shows it
        for its owner, sponsor and dates."""
        top = room_top(self.rows)
        if not top:
            return
        project = self.ctx.project
        r = project.voting_round(self.round_id)
        title = f"Act on the room's top pains ({r.title})"
        # The same suggestion as the action plan's "Macro action from selected pains".
        command = self.ctx.edit(lambda: suggested_macro(project, top, title), origin=self)
        if command is not None and command.action_id is not None:
            self.ctx.set_selection(actions=[command.action_id])
