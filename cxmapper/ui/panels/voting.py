"""The voting panel: dot-voting rounds on pains or steps, collected two ways.

- **Typed from paper dots**: select an item, type its count (digits), Enter confirms and moves
  to the next item; Up/Down move, Backspace corrects, Esc drops what was typed. Each count is
  one undoable edit.
- **Passed around the laptop**: "Pass the laptop…" opens the ballot screen (ui/panels/ballot.py)
  where each person in turn places dots in private; the counts stay hidden until the
  facilitator reveals them ("Reveal votes", itself an undoable edit).

"Belief against evidence…" opens the comparison of the room's order with the evidence order
(ui/panels/belief.py).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cxmapper.model import entities as e
from cxmapper.model.events import Change
from cxmapper.model.voting import Tally, tally
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.document.vote_commands import RemoveRound, SetTally, UpdateRound
from cxmapper.ui.panels.ballot import BallotScreen, NewRoundDialog
from cxmapper.ui.panels.belief import BeliefDialog
from cxmapper.wording import counted as plural

# What the panel shows again when it changes.
_WATCHED = frozenset({"voting_round", "vote", "pain", "step"})
MAX_TYPED_DIGITS = 5  # the most a tally may hold (validation.MAX_TALLY) has five


class VotingPanel(QWidget):
    # A Panel (see cxmapper.ui.panels): what the window docks.
    dock_title = "Voting"
    dock_name = "voting"
    dock_area = Qt.DockWidgetArea.RightDockWidgetArea

    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.items: list[tuple[int, str]] = []  # (item id, title), in the table's order
        self.typed = ""  # digits typed for the selected item, not yet confirmed
        self.ballot_screen: BallotScreen | None = None
        self.belief: BeliefDialog | None = None
        self._choose: int | None = None  # a round just added: shown at the next refresh
        self._stale = False  # changed while hidden
        self.rounds = QComboBox()
        self.rounds.currentIndexChanged.connect(self._on_round_chosen)
        new, delete = QPushButton("New round…"), QPushButton("Delete round")
        new.clicked.connect(self.new_round)
        delete.clicked.connect(self.delete_round)
        self.pass_laptop = QPushButton("Pass the laptop…")
        self.pass_laptop.clicked.connect(self.open_ballots)
        self.reveal = QPushButton("Reveal votes")
        self.reveal.clicked.connect(self.reveal_votes)
        self.compare = QPushButton("Belief against evidence…")
        self.compare.clicked.connect(self.show_belief)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Item", "Typed dots", "Counted"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.installEventFilter(self)
        self.table.currentCellChanged.connect(self._on_row_moved)
        top, actions = QHBoxLayout(), QHBoxLayout()
        for w in (self.rounds, new, delete):
            top.addWidget(w)
        top.setStretch(0, 1)
        for w in (self.pass_laptop, self.reveal, self.compare):
            actions.addWidget(w)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addLayout(actions)
        box.addWidget(self.note)
        box.addWidget(self.table)
        # Changes come one by one (a deleted map announces every step): shown once after.
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self.refresh)
        ctx.changed.connect(self._on_change)
        self.refresh()

    # --- Panel ------------------------------------------------------------------------------

    def dock_content(self) -> QWidget:
        return self

    def on_dock_visibility(self, visible: bool) -> None:
        if visible and self._stale:
            self.refresh()

    def delete_selected(self) -> None:
        """Edit → Delete in the panel clears the selected item's typed tally."""
        row = self.table.currentRow()
        if self.round_id is not None and 0 <= row < len(self.items):
            self._set_tally(row, 0)

    def detach(self) -> None:
        self.ctx.changed.disconnect(self._on_change)
        self._later.stop()
        for dialog in (self.ballot_screen, self.belief):
            if dialog is not None:
                dialog.detach()
                dialog.close()
        self.ballot_screen = self.belief = None

    # --- the round shown --------------------------------------------------------------------

    @property
    def round_id(self) -> int | None:
        data = self.rounds.currentData()
        return int(data) if data is not None else None

    def current_round(self) -> e.VotingRound | None:
        rid = self.round_id
        return self.ctx.project.voting_round(rid) if rid is not None else None

    def _on_change(self, change: Change) -> None:
        shown = not change.fields or "title" in change.fields
        if change.entity in ("pain", "step") and change.kind == "changed" and not shown:
            return  # a move, a score, a link: nothing the panel shows
        if change.entity in _WATCHED:
            if self.isVisible():
                self._later.start()
            else:
                self._stale = True  # behind another tab: caught up when shown
        if change.entity == "voting_round" and change.kind == "added":
            self._choose = change.id  # a new round (or one put back) is shown at once

    def _on_round_chosen(self, _index: int) -> None:
        self.typed = ""
        self._fill_table()

    def refresh(self) -> None:
        self._stale = False
        project = self.ctx.project
        chosen = self._choose or self.round_id
        self._choose = None
        self.rounds.blockSignals(True)
        self.rounds.clear()
        for r in project.voting_rounds():
            self.rounds.addItem(f"{r.title} ({r.target.value}s)", r.id)
        at = self.rounds.findData(chosen) if chosen is not None else -1
        self.rounds.setCurrentIndex(at if at >= 0 else self.rounds.count() - 1)
        self.rounds.blockSignals(False)
        self._fill_table()

    def _fill_table(self) -> None:
        project, r = self.ctx.project, self.current_round()
        row = max(self.table.currentRow(), 0)
        for w in (self.pass_laptop, self.reveal, self.compare, self.table):
            w.setEnabled(r is not None)
        if r is None:
            self.items = []
            self.table.setRowCount(0)
            self.note.setText("No voting round yet: “New round…” starts one.")
            return
        if r.target == e.VoteTarget.PAIN:
            found = [(p.id, p.title) for p in project.pains()]
        else:
            found = [(s.id, s.title) for s in project.step_views()]
        # Alphabetical: a neutral order for typing counts off the wall (not the evidence's).
        self.items = sorted(found, key=lambda x: (x[1].casefold(), x[0]))
        counted = tally(r, project.votes(r.id))
        self.table.setRowCount(len(self.items))
        for n, (item_id, title) in enumerate(self.items):
            typed = counted.typed.get(item_id)
            cells = (
                title,
                "" if typed is None else str(typed),
                "hidden" if counted.hidden else str(counted.dots.get(item_id, 0)),
            )
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if col:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(n, col, cell)
        self.reveal.setEnabled(counted.hidden)
        self.note.setText(self._describe(r, counted))
        if self.items:
            self.table.setCurrentCell(min(row, len(self.items) - 1), 0)

    def _describe(self, r: e.VotingRound, counted: Tally) -> str:
        per = "one dot per item" if r.max_per_item == 1 else f"up to {r.max_per_item} per item"
        who = "named voters" if r.named else "anonymous"
        ballots = f"{plural(counted.ballots, 'ballot')}" + (", hidden" if counted.hidden else "")
        typing = f" · typing {self.typed}, Enter confirms" if self.typed else ""
        return (
            f"{r.dots_per_person} dots per person, {per}, {who} · {ballots} · "
            f"{counted.total} dots counted{typing}"
        )

    # --- typing counts from paper -----------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key, text = event.key(), event.text()
        row = self.table.currentRow()
        if text.isdigit() and len(text) == 1 and text.isascii():
            if len(self.typed) < MAX_TYPED_DIGITS:
                self.typed += text
            self._show_typing()
            return True
        if key == Qt.Key.Key_Backspace and self.typed:
            self.typed = self.typed[:-1]
            self._show_typing()
            return True
        if key == Qt.Key.Key_Escape and self.typed:
            self.typed = ""
            self._show_typing()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and 0 <= row < len(self.items):
            if self.typed:
                count, self.typed = int(self.typed), ""
                self._set_tally(row, count)
            self.table.setCurrentCell(min(row + 1, len(self.items) - 1), 0)
            return True
        return False  # Up/Down and the rest: the table's own keys

    def _on_row_moved(self, row: int, _col: int, old_row: int, _old_col: int) -> None:
        if row != old_row and self.typed:  # typed for the item left: not confirmed, dropped
            self.typed = ""
            self._show_typing()

    def _show_typing(self) -> None:
        r = self.current_round()
        if r is not None:
            self.note.setText(self._describe(r, tally(r, self.ctx.project.votes(r.id))))

    def _set_tally(self, row: int, count: int) -> None:
        rid = self.round_id
        if rid is None:
            return
        item_id, title = self.items[row]
        project = self.ctx.project
        current = next(
            (
                v.dots
                for v in project.votes(rid)
                if v.ballot == 0 and item_id in (v.pain_id, v.step_id)
            ),
            0,
        )
        if current == count:
            return  # nothing to change: no empty edit on the undo stack
        self.ctx.edit(lambda: SetTally(project, rid, item_id, count, title), origin=self)

    # --- rounds, ballots, reveal ------------------------------------------------------------

    def new_round(self) -> None:
        dialog = NewRoundDialog(self.ctx, self)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def delete_round(self) -> None:
        rid = self.round_id
        if rid is not None:
            self.ctx.edit(lambda: RemoveRound(self.ctx.project, rid), origin=self)

    def reveal_votes(self) -> None:
        r = self.current_round()
        if r is not None and not r.revealed:
            text = f"Reveal the votes of “{r.title}”"
            self.ctx.edit(
                lambda: UpdateRound(self.ctx.project, r.id, text, revealed=True), origin=self
            )

    def open_ballots(self) -> BallotScreen | None:
        """The ballot screen over the window, one person at a time (not blocking: the
        window's undo and the panel's reveal stay with the facilitator)."""
        r = self.current_round()
        if r is None:
            return None
        if self.ballot_screen is None:
            screen = BallotScreen(self.ctx, r.id, self.window())
            screen.finished.connect(self._ballots_closed)
            self.ballot_screen = screen
            screen.open_full()
        return self.ballot_screen

    def _ballots_closed(self, _result: int) -> None:
        if self.ballot_screen is not None:
            self.ballot_screen.detach()
            self.ballot_screen.deleteLater()
            self.ballot_screen = None

    def show_belief(self) -> BeliefDialog | None:
        r = self.current_round()
        if r is None:
            return None
        if self.belief is not None:
            self.belief.close()
        dialog = BeliefDialog(self.ctx, r.id, self.window())
        dialog.finished.connect(self._belief_closed)
        self.belief = dialog
        dialog.show()
        return dialog

    def _belief_closed(self, _result: int) -> None:
        if self.belief is not None:
            self.belief.detach()
            self.belief.deleteLater()
            self.belief = None
