"""Counting what makes routes hard to follow, on plain geometry: a reusable test helper.

``count_collisions`` takes the cards and the routed flows as the scene drew them and counts
each kind of fault the map must never show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from cxmapper.ui.canvas.routing import MIN_TRACK_PITCH, Point, Rect

EPS = 0.5  # touching a card's edge is meeting it, not crossing it


@dataclass(frozen=True)
class Drawn:
    """One flow as drawn: its route, its label's rectangle (None when left off), whether it
    is a loop."""

    flow_id: int
    points: tuple[Point, ...]
    label: Rect | None
    loop: bool


@dataclass
class Collisions:
    card_crossings: list[tuple[int, Rect]]  # flow, card it runs through
    label_on_card: list[int]
    label_on_label: list[tuple[int, int]]
    loops_sharing_track: list[tuple[int, int]]
    loops_under_header: list[int]
    flows_sharing_track: list[tuple[int, int]]  # any two flows, loops or not: for figures

    def faults(self) -> dict[str, int]:
        return {
            "card crossings": len(self.card_crossings),
            "labels on cards": len(self.label_on_card),
            "labels on labels": len(self.label_on_label),
            "loops sharing a track": len(self.loops_sharing_track),
            "loops under a stage header": len(self.loops_under_header),
        }


class _Grid:
    def __init__(self, cell: float = 128.0) -> None:
        self.cell = cell
        self.items: dict[tuple[int, int], list[tuple[Rect, object]]] = {}

    def keys(self, r: Rect) -> Iterable[tuple[int, int]]:
        c = self.cell
        for i in range(int(r[0] // c), int(r[2] // c) + 1):
            for j in range(int(r[1] // c), int(r[3] // c) + 1):
                yield i, j

    def add(self, r: Rect, what: object) -> None:
        for k in self.keys(r):
            self.items.setdefault(k, []).append((r, what))

    def near(self, r: Rect) -> set[tuple[Rect, object]]:
        return {hit for k in self.keys(r) for hit in self.items.get(k, ())}


def _overlap(a: Rect, b: Rect, eps: float = 0.0) -> bool:
    return a[0] + eps < b[2] and b[0] + eps < a[2] and a[1] + eps < b[3] and b[1] + eps < a[3]


def count_collisions(cards: Iterable[Rect], drawn: Iterable[Drawn], header: float) -> Collisions:
    """Faults of ``drawn`` over ``cards``; ``header`` is the bottom of the stage header band."""
    flows = list(drawn)
    card_grid = _Grid()
    for r in cards:
        card_grid.add(r, r)
    result = Collisions([], [], [], [], [], [])
    for f in flows:
        for a, b in pairwise(f.points):
            seg = (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
            # A segment has no width: it crosses a card when it enters the card's interior.
            for r, _ in card_grid.near(seg):
                inner = (r[0] + EPS, r[1] + EPS, r[2] - EPS, r[3] - EPS)
                if (
                    inner[0] <= seg[2]
                    and seg[0] <= inner[2]
                    and inner[1] <= seg[3]
                    and seg[1] <= inner[3]
                ):
                    result.card_crossings.append((f.flow_id, r))
        if f.loop and any(p[1] <= header for p in f.points):
            result.loops_under_header.append(f.flow_id)
    labels = _Grid()
    for f in flows:
        if f.label is None:
            continue
        if any(_overlap(f.label, r) for r, _ in card_grid.near(f.label)):
            result.label_on_card.append(f.flow_id)
        for r, other in labels.near(f.label):
            if _overlap(f.label, r):
                result.label_on_label.append((f.flow_id, other))  # type: ignore[arg-type]
        labels.add(f.label, f.flow_id)
    result.flows_sharing_track = _sharing(flows)
    loops = {f.flow_id for f in flows if f.loop}
    result.loops_sharing_track = [
        (a, b) for a, b in result.flows_sharing_track if a in loops and b in loops
    ]
    return result


def _sharing(flows: list[Drawn]) -> list[tuple[int, int]]:
    """Pairs of flows with parallel runs closer than a track pitch along a common stretch."""
    found: set[tuple[int, int]] = set()
    for axis in (0, 1):  # 0: level runs (compare y), 1: upright runs (compare x)
        runs: list[tuple[float, float, float, int]] = []
        for f in flows:
            for a, b in pairwise(f.points):
                across, along = (1, 0) if axis == 0 else (0, 1)
                if abs(a[across] - b[across]) < 1e-6 and abs(a[along] - b[along]) > 1e-6:
                    lo, hi = sorted((a[along], b[along]))
                    runs.append((a[across], lo, hi, f.flow_id))
        runs.sort()
        for n, (pos, lo, hi, fid) in enumerate(runs):
            for pos2, lo2, hi2, fid2 in runs[n + 1 :]:
                if pos2 - pos >= MIN_TRACK_PITCH:
                    break
                if fid2 != fid and min(hi, hi2) - max(lo, lo2) > EPS:
                    found.add((min(fid, fid2), max(fid, fid2)))
    return sorted(found)
