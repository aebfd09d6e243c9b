"""Card tints: by the impact of the pains located on them (the heat overlay), or by how well
evidence backs each step (none, thin, solid: :mod:`cxmapper.model.strength`)."""

from __future__ import annotations

from PySide6.QtGui import QColor

from cxmapper.model.project import Project
from cxmapper.model.scoring import score_pains
from cxmapper.model.strength import Strength, step_strength

# Pale enough for black titles: red where the room only assumes, amber where evidence is thin,
# green where it is solid.
STRENGTH_TINTS = {
    Strength.NONE: QColor("#ffd8d8"),
    Strength.THIN: QColor("#ffec99"),
    Strength.SOLID: QColor("#b2f2bb"),
}


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


def strength_colours(project: Project) -> dict[int, QColor]:
    """Step id → the tint of its evidence strength, for every step."""
    counts = project.evidence.counts_by_step()
    settings = project.settings
    return {
        s.id: STRENGTH_TINTS[step_strength(counts.get(s.id, 0), settings)]
        for s in project.step_views()
    }
