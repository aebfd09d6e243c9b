"""The journey as a graph (networkx), built from steps and flows and never stored.

Cycle enumeration is bounded everywhere: a 2,000-step map holds over a million simple cycles,
so loops are found as the backward flows inside strongly connected parts (linear time), and
each loop is spelled out by one shortest path per backward flow, up to a cap. Questions about
every loop through a step (the work groups to involve) use those parts directly, uncapped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:
    from cxmapper.model.project import Project

MAX_LOOPS = 100


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
    """Steps in reading order: by stage, then left to right, then lane."""
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


def handoff_flow_ids(project: Project) -> set[int]:
    """Flows between two different work groups."""
    group = {s.id: s.work_group_id for s in project.step_views()}
    return {f.id for f in project.flow_views() if group[f.source_id] != group[f.target_id]}


def loop_flow_ids(project: Project) -> set[int]:
    """Flows that point backwards in reading order and close a cycle (a loop).

    Every cycle holds at least one such flow, because ranks cannot rise all the way round;
    marking the backward ones matches what a facilitator sees: the arrow that goes back."""
    rank = {step_id: n for n, step_id in enumerate(journey_order(project))}
    flows = list(project.flow_views())
    graph = nx.DiGraph()
    graph.add_nodes_from(rank)
    graph.add_edges_from((f.source_id, f.target_id) for f in flows)
    component: dict[int, int] = {}
    for n, members in enumerate(nx.strongly_connected_components(graph)):
        for step_id in members:
            component[step_id] = n
    return {
        f.id
        for f in flows
        if rank[f.target_id] <= rank[f.source_id]
        and component[f.source_id] == component[f.target_id]
    }


@dataclass
class JourneyAnalysis:
    handoffs: dict[tuple[int, int], int] = field(default_factory=dict)
    loop_flow_ids: set[int] = field(default_factory=set)
    loops: list[list[int]] = field(default_factory=list)
    entry_steps: list[int] = field(default_factory=list)
    exit_steps: list[int] = field(default_factory=list)
    unreachable_steps: list[int] = field(default_factory=list)
    dead_ends: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def analyse(project: Project, max_loops: int = MAX_LOOPS) -> JourneyAnalysis:
    """Hand-offs, loops, entries and exits, and map warnings. Linear in the map's size plus
    one breadth-first search per loop (capped), so it can run on every edit."""
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
    for i in result.unreachable_steps:
        result.warnings.append(f"No flow leads to “{steps[i].title}” from the journey's start.")
    for i in result.dead_ends:
        result.warnings.append(f"“{steps[i].title}” is a dead end: no flow leaves it.")
    return result


def critical_steps(project: Project, k: int | None = 200, seed: int = 0) -> dict[int, float]:
    """Betweenness of each step: the steps most journeys pass through. Sampled (``k`` sources)
    on large maps; heavy, so callers run it off the UI thread."""
    graph = build_graph(project)
    if k is not None and k >= graph.number_of_nodes():
        k = None
    return dict(nx.betweenness_centrality(graph, k=k, seed=seed))


def groups_to_involve(project: Project, pain_ids: list[int] | tuple[int, ...]) -> list[int]:
    """Work groups of the pains' steps, plus the groups on the loops and hand-offs that pass
    through those steps, in lane order.

    A step is on a loop through s when each can reach the other: exactly the steps of s's
    strongly connected part (every one lies on a closed walk through s). One linear pass
    finds every part, so no loop is missed and none is enumerated. Hand-offs through s are
    its flows in from and out to other work groups."""
    lane = {s.id: s.work_group_id for s in project.step_views()}
    pain_steps = {s for p in pain_ids for s in project.pain(p).step_ids}
    groups = {lane[s] for s in pain_steps}
    graph = nx.DiGraph()
    graph.add_nodes_from(lane)
    for f in project.flow_views():
        graph.add_edge(f.source_id, f.target_id)
        if f.source_id in pain_steps or f.target_id in pain_steps:
            groups |= {lane[f.source_id], lane[f.target_id]}
    for part in nx.strongly_connected_components(graph):
        # A part of one step (with or without a flow to itself) adds no other group.
        if len(part) > 1 and not pain_steps.isdisjoint(part):
            groups |= {lane[s] for s in part}
    return [g.id for g in project.work_groups() if g.id in groups]
