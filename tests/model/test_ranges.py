"""Stated ranges of a pain: the estimate's range and the range of its cost from components —
their checks, their storage (schema 6, from a version 5 file too), and how rank certainty
draws from them (cxmapper/model/certainty.py; docs/ARCHITECTURE.md, "Rank certainty")."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from cxmapper.cli import main as cli
from cxmapper.model import entities as e
from cxmapper.model.certainty import rank_certainty
from cxmapper.model.project import Project
from cxmapper.model.schema import SCHEMA_VERSION, apply_migrations
from cxmapper.model.scoring import score_pains
from cxmapper.model.validation import ModelError

SHARE = {"reach_source": e.ReachSource.ESTIMATE, "reach_estimate_share": 0.2}
COUNT = {"reach_source": e.ReachSource.ESTIMATE, "reach_estimate_count": 100.0}


@pytest.fixture
def project(tmp_path: Path):
    with Project.create(tmp_path / "p.cxmap") as p:
        p.update_settings(customer_base=1_000, cost_per_contact=10.0)
        yield p


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({**SHARE, "reach_estimate_low": 0.1}, "needs both a low and a high end"),
        ({**SHARE, "reach_estimate_low": 0.3, "reach_estimate_high": 0.1}, "is above its high"),
        ({**SHARE, "reach_estimate_low": 0.25, "reach_estimate_high": 0.3}, "within its range"),
        ({**SHARE, "reach_estimate_low": 0.1, "reach_estimate_high": 1.5}, "cannot be above 1"),
        ({**SHARE, "reach_estimate_low": -0.1, "reach_estimate_high": 0.3}, "cannot be below 0"),
        ({**COUNT, "reach_estimate_low": 50.0, "reach_estimate_high": 90.0}, "within its range"),
        ({**COUNT, "reach_estimate_low": 50.0, "reach_estimate_high": 2e3}, "customer base"),
        ({"reach_estimate_low": 0.1, "reach_estimate_high": 0.3}, "needs an estimate"),
        ({"rework_cost": 50.0, "cost_high": 80.0}, "needs both a low and a high end"),
        ({"rework_cost": 50.0, "cost_low": 60.0, "cost_high": 80.0}, "within its range"),
        ({"rework_cost": 50.0, "cost_low": 40.0, "cost_high": 2e12}, "cannot be above"),
        ({"rework_cost": 50.0, "cost_low": math.nan, "cost_high": 80.0}, "must be a number"),
        ({"rework_cost": 50.0, "cost_low": "cheap", "cost_high": 80.0}, "must be a number"),
    ],
)
def test_a_wrong_range_is_refused_in_one_sentence(
    project: Project, values: dict[str, Any], words: str
) -> None:
    with pytest.raises(ModelError, match=words) as info:
        project.add_pain("Pain", **values)
    message = str(info.value)
    assert message.endswith(".") and message.count(". ") == 0
    assert project.pains() == []


def test_the_cost_range_holds_the_cost_from_components_under_the_settings(
    project: Project,
) -> None:
    # 2 extra contacts at 10 each and 30 of rework: 50 per customer, inside 40…80.
    pain = project.add_pain(
        "Pain", extra_contacts=2.0, rework_cost=30.0, cost_low=40.0, cost_high=80.0
    )
    with pytest.raises(ModelError, match=r"cost per customer from components \(90\)"):
        project.update_pain(pain.id, rework_cost=70.0)
    # A band's cost has its own range: the stated one is kept, not held against the band.
    project.update_pain(pain.id, cost_mode=e.CostMode.BAND, cost_band=5)


def test_ranges_are_stored_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "p.cxmap"
    with Project.create(path) as p:
        p.update_settings(customer_base=1_000)
        shared = p.add_pain("Shared", **SHARE, reach_estimate_low=0.1, reach_estimate_high=0.3)
        counted = p.add_pain("Counted", **COUNT, reach_estimate_low=80, reach_estimate_high=150)
        costly = p.add_pain("Costly", rework_cost=50.0, cost_low=20.0, cost_high=90.0)
    assert Project.check_file(path) == SCHEMA_VERSION
    with Project.open(path) as p:
        assert (p.pain(shared.id).reach_estimate_low, p.pain(shared.id).reach_estimate_high) == (
            0.1,
            0.3,
        )
        assert (p.pain(counted.id).reach_estimate_low, p.pain(counted.id).reach_estimate_high) == (
            80,
            150,
        )
        assert (p.pain(costly.id).cost_low, p.pain(costly.id).cost_high) == (20.0, 90.0)
        # A customer base below the range's high end would leave the range claiming more.
        with pytest.raises(ModelError, match="up to 150"):
            p.update_settings(customer_base=120)


def test_a_version_5_file_opens_and_gains_the_ranges(tmp_path: Path) -> None:
    path = tmp_path / "old.cxmap"
    db = Database(path)
    apply_migrations(db, up_to=5)
    db.conn.execute("INSERT INTO pain (id, title, rework_cost) VALUES (1, 'Old pain', 40)")
    db.conn.commit()
    db.close()
    assert Project.check_file(path) == 5
    with Project.open(path) as p:
        assert p.pain(1).cost_low is None and p.pain(1).reach_estimate_low is None
        p.update_pain(1, cost_low=30.0, cost_high=60.0)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    conn.close()
    assert Project.check_file(path) == SCHEMA_VERSION
    with Project.open(path) as p:
        assert (p.pain(1).cost_low, p.pain(1).cost_high) == (30.0, 60.0)


# --- rank certainty ------------------------------------------------------------------------------


def _ahead(p: Project, step_id: int) -> None:
    """Two pains far ahead of the rest: the first two places, in every draw."""
    for title in ("Costly", "Costlier"):
        p.add_pain(title, step_ids=(step_id,), rework_cost=5_000.0, **COUNT)


def test_estimates_whose_stated_ranges_do_not_meet_keep_their_order(project: Project) -> None:
    step = project.add_step(project.add_work_group("Support").id, "Call")
    project.add_pain("Costly", step_ids=(step.id,), rework_cost=5_000.0, **COUNT)  # first
    cost = {"step_ids": (step.id,), "rework_cost": 100.0, "reach_source": e.ReachSource.ESTIMATE}
    # 26 %…34 % against 10 %…25 %: the higher range is second in every draw.
    high = project.add_pain(
        "Higher",
        reach_estimate_share=0.3,
        reach_estimate_low=0.26,
        reach_estimate_high=0.34,
        **cost,
    )
    low = project.add_pain(
        "Lower", reach_estimate_share=0.2, reach_estimate_low=0.1, reach_estimate_high=0.25, **cost
    )
    # A fixed 15 % lies inside the lower range: the lower is above it, and third, in
    # (25 − 15) / (25 − 10) = 2/3 of the draws.
    fixed = project.add_pain("Fixed", reach_estimate_share=0.15, **cost)
    sure = rank_certainty(project, score_pains(project))
    assert (sure[high.id].p_top3, sure[high.id].rank_low, sure[high.id].rank_high) == (1.0, 2, 2)
    assert (sure[low.id].rank_low, sure[low.id].rank_high) == (3, 4)
    assert sure[low.id].p_top3 == pytest.approx(2 / 3, abs=0.02)
    assert sure[fixed.id].p_top3 == pytest.approx(1 / 3, abs=0.02)


def test_a_cost_range_spanning_a_fixed_cost_shares_the_place(project: Project) -> None:
    step = project.add_step(project.add_work_group("Support").id, "Call")
    _ahead(project, step.id)
    # 200 a customer, stated as 100…800: drawn log-uniformly, above the fixed 200 in the share
    # of draws where log cost passes log 200, i.e. log 4 / log 8 = 2/3.
    ranged = project.add_pain(
        "Ranged", step_ids=(step.id,), rework_cost=200.0, cost_low=100.0, cost_high=800.0, **COUNT
    )
    fixed = project.add_pain("Fixed", step_ids=(step.id,), rework_cost=200.0, **COUNT)
    sure = rank_certainty(project, score_pains(project))
    above = math.log(4.0) / math.log(8.0)
    assert sure[ranged.id].p_top3 == pytest.approx(above, abs=0.02)
    assert sure[fixed.id].p_top3 == pytest.approx(1.0 - above, abs=0.02)
    assert (sure[ranged.id].rank_low, sure[ranged.id].rank_high) == (3, 4)


def test_a_counted_estimate_draws_evenly_across_its_range(project: Project) -> None:
    step = project.add_step(project.add_work_group("Support").id, "Call")
    _ahead(project, step.id)
    cost = {"step_ids": (step.id,), "rework_cost": 100.0, "reach_source": e.ReachSource.ESTIMATE}
    # 100 customers stated as 50…150 against a fixed 120: above it in 30 of every 100 draws.
    ranged = project.add_pain(
        "Ranged", reach_estimate_count=100, reach_estimate_low=50, reach_estimate_high=150, **cost
    )
    fixed = project.add_pain("Fixed", reach_estimate_count=120, **cost)
    sure = rank_certainty(project, score_pains(project))
    assert sure[ranged.id].p_top3 == pytest.approx(0.3, abs=0.02)
    assert sure[fixed.id].p_top3 == pytest.approx(0.7, abs=0.02)
    # Same file, same numbers.
    assert rank_certainty(project, score_pains(project)) == sure


def test_rank_json_keeps_its_keys_and_carries_the_drawn_ranges(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.cxmap"
    with Project.create(path) as p:
        p.update_settings(customer_base=1_000)
        step = p.add_step(p.add_work_group("Support").id, "Call")
        _ahead(p, step.id)
        p.add_pain(
            "Ranged",
            step_ids=(step.id,),
            rework_cost=200.0,
            cost_low=100.0,
            cost_high=800.0,
            **COUNT,
        )
        p.add_pain("Fixed", step_ids=(step.id,), rework_cost=200.0, **COUNT)
    assert cli(["rank", str(path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [list(row) for row in rows] == [KEYS] * 4
    chance = {row["title"]: row["p_top3"] for row in rows}
    assert chance["Ranged"] == pytest.approx(math.log(4.0) / math.log(8.0), abs=0.02)
    assert sum(chance.values()) == pytest.approx(3.0)


KEYS = [
    "rank",
    "title",
    "reach",
    "reach_low",
    "reach_high",
    "reach_source",
    "k",
    "n",
    "cost_per_customer",
    "impact",
    "impact_low",
    "impact_high",
    "kind",
    "work_groups",
    "evidence_count",
    "p_top3",
    "rank_low",
    "rank_high",
]
