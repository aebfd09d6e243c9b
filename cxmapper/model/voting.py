"""Dot voting and belief against evidence (glossary: *voting round*, *belief against evidence*).

A round's dots are counted per item: the tallies typed from paper always, the private ballots
only once the round is revealed (until then nobody, the facilitator included, sees them). The
room's order ranks the items by dots (ties share a rank: two items with 9 dots are both #2);
the evidence order is the scoring rank for pains, and the count of linked items for steps.
Where the two disagree, :func:`disagreements` says so in words, and says where the evidence
itself cannot tell two ranks apart (rank certainty, model/certainty.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cxmapper.model import entities as e
from cxmapper.model.certainty import RankCertainty, rank_certainty
from cxmapper.model.scoring import PainScore, score_pains
from cxmapper.model.strength import Strength, pain_strength, step_strength
from cxmapper.wording import counted

if TYPE_CHECKING:
    from cxmapper.model.project import Project

# How far apart two orders must put an item before the room and the evidence are said to
# disagree about it (a place or two is noise in a room of a dozen people).
FAR_APART = 3
# The places at the top of either order that are worth a sentence: the decision is made there.
TOP = 3
MOST_SENTENCES = 8


@dataclass
class Tally:
    """A round's counted dots per item (typed tallies, plus ballots once revealed)."""

    dots: dict[int, int] = field(default_factory=dict)
    typed: dict[int, int] = field(default_factory=dict)
    ballots: int = 0  # people who voted privately
    hidden: bool = False  # ballots were cast and are not revealed yet

    @property
    def total(self) -> int:
        return sum(self.dots.values())


def item_of(vote: e.Vote) -> int:
    """The pain or step a vote is on."""
    return vote.pain_id if vote.pain_id is not None else (vote.step_id or 0)


def tally(voting_round: e.VotingRound, votes: Sequence[e.Vote]) -> Tally:
    result = Tally()
    ballots = {v.ballot for v in votes if v.ballot}
    result.ballots = len(ballots)
    result.hidden = bool(ballots) and not voting_round.revealed
    for v in votes:
        item = item_of(v)
        if v.ballot == 0:
            result.typed[item] = result.typed.get(item, 0) + v.dots
        if v.ballot == 0 or voting_round.revealed:
            result.dots[item] = result.dots.get(item, 0) + v.dots
    return result


@dataclass(frozen=True)
class EvidenceItem:
    """One votable item as the evidence sees it: its place in the evidence order (1 first),
    its evidence strength, linked items, and for pains the range of ranks it falls in for
    90 % of the certainty draws."""

    item_id: int
    title: str
    evidence_rank: int
    strength: Strength
    evidence: int
    rank_low: int | None = None
    rank_high: int | None = None
    # What the evidence-side rank of a pain rests on when evidence does not back it:
    # "estimated" (the room's estimate of reach) or "no evidence" (none linked); "" when it
    # is the evidence's rank. The sentences then name it the scores' rank, not evidence's.
    basis: str = ""

    def rank_name(self, *, first: bool = False) -> str:
        """“evidence's #2”, or “scoring's #2 (estimated)” for a rank that is not evidence's;
        capitalised to open a sentence."""
        name = f"evidence's #{self.evidence_rank}"
        if self.basis:
            name = f"scoring's #{self.evidence_rank} ({self.basis})"
        return name[0].upper() + name[1:] if first else name


@dataclass(frozen=True)
class Standing:
    """One item in the room's order beside the evidence order."""

    item: EvidenceItem
    dots: int
    room_rank: int

    @property
    def evidence_rank(self) -> int:
        return self.item.evidence_rank


def evidence_items(
    project: Project,
    target: e.VoteTarget,
    scores: list[PainScore] | None = None,
    certainty: Mapping[int, RankCertainty] | None = None,
) -> list[EvidenceItem]:
    """The items a round on ``target`` votes on, in the evidence order."""
    settings = project.settings
    if target == e.VoteTarget.PAIN:
        scores = score_pains(project) if scores is None else scores
        sure = rank_certainty(project, scores) if certainty is None else certainty
        items = []
        for s in sorted(scores, key=lambda s: s.rank):
            c = sure.get(s.pain_id)
            strength = pain_strength(s, settings)
            basis = ""
            if s.reach_source == e.ReachSource.ESTIMATE.value:
                basis = "estimated"
            elif strength == Strength.NONE:
                basis = "no evidence"
            items.append(
                EvidenceItem(
                    s.pain_id,
                    s.title,
                    s.rank,
                    strength,
                    s.evidence_count,
                    c.rank_low if c else None,
                    c.rank_high if c else None,
                    basis,
                )
            )
        return items
    linked = project.evidence.counts_by_step()
    steps = sorted(project.step_views(), key=lambda s: (-linked.get(s.id, 0), s.title, s.id))
    return [
        EvidenceItem(
            s.id, s.title, n, step_strength(linked.get(s.id, 0), settings), linked.get(s.id, 0)
        )
        for n, s in enumerate(steps, 1)
    ]


def standings(items: Sequence[EvidenceItem], dots: Mapping[int, int]) -> list[Standing]:
    """The room's order: by dots, most first; ties share a rank and keep the evidence order."""
    counts = sorted((dots.get(i.item_id, 0) for i in items), reverse=True)
    above: dict[int, int] = {}
    for n, count in enumerate(counts):
        above.setdefault(count, n)
    ranked = [Standing(i, dots.get(i.item_id, 0), above[dots.get(i.item_id, 0)] + 1) for i in items]
    return sorted(ranked, key=lambda s: (s.room_rank, s.evidence_rank))


def room_top(rows: Sequence[Standing], places: int = TOP) -> list[int]:
    """The items the room put in its first ``places`` places (with dots), room order."""
    return [s.item.item_id for s in rows if s.dots and s.room_rank <= places]


def _quote(title: str) -> str:
    return f"“{title if len(title) <= 60 else title[:59] + '…'}”"


def _dots(n: int) -> str:
    return f"{n} dot{'s' * (n != 1)}"


def disagreements(rows: Sequence[Standing], tallied: Tally) -> list[str]:
    """Where the room's order and the evidence order part, in sentences, the decisive places
    first; one sentence of agreement when they do not."""
    if tallied.hidden and not tallied.total:
        return [_hidden(tallied.ballots)]
    total = tallied.total
    if not total:
        return ["No dots are counted yet."]
    said: list[str] = []
    firsts = [s for s in rows if s.room_rank == 1]
    for s in firsts:
        name = _quote(s.item.title)
        if s.item.strength == Strength.NONE:
            said.append(f"The room's #1, {name}, has no evidence: it is the room's assumption.")
        elif s.item.strength == Strength.THIN:
            said.append(f"The room's #1, {name}, rests on thin evidence ({s.item.evidence} items).")
        if s.evidence_rank > 1:
            said.append(f"The room's #1, {name}, is {s.item.rank_name()}.")
    for s in rows:
        if s.evidence_rank == 1 and s.room_rank != 1:
            said.append(
                f"{s.item.rank_name(first=True)}, {_quote(s.item.title)}, got {_dots(s.dots)} "
                f"of {total} (the room's #{s.room_rank})."
            )
    for s in sorted(rows, key=lambda s: min(s.room_rank, s.evidence_rank)):
        if s.room_rank == 1 or s.evidence_rank == 1:
            continue
        if (
            abs(s.room_rank - s.evidence_rank) >= FAR_APART
            and min(s.room_rank if s.dots else TOP + 1, s.evidence_rank) <= TOP
        ):
            said.append(
                f"{_quote(s.item.title)} is the room's #{s.room_rank} ({_dots(s.dots)}) but "
                f"{s.item.rank_name()}."
            )
    said += _certainty(rows)
    if tallied.hidden:
        said.append(_hidden(tallied.ballots))
    return said[:MOST_SENTENCES] or ["The room's order agrees with the evidence order."]


def _hidden(ballots: int) -> str:
    verb = "is" if ballots == 1 else "are"
    return f"{counted(ballots, 'ballot')} {verb} hidden until the facilitator reveals them."


def crossings(rows: Sequence[Standing]) -> list[tuple[Standing, Standing]]:
    """Pairs the two orders put the other way round: (evidence's higher, room's higher)."""
    pairs = []
    for a in rows:
        for b in rows:
            if a.evidence_rank < b.evidence_rank and a.room_rank > b.room_rank:
                pairs.append((a, b))
    return pairs


def _certainty(rows: Sequence[Standing]) -> list[str]:
    """For the crossings among evidence's top places: whether the evidence can tell the two
    apart at all (their 90 % rank ranges overlap) or ranks them apart."""
    said = []
    apart: set[int] = set()
    # Only evidence's first places are worth a sentence: pairs among them alone (all pairs of
    # a round on 500 pains would be 250,000).
    first = [s for s in rows if s.evidence_rank <= TOP + 2]
    for a, b in sorted(crossings(first), key=lambda p: (p[0].evidence_rank, p[1].evidence_rank)):
        lo_a, hi_a = a.item.rank_low, a.item.rank_high
        lo_b, hi_b = b.item.rank_low, b.item.rank_high
        if lo_a is None or hi_a is None or lo_b is None or hi_b is None:
            continue
        pair = f"{_quote(a.item.title)} and {_quote(b.item.title)}"
        # Ranks that rest on an estimate (or on nothing) are the scores', not evidence's.
        scores = bool(a.item.basis or b.item.basis)
        if hi_a >= lo_b:
            said.append(
                (
                    f"The scores cannot tell #{a.evidence_rank} from #{b.evidence_rank} "
                    f"({pair}): the room's order between them is as good as theirs."
                )
                if scores
                else (
                    f"Evidence cannot tell #{a.evidence_rank} from #{b.evidence_rank} ({pair}): "
                    "the room's order between them is as good as the evidence's."
                )
            )
        elif a.item.item_id not in apart:  # one such sentence per item is enough
            apart.add(a.item.item_id)
            said.append(
                f"The room puts {_quote(b.item.title)} above {_quote(a.item.title)}, though "
                f"{'the scores rank' if scores else 'the evidence ranks'} them apart "
                f"(#{_span(lo_a, hi_a)} against "
                f"#{_span(lo_b, hi_b)} in 90 % of draws)."
            )
        if len(said) >= 3:
            break
    return said


def _span(low: int, high: int) -> str:
    return f"{low}" if low == high else f"{low}–{high}"
