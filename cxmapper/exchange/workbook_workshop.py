"""The Workshop sheet of the plan workbook: every voting round's dots per item beside the
evidence order and rank certainty, then belief against evidence in words (model/voting.py).

Ballots the facilitator has not revealed are not counted here either: the workbook says
how many are hidden, and counts only the tallies typed from paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook

from cxmapper.exchange.cells import SheetWriter, safe
from cxmapper.exchange.workbook_sheets import NUMBER, PERCENT
from cxmapper.model import entities as e
from cxmapper.model.certainty import RankCertainty
from cxmapper.model.project import Project
from cxmapper.model.scoring import PainScore
from cxmapper.model.voting import disagreements, evidence_items, standings, tally


def workshop(
    book: Workbook, project: Project, pains: list[PainScore], sure: Mapping[int, RankCertainty]
) -> None:
    """The Workshop sheet, when the project has voting rounds."""
    rounds = project.voting_rounds()
    if not rounds:
        return
    ws = book.create_sheet("Workshop")
    w = SheetWriter(
        ws,
        [
            ("Round", 26, None),
            ("Item", 44, None),
            ("On", 7, None),
            ("Dots", 8, NUMBER),
            ("Typed from paper", 10, NUMBER),
            ("Share of dots", 9, PERCENT),
            ("Room's rank", 9, NUMBER),
            ("Scoring rank", 9, NUMBER),  # (from evidence or, without, from estimates)
            ("Evidence strength", 11, None),
            ("Chance of top 3", 10, PERCENT),
            ("Ranks in 90 % of draws", 12, None),
            ("Ballots", 9, NUMBER),
            ("Ballots revealed", 10, None),
        ],
        "Workshop",
    )
    w.header()
    said: list[tuple[str, str]] = []
    for r in rounds:
        counted = tally(r, project.votes(r.id))
        items = evidence_items(project, r.target, pains, sure)
        rows = standings(items, counted.dots)
        total = counted.total
        for s in rows:
            low, high = s.item.rank_low, s.item.rank_high
            chance: Any = sure[s.item.item_id].p_top3 if r.target == e.VoteTarget.PAIN else None
            w.row(
                [
                    r.title,
                    s.item.title,
                    r.target.value,
                    s.dots,
                    counted.typed.get(s.item.item_id, 0),
                    s.dots / total if total else 0.0,
                    s.room_rank,
                    s.evidence_rank,
                    s.item.strength.value,
                    chance,
                    "" if low is None else f"{low}" if low == high else f"{low}–{high}",
                    counted.ballots,
                    "yes" if r.revealed or not counted.ballots else "no (hidden)",
                ],
                wrap=(0, 1),
            )
        said += [(r.title, sentence) for sentence in disagreements(rows, counted)]
    w.finish()

    ws.append([])
    ws.append([safe(ws, "Belief against evidence: where the room and the evidence part")])
    words = SheetWriter(
        ws,
        [("Round", 26, None), ("Where belief and evidence part", 44, None)],
        "BeliefAgainstEvidence",
        first_row=w.last_row + 3,
        own_sheet=False,
    )
    words.header()
    for title, sentence in said:
        words.row([title, sentence], wrap=(0, 1))
    words.finish()
