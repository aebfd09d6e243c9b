"""Input checks with messages a facilitator can act on."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cxmapper.model import entities as e

if TYPE_CHECKING:
    from cxmapper.model.project import Project

MAX_NAME = 500
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


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
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ModelError(f"The {what} must be a number.")
    if lo is not None and value < lo:
        raise ModelError(f"The {what} cannot be below {lo:g}.")
    if hi is not None and value > hi:
        raise ModelError(f"The {what} cannot be above {hi:g}.")


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
    _text(s.currency, "currency", limit=12)
    _number(s.customer_lifetime_value, "customer lifetime value")
    _number(s.cost_per_contact, "cost per contact")
    _number(s.universal_threshold, "universal-pain threshold", 0.0, 1.0)
    bands = tuple(s.cost_bands)
    if len(bands) != 5:
        raise ModelError("The cost band table needs exactly five amounts (bands 1 to 5).")
    for n, amount in enumerate(bands, 1):
        _number(amount, f"amount of cost band {n}")
    if list(bands) != sorted(bands):
        raise ModelError("Cost band amounts must rise from band 1 to band 5.")
    s.cost_bands = bands  # type: ignore[assignment]
    return s


def check_customer_base(s: e.ProjectSettings, pains: Iterable[e.Pain]) -> None:
    """Refuse a customer base smaller than a pain's estimated number of customers affected:
    the estimate would claim more customers than there are."""
    over = [
        p
        for p in pains
        if p.reach_estimate_count is not None and p.reach_estimate_count > s.customer_base
    ]
    if over:
        top = max(over, key=lambda p: (p.reach_estimate_count or 0.0, -p.id))
        others = f" and {len(over) - 1} other pain(s)" if len(over) > 1 else ""
        raise ModelError(
            f"The customer base cannot drop to {s.customer_base:,}: the pain “{top.title}”"
            f"{others} estimate more customers affected (up to "
            f"{top.reach_estimate_count or 0.0:,.0f}); lower those estimates first."
        )


def check_entity(project: Project, item: Any, *, existing: bool = False) -> None:
    """Raise :class:`ModelError` if ``item`` is not valid in ``project``."""
    if isinstance(item, e.WorkGroup):
        _text(item.name, "work group name")
        name = item.name.strip().casefold()
        # Two lanes of one name leave the room guessing which is which (a file from
        # elsewhere that has them still opens).
        if not existing and any(
            g.id != item.id and g.name.strip().casefold() == name for g in project.work_groups()
        ):
            raise ModelError(f"There is already a work group called “{item.name.strip()}”.")
        if not isinstance(item.colour, str) or not _COLOUR.match(item.colour):
            raise ModelError("A work group colour must look like #4e79a7.")
        _number(item.position, "position", None)
    elif isinstance(item, e.Stage):
        _text(item.name, "stage name")
        _number(item.position, "position", None)
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
        _number(item.x, "horizontal position", None)
        _number(item.y, "vertical position", None)
    elif isinstance(item, e.Flow):
        _text(item.label, "flow label", required=False)
        for end in (item.source_id, item.target_id):
            if not project.exists(e.Step, end):
                raise ModelError("A flow must connect two existing steps.")
    elif isinstance(item, e.Pain):
        _check_pain(project, item, existing=existing)
    elif isinstance(item, e.Action):
        _check_action(project, item)


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
        _number(p.reach_estimate_count, "estimated number of customers")
        base = project.settings.customer_base
        # A file saved before this rule may hold such an estimate: scoring caps it, and the
        # file still opens; only a new edit is refused.
        if p.reach_estimate_count > base and not existing:
            raise ModelError(
                f"The estimate of {p.reach_estimate_count:,.0f} customers affected is more than "
                f"the customer base ({base:,} a year); raise the customer base in the project "
                "settings first."
            )
    _number(p.extra_contacts, "number of extra contacts")
    _number(p.rework_cost, "rework and refund cost")
    _number(p.extra_churn, "extra churn probability", 0.0, 1.0)
    if p.cost_band is not None and (
        isinstance(p.cost_band, bool) or p.cost_band not in range(1, 6)
    ):
        raise ModelError("The cost band must be 1, 2, 3, 4 or 5.")


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
    _number(a.investment, "investment")
    _number(a.expected_reduction, "expected reduction", 0.0, 1.0)


FOLLOW_UP_STATUSES = ("open", "contacted", "resolved")


def check_stored_evidence(db: Any) -> None:
    """Check the evidence-side rows the views read without loading all evidence: import
    batches (their column mapping and counts) and close-the-loop statuses."""
    import json

    for name, mapping, rows, sample in db.conn.execute(
        "SELECT file_name, mapping, rows, sample_size FROM import_batch"
    ):
        _text(name, "import file name")
        try:
            parsed = json.loads(mapping or "{}")
        except (TypeError, ValueError):
            raise ModelError("An import's column mapping is damaged.") from None
        if not isinstance(parsed, dict) or not all(
            isinstance(k, str) and isinstance(v, str | int | float) for k, v in parsed.items()
        ):
            raise ModelError("An import's column mapping is damaged.")
        _number(rows, "number of imported rows")
        _number(sample, "sample size")
    marks = ", ".join("?" for _ in FOLLOW_UP_STATUSES)
    bad = db.conn.execute(
        f"SELECT count(*) FROM follow_up WHERE status NOT IN ({marks}) OR typeof(owner) != 'text'",
        FOLLOW_UP_STATUSES,
    ).fetchone()[0]
    if bad:
        raise ModelError(f"{bad} close-the-loop status(es) are not ones CX Mapper writes.")
