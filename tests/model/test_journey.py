"""Journey analysis on small maps with known hand-offs and loops."""

from __future__ import annotations

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
