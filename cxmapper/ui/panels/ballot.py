"""Starting a voting round, and the ballot screen passed around the room.

The ballot screen covers the window: one person at a time sees the items in an order shuffled
for them (from the round's seed and their ballot number, so it is the same on every replay),
and only their own dots. Up/Down move; Space, + or Right add a dot; -, Left or Backspace take
one off; a digit sets the count. "Done — next person" casts the ballot (one undoable edit)
and clears the screen for the next person; nobody sees a count until the facilitator reveals.
"""

from __future__ import annotations

import random

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cxmapper.model import entities as e
from cxmapper.model.validation import MAX_DOTS_PER_PERSON, MAX_SEED
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.document.vote_commands import AddRound, CastBallot

DOT, FREE = "●", "○"
MOST_PLACES = 5  # dots one person may stack on an item that are drawn one by one


class NewRoundDialog(QDialog):
    """The round's title, what it votes on, dots per person, dots per item, names or not."""

    def __init__(self, ctx: DocumentContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("New voting round")
        self.title = QLineEdit(f"Round {len(ctx.project.voting_rounds()) + 1}")
        self.target = QComboBox()
        self.target.addItem("Pains", e.VoteTarget.PAIN.value)
        self.target.addItem("Steps", e.VoteTarget.STEP.value)
        self.dots = QSpinBox()
        self.dots.setRange(1, MAX_DOTS_PER_PERSON)
        self.dots.setValue(3)
        self.per_item = QSpinBox()
        self.per_item.setRange(1, MAX_DOTS_PER_PERSON)
        self.per_item.setToolTip("1: one dot per item; more lets a person stack dots")
        self.named = QCheckBox("Voters give their names (else anonymous)")
        form = QFormLayout(self)
        form.addRow("Title", self.title)
        form.addRow("Vote on", self.target)
        form.addRow("Dots per person", self.dots)
        form.addRow("Most dots on one item", self.per_item)
        form.addRow(self.named)
        self.error = QLabel()
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        project = self.ctx.project
        values = {
            "target": e.VoteTarget(self.target.currentData()),
            "dots_per_person": self.dots.value(),
            "max_per_item": min(self.per_item.value(), self.dots.value()),
            "named": self.named.isChecked(),
            # Each round shuffles its own way; stored, so the same screens come back.
            "seed": random.SystemRandom().randint(0, MAX_SEED),
        }
        title = self.title.text().strip()
        if self.ctx.edit(lambda: AddRound(project, title, **values), origin=self) is None:
            self.error.setText(self.ctx.last_refusal or "")
            return
        super().accept()


class BallotScreen(QDialog):
    """One person's private ballot at a time, over the whole window."""

    def __init__(self, ctx: DocumentContext, round_id: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx, self.round_id = ctx, round_id
        self.setWindowTitle("Pass the laptop")
        self.setModal(True)
        self.dots: dict[int, int] = {}
        self.order: list[tuple[int, str]] = []
        self.ballot = 0
        self._attached = True
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        self.heading = QLabel()
        self.heading.setFont(big)
        self.left = QLabel()
        self.left.setFont(big)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Your name")
        self.list = QListWidget()
        self.list.setFont(big)
        self.list.installEventFilter(self)
        self.done_button = QPushButton("Done — next person")
        self.done_button.setDefault(True)
        self.done_button.clicked.connect(self.done_voting)
        finish = QPushButton("Finish voting")
        finish.setAutoDefault(False)
        finish.clicked.connect(self.accept)
        help_text = QLabel(
            "↑ ↓ choose · Space or + adds a dot · − or Backspace takes one off · "
            "a digit sets the dots · Enter: done"
        )
        buttons = QHBoxLayout()
        buttons.addWidget(finish)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        box = QVBoxLayout(self)
        for w in (self.heading, self.name, self.left, self.list, help_text):
            box.addWidget(w)
        box.addLayout(buttons)
        ctx.changed.connect(self._on_change)
        self.next_person()

    def open_full(self) -> None:
        """Cover the window the laptop shows (the projector shows the same screen)."""
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.geometry())
        self.open()
        self.list.setFocus()

    def detach(self) -> None:
        if self._attached:
            self._attached = False
            self.ctx.changed.disconnect(self._on_change)

    def _on_change(self, change: object) -> None:
        # The round deleted (or undone) under the screen: nothing left to vote in.
        if not self.ctx.project.exists(e.VotingRound, self.round_id):
            self.reject()

    @property
    def voting_round(self) -> e.VotingRound:
        return self.ctx.project.voting_round(self.round_id)

    def next_person(self) -> None:
        """A clean screen: the next ballot's number, a fresh shuffle, no dots."""
        project, r = self.ctx.project, self.voting_round
        self.ballot = project.next_ballot(r.id)
        if r.target == e.VoteTarget.PAIN:
            items = sorted((p.id, p.title) for p in project.pains())
        else:
            items = sorted((s.id, s.title) for s in project.step_views())
        random.Random(f"{r.seed}:{self.ballot}").shuffle(items)
        self.order, self.dots = items, {}
        self.name.clear()
        self.name.setVisible(r.named)
        self.heading.setText(f"Person {self.ballot}: place your {r.dots_per_person} dots")
        self.list.clear()
        for _item_id, title in items:
            self.list.addItem(QListWidgetItem(title))
        self._show()
        if items:
            self.list.setCurrentRow(0)
        (self.name if r.named else self.list).setFocus()

    def _show(self) -> None:
        r = self.voting_round
        for n, (item_id, title) in enumerate(self.order):
            count = self.dots.get(item_id, 0)
            row = self.list.item(n)
            row.setText(f"{self._dots(count, r.max_per_item)}   {title}")
        left = r.dots_per_person - sum(self.dots.values())
        self.left.setText(f"{left} dot{'s' * (left != 1)} left")

    @staticmethod
    def _dots(count: int, most: int) -> str:
        """The dots on an item as the person sees them: filled and empty places, so that the
        titles line up (a count, where one person may stack many)."""
        if most <= MOST_PLACES:
            return DOT * count + FREE * (most - count)
        return f"{count:>3} {DOT}" if count else f"{'':>3} {FREE}"

    def set_dots(self, row: int, count: int) -> None:
        """Put ``count`` dots on the item at ``row``, within what the round allows."""
        if not 0 <= row < len(self.order):
            return
        r = self.voting_round
        item_id = self.order[row][0]
        others = sum(n for i, n in self.dots.items() if i != item_id)
        count = max(0, min(count, r.max_per_item, r.dots_per_person - others))
        self.dots[item_id] = count
        self._show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        row, key, text = self.list.currentRow(), event.key(), event.text()
        current = self.dots.get(self.order[row][0], 0) if 0 <= row < len(self.order) else 0
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Plus, Qt.Key.Key_Right):
            self.set_dots(row, current + 1)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Left, Qt.Key.Key_Backspace):
            self.set_dots(row, current - 1)
        elif len(text) == 1 and text.isdigit() and text.isascii():
            self.set_dots(row, int(text))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.done_voting()
        else:
            return False
        return True

    def done_voting(self) -> None:
        """Cast this person's ballot (nothing, if they placed no dot) and clear the screen."""
        placed = {i: n for i, n in self.dots.items() if n}
        voter = self.name.text().strip() if self.voting_round.named else ""
        if placed:
            project, rid = self.ctx.project, self.round_id
            command = self.ctx.edit(lambda: CastBallot(project, rid, placed, voter), origin=self)
            if command is None:
                self.left.setText(self.ctx.last_refusal or "")
                return
        self.next_person()
