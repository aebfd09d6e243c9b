"""`python -m bench.plan_panels`: what the pain register, priority matrix and action plan cost
per edit on the large project (--steps N, default 2000). Figures are printed, never asserted.

The floor of a pain edit is one scoring of every pain (model only): the three views share it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def per_call(fn, repeat: int = 5) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from cxmapper.model.demo import write_demo
    from cxmapper.model.project import Project
    from cxmapper.model.scoring import score_pains
    from cxmapper.ui.document.context import DocumentContext
    from cxmapper.ui.panels.actions import ActionPanel
    from cxmapper.ui.panels.matrix import PriorityMatrix
    from cxmapper.ui.panels.pains import PainPanel
    from cxmapper.ui.panels.plan_scores import PlanScores

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.cxmap"
        write_demo(path, steps=args.steps)
        project = Project.open(path)
        ctx = DocumentContext(project)
        counts = project.counts()
        print(f"{counts['steps']} steps, {counts['pains']} pains, {counts['actions']} actions")
        floor = per_call(lambda: score_pains(project))
        start = time.perf_counter()
        views = [PainPanel(ctx), PriorityMatrix(ctx), ActionPanel(ctx)]
        for view in views:
            view.resize(900, 500)
            view.show()
        app.processEvents()
        opened = time.perf_counter() - start
        plan = PlanScores.of(ctx)
        pain = project.pains()[0]
        costs = iter(range(1, 1_000_000))

        def edit_pain() -> None:
            project.update_pain(pain.id, rework_cost=float(next(costs)))
            app.processEvents()

        step = project.steps()[0]
        xs = iter(range(1, 1_000_000))

        def move_step() -> None:
            project.update_step(step.id, x=step.x + next(xs))
            app.processEvents()

        before = plan.scorings
        edit = per_call(edit_pain)
        scorings = (plan.scorings - before) / 5
        move = per_call(move_step, 20)
        print(f"{'score every pain (floor)':<36} {floor * 1000:8.1f} ms")
        print(f"{'open the three views':<36} {opened * 1000:8.1f} ms")
        print(
            f"{'one pain edit, three views':<36} {edit * 1000:8.1f} ms   {edit / floor:5.2f}×"
            f" the floor, {scorings:g} scoring(s) per edit"
        )
        print(f"{'one step move, three views':<36} {move * 1000:8.1f} ms")
        for view in views:
            view.detach()
        ctx.close()
        project.close()


if __name__ == "__main__":
    main()
