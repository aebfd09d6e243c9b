"""`cxmapper rank PATH [--json]`: the pains, costliest first."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from cxmapper.cli.base import CommandError, Subcommand
from cxmapper.terminal import escape_controls

JSON_KEYS = (
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
)
# How sure each rank is (cxmapper/model/certainty.py), beside the figures above.
CERTAINTY_KEYS = ("p_top3", "rank_low", "rank_high")


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a .cxmap project")
    p.add_argument("--json", action="store_true", help="print the ranking as JSON")


def _run(args: argparse.Namespace) -> int:
    from cxmapper.model.certainty import rank_certainty
    from cxmapper.model.project import Project
    from cxmapper.model.scoring import score_pains

    with Project.open_for_reading(args.path) as project:
        scores = score_pains(project)
        sure = rank_certainty(project, scores)
        currency = project.settings.currency
    if args.json:
        rows = [
            {k: asdict(s)[k] for k in JSON_KEYS}
            | {k: asdict(sure[s.pain_id])[k] for k in CERTAINTY_KEYS}
            for s in scores
        ]
        try:
            # Strict JSON: values are validated when the project loads, yet a reader must never
            # be handed Infinity or NaN, which JSON does not have.
            text = json.dumps(rows, indent=2, allow_nan=False)
        except ValueError as exc:
            raise CommandError(
                f"“{args.path}” has a pain whose figures are not finite numbers; "
                "it cannot be written as JSON."
            ) from exc
        print(text)
        return 0
    if not scores:
        print("No pains yet.")
        return 0
    print(
        f"{'#':>3}  {'impact/yr':>14}  {'reach':>16}  {'cost/cust':>10}  {'top 3':>5}  "
        f"{'ranks':>7}  {'kind':<9}  pain"
    )
    # One row per pain: a title or group name cannot break the row or rewrite the terminal.
    currency = escape_controls(currency)
    for s in scores:
        title = escape_controls(s.title)
        groups = escape_controls(", ".join(s.work_groups))
        reach = f"{s.reach:,.0f} ({s.reach_low:,.0f}-{s.reach_high:,.0f})"
        if s.reach_source == "estimate":
            reach = f"{s.reach:,.0f} est."
        c = sure[s.pain_id]
        ranks = f"{c.rank_low}" if c.rank_low == c.rank_high else f"{c.rank_low}-{c.rank_high}"
        print(
            f"{s.rank:>3}  {s.impact:>10,.0f} {currency:<3}  {reach:>16}  "
            f"{s.cost_per_customer:>10,.0f}  {c.p_top3:>5.0%}  {ranks:>7}  {s.kind:<9}  "
            f"{title}  [{groups}]"
        )
    return 0


COMMAND = Subcommand("rank", "rank the pains by impact (reach × cost per customer)", _args, _run)
