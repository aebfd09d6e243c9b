"""Where things go on the map, in scene coordinates: lanes, stage columns and cards (flows:
``routing.py``).

The grid and its rules (columns, rows, stage bands, free rows) are the model's
(:mod:`cxmapper.model.placement`); this module only maps them to the scene, which is the map
shifted right by the lane header and down by the stage header. Pure geometry (no items): the
scene, the renderer and the tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF

from cxmapper.model import entities as e
from cxmapper.model import placement
from cxmapper.model.placement import (
    CARD_H,
    CARD_W,
    MAP_LEFT,
    PITCH_X,
    PITCH_Y,
    ROW_TOP,
    Band,
    column_of,
    snap_x,
    snap_y,
)

__all__ = [
    "CARD_H",
    "CARD_W",
    "MAP_LEFT",
    "PITCH_X",
    "PITCH_Y",
    "ROW_TOP",
    "snap_x",
    "snap_y",
]

LANE_HEADER_W = 180.0
STAGE_HEADER_H = 48.0
MIN_LANE_H = ROW_TOP + CARD_H + 24.0


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
        self.bands: list[Band] = []
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
        # A stage's column is its band of journey columns (the model's rule), so its header
        # always spans exactly the cards of its stage.
        self.bands = placement.bands([s.id for s in stages], steps)
        self.columns = [
            Column(b.stage_id, LANE_HEADER_W + b.left, LANE_HEADER_W + b.right) for b in self.bands
        ]
        if self.columns:
            self.width = max(self.width, self.columns[-1].right + MAP_LEFT)

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
        """The stage a card centred at ``scene_x`` joins: the band of the journey column it
        snaps to (past the last band, the last stage). Never none while stages exist."""
        left = scene_x - LANE_HEADER_W - CARD_W / 2
        return placement.stage_at(self.bands, column_of(left))

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
