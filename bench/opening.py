"""`python -m bench.opening PROJECT DATA_DIR`: open a project in the window as a facilitator
does, in a process of its own, and print its figures as JSON on the last line.

Opened first as a file from someone else (never verified here: every check runs), then
again as one's own project, closed here and unchanged (cxmapper/model/trust.py). Each open is
timed from the call to the window shown and painted (wall clock, and the processor time of this
process, which other work on the machine disturbs less), and to the pain scores in the panels
(read on a worker on a large project, so they arrive a little after the window shows). The peak
memory is this process's (max RSS), so it is the open's own, beside the same process with Qt
and the empty window started (``baseline``)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(project: Path, data: Path) -> dict[str, float]:
    os.environ["CXMAPPER_DATA_DIR"] = str(data)
    shutil.rmtree(data, ignore_errors=True)  # nothing verified here yet: a first open
    from PySide6.QtCore import QEvent, QEventLoop, QSettings

    from cxmapper.ui.app import make_application
    from cxmapper.ui.panels.plan_scores import PlanScores
    from cxmapper.ui.window.main_window import MainWindow

    app = make_application()
    window = MainWindow(QSettings(str(data.parent / "opening.ini"), QSettings.Format.IniFormat))
    window.resize(1600, 900)
    window.show()
    app.processEvents()
    figures = {"baseline_mib": max_rss_mib()}
    for name in ("first", "again"):
        start, cpu = time.perf_counter(), time.process_time()
        if not window.open_path(project):
            raise SystemExit(f"could not open {project}")
        window.repaint()
        app.processEvents()
        figures[f"{name}_s"] = time.perf_counter() - start
        figures[f"{name}_cpu_s"] = time.process_time() - cpu
        # Pain scores read on a worker (a large project) reach the register a little later.
        assert window.ctx is not None
        plan = PlanScores.of(window.ctx)
        while plan.reading:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        figures[f"{name}_scored_s"] = time.perf_counter() - start
        figures["panels"] = len(window.panels)
        window.close_project()
        app.processEvents()
        # What the closed project showed is deleted as the event loop would, not during the
        # next open.
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        # Work the window left running (the critical steps, on a thread) finishes before the
        # next open is timed, as it would while the facilitator works.
        for thread in threading.enumerate():
            if thread is not threading.current_thread() and thread.daemon:
                thread.join()
    figures["peak_mib"] = max_rss_mib()
    window.close()
    return figures


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
