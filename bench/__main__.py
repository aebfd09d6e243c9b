"""`python -m bench`: builds the large project and prints each figure beside its floor.

Floors are measured in the same run on the same data: the least any implementation could take
(raw csv.reader + sqlite3 executemany; openpyxl write-only of the same cells alone; etc.).
Figures are printed, never asserted. Options: --steps N (default 2000), --rows N (default 100,000),
--open-runs N (default 3), --csv-only (only the CSV import figure, without the large project).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROWS = 100_000


def project_width(project) -> float:
    """The map's width in scene units, as the renderer lays it out."""
    from cxmapper.ui.canvas.scene import JourneyScene

    scene = JourneyScene.picture(project)
    width = scene.sceneRect().width()
    scene.clear()
    return width


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def report(name: str, seconds: float, floor: float | None = None, note: str = "") -> None:
    ratio = f"{seconds / floor:5.2f}×" if floor else "     "
    floor_text = f"{floor:8.3f} s" if floor else " " * 10
    print(f"{name:<38} {seconds:8.3f} s   floor {floor_text}   {ratio}  {note}")


def report_runs(name: str, figures: list[float], floors: list[float], note: str = "") -> None:
    """One figure beside its floor; of several runs (each figure and its floor measured
    one after the other, so that a busy machine slows both), the min and the median."""
    if len(figures) == 1:
        report(name, figures[0], floors[0], note)
        return
    ratios = sorted(f / fl for f, fl in zip(figures, floors, strict=True))
    figures, floors = sorted(figures), sorted(floors)
    mid = len(figures) // 2
    report(name, figures[0], floors[0], note + f"; min of {len(figures)} runs")
    print(
        f"{'':<38} median {figures[mid]:.3f} s, floor {floors[mid]:.3f} s; ratio of each run: "
        f"min {ratios[0]:.2f}×, median {ratios[mid]:.2f}×"
    )


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Customer ID", "Date", "NPS", "Comment", "Touchpoint"])
        for i in range(rows):
            w.writerow(
                [
                    f"C-{i % 40000:05d}",
                    f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                    str(i % 11),
                    f"Verbatim number {i} about the invoice and support",
                    "Receives invoice" if i % 3 else "Ticket triage",
                ]
            )


def csv_floor(path: Path, db_path: Path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE t (a, b, c, d, e)")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        with conn:
            conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", reader)
    conn.close()
    return time.perf_counter() - start


def csv_import(folder: Path, rows: int, repeat: int = 1) -> tuple[Path, Path]:
    """The CSV import figure: a ``rows``-row survey export imported into the demo project,
    beside the floor (``repeat`` times). Returns the CSV and the project, which the XLSX
    figure reuses."""
    from cxmapper.exchange.importer import plan_import, run_import
    from cxmapper.model.demo import write_demo
    from cxmapper.model.project import Project

    data = folder / "survey.csv"
    write_csv(data, rows)
    figures, bases, reads, writes = [], [], [], []
    for run in range(repeat):
        floor_db = folder / "floor.db"
        floor_db.unlink(missing_ok=True)
        bases.append(csv_floor(data, floor_db))
        target = folder / f"import-{run}.cxmap"
        write_demo(target)
        with Project.open(target) as p:
            read, plan = timed(plan_import, p, data)
            write, _ = timed(run_import, p, plan)
            del plan
        figures.append(read + write)
        reads.append(read)
        writes.append(write)
    # The import writes ten columns, the full-text index and a step link per row; the floor
    # writes five columns and nothing else, so the write alone is most of the ratio.
    report_runs(
        f"import {rows:,}-row CSV",
        figures,
        bases,
        f"read + check {min(reads):.2f} s, write {min(writes):.2f} s; floor = csv.reader + "
        "executemany",
    )
    return data, target


def xlsx_import(folder: Path, data: Path, target: Path, rows: int, repeat: int = 1) -> None:
    """The XLSX import figure (the CSV's rows as a workbook, into a fresh demo project)
    beside calamine's read alone; then the same workbook into the project holding the CSV's
    rows, where every row is recognised as already imported by its content."""
    from openpyxl import Workbook

    from bench import floors
    from cxmapper.exchange.importer import plan_import, run_import
    from cxmapper.exchange.tabular import ImportFailure
    from cxmapper.model.demo import write_demo
    from cxmapper.model.project import Project

    xlsx = folder / "survey.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    with data.open(newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            sheet.append(row)
    book.save(xlsx)
    calamine_floors, figures = [], []
    for run in range(repeat):
        calamine_floors.append(floors.apart("calamine_floor", str(xlsx)))
        fresh = folder / f"xlsx-{run}.cxmap"
        write_demo(fresh)
        with Project.open(fresh) as p:
            seconds, _ = timed(lambda p=p: run_import(p, plan_import(p, xlsx)))
        figures.append(seconds)
    report_runs(
        f"import {rows:,}-row XLSX (calamine)",
        figures,
        calamine_floors,
        f"floor = calamine reading the sheet alone ({rows:,} rows)",
    )
    calamine_floor = calamine_floors[-1]

    def refused() -> str:
        try:
            plan_import(p, xlsx)
        except ImportFailure as exc:
            return str(exc)
        raise AssertionError("the rows of the CSV were not recognised in the workbook")

    with Project.open(target) as p:
        seconds, _ = timed(refused)
    report(
        f"re-import {rows:,} rows as XLSX, all known",
        seconds,
        calamine_floor,
        f"every row recognised by its content among {rows:,} items; floor = calamine",
    )


def step_matching(target: Path, n: int) -> None:
    """Matching ``n`` distinct step-column values (a comment column mapped as steps, say) to
    the demo project's steps, beside exact matching alone (casefold and a dict lookup)."""
    from collections import Counter

    from cxmapper.exchange.steps import match_steps
    from cxmapper.model.project import Project

    values = Counter({f"Comment {i} about the invoice": 1 + i % 7 for i in range(n)})
    with Project.open(target) as p:
        titles = {s.title.casefold(): s.id for s in p.steps()}
        start = time.perf_counter()
        exact = [titles.get(v.casefold()) for v in values]
        floor = time.perf_counter() - start
        seconds, matches = timed(match_steps, p, values)
    compared = sum(m.compared for m in matches.values())
    report(
        f"match {n:,} distinct step values",
        seconds,
        floor,
        f"{len(titles)} steps, {compared:,} values compared for close matches; floor = exact "
        f"lookups alone ({exact.count(None):,} unmatched)",
    )


def opening_apart(project: Path, data: Path) -> dict[str, float]:
    """The figures of bench/opening.py, run in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.opening", str(project), str(data)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=ROWS, help="rows in the import files")
    parser.add_argument(
        "--open-runs", type=int, default=3, help="opens of the large project, each apart"
    )
    parser.add_argument(
        "--csv-only", action="store_true", help="only the CSV import figure, beside its floor"
    )
    parser.add_argument(
        "--imports-only", action="store_true", help="only the CSV and XLSX import figures"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="measure each import figure and its floor N times: their min and median",
    )
    args = parser.parse_args()
    print(
        f"CX Mapper benchmarks on {platform.node()}: {platform.processor() or platform.machine()},"
        f" {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    folder = Path(tempfile.mkdtemp(prefix="cxmap-bench-"))
    # What CX Mapper remembers between runs (projects verified here) stays in the bench's folder.
    os.environ["CXMAPPER_DATA_DIR"] = str(folder / "data")
    if args.csv_only or args.imports_only:
        data, target = csv_import(folder, args.rows, args.repeat)
        if args.imports_only:
            xlsx_import(folder, data, target, args.rows, args.repeat)
        shutil.rmtree(folder, ignore_errors=True)
        return
    from cxmapper.model.demo import write_demo
    from cxmapper.model.project import Project

    big = folder / "big.cxmap"
    seconds, counts = timed(write_demo, big, steps=args.steps)
    report("write large demo project", seconds, note=str(counts))

    # --- window: open, full render, one edit ---------------------------------------------------
    from PySide6.QtCore import QSettings, QSize
    from PySide6.QtGui import QImageReader

    from bench import floors
    from cxmapper.model import entities as e
    from cxmapper.model import journey
    from cxmapper.ui.app import make_application
    from cxmapper.ui.canvas.render import render_to_file
    from cxmapper.ui.canvas.slides import shot_image
    from cxmapper.ui.document.commands import UpdateItem
    from cxmapper.ui.window.main_window import MainWindow

    app = make_application()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    open_floor = floors.open_floor(big)
    # Each open in a process of its own, so its peak memory is the open's (not the rest of
    # the bench's), first as a file from someone else, then as one's own (bench/opening.py).
    runs = [opening_apart(big, folder / "opening") for _ in range(args.open_runs)]
    for key, name in (
        ("first_s", "open large project, first time (all checks)"),
        ("again_s", "open large project again"),
    ):
        seconds = [r[key] for r in runs]
        cpu = [r[key.replace("_s", "_cpu_s")] for r in runs]
        scored = [r[key.replace("_s", "_scored_s")] for r in runs]
        report(
            name,
            min(seconds),
            open_floor,
            f"min of {len(runs)} (median {statistics.median(seconds):.3f} s; processor time "
            f"min {min(cpu):.3f} s, median {statistics.median(cpu):.3f} s; pain scores in "
            f"after {min(scored):.3f} s); all "
            f"{int(runs[0]['panels'])} panels; floor = sqlite3 read + a rect and line per step, "
            "flow",
        )
    peaks = [r["peak_mib"] for r in runs]
    print(
        f"{'open: peak memory (max RSS)':<38} {min(peaks):8.0f} MiB floor "
        f"{runs[0]['baseline_mib']:6.0f} MiB   {min(peaks) / runs[0]['baseline_mib']:5.2f}×  "
        f"min of {len(runs)} (median {statistics.median(peaks):.0f} MiB), both opens; floor = "
        "the same process with Qt and the empty window"
    )
    # The real window, with every panel (register, matrix, action plan, evidence, close the
    # loop, inspector) listening, as a facilitator has it.
    window = MainWindow(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window.resize(1600, 900)
    window.show()
    window.open_path(big)
    app.processEvents()
    assert window.ctx is not None
    project = window.ctx.project
    # The whole map in full detail to a PNG file, as `cxmapper render big.cxmap map.png` does
    # (drawn and written in bands of rows: the image is never held whole).
    seconds, _ = timed(render_to_file, project, folder / "map.png")
    size = QImageReader(str(folder / "map.png")).size()  # read from its header alone
    scale = size.width() / project_width(project)
    report(
        "full render of the map (PNG file)",
        seconds,
        floors.apart(
            "render_png_floor",
            str(big),
            str(size.width()),
            str(size.height()),
            str(scale),
            str(folder / "floor.png"),
        ),
        f"{size.width()}×{size.height()}; floor = the same rects and lines painted into one "
        "image and saved as PNG",
    )
    seconds, image = timed(shot_image, project, QSize(1920, 1080))
    report(
        "overview render (1920×1080)",
        seconds,
        floors.shot_floor(big, 1920, 1080),
        "as presentation mode shows it; floor = every rect and line painted, fitted",
    )
    del image
    # Presenting: one key press walks to the next stage, and the projector's view repaints.
    assert window.view is not None
    view = window.view
    window.presentation.enter()
    app.processEvents()

    def walk() -> None:
        view.next_shot(1)
        view.viewport().repaint()

    def repaint() -> None:
        view.viewport().repaint()

    walk()  # the first stage's cards are drawn once into their caches
    walks = [timed(walk)[0] for _ in range(len(project.stages()) - 1)]
    view.show_shot(0)
    repaint()
    report(
        "stage-walk step (next stage shown)",
        min(walks),
        min(timed(repaint)[0] for _ in range(3)),
        "best of the stages; floor = a repaint of the same view with nothing moved",
    )
    window.presentation.leave()
    app.processEvents()
    step = project.steps()[len(project.steps()) // 2]

    def rename(title: str) -> None:
        assert window.ctx is not None
        window.ctx.edit(lambda: UpdateItem(project, e.Step, step.id, "Rename step", title=title))
        app.processEvents()  # every panel's update, including the deferred ones

    rename("Warm-up")  # the first edit fills caches no later edit needs
    seconds = min(timed(rename, f"Edited {n}")[0] for n in range(5))
    window.close_project()
    report(
        "one edit (rename a step), window updated",
        seconds,
        floors.edit_floor(big, step.id),
        "best of 5, through the undo stack; floor = the UPDATE committed alone",
    )
    project = Project.open(big)
    seconds, _ = timed(journey.analyse, project)
    report(
        "journey analysis after an edit",
        seconds,
        floors.analysis_floor(big),
        "floor = networkx graph + strongly connected parts",
    )
    from cxmapper.model.tidy import tidy_moves

    def tidy() -> int:
        moves = tidy_moves(
            [s.id for s in project.stages()],
            [g.id for g in project.work_groups()],
            list(project.step_views()),
            [(f.source_id, f.target_id) for f in project.flow_views()],
        )
        return len(moves)

    # The demo is written tidy: jumble it first, so the tidy has everything to do.
    with project.db.atomic():
        for n, s in enumerate(project.steps()):
            project.update_step(s.id, x=s.x + (n * 7919 % 5) * 240.0, y=16.0 + (n % 3) * 112.0)
    seconds, moved = timed(tidy)
    report(
        f"tidy {len(project.steps()):,} steps",
        seconds,
        floors.tidy_floor(big),
        f"{moved:,} moved (layout only); floor = reading order + one longest-path pass",
    )
    seconds, _ = timed(journey.critical_steps, project, 200)
    report("critical steps (betweenness, k=200)", seconds, note="heavy: never run per edit")
    project.close()
    from bench.certainty import certainty

    certainty(big, report)

    # --- imports --------------------------------------------------------------------------------

    data, target = csv_import(folder, args.rows, args.repeat)
    xlsx_import(folder, data, target, args.rows, args.repeat)
    step_matching(target, args.rows)

    # --- export ---------------------------------------------------------------------------------
    from cxmapper.exchange.workbook import export_workbook

    floor = floors.apart("export_floor", str(big), str(folder / "floor.xlsx"))
    with Project.open(big) as p:
        evidence_count = p.evidence.count()
        seconds, _ = timed(export_workbook, p, folder / "plan.xlsx")
    report(
        f"export plan ({evidence_count:,} evidence rows)",
        seconds,
        floor,
        "floor = openpyxl write-only of the Evidence and Close the loop cells alone",
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{'bench process: peak memory (max RSS)':<38} {peak:8.0f} MiB floor {baseline:6.0f} MiB"
        f"   {peak / baseline:5.2f}×  all of the above in one process (the full-map render "
        "most); floor = the process with Qt started, before any project"
    )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
