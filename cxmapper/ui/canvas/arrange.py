"""Arrange: edits that put steps in their places by the model's placement rules — Tidy Map,
and moving the selected steps to another stage (Alt+Left / Alt+Right on the map, and the
inspector's stage field). Each is one undoable edit through the document's edit path."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from cxmapper.model import placement
from cxmapper.model.project import Project
from cxmapper.model.tidy import tidy_moves
from cxmapper.ui.document.commands import MoveSteps
from cxmapper.ui.document.context import DocumentContext


def tidy_map(ctx: DocumentContext, origin: QWidget | None) -> int | None:
    """Arrange → Tidy Map. Returns how many steps moved (None: refused, and reported)."""
    project = ctx.project
    moves = tidy_moves(
        [s.id for s in project.stages()],
        [g.id for g in project.work_groups()],
        list(project.step_views()),
        [(f.source_id, f.target_id) for f in project.flow_views()],
    )
    if not moves:
        return 0
    command = ctx.edit(lambda: MoveSteps(project, moves, "Tidy map"), origin=origin)
    return None if command is None else len(moves)


def stage_moves(
    project: Project, step_ids: Sequence[int], *, stage_id: int | None = None, delta: int = 0
) -> dict[int, dict[str, object]]:
    """The moves that put ``step_ids`` into ``stage_id``, or each into the stage ``delta``
    places after its own (steps at the first or last stage stay)."""
    stage_ids = [s.id for s in project.stages()]
    steps = list(project.step_views())
    targets: dict[int, list[int]] = {}
    for step_id in step_ids:
        if stage_id is not None:
            target: int | None = stage_id
        else:
            own = project.step(step_id).stage_id
            index = stage_ids.index(own) + delta if own in stage_ids else -1
            target = stage_ids[index] if 0 <= index < len(stage_ids) else None
        if target is not None:
            targets.setdefault(target, []).append(step_id)
    moves: dict[int, dict[str, object]] = {}
    for target, moving in targets.items():
        moves.update(placement.to_stage(stage_ids, steps, moving, target))
    return moves


def move_to_stage(
    ctx: DocumentContext,
    origin: QWidget | None,
    step_ids: Sequence[int],
    *,
    stage_id: int | None = None,
    delta: int = 0,
) -> MoveSteps | None:
    """Move ``step_ids`` into a stage's columns (see :func:`stage_moves`), one edit."""
    project = ctx.project
    moves = stage_moves(project, step_ids, stage_id=stage_id, delta=delta)
    if not moves:
        return None
    if len(moves) == 1:
        step_id = next(iter(moves))
        name = project.stage(moves[step_id]["stage_id"]).name  # type: ignore[arg-type]
        text = f"Move step '{project.step(step_id).title}' to {name}"
    else:
        text = f"Move {len(moves)} steps to another stage"
    return ctx.edit(lambda: MoveSteps(project, moves, text), origin=origin)
