"""The facilitator's agenda (cxmapper/model/agenda.py): time left, overruns, and the boxes
still to come shrunk so the workshop ends on time; stored and checked with the settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxmapper.model.agenda import Timebox, boxes, clock, shrink, timing
from cxmapper.model.project import Project
from cxmapper.model.validation import ModelError

AGENDA = [Timebox("Walk the journey", 20), Timebox("Vote", 10), Timebox("Agree actions", 30)]


def test_on_time_nothing_shrinks() -> None:
    t = timing(AGENDA, 0, 0.0, 5 * 60.0)
    assert (t.current, t.left, t.late, t.overrun) == (0, 15 * 60.0, 0.0, False)
    assert t.planned == t.now_allowed == (10.0, 30.0)


def test_an_overrun_shrinks_the_boxes_to_come_in_proportion() -> None:
    # The walk has run 28 minutes of its 20: eight minutes late, taken from the 40 to come.
    t = timing(AGENDA, 0, 0.0, 28 * 60.0)
    assert t.overrun and t.left == -8 * 60.0 and t.late == 8 * 60.0
    assert t.now_allowed == pytest.approx((8.0, 24.0))
    # The vote then starts late, and is itself on time: still eight minutes to make up.
    t = timing(AGENDA, 1, 28 * 60.0, 60.0)
    assert t.left == 9 * 60.0 and t.late == 8 * 60.0
    assert t.now_allowed == pytest.approx((22.0,))


def test_time_saved_early_is_not_handed_out() -> None:
    t = timing(AGENDA, 1, 15 * 60.0, 0.0)  # the walk took 15 of its 20
    assert t.late == 0.0 and t.now_allowed == (30.0,)


def test_so_late_that_nothing_is_left() -> None:
    t = timing(AGENDA, 0, 0.0, 70 * 60.0)
    assert t.now_allowed == (0.0, 0.0)


def test_after_the_last_box() -> None:
    t = timing(AGENDA, 3, 65 * 60.0, 0.0)
    assert (t.current, t.planned, t.late) == (3, (), 5 * 60.0)


@given(
    st.lists(st.floats(0.5, 120), min_size=1, max_size=8),
    st.floats(0, 300),
)
def test_shrunk_boxes_end_the_workshop_on_time_when_they_can(
    planned: list[float], late: float
) -> None:
    shrunk = shrink(planned, late)
    assert all(0 <= s <= p for s, p in zip(shrunk, planned, strict=True))
    assert sum(shrunk) == pytest.approx(max(0.0, sum(planned) - late), abs=1e-6)


@pytest.mark.parametrize(
    ("seconds", "text"), [(754.0, "12:34"), (0.2, "0:01"), (0.0, "0:00"), (-200.0, "+3:20")]
)
def test_clock(seconds: float, text: str) -> None:
    assert clock(seconds) == text


def test_the_agenda_is_kept_with_the_settings_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "p.cxmap"
    with Project.create(path) as project:
        project.update_settings(agenda=(("Walk the journey", 20), ("Vote", 10.5)))
        for bad, message in (
            ((("Vote", 0),), "more than zero"),
            ((("Vote", 601),), "cannot be above"),
            ((("", 5),), "timebox title"),
            ((("Vote",),), "title and its minutes"),
            (tuple(("x", 1) for _ in range(51)), "at most 50"),
            ("Vote 10", "list of at most"),
        ):
            with pytest.raises(ModelError, match=message):
                project.update_settings(agenda=bad)
    with Project.open(path) as project:
        assert boxes(project.settings.agenda) == [
            Timebox("Walk the journey", 20.0),
            Timebox("Vote", 10.5),
        ]
