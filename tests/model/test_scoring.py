"""Scoring against the contract (docs/ARCHITECTURE.md, "Scoring"): hand-worked examples,
Wilson, properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxmapper.model import entities as e
from cxmapper.model.project import Project
from cxmapper.model.scoring import score_actions, score_pains, wilson_interval
from cxmapper.model.validation import ModelError


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Published values (Newcombe 1998, Table I, and Wilson's formula worked by hand).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (5, 10, 0.2366, 0.7634),
    ],
)
def test_wilson_against_published_values(k: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson_interval(k, n)
    assert (round(lo, 4), round(hi, 4)) == (low, high)


def test_wilson_refuses_impossible_samples() -> None:
    with pytest.raises(ModelError, match="more than"):
        wilson_interval(11, 10)
    with pytest.raises(ModelError):
        wilson_interval(1, 0)
    with pytest.raises(ModelError):
        wilson_interval(-1, 10)


def make_project(customer_base: int = 10_000) -> tuple[Project, int, int, int]:
    p = Project.in_memory(
        e.ProjectSettings(
            customer_base=customer_base, cost_per_contact=20.0, customer_lifetime_value=5000.0
        )
    )
    billing = p.add_work_group("Billing")
    support = p.add_work_group("Support")
    a = p.add_step(billing.id, "Invoice").id
    b = p.add_step(support.id, "Ticket").id
    c = p.add_step(billing.id, "Correction").id
    return p, a, b, c


def test_reach_and_cost_from_evidence_by_hand() -> None:
    p, a, b, _ = make_project()
    # A survey of 200 people; 20 rows mention the pain, from 16 distinct customers.
    rows = [{"text": "wrong invoice", "customer_id": f"C{i % 16}"} for i in range(20)]
    batch = p.evidence.import_batch("survey.csv", rows, sample_size=200)
    ids = [ev.id for ev in p.evidence.search("invoice")]
    assert len(ids) == 20 and batch.sample_size == 200
    pain = p.add_pain(
        "Wrong invoices",
        step_ids=(a, b),
        evidence_ids=tuple(ids),
        extra_contacts=2,
        rework_cost=30,
        extra_churn=0.01,
    )
    (score,) = score_pains(p)
    assert not p.db.conn.in_transaction  # scoring never leaves a write transaction open
    # k = 16 distinct customers, n = 200: p = 0.08, R = 0.08 × 10,000 = 800.
    assert (score.k, score.n) == (16, 200)
    assert score.reach == pytest.approx(800)
    lo, hi = wilson_interval(16, 200)
    assert score.reach_low == pytest.approx(lo * 10_000)
    assert score.reach_high == pytest.approx(hi * 10_000)
    # C = 2 contacts × 20 + 30 rework + 0.01 × 5,000 CLV = 40 + 30 + 50 = 120.
    assert score.cost_per_customer == pytest.approx(120)
    # I = 800 × 120 = 96,000.
    assert score.impact == pytest.approx(96_000)
    assert score.kind == "universal"  # 8 % ≥ 5 % and two work groups
    assert score.work_groups == ["Billing", "Support"]
    assert score.pain_id == pain.id


def test_estimate_band_and_kind() -> None:
    p, a, _, c = make_project()
    p.update_settings(cost_bands=(10.0, 50.0, 200.0, 1000.0, 5000.0))
    p.add_pain(
        "Local pain",
        step_ids=(a, c),
        reach_source=e.ReachSource.ESTIMATE,
        reach_estimate_share=0.01,
        cost_mode=e.CostMode.BAND,
        cost_band=4,
    )
    p.add_pain(
        "Counted",
        step_ids=(a,),
        reach_source=e.ReachSource.ESTIMATE,
        reach_estimate_count=300,
        cost_mode=e.CostMode.BAND,
        cost_band=2,
        kind_override=e.PainKind.UNIVERSAL,
    )
    first, second = score_pains(p)
    # 1 % × 10,000 = 100 customers × band 4 (1,000) = 100,000; one work group, 1 % < 5 %.
    assert (first.title, first.impact, first.kind) == ("Local pain", 100_000, "local")
    assert first.reach_low == first.reach_high == 100
    # 300 customers × band 2 (50) = 15,000; the room said universal.
    assert (second.impact, second.kind, second.kind_overridden) == (15_000, "universal", True)
    assert [s.rank for s in (first, second)] == [1, 2]


def test_actions_rank_by_roi_then_benefit() -> None:
    p, a, b, _ = make_project()
    pain = p.add_pain(
        "P",
        step_ids=(a, b),
        reach_source=e.ReachSource.ESTIMATE,
        reach_estimate_count=100,
        rework_cost=100,
    )  # 100 × 100 = 10,000
    cheap = p.add_action("Cheap", pain_ids=(pain.id,), investment=1000, expected_reduction=0.5)
    dear = p.add_action("Dear", pain_ids=(pain.id,), investment=10000, expected_reduction=1.0)
    free = p.add_action("No budget", pain_ids=(pain.id,), expected_reduction=0.2)
    scores = {s.action_id: s for s in score_actions(p)}
    assert scores[cheap.id].benefit == pytest.approx(5000) and scores[cheap.id].roi == 5
    assert scores[dear.id].benefit == pytest.approx(10000) and scores[dear.id].roi == 1
    assert scores[free.id].roi is None
    assert [scores[i].rank for i in (cheap.id, dear.id, free.id)] == [1, 2, 3]


def test_no_evidence_means_zero_reach_with_a_warning() -> None:
    p, a, _, _ = make_project()
    p.add_pain("Unproven", step_ids=(a,))
    (score,) = score_pains(p)
    assert score.impact == 0 and score.warning


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_bounds_contain_the_share(k: int, n: int) -> None:
    k = min(k, n)
    lo, hi = wilson_interval(k, n)
    assert 0 <= lo <= k / n <= hi <= 1
    if k == 0:
        assert lo == 0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 5000), st.floats(0, 1000), st.integers(1, 5)), min_size=1, max_size=8
    ),
    st.floats(0, 5000),
)
def test_order_is_by_impact_and_more_reach_never_lowers_impact(pains, extra: float) -> None:
    p, a, _, _ = make_project()
    for n, (count, rework, _band) in enumerate(pains):
        p.add_pain(
            f"P{n}",
            step_ids=(a,),
            reach_source=e.ReachSource.ESTIMATE,
            reach_estimate_count=count,
            rework_cost=rework,
        )
    scores = score_pains(p)
    impacts = [s.impact for s in scores]
    assert impacts == sorted(impacts, reverse=True)
    first = scores[0]
    p.update_pain(first.pain_id, reach_estimate_count=first.reach + extra)
    again = next(s for s in score_pains(p) if s.pain_id == first.pain_id)
    assert again.impact >= first.impact or math.isclose(again.impact, first.impact)
