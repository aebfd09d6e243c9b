"""The demo project: a B2B software onboarding journey, from the data in resources/demo.

Deterministic: the same call writes the same journey, evidence and plan every time (only the
import time stamp differs). ``steps=N`` repeats the journey in further regions, linked by
hand-offs, to build large maps for benchmarks (2,000 steps → about 4,000 flows and 200,000
evidence items).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from pathlib import Path
from typing import Any

from cxmapper import RESOURCES
from cxmapper.model import entities as e
from cxmapper.model.placement import ROW_TOP, x_of
from cxmapper.model.project import Project
from cxmapper.model.tidy import tidy_moves

BASE_EVIDENCE = 500
EVIDENCE_PER_STEP_SCALED = 100
COMPANIES = ("ACME", "GLOBEX", "INITECH", "UMBRELLA", "HOOLI", "STARK", "WAYNE", "TYRELL")


def _load(name: str) -> Any:
    return json.loads((RESOURCES / "demo" / name).read_text(encoding="utf-8"))


def write_demo(path: Path, steps: int | None = None, replace: bool = False) -> dict[str, int]:
    """Write the demo project to ``path`` and return its entity counts."""
    path = Path(path)
    if replace and path.exists():
        path.unlink()
    journey = _load("journey.json")
    verbatims = _load("verbatims.json")
    base_steps = len(journey["steps"])
    regions = 1 if not steps or steps <= base_steps else math.ceil(steps / base_steps)
    settings = e.ProjectSettings(
        **{**journey["settings"], "cost_bands": tuple(journey["settings"]["cost_bands"])}
    )
    if regions > 1:
        settings.customer_base *= regions
    project = Project.create(path, settings)
    try:
        with project.db.atomic():  # one transaction: a demo is written whole or not at all
            _build(project, journey, verbatims, regions, steps)
        return project.counts()
    finally:
        project.close()


def _build(
    project: Project,
    journey: dict[str, Any],
    verbatims: dict[str, Any],
    regions: int,
    limit: int | None,
) -> None:
    rng = random.Random(20261122)
    stages = {name: project.add_stage(name).id for name in journey["stages"]}
    stage_order = list(journey["stages"])
    columns = _columns(journey, stage_order)
    step_ids: list[dict[str, int]] = []
    budget = limit if limit and regions > 1 else None
    for region in range(regions):
        suffix = "" if region == 0 else f" · region {region + 1}"
        groups = {
            name: project.add_work_group(name + suffix, colour).id
            for name, colour in journey["work_groups"]
        }
        ids: dict[str, int] = {}
        for n, (stage, group, title, description, channel, emotion) in enumerate(journey["steps"]):
            if budget is not None and sum(len(i) for i in step_ids) + len(ids) >= budget:
                break
            ids[title] = project.add_step(
                groups[group],
                title,
                stage_id=stages[stage],
                description=description,
                channel=channel,
                emotion=emotion,
                x=x_of(columns[n]),
                y=ROW_TOP,
            ).id
        for source, target, label in journey["flows"]:
            if source in ids and target in ids:
                project.add_flow(ids[source], ids[target], label)
        if step_ids:
            _link_regions(project, step_ids[-1], ids, rng)
        step_ids.append(ids)
    _tidy(project)
    evidence = _evidence(project, verbatims, step_ids, rng, regions)
    for n, ids in enumerate(step_ids):
        _pains_and_actions(project, journey, ids, evidence.get(n, {}), n)


def _tidy(project: Project) -> None:
    """The demo is written already tidy (so Tidy Map on it moves nothing)."""
    moves = tidy_moves(
        [s.id for s in project.stages()],
        [g.id for g in project.work_groups()],
        list(project.step_views()),
        [(f.source_id, f.target_id) for f in project.flow_views()],
    )
    for step_id, changes in moves.items():
        project.update_step(step_id, **changes)


def _columns(journey: dict[str, Any], stage_order: list[str]) -> list[int]:
    """A journey column per step, so that arrows read left to right: each step sits right of
    the earlier steps that flow into it, stages are contiguous column ranges in stage order,
    and two cards never share a place in a lane."""
    steps = journey["steps"]
    index = {s[2]: n for n, s in enumerate(steps)}
    preds: dict[int, list[int]] = {}
    for source, target, _label in journey["flows"]:
        if index[source] < index[target]:
            preds.setdefault(index[target], []).append(index[source])
    result: list[int] = [0] * len(steps)
    taken: set[tuple[str, int]] = set()
    start = 0
    for stage in stage_order:
        end = start
        for n, s in enumerate(steps):
            if s[0] != stage:
                continue
            col = max([start, *(result[p] + 1 for p in preds.get(n, []))])
            while (s[1], col) in taken:
                col += 1
            taken.add((s[1], col))
            result[n] = col
            end = max(end, col + 1)
        start = end
    return result


def _link_regions(
    project: Project, previous: dict[str, int], current: dict[str, int], rng: random.Random
) -> None:
    # Regions hand customers over to each other (escalations, shared services, referrals).
    titles = [t for t in current if t in previous]
    for _ in range(len(titles) // 2 + 1):
        a, b = rng.choice(titles), rng.choice(titles)
        project.add_flow(previous[a], current[b], "regional hand-off")
        if rng.random() < 0.3:
            project.add_flow(current[b], previous[a], "sent back")


def _evidence(
    project: Project,
    verbatims: dict[str, Any],
    step_ids: list[dict[str, int]],
    rng: random.Random,
    regions: int,
) -> dict[int, dict[str, list[int]]]:
    """Import the survey and ticket batches; return evidence ids by region and topic."""
    topics = verbatims["topics"]
    names = sorted(topics)
    weights = [3 if topics[t]["tone"] == "negative" else 2 for t in names]
    steps_total = sum(len(i) for i in step_ids)
    total = BASE_EVIDENCE if regions == 1 else steps_total * EVIDENCE_PER_STEP_SCALED
    customers = max(300, total // 3)
    start = dt.date(2025, 11, 1)
    batches = {
        "nps-survey-2026.csv": ("survey", "0-10", "Relationship NPS survey", 0.52),
        "onboarding-csat.xlsx": ("survey", "1-5", "Onboarding CSAT survey", 0.24),
        "zendesk-tickets.csv": ("ticket", "good-bad", "Zendesk", 0.24),
    }
    by_region_topic: dict[int, dict[str, list[int]]] = {}
    next_id = 1
    for file_name, (kind, scale, source, share) in batches.items():
        count = round(total * share)
        rows: list[dict[str, Any]] = []
        tags: list[tuple[int, str]] = []
        for _ in range(count):
            topic = rng.choices(names, weights)[0]
            spec = topics[topic]
            region = rng.randrange(len(step_ids))
            text = rng.choice(spec["templates"]).format(
                n=rng.randint(2, 9), person=rng.choice(verbatims["people"])
            )
            negative = spec["tone"] == "negative"
            score = _score(scale, negative, rng)
            linked = [step_ids[region][t] for t in spec["steps"] if t in step_ids[region]]
            row = {
                "kind": kind,
                "source": source,
                "external_id": f"{'T' if kind == 'ticket' else 'R'}{next_id:07d}",
                "date": (start + dt.timedelta(days=rng.randrange(365))).isoformat(),
                "customer_id": f"{rng.choice(COMPANIES)}-{rng.randrange(customers):04d}",
                "score": score,
                "score_scale": scale,
                "channel": "Email" if kind == "survey" else rng.choice(["Web", "Email", "Chat"]),
                "text": text,
                "step_ids": linked[:1] if linked and rng.random() < 0.92 else [],
            }
            rows.append(row)
            tags.append((region, topic))
            next_id += 1
        # Responses received, plus those who answered without mentioning anything specific.
        sample = round(count * 1.6)
        project.evidence.import_batch(
            file_name, rows, format="generic", mapping={"text": "Comment"}, sample_size=sample
        )
        first = next_id - count
        for offset, (region, topic) in enumerate(tags):
            by_region_topic.setdefault(region, {}).setdefault(topic, []).append(first + offset)
    return by_region_topic


def _score(scale: str, negative: bool, rng: random.Random) -> float | None:
    if scale == "0-10":
        return float(rng.randint(0, 6) if negative else rng.randint(8, 10))
    if scale == "1-5":
        return float(rng.randint(1, 3) if negative else rng.randint(4, 5))
    if rng.random() < 0.2:
        return None  # satisfaction survey not answered
    return 0.0 if negative else 1.0


def _pains_and_actions(
    project: Project,
    journey: dict[str, Any],
    ids: dict[str, int],
    evidence: dict[str, list[int]],
    region: int,
) -> None:
    suffix = "" if region == 0 else f" (region {region + 1})"
    pains: dict[str, int] = {}
    for spec in journey["pains"]:
        steps = tuple(ids[t] for t in spec["steps"] if t in ids)
        if not steps:
            continue
        values: dict[str, Any] = {"step_ids": steps}
        reach = spec["reach"]
        if reach == "evidence":
            values["evidence_ids"] = tuple(evidence.get(spec["topic"], ()))
        else:
            values["reach_source"] = e.ReachSource.ESTIMATE
            values["reach_estimate_share"] = reach.get("share")
            values["reach_estimate_count"] = reach.get("count")
        if "band" in spec:
            values["cost_mode"] = e.CostMode.BAND
            values["cost_band"] = spec["band"]
        else:
            values.update(spec["cost"])
        pains[spec["title"]] = project.add_pain(spec["title"] + suffix, **values).id
    groups = {g.name: g.id for g in project.work_groups()}
    region_suffix = "" if region == 0 else f" · region {region + 1}"
    for spec in journey["actions"]:
        pain_ids = tuple(pains[t] for t in spec["pains"] if t in pains)
        if spec["pains"] and not pain_ids:
            continue
        project.add_action(
            spec["title"] + suffix,
            kind=e.ActionKind(spec["kind"]),
            pain_ids=pain_ids,
            owner_group_id=groups.get(spec["owner"] + region_suffix),
            involved_group_ids=tuple(
                groups[g + region_suffix] for g in spec["involved"] if g + region_suffix in groups
            ),
            sponsor=spec["sponsor"],
            start_date=spec["start"],
            due_date=spec["due"],
            status=e.ActionStatus(spec["status"]),
            investment=float(spec["investment"]),
            expected_reduction=float(spec["reduction"]),
        )
