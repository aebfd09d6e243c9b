"""Temporary files of killed writers are swept; those of living ones are left alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cxmapper.model.safety import ProjectFileError
from cxmapper.model.tempfiles import is_project_file, publish, sweep_leftovers, temp_beside


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


def _a_project(path: Path) -> Path:
    from cxmapper.model.project import Project

    with Project.create(path) as p:
        p.add_step(p.add_work_group("Support").id, "Step")
    return path


@pytest.mark.parametrize("name", ["p.xlsx", "map.png", "notes"])
def test_nothing_is_published_onto_a_project_whatever_its_name(tmp_path: Path, name: str) -> None:
    dest = _a_project(tmp_path / name)
    before = dest.read_bytes()
    tmp = temp_beside(dest, "export", ".xlsx")
    Path(tmp).write_bytes(b"workbook")
    with pytest.raises(ProjectFileError) as refused:
        publish(tmp, dest)
    assert str(refused.value) == (
        f"“{name}” is a CX Mapper project; choose another name for the workbook."
    )
    assert dest.read_bytes() == before


@pytest.mark.parametrize("name", ["new.cxmap", "OLD.CXMAP", "p.cxmap-journal"])
def test_a_project_name_is_refused_even_if_nothing_is_there(tmp_path: Path, name: str) -> None:
    tmp = temp_beside(tmp_path / name, "map", ".png")
    with pytest.raises(ProjectFileError, match="choose another name for the image"):
        publish(tmp, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_a_project_copy_may_land_on_a_project(tmp_path: Path) -> None:
    dest = _a_project(tmp_path / "copy.cxmap")
    tmp = temp_beside(dest, "copy", ".tmp")
    Path(tmp).write_bytes(b"copy")
    publish(tmp, dest, project_copy=True)
    assert dest.read_bytes() == b"copy"


def test_other_sqlite_files_and_short_files_are_not_projects(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    short = tmp_path / "short.xlsx"
    short.write_bytes(b"SQLite format 3\x00")
    assert not is_project_file(other) and not is_project_file(short)
    assert not is_project_file(tmp_path) and not is_project_file(tmp_path / "missing")
    assert is_project_file(_a_project(tmp_path / "p.bin"))
