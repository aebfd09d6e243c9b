"""The one registry of entity kinds: what each kind is called, where it is stored, how it links
and in which order it is removed. The store, the project's generic edits, the change events,
the counts, validation and the window's undo commands all read it, so a new kind (or a new
field) is declared once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cxmapper.model import entities as e
from cxmapper.model.events import EntityName


@dataclass(frozen=True, eq=False)  # one object per kind: compared and hashed by identity
class Kind:
    """One kind of entity the project holds in memory."""

    cls: type
    name: EntityName  # in change events; also the table's name
    label: str  # "work group", as a sentence names one
    plural: str  # "work groups"
    counted: str  # its key in counts ("work_groups")
    limit: int  # how many a project may hold
    removal_order: int  # lower first: what points at others goes before what it points at
    # Tuple fields stored in link tables: field -> (link table, own key, other key).
    links: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    enums: dict[str, type] = field(default_factory=dict)  # field -> StrEnum it holds

    @property
    def table(self) -> str:
        return self.name

    def title_of(self, item: Any) -> str:
        """What the user calls this item: its name or title."""
        return str(getattr(item, "name", None) or getattr(item, "title", ""))


KINDS: tuple[Kind, ...] = (
    Kind(e.WorkGroup, "work_group", "work group", "work groups", "work_groups", 1_000, 5),
    Kind(e.Stage, "stage", "stage", "stages", "stages", 200, 4),
    Kind(e.Step, "step", "step", "steps", "steps", 50_000, 3),
    Kind(e.Flow, "flow", "flow", "flows", "flows", 200_000, 2),
    Kind(
        e.Pain,
        "pain",
        "pain",
        "pains",
        "pains",
        10_000,
        1,
        links={
            "step_ids": ("pain_step", "pain_id", "step_id"),
            "evidence_ids": ("pain_evidence", "pain_id", "evidence_id"),
        },
        enums={
            "reach_source": e.ReachSource,
            "cost_mode": e.CostMode,
            "kind_override": e.PainKind,
        },
    ),
    Kind(
        e.Action,
        "action",
        "action",
        "actions",
        "actions",
        10_000,
        0,
        links={
            "pain_ids": ("action_pain", "action_id", "pain_id"),
            "involved_group_ids": ("action_group", "action_id", "work_group_id"),
        },
        enums={"kind": e.ActionKind, "status": e.ActionStatus},
    ),
    # Voting (model/voting.py): a vote points at its round and at a pain or step, so it is
    # removed before any of them.
    Kind(
        e.VotingRound,
        "voting_round",
        "voting round",
        "voting rounds",
        "voting_rounds",
        1_000,
        0,
        enums={"target": e.VoteTarget},
    ),
    Kind(e.Vote, "vote", "vote", "votes", "votes", 200_000, -1),
)

BY_CLASS: dict[type, Kind] = {k.cls: k for k in KINDS}
BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
# Link tables whose rows keep the order the user gave (a pain's steps, an action's pains).
ORDERED_LINKS = frozenset({"pain_step", "action_pain", "action_group"})


def kind_of(item_or_cls: Any) -> Kind:
    """The kind of an entity or entity class."""
    cls = item_or_cls if isinstance(item_or_cls, type) else type(item_or_cls)
    return BY_CLASS[cls]


def removal_order(item: Any) -> int:
    return kind_of(item).removal_order
