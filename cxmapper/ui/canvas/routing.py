"""The routes of all flows at once, in the gutters of the card grid, and where labels go.

Plain geometry on tuples (no Qt), so tests can count collisions without a scene.

Cards stand in column bands and row bands (the x- and y-ranges their rectangles cover,
merged where they overlap). Between bands run the gutters: column gaps from the top of the
map to its bottom and row gaps across its whole width, so a line kept inside gutters never
crosses a card, whatever the layout. Every route is a few runs in gutters joined by short
stubs into the sides of its own cards:

- a flow leaves its source's right side, runs in the column gap right of it, along a row gap,
  down or up the column gap left of its target and into the target's left side;
- a loop (a flow going back) leaves its source's top, runs in the row gap above it (below the
  stage headers, whose band is never used), crosses rows in a column gap if it must, and comes
  down into its target's top, so it reads as an arrow going back over the cards.

Runs sharing a gutter get tracks of their own (interval colouring: a run takes the lowest
track free along its stretch), spread evenly across the gutter, so no two runs ever lie on
one another. Labels go on a free stretch of their route, abbreviated or left off (the arrow's
tooltip keeps the full label) when there is no room.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # left, top, right, bottom

TRACK_PITCH = 6.0  # preferred distance between tracks sharing a gutter
MIN_TRACK_PITCH = 4.0  # closer than this, two lines read as one
CLEARANCE = 3.0  # between a gutter's outermost track and the cards beside it
PORT_PITCH = 8.0  # between arrows meeting one side of a card
LOOP_PORT_PITCH = 12.0
EDGE_GAP = 40.0  # the gutters outside the last column and below the last row


@dataclass(frozen=True, slots=True)
class FlowSpec:
    """A flow to route: its cards (by step id), whether it goes back, its label's widths
    (the full label first, then abbreviations; empty without a label)."""

    flow_id: int
    source: int
    target: int
    loop: bool
    label_widths: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Routed:
    points: tuple[Point, ...]
    label: Rect | None = None  # where the label is drawn, None when left off
    label_choice: int = -1  # which of the label's widths it got


class Gutter:
    """A gap between bands of cards: column gaps run vertically, row gaps horizontally.

    Runs asking for a track are kept as (start, end, key) along the gutter, and hashed by
    stretches of ``CELL`` so the crowding along a stretch is found without a scan of all."""

    CELL = 512.0

    def __init__(self, low: float, high: float) -> None:
        self.low = low  # the gap's extent across it
        self.high = high
        self.requests: list[tuple[float, float, int]] = []
        self.cells: dict[int, list[tuple[float, float, int]]] = {}
        self.tracks = 0
        self.assigned: dict[int, int] = {}  # request key → track
        self.positions: list[float] = []  # track → where it runs across the gutter
        # How many tracks fit at the smallest pitch that still reads as separate lines.
        self.capacity = max(1, int((high - low - 2 * CLEARANCE) // MIN_TRACK_PITCH) + 1)

    def add(self, low: float, high: float) -> int:
        key = len(self.requests)
        request = (low, high, key)
        self.requests.append(request)
        for cell in range(int(low // self.CELL), int(high // self.CELL) + 1):
            self.cells.setdefault(cell, []).append(request)
        return key

    def load(self, low: float, high: float) -> float:
        """The share of the gutter's tracks taken along [low, high] once one more run is
        there: the most runs over any one point of the stretch, the new one included."""
        inside: dict[int, tuple[float, float]] = {}
        for cell in range(int(low // self.CELL), int(high // self.CELL) + 1):
            for a, b, key in self.cells.get(cell, ()):
                if a <= high and low <= b:
                    inside[key] = (max(a, low), min(b, high))
        return (_most_at_once(inside.values()) + 1) / self.capacity


def _most_at_once(spans: Iterable[tuple[float, float]]) -> int:
    """The most of ``spans`` (closed intervals) that overlap at any one point."""
    ends = sorted([(a, -1) for a, _ in spans] + [(b, 1) for _, b in spans])
    depth = most = 0
    for _, step in ends:
        depth -= step  # a start (-1) sorts before an end (+1) at the same point: both count
        most = max(most, depth)
    return most


Track = tuple[Gutter, int]  # a run's request in a gutter, resolved to a track once all are in
# A route as coordinates, x and y in turn from its first point: a fixed value, or a track.
Plan = list[float | Track]


def bands(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The ranges covered by ``spans``, overlapping ones merged, in order."""
    merged: list[list[float]] = []
    for low, high in sorted(spans):
        if merged and low < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(a, b) for a, b in merged]


def _band_of(bounds: list[tuple[float, float]], low: float) -> int:
    # Bands are few (columns) or a few hundred (rows): a bisection over their starts.
    lo, hi = 0, len(bounds) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if bounds[mid][0] <= low:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _gaps(bounds: list[tuple[float, float]], start: float) -> list[Gutter]:
    """Gap i lies before band i; the last one after the last band."""
    gaps = [Gutter(start, bounds[0][0] if bounds else start + EDGE_GAP)]
    for (_, end), (nxt, _) in pairwise(bounds):
        gaps.append(Gutter(end, nxt))
    if bounds:
        gaps.append(Gutter(bounds[-1][1], bounds[-1][1] + EDGE_GAP))
    return gaps


def _spread(count: int, centre: float, pitch: float, room: float) -> list[float]:
    """``count`` positions about ``centre``, ``pitch`` apart (closer if ``room`` is short)."""
    if count == 1:
        return [centre]
    step = min(pitch, room / (count - 1))
    first = centre - step * (count - 1) / 2
    return [first + step * n for n in range(count)]


class Router:
    """Routes a whole map: ``cards`` by step id (scene rectangles), ``top`` the lowest y a
    route may use (the stage headers' edge), ``left`` the lowest x (the lane headers')."""

    def __init__(self, cards: dict[int, Rect], *, top: float, left: float) -> None:
        self.cards = cards
        self.top = top
        self.left = left
        self.columns = bands((r[0], r[2]) for r in cards.values())
        self.rows = bands((r[1], r[3]) for r in cards.values())
        self.column_gaps = _gaps(self.columns, left)
        self.row_gaps = _gaps(self.rows, top)
        self.place: dict[int, tuple[int, int]] = {
            step: (_band_of(self.columns, r[0]), _band_of(self.rows, r[1]))
            for step, r in cards.items()
        }

    def overflow(self) -> list[tuple[str, float, int, int]]:
        """Gutters holding more tracks than fit at the smallest pitch, after ``route_all``:
        ("column" or "row", where the gap starts, tracks, capacity). Runs there come closer
        than a track pitch; the grid's gaps would have to widen."""
        return [
            (kind, g.low, g.tracks, g.capacity)
            for kind, gutters in (("column", self.column_gaps), ("row", self.row_gaps))
            for g in gutters
            if g.tracks > g.capacity
        ]

    # --- ports -------------------------------------------------------------------------------

    def _ports(self, flows: Sequence[FlowSpec]) -> dict[tuple[int, str], float]:
        """Where each flow meets its cards: (flow id, "out"/"in") → y on a side, x on top."""
        sides: dict[tuple[int, str], list[tuple[float, float, int, str]]] = {}
        for f in flows:
            s, t = self.cards[f.source], self.cards[f.target]
            if f.loop:
                # Over or under the cards, ordered by where the other end lies.
                out_side, in_side = self._loop_sides[f.flow_id]
                sides.setdefault((f.source, out_side), []).append((t[0], t[1], f.flow_id, "out"))
                sides.setdefault((f.target, in_side), []).append((s[0], s[1], f.flow_id, "in"))
            else:
                sides.setdefault((f.source, "right"), []).append((t[1], t[0], f.flow_id, "out"))
                sides.setdefault((f.target, "left"), []).append((s[1], s[0], f.flow_id, "in"))
        ports: dict[tuple[int, str], float] = {}
        for (step, side), ends in sides.items():
            ends.sort()
            r = self.cards[step]
            if side in ("top", "bottom"):
                # On a lattice shifted a quarter pitch left on tops and right on bottoms, so the
                # ports of cards above one another never line up.
                shift = -LOOP_PORT_PITCH / 4 if side == "top" else LOOP_PORT_PITCH / 4
                first = (r[0] + r[2]) / 2 + shift - LOOP_PORT_PITCH * (len(ends) // 2)
                xs = [first + LOOP_PORT_PITCH * n for n in range(len(ends))]
                if len(ends) > (r[2] - r[0] - 40) // LOOP_PORT_PITCH:  # more than fit: closer
                    xs = _spread(len(ends), (r[0] + r[2]) / 2, LOOP_PORT_PITCH, r[2] - r[0] - 40)
                for x, (_, _, flow_id, end) in zip(xs, ends, strict=True):
                    ports[flow_id, end] = x
                continue
            centre = (r[1] + r[3]) / 2
            if (step, side) not in self._crowded:
                ys = _spread(len(ends), centre, PORT_PITCH, r[3] - r[1] - 24)
            else:
                # On a lattice a pitch apart, shifted a quarter pitch up on right sides and
                # down on left ones, so facing ports are never level.
                shift = -PORT_PITCH / 4 if side == "right" else PORT_PITCH / 4
                ys = [centre + shift + PORT_PITCH * (n - len(ends) // 2) for n in range(len(ends))]
            for y, (_, _, flow_id, end) in zip(ys, ends, strict=True):
                ports[flow_id, end] = y
        return ports

    # --- routing -----------------------------------------------------------------------------

    def route_all(self, flows: Sequence[FlowSpec]) -> dict[int, list[Point]]:
        flows = [f for f in flows if f.source in self.cards and f.target in self.cards]
        self._crowded = self._crowded_sides(flows)
        self._loop_sides = self._sides_of_loops(flows)
        ports = self._ports(flows)
        plans: dict[int, tuple[Plan, bool]] = {}
        # Loops first: they have the fewest gutters to choose from; the other flows then take
        # the least crowded of theirs.
        for f in sorted(flows, key=lambda f: (not f.loop, f.flow_id)):
            plans[f.flow_id] = self._plan(f, ports), f.loop  # loops leave upright
        self._assign(self.column_gaps)
        self._assign(self.row_gaps)
        return {flow_id: self._resolve(*plan) for flow_id, plan in plans.items()}

    def _crowded_sides(self, flows: Sequence[FlowSpec]) -> set[tuple[int, str]]:
        """Sides with one arrow across a column gap from a side with another: both lone
        ports would sit mid-card and their stubs could meet, so they are shifted apart."""
        at = {place: step for step, place in self.place.items()}
        uses: dict[tuple[int, str], set[int]] = {}
        for f in flows:
            if not f.loop:
                uses.setdefault((f.source, "right"), set()).add(f.flow_id)
                uses.setdefault((f.target, "left"), set()).add(f.flow_id)
        crowded: set[tuple[int, str]] = set()
        for (step, side), ids in uses.items():
            column, row = self.place[step]
            other = at.get((column + 1, row) if side == "right" else (column - 1, row))
            if other is None:
                continue
            across = uses.get((other, "left" if side == "right" else "right"), set())
            if across and across != ids:
                crowded.add((step, side))
        return crowded

    @staticmethod
    def _request(gutters: list[Gutter], index: int, low: float, high: float) -> Track:
        gutter = gutters[index]
        return gutter, gutter.add(min(low, high), max(low, high))

    def _pick(
        self, gutters: list[Gutter], candidates: range, low: float, high: float, reach: int = 0
    ) -> int:
        """The gutter of ``candidates`` with a track free along [low, high], the least crowded
        (the first on ties); failing that, the nearest beyond them, up to ``reach`` gutters
        further on either side, with a track free; failing that, the least crowded of all."""
        if len(candidates) == 1 and reach == 0:
            return candidates[0]
        loads = {i: gutters[i].load(low, high) for i in candidates}
        best = min(candidates, key=lambda i: (loads[i], abs(i - candidates[0])))
        if loads[best] <= 1.0:
            return best
        first, last = min(candidates), max(candidates)
        for step in range(1, reach + 1):
            for i in (first - step, last + step):
                if 0 <= i < len(gutters):
                    loads[i] = gutters[i].load(low, high)
                    if loads[i] <= 1.0:
                        return i
        return min(loads, key=lambda i: (loads[i], abs(i - candidates[0])))

    def _plan(self, f: FlowSpec, ports: dict[tuple[int, str], float]) -> Plan:
        """The route as fixed coordinates and track requests, resolved once all flows are in.
        Each request's stretch covers the whole gutters it starts and ends in, so two runs
        meeting in one gutter from both sides count as overlapping and get separate tracks."""
        s, t = self.cards[f.source], self.cards[f.target]
        (cs, rs), (ct, rt) = self.place[f.source], self.place[f.target]
        cg, rg = self.column_gaps, self.row_gaps
        if f.loop:
            return self._plan_loop(f, ports)
        ys, yt = ports[f.flow_id, "out"], ports[f.flow_id, "in"]
        out_gap, in_gap = cs + 1, ct
        if out_gap == in_gap:
            v = self._request(cg, out_gap, ys, yt)
            if abs(ys - yt) < 0.5:
                return [s[2], ys, t[0]]
            return [s[2], ys, v, yt, t[0]]
        if rs < rt:
            choices = range(rt, rs, -1)  # nearest the target first
        elif rs > rt:
            choices = range(rt + 1, rs + 1)
        else:
            choices = range(rs, rs + 2)
        xlo = min(cg[out_gap].low, cg[in_gap].low)
        xhi = max(cg[out_gap].high, cg[in_gap].high)
        # Its column gaps span the map: any row gap will do, the nearest with room is best.
        h = self._pick(rg, choices, xlo, xhi, reach=2)
        hlo, hhi = rg[h].low, rg[h].high
        v1 = self._request(cg, out_gap, ys, hlo if ys > hhi else hhi)
        hr = self._request(rg, h, xlo, xhi)
        v2 = self._request(cg, in_gap, yt, hlo if yt > hhi else hhi)
        return [s[2], ys, v1, hr, v2, yt, t[0]]

    def _sides_of_loops(self, flows: Sequence[FlowSpec]) -> dict[int, tuple[str, str]]:
        """Which sides of its cards each loop leaves and enters by: the first of its choices
        whose row gaps have a track free along its stretch, else the least crowded.

        A loop within a row goes over the cards, in the row gap above them, else under them
        (the gap under the stage headers is narrow). A loop between rows first leaves by the
        side facing the way it goes and enters by the side facing where it comes from, so it
        crosses rows in a column gap without running past its own cards; when those gaps are
        full, it leaves or enters by its cards' other sides, through other row gaps."""
        sides: dict[int, tuple[str, str]] = {}
        taken: dict[int, list[tuple[float, float]]] = {}
        for f in sorted((f for f in flows if f.loop), key=lambda f: f.flow_id):
            s, t = self.cards[f.source], self.cards[f.target]
            rs, rt = self.place[f.source][1], self.place[f.target][1]
            stretch = (min(s[0], t[0]), max(s[2], t[2]))
            if rs == rt:
                choices = [("top", "top"), ("bottom", "bottom")]
            elif rt < rs:
                choices = [("top", "bottom"), ("top", "top"), ("bottom", "bottom")]
            else:
                choices = [("bottom", "top"), ("bottom", "bottom"), ("top", "top")]
            best: tuple[float, int] | None = None
            for n, (out_side, in_side) in enumerate(choices):
                gaps = {rs if out_side == "top" else rs + 1, rt if in_side == "top" else rt + 1}
                crowding = max(self._crowding(taken.get(g, []), g, stretch) for g in gaps)
                if best is None or crowding < best[0]:
                    best = (crowding, n)
                if crowding <= 1.0:
                    break
            assert best is not None
            out_side, in_side = choices[best[1]]
            sides[f.flow_id] = (out_side, in_side)
            for gap in {rs if out_side == "top" else rs + 1, rt if in_side == "top" else rt + 1}:
                taken.setdefault(gap, []).append(stretch)
        return sides

    def _crowding(
        self, runs: list[tuple[float, float]], gap: int, stretch: tuple[float, float]
    ) -> float:
        """The share of a row gap's tracks one more run along ``stretch`` would take."""
        inside = [(a, b) for a, b in runs if a <= stretch[1] and stretch[0] <= b]
        return (_most_at_once(inside) + 1) / self.row_gaps[gap].capacity

    def _plan_loop(self, f: FlowSpec, ports: dict[tuple[int, str], float]) -> Plan:
        s, t = self.cards[f.source], self.cards[f.target]
        (cs, rs), (ct, rt) = self.place[f.source], self.place[f.target]
        cg, rg = self.column_gaps, self.row_gaps
        xs, xt = ports[f.flow_id, "out"], ports[f.flow_id, "in"]
        out_side, in_side = self._loop_sides[f.flow_id]
        ys = s[1] if out_side == "top" else s[3]
        yt = t[1] if in_side == "top" else t[3]
        gap_s = rs if out_side == "top" else rs + 1
        gap_t = rt + 1 if in_side == "bottom" else rt
        if gap_s == gap_t:  # one row, or rows next to each other: one run between them
            h = self._request(rg, gap_s, xs, xt)
            return [xs, ys, h, xt, yt]
        if ct < cs:
            choices = range(cs, ct, -1)
        elif ct > cs:
            choices = range(cs + 1, ct + 1)
        else:
            choices = range(cs, cs + 2)
        ylo, yhi = min(rg[gap_s].low, rg[gap_t].low), max(rg[gap_s].high, rg[gap_t].high)
        v = self._pick(cg, choices, ylo, yhi)
        vlo, vhi = cg[v].low, cg[v].high
        h1 = self._request(rg, gap_s, xs, vlo if xs > vhi else vhi)
        vr = self._request(cg, v, ylo, yhi)
        h2 = self._request(rg, gap_t, xt, vlo if xt > vhi else vhi)
        return [xs, ys, h1, vr, h2, xt, yt]

    @staticmethod
    def _assign(gutters: list[Gutter]) -> None:
        """Tracks by interval colouring: each run takes the lowest track free along it."""
        for gutter in gutters:
            reqs = sorted(gutter.requests)
            busy: list[tuple[float, int]] = []  # (end, track)
            free: list[int] = []
            tracks: dict[int, int] = {}
            count = 0
            for low, high, key in reqs:
                while busy and busy[0][0] < low:
                    heapq.heappush(free, heapq.heappop(busy)[1])
                track = heapq.heappop(free) if free else count
                count = max(count, track + 1)
                tracks[key] = track
                heapq.heappush(busy, (high, track))
            gutter.tracks = count
            gutter.assigned = tracks
            gutter.positions = [track_position(gutter, t) for t in range(count)]

    @staticmethod
    def _resolve(plan: Plan, upright: bool) -> list[Point]:
        """A plan's coordinates as points: the first point's x and y, then each further value
        moves one of them, in turn, starting with y when the route leaves ``upright``."""
        values = [v[0].positions[v[0].assigned[v[1]]] if isinstance(v, tuple) else v for v in plan]
        x, y = values[0], values[1]
        points = [(x, y)]
        for n in range(2, len(values)):
            if (n % 2 == 0) == upright:
                y = values[n]
            else:
                x = values[n]
            points.append((x, y))
        return points


def track_position(gutter: Gutter, track: int) -> float:
    """Tracks are spread evenly about the gutter's middle, a pitch apart when they fit."""
    centre = (gutter.low + gutter.high) / 2
    if gutter.tracks <= 1:
        return centre
    room = gutter.high - gutter.low - 2 * CLEARANCE
    pitch = min(TRACK_PITCH, room / (gutter.tracks - 1))
    return centre + (track - (gutter.tracks - 1) / 2) * pitch


class _Buckets:
    """Rectangles hashed by the grid cells they touch, to find overlaps without a scan."""

    CELL = 128.0

    def __init__(self, rects: Iterable[Rect] = ()) -> None:
        self.cells: dict[tuple[int, int], list[Rect]] = {}
        for r in rects:
            self.add(r)

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
) -> dict[int, tuple[Rect, int]]:
    """A place for each label on its own route where it covers no card and no other label:
    flow id → (rectangle, which of its widths). Longer runs are tried first, each at its
    middle, then nearer its ends, on the line and then just beside it; the full label before
    its abbreviations. A label with no room anywhere is left off."""
    m = LABEL_MARGIN
    blocked = _Buckets((r[0] - m, r[1] - m, r[2] + m, r[3] + m) for r in cards)
    placed = _Buckets()
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
