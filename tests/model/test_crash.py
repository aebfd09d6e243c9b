"""A process killed with SIGKILL mid-write leaves a sound file holding a committed state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxmapper.cli import main as cli
from cxmapper.model.project import Project

ROWS = 150_000

BULK = f"""
import sys
from cxmapper.model.project import Project
p = Project.open(sys.argv[1])
print("ready", flush=True)
p.evidence.import_batch("big.csv", ({{"text": f"verbatim {{i}} " * 8, "customer_id": str(i)}}
                                    for i in range({ROWS})))
print("done", flush=True)
"""

EDITS = """
import sys
from cxmapper.model.project import Project
p = Project.open(sys.argv[1])
g = p.work_groups()[0].id
print("ready", flush=True)
for i in range(100000):
    p.add_step(g, f"Step {i}", x=float(i))
"""


def run_and_kill(script: str, path: Path, delay: float) -> None:
    proc = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"ready"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("delay", [0.05, 0.3, 0.8, 1.5])
def test_kill_during_bulk_import_keeps_old_or_new_state(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "p.cxmap"
    with Project.create(path) as p:
        p.add_work_group("Support")
    run_and_kill(BULK, path, delay)
    assert cli(["check", str(path)]) == 0
    with Project.open(path) as p:
        assert p.evidence.count() in (0, ROWS)
        assert len(p.evidence.batches()) == (p.evidence.count() == ROWS)
        if p.evidence.count():
            assert len(p.evidence.search("verbatim")) > 0


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("delay", [0.1, 0.4, 0.9])
def test_kill_during_edits_keeps_every_committed_edit(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "p.cxmap"
    with Project.create(path) as p:
        p.add_work_group("Support")
    run_and_kill(EDITS, path, delay)
    assert cli(["check", str(path)]) == 0
    with Project.open(path) as p:
        titles = [s.title for s in sorted(p.steps(), key=lambda s: s.id)]
    # A prefix of the edits, in order, with nothing half-written.
    assert titles == [f"Step {i}" for i in range(len(titles))]
