"""Placement as a model rule, and the tidy layout: its invariants over generated maps."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from cxmapper.model import entities as e
from cxmapper.model import placement
from cxmapper.model.placement import column_of, row_of, x_of, y_of
from cxmapper.model.project import Project
from cxmapper.model.tidy import tidy_moves, tidy_places
from tests.conftest import snapshot

Map = tuple[list[int], list[int], list[e.Step], list[tuple[int, int]]]


@st.composite
def maps(draw: st.DrawFn) -> Map:
    """A map as a file may hold it: steps anywhere (on the grid or off it, in their stage's
    columns or not, some without a stage), flows anywhere (loops and self-flows too)."""
    stages = list(range(100, 100 + draw(st.integers(0, 4))))
    groups = list(range(10, 10 + draw(st.integers(1, 4))))
    n = draw(st.integers(0, 24))
    steps = []
    for i in range(1, n + 1):
        stage = draw(st.sampled_from([None, *stages])) if stages else None
        steps.append(
            e.Step(
                id=i,
                work_group_id=draw(st.sampled_from(groups)),
                title=f"Step {i}",
                stage_id=stage,
                x=draw(st.floats(-100, 3000, allow_nan=False)),
                y=draw(st.floats(0, 800, allow_nan=False)),
            )
        )
    flows = []
    if steps:
        ends = st.integers(1, n)
        flows = draw(st.lists(st.tuples(ends, ends), max_size=40))
    return stages, groups, steps, flows


def tidied(m: Map) -> list[e.Step]:
    stages, groups, steps, flows = m
    places = tidy_places(stages, groups, steps, flows)
    return [
        replace(s, stage_id=places[s.id][0], x=places[s.id][1], y=places[s.id][2]) for s in steps
    ]


def reading_rank(stages: list[int], groups: list[int], steps: list[e.Step]) -> dict[int, int]:
    """The journey's reading order (stage, column, lane, id), as journey_order has it."""

    def key(s: e.Step) -> tuple[int, float, int, int]:
        stage = stages.index(s.stage_id) if s.stage_id in stages else -1
        return stage, s.x, groups.index(s.work_group_id), s.id

    return {s.id: n for n, s in enumerate(sorted(steps, key=key))}


@settings(max_examples=300, deadline=None)
@given(maps())
def test_tidy_keeps_lanes_and_stages_and_lays_out_a_tight_grid(m: Map) -> None:
    stages, _groups, steps, _flows = m
    drawn = placement.bands(stages, steps)
    after = tidied(m)
    before = {s.id: s for s in steps}
    found = placement.bands(stages, after)
    for s in after:
        old = before[s.id]
        assert s.work_group_id == old.work_group_id
        if old.stage_id is not None:
            assert s.stage_id == old.stage_id
        elif stages:  # an older file's step without a stage gets the one it is drawn in
            assert s.stage_id == placement.stage_at(drawn, column_of(old.x))
        assert s.x == x_of(column_of(s.x)) and s.y == y_of(row_of(s.y))  # on the grid
    # No two cards overlap; every card is in its stage's columns (the bands are in stage
    # order and side by side by construction).
    assert len({(s.work_group_id, s.x, s.y) for s in after}) == len(after)
    assert placement.misplaced(stages, after) == []
    # No empty column: every column of a stage with steps holds a card, a stage without
    # steps keeps the one column it owns; and each lane's column is stacked from the top.
    for band in found:
        used = {column_of(s.x) for s in after if s.stage_id == band.stage_id}
        assert used == set(range(band.first, band.last + 1)) or (
            not used and band.first == band.last
        )
    used = sorted({column_of(s.x) for s in after})
    if not stages:
        assert used == list(range(len(used)))
    cells: dict[tuple[int, int], list[int]] = {}
    for s in after:
        cells.setdefault((s.work_group_id, column_of(s.x)), []).append(row_of(s.y))
    assert all(sorted(rows) == list(range(len(rows))) for rows in cells.values())


@settings(max_examples=300, deadline=None)
@given(maps())
def test_no_flow_points_backwards_unless_it_is_a_loop(m: Map) -> None:
    stages, groups, steps, flows = m
    # A step without a stage takes the stage it is drawn in before anything is ordered.
    staged = [s for s in tidied(m)]
    start = {s.id: s for s in steps}
    rank_of = reading_rank(
        stages,
        groups,
        [replace(start[s.id], stage_id=s.stage_id) for s in staged],
    )
    after = {s.id: s for s in staged}
    rank_after = reading_rank(stages, groups, staged)
    lane_of = {g: n for n, g in enumerate(groups)}
    for source, target in flows:
        if source == target:
            continue
        forward = rank_of[source] < rank_of[target]
        # A forward flow still reads forward, a loop still reads back...
        assert (rank_after[source] < rank_after[target]) == forward
        a, b = after[source], after[target]
        if forward and a.stage_id == b.stage_id:
            # ...and inside a stage a forward flow goes at least a column right, or straight
            # down to a lane below (a hand-off under the step that sets it off)
            down = lane_of[b.work_group_id] > lane_of[a.work_group_id]
            assert b.x > a.x or (b.x == a.x and down)


@settings(max_examples=200, deadline=None)
@given(maps(), st.randoms(use_true_random=False))
def test_tidy_is_deterministic_and_idempotent(m: Map, rng: random.Random) -> None:
    stages, groups, steps, flows = m
    first = tidy_places(stages, groups, steps, flows)
    shuffled_steps, shuffled_flows = list(steps), list(flows)
    rng.shuffle(shuffled_steps)
    rng.shuffle(shuffled_flows)
    assert tidy_places(stages, groups, shuffled_steps, shuffled_flows) == first
    assert tidy_moves(stages, groups, tidied(m), flows) == {}


def test_steps_not_linked_share_a_column_across_lanes() -> None:
    stages, groups = [100], [10, 11]
    steps = [
        e.Step(1, 10, "Asks", 100, x=x_of(0)),
        e.Step(2, 11, "Answers", 100, x=x_of(3)),
        e.Step(3, 10, "Reads", 100, x=x_of(5)),
        e.Step(4, 11, "Files", 100, x=x_of(7)),
    ]
    places = tidy_places(stages, groups, steps, [(1, 2), (2, 3), (3, 1)])
    # "Answers" is handed down from "Asks": straight below it; "Reads" comes back up, so a
    # column to the right; "Files" is linked to nothing and shares the first column.
    assert [column_of(places[i][1]) for i in (1, 2, 3, 4)] == [0, 0, 1, 0]


def test_a_hand_off_up_to_a_lane_above_takes_the_next_column() -> None:
    stages, groups = [100], [10, 11]
    steps = [e.Step(1, 11, "Sends", 100, x=x_of(0)), e.Step(2, 10, "Receives", 100, x=x_of(2))]
    places = tidy_places(stages, groups, steps, [(1, 2)])
    # In one column "Receives" would read first (the lanes are read top down): one to the right.
    assert [column_of(places[i][1]) for i in (1, 2)] == [0, 1]


def test_a_new_step_gets_the_stage_it_is_drawn_in(project: Project) -> None:
    group = project.add_work_group("Customer")
    first = project.add_step(group.id, "Before stages", x=x_of(0))
    assert first.stage_id is None  # no stages: nothing to give
    discover, buy = project.add_stage("Discover"), project.add_stage("Buy")
    project.update_step(first.id, stage_id=discover.id)
    # Discover owns column 0, Buy every column after it.
    assert project.add_step(group.id, "Reads", x=x_of(0), y=y_of(1)).stage_id == discover.id
    assert project.add_step(group.id, "Orders", x=x_of(4)).stage_id == buy.id


def test_steps_of_a_removed_stage_join_the_stage_they_are_drawn_in(project: Project) -> None:
    group = project.add_work_group("Customer")
    a, b, c = (project.add_stage(n) for n in ("Discover", "Buy", "Use"))
    steps = [
        project.add_step(group.id, f"Step {n}", stage_id=stage.id, x=x_of(n))
        for n, stage in enumerate((a, b, b, c))
    ]
    removal = project.remove_stage(b.id)
    assert [project.step(s.id).stage_id for s in steps] == [a.id, c.id, c.id, c.id]
    assert placement.misplaced([a.id, c.id], project.steps()) == []
    project.restore(removal)
    assert [project.step(s.id).stage_id for s in steps] == [a.id, b.id, b.id, c.id]


def test_the_next_step_stays_in_its_stage_and_makes_room() -> None:
    stages = [100, 101]
    steps = [
        e.Step(1, 10, "A", 100, x=x_of(0)),
        e.Step(2, 10, "B", 101, x=x_of(1)),
        e.Step(3, 11, "C", 101, x=x_of(2)),
    ]
    x, y, room = placement.next_place(stages, steps, steps[0], 10)
    assert (column_of(x), row_of(y)) == (1, 0)
    assert room == {2: x_of(2), 3: x_of(3)}  # the next stage moves one column right
    # Inside its stage, the next free row of the next column, nothing moved.
    x, y, room = placement.next_place(stages, steps, steps[1], 11)
    assert (column_of(x), row_of(y), room) == (2, 1, {})


def test_older_files_name_their_misplaced_steps() -> None:
    steps = [
        e.Step(1, 10, "A", 100, x=x_of(2)),
        e.Step(2, 10, "B", 101, x=x_of(0)),  # drawn left of its stage's columns
        e.Step(3, 10, "C", None, x=x_of(3)),  # no stage
    ]
    assert placement.misplaced([100, 101], steps) == [2, 3]
    assert placement.misplaced([], steps) == []


def test_the_map_check_names_misplaced_steps_until_tidied(project: Project) -> None:
    from cxmapper.model.journey import analyse

    group = project.add_work_group("Customer")
    discover, buy = project.add_stage("Discover"), project.add_stage("Buy")
    a = project.add_step(group.id, "Searches", stage_id=discover.id, x=x_of(0))
    b = project.add_step(group.id, "Orders", stage_id=buy.id, x=x_of(1))
    project.add_flow(a.id, b.id)
    assert analyse(project).warnings == []
    project.update_step(b.id, x=x_of(0), y=y_of(1))  # an older file: Buy drawn under Discover
    assert analyse(project).misplaced_steps == [b.id]
    assert analyse(project).warnings[0].startswith("“Orders” is not drawn in its stage's")
    moves = tidy_moves([discover.id, buy.id], [group.id], project.steps(), [(a.id, b.id)])
    for step_id, changes in moves.items():
        project.update_step(step_id, **changes)
    assert analyse(project).warnings == []


def test_stages_take_their_columns_when_reordered_and_the_first_holds_every_step(
    project: Project,
) -> None:
    group = project.add_work_group("Customer")
    loose = [project.add_step(group.id, f"Step {n}", x=x_of(n)) for n in range(3)]
    discover = project.add_stage("Discover")
    assert {project.step(s.id).stage_id for s in loose} == {discover.id}
    buy = project.add_stage("Buy")
    project.update_step(loose[2].id, stage_id=buy.id)
    before = snapshot(project)
    project.reorder(e.Stage, [buy.id, discover.id])
    assert [column_of(project.step(s.id).x) for s in loose] == [1, 2, 0]
    assert placement.misplaced([buy.id, discover.id], project.steps()) == []
    project.reorder(e.Stage, [discover.id, buy.id])
    assert snapshot(project) == before
