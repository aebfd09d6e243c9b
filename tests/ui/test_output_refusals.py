"""An export or a map image never lands on a project, and a failure names what was asked for.

From the command line and from the window: the project is left byte-for-byte as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from cxmapper.cli import main as cli
from cxmapper.model.project import Project
from cxmapper.ui.window.exporting import export_map_image, export_plan
from cxmapper.ui.window.main_window import MainWindow
from tests.ui.conftest import open_window


def small_project(path: Path) -> Path:
    with Project.create(path) as p:
        group = p.add_work_group("Support")
        first = p.add_step(group.id, "Ticket triage")
        p.add_step(group.id, "Refund")
        p.add_pain("Slow refunds", step_ids=(first.id,))
    return path


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


def test_export_onto_the_project_itself_is_refused(tmp_path: Path, capsys) -> None:
    project = small_project(tmp_path / "p.xlsx")
    before = project.read_bytes()
    assert cli(["export", str(project), str(project)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "cxmapper: “p.xlsx” is the project itself; choose another name for the workbook.\n"
    )
    assert project.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsx"]  # no temporary file left


def test_export_onto_the_project_by_another_path_is_refused(tmp_path: Path, capsys) -> None:
    project = small_project(tmp_path / "p.xlsx")
    before = project.read_bytes()
    (tmp_path / "sub").mkdir()
    other_spelling = tmp_path / "sub" / ".." / "p.xlsx"
    assert cli(["export", str(project), str(other_spelling)]) == 1
    assert "is the project itself" in capsys.readouterr().err
    assert project.read_bytes() == before


def test_export_onto_another_project_is_refused(tmp_path: Path, capsys) -> None:
    project = small_project(tmp_path / "p.cxmap")
    other = small_project(tmp_path / "other.xlsx")
    before = other.read_bytes()
    assert cli(["export", str(project), str(other)]) == 1
    assert capsys.readouterr().err == (
        "cxmapper: “other.xlsx” is a CX Mapper project; choose another name for the workbook.\n"
    )
    assert other.read_bytes() == before


@pytest.mark.parametrize("name", ["other.png", "other.pdf"])
def test_render_onto_a_project_is_refused(tmp_path: Path, capsys, name: str) -> None:
    project = small_project(tmp_path / "p.cxmap")
    other = small_project(tmp_path / name)
    before = project.read_bytes(), other.read_bytes()
    assert cli(["render", str(project), str(other)]) == 1
    assert capsys.readouterr().err == (
        f"cxmapper: “{name}” is a CX Mapper project; choose another name for the image.\n"
    )
    assert cli(["render", str(other), str(other)]) == 1
    assert "is the project itself" in capsys.readouterr().err
    assert (project.read_bytes(), other.read_bytes()) == before


def test_render_into_a_missing_folder_names_the_destination(qapp, tmp_path: Path, capsys) -> None:
    project = small_project(tmp_path / "p.cxmap")
    (tmp_path / "file").write_text("not a folder")
    out = tmp_path / "file" / "map.png"
    assert cli(["render", str(project), str(out)]) == 1
    err = capsys.readouterr().err
    assert str(out) in err and ".cxmap-map" not in err and len(err.splitlines()) == 1


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_render_into_a_read_only_folder_names_the_destination(qapp, tmp_path: Path, capsys) -> None:
    project = small_project(tmp_path / "p.cxmap")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert cli(["render", str(project), str(folder / "map.svg")]) == 1
    finally:
        folder.chmod(0o755)
    err = capsys.readouterr().err
    assert str(folder / "map.svg") in err and ".cxmap-map" not in err


def test_a_failed_rename_names_the_destination(qapp, tmp_path: Path, capsys, monkeypatch) -> None:
    import cxmapper.model.tempfiles as tempfiles

    def no_rename(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", src, None, dst)

    monkeypatch.setattr(tempfiles.os, "replace", no_rename)
    project = small_project(tmp_path / "p.cxmap")
    out = tmp_path / "map.png"
    assert cli(["render", str(project), str(out)]) == 1
    err = capsys.readouterr().err
    assert err == f"cxmapper: Permission denied ({out})\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.cxmap"]


# --- the window -----------------------------------------------------------------------------


def test_the_window_will_not_export_onto_its_own_project(
    qtbot, tmp_path: Path, settings: QSettings, warnings: list[str]
) -> None:
    project = small_project(tmp_path / "p.xlsx")
    before = project.read_bytes()
    window: MainWindow = open_window(qtbot, settings, project)
    try:
        # The dialog's suggestion is the project's name with .xlsx: here, the project itself.
        assert not export_plan(window, project)
    finally:
        window.close_project()
    assert warnings[0] == "“p.xlsx” is a CX Mapper project; choose another name for the workbook."
    assert project.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cxmap-")]


def test_the_window_will_not_draw_the_map_onto_a_project(
    qtbot, tmp_path: Path, settings: QSettings, warnings: list[str]
) -> None:
    project = small_project(tmp_path / "p.cxmap")
    other = small_project(tmp_path / "other.png")
    before = other.read_bytes()
    window = open_window(qtbot, settings, project)
    try:
        assert not export_map_image(window, other, "PNG image (*.png)")
        assert export_map_image(window, tmp_path / "new.cxmap", "")  # becomes new.cxmap.png
        assert not export_map_image(window, tmp_path / "file" / "map.svg", "")
    finally:
        window.close_project()
    assert warnings[0] == "“other.png” is a CX Mapper project; choose another name for the image."
    assert warnings[1].startswith("“map.svg” could not be written:")
    assert ".cxmap-" not in warnings[1]
    assert other.read_bytes() == before
