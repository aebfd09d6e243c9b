"""Bright spots: praise that names a person."""

from __future__ import annotations

import pytest

from cxmapper.model.evidence_stats import bright_spots, named_praise
from cxmapper.model.project import Project


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # credited: after thanks, thank you, by, from, kudos to, shout-out to, ...
        ("thanks Marco!", "Marco"),
        ("Great demo by Anna", "Anna"),
        ("Thank you, Marco, great job", "Marco"),
        ("The admin training was practical and well paced. Thanks Priya!", "Priya"),
        ("Kudos to Zoë for the quick fix", "Zoë"),
        ("Shout-out to José, amazing help", "José"),
        ("Props to Jonas for sorting it out", "Jonas"),
        ("Brilliant answer from Mei in support", "Mei"),
        # doing: before was, helped, made, really, from, in, ...
        ("Our success manager Carlos really understands our business. Great.", "Carlos"),
        ("Great call, and Aisha helped us map every report.", "Aisha"),
        # a sentence's first word, before a cue that follows people
        ("Priya in onboarding was fantastic: clear plan, clear owners.", "Priya"),
        ("Tom made the training fun: excellent.", "Tom"),
        ("Priya from support solved it in one call. Brilliant.", "Priya"),
        ("Great week. Tom helped us twice.", "Tom"),
        # the first name in the text
        ("Thanks Anna and Tom, brilliant", "Anna"),
    ],
)
def test_praise_naming_a_person(text: str, name: str) -> None:
    assert named_praise(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for the quick fix.",  # no name
        "Great onboarding, thank you!",
        "Thanks, I was impressed",  # "I" is no name
        "Support was great",  # a team, and a sentence's first word before "was"
        "Onboarding was fantastic",  # a sentence's first word before "was": a thing
        "Great start. Everything went smoothly.",
        "Delivered by Monday, great job",  # a day
        "Great help from Support",  # a team
        "Great dashboards from Northwind",  # the demo's product
        "Fantastic release in March",  # a month
        "Kick-off was the best we have had with any vendor.",
        "Thanks to SSO it was great",  # capitals, not a name
        "Great: Training made it easy",
        "Marco was slow and the invoice wrong",  # a name, but no praise
        "Marco's invoice was late",
    ],
)
def test_not_praise_naming_a_person(text: str) -> None:
    assert named_praise(text) is None


def test_bright_spots_keep_praise_that_names_someone(project: Project) -> None:
    group = project.add_work_group("Customer Success")
    step = project.add_step(group.id, "Quarterly review")
    texts = [
        "thanks Marco!",
        "Great demo by Anna",
        "Fantastic quarterly review.",
        "Everything went great",
        "Brilliant session",
    ]
    rows = [{"text": t, "score": 10, "score_scale": "0-10", "step_ids": [step.id]} for t in texts]
    project.evidence.import_batch("praise.csv", rows)
    (spot,) = bright_spots(project)
    assert spot.step_id == step.id and spot.positive_share == 1.0
    assert sorted(spot.praise) == ["Great demo by Anna", "thanks Marco!"]
