"""Journey analysis on small maps with known hand-offs and loops."""

from __future__ import annotations

import pytest

from cxmapper.model import journey
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
    import networkx as nx

    assert nx.is_directed_acyclic_graph(nx.DiGraph(forward))
    assert len(loops) == 3
    scores = journey.critical_steps(project, k=None)
    assert max(scores, key=scores.get) in ids


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
    # The loop A→X→Y→W→D→A, with a short cut Y→D: the shortest way back from A to D skips
    # W, yet W is on a loop through X. E hangs off the loop; Z is reached from it, no more.
    for a, b in ["AX", "XY", "YW", "WD", "DA", "YD", "DE", "EZ"]:
        project.add_flow(s[a], s[b])
    assert involved(project, "X") == ["A", "X", "Y", "W", "D"]
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
    # Now Billing and Legal are on a loop through b, and so on a closed walk through a
    # (a→b→c→bill→law→b→c→a): the reading of DESIGN §4, not simple cycles only.
    project.add_flow(law, b)
    assert involved(project, "a") == ["Ops", "Billing", "Legal"]


def test_groups_to_involve_match_closed_walks_on_random_maps(project: Project) -> None:
    """Against the definition: a step is on a loop through s when each reaches the other."""
    import random

    import networkx as nx

    rng = random.Random(7)
    groups = [project.add_work_group(f"G{i}").id for i in range(6)]
    ids = [project.add_step(rng.choice(groups), f"S{i}", x=40 * i).id for i in range(40)]
    for _ in range(70):
        project.add_flow(rng.choice(ids), rng.choice(ids))
    graph = journey.build_graph(project)
    lane = {s.id: s.work_group_id for s in project.steps()}
    for step in ids:
        on_loops = nx.descendants(graph, step) & nx.ancestors(graph, step)
        around = set(graph.predecessors(step)) | set(graph.successors(step))
        expected = {lane[step]} | {lane[i] for i in on_loops | around}
        pain = project.add_pain("P", step_ids=(step,))
        assert set(journey.groups_to_involve(project, [pain.id])) == expected
        project.remove_pain(pain.id)


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
    assert max(sampled, key=sampled.get) == hub
