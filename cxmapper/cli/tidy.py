"""`cxmapper tidy PATH`: lay the map out tidily (Arrange → Tidy Map without the window),
written to the file in one transaction."""

from __future__ import annotations

import argparse

from cxmapper.cli.base import Subcommand
from cxmapper.wording import counted


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a .cxmap project (changed in place)")


def _run(args: argparse.Namespace) -> int:
    from cxmapper.model.placement import column_of
    from cxmapper.model.project import Project
    from cxmapper.model.tidy import tidy_moves

    with Project.open(args.path) as project:
        steps = project.steps()
        moves = tidy_moves(
            [s.id for s in project.stages()],
            [g.id for g in project.work_groups()],
            steps,
            [(f.source_id, f.target_id) for f in project.flows()],
        )
        staged = sum(1 for changes in moves.values() if "stage_id" in changes)
        with project.db.atomic():  # the whole layout or none of it
            for step_id, changes in moves.items():
                project.update_step(step_id, **changes)
        columns = len({column_of(s.x) for s in project.step_views()})
        stages = len(project.stages())
    if not moves:
        placed = f"{counted(len(steps), 'step')} in {counted(columns, 'column')}"
        print(f"Already tidy: {placed}; nothing moved.")
        return 0
    print(
        f"Tidied the map: moved {len(moves)} of {counted(len(steps), 'step')}; "
        f"{counted(columns, 'column')} across {counted(stages, 'stage')}."
    )
    if staged:
        now = "now has the stage it is" if staged == 1 else "now have the stage they are"
        print(f"{counted(staged, 'step')} without a stage {now} drawn in.")
    return 0


COMMAND = Subcommand("tidy", "lay the map out tidily (as Arrange → Tidy Map does)", _args, _run)
