"""Where flow labels go: on a free stretch of their own route, clear of every card and every
other label, abbreviated or left off (the arrow's tooltip keeps the full label) when there is
no room. Plain geometry on tuples, like the routes (``routing.py``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise

from cxmapper.ui.canvas.routing import FlowSpec, Point, Rect


class _Buckets:
    """Rectangles hashed by the grid cells they touch, to find overlaps without a scan."""

    CELL = 256.0  # about a card with the gaps round it: most rectangles touch one to four

    def __init__(self, rects: Iterable[Rect] = ()) -> None:
        self.cells: dict[tuple[int, int], list[Rect]] = {}
        cells, c = self.cells, self.CELL
        for r in rects:  # as add(), without a call per rectangle (thousands per edit)
            for i in range(int(r[0] // c), int(r[2] // c) + 1):
                for j in range(int(r[1] // c), int(r[3] // c) + 1):
                    cells.setdefault((i, j), []).append(r)

    def _keys(self, r: Rect) -> Iterable[tuple[int, int]]:
        c = self.CELL
        for i in range(int(r[0] // c), int(r[2] // c) + 1):
            for j in range(int(r[1] // c), int(r[3] // c) + 1):
                yield i, j

    def add(self, r: Rect) -> None:
        for key in self._keys(r):
            self.cells.setdefault(key, []).append(r)

    def hits(self, r: Rect) -> bool:
        for key in self._keys(r):
            for o in self.cells.get(key, ()):
                if r[0] < o[2] and o[0] < r[2] and r[1] < o[3] and o[1] < r[3]:
                    return True
        return False


LABEL_MARGIN = 2.0  # kept free between a label and the cards or labels beside it


def place_labels(
    routes: dict[int, list[Point]],
    flows: Sequence[FlowSpec],
    cards: Iterable[Rect],
    *,
    height: float,
    top: float,
    left: float,
    kept: Iterable[Rect] = (),
) -> dict[int, tuple[Rect, int]]:
    """A place for each label on its own route where it covers no card and no other label:
    flow id → (rectangle, which of its widths). Longer runs are tried first, each at its
    middle, then nearer its ends, on the line and then just beside it; the full label before
    its abbreviations. A label with no room anywhere is left off. ``kept`` are the places of
    labels that stay where they are (an edit places only the labels of the routes it moved)."""
    m = LABEL_MARGIN
    blocked = _Buckets((r[0] - m, r[1] - m, r[2] + m, r[3] + m) for r in cards)
    placed = _Buckets((r[0] - m, r[1] - m, r[2] + m, r[3] + m) for r in kept)
    found: dict[int, tuple[Rect, int]] = {}
    for f in sorted(flows, key=lambda f: f.flow_id):
        points = routes.get(f.flow_id)
        if not f.label_widths or not points:
            continue
        runs = sorted(
            pairwise(points),
            key=lambda run: -(abs(run[1][0] - run[0][0]) + abs(run[1][1] - run[0][1])),
        )
        spot = _first_free(runs, f.label_widths, height, blocked, placed, top, left)
        if spot is not None:
            r = spot[0]
            placed.add((r[0] - m, r[1] - m, r[2] + m, r[3] + m))
            found[f.flow_id] = spot
    return found


def _first_free(
    runs: list[tuple[Point, Point]],
    widths: tuple[float, ...],
    height: float,
    blocked: _Buckets,
    placed: _Buckets,
    top: float,
    left: float,
) -> tuple[Rect, int] | None:
    for choice, width in enumerate(widths):
        for a, b in runs[:3]:
            level = abs(a[1] - b[1]) < 0.5
            aside = (
                (0.0, -(height / 2 + 3), height / 2 + 3)
                if level
                else (0.0, -(width / 2 + 3), width / 2 + 3)
            )
            for t in (0.5, 0.3, 0.7):
                cx, cy = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
                for d in aside:
                    x, y = (cx, cy + d) if level else (cx + d, cy)
                    r = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
                    if r[1] < top or r[0] < left:
                        continue
                    if not blocked.hits(r) and not placed.hits(r):
                        return r, choice
    return None
