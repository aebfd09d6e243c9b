"""Temporary files of killed writers are swept; those of living ones are left alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cxmapper.model.tempfiles import publish, sweep_leftovers, temp_beside


@pytest.mark.skipif(os.name != "posix", reason="process ids checked with kill(pid, 0)")
def test_leftovers_of_dead_processes_are_swept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    leftover = tmp_path / f".cxmap-export-{dead.stdout.strip()}-abc.xlsx"
    mine = tmp_path / f".cxmap-map-{os.getpid()}-def.png"
    unrelated = tmp_path / ".cxmap-notes.txt"
    for f in (leftover, mine, unrelated):
        f.write_bytes(b"x")
    assert sweep_leftovers(tmp_path) == [leftover]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, unrelated.name])


def test_a_write_lands_whole_with_normal_permissions(tmp_path: Path) -> None:
    dest = tmp_path / "plan.xlsx"
    tmp = temp_beside(dest, "export", ".xlsx")
    assert Path(tmp).parent == tmp_path and f"-{os.getpid()}-" in Path(tmp).name
    Path(tmp).write_bytes(b"done")
    publish(tmp, dest)
    assert dest.read_bytes() == b"done" and not Path(tmp).exists()
    umask = os.umask(0)
    os.umask(umask)
    assert dest.stat().st_mode & 0o777 == 0o666 & ~umask
