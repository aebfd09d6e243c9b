"""The journey as a graph (networkx), built from steps and flows and never stored.

Cycle enumeration is bounded everywhere: a 2,000-step map holds over a million simple cycles,
so loops are found as the backward flows inside strongly connected parts (linear time), and
each loop is spelled out by one shortest path per backward flow, up to a cap. The work groups
to involve around a pain look only at short loops through its steps, found by searches
bounded by :data:`MAX_REWORK_LOOP` levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import networkx as nx

from cxmapper.model import placement
from cxmapper.wording import counted

if TYPE_CHECKING:
    from cxmapper.model.project import Project

MAX_LOOPS = 100

# The longest loop (in steps, which is also its number of flows, the back-flow included) that
# counts as a rework loop around a pain. A journey usually has a "lifecycle" back-flow from its
# last step to its first (the customer recommends, a new customer researches); it closes a loop
# through every step, and taking it in would put every work group at the table for every pain
# (all 7 of 7 in the demo, 438 of 441 on a 2,000-step map). Rework loops (ticket ↔ fix,
# review ↔ questionnaire, invoice ↔ correction) are a handful of steps; 12 leaves room for a
# long one while the demo's lifecycle loop, 17 steps at its shortest, stays out.
MAX_REWORK_LOOP = 12


def build_graph(project: Project) -> nx.DiGraph:
    """Steps as nodes (work_group_id, stage_id), flows as edges (``flow_ids``: every flow
    between that ordered pair)."""
    graph = nx.DiGraph()
    for step in project.step_views():
        graph.add_node(step.id, work_group_id=step.work_group_id, stage_id=step.stage_id)
    for flow in sorted(project.flow_views(), key=lambda f: f.id):
        if graph.has_edge(flow.source_id, flow.target_id):
            graph.edges[flow.source_id, flow.target_id]["flow_ids"].append(flow.id)
        else:
            graph.add_edge(flow.source_id, flow.target_id, flow_ids=[flow.id])
    return graph


def journey_order(project: Project) -> list[int]:
    """Steps in reading order: by stage, then left to right, then lane. (A copy: the order is
    computed once per structure.)"""
    return list(project.by_structure("journey_order", lambda: tuple(_journey_order(project))))


def _journey_order(project: Project) -> list[int]:
    stage_pos = {s.id: s.position for s in project.stages()}
    group_pos = {g.id: g.position for g in project.work_groups()}
    steps = list(project.step_views())
    return [
        s.id
        for s in sorted(
            steps,
            key=lambda s: (
                stage_pos.get(s.stage_id, -1) if s.stage_id is not None else -1,
                s.x,
                group_pos.get(s.work_group_id, 0),
                s.id,
            ),
        )
    ]


def handoff_flow_ids(project: Project) -> frozenset[int]:
    """Flows between two different work groups."""
    return project.by_structure("handoffs", lambda: _handoff_flow_ids(project))


def _handoff_flow_ids(project: Project) -> frozenset[int]:
    group = {s.id: s.work_group_id for s in project.step_views()}
    return frozenset(f.id for f in project.flow_views() if group[f.source_id] != group[f.target_id])


def loop_flow_ids(project: Project) -> frozenset[int]:
    """Flows that point backwards in reading order and close a cycle (a loop).

    Every cycle holds at least one such flow, because ranks cannot rise all the way round;
    marking the backward ones matches what a facilitator sees: the arrow that goes back."""
    return project.by_structure("loops", lambda: _loop_flow_ids(project))


def _loop_flow_ids(project: Project) -> frozenset[int]:
    rank = {step_id: n for n, step_id in enumerate(journey_order(project))}
    flows = list(project.flow_views())
    graph = nx.DiGraph()
    graph.add_nodes_from(rank)
    graph.add_edges_from((f.source_id, f.target_id) for f in flows)
    component: dict[int, int] = {}
    for n, members in enumerate(nx.strongly_connected_components(graph)):
        for step_id in members:
            component[step_id] = n
    return frozenset(
        f.id
        for f in flows
        if rank[f.target_id] <= rank[f.source_id]
        and component[f.source_id] == component[f.target_id]
    )


@dataclass
class JourneyAnalysis:
    handoffs: dict[tuple[int, int], int] = field(default_factory=dict)
    loop_flow_ids: frozenset[int] = frozenset()
    loops: list[list[int]] = field(default_factory=list)
    entry_steps: list[int] = field(default_factory=list)
    exit_steps: list[int] = field(default_factory=list)
    unreachable_steps: list[int] = field(default_factory=list)
    dead_ends: list[int] = field(default_factory=list)
    misplaced_steps: list[int] = field(default_factory=list)  # see placement.misplaced
    warnings: list[str] = field(default_factory=list)


def analyse(project: Project, max_loops: int = MAX_LOOPS) -> JourneyAnalysis:
    """Hand-offs, loops, entries and exits, and map warnings. Linear in the map's size plus
    one breadth-first search per loop (capped); computed once per structure, so a rename
    costs only the warnings' words."""
    found = project.by_structure(("analysis", max_loops), lambda: _analyse(project, max_loops))
    warnings = [
        f"No flow leads to “{project.step(i).title}” from the journey's start."
        for i in found.unreachable_steps
    ] + [f"“{project.step(i).title}” is a dead end: no flow leaves it." for i in found.dead_ends]
    if found.misplaced_steps:  # only files from before every step had its stage's place
        first = project.step(found.misplaced_steps[0]).title
        others = len(found.misplaced_steps) - 1
        where = (
            f"“{first}” and {counted(others, 'more step', 'more steps')} are not drawn in their "
            "stage's columns or "
            "have no stage"
            if others
            else f"“{first}” is not drawn in its stage's columns or has no stage"
        )
        warnings.insert(0, f"{where}: Arrange → Tidy Map puts it right.")
    return replace(found, warnings=warnings)


def _analyse(project: Project, max_loops: int) -> JourneyAnalysis:
    steps = {s.id: s for s in project.step_views()}
    flows = list(project.flow_views())
    result = JourneyAnalysis()
    for f in flows:
        a, b = steps[f.source_id].work_group_id, steps[f.target_id].work_group_id
        if a != b:
            result.handoffs[(a, b)] = result.handoffs.get((a, b), 0) + 1
    result.loop_flow_ids = loop_flow_ids(project)
    forward = nx.DiGraph()
    forward.add_nodes_from(steps)
    full = nx.DiGraph()
    full.add_nodes_from(steps)
    for f in flows:
        full.add_edge(f.source_id, f.target_id)
        if f.id not in result.loop_flow_ids:
            forward.add_edge(f.source_id, f.target_id)
    by_id = {f.id: f for f in flows}
    for flow_id in sorted(result.loop_flow_ids)[:max_loops]:
        f = by_id[flow_id]
        if f.source_id == f.target_id:
            result.loops.append([f.source_id])
            continue
        try:
            path = nx.shortest_path(full, f.target_id, f.source_id)
        except nx.NetworkXNoPath:  # pragma: no cover - a back edge always closes a cycle
            continue
        result.loops.append(path)
    order = journey_order(project)
    result.entry_steps = [i for i in order if forward.in_degree(i) == 0]
    result.exit_steps = [i for i in order if full.out_degree(i) == 0]
    # The journey starts where forward flows start; a step with no flows at all starts nothing.
    starts = [i for i in result.entry_steps if full.out_degree(i) > 0] or order[:1]
    reached: set[int] = set(starts)
    frontier = list(starts)
    while frontier:  # one search from all starts at once: linear in the map
        for successor in full.successors(frontier.pop()):
            if successor not in reached:
                reached.add(successor)
                frontier.append(successor)
    result.unreachable_steps = [i for i in order if i not in reached] if steps else []
    last_stage = max((s.position for s in project.stages()), default=None)
    stage_pos = {s.id: s.position for s in project.stages()}
    result.dead_ends = [
        i
        for i in result.exit_steps
        if full.in_degree(i) > 0
        and (last_stage is None or stage_pos.get(steps[i].stage_id or -1, -1) != last_stage)
    ]
    result.misplaced_steps = placement.misplaced(
        [s.id for s in project.stages()], list(steps.values())
    )
    return result


def critical_steps(project: Project, k: int | None = 200, seed: int = 0) -> dict[int, float]:
    """Betweenness of each step: the steps most journeys pass through. Sampled (``k`` sources)
    on large maps; heavy, so callers run it off the UI thread."""
    return betweenness(build_graph(project), k=k, seed=seed)


def betweenness(graph: nx.DiGraph, k: int | None = 200, seed: int = 0) -> dict[int, float]:
    """:func:`critical_steps` on a graph already built: a worker thread can take the graph
    (a copy, independent of the project) while the project goes on changing."""
    if k is not None and k >= graph.number_of_nodes():
        k = None
    return dict(nx.betweenness_centrality(graph, k=k, seed=seed))


def groups_to_involve(project: Project, pain_ids: list[int] | tuple[int, ...]) -> list[int]:
    """Work groups of the pains' steps, plus the groups on the loops and hand-offs that pass
    through those steps, in lane order.

    Loops are closed by back-flows (:func:`loop_flow_ids`); every other flow is forward, and
    the forward flows hold no cycle. A back-flow u→v passes through a step s when v reaches s
    and s reaches u along forward flows; the loop's steps are then those on forward paths
    v ⇝ w ⇝ s and s ⇝ w ⇝ u. Only rework loops count: a step w is taken when it lies on such
    a loop through s of at most :data:`MAX_REWORK_LOOP` steps, that is, with shortest forward
    distances d(v,w) + d(w,s) + d(s,u) + 1 ≤ MAX_REWORK_LOOP, or d(v,s) + d(s,w) + d(w,u) + 1
    ≤ MAX_REWORK_LOOP (see the constant for why the bound). Loops that need two back-flows
    are not followed. Hand-offs through s are its flows (either kind) in from and out to
    other work groups.

    Each pain step costs four searches bounded by that many levels, plus one linear pass over
    the map to tell forward flows from back-flows."""
    lane = {s.id: s.work_group_id for s in project.step_views()}
    pain_steps = {s for p in pain_ids for s in project.pain(p).step_ids}
    groups = {lane[s] for s in pain_steps}
    loops = loop_flow_ids(project)
    succ: dict[int, list[int]] = {}
    pred: dict[int, list[int]] = {}
    back_out: dict[int, list[int]] = {}  # u → every v of a back-flow u→v
    for f in project.flow_views():
        u, v = f.source_id, f.target_id
        if u in pain_steps or v in pain_steps:
            groups |= {lane[u], lane[v]}
        if f.id in loops:
            back_out.setdefault(u, []).append(v)
        else:
            succ.setdefault(u, []).append(v)
            pred.setdefault(v, []).append(u)
    for s in pain_steps:
        to_s = _distances(s, pred, MAX_REWORK_LOOP - 1)  # d(w, s)
        from_s = _distances(s, succ, MAX_REWORK_LOOP - 1)  # d(s, w)
        # Budget of forward flows left for v ⇝ s once the back-flow and s ⇝ u are paid for,
        # and for s ⇝ u once v ⇝ s is: the shortest way round for each v, and each u.
        budget_v: dict[int, int] = {}
        budget_u: dict[int, int] = {}
        for u, d_su in from_s.items():
            for v in back_out.get(u, ()):
                if v in to_s and to_s[v] + d_su + 1 <= MAX_REWORK_LOOP:
                    budget_v[v] = max(budget_v.get(v, 0), MAX_REWORK_LOOP - 1 - d_su)
                    budget_u[u] = max(budget_u.get(u, 0), MAX_REWORK_LOOP - 1 - to_s[v])
        on_loops = _within_budget(budget_v, succ, to_s) | _within_budget(budget_u, pred, from_s)
        groups |= {lane[w] for w in on_loops}
    return [g.id for g in project.work_groups() if g.id in groups]


def _distances(start: int, step: dict[int, list[int]], limit: int) -> dict[int, int]:
    """Breadth-first distances from ``start`` along ``step``, up to ``limit`` flows."""
    dist = {start: 0}
    frontier = [start]
    for level in range(1, limit + 1):
        reached = []
        for x in frontier:
            for y in step.get(x, ()):
                if y not in dist:
                    dist[y] = level
                    reached.append(y)
        if not reached:
            break
        frontier = reached
    return dist


def _within_budget(
    budget: dict[int, int], step: dict[int, list[int]], to_goal: dict[int, int]
) -> set[int]:
    """Steps w reached from some start x along ``step`` with d(x, w) + to_goal[w] ≤ budget[x]:
    those on a walk from x to the goal within its budget. Each step is settled once, with the
    most budget left, by taking starts and steps in order of budget left (a bucket queue)."""
    left: dict[int, int] = {}
    buckets: list[list[int]] = [[] for _ in range(MAX_REWORK_LOOP)]  # budget < bound
    for x, b in budget.items():
        if to_goal[x] <= b:
            left[x] = b
            buckets[b].append(x)
    for b in range(MAX_REWORK_LOOP - 1, 0, -1):
        for x in buckets[b]:
            if left[x] != b:
                continue
            for y in step.get(x, ()):
                if y in to_goal and to_goal[y] <= b - 1 and left.get(y, -1) < b - 1:
                    left[y] = b - 1
                    buckets[b - 1].append(y)
    return set(left)
