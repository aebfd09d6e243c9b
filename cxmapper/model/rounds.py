"""The project's edits of voting rounds and their votes (glossary: *voting round*).

A mixin of :class:`~cxmapper.model.project.Project`, kept apart so the voting edits read as
one piece: rounds and votes are kinds of the registry, so they are stored, validated, counted
and announced like any other entity; what is theirs alone is here (a round's votes, a ballot
written in one transaction, the votes a removed pain or step takes with it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from cxmapper.model import entities as e
from cxmapper.model import store
from cxmapper.model.events import Change
from cxmapper.model.kinds import kind_of
from cxmapper.model.validation import ModelError, check_entity
from cxmapper.wording import counted

if TYPE_CHECKING:
    from cxmapper.model.project import Project, Removal


class VotingEdits:
    """Voting rounds and votes, as the project holds them (``_rounds``, ``_votes``)."""

    _rounds: dict[int, e.VotingRound]
    _votes: dict[int, e.Vote]

    @property
    def _project(self) -> Project:
        # The project this mixin is part of, with the generic edits it calls.
        return cast("Project", self)

    # --- reading --------------------------------------------------------------------------

    def voting_rounds(self) -> list[e.VotingRound]:
        return [replace(r) for _, r in sorted(self._rounds.items())]

    def voting_round(self, id: int) -> e.VotingRound:
        try:
            return replace(self._rounds[id])
        except KeyError:
            raise ModelError(f"There is no voting round with id {id}.") from None

    def votes(self, round_id: int) -> list[e.Vote]:
        """The round's votes: typed tallies first, then each ballot in the order cast."""
        found = [replace(v) for v in self._votes.values() if v.round_id == round_id]
        return sorted(found, key=lambda v: (v.ballot, v.id))

    def votes_on(self, cls: type, ids: Iterable[int]) -> list[e.Vote]:
        """The votes on these pains (``cls`` Pain) or steps (Step): what removing them takes
        away, so that undo brings the votes back with them."""
        wanted = set(ids)
        attr = "pain_id" if cls is e.Pain else "step_id"
        return [v for v in self._votes.values() if getattr(v, attr) in wanted]

    # --- rounds ---------------------------------------------------------------------------

    def add_round(self, title: str, id: int | None = None, **values: Any) -> e.VotingRound:
        return self._project._add(e.VotingRound, id, title=title, **values)

    def update_round(self, id: int, **changes: Any) -> e.VotingRound:
        if "target" in changes and any(v.round_id == id for v in self._votes.values()):
            current = self.voting_round(id).target
            if changes["target"] != current:
                raise ModelError("A round that has votes cannot change what it votes on.")
        most = changes.get("max_per_item")
        if isinstance(most, int) and any(
            v.round_id == id and v.ballot and v.dots > most for v in self._votes.values()
        ):
            # The ballots already cast would no longer be ones the round allows.
            raise ModelError(
                f"A ballot of this round already has more than {counted(most, 'dot')} on one item."
            )
        return self._project._update(e.VotingRound, id, changes)

    def remove_round(self, id: int) -> Removal:
        from cxmapper.model.project import Removal

        voting_round = self.voting_round(id)
        gone = [v for v in self._votes.values() if v.round_id == id]
        return self._project._apply_removal(Removal(removed=[self._rounds[voting_round.id], *gone]))

    # --- votes ----------------------------------------------------------------------------

    def _vote_on(self, round_id: int, item_id: int, **values: Any) -> dict[str, Any]:
        target = self.voting_round(round_id).target
        key = "pain_id" if target == e.VoteTarget.PAIN else "step_id"
        return {"round_id": round_id, key: item_id, **values}

    def add_vote(
        self,
        round_id: int,
        item_id: int,
        dots: int,
        *,
        ballot: int = 0,
        voter: str = "",
        id: int | None = None,
    ) -> e.Vote:
        """One vote; a typed tally (ballot 0) is one per item, so a second is refused."""
        values = self._vote_on(round_id, item_id, dots=dots, ballot=ballot, voter=voter)
        if any(
            v.round_id == round_id
            and v.ballot == ballot
            and (v.pain_id, v.step_id) == (values.get("pain_id"), values.get("step_id"))
            for v in self._votes.values()
        ):
            raise ModelError("That item already has its dots in this ballot.")
        return self._project._add(e.Vote, id, **values)

    def update_vote(self, id: int, **changes: Any) -> e.Vote:
        return self._project._update(e.Vote, id, changes)

    def remove_votes(self, ids: Iterable[int]) -> Removal:
        from cxmapper.model.project import Removal

        gone = []
        for i in ids:
            if i not in self._votes:
                raise ModelError(f"There is no vote with id {i}.")
            gone.append(self._votes[i])
        return self._project._apply_removal(Removal(removed=gone))

    def next_ballot(self, round_id: int) -> int:
        cast = (v.ballot for v in self._votes.values() if v.round_id == round_id)
        return 1 + max(cast, default=0)

    def cast_ballot(
        self,
        round_id: int,
        dots: Mapping[int, int],
        *,
        voter: str = "",
        ballot: int | None = None,
        ids: list[int] | None = None,
    ) -> list[e.Vote]:
        """One person's dots (item id -> dots) as the round's next ballot, written in one
        transaction. ``ballot`` and ``ids`` put a ballot back as it was (redo)."""
        voting_round = self.voting_round(round_id)
        placed = {i: n for i, n in dots.items() if n}
        total = sum(placed.values())
        if total > voting_round.dots_per_person:
            raise ModelError(
                f"One person has {counted(voting_round.dots_per_person, 'dot')} in this round, "
                f"not {total}."
            )
        if any(n > voting_round.max_per_item for n in placed.values()):
            raise ModelError(
                f"One person may put at most {counted(voting_round.max_per_item, 'dot')} on "
                "one item in this round."
            )
        number = self.next_ballot(round_id) if ballot is None else ballot
        first = self._project._next_id(e.Vote)
        votes = [
            e.Vote(
                id=ids[n] if ids is not None else first + n,
                **self._vote_on(round_id, item, dots=count, ballot=number, voter=voter),
            )
            for n, (item, count) in enumerate(placed.items())
        ]
        limit = kind_of(e.Vote).limit
        if len(self._votes) + len(votes) > limit:
            raise ModelError(f"A project holds at most {limit:,} votes.")
        for vote in votes:
            if vote.id in self._votes:
                raise ModelError(f"There is already a vote with id {vote.id}.")
            check_entity(self._project, vote)
        with self._project._db.atomic():
            for vote in votes:
                store.write_entity(self._project._db, vote)
        for vote in votes:
            self._votes[vote.id] = vote
        for vote in votes:
            self._project._emitter.emit(Change("added", "vote", vote.id))
        return [replace(v) for v in votes]
