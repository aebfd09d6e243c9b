"""Scoring pains and actions: the contract in docs/ARCHITECTURE.md ("Scoring"), per year, in
the project currency.

Reach R = p·N from evidence (k of n sampled customers, 95 % Wilson interval) or an estimate;
cost per affected customer C from components or a 1-5 band; impact I = R·C with low and high
from the reach interval. Pains rank by impact, then work groups involved, then evidence.
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cxmapper.model import entities as e
from cxmapper.model.validation import ModelError

if TYPE_CHECKING:
    from cxmapper.model.project import Project

Z95 = 1.959963984540054


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for k successes in n trials."""
    if n <= 0:
        raise ModelError("The sample size must be at least 1 to estimate a share.")
    if k < 0:
        raise ModelError("The number of customers affected cannot be negative.")
    if k > n:
        raise ModelError(f"{k} customers affected is more than the {n} sampled.")
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


@dataclass
class PainScore:
    pain_id: int
    title: str
    rank: int = 0
    reach: float = 0.0
    reach_low: float = 0.0
    reach_high: float = 0.0
    reach_source: str = "evidence"
    k: int = 0
    n: int = 0
    share: float | None = None
    cost_per_customer: float = 0.0
    cost_source: str = "components"
    impact: float = 0.0
    impact_low: float = 0.0
    impact_high: float = 0.0
    kind: str = "local"
    kind_overridden: bool = False
    work_group_ids: list[int] = field(default_factory=list)
    work_groups: list[str] = field(default_factory=list)
    evidence_count: int = 0
    step_ids: list[int] = field(default_factory=list)
    warning: str | None = None


@dataclass
class ActionScore:
    action_id: int
    title: str
    kind: str
    rank: int = 0
    benefit: float = 0.0
    benefit_low: float = 0.0
    benefit_high: float = 0.0
    roi: float | None = None
    investment: float = 0.0
    pain_ids: list[int] = field(default_factory=list)
    work_group_ids: list[int] = field(default_factory=list)
    evidence_count: int = 0


def cost_per_customer(project: Project, pain: e.Pain) -> float:
    s = project.settings
    if pain.cost_mode == e.CostMode.BAND:
        if pain.cost_band is None:
            return 0.0
        return float(s.cost_bands[pain.cost_band - 1])
    return (
        pain.extra_contacts * s.cost_per_contact
        + pain.rework_cost
        + pain.extra_churn * s.customer_lifetime_value
    )


def evidence_sample(project: Project, pain: e.Pain) -> tuple[int, int]:
    """k = distinct customers among the pain's evidence (an item without a customer id counts
    as one); n = the sample sizes of the import batches that evidence came from (evidence
    entered by hand counts as its own sample). n may come out below k when an import states
    a sample smaller than the customers its rows name: :func:`score_pain` says so."""
    return _sample(project.db.conn, pain.evidence_ids)


def _sample(conn: sqlite3.Connection, evidence_ids: tuple[int, ...]) -> tuple[int, int]:
    ids = list(evidence_ids)
    if not ids:
        return 0, 0
    # The ids go in as one JSON array: a query, never a write, so no transaction is opened.
    # One pass over the pain's evidence gives k, its import batches and the items entered by
    # hand; the batches' sample sizes are a small table.
    k, batches, by_hand = conn.execute(
        "SELECT count(DISTINCT CASE WHEN customer_id != '' THEN 'c:' || customer_id"
        " ELSE 'e:' || id END), group_concat(DISTINCT batch_id), sum(batch_id IS NULL)"
        " FROM evidence WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    ).fetchone()
    n = int(by_hand or 0)
    if batches:
        n += conn.execute(
            "SELECT coalesce(sum(sample_size), 0) FROM import_batch WHERE id IN"
            " (SELECT value FROM json_each(?))",
            (json.dumps([int(b) for b in str(batches).split(",")]),),
        ).fetchone()[0]
    return int(k), n


def read_samples(
    path: Path, pains: list[tuple[int, tuple[int, ...]]]
) -> dict[int, tuple[int, int]]:
    """The evidence samples (k, n, as :func:`evidence_sample` counts them) of ``pains`` (id,
    evidence ids), read through a read-only connection of their own, so that they can be read
    off the thread that edits the project. One query for all: a thread that queries pain by
    pain would wait for the interpreter between every two queries while another is busy.
    Only for the file of a project open here (its journal was vetted when it opened)."""
    from cxmapper.model.safety import connect_readonly

    wanted = {str(pain_id): sorted(set(ids)) for pain_id, ids in pains if ids}
    conn = connect_readonly(path)
    try:
        rows = conn.execute(
            "SELECT CAST(pain.key AS INTEGER), count(DISTINCT CASE WHEN ev.customer_id != ''"
            " THEN 'c:' || ev.customer_id ELSE 'e:' || ev.id END),"
            " group_concat(DISTINCT ev.batch_id), sum(ev.batch_id IS NULL)"
            " FROM json_each(?) AS pain, json_each(pain.value) AS item"
            " JOIN evidence AS ev ON ev.id = item.value GROUP BY pain.key",
            (json.dumps(wanted),),
        ).fetchall()
        sizes = dict(conn.execute("SELECT id, sample_size FROM import_batch").fetchall())
    finally:
        conn.close()
    found = {pain_id: (0, 0) for pain_id, _ in pains}
    for pain_id, k, batches, by_hand in rows:
        n = int(by_hand or 0)
        if batches:
            n += sum(int(sizes.get(int(b)) or 0) for b in str(batches).split(","))
        found[int(pain_id)] = (int(k), n)
    return found


def score_pain(
    project: Project,
    pain: e.Pain,
    groups: dict[int, e.WorkGroup],
    sample: tuple[int, int] | None = None,
) -> PainScore:
    """``pain`` scored; ``sample`` is its evidence sample when already read (else it is read
    now, from the project's file)."""
    s = project.settings
    N = s.customer_base
    steps = [project.step(i) for i in pain.step_ids]
    group_ids = sorted({st.work_group_id for st in steps}, key=lambda g: groups[g].position)
    score = PainScore(
        pain_id=pain.id,
        title=pain.title,
        reach_source=pain.reach_source.value,
        work_group_ids=group_ids,
        work_groups=[groups[g].name for g in group_ids],
        evidence_count=len(pain.evidence_ids),
        step_ids=list(pain.step_ids),
        cost_source=pain.cost_mode.value,
    )
    if pain.reach_source == e.ReachSource.EVIDENCE:
        score.k, sampled = sample if sample is not None else evidence_sample(project, pain)
        # A share above 100 % is impossible: the sample is taken as at least k, and said so.
        score.n = max(sampled, score.k)
        if score.n == 0:
            score.warning = "No evidence is linked to this pain yet, so its reach is zero."
        else:
            if sampled < score.k:
                score.warning = (
                    f"The evidence names {score.k:,} distinct customers but its imports "
                    f"sampled only {sampled:,}; the sample is taken as {score.k:,}. Check the "
                    "sample sizes of the imports."
                )
            p = score.k / score.n
            low, high = wilson_interval(score.k, score.n)
            score.share = p
            score.reach, score.reach_low, score.reach_high = p * N, low * N, high * N
    else:
        if pain.reach_estimate_count is not None:
            reach = float(pain.reach_estimate_count)
            if reach > N:  # only from files written before estimates were checked
                score.warning = (
                    f"The estimate of {reach:,.0f} customers affected is more than the customer "
                    f"base ({N:,}); reach is taken as the whole customer base."
                )
                reach = float(N)
        elif pain.reach_estimate_share is not None:
            reach = pain.reach_estimate_share * N
        else:
            reach = 0.0
            score.warning = "No estimate of reach has been entered."
        score.reach = score.reach_low = score.reach_high = reach
        score.share = reach / N
    score.cost_per_customer = cost_per_customer(project, pain)
    c = score.cost_per_customer
    score.impact, score.impact_low, score.impact_high = (
        score.reach * c,
        score.reach_low * c,
        score.reach_high * c,
    )
    if pain.kind_override is not None:
        score.kind = pain.kind_override.value
        score.kind_overridden = True
    else:
        wide = (score.share or 0.0) >= s.universal_threshold
        score.kind = "universal" if wide or len(group_ids) >= 2 else "local"
    return score


def score_pains(
    project: Project, samples: dict[int, tuple[int, int]] | None = None
) -> list[PainScore]:
    """Every pain scored and ranked (rank 1 = highest impact), with the evidence samples in
    ``samples`` where given (:func:`read_samples`)."""
    groups = {g.id: g for g in project.work_groups()}
    known = samples or {}
    return rank_pains([score_pain(project, p, groups, known.get(p.id)) for p in project.pains()])


def rank_pains(scores: list[PainScore]) -> list[PainScore]:
    """Sort scored pains by impact, then work groups involved, then evidence, and number them
    (in place). Lets a view rescore only the pain that changed, then re-rank."""
    scores.sort(
        key=lambda x: (-x.impact, -len(x.work_group_ids), -x.evidence_count, x.title, x.pain_id)
    )
    for rank, score in enumerate(scores, 1):
        score.rank = rank
    return scores


def score_actions(
    project: Project, pain_scores: list[PainScore] | None = None
) -> list[ActionScore]:
    """Actions valued by the impact they remove: benefit = Σ impact × expected reduction,
    ROI = benefit ÷ investment. Ranked by ROI, then benefit; actions without investment
    (no ROI) follow, by benefit."""
    by_pain = {s.pain_id: s for s in (pain_scores or score_pains(project))}
    result: list[ActionScore] = []
    for action in project.actions():
        pains = [by_pain[i] for i in action.pain_ids if i in by_pain]
        r = action.expected_reduction
        score = ActionScore(
            action_id=action.id,
            title=action.title,
            kind=action.kind.value,
            benefit=sum(p.impact for p in pains) * r,
            benefit_low=sum(p.impact_low for p in pains) * r,
            benefit_high=sum(p.impact_high for p in pains) * r,
            investment=action.investment,
            pain_ids=list(action.pain_ids),
            work_group_ids=list(action.involved_group_ids),
            evidence_count=sum(p.evidence_count for p in pains),
        )
        if action.investment > 0:
            score.roi = score.benefit / action.investment
        result.append(score)
    result.sort(key=lambda a: (a.roi is None, -(a.roi or 0.0), -a.benefit, a.title, a.action_id))
    for rank, score in enumerate(result, 1):
        score.rank = rank
    return result
