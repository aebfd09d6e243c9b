"""Undo commands of dot voting: a round added, changed (revealed) or deleted; one typed tally;
one person's ballot. Like every command they reach the undo stack only through
``DocumentContext.edit``; added votes keep their ids on redo.
"""

from __future__ import annotations

from typing import Any

from cxmapper.model.project import Project, Removal
from cxmapper.model.voting import item_of
from cxmapper.ui.document.commands import Command, _quote


class AddRound(Command):
    def __init__(self, project: Project, title: str, **values: Any) -> None:
        super().__init__(f"Add voting round {_quote(title)}")
        self.project, self.title, self.values = project, title, values
        self.round_id: int | None = None

    def do(self) -> None:
        self.round_id = self.project.add_round(self.title, id=self.round_id, **self.values).id

    def revert(self) -> None:
        assert self.round_id is not None
        self.project.remove_round(self.round_id)


class RemoveRound(Command):
    """Delete a round with all its votes; undo puts them back."""

    def __init__(self, project: Project, round_id: int) -> None:
        super().__init__(f"Delete voting round {_quote(project.voting_round(round_id).title)}")
        self.project, self.round_id = project, round_id
        self.removal: Removal | None = None

    def do(self) -> None:
        self.removal = self.project.remove_round(self.round_id)

    def revert(self) -> None:
        assert self.removal is not None
        self.project.restore(self.removal)


class UpdateRound(Command):
    """Change a round's settings, or reveal its ballots ("Reveal votes" is an edit, so the
    room can take it back)."""

    def __init__(self, project: Project, round_id: int, text: str, **changes: Any) -> None:
        super().__init__(text)
        self.project, self.round_id = project, round_id
        current = project.voting_round(round_id)
        self.before = {k: getattr(current, k) for k in changes}
        self.after = changes

    def do(self) -> None:
        self.project.update_round(self.round_id, **self.after)

    def revert(self) -> None:
        self.project.update_round(self.round_id, **self.before)


class SetTally(Command):
    """Type the dots counted on paper for one item (0 clears its tally)."""

    def __init__(self, project: Project, round_id: int, item_id: int, dots: int, title: str):
        super().__init__(f"Tally {dots} dot{'s' * (dots != 1)} on {_quote(title)}")
        self.project, self.round_id, self.item_id, self.dots = project, round_id, item_id, dots
        self.before = next(
            (v for v in project.votes(round_id) if v.ballot == 0 and item_of(v) == item_id),
            None,
        )
        self.vote_id: int | None = None
        self.removal: Removal | None = None

    def do(self) -> None:
        before = self.before
        if before is None:
            self.vote_id = self.project.add_vote(
                self.round_id, self.item_id, self.dots, id=self.vote_id
            ).id
        elif self.dots == 0:
            self.removal = self.project.remove_votes([before.id])
        else:
            self.project.update_vote(before.id, dots=self.dots)

    def revert(self) -> None:
        before = self.before
        if before is None:
            assert self.vote_id is not None
            self.project.remove_votes([self.vote_id])
        elif self.removal is not None:
            self.project.restore(self.removal)
        else:
            self.project.update_vote(before.id, dots=before.dots)


class CastBallot(Command):
    """One person's dots, placed in private on the laptop passed round the room."""

    def __init__(self, project: Project, round_id: int, dots: dict[int, int], voter: str = ""):
        super().__init__(f"Cast the ballot of {_quote(voter)}" if voter else "Cast a ballot")
        self.project, self.round_id, self.dots, self.voter = project, round_id, dots, voter
        self.ballot: int | None = None
        self.ids: list[int] | None = None

    def do(self) -> None:
        votes = self.project.cast_ballot(
            self.round_id, self.dots, voter=self.voter, ballot=self.ballot, ids=self.ids
        )
        self.ids = [v.id for v in votes]
        self.ballot = votes[0].ballot if votes else self.project.next_ballot(self.round_id)

    def revert(self) -> None:
        if self.ids:
            self.project.remove_votes(self.ids)
