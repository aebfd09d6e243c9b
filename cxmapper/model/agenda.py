"""The facilitator's agenda: timeboxes ("Walk the journey 20 min, Vote 10 min") and the
arithmetic of a workshop running late.

The agenda is stored with the project's settings (``ProjectSettings.agenda``: title and minutes
per box). The clock itself (which box runs, for how long) is the session's, not the file's;
:func:`timing` turns it into what the room sees: the time left in the current box, how far it
has overrun, and how much each box still to come must shrink for the workshop to end on time.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BOXES = 50
MAX_MINUTES = 600.0  # one box: ten hours


@dataclass(frozen=True)
class Timebox:
    title: str
    minutes: float


@dataclass(frozen=True)
class Timing:
    """Where the workshop stands against its agenda."""

    current: int  # the box running (== len(boxes) once the agenda is done)
    left: float  # seconds left in the current box; negative when it overruns
    late: float  # seconds the workshop is behind its plan (0 when on time or early)
    planned: tuple[float, ...]  # minutes of the boxes still to come, as planned
    now_allowed: tuple[float, ...]  # the same boxes shrunk so the workshop ends on time

    @property
    def overrun(self) -> bool:
        return self.left < 0


def boxes(agenda: tuple[tuple[str, float], ...]) -> list[Timebox]:
    return [Timebox(title, float(minutes)) for title, minutes in agenda]


def shrink(planned: list[float], late_minutes: float) -> list[float]:
    """The minutes each box still to come gets when the workshop is ``late_minutes`` behind
    and must still end on time: every box gives up the same share of its time (a 20-minute
    box gives twice what a 10-minute one gives); none goes below zero."""
    total = sum(planned)
    if late_minutes <= 0 or total <= 0:
        return list(planned)
    keep = max(0.0, 1.0 - late_minutes / total)
    return [m * keep for m in planned]


def timing(agenda: list[Timebox], current: int, spent_before: float, elapsed: float) -> Timing:
    """``current``: the box running; ``spent_before``: seconds the earlier boxes took in fact;
    ``elapsed``: seconds into the current box."""
    planned_until = sum(b.minutes for b in agenda[: current + 1]) * 60.0
    if current >= len(agenda):
        return Timing(current, 0.0, max(0.0, spent_before - planned_until), (), ())
    left = agenda[current].minutes * 60.0 - elapsed
    # Behind plan: the time used so far, counting the current box as at least its planned
    # length (it cannot end sooner than now), past where the plan would be at its end.
    used = spent_before + max(elapsed, agenda[current].minutes * 60.0)
    late = max(0.0, used - planned_until)
    to_come = [b.minutes for b in agenda[current + 1 :]]
    return Timing(current, left, late, tuple(to_come), tuple(shrink(to_come, late / 60.0)))


def clock(seconds: float) -> str:
    """``12:05`` for time left, ``+3:20`` for an overrun."""
    sign = "+" if seconds < 0 else ""
    whole = int(abs(seconds) + (0.999 if seconds > 0 else 0.0))  # 0.2 s left still shows 0:01
    return f"{sign}{whole // 60}:{whole % 60:02d}"
