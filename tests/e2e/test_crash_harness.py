"""SIGKILL at random moments during edits, imports and exports: after every kill the file
passes `cxmapper check` and holds a committed state, at most the edit in flight is lost, and
no half-written export is in place.

Each kill lands while the work is running: the child says when it starts, the delay is drawn
from the time a whole run of the same work took on this machine, and a child that finished
before the signal fails the test instead of counting as a kill.

Twelve kills by default; set CXMAPPER_LONG_CRASH=1 for 200.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxmapper.cli import main as cli
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project

KILLS = 200 if os.environ.get("CXMAPPER_LONG_CRASH") else 12
ROWS = 60_000

# Edits report each commit on stdout, so the parent knows what must have survived the kill.
EDITS = """
import sys
from cxmapper.model.project import Project
p = Project.open(sys.argv[1])
g = p.work_groups()[0].id
print("ready", flush=True)
for i in range(100000):
    s = p.add_step(g, f"Step {i}", x=float(i))
    print("added", i, flush=True)
    p.update_step(s.id, emotion=1)
    print("updated", i, flush=True)
"""

# The CLI, started the same way, saying when its imports are done and the work begins.
CLI = """
import sys
from cxmapper.cli import main
print("ready", flush=True)
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def survey(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "survey.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Customer ID", "NPS", "Comment"])
        for i in range(ROWS):
            w.writerow([f"C{i}", str(i % 11), f"comment {i} about invoices and support"])
    return path


def start(code: str, *args: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    return proc


def work(kind: str, path: Path, survey: Path, out: Path) -> tuple[str, ...]:
    if kind == "import":
        return CLI, "import", str(path), str(survey)
    return CLI, "export", str(path), str(out), "--no-map"


@pytest.fixture(scope="module")
def projects(tmp_path_factory, survey: Path) -> dict[str, Path]:
    """The project each kind of work starts from: the demo, and for exports the demo with
    the survey imported, so an export runs long enough to be interrupted."""
    folder = tmp_path_factory.mktemp("projects")
    demo, large = folder / "demo.cxmap", folder / "large.cxmap"
    write_demo(demo)
    write_demo(large)
    assert cli(["import", str(large), str(survey)]) == 0
    return {"edits": demo, "import": demo, "export": large}


@pytest.fixture(scope="module")
def durations(tmp_path_factory, survey: Path, projects: dict[str, Path]) -> dict[str, float]:
    """How long a whole import and a whole export take here, from the child's "ready"."""
    folder = tmp_path_factory.mktemp("timing")
    found = {}
    for kind in ("import", "export"):
        path = folder / f"{kind}.cxmap"
        path.write_bytes(projects[kind].read_bytes())
        proc = start(*work(kind, path, survey, folder / "plan.xlsx"))
        began = time.perf_counter()
        assert proc.wait() == 0
        found[kind] = time.perf_counter() - began
    return found


def kill_after(proc: subprocess.Popen[bytes], delay: float) -> tuple[bool, bytes]:
    """Kill ``proc`` after ``delay`` seconds; whether the kill landed, and what it said."""
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    return proc.returncode == -signal.SIGKILL, out


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("n", range(KILLS))
def test_kill_at_a_random_moment(
    tmp_path: Path,
    survey: Path,
    projects: dict[str, Path],
    durations: dict[str, float],
    n: int,
) -> None:
    rng = random.Random(n)
    kind = ("edits", "import", "export")[n % 3]
    path = tmp_path / "p.cxmap"
    path.write_bytes(projects[kind].read_bytes())
    with Project.open(path) as p:
        evidence_before = p.evidence.count()
        steps_before = len(p.steps())
    out = tmp_path / "plan.xlsx"
    if kind == "edits":
        landed, said = kill_after(start(EDITS, str(path)), rng.uniform(0.05, 0.6))
        added, updated = (
            said.decode().split().count("added"),
            said.decode().split().count("updated"),
        )
    else:
        delay = rng.uniform(0.05, 0.7) * durations[kind]
        for _attempt in range(4):  # a busier machine than when timed: an earlier kill
            path.write_bytes(projects[kind].read_bytes())
            out.write_bytes(b"previous workbook")
            landed, _said = kill_after(start(*work(kind, path, survey, out)), delay)
            if landed:
                break
            delay /= 2
    assert landed, "the work finished before every kill"
    assert cli(["check", str(path)]) == 0
    with Project.open(path) as p:
        if kind == "import":
            assert p.evidence.count() in (evidence_before, evidence_before + ROWS)
        elif kind == "edits":
            new = sorted((s for s in p.steps() if s.title.startswith("Step ")), key=lambda s: s.id)
            assert [s.title for s in new] == [f"Step {i}" for i in range(len(new))]
            assert len(p.steps()) == steps_before + len(new)
            # Every reported commit survived; at most the edit in flight is missing.
            assert added <= len(new) <= added + 1
            assert all(s.emotion == 1 for s in new[:updated])
    if kind == "export":
        data = out.read_bytes()
        # Either the old file untouched or a complete workbook, never half of one.
        assert data == b"previous workbook" or (
            data.startswith(b"PK") and b"PK\x05\x06" in data[-200:]
        )
        # The killed export's temporary file is swept by the next write in that folder.
        assert cli(["export", str(path), str(tmp_path / "again.xlsx"), "--no-map"]) == 0
        assert not [f for f in os.listdir(tmp_path) if f.startswith(".cxmap-")]
