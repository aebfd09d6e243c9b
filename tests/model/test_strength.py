"""Evidence strength (cxmapper/model/strength.py): none, thin, solid from the count of linked
items and the width of the reach interval, with the project's thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxmapper.model import entities as e
from cxmapper.model.project import Project
from cxmapper.model.scoring import PainScore, wilson_interval
from cxmapper.model.strength import Strength, pain_strength, step_strength
from cxmapper.model.validation import ModelError

SETTINGS = e.ProjectSettings()  # solid from 30 items within 0.75 × the reach


def scored(k: int, n: int, *, items: int | None = None, source: str = "evidence") -> PainScore:
    low, high = wilson_interval(k, n) if n else (0.0, 0.0)
    return PainScore(
        pain_id=1,
        title="p",
        reach=k / n * 1_000 if n else 0.0,
        reach_low=low * 1_000,
        reach_high=high * 1_000,
        reach_source=source,
        k=k,
        n=n,
        evidence_count=k if items is None else items,
    )


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [
        (0, 0, Strength.NONE),  # nothing linked: the room's assumption
        (5, 100, Strength.THIN),  # a few items
        (29, 60, Strength.THIN),  # narrow enough, one item short
        (30, 60, Strength.SOLID),  # 30 items: 0.50 ± 0.12, width 0.49 × the reach
        (40, 800, Strength.SOLID),  # 5 %: width 0.62 × the reach
        (31, 10_000, Strength.SOLID),  # 0.31 %: width 0.71
        (300, 300, Strength.SOLID),
    ],
)
def test_pain_strength_by_hand(k: int, n: int, expected: Strength) -> None:
    assert pain_strength(scored(k, n), SETTINGS) is expected


def test_a_wide_interval_keeps_many_items_thin() -> None:
    # 30 customers of whom the imports sampled 30 000 is one in a thousand: Wilson's interval
    # is 0.7…1.43 ‰, 0.73 × the reach; 0.5 × is asked for.
    assert pain_strength(scored(30, 30_000), e.ProjectSettings(solid_reach_width=0.5)) is (
        Strength.THIN
    )


def test_an_estimate_is_an_assumption_whatever_is_linked() -> None:
    assert pain_strength(scored(0, 0, items=50, source="estimate"), SETTINGS) is Strength.NONE


def test_step_strength_counts_linked_items() -> None:
    assert [step_strength(n, SETTINGS) for n in (0, 1, 29, 30)] == [
        Strength.NONE,
        Strength.THIN,
        Strength.THIN,
        Strength.SOLID,
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"solid_evidence": 0}, "from 1 to"),
        ({"solid_evidence": 2.5}, "whole number"),
        ({"solid_evidence": True}, "whole number"),
        ({"solid_reach_width": -0.1}, "widest reach interval"),
        ({"solid_reach_width": float("nan")}, "widest reach interval"),
    ],
)
def test_thresholds_are_checked(tmp_path: Path, changes: dict, message: str) -> None:
    with Project.create(tmp_path / "p.cxmap") as project:
        with pytest.raises(ModelError, match=message):
            project.update_settings(**changes)
        assert project.settings.solid_evidence == 30


def test_thresholds_are_kept_in_the_file_and_older_files_get_the_defaults(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.cxmap"
    with Project.create(path) as project:
        project.update_settings(solid_evidence=12, solid_reach_width=1.0)
        project.db.conn.execute("DELETE FROM settings WHERE key = 'solid_reach_width'")
        project.db.conn.commit()
    with Project.open(path) as project:
        assert project.settings.solid_evidence == 12
        assert project.settings.solid_reach_width == 0.75
