"""`python -m bench.bench_canvas`: the journey canvas on a large project.

Prints: open (file → view shown and painted), routing every flow and placing every label, full
renders (PNG, SVG, PDF), a repaint of the viewport at fit-all and at 1× (where long antialiased
arrows cost most), and single edits through the undo stack (rename, move into another lane, add
a connected step, undo) with how many items each touched. Figures are printed, never asserted.
Options: --steps N (default 2000).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def line(name: str, seconds: float, note: str = "") -> None:
    print(f"{name:<44} {seconds * 1000:9.1f} ms  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_canvas")
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()

    from PySide6.QtGui import QImage, QPainter

    from cxmapper.model.demo import write_demo
    from cxmapper.model.placement import PITCH_X
    from cxmapper.model.project import Project
    from cxmapper.ui.app import make_application
    from cxmapper.ui.canvas.layout import CARD_H, CARD_W
    from cxmapper.ui.canvas.render import render_to_file
    from cxmapper.ui.canvas.view import JourneyView
    from cxmapper.ui.document.commands import AddStep, MoveSteps, UpdateItem
    from cxmapper.ui.document.context import DocumentContext

    folder = Path(tempfile.mkdtemp(prefix="cxmap-bench-canvas-"))
    path = folder / "big.cxmap"
    counts = write_demo(path, steps=args.steps)
    print(f"project: {counts}")
    app = make_application()

    start = time.perf_counter()
    project = Project.open(path)
    ctx = DocumentContext(project)
    view = JourneyView(ctx)
    view.resize(1600, 900)
    view.show()
    view.fit_height()
    view.viewport().repaint()
    app.processEvents()
    scene = view.journey_scene
    line(
        "open: file to view shown and painted",
        time.perf_counter() - start,
        f"{len(scene.cards)} cards, {len(scene.arrows)} arrows",
    )

    # Routing alone, as the scene asks for it on open and after each edit that moves cards
    # or flows: every flow's route, then every label's place (best of 3, processor time).
    from cxmapper.ui.canvas.labels import place_labels
    from cxmapper.ui.canvas.layout import LANE_HEADER_W, STAGE_HEADER_H
    from cxmapper.ui.canvas.routing import FlowSpec, Router

    cards = {
        step_id: (c.pos().x(), c.pos().y(), c.pos().x() + CARD_W, c.pos().y() + CARD_H)
        for step_id, c in scene.cards.items()
    }
    specs = [
        FlowSpec(f.id, f.source_id, f.target_id, f.id in scene.loops, (90.0, 64.0) * bool(f.label))
        for f in project.flow_views()
    ]
    best = [float("inf"), float("inf")]
    for _ in range(3):
        start = time.process_time()
        router = Router(cards, top=STAGE_HEADER_H, left=LANE_HEADER_W)
        routes = router.route_all(specs)
        middle = time.process_time()
        place_labels(
            routes, specs, cards.values(), height=18, top=STAGE_HEADER_H, left=LANE_HEADER_W
        )
        best = [min(best[0], middle - start), min(best[1], time.process_time() - middle)]
    line("route every flow", best[0], f"{len(specs):,} flows, best of 3 (processor time)")
    line("place every label", best[1], "best of 3 (processor time)")

    for suffix in ("png", "svg", "pdf"):
        out = folder / f"map.{suffix}"
        start = time.perf_counter()
        render_to_file(project, out)
        line(
            f"full render to {suffix.upper()}",
            time.perf_counter() - start,
            f"{out.stat().st_size / 1e6:.1f} MB",
        )

    def repaint(label: str) -> None:
        image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
        best = float("inf")
        for _ in range(3):
            image.fill(0)
            painter = QPainter(image)
            start = time.perf_counter()
            view.render(painter)
            painter.end()
            best = min(best, time.perf_counter() - start)
        line(f"repaint the viewport ({label})", best, "best of 3")

    view.fit_all()
    repaint(f"fit all, zoom {view.zoom_factor():.3f}")
    view.actual_size()
    repaint("1×")

    def edit(label: str, action: Callable[[], object]) -> None:
        before = {id(i) for i in scene.items()}
        start = time.perf_counter()
        action()
        app.processEvents()
        seconds = time.perf_counter() - start
        after = {id(i) for i in scene.items()}
        kept = len(before & after)
        line(
            label,
            seconds,
            f"items kept {kept:,}, new {len(after - before)}, gone {len(before - after)}",
        )

    steps = sorted(project.steps(), key=lambda s: s.id)
    middle = steps[len(steps) // 2]
    stack = ctx.undo_stack
    from cxmapper.model.entities import Step

    edit(
        "one edit: rename a step",
        lambda: stack.push(UpdateItem(project, Step, middle.id, "Rename", title="Renamed")),
    )
    other_lane = next(g.id for g in project.work_groups() if g.id != middle.work_group_id)
    edit(
        "one edit: move a step into another lane",
        lambda: stack.push(
            MoveSteps(project, {middle.id: {"work_group_id": other_lane, "x": middle.x}})
        ),
    )
    edit(
        "one edit: add a connected step",
        lambda: stack.push(
            AddStep(
                project,
                middle.work_group_id,
                "Added",
                x=middle.x + PITCH_X,
                y=view._free_slot(middle.work_group_id, middle.x + PITCH_X),
                connect_from=middle.id,
            )
        ),
    )
    edit("one edit: undo the addition", stack.undo)

    view.close_view()
    ctx.close()
    project.close()


if __name__ == "__main__":
    main()
