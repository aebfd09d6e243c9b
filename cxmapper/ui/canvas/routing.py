"""The routes of all flows, in the gutters of the card grid. Plain geometry on tuples (no
Qt), so tests can count collisions without a scene.

Cards stand in column bands and row bands (the x- and y-ranges their rectangles cover,
merged where they overlap). Between bands run the gutters: column gaps from the top of the
map to its bottom and row gaps across its whole width, so a line kept inside gutters never
crosses a card, whatever the layout. Every route is a few runs in gutters joined by short
stubs into the sides of its own cards:

- a flow leaves its source's right side, runs in the column gap right of it, along a row gap,
  up or down the column gap left of its target and into the target's left side;
- a loop (a flow going back) leaves by its source's top or bottom and enters its target's
  top or bottom, running in the row gaps over or under the cards (never in the stage
  headers' band) and crossing rows in a column gap, so it reads as an arrow going back.

Runs sharing a gutter get tracks of their own (interval colouring: a run takes the lowest
track free along its stretch), taking turns either side of the gutter's middle, so no two
runs lie on one another. The router keeps what it found, so that after an edit only the
flows the edit touches are routed again (:meth:`Router.update`). Labels: ``labels.py``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
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

    Runs asking for a track are kept by key as (start, end, flow id) along the gutter, and
    hashed by stretches of ``CELL`` so the runs along a stretch are found without a scan."""

    CELL = 512.0

    def __init__(self, low: float, high: float) -> None:
        self.low = low  # the gap's extent across it
        self.high = high
        self.requests: dict[int, tuple[float, float, int]] = {}
        self.cells: dict[int, set[int]] = {}
        self.assigned: dict[int, int] = {}  # request key → track
        self.tracks = 0
        self.pitch = TRACK_PITCH
        self._next_key = 0
        half = (high - low - 2 * CLEARANCE) / 2
        # How many tracks fit at the smallest pitch that still reads as separate lines.
        self.capacity = max(1, 2 * int(half // MIN_TRACK_PITCH) + 1)

    def add(self, low: float, high: float, flow_id: int) -> int:
        key = self._next_key
        self._next_key += 1
        self.requests[key] = (low, high, flow_id)
        for cell in range(int(low // self.CELL), int(high // self.CELL) + 1):
            self.cells.setdefault(cell, set()).add(key)
        return key

    def remove(self, key: int) -> None:
        low, high, _ = self.requests.pop(key)
        self.assigned.pop(key, None)
        for cell in range(int(low // self.CELL), int(high // self.CELL) + 1):
            self.cells[cell].discard(key)

    def along(self, low: float, high: float) -> set[int]:
        """The keys of the runs that share some of [low, high]."""
        found: set[int] = set()
        for cell in range(int(low // self.CELL), int(high // self.CELL) + 1):
            for key in self.cells.get(cell, ()):
                a, b, _ = self.requests[key]
                if a <= high and low <= b:
                    found.add(key)
        return found

    def load(self, low: float, high: float) -> float:
        """The share of the gutter's tracks taken along [low, high] once one more run is
        there: the most runs over any one point of the stretch, the new one included."""
        spans = [self.requests[k][:2] for k in self.along(low, high)]
        clipped = [(max(a, low), min(b, high)) for a, b in spans]
        return (_most_at_once(clipped) + 1) / self.capacity

    def assign_all(self) -> None:
        """Tracks by interval colouring: each run, by where it starts, takes the lowest
        track free along it (as few tracks as the most runs over one point)."""
        busy: list[tuple[float, int]] = []  # (end, track)
        free: list[int] = []
        self.assigned = {}
        count = 0
        for low, high, key in sorted((r[0], r[1], k) for k, r in self.requests.items()):
            while busy and busy[0][0] < low:
                heapq.heappush(free, heapq.heappop(busy)[1])
            track = heapq.heappop(free) if free else count
            count = max(count, track + 1)
            self.assigned[key] = track
            heapq.heappush(busy, (high, track))
        self.tracks = count
        self.pitch = self._pitch(count)

    def assign(self, key: int) -> bool:
        """A track for one new run: the lowest free along it, the others kept where they
        are. Returns whether the tracks had to close up (every run here moves)."""
        low, high, _ = self.requests[key]
        taken = {self.assigned[k] for k in self.along(low, high) if k in self.assigned}
        track = next(t for t in range(len(taken) + 1) if t not in taken)
        self.assigned[key] = track
        self.tracks = max(self.tracks, track + 1)
        pitch = self._pitch(self.tracks)
        if pitch < self.pitch:
            self.pitch = pitch
            return True
        return False

    def _pitch(self, tracks: int) -> float:
        # Tracks take turns either side of the middle: 0, +1, -1, +2, -2… pitches from it.
        half = (self.high - self.low - 2 * CLEARANCE) / 2
        reach = tracks // 2
        return TRACK_PITCH if reach == 0 else min(TRACK_PITCH, half / reach)

    def position(self, key: int) -> float:
        track = self.assigned[key]
        turn = (track + 1) // 2 if track % 2 else -(track // 2)
        return (self.low + self.high) / 2 + turn * self.pitch


def _most_at_once(spans: Iterable[tuple[float, float]]) -> int:
    """The most of ``spans`` (closed intervals) that overlap at any one point."""
    ends = sorted([(a, -1) for a, _ in spans] + [(b, 1) for _, b in spans])
    depth = most = 0
    for _, step in ends:
        depth -= step  # a start (-1) sorts before an end (+1) at the same point: both count
        most = max(most, depth)
    return most


Track = tuple[Gutter, int]  # a run's request in a gutter, resolved to a track once all are in
# How crowded a row gap is along a stretch with one more run (or, with True, take that run).
Crowding = Callable[[int, tuple[float, float], bool], float]
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
        # What the last routing found, kept so an edit routes only the flows it touches.
        self.flows: dict[int, FlowSpec] = {}
        self.plans: dict[int, tuple[Plan, bool]] = {}  # flow id → (plan, leaves upright)
        self.ports: dict[tuple[int, str], float] = {}
        self._loop_sides: dict[int, tuple[str, str]] = {}
        self._at: dict[tuple[int, int], int] = {}  # (column, row) → step
        self._by_card: dict[int, set[int]] = {}  # step → flows at it
        self._uses: dict[tuple[int, str], set[int]] = {}  # (step, side) → flows (not loops)
        self._planning = 0  # the flow whose runs are being requested

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

    def _ports(self, flows: Iterable[FlowSpec]) -> dict[tuple[int, str], float]:
        """Where each flow meets its cards: (flow id, "out"/"in") → y on a side, x on top.
        The ports of a side depend on all the flows at it: ``flows`` holds them all."""
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
            if not self._crowded(step, side):
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
        """Route every flow of ``flows`` (those whose cards are both there)."""
        kept = [f for f in flows if f.source in self.cards and f.target in self.cards]
        self._index(kept)
        self._loop_sides = self._sides_of_loops(kept, self._listed_crowding())
        self.ports = self._ports(kept)
        # Loops first: they have the fewest gutters to choose from; the other flows then take
        # the least crowded of theirs.
        for f in sorted(kept, key=lambda f: (not f.loop, f.flow_id)):
            self.plans[f.flow_id] = self._plan(f, self.ports), f.loop  # loops leave upright
        for gutter in (*self.column_gaps, *self.row_gaps):
            gutter.assign_all()
        return {flow_id: self._resolve(*plan) for flow_id, plan in self.plans.items()}

    def update(
        self, cards: dict[int, Rect], flows: Sequence[FlowSpec]
    ) -> dict[int, list[Point]] | None:
        """Route again after an edit: only the flows at the cards it moved or whose flows it
        changed (and at the cards facing those across a column gap), and the flows sharing
        a card with those (their ports may move); the other routes stay as they were.
        Returns the routes made again, or None when the bands of cards changed (a lane grew,
        a column emptied): then everything is routed anew."""
        columns = bands((r[0], r[2]) for r in cards.values())
        rows = bands((r[1], r[3]) for r in cards.values())
        if columns != self.columns or rows != self.rows:
            return None
        new = {f.flow_id: f for f in flows if f.source in cards and f.target in cards}

        def ends(f: FlowSpec) -> tuple[int, int, bool]:
            return f.source, f.target, f.loop

        old = self.flows
        changed = {i for i in old.keys() | new.keys() if i not in old or i not in new}
        changed |= {i for i in old.keys() & new.keys() if ends(old[i]) != ends(new[i])}
        moved = {c for c in cards.keys() | self.cards.keys() if cards.get(c) != self.cards.get(c)}
        touched = set(moved)
        for i in changed:
            for f in (old.get(i), new.get(i)):
                if f is not None:
                    touched |= {f.source, f.target}
        places = {self.place[c] for c in touched if c in self.place}
        self.cards = cards
        self.place = {
            c: (_band_of(self.columns, r[0]), _band_of(self.rows, r[1])) for c, r in cards.items()
        }
        places |= {self.place[c] for c in touched if c in self.place}
        for i in changed & old.keys():
            self._drop(i)
            if i not in new:
                self.ports.pop((i, "out"), None)
                self.ports.pop((i, "in"), None)
        self._index(list(new.values()))
        # Whether a lone port is shifted depends on the flows facing it across a column gap.
        dirty = touched | {
            self._at[c + d, r] for c, r in places for d in (-1, 1) if (c + d, r) in self._at
        }
        first = {i for c in dirty for i in self._by_card.get(c, ())} | (changed & new.keys())
        cards_again = {c for i in first for c in (new[i].source, new[i].target)}
        again = {i for c in cards_again for i in self._by_card.get(c, ())}
        for i in again:
            self._drop(i)
        loops = [new[i] for i in first if new[i].loop]
        self._loop_sides.update(self._sides_of_loops(loops, self._gutter_crowding))
        for i in [i for i in self._loop_sides if i not in new]:
            del self._loop_sides[i]
        # The ports of every side of those cards (the far ends of the flows at them keep
        # theirs: nothing there changed).
        ports = self._ports(new[i] for i in again)
        for i in again:
            f = new[i]
            if f.source in cards_again:
                self.ports[i, "out"] = ports[i, "out"]
            if f.target in cards_again:
                self.ports[i, "in"] = ports[i, "in"]
        closed_up: set[int] = set()
        for f in sorted((new[i] for i in again), key=lambda f: (not f.loop, f.flow_id)):
            plan = self._plan(f, self.ports)
            self.plans[f.flow_id] = plan, f.loop
            for value in plan:
                if not isinstance(value, tuple):
                    continue
                gutter, key = value
                if gutter.assign(key):
                    closed_up |= {r[2] for r in gutter.requests.values()}
                if gutter.tracks > gutter.capacity:
                    # Tracks taken one by one can need more than the fewest: rather than
                    # bring runs closer than they can be told apart, route everything anew.
                    return None
        return {i: self._resolve(*self.plans[i]) for i in again | closed_up}

    def _drop(self, flow_id: int) -> None:
        """Take a flow's runs out of its gutters (it is routed again, or gone)."""
        plan, _ = self.plans.pop(flow_id, ([], False))
        for value in plan:
            if isinstance(value, tuple):
                value[0].remove(value[1])

    def _index(self, flows: list[FlowSpec]) -> None:
        self.flows = {f.flow_id: f for f in flows}
        self._at = {place: step for step, place in self.place.items()}
        self._by_card = {}
        self._uses = {}
        for f in flows:
            self._by_card.setdefault(f.source, set()).add(f.flow_id)
            self._by_card.setdefault(f.target, set()).add(f.flow_id)
            if not f.loop:
                self._uses.setdefault((f.source, "right"), set()).add(f.flow_id)
                self._uses.setdefault((f.target, "left"), set()).add(f.flow_id)

    def _crowded(self, step: int, side: str) -> bool:
        """Whether a card side with one arrow faces, across a column gap, a side with other
        arrows: both lone ports would sit mid-card and their stubs could meet, so they are
        shifted apart."""
        column, row = self.place[step]
        other = self._at.get((column + 1, row) if side == "right" else (column - 1, row))
        if other is None:
            return False
        across = self._uses.get((other, "left" if side == "right" else "right"), set())
        return bool(across) and across != self._uses.get((step, side), set())

    def _request(self, gutters: list[Gutter], index: int, low: float, high: float) -> Track:
        gutter = gutters[index]
        return gutter, gutter.add(min(low, high), max(low, high), self._planning)

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
        self._planning = f.flow_id
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

    def _sides_of_loops(
        self, flows: Sequence[FlowSpec], crowding: Crowding
    ) -> dict[int, tuple[str, str]]:
        """Which sides of its cards each loop leaves and enters by: the first of its choices
        whose row gaps have a track free along its stretch, else the least crowded.

        A loop within a row goes over the cards, in the row gap above them, else under them
        (the gap under the stage headers is narrow). A loop between rows first leaves by the
        side facing the way it goes and enters by the side facing where it comes from, so it
        crosses rows in a column gap without running past its own cards; when those gaps are
        full, it leaves or enters by its cards' other sides, through other row gaps."""
        sides: dict[int, tuple[str, str]] = {}
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
                crowded = max(crowding(g, stretch, False) for g in gaps)
                if best is None or crowded < best[0]:
                    best = (crowded, n)
                if crowded <= 1.0:
                    break
            assert best is not None
            out_side, in_side = choices[best[1]]
            sides[f.flow_id] = (out_side, in_side)
            for gap in {rs if out_side == "top" else rs + 1, rt if in_side == "top" else rt + 1}:
                crowding(gap, stretch, True)
        return sides

    def _listed_crowding(self) -> Crowding:
        """Crowding of row gaps by the loops placed so far (routing a whole map: the gutters
        are still empty while loops choose their sides)."""
        taken: dict[int, list[tuple[float, float]]] = {}

        def crowding(gap: int, stretch: tuple[float, float], take: bool) -> float:
            if take:
                taken.setdefault(gap, []).append(stretch)
                return 0.0
            runs = [(a, b) for a, b in taken.get(gap, ()) if a <= stretch[1] and stretch[0] <= b]
            return (_most_at_once(runs) + 1) / self.row_gaps[gap].capacity

        return crowding

    def _gutter_crowding(self, gap: int, stretch: tuple[float, float], take: bool) -> float:
        """Crowding of a row gap by the runs in it (routing again after an edit)."""
        return 0.0 if take else self.row_gaps[gap].load(*stretch)

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
    def _resolve(plan: Plan, upright: bool) -> list[Point]:
        """A plan's coordinates as points: the first point's x and y, then each further value
        moves one of them, in turn, starting with y when the route leaves ``upright``."""
        values = [v[0].position(v[1]) if isinstance(v, tuple) else v for v in plan]
        x, y = values[0], values[1]
        points = [(x, y)]
        for n in range(2, len(values)):
            if (n % 2 == 0) == upright:
                y = values[n]
            else:
                x = values[n]
            points.append((x, y))
        return points
