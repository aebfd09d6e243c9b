"""The heat overlay: cards tinted by the impact of the pains located on them."""

from __future__ import annotations

from PySide6.QtGui import QColor

from cxmapper.model.project import Project
from cxmapper.model.scoring import score_pains


def heat_colours(project: Project) -> dict[int, QColor]:
    """Step id → tint, from pale amber (least impact) to strong red (most), by the square
    root of impact so that one huge pain does not wash out the rest."""
    impact: dict[int, float] = {}
    for score in score_pains(project):
        for step_id in score.step_ids:
            impact[step_id] = impact.get(step_id, 0.0) + score.impact
    top = max(impact.values(), default=0.0)
    if top <= 0:
        return {}
    colours = {}
    for step_id, value in impact.items():
        t = (value / top) ** 0.5
        colours[step_id] = QColor.fromRgbF(1.0, 0.93 - 0.55 * t, 0.80 - 0.62 * t)
    return colours
