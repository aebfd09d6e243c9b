"""`python -m bench.opening PROJECT DATA_DIR`: open a project in the window as a facilitator
does, in a process of its own, and print its figures as JSON on the last line.

Opened first as a file from someone else (never verified here: every check runs), then
again as one's own project, closed here and unchanged (cxmapper/model/trust.py). Each open is
timed from the call to the window shown and painted with its panels filled. The peak memory is
this process's (max RSS), so it is the open's own, beside the same process with Qt and the
empty window started (``baseline``)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(project: Path, data: Path) -> dict[str, float]:
    os.environ["CXMAPPER_DATA_DIR"] = str(data)
    shutil.rmtree(data, ignore_errors=True)  # nothing verified here yet: a first open
    from PySide6.QtCore import QSettings

    from cxmapper.ui.app import make_application
    from cxmapper.ui.window.main_window import MainWindow

    app = make_application()
    window = MainWindow(QSettings(str(data.parent / "opening.ini"), QSettings.Format.IniFormat))
    window.resize(1600, 900)
    window.show()
    app.processEvents()
    figures = {"baseline_mib": max_rss_mib()}
    for name in ("first", "again"):
        start = time.perf_counter()
        if not window.open_path(project):
            raise SystemExit(f"could not open {project}")
        window.repaint()
        app.processEvents()
        figures[f"{name}_s"] = time.perf_counter() - start
        figures["panels"] = len(window.panels)
        window.close_project()
        app.processEvents()
    figures["peak_mib"] = max_rss_mib()
    window.close()
    return figures


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
