"""The domain entities, as plain dataclasses (glossary: docs/ARCHITECTURE.md).

Entities are values: the project document hands out copies through its API and changes them
only through its own methods, so that every change is written to the file and announced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ActionKind(StrEnum):
    MICRO = "micro"
    MACRO = "macro"
    CULTURAL = "cultural"


class ActionStatus(StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    IN_PROGRESS = "in progress"
    DONE = "done"
    DROPPED = "dropped"


class ReachSource(StrEnum):
    EVIDENCE = "evidence"
    ESTIMATE = "estimate"


class CostMode(StrEnum):
    COMPONENTS = "components"
    BAND = "band"


class PainKind(StrEnum):
    UNIVERSAL = "universal"
    LOCAL = "local"


class FollowUpStatus(StrEnum):
    """Where the call-back to one detractor stands (close the loop)."""

    OPEN = "open"
    CONTACTED = "contacted"
    RESOLVED = "resolved"


EVIDENCE_KINDS = ("survey", "verbatim", "ticket", "interview", "metric")

# The money each quick cost band (1-5) stands for, per affected customer, until the project
# sets its own table.
DEFAULT_COST_BANDS: tuple[float, float, float, float, float] = (10.0, 50.0, 200.0, 1000.0, 5000.0)


@dataclass
class ProjectSettings:
    name: str = "Untitled project"
    customer_base: int = 1000
    currency: str = "EUR"
    customer_lifetime_value: float = 0.0
    cost_per_contact: float = 0.0
    universal_threshold: float = 0.05
    cost_bands: tuple[float, float, float, float, float] = DEFAULT_COST_BANDS
    # Evidence strength (model/strength.py): "solid" from this many linked items, with a 95 %
    # reach interval at most this many times the reach wide (0.75: within about ±37 %, what
    # some 30 customers affected give).
    solid_evidence: int = 30
    solid_reach_width: float = 0.75
    # The facilitator's agenda (model/agenda.py): a title and its minutes per timebox.
    agenda: tuple[tuple[str, float], ...] = ()


@dataclass
class WorkGroup:
    id: int
    name: str
    colour: str = "#4e79a7"
    position: int = 0


@dataclass
class Stage:
    id: int
    name: str
    position: int = 0


@dataclass
class Step:
    """A touchpoint or activity. ``x`` is its horizontal place on the map; ``y`` its offset
    from the top of its work group's lane."""

    id: int
    work_group_id: int
    title: str
    stage_id: int | None = None
    description: str = ""
    channel: str = ""
    emotion: int = 0
    x: float = 0.0
    y: float = 0.0


@dataclass
class Flow:
    id: int
    source_id: int
    target_id: int
    label: str = ""


@dataclass
class Evidence:
    """One piece of feedback. Evidence stays in the file and is queried, not held in memory."""

    id: int
    batch_id: int | None = None
    kind: str = "survey"
    source: str = ""
    external_id: str = ""
    date: str | None = None
    customer_id: str = ""
    score: float | None = None
    score_scale: str = ""
    channel: str = ""
    text: str = ""


@dataclass
class ImportBatch:
    id: int
    file_name: str
    imported_at: str
    format: str = "generic"
    mapping: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    sample_size: int = 0


@dataclass
class Pain:
    id: int
    title: str
    description: str = ""
    step_ids: tuple[int, ...] = ()
    evidence_ids: tuple[int, ...] = ()
    reach_source: ReachSource = ReachSource.EVIDENCE
    # An estimate is a share (0..1) or a count of customers per year; the count wins if both.
    reach_estimate_share: float | None = None
    reach_estimate_count: float | None = None
    cost_mode: CostMode = CostMode.COMPONENTS
    extra_contacts: float = 0.0
    rework_cost: float = 0.0
    extra_churn: float = 0.0
    cost_band: int | None = None
    kind_override: PainKind | None = None
    # The estimate's stated range, in the unit of the estimate in use (a count when
    # reach_estimate_count is set, else a share); both None: the room gave no range.
    reach_estimate_low: float | None = None
    reach_estimate_high: float | None = None
    # How far the cost per customer from components may be off, in money per affected
    # customer; both None: no range (rank certainty then takes the cost as it is).
    cost_low: float | None = None
    cost_high: float | None = None


@dataclass
class Action:
    id: int
    title: str
    kind: ActionKind = ActionKind.MACRO
    description: str = ""
    pain_ids: tuple[int, ...] = ()
    owner_group_id: int | None = None
    involved_group_ids: tuple[int, ...] = ()
    sponsor: str = ""
    start_date: str | None = None
    due_date: str | None = None
    status: ActionStatus = ActionStatus.PROPOSED
    investment: float = 0.0
    expected_reduction: float = 0.0


class VoteTarget(StrEnum):
    """What a voting round's dots go on."""

    PAIN = "pain"
    STEP = "step"


@dataclass
class VotingRound:
    """One round of dot voting (model/voting.py). ``max_per_item`` 1 is one dot per item;
    more lets a person stack dots. ``seed`` shuffles each voter's screen, so the order is the
    same whenever the round is replayed; private ballots stay hidden until ``revealed``."""

    id: int
    title: str
    target: VoteTarget = VoteTarget.PAIN
    dots_per_person: int = 3
    max_per_item: int = 1
    named: bool = False
    seed: int = 0
    revealed: bool = False


@dataclass
class Vote:
    """Dots on one pain or step in a round: a tally typed from paper (``ballot`` 0, one per
    item) or one person's private ballot (``ballot`` 1, 2, …; ``voter`` their name, if the
    round asks for names)."""

    id: int
    round_id: int
    pain_id: int | None = None
    step_id: int | None = None
    dots: int = 0
    ballot: int = 0
    voter: str = ""
