"""Journey analysis on small maps with known hand-offs and loops."""

from __future__ import annotations

import itertools
from pathlib import Path
from unittest.mock import patch

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxmapper.model import journey
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project


def test_handoffs_loops_entries_and_warnings(small_journey: Project) -> None:
    p = small_journey
    steps = {s.title: s.id for s in p.steps()}
    groups = {g.name: g.id for g in p.work_groups()}
    flows = {(f.source_id, f.target_id): f.id for f in p.flows()}
    loop = flows[(steps["Invoice correction"], steps["Receives invoice"])]
    assert journey.loop_flow_ids(p) == {loop}
    assert journey.handoff_flow_ids(p) == {
        flows[(steps["Receives invoice"], steps["Ticket triage"])],
        flows[(steps["Ticket triage"], steps["Invoice correction"])],
        loop,
    }
    a = journey.analyse(p)
    assert a.handoffs == {
        (groups["Customer"], groups["Support"]): 1,
        (groups["Support"], groups["Billing"]): 1,
        (groups["Billing"], groups["Customer"]): 1,
    }
    assert a.loops == [
        [steps["Receives invoice"], steps["Ticket triage"], steps["Invoice correction"]]
    ]
    assert a.entry_steps == [steps["Receives invoice"]]
    assert a.exit_steps == [steps["Pays"]]
    assert a.unreachable_steps == []


def test_unreachable_steps_and_dead_ends_are_warned(small_journey: Project) -> None:
    p = small_journey
    lonely = p.add_step(p.work_groups()[0].id, "Orphan", x=2000).id
    support = p.work_groups()[1].id
    stuck = p.add_step(support, "Waits forever", x=1200).id
    p.add_flow(next(s.id for s in p.steps() if s.title == "Ticket triage"), stuck)
    a = journey.analyse(p)
    assert lonely in a.unreachable_steps
    assert stuck in a.dead_ends
    assert any("Orphan" in w for w in a.warnings)


def test_groups_to_involve_follow_the_loop(small_journey: Project) -> None:
    p = small_journey
    steps = {s.title: s.id for s in p.steps()}
    pain = p.add_pain("Wrong invoices", step_ids=(steps["Invoice correction"],))
    names = [p.work_group(g).name for g in journey.groups_to_involve(p, [pain.id])]
    assert names == ["Customer", "Billing", "Support"]


def test_every_cycle_has_a_loop_flow(project: Project) -> None:
    g = project.add_work_group("Ops").id
    ids = [project.add_step(g, f"S{i}", x=40 + 240 * i).id for i in range(6)]
    for a, b in [(0, 1), (1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (5, 0), (2, 2)]:
        project.add_flow(ids[a], ids[b])
    loops = journey.loop_flow_ids(project)
    graph = journey.build_graph(project)
    forward = [(a, b) for a, b, d in graph.edges(data=True) if not set(d["flow_ids"]) & loops]
    assert nx.is_directed_acyclic_graph(nx.DiGraph(forward))
    assert len(loops) == 3
    scores = journey.critical_steps(project, k=None)
    assert max(scores, key=scores.__getitem__) in ids


def lanes(project: Project, names: str) -> dict[str, int]:
    """One work group per letter, each with one step of that name, left to right."""
    ids = {}
    for n, name in enumerate(names):
        group = project.add_work_group(f"Lane {name}").id
        ids[name] = project.add_step(group, name, x=40 + 240 * n).id
    return ids


def involved(project: Project, *titles: str) -> list[str]:
    steps = {s.title: s.id for s in project.steps()}
    pain = project.add_pain("P", step_ids=tuple(steps[t] for t in titles))
    found = journey.groups_to_involve(project, [pain.id])
    project.remove_pain(pain.id)
    return [project.work_group(g).name.removeprefix("Lane ") for g in found]


def test_groups_to_involve_take_every_step_on_a_loop_through_the_pain(project: Project) -> None:
    s = lanes(project, "AXYWDEZ")
    # The loop A→X→Y→W→D→A (D→A goes back), with short cuts A→D and Y→D: the shortest way
    # from A to D, and from X to D, skip W, yet W is on a five-step loop through X. E hangs
    # off the loop; Z is reached from it, no more.
    for pair in ["AX", "XY", "YW", "WD", "DA", "AD", "YD", "DE", "EZ"]:
        project.add_flow(s[pair[0]], s[pair[1]])
    assert involved(project, "X") == ["A", "X", "Y", "W", "D"]
    assert involved(project, "W") == ["A", "X", "Y", "W", "D"]
    # E's only hand-offs are D (in) and Z (out); it is on no loop.
    assert involved(project, "E") == ["D", "E", "Z"]
    assert involved(project, "Z") == ["E", "Z"]


def test_groups_to_involve_hand_offs_and_loops_within_one_lane(project: Project) -> None:
    ops = project.add_work_group("Ops").id
    billing = project.add_work_group("Billing").id
    legal = project.add_work_group("Legal").id
    a, b, c = (project.add_step(ops, t, x=40 + 240 * n).id for n, t in enumerate("abc"))
    bill = project.add_step(billing, "bill", x=800).id
    law = project.add_step(legal, "law", x=1040).id
    for x, y in [(a, b), (b, c), (c, a), (c, bill), (bill, law), (b, b)]:
        project.add_flow(x, y)
    # b's loops stay in Ops, and its flows hand off to no one: only Ops.
    assert involved(project, "b") == ["Ops"]
    # c hands off to Billing; Legal is two steps away and on no loop through c.
    assert involved(project, "c") == ["Ops", "Billing"]
    # Two pain steps: the union of each one's groups.
    assert involved(project, "b", "law") == ["Ops", "Billing", "Legal"]
    # The back-flow law→b closes b→c→bill→law→b: Billing and Legal now sit on a loop
    # through b and c. Not through a: a reaches that loop, but no loop comes back to a
    # through Billing or Legal without a second back-flow.
    project.add_flow(law, b)
    assert involved(project, "b") == involved(project, "c") == ["Ops", "Billing", "Legal"]
    assert involved(project, "a") == ["Ops"]


def chain(project: Project, n: int) -> list[int]:
    """n steps left to right, each in its own lane, one flow from each to the next."""
    ids = [
        project.add_step(project.add_work_group(f"Lane {i}").id, str(i), x=40 + 240 * i).id
        for i in range(n)
    ]
    for a, b in itertools.pairwise(ids):
        project.add_flow(a, b)
    return ids


def test_a_lifecycle_back_flow_does_not_pull_in_every_group(project: Project) -> None:
    ids = chain(project, 20)
    # Customers who recommend bring the next customers: last step back to the first.
    project.add_flow(ids[-1], ids[0])
    # A rework loop 8 → 9 → 10 → 8, a hand-off from 8 to a lane off the main line.
    project.add_flow(ids[10], ids[8])
    side = project.add_step(project.add_work_group("Lane side").id, "side", x=2300).id
    project.add_flow(ids[8], side)
    assert len(journey.loop_flow_ids(project)) == 2
    assert involved(project, "9") == ["8", "9", "10"]
    assert involved(project, "8") == ["7", "8", "9", "10", "side"]
    assert involved(project, "15") == ["14", "15", "16"]
    # The ends hand off to each other over the lifecycle flow; that is all they share.
    assert involved(project, "0") == ["0", "1", "19"]


@pytest.mark.parametrize("extra", [0, 1])
def test_loops_longer_than_the_bound_are_left_out(project: Project, extra: int) -> None:
    """A loop counts as rework up to MAX_REWORK_LOOP steps (the back-flow included),
    wherever on it the pain is: at its start, its middle, or its end."""
    size = journey.MAX_REWORK_LOOP + extra
    ids = chain(project, size)
    project.add_flow(ids[-1], ids[0])
    first, middle, last = 0, size // 2, size - 1
    for at, hand_offs in [(first, [first + 1, last]), (middle, [middle - 1, middle + 1])]:
        found = involved(project, str(at))
        if extra == 0:
            assert found == [str(i) for i in range(size)]
        else:  # one step too long: the pain step and its hand-offs only
            assert found == sorted({str(at), *map(str, hand_offs)}, key=int)
    found = involved(project, str(last))
    assert found == (
        [str(i) for i in range(size)] if extra == 0 else ["0", str(last - 1), str(last)]
    )


@pytest.mark.parametrize("side", ["before", "after"])
@pytest.mark.parametrize("extra", [0, 1])
def test_a_detour_counts_while_its_loop_fits_the_bound(
    project: Project, side: str, extra: int
) -> None:
    """Before s: v → a → s → v is a short loop, and v → y1 → … → ym → s → v beside it
    counts while it has at most MAX_REWORK_LOOP steps (m + 2), though no shortest path takes
    it. After s, the same mirrored: s → a → u → s, and s → y1 → … → ym → u → s."""
    m = journey.MAX_REWORK_LOOP - 2 + extra
    detour = [f"y{i}" for i in range(1, m + 1)]
    if side == "before":
        order, flows = ["v", "a", *detour, "s"], [("v", "a"), ("a", "s"), ("s", "v")]
        path, hand_off = ["v", *detour, "s"], detour[-1]  # ym hands off to s either way
    else:
        order, flows = ["s", "a", *detour, "u"], [("s", "a"), ("a", "u"), ("u", "s")]
        path, hand_off = ["s", *detour, "u"], detour[0]  # and s to y1
    s = {}
    for n, name in enumerate(order):
        s[name] = project.add_step(project.add_work_group(name).id, name, x=40 + 10 * n).id
    for a, b in [*flows, *itertools.pairwise(path)]:
        project.add_flow(s[a], s[b])
    assert len(journey.loop_flow_ids(project)) == 1
    found = involved(project, "s")
    assert found == [n for n in order if extra == 0 or n not in detour or n == hand_off]


@pytest.mark.parametrize(
    ("names", "flows", "bound", "left_out"),
    [
        # Two ways back into v, from u (near s) and w (far): the near one sets how long the
        # way from v to s may be, so the detour v → y → z → s fits, on v→y→z→s→u→v (5).
        ("vyzsuabw", "vs vy yz zs su sa ab bw uv wv", 5, ""),
        ("vyzsuabw", "vs vy yz zs su sa ab bw uv wv", 4, "ybw"),
        # The same, mirrored: two ways back out of v, to u (near s) and w (far).
        ("wbauszyv", "sv yv zy sz us as ba wb vu vw", 5, ""),
        ("wbauszyv", "sv yv zy sz us as ba wb vu vw", 4, "ybw"),
        # X's own way back (from f, far) leaves no room for a detour, but V comes back
        # from n (near) and reaches X first: the loop V→X→y→z→s→n→V has 6 steps.
        ("VXyzsnpqrf", "VX Xs Xy yz zs sn sp pq qr rf nV fX", 6, ""),
        ("VXyzsnpqrf", "VX Xs Xy yz zs sn sp pq qr rf nV fX", 5, "yqrf"),
    ],
)
def test_the_shortest_way_round_sets_how_far_a_loop_may_go(
    project: Project, names: str, flows: str, bound: int, left_out: str
) -> None:
    s = lanes(project, names)
    for pair in flows.split():
        project.add_flow(s[pair[0]], s[pair[1]])
    with patch.object(journey, "MAX_REWORK_LOOP", bound):
        assert involved(project, "s") == [n for n in names if n not in left_out]


def test_demo_pains_involve_the_groups_around_them(tmp_path: Path) -> None:
    """The demo's lifecycle back-flow (Recommends Northwind → Researches analytics
    platforms) closes a loop through every step; no pain may call every group for it."""
    write_demo(tmp_path / "demo.cxmap")
    with Project.open(tmp_path / "demo.cxmap") as p:
        names = {g.id: g.name for g in p.work_groups()}
        found = {
            pain.title: [names[g] for g in journey.groups_to_involve(p, [pain.id])]
            for pain in p.pains()
        }
        assert all(len(groups) < len(names) for groups in found.values())
        assert found["Security review drags on"] == ["Customer", "Sales", "Engineering"]
        assert found["Renewal surprises on price"] == ["Customer", "Sales", "Customer Success"]
        assert found["Invoices with wrong seats or tax"] == ["Customer", "Billing", "Support"]


@st.composite
def looped_maps(draw: st.DrawFn) -> tuple[int, int, list[tuple[int, int]], list[int]]:
    """A bound, a number of steps, flows and the pain's steps. Steps read left to right.
    One or two loops v ⇝ s ⇝ u → v run through the first pain step s; more flows go right
    (a small random DAG: short cuts and detours) and a few more go back (to the left, or to
    themselves), so loops within the bound, beyond it and beside it all come up."""
    n = draw(st.integers(1, 10))
    step = st.integers(0, n - 1)
    s = draw(step)
    flows: list[tuple[int, int]] = []
    for _ in range(draw(st.integers(1, 2))):
        v, u = draw(st.integers(0, s)), draw(st.integers(s, n - 1))
        loop = sorted({v, s, u} | draw(st.sets(st.integers(v, u))))
        flows += [*itertools.pairwise(loop), (u, v)]
    ahead = st.tuples(step, step).filter(lambda ab: ab[0] < ab[1])
    back = st.tuples(step, step).filter(lambda ab: ab[0] >= ab[1])
    flows += draw(st.lists(ahead, max_size=n)) + draw(st.lists(back, max_size=2))
    pain = draw(st.lists(step, max_size=1))
    return draw(st.integers(1, 8)), n, list(dict.fromkeys(flows)), [s, *pain]


@settings(max_examples=200, deadline=None)
@given(case=looped_maps())
def test_groups_to_involve_are_those_on_short_loops_and_hand_offs(
    case: tuple[int, int, list[tuple[int, int]], list[int]],
) -> None:
    """Each step in its own lane, so the groups tell exactly which steps were taken."""
    bound, n, pairs, pain_at = case
    p = Project.in_memory()
    try:
        ids = [p.add_step(p.add_work_group(f"G{i}").id, f"S{i}", x=40 * i).id for i in range(n)]
        for a, b in pairs:
            p.add_flow(ids[a], ids[b])
        pain = p.add_pain("P", step_ids=tuple(dict.fromkeys(ids[i] for i in pain_at)))
        with patch.object(journey, "MAX_REWORK_LOOP", bound):
            found = set(journey.groups_to_involve(p, [pain.id]))

        lane = {s.id: s.work_group_id for s in p.steps()}
        loops = journey.loop_flow_ids(p)
        back = [(f.source_id, f.target_id) for f in p.flows() if f.id in loops]
        forward = nx.DiGraph()
        forward.add_nodes_from(ids)
        forward.add_edges_from((f.source_id, f.target_id) for f in p.flows() if f.id not in loops)
        full = journey.build_graph(p)
        far = float("inf")
        dist = dict(nx.all_pairs_shortest_path_length(forward))

        def d(a: int, b: int) -> float:
            return dist[a].get(b, far)

        allowed: set[int] = set()  # the property: pain, hand-off, or on a qualifying loop
        expected: set[int] = set()  # exactly: on such a loop within the bound
        for s in pain.step_ids:
            around = {s} | set(full.predecessors(s)) | set(full.successors(s))
            allowed |= {lane[w] for w in around}
            expected |= {lane[w] for w in around}
            for u, v in back:
                if d(v, s) + d(s, u) + 1 > bound:
                    continue
                for w in ids:
                    if nx.has_path(forward, v, w) and nx.has_path(forward, w, s):
                        allowed.add(lane[w])
                    if nx.has_path(forward, s, w) and nx.has_path(forward, w, u):
                        allowed.add(lane[w])
                    if (
                        d(v, w) + d(w, s) + d(s, u) + 1 <= bound
                        or d(v, s) + d(s, w) + d(w, u) + 1 <= bound
                    ):
                        expected.add(lane[w])
        assert found <= allowed
        assert found == expected
    finally:
        p.close()


def test_critical_steps_are_the_ones_journeys_pass_through(project: Project) -> None:
    ops = project.add_work_group("Ops").id
    left = [project.add_step(ops, f"in {i}").id for i in range(3)]
    hub = project.add_step(ops, "hub").id
    right = [project.add_step(ops, f"out {i}").id for i in range(3)]
    for i in left:
        project.add_flow(i, hub)
    for o in right:
        project.add_flow(hub, o)
    scores = journey.critical_steps(project, k=None)
    assert set(scores) == {*left, hub, *right}
    # Betweenness by hand: the hub lies on all 3 × 3 shortest paths between others, and
    # networkx normalises directed graphs by (n-1)(n-2) = 6 × 5.
    assert scores[hub] == pytest.approx(9 / 30)
    assert all(scores[i] == 0 for i in left + right)
    # Sampled sources (k) on a larger map keep the hub on top, and the seed makes it stable.
    assert journey.critical_steps(project, k=3, seed=1) == journey.critical_steps(
        project, k=3, seed=1
    )
    sampled = journey.critical_steps(project, k=5)
    assert max(sampled, key=sampled.__getitem__) == hub


def test_analysis_is_computed_once_per_structure(project, monkeypatch) -> None:
    """A rename leaves the structure alone: the analysis is not computed again, yet its
    warnings name the step by its new title. A new flow, or a move that changes the reading
    order, changes the structure."""
    calls = []
    compute = journey._analyse
    monkeypatch.setattr(journey, "_analyse", lambda p, n: calls.append(n) or compute(p, n))
    g = project.add_work_group("Customer")
    a = project.add_step(g.id, "Start", x=40)
    b = project.add_step(g.id, "Stuck", x=280)
    project.add_flow(a.id, b.id)
    assert journey.analyse(project).warnings == ["“Stuck” is a dead end: no flow leaves it."]
    assert journey.analyse(project).dead_ends == [b.id]
    assert len(calls) == 1
    project.update_step(b.id, title="Still stuck", description="why")
    assert journey.analyse(project).warnings == ["“Still stuck” is a dead end: no flow leaves it."]
    assert len(calls) == 1
    loop = project.add_flow(b.id, a.id)
    assert journey.analyse(project).loop_flow_ids == {loop.id}
    assert len(calls) == 2
    project.update_step(b.id, x=20)  # now before its predecessor: the reading order changes
    assert journey.analyse(project).loop_flow_ids != {loop.id}
    assert len(calls) == 3
