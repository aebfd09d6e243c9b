"""The rank-certainty figure: 10,000 draws over the large project's pains, beside its floor."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np


def certainty(big: Path, report) -> None:  # type: ignore[no-untyped-def]
    from cxmapper.model.certainty import DRAWS, rank_certainty
    from cxmapper.model.project import Project
    from cxmapper.model.scoring import score_pains

    with Project.open_for_reading(big) as project:
        scores = score_pains(project)
        rank_certainty(project, scores, draws=100)  # imports and thread start-up, once
        best = min(_timed(lambda: rank_certainty(project, scores)) for _ in range(3))
    report(
        f"rank certainty ({DRAWS:,} draws × {len(scores)} pains)",
        best,
        _floor(len(scores), DRAWS),
        "best of 3; floor = sorting one float32 row of impacts per draw, nothing drawn",
    )


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _floor(pains: int, draws: int) -> float:
    impacts = np.random.default_rng(0).random((draws, pains), dtype=np.float32)
    return min(_timed(lambda: np.argsort(impacts, axis=1)) for _ in range(3))
