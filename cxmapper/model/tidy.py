"""Tidy: the compact, deterministic layout of the map, in the layered (Sugiyama) style over
the stage grid.

- Every step keeps its lane and its stage; a step drawn outside its stage's columns (only
  older files hold one) goes back into them, and a step without a stage in a project with
  stages gets the stage of the column it is drawn in (see :mod:`cxmapper.model.placement`).
- Inside a stage, steps are put in columns by the longest path of the flows between them: a
  forward flow goes at least one column to the right, except a hand-off down to a lane below,
  which may stay in its column (as a service blueprint draws the backstage work a customer's
  action sets off: straight below it); steps not linked by flows share a column even in
  different lanes. Back-flows (loops) are ignored for this, except that a loop never comes to
  point forwards: its source stays in or right of its target's column.
- Stages follow one another in stage order, each as wide as its columns; no column is left
  empty (a stage without steps keeps the one column it owns).
- In each lane, the cards of one column are stacked in rows ordered by the barycentre of the
  steps they are linked to (sweeps left to right and back), to keep crossings low; lanes are
  as tall as their fullest column.

Which flows count as forward is read from the reading order (stage, then column, then lane,
then id), and the result keeps every flow forward or backward as it was; the rows are computed
from ids and flows alone, never from the rows drawn before. So the same file always gives the
same layout, and tidying a tidy map changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cxmapper.model.placement import Placed, bands, column_of, stage_at, x_of, y_of

SWEEPS = 4  # barycentre passes each way; crossings rarely improve after a few


def tidy_moves(
    stage_ids: Sequence[int],
    group_ids: Sequence[int],
    steps: Sequence[Placed],
    flows: Sequence[tuple[int, int]],
) -> dict[int, dict[str, Any]]:
    """The tidy layout as moves: step id → the fields (stage, x, y) that change."""
    places = tidy_places(stage_ids, group_ids, steps, flows)
    moves: dict[int, dict[str, Any]] = {}
    for s in steps:
        stage, x, y = places[s.id]
        changes = {k: v for k, v in (("stage_id", stage), ("x", x), ("y", y)) if getattr(s, k) != v}
        if changes:
            moves[s.id] = changes
    return moves


def tidy_places(
    stage_ids: Sequence[int],
    group_ids: Sequence[int],
    steps: Sequence[Placed],
    flows: Sequence[tuple[int, int]],
) -> dict[int, tuple[int | None, float, float]]:
    """Step id → (stage, x, y) of the tidy layout."""
    found = bands(stage_ids, steps)
    stage_pos = {stage_id: n for n, stage_id in enumerate(stage_ids)}
    lane_pos = {group_id: n for n, group_id in enumerate(group_ids)}
    stage: dict[int, int | None] = {
        s.id: s.stage_id
        if s.stage_id is not None and s.stage_id in stage_pos
        else stage_at(found, column_of(s.x))
        for s in steps
    }
    lane = {s.id: s.work_group_id for s in steps}

    def stage_key(step_id: int) -> int:
        own = stage[step_id]
        return stage_pos[own] if own is not None else -1

    def tie(step_id: int) -> tuple[int, int]:
        return lane_pos.get(lane[step_id], len(lane_pos)), step_id

    # The reading order decides which flows are forward (as the journey's loop detection does).
    rank = {
        s.id: n
        for n, s in enumerate(sorted(steps, key=lambda s: (stage_key(s.id), s.x, *tie(s.id))))
    }
    # Constraints inside each stage, as edges from lower to higher rank (so acyclic):
    # forward flow u→v: column(v) ≥ column(u) + 1, or ≥ column(u) for a hand-off down to a
    # lane below (the shared column still reads u first: the reading order goes down the
    # lanes, so the flow stays forward); back-flow s→t: column(s) ≥ column(t), and one more
    # when a shared column would read t after s (which would turn the loop forward). A path of
    # shared columns only goes down, so it never comes back to the lane it left.
    after: dict[int, list[tuple[int, int]]] = {s.id: [] for s in steps}
    for source, target in flows:
        if source == target or stage[source] != stage[target]:
            continue
        if rank[source] < rank[target]:
            down = lane_pos.get(lane[target], -1) > lane_pos.get(lane[source], len(lane_pos))
            after[target].append((source, 0 if down else 1))
        else:
            after[source].append((target, 1 if tie(target) > tie(source) else 0))
    column: dict[int, int] = {}
    for step_id in sorted(rank, key=rank.__getitem__):
        column[step_id] = max((column[p] + gap for p, gap in after[step_id]), default=0)
    # Stages side by side, in stage order; the unstaged steps of a file without stages first.
    width: dict[int | None, int] = {}
    for step_id, c in column.items():
        width[stage[step_id]] = max(width.get(stage[step_id], 0), c + 1)
    offset: dict[int | None, int] = {None: 0}
    cursor = width.get(None, 0)
    for stage_id in stage_ids:
        offset[stage_id] = cursor
        cursor += max(width.get(stage_id, 1), 1)
    absolute = {i: offset[stage[i]] + c for i, c in column.items()}
    rows = _rows(absolute, lane, lane_pos, flows)
    return {i: (stage[i], x_of(absolute[i]), y_of(rows[i])) for i in absolute}


def _rows(
    column: dict[int, int],
    lane: dict[int, int],
    lane_pos: dict[int, int],
    flows: Sequence[tuple[int, int]],
) -> dict[int, int]:
    """The row of each step in its lane: the cards of one lane and column, stacked in the
    order of the barycentre of their linked steps' heights (lane, then row)."""
    neighbours: dict[int, list[int]] = {i: [] for i in column}
    for source, target in flows:
        if source != target:
            neighbours[source].append(target)
            neighbours[target].append(source)
    cells: dict[tuple[int, int], list[int]] = {}
    for step_id in sorted(column):
        cells.setdefault((column[step_id], lane[step_id]), []).append(step_id)
    row = {i: n for cell in cells.values() for n, i in enumerate(cell)}
    stacked = [cell for cell in cells.values() if len(cell) > 1]
    if not stacked:
        return row
    depth = max(len(cell) for cell in cells.values())

    def height(step_id: int) -> float:
        return lane_pos.get(lane[step_id], len(lane_pos)) * depth + row[step_id]

    by_column = sorted(stacked, key=lambda cell: column[cell[0]])
    for sweep in range(2 * SWEEPS):
        leftwards = sweep % 2 == 1
        for cell in reversed(by_column) if leftwards else by_column:
            here = column[cell[0]]

            def barycentre(step_id: int, here: int = here, leftwards: bool = leftwards) -> float:
                # Left-to-right sweeps look at the steps to the left, then the other way.
                linked = [
                    height(n)
                    for n in neighbours[step_id]
                    if (column[n] > here if leftwards else column[n] < here)
                ]
                return sum(linked) / len(linked) if linked else float(row[step_id])

            ordered = sorted(cell, key=lambda i: (barycentre(i), row[i], i))
            cell[:] = ordered
            for n, step_id in enumerate(ordered):
                row[step_id] = n
    return row
