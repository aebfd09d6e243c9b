"""Evidence strength: how well the evidence backs a step or a pain (glossary: *none*, *thin*,
*solid*). The thresholds are the project's settings (``solid_evidence``, ``solid_reach_width``).

- A pain with no linked evidence, or whose reach is the room's estimate, is *none*: the room's
  assumption. It is *solid* with at least ``solid_evidence`` items and a 95 % reach interval no
  wider than ``solid_reach_width`` times its reach; *thin* otherwise.
- A step has no reach of its own: it is *none* without linked items, *solid* with at least
  ``solid_evidence``, *thin* in between.
"""

from __future__ import annotations

from enum import StrEnum

from cxmapper.model import entities as e
from cxmapper.model.scoring import PainScore


class Strength(StrEnum):
    NONE = "none"
    THIN = "thin"
    SOLID = "solid"

    @property
    def label(self) -> str:
        return {"none": "None (assumed)", "thin": "Thin", "solid": "Solid"}[self.value]


def pain_strength(score: PainScore, settings: e.ProjectSettings) -> Strength:
    if score.reach_source != e.ReachSource.EVIDENCE.value or score.evidence_count == 0:
        return Strength.NONE
    if score.evidence_count < settings.solid_evidence or score.reach <= 0:
        return Strength.THIN
    width = (score.reach_high - score.reach_low) / score.reach
    return Strength.SOLID if width <= settings.solid_reach_width else Strength.THIN


def step_strength(linked_items: int, settings: e.ProjectSettings) -> Strength:
    if linked_items <= 0:
        return Strength.NONE
    return Strength.SOLID if linked_items >= settings.solid_evidence else Strength.THIN
