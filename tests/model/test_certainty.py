"""Rank certainty against hand-worked cases (cxmapper/model/certainty.py; docs/ARCHITECTURE.md,
"Rank certainty"): separated pains, identical pains, the top-three total, the band ranges,
the Beta draws, and the same numbers from the same file."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxmapper.cli import main as cli
from cxmapper.model import entities as e
from cxmapper.model.certainty import (
    COVER,
    Spread,
    _draw_row,
    acceptability,
    band_range,
    rank_certainty,
)
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.model.scoring import score_pains


def evidence(k: int, n: int, cost: float, *, customers: float = 10_000.0) -> Spread:
    return Spread(reach=0.0, cost_low=cost, cost_high=cost, k=k, n=n, customers=customers)


def test_pains_whose_intervals_do_not_overlap_keep_their_order_in_every_draw() -> None:
    # Reach intervals 8 %…12 % and 28 %…32 % of the same cost never meet: five pains, each
    # far from the next, take their own rank in every draw.
    items = [evidence(100 * i, 1_000, 100.0) for i in (1, 5, 3, 9, 7)]
    p_top, low, high = acceptability(items)
    assert list(low) == list(high) == [5, 3, 4, 1, 2]
    assert list(p_top) == [0.0, 1.0, 0.0, 1.0, 1.0]


def test_identical_drawn_pains_have_equal_chances() -> None:
    items = [evidence(30, 100, 50.0) for _ in range(6)]
    p_top, low, high = acceptability(items)
    # Three places among six equal pains: a half each, within the draws' own noise.
    assert p_top == pytest.approx([0.5] * 6, abs=0.03)
    assert set(low) == {1} and set(high) == {6}


def test_identical_fixed_pains_share_one_lot_exactly() -> None:
    fixed = Spread(reach=200.0, cost_low=80.0, cost_high=80.0, groups=2, evidence=0)
    items = [fixed] * 4 + [evidence(10, 100, 1.0)]
    p_top, low, high = acceptability(items)
    assert list(p_top[:4]) == [0.75] * 4
    assert list(low[:4]) == [1] * 4 and list(high[:4]) == [4] * 4
    assert (p_top[4], low[4], high[4]) == (0.0, 5, 5)


def test_equal_impacts_are_told_apart_as_the_ranking_tells_them() -> None:
    # Same fixed impact: more work groups ranks first, then more evidence, in every draw.
    items = [
        Spread(reach=100.0, cost_low=10.0, cost_high=10.0, groups=1, evidence=9),
        Spread(reach=100.0, cost_low=10.0, cost_high=10.0, groups=3, evidence=0),
        Spread(reach=100.0, cost_low=10.0, cost_high=10.0, groups=1, evidence=12),
    ]
    _, low, high = acceptability(items)
    assert list(low) == list(high) == [3, 1, 2]


def test_a_pain_without_a_sample_has_no_reach_in_any_draw() -> None:
    items = [evidence(0, 0, 1_000.0), evidence(1, 1_000, 1.0)]
    p_top, low, high = acceptability(items)
    assert (p_top[0], low[0], high[0]) == (1.0, 2, 2)


def spread() -> st.SearchStrategy[Spread]:
    def build(n: int, share: float, cost: float, wide: float, est: bool, g: int) -> Spread:
        k = round(n * share)
        high = cost * (1.0 + wide)
        if est:
            return Spread(reach=n * share, cost_low=cost, cost_high=high, groups=g)
        return Spread(reach=0.0, cost_low=cost, cost_high=high, k=k, n=n, customers=5e4, groups=g)

    return st.builds(
        build,
        st.integers(0, 2_000),
        st.floats(0.0, 1.0),
        st.sampled_from([0.0, 1.0, 55.5, 600.0]),
        st.sampled_from([0.0, 0.5, 4.0]),
        st.booleans(),
        st.integers(1, 3),
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(spread(), min_size=1, max_size=12))
def test_the_top_three_chances_add_up_to_three(items: list[Spread]) -> None:
    p_top, low, high = acceptability(items, draws=2_000)
    assert math.isclose(float(p_top.sum()), min(3, len(items)), abs_tol=1e-9)
    assert all(0.0 <= p <= 1.0 for p in p_top)
    assert all(1 <= lo <= hi <= len(items) for lo, hi in zip(low, high, strict=True))
    # A pain whose ranks stay below the top three in 90 % of draws has little chance there.
    for p, lo in zip(p_top, low, strict=True):
        if lo > 3:
            assert p <= (1.0 - COVER) / 2.0 + 1e-9


def test_the_same_pains_give_the_same_numbers_and_other_pains_leave_their_draws() -> None:
    items = [evidence(40, 300, 20.0), evidence(55, 300, 15.0), evidence(12, 50, 60.0)]
    first = acceptability(items, [7, 8, 9])
    again = acceptability(items, [7, 8, 9])
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    alone = np.empty(5_000, dtype=np.float32)
    beside = np.empty(5_000, dtype=np.float32)
    _draw_row(items[0], alone, (1, 7))
    _draw_row(items[0], beside, (1, 7))
    assert np.array_equal(alone, beside)


def test_beta_draws_centre_on_the_share_and_spread_like_the_wilson_interval() -> None:
    key = np.empty(100_000, dtype=np.float32)
    _draw_row(evidence(81, 263, 1.0, customers=1.0), key, (3, 1))
    shares = -key
    # Jeffreys Beta(81.5, 182.5): mean 0.3087; its 95 % range is close to Wilson's
    # 0.2553…0.3662 (Newcombe's published values).
    assert shares.mean() == pytest.approx(81.5 / 264, abs=0.002)
    low, high = np.quantile(shares, [0.025, 0.975])
    assert low == pytest.approx(0.2553, abs=0.006)
    assert high == pytest.approx(0.3662, abs=0.006)


def test_a_band_stands_for_the_costs_halfway_to_its_neighbours() -> None:
    bands = (10.0, 50.0, 200.0, 1000.0, 5000.0)
    low, high = band_range(bands, 3)
    assert (low, high) == pytest.approx((100.0, math.sqrt(200_000.0)))
    # Ranges meet, so every cost belongs to exactly one band; the ends reach out as far.
    assert band_range(bands, 2)[1] == pytest.approx(low)
    assert band_range(bands, 1) == pytest.approx((10.0 / math.sqrt(5), math.sqrt(500.0)))
    assert band_range(bands, 5) == pytest.approx((math.sqrt(5e6), 5000.0 * math.sqrt(5)))
    # A table that is not increasing cannot say where a band ends: its own value alone.
    assert band_range((10.0, 10.0, 20.0, 30.0, 40.0), 2) == (10.0, 10.0)


def test_a_band_draws_cost_across_its_range(tmp_path: Path) -> None:
    path = tmp_path / "p.cxmap"
    with Project.create(path) as project:
        project.update_settings(customer_base=1_000)
        g = project.add_work_group("Support")
        step = project.add_step(g.id, "Call")
        estimate = {"reach_source": e.ReachSource.ESTIMATE, "reach_estimate_count": 100}
        for title in ("Costly", "Costlier"):  # far ahead: the first two places, always
            project.add_pain(title, step_ids=(step.id,), rework_cost=5_000.0, **estimate)
        banded = project.add_pain(
            "Banded", step_ids=(step.id,), cost_mode=e.CostMode.BAND, cost_band=3, **estimate
        )
        fixed = project.add_pain("Fixed", step_ids=(step.id,), rework_cost=200.0, **estimate)
        sure = rank_certainty(project, score_pains(project))
    # Band 3 (200) stands for 100…447, drawn log-uniformly: above the fixed 200, and so third,
    # in the share of draws where log cost passes log 200.
    above = math.log(math.sqrt(200_000.0) / 200.0) / math.log(math.sqrt(200_000.0) / 100.0)
    assert sure[banded.id].p_top3 == pytest.approx(above, abs=0.02)
    assert sure[fixed.id].p_top3 == pytest.approx(1.0 - above, abs=0.02)
    assert (sure[banded.id].rank_low, sure[banded.id].rank_high) == (3, 4)


def test_rank_json_carries_the_certainty_and_repeats_it(tmp_path: Path, capsys) -> None:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    assert cli(["rank", str(path), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert cli(["rank", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == first
    assert sum(row["p_top3"] for row in first) == pytest.approx(3.0)
    for row in first:
        assert 1 <= row["rank_low"] <= row["rank_high"] <= len(first)
    # The demo's costliest pain stands far ahead of the rest; its last is far behind.
    assert (first[0]["p_top3"], first[0]["rank_low"], first[0]["rank_high"]) == (1.0, 1, 1)
    assert first[-1]["p_top3"] == 0.0
    assert cli(["rank", str(path)]) == 0
    text = capsys.readouterr().out
    assert "top 3" in text and "100%" in text
