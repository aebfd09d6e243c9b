"""Where a step goes on the map: the grid of journey columns and lane rows, and the stages.

The rule, shared by the canvas, the import wizard, the demo, the command line and the tidy
layout (and free of Qt, so each of them can use it):

- ``Step.x`` is the card's left edge in map units and sits on a journey column
  (``MAP_LEFT + column × PITCH_X``); ``Step.y`` is its offset from the top of its lane and sits
  on a row (``ROW_TOP + row × PITCH_Y``). Two steps of one lane never share a column and row.
- Each stage owns a contiguous range of columns (its *band*), in stage order, bands side by
  side: a stage's band starts where the one before it ends and reaches its rightmost step; a
  stage without steps still owns one column, so its header shows and a card can be put in it.
- The stage of a step is the stage whose band holds its column, and a step given a stage is
  drawn in that stage's band. Moving a card into another band changes its stage; giving a
  step another stage moves its card into that band. Once a project has stages every new step
  gets one: the project assigns the stage of the column it is drawn in.

The project keeps the rule where it decides alone: a new step without a stage gets the stage
it is drawn in, the first stage takes every step, the steps of a removed stage join the stage
whose columns they are then in, and reordered stages take their cards with them. It does not
refuse an update that breaks the rule: undo must be able to put back exactly what a file held.
The editing paths (drag, Enter, Alt+Left/Right, the inspector, paste, the import wizard)
compute their moves here, so none of them breaks it.

Files from before this rule may hold steps without a stage, or steps drawn outside their
stage's band. They open as they are (nothing is changed silently on open); the map check
names them, and Arrange → Tidy Map (``cxmapper tidy``) puts every step back in its band.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

CARD_W = 200.0
CARD_H = 96.0
PITCH_X = 240.0  # journey column pitch
PITCH_Y = 112.0  # lane row pitch
ROW_TOP = 16.0  # first row's offset inside a lane
MAP_LEFT = 40.0  # the first column's left edge
COLUMN_GAP = PITCH_X - CARD_W  # between two cards side by side; a band's edge is mid-gap


class Placed(Protocol):
    """What placement reads of a step (an ``entities.Step`` is one)."""

    @property
    def id(self) -> int: ...
    @property
    def work_group_id(self) -> int: ...
    @property
    def stage_id(self) -> int | None: ...
    @property
    def x(self) -> float: ...
    @property
    def y(self) -> float: ...


def column_of(x: float) -> int:
    """The journey column a card with left edge ``x`` stands in (the nearest, never < 0)."""
    return max(0, round((x - MAP_LEFT) / PITCH_X))


def x_of(column: int) -> float:
    return MAP_LEFT + column * PITCH_X


def row_of(y: float) -> int:
    return max(0, round((y - ROW_TOP) / PITCH_Y))


def y_of(row: int) -> float:
    return ROW_TOP + row * PITCH_Y


def snap_x(x: float) -> float:
    return x_of(column_of(x))


def snap_y(y: float) -> float:
    return y_of(row_of(y))


@dataclass(frozen=True)
class Band:
    """The columns ``first``…``last`` (inclusive) a stage owns."""

    stage_id: int
    first: int
    last: int

    @property
    def left(self) -> float:
        """The band's left edge in map units (half a gap left of its first card)."""
        return x_of(self.first) - COLUMN_GAP / 2

    @property
    def right(self) -> float:
        return x_of(self.last + 1) - COLUMN_GAP / 2


def bands(stage_ids: Sequence[int], steps: Iterable[Placed]) -> list[Band]:
    """The band of each stage (``stage_ids`` in stage order) for the steps as drawn."""
    last: dict[int, int] = {}
    for s in steps:
        if s.stage_id is not None:
            column = column_of(s.x)
            last[s.stage_id] = max(last.get(s.stage_id, column), column)
    result: list[Band] = []
    cursor = 0
    for stage_id in stage_ids:
        end = max(cursor, last.get(stage_id, cursor))
        result.append(Band(stage_id, cursor, end))
        cursor = end + 1
    return result


def reordered(
    old_order: Sequence[int], new_order: Sequence[int], steps: Iterable[Placed]
) -> dict[int, float]:
    """The new x of each step whose stage's band moves when the stages take ``new_order``:
    each band keeps its width and its cards their places inside it, so the stages' columns
    swap with their names and the reverse order puts every card back."""
    steps = list(steps)
    old = {b.stage_id: b for b in bands(old_order, steps)}
    shift: dict[int, int] = {}
    cursor = 0
    for stage_id in new_order:
        band = old[stage_id]
        shift[stage_id] = cursor - band.first
        cursor += band.last - band.first + 1
    moved: dict[int, float] = {}
    for s in steps:
        by = shift.get(s.stage_id, 0) if s.stage_id is not None else 0
        if by:
            moved[s.id] = s.x + by * PITCH_X  # off the grid (an older file) stays as far off
    return moved


def stage_at(found: Sequence[Band], column: int) -> int | None:
    """The stage a card in ``column`` belongs to: the band holding it; past the last band,
    the last stage (the journey goes on to the right). None only without stages."""
    for band in found:
        if column <= band.last:
            return band.stage_id
    return found[-1].stage_id if found else None


def band_of(found: Sequence[Band], stage_id: int) -> Band:
    for band in found:
        if band.stage_id == stage_id:
            return band
    raise KeyError(stage_id)


def misplaced(stage_ids: Sequence[int], steps: Sequence[Placed]) -> list[int]:
    """Steps that break the rule: without a stage while stages exist, or drawn outside their
    stage's band (only files from before the rule hold them)."""
    if not stage_ids:
        return []
    found = {b.stage_id: b for b in bands(stage_ids, steps)}
    wrong = []
    for s in steps:
        band = found.get(s.stage_id) if s.stage_id is not None else None
        if band is None or not band.first <= column_of(s.x) <= band.last:
            wrong.append(s.id)
    return sorted(wrong)


def free_y(
    steps: Iterable[Placed], work_group_id: int, x: float, y: float = ROW_TOP, *, taken: Any = ()
) -> float:
    """The first free row at or below ``y`` in the lane's column of ``x``. ``taken``: further
    (work group, column, row) places already promised to other cards."""
    column = column_of(x)
    held = {
        row_of(s.y) for s in steps if s.work_group_id == work_group_id and column_of(s.x) == column
    }
    held |= {r for g, c, r in taken if g == work_group_id and c == column}
    row = row_of(y)
    while row in held:
        row += 1
    return y_of(row)


def end_of_lane_x(steps: Iterable[Placed], work_group_id: int) -> float:
    """The column right of the lane's rightmost card (the first column in an empty lane)."""
    columns = [column_of(s.x) for s in steps if s.work_group_id == work_group_id]
    return x_of(max(columns) + 1 if columns else 0)


def next_place(
    stage_ids: Sequence[int], steps: Sequence[Placed], after: Placed, work_group_id: int
) -> tuple[float, float, dict[int, float]]:
    """Where the step that follows ``after`` goes in lane ``work_group_id``: the next column,
    in ``after``'s stage. Returns x, y and the steps to shift right (id → new x) to make
    room when the next column belongs to the following stage: that stage and every one after
    it move one column right, so the new step stays in its stage."""
    column = column_of(after.x) + 1
    shift: dict[int, float] = {}
    if after.stage_id is not None and stage_ids:
        found = bands(stage_ids, steps)
        band = band_of(found, after.stage_id) if after.stage_id in stage_ids else None
        if band is not None and column > band.last and band is not found[-1]:
            shift = {s.id: x_of(column_of(s.x) + 1) for s in steps if column_of(s.x) >= column}
    x = x_of(column)
    if shift:
        return x, ROW_TOP, shift
    return x, free_y(steps, work_group_id, x), shift


def to_stage(
    stage_ids: Sequence[int], steps: Sequence[Placed], moving: Sequence[int], stage_id: int
) -> dict[int, dict[str, Any]]:
    """The moves that put the steps ``moving`` into stage ``stage_id``: each into the band's
    first column when it comes from an earlier stage, into its last column when it comes
    from a later one (the column nearest to where it was), on the first free row of its lane
    there. Steps already in the stage stay. Returns id → changed fields."""
    found = bands(stage_ids, steps)
    band = band_of(found, stage_id)
    order = {b.stage_id: n for n, b in enumerate(found)}
    by_id = {s.id: s for s in steps}
    staying = [s for s in steps if s.id not in set(moving)]
    promised: set[tuple[int, int, int]] = set()
    moves: dict[int, dict[str, Any]] = {}
    for step_id in moving:
        step = by_id[step_id]
        if step.stage_id == stage_id:
            continue
        here = order.get(step.stage_id, -1) if step.stage_id is not None else -1
        x = x_of(band.first if here < order[stage_id] else band.last)
        y = free_y(staying, step.work_group_id, x, taken=promised)
        promised.add((step.work_group_id, column_of(x), row_of(y)))
        moves[step_id] = {"stage_id": stage_id, "x": x, "y": y}
    return moves
