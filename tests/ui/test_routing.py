"""Routes you can follow: no arrow through a card, no label on a card or another label, no
two loops on one track, no loop under the stage headers, on the demo, on a 2,000-step map
and on random grids; and an edit gives new routes only to the arrows it moves."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QMainWindow

from cxmapper.model import entities as e
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.ui.canvas.labels import place_labels
from cxmapper.ui.canvas.layout import (
    CARD_H,
    CARD_W,
    LANE_HEADER_W,
    MAP_LEFT,
    PITCH_X,
    PITCH_Y,
    ROW_TOP,
    STAGE_HEADER_H,
    MapLayout,
)
from cxmapper.ui.canvas.routing import FlowSpec, Router
from cxmapper.ui.canvas.scene import JourneyScene
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.document.context import DocumentContext
from tests.ui.collisions import Collisions, Drawn, count_collisions

NONE = {
    "card crossings": 0,
    "labels on cards": 0,
    "labels on labels": 0,
    "loops sharing a track": 0,
    "loops under a stage header": 0,
}


def scene_collisions(scene: JourneyScene) -> Collisions:
    cards = [
        (c.pos().x(), c.pos().y(), c.pos().x() + CARD_W, c.pos().y() + CARD_H)
        for c in scene.cards.values()
    ]
    drawn = [
        Drawn(a.flow_id, a.points, a.label_rect, a.kind == "loop") for a in scene.arrows.values()
    ]
    return count_collisions(cards, drawn, STAGE_HEADER_H)


def test_the_demo_routes_cleanly(qapp, tmp_path: Path) -> None:
    write_demo(tmp_path / "demo.cxmap")
    with Project.open(tmp_path / "demo.cxmap") as p:
        scene = JourneyScene.picture(p)
        found = scene_collisions(scene)
        assert found.faults() == NONE
        assert found.flows_sharing_track == []  # not even flows that are not loops
        assert scene.routing_overflow == []
        assert {a.kind for a in scene.arrows.values()} == {"flow", "handoff", "loop"}
        labelled = [a for a in scene.arrows.values() if a.label]
        # Most labels find room; every one left off or cut short is in the tooltip.
        assert sum(a.label_rect is not None for a in labelled) >= 0.75 * len(labelled)
        assert all(a.toolTip() == a.label for a in labelled)


def test_a_two_thousand_step_map_routes_cleanly(qapp, tmp_path: Path) -> None:
    write_demo(tmp_path / "big.cxmap", steps=2000)
    with Project.open(tmp_path / "big.cxmap") as p:
        scene = JourneyScene.picture(p)
        assert len(scene.arrows) > 4000
        found = scene_collisions(scene)
        assert found.faults() == NONE
        assert found.flows_sharing_track == []
        assert scene.routing_overflow == []


@st.composite
def grids(draw: st.DrawFn) -> tuple[dict[int, tuple[float, float, float, float]], list[FlowSpec]]:
    """Cards on the snapped grid of random lanes, rows and columns (laid out by the map's
    own layout), and random flows between them: some of them loops, some with labels."""
    lanes = draw(st.integers(1, 5))
    columns = draw(st.integers(1, 8))
    rows = draw(st.integers(1, 3))
    cells = [(g, r, c) for g in range(lanes) for r in range(rows) for c in range(columns)]
    chosen = draw(st.lists(st.sampled_from(cells), min_size=1, max_size=24, unique=True))
    groups = [e.WorkGroup(g + 1, f"Group {g}", position=g) for g in range(lanes)]
    steps = [
        e.Step(n + 1, g + 1, f"Step {n}", x=MAP_LEFT + c * PITCH_X, y=ROW_TOP + r * PITCH_Y)
        for n, (g, r, c) in enumerate(chosen)
    ]
    layout = MapLayout()
    layout.compute(groups, [], steps)
    cards = {}
    for s in steps:
        rect = layout.card_rect(s)
        cards[s.id] = (rect.left(), rect.top(), rect.right(), rect.bottom())
    ids = sorted(cards)
    ends = st.tuples(st.sampled_from(ids), st.sampled_from(ids), st.booleans(), st.booleans())
    pairs = draw(st.lists(ends, max_size=2 * len(ids), unique_by=lambda t: (t[0], t[1])))
    flows = [
        FlowSpec(n + 1, a, b, loop or a == b, (90.0, 50.0) if labelled else ())
        for n, (a, b, loop, labelled) in enumerate(pairs)
    ]
    return cards, flows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_random_grids_route_cleanly(grid) -> None:
    cards, flows = grid
    router = Router(cards, top=STAGE_HEADER_H, left=LANE_HEADER_W)
    routes = router.route_all(flows)
    labels = place_labels(
        routes, flows, cards.values(), height=18.0, top=STAGE_HEADER_H, left=LANE_HEADER_W
    )
    assert set(routes) == {f.flow_id for f in flows}
    for f in flows:  # each route starts on its source's edge and ends on its target's
        (x0, y0), (x1, y1) = routes[f.flow_id][0], routes[f.flow_id][-1]
        s, t = cards[f.source], cards[f.target]
        assert s[0] <= x0 <= s[2] and s[1] <= y0 <= s[3]
        assert t[0] <= x1 <= t[2] and t[1] <= y1 <= t[3]
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in pairwise(routes[f.flow_id]))
    drawn = [
        Drawn(f.flow_id, tuple(routes[f.flow_id]), labels.get(f.flow_id, (None, -1))[0], f.loop)
        for f in flows
    ]
    found = count_collisions(cards.values(), drawn, STAGE_HEADER_H)
    faults = found.faults()
    assert faults["card crossings"] == 0
    assert faults["labels on cards"] == faults["labels on labels"] == 0
    assert faults["loops under a stage header"] == 0
    if not router.overflow():  # a gutter with more runs than tracks is reported instead
        assert found.flows_sharing_track == []


@pytest.fixture
def demo_view(qtbot, tmp_path: Path):
    write_demo(tmp_path / "demo.cxmap")
    p = Project.open(tmp_path / "demo.cxmap")
    ctx = DocumentContext(p)
    window = QMainWindow()
    view = JourneyView(ctx)
    window.setCentralWidget(view)
    window.resize(1600, 1000)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield view
    view.close_view()
    ctx.close()
    p.close()


def test_dragging_a_card_reroutes_its_arrows_and_keeps_the_map_clean(
    qtbot, demo_view: JourneyView
) -> None:
    scene = demo_view.journey_scene
    p = demo_view.project
    step = next(s for s in p.steps() if s.title == "Discovery call")
    before = {fid: (a.points, a.label_rect) for fid, a in scene.arrows.items()}
    own = {f.id for f in p.flows() if step.id in (f.source_id, f.target_id)}
    assert own
    card = scene.cards[step.id]
    demo_view.ensureVisible(card)
    start = demo_view.mapFromScene(card.sceneBoundingRect().center())
    drop = demo_view.mapFromScene(card.sceneBoundingRect().center() + QPointF(0, 3 * PITCH_Y))
    qtbot.mousePress(demo_view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for n in range(1, 6):
        qtbot.mouseMove(demo_view.viewport(), start + (drop - start) * n / 5)
    qtbot.mouseRelease(demo_view.viewport(), Qt.MouseButton.LeftButton, pos=drop)
    assert p.step(step.id).work_group_id != step.work_group_id
    after = {fid: (a.points, a.label_rect) for fid, a in scene.arrows.items()}
    changed = {fid for fid in after if after[fid] != before[fid]}
    assert own <= changed  # the moved card's arrows follow it
    assert len(changed) < len(after) / 2  # the rest of the map keeps its routes
    assert scene_collisions(scene).faults() == NONE
    demo_view.ctx.undo_stack.undo()
    assert {fid: (a.points, a.label_rect) for fid, a in scene.arrows.items()} == before


def test_the_counter_finds_each_fault() -> None:
    """The counter itself, on faults drawn by hand, so a clean count means a clean map."""
    a, b, c = (300, 100, 500, 196), (780, 100, 980, 196), (540, 100, 740, 196)
    through = Drawn(1, ((500, 148), (780, 148)), None, False)  # straight through c
    loop_1 = Drawn(2, ((400, 100), (400, 80), (880, 80), (880, 100)), (600, 70, 690, 88), True)
    loop_2 = Drawn(3, ((420, 100), (420, 81), (860, 81), (860, 100)), (620, 72, 700, 90), True)
    high = Drawn(4, ((410, 100), (410, 40), (870, 40), (870, 100)), (560, 150, 640, 168), True)
    found = count_collisions([a, b, c], [through, loop_1, loop_2, high], STAGE_HEADER_H)
    assert found.faults() == {
        "card crossings": 1,
        "labels on cards": 1,
        "labels on labels": 1,
        "loops sharing a track": 1,
        "loops under a stage header": 1,
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids(), st.data())
def test_an_edit_routes_again_only_what_it_touches(grid, data) -> None:
    """After an edit (a card moved to a free place in its row, a flow added or removed, a
    flow turned into a loop), the routes made again and those kept are together what the
    router holds, still clean; a map whose bands of cards changed is routed anew."""
    cards, flows = grid
    router = Router(cards, top=STAGE_HEADER_H, left=LANE_HEADER_W)
    routes = router.route_all(flows)
    ids = sorted(cards)
    edit = data.draw(st.sampled_from(["move", "add", "remove", "loop"]))
    cards, flows = dict(cards), list(flows)
    if edit == "move":
        step = data.draw(st.sampled_from(ids))
        r = cards[step]
        taken = {(c[0], c[1]) for c in cards.values()}
        free = [
            x for x in {c[0] for c in cards.values()} if (x, r[1]) not in taken
        ]  # a place in a column some card already stands in: the bands stay
        if not free:
            return
        x = data.draw(st.sampled_from(sorted(free)))
        cards[step] = (x, r[1], x + CARD_W, r[3])
    elif edit == "add":
        a, b = data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids))
        flows.append(FlowSpec(max((f.flow_id for f in flows), default=0) + 1, a, b, a == b))
    elif flows:
        n = data.draw(st.integers(0, len(flows) - 1))
        f = flows[n]
        if edit == "remove":
            del flows[n]
        else:
            flows[n] = FlowSpec(f.flow_id, f.source, f.target, not f.loop or f.source == f.target)
    again = router.update(cards, flows)
    if again is None:  # bands changed, or the tracks would have to close up too far
        router = Router(cards, top=STAGE_HEADER_H, left=LANE_HEADER_W)
        routes = router.route_all(flows)
    else:
        routes = {f: p for f, p in routes.items() if f in {g.flow_id for g in flows}}
        routes.update(again)
    assert set(routes) == {f.flow_id for f in flows}
    for flow_id, (plan, upright) in router.plans.items():  # nothing kept is out of date
        assert routes[flow_id] == router._resolve(plan, upright)
    drawn = [Drawn(f.flow_id, tuple(routes[f.flow_id]), None, f.loop) for f in flows]
    found = count_collisions(cards.values(), drawn, STAGE_HEADER_H)
    assert found.faults()["card crossings"] == 0
    assert found.faults()["loops under a stage header"] == 0
    if not router.overflow():
        assert found.flows_sharing_track == []
