"""Where things go on the map: lanes, stage columns and cards (flows: ``routing.py``).

Pure geometry over the model (no items): the scene, the renderer and the tests share it.
Model positions: ``Step.x`` is the card's left edge in map units, ``Step.y`` its offset from
the top of its lane. Scene = map shifted right by the lane header and down by the stage header.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF

from cxmapper.model import entities as e

CARD_W = 200.0
CARD_H = 96.0
PITCH_X = 240.0  # journey column pitch
PITCH_Y = 112.0  # lane row pitch
ROW_TOP = 16.0  # first row's offset inside a lane
MAP_LEFT = 40.0
LANE_HEADER_W = 180.0
STAGE_HEADER_H = 48.0
MIN_LANE_H = ROW_TOP + CARD_H + 24.0
MIN_STAGE_W = CARD_W + 40.0


def snap_x(x: float) -> float:
    return MAP_LEFT + max(0, round((x - MAP_LEFT) / PITCH_X)) * PITCH_X


def snap_y(y: float) -> float:
    return ROW_TOP + max(0, round((y - ROW_TOP) / PITCH_Y)) * PITCH_Y


@dataclass
class Lane:
    work_group_id: int
    top: float  # scene y
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass
class Column:
    stage_id: int
    left: float  # scene x
    right: float


class MapLayout:
    """Lane tops and heights, stage columns, and card rectangles for one state of the model."""

    def __init__(self) -> None:
        self.lanes: dict[int, Lane] = {}
        self.lane_order: list[int] = []
        self.columns: list[Column] = []
        self.width = 0.0
        self.height = 0.0

    def compute(
        self, groups: list[e.WorkGroup], stages: list[e.Stage], steps: list[e.Step]
    ) -> None:
        lowest: dict[int, float] = {}
        for s in steps:
            lowest[s.work_group_id] = max(lowest.get(s.work_group_id, 0.0), s.y + CARD_H)
        top = STAGE_HEADER_H
        self.lanes = {}
        self.lane_order = [g.id for g in groups]
        for g in groups:
            height = max(MIN_LANE_H, lowest.get(g.id, 0.0) + 24.0)
            self.lanes[g.id] = Lane(g.id, top, height)
            top += height
        self.height = top
        right_edge = max((s.x + CARD_W for s in steps), default=MAP_LEFT + CARD_W)
        self.width = LANE_HEADER_W + right_edge + 2 * MAP_LEFT
        self.columns = self._columns(stages, steps)
        if self.columns:
            self.width = max(self.width, self.columns[-1].right + MAP_LEFT)

    @staticmethod
    def _columns(stages: list[e.Stage], steps: list[e.Step]) -> list[Column]:
        """Stage columns span their steps' x-range, in stage order, never overlapping; a stage
        without steps gets a narrow empty column where it stands."""
        spans: dict[int, tuple[float, float]] = {}
        for s in steps:
            if s.stage_id is None:
                continue
            lo, hi = spans.get(s.stage_id, (s.x, s.x + CARD_W))
            spans[s.stage_id] = (min(lo, s.x), max(hi, s.x + CARD_W))
        columns: list[Column] = []
        cursor = LANE_HEADER_W
        for stage in stages:
            lo, hi = spans.get(stage.id, (cursor - LANE_HEADER_W + MAP_LEFT / 2, 0.0))
            left = max(cursor, LANE_HEADER_W + lo - MAP_LEFT / 2)
            right = max(left + MIN_STAGE_W, LANE_HEADER_W + hi + MAP_LEFT / 2)
            columns.append(Column(stage.id, left, right))
            cursor = right
        return columns

    # --- mapping between model and scene ----------------------------------------------------

    def card_rect(self, step: e.Step) -> QRectF:
        lane = self.lanes.get(step.work_group_id)
        top = lane.top if lane else STAGE_HEADER_H
        return QRectF(LANE_HEADER_W + step.x, top + step.y, CARD_W, CARD_H)

    def lane_at(self, scene_y: float) -> int | None:
        for gid in self.lane_order:
            lane = self.lanes[gid]
            if lane.top <= scene_y < lane.bottom:
                return gid
        if self.lane_order:
            return self.lane_order[0] if scene_y < STAGE_HEADER_H else self.lane_order[-1]
        return None

    def stage_at(self, scene_x: float) -> int | None:
        for column in self.columns:
            if column.left <= scene_x < column.right:
                return column.stage_id
        return None

    def stage_near(self, scene_x: float) -> int | None:
        """The stage a card centred at ``scene_x`` joins: the column holding it, else the
        nearest end column. Never none while stages exist: a step without a stage would read
        first in the journey order, so one placed past the last column must not lose it."""
        if not self.columns:
            return None
        found = self.stage_at(scene_x)
        if found is not None:
            return found
        ends = (self.columns[0], self.columns[-1])
        return ends[0].stage_id if scene_x < ends[0].left else ends[1].stage_id

    def to_model(self, scene_pos: QPointF) -> tuple[int | None, float, float]:
        """The lane, x and y (snapped) a card dropped with its top-left at ``scene_pos`` gets."""
        centre_y = scene_pos.y() + CARD_H / 2
        gid = self.lane_at(centre_y)
        if gid is None:
            return None, 0.0, 0.0
        lane = self.lanes[gid]
        return gid, snap_x(scene_pos.x() - LANE_HEADER_W), snap_y(scene_pos.y() - lane.top)

    def scene_rect(self) -> QRectF:
        return QRectF(0, 0, max(self.width, 800.0), max(self.height + 40.0, 400.0))
