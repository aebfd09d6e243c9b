"""Reach never silently exceeds the customers there are: estimates above the customer base are
refused, and evidence naming more customers than its imports sampled is flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxmapper.model import entities as e
from cxmapper.model.project import Project
from cxmapper.model.scoring import score_pains
from cxmapper.model.validation import ModelError


@pytest.fixture
def room() -> Project:
    p = Project.in_memory(e.ProjectSettings(customer_base=1000))
    p.add_work_group("Billing")
    return p


def estimate(count: float) -> dict[str, object]:
    return {"reach_source": e.ReachSource.ESTIMATE, "reach_estimate_count": count}


def test_an_estimate_above_the_customer_base_is_refused(room: Project) -> None:
    with pytest.raises(ModelError) as info:
        room.add_pain("Too many", **estimate(1500))
    message = str(info.value)
    assert "1,500" in message and "1,000" in message and "customer base" in message
    assert "\n" not in message and room.pains() == []
    pain = room.add_pain("All of them", **estimate(1000))  # the whole base is allowed
    with pytest.raises(ModelError, match="customer base"):
        room.update_pain(pain.id, reach_estimate_count=1000.5)
    assert room.pain(pain.id).reach_estimate_count == 1000


def test_the_customer_base_cannot_drop_below_an_estimate(room: Project) -> None:
    room.add_pain("Big", **estimate(800))
    room.add_pain("Bigger", **estimate(900))
    room.add_pain("Small", **estimate(100))
    with pytest.raises(ModelError) as info:
        room.update_settings(customer_base=500)
    message = str(info.value)
    # Names the largest estimate and how many others stand in the way.
    assert "500" in message and "“Bigger”" in message and "1 other" in message
    assert room.settings.customer_base == 1000
    room.update_settings(customer_base=900, name="Renamed")
    assert room.settings.customer_base == 900
    # Other settings stay editable whatever the estimates.
    room.update_settings(currency="USD")


def test_an_old_file_with_an_estimate_above_the_base_scores_capped_with_a_warning(
    project_path: Path,
) -> None:
    with Project.create(project_path, e.ProjectSettings(cost_per_contact=10.0)) as p:
        p.add_pain("Legacy", **estimate(1000), extra_contacts=1)
        # As an older version, which did not check, could have written it: 4,000 of 1,000.
        with p.db.atomic():
            p.db.conn.execute("UPDATE pain SET reach_estimate_count = 4000")
    with Project.open(project_path) as p:
        (score,) = score_pains(p)
    assert score.reach == 1000 and score.share == 1.0 and score.impact == 10_000
    assert score.warning and "4,000" in score.warning and "1,000" in score.warning


def test_evidence_naming_more_customers_than_sampled_is_flagged(room: Project) -> None:
    # The import says 5 people were sampled, but its rows come from 8 distinct customers.
    room.evidence.import_batch(
        "survey.csv", [{"text": "x", "customer_id": f"C{i}"} for i in range(8)], sample_size=5
    )
    ids = tuple(range(1, 9))
    room.add_pain("Everyone", evidence_ids=ids)
    (score,) = score_pains(room)
    # The clamp stays (a share cannot pass 100 %), but it is said, not hidden.
    assert (score.k, score.n, score.share) == (8, 8, 1.0)
    assert score.warning is not None
    assert "8" in score.warning and "5" in score.warning and "sample" in score.warning
    # A consistent sample carries no warning.
    room.update_pain(room.pains()[0].id, evidence_ids=ids[:4])
    (score,) = score_pains(room)
    assert (score.k, score.n, score.warning) == (4, 5, None)
