"""Input checks with messages a facilitator can act on."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cxmapper.model import entities as e
from cxmapper.model.agenda import MAX_BOXES, MAX_MINUTES
from cxmapper.model.kinds import Kind
from cxmapper.wording import counted

if TYPE_CHECKING:
    from cxmapper.model.project import Project

MAX_NAME = 500
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# Bounds no real project comes near, so that every figure computed from a project's numbers
# stays finite (reach x cost x churn x lifetime value), and a file from someone else cannot
# hold numbers or counts that only a crafted file would.
MAX_CUSTOMERS = 10_000_000_000  # customers a year
MAX_MONEY = 1e12  # any amount of money
MAX_CONTACTS = 1e6  # extra contacts per affected customer
MAX_COORDINATE = 1e7  # map units from the origin
MAX_POSITION = 1_000_000  # a lane's or stage's place in its order
MAX_SCORE = 1e9  # a survey score's size, whatever its scale
MAX_IMPORT_ROWS = 1_000_000_000
MAX_SETTING_CHARS = 10_000  # one stored setting, as JSON
MAX_MAPPING_CHARS = 100_000  # an import's column mapping, as JSON
MAX_SOLID_EVIDENCE = 1_000_000  # linked items that make evidence solid
# Dot voting: a room of a few dozen people with a handful of dots each is far below these.
MAX_DOTS_PER_PERSON = 100  # dots one person places in a round (and on one item)
MAX_TALLY = 10_000  # dots typed for one item from paper
MAX_BALLOTS = 10_000  # people voting privately in one round
MAX_SEED = 2**31 - 1


class ModelError(ValueError):
    """An edit was refused; ``str(error)`` says why in one sentence."""


def _text(value: Any, what: str, *, required: bool = True, limit: int | None = MAX_NAME) -> None:
    if not isinstance(value, str):
        raise ModelError(f"The {what} must be text.")
    if required and not value.strip():
        raise ModelError(f"The {what} cannot be empty.")
    if limit is not None and len(value) > limit:
        raise ModelError(f"The {what} is longer than {limit} characters.")


def _number(value: Any, what: str, lo: float | None = 0.0, hi: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ModelError(f"The {what} must be a number.")
    if isinstance(value, int) and abs(value) > 10**18:  # (a float of it would overflow)
        raise ModelError(f"The {what} is far too large.")
    if not math.isfinite(value):
        raise ModelError(f"The {what} must be a number.")
    if lo is not None and value < lo:
        raise ModelError(f"The {what} cannot be below {_amount(lo)}.")
    if hi is not None and value > hi:
        raise ModelError(f"The {what} cannot be above {_amount(hi)}.")


def _amount(x: float) -> str:
    """1e12 as 1,000,000,000,000: a bound as a facilitator reads it."""
    return f"{x:,.0f}" if abs(x) >= 10_000 and x == int(x) else f"{x:g}"


def _date(value: Any, what: str) -> None:
    if value is None:
        return
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ModelError(f"The {what} must be a date like 2026-03-31.") from None


def _enum(enum: Any, value: Any, what: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ModelError(f"The {what} must be one of: {allowed}.") from None


def check_settings(s: e.ProjectSettings) -> e.ProjectSettings:
    _text(s.name, "project name")
    if isinstance(s.customer_base, bool) or not isinstance(s.customer_base, int):
        raise ModelError("The customer base must be a whole number of customers.")
    if s.customer_base <= 0:
        raise ModelError("The customer base must be at least one customer per year.")
    if s.customer_base > MAX_CUSTOMERS:
        raise ModelError(f"The customer base cannot be above {MAX_CUSTOMERS:,} a year.")
    _text(s.currency, "currency", limit=12)
    _number(s.customer_lifetime_value, "customer lifetime value", 0.0, MAX_MONEY)
    _number(s.cost_per_contact, "cost per contact", 0.0, MAX_MONEY)
    _number(s.universal_threshold, "universal-pain threshold", 0.0, 1.0)
    if isinstance(s.solid_evidence, bool) or not isinstance(s.solid_evidence, int):
        raise ModelError("The items that make evidence solid must be a whole number.")
    if not 1 <= s.solid_evidence <= MAX_SOLID_EVIDENCE:
        raise ModelError(
            f"The items that make evidence solid must be from 1 to {MAX_SOLID_EVIDENCE:,}."
        )
    _number(s.solid_reach_width, "widest reach interval of solid evidence", 0.0, 10.0)
    s.agenda = _agenda(s.agenda)
    bands = tuple(s.cost_bands)
    if len(bands) != 5:
        raise ModelError("The cost band table needs exactly five amounts (bands 1 to 5).")
    for n, amount in enumerate(bands, 1):
        _number(amount, f"amount of cost band {n}", 0.0, MAX_MONEY)
    if list(bands) != sorted(bands):
        raise ModelError("Cost band amounts must rise from band 1 to band 5.")
    s.cost_bands = bands  # type: ignore[assignment]
    return s


def _agenda(agenda: Any) -> tuple[tuple[str, float], ...]:
    """The agenda as stored (a list of [title, minutes]), checked and made immutable."""
    if not isinstance(agenda, (list, tuple)) or len(agenda) > MAX_BOXES:
        raise ModelError(f"The agenda must be a list of at most {MAX_BOXES} timeboxes.")
    boxes: list[tuple[str, float]] = []
    for box in agenda:
        if not isinstance(box, (list, tuple)) or len(box) != 2:
            raise ModelError("Each timebox of the agenda needs a title and its minutes.")
        title, minutes = box
        _text(title, "timebox title", limit=200)
        _number(minutes, "length of a timebox in minutes", 0.0, MAX_MINUTES)
        if minutes <= 0:
            raise ModelError("A timebox must last more than zero minutes.")
        boxes.append((title, float(minutes)))
    return tuple(boxes)


def check_customer_base(s: e.ProjectSettings, pains: Iterable[e.Pain]) -> None:
    """Refuse a customer base smaller than a pain's estimated number of customers affected:
    the estimate would claim more customers than there are."""
    over = [
        p
        for p in pains
        if p.reach_estimate_count is not None and _most_counted(p) > s.customer_base
    ]
    if over:
        top = max(over, key=lambda p: (_most_counted(p), -p.id))
        others = f" and {counted(len(over) - 1, 'other pain')}" if len(over) > 1 else ""
        raise ModelError(
            f"The customer base cannot drop to {s.customer_base:,}: the pain “{top.title}”"
            f"{others} estimate more customers affected (up to "
            f"{_most_counted(top):,.0f}); lower those estimates first."
        )


def _most_counted(p: e.Pain) -> float:
    """The most customers a counted estimate claims: its range's high end, if stated."""
    return max(p.reach_estimate_count or 0.0, p.reach_estimate_high or 0.0)


def check_entity(
    project: Project, item: Any, *, existing: bool = False, before: Any = None
) -> None:
    """Raise :class:`ModelError` if ``item`` is not valid in ``project``; ``before`` is the
    item it updates, if it updates one."""
    if isinstance(item, e.WorkGroup):
        _text(item.name, "work group name")
        if not existing:
            _unique_name(item, before, project.work_groups(), "work group")
        if not isinstance(item.colour, str) or not _COLOUR.match(item.colour):
            raise ModelError("A work group colour must look like #4e79a7.")
        _number(item.position, "position", -MAX_POSITION, MAX_POSITION)
    elif isinstance(item, e.Stage):
        _text(item.name, "stage name")
        if not existing:
            _unique_name(item, before, project.stages(), "stage")
        _number(item.position, "position", -MAX_POSITION, MAX_POSITION)
    elif isinstance(item, e.Step):
        _text(item.title, "step title")
        _text(item.description, "step description", required=False, limit=100_000)
        _text(item.channel, "channel", required=False)
        if not project.exists(e.WorkGroup, item.work_group_id):
            raise ModelError("A step must belong to an existing work group.")
        if item.stage_id is not None and not project.exists(e.Stage, item.stage_id):
            raise ModelError("A step's stage must be one of the project's stages.")
        if isinstance(item.emotion, bool) or item.emotion not in (-2, -1, 0, 1, 2):
            raise ModelError("Emotion must be a whole number from -2 to +2.")
        _number(item.x, "horizontal position", -MAX_COORDINATE, MAX_COORDINATE)
        _number(item.y, "vertical position", -MAX_COORDINATE, MAX_COORDINATE)
    elif isinstance(item, e.Flow):
        _text(item.label, "flow label", required=False)
        for end in (item.source_id, item.target_id):
            if not project.exists(e.Step, end):
                raise ModelError("A flow must connect two existing steps.")
    elif isinstance(item, e.Pain):
        _check_pain(project, item, existing=existing)
    elif isinstance(item, e.Action):
        _check_action(project, item)
    elif isinstance(item, e.VotingRound):
        _check_round(item)
    elif isinstance(item, e.Vote):
        _check_vote(project, item)


def _unique_name(
    item: e.WorkGroup | e.Stage,
    before: Any,
    others: Iterable[e.WorkGroup | e.Stage],
    what: str,
) -> None:
    """Refuse a new name (trimmed, in any case) that another lane or column already has:
    two of one name leave the room guessing which is which. A file from elsewhere that has
    them still opens, and its items can still be moved: only a name given now is refused."""
    name = item.name.strip().casefold()
    if before is not None and before.name.strip().casefold() == name:
        return
    if any(o.id != item.id and o.name.strip().casefold() == name for o in others):
        raise ModelError(f"There is already a {what} called “{item.name.strip()}”.")


def _whole(value: Any, what: str, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ModelError(f"The {what} must be a whole number from {lo:,} to {hi:,}.")


def _flag(value: Any, what: str) -> bool:
    # Stored as 0 or 1; a file holding anything else was not written by CX Mapper.
    if value not in (0, 1) or not isinstance(value, bool | int):
        raise ModelError(f"The {what} must be yes or no.")
    return bool(value)


def _check_round(r: e.VotingRound) -> None:
    _text(r.title, "voting round's title")
    r.target = _enum(e.VoteTarget, r.target, "voting round's target")
    _whole(r.dots_per_person, "number of dots per person", 1, MAX_DOTS_PER_PERSON)
    _whole(r.max_per_item, "number of dots one person may put on one item", 1, MAX_DOTS_PER_PERSON)
    _whole(r.seed, "voting round's shuffle seed", 0, MAX_SEED)
    r.named = _flag(r.named, "choice of named voters")
    r.revealed = _flag(r.revealed, "choice to reveal the votes")


def _check_vote(project: Project, v: e.Vote) -> None:
    if not project.exists(e.VotingRound, v.round_id):
        raise ModelError("A vote must belong to an existing voting round.")
    target = project.voting_round(v.round_id).target
    on, off = (v.pain_id, v.step_id) if target == e.VoteTarget.PAIN else (v.step_id, v.pain_id)
    cls = e.Pain if target == e.VoteTarget.PAIN else e.Step
    if off is not None or on is None or not project.exists(cls, on):
        raise ModelError(f"A vote in a round on {target.value}s must be on an existing {target}.")
    _whole(v.ballot, "ballot number", 0, MAX_BALLOTS)
    most = MAX_TALLY if v.ballot == 0 else MAX_DOTS_PER_PERSON
    _whole(v.dots, "number of dots on one item", 0, most)
    _text(v.voter, "voter's name", required=False, limit=200)
    limit = project.voting_round(v.round_id).max_per_item
    if v.ballot and v.dots > limit:
        raise ModelError(
            f"One person may put at most {counted(limit, 'dot')} on one item in this round."
        )


def _check_pain(project: Project, p: e.Pain, *, existing: bool = False) -> None:
    _text(p.title, "pain title")
    _text(p.description, "pain description", required=False, limit=100_000)
    p.reach_source = _enum(e.ReachSource, p.reach_source, "reach source")
    p.cost_mode = _enum(e.CostMode, p.cost_mode, "cost mode")
    if p.kind_override is not None:
        p.kind_override = _enum(e.PainKind, p.kind_override, "pain kind")
    p.step_ids = tuple(p.step_ids)
    p.evidence_ids = tuple(p.evidence_ids)
    for step_id in p.step_ids:
        if not project.exists(e.Step, step_id):
            raise ModelError("A pain can only be placed on existing steps.")
    if len(set(p.step_ids)) != len(p.step_ids) or len(set(p.evidence_ids)) != len(p.evidence_ids):
        raise ModelError("A pain lists the same step or evidence twice.")
    if p.reach_estimate_share is not None:
        _number(p.reach_estimate_share, "estimated share of customers", 0.0, 1.0)
    if p.reach_estimate_count is not None:
        _number(p.reach_estimate_count, "estimated number of customers", 0.0, MAX_CUSTOMERS)
        base = project.settings.customer_base
        # A file saved before this rule may hold such an estimate: scoring caps it, and the
        # file still opens; only a new edit is refused.
        if p.reach_estimate_count > base and not existing:
            raise ModelError(
                f"The estimate of {p.reach_estimate_count:,.0f} customers affected is more than "
                f"the customer base ({base:,} a year); raise the customer base in the project "
                "settings first."
            )
    _number(p.extra_contacts, "number of extra contacts", 0.0, MAX_CONTACTS)
    _number(p.rework_cost, "rework and refund cost", 0.0, MAX_MONEY)
    _number(p.extra_churn, "extra churn probability", 0.0, 1.0)
    _check_ranges(project, p, existing=existing)
    if p.cost_band is not None and (
        isinstance(p.cost_band, bool) or p.cost_band not in range(1, 6)
    ):
        raise ModelError("The cost band must be 1, 2, 3, 4 or 5.")


def _range(low: Any, high: Any, what: str, hi: float) -> tuple[float, float] | None:
    """A stated range: both ends or neither, numbers within ``0``…``hi``, low not above high."""
    if low is None and high is None:
        return None
    if low is None or high is None:
        raise ModelError(f"The range of the {what} needs both a low and a high end.")
    _number(low, f"low end of the range of the {what}", 0.0, hi)
    _number(high, f"high end of the range of the {what}", 0.0, hi)
    if low > high:
        raise ModelError(f"The low end of the range of the {what} is above its high end.")
    return float(low), float(high)


def _around(value: float, ends: tuple[float, float], what: str) -> None:
    """The value a range is stated around must lie inside it (a hair of rounding allowed)."""
    slack = 1e-9 * max(1.0, abs(value))
    if not ends[0] - slack <= value <= ends[1] + slack:
        raise ModelError(
            f"The {what} ({_amount(value)}) must lie within its range "
            f"({_amount(ends[0])} to {_amount(ends[1])})."
        )


def _check_ranges(project: Project, p: e.Pain, *, existing: bool) -> None:
    """The estimate's stated range (a count when the count is set, else a share) and the
    range of the cost per customer from components."""
    counted = p.reach_estimate_count is not None
    what = "estimated number of customers" if counted else "estimated share of customers"
    ends = _range(
        p.reach_estimate_low, p.reach_estimate_high, what, MAX_CUSTOMERS if counted else 1.0
    )
    if ends is not None:
        estimate = p.reach_estimate_count if counted else p.reach_estimate_share
        if estimate is None:
            raise ModelError("A range for the reach estimate needs an estimate to go with it.")
        _around(float(estimate), ends, what)
        base = project.settings.customer_base
        if counted and ends[1] > base and not existing:
            raise ModelError(
                f"The estimate's range reaches {ends[1]:,.0f} customers, more than the customer "
                f"base ({base:,} a year); lower it or raise the customer base first."
            )
    ends = _range(p.cost_low, p.cost_high, "cost per customer", MAX_MONEY)
    # The cost from components moves with the project's cost per contact and lifetime value,
    # so only a new edit must hold it inside its range (a file still opens after those move).
    if ends is not None and p.cost_mode == e.CostMode.COMPONENTS and not existing:
        from cxmapper.model.scoring import cost_per_customer  # (scoring imports this module)

        _around(cost_per_customer(project, p), ends, "cost per customer from components")


def _check_action(project: Project, a: e.Action) -> None:
    _text(a.title, "action title")
    _text(a.description, "action description", required=False, limit=100_000)
    _text(a.sponsor, "sponsor", required=False)
    a.kind = _enum(e.ActionKind, a.kind, "action kind")
    a.status = _enum(e.ActionStatus, a.status, "action status")
    a.pain_ids = tuple(a.pain_ids)
    a.involved_group_ids = tuple(a.involved_group_ids)
    for pain_id in a.pain_ids:
        if not project.exists(e.Pain, pain_id):
            raise ModelError("An action can only address existing pains.")
    groups = list(a.involved_group_ids)
    if a.owner_group_id is not None:
        groups.append(a.owner_group_id)
    for group_id in groups:
        if not project.exists(e.WorkGroup, group_id):
            raise ModelError("An action's work groups must be existing work groups.")
    if len(set(a.pain_ids)) != len(a.pain_ids) or len(set(a.involved_group_ids)) != len(
        a.involved_group_ids
    ):
        raise ModelError("An action lists the same pain or work group twice.")
    _date(a.start_date, "start date")
    _date(a.due_date, "due date")
    if a.start_date and a.due_date and a.due_date < a.start_date:
        raise ModelError("The due date cannot be before the start date.")
    _number(a.investment, "investment", 0.0, MAX_MONEY)
    _number(a.expected_reduction, "expected reduction", 0.0, 1.0)


FOLLOW_UP_STATUSES = tuple(s.value for s in e.FollowUpStatus)


def check_counts(counts: dict[Kind, int]) -> None:
    """Refuse more items of a kind than a project may hold."""
    for kind, count in counts.items():
        if count > kind.limit:
            raise ModelError(f"A project holds at most {kind.limit:,} {kind.plural}.")


def load_json(text: Any, what: str, limit: int) -> Any:
    """A stored JSON value, refused when it is not text, longer than ``limit`` characters,
    nested beyond what the parser can follow, or not JSON."""
    if not isinstance(text, str) or len(text) > limit:
        raise ModelError(f"{what} is damaged.")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise ModelError(f"{what} is damaged.") from None


# Evidence rows that no import or edit writes: text fields that are not text, scores that are
# not finite numbers of a sane size, dates that are not short text, unknown kinds.
_BAD_EVIDENCE = f"""
SELECT id FROM evidence WHERE
    kind NOT IN ({", ".join(f"'{k}'" for k in e.EVIDENCE_KINDS)})
    OR typeof(source) != 'text' OR typeof(external_id) != 'text'
    OR typeof(customer_id) != 'text' OR typeof(score_scale) != 'text'
    OR typeof(channel) != 'text' OR typeof(text) != 'text'
    OR length(source) > 1000 OR length(external_id) > 1000 OR length(customer_id) > 1000
    OR length(score_scale) > 40 OR length(channel) > 1000
    OR (score IS NOT NULL AND (typeof(score) NOT IN ('integer', 'real')
        OR abs(score) > {MAX_SCORE:g}))
    OR (date IS NOT NULL AND (typeof(date) != 'text' OR length(date) > 32))
LIMIT 1
"""


def check_stored_evidence(db: Any) -> None:
    """Check the evidence-side rows the views read without loading all evidence: the items
    themselves (one scan), import batches (their column mapping and counts) and
    close-the-loop statuses."""
    bad = db.conn.execute(_BAD_EVIDENCE).fetchone()
    if bad is not None:
        raise ModelError(f"Evidence item {bad[0]} holds values no import writes.")
    for name, imported_at, fmt, mapping, rows, sample in db.conn.execute(
        "SELECT file_name, imported_at, format, mapping, rows, sample_size FROM import_batch"
    ):
        _text(name, "import file name")
        _text(imported_at, "import date", limit=64)
        _text(fmt, "import format", limit=40)
        parsed = load_json(mapping or "{}", "An import's column mapping", MAX_MAPPING_CHARS)
        if not isinstance(parsed, dict) or not all(
            isinstance(k, str) and isinstance(v, str | int | float) for k, v in parsed.items()
        ):
            raise ModelError("An import's column mapping is damaged.")
        _number(rows, "number of imported rows", 0, MAX_IMPORT_ROWS)
        _number(sample, "sample size", 0, MAX_IMPORT_ROWS)
    marks = ", ".join("?" for _ in FOLLOW_UP_STATUSES)
    bad = db.conn.execute(
        f"SELECT count(*) FROM follow_up WHERE status NOT IN ({marks})"
        " OR typeof(owner) != 'text' OR length(owner) > 500"
        " OR typeof(updated_at) != 'text' OR length(updated_at) > 64",
        FOLLOW_UP_STATUSES,
    ).fetchone()[0]
    if bad:
        raise ModelError(f"{bad} close-the-loop status(es) are not ones CX Mapper writes.")
