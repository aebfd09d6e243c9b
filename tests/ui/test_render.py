"""Map images: the demo renders to PNG, SVG and PDF, and the picture is not blank."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from cxmapper.cli import main as cli
from cxmapper.model.demo import write_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.cxmap"
    write_demo(path)
    return path


def test_render_png_is_not_blank(qapp, demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    assert cli(["render", str(demo), str(out)]) == 0
    image = QImage(str(out))
    assert image.width() > 4000 and image.height() > 1000
    small = image.scaled(200, 60)
    colours = {small.pixel(x, y) for x in range(200) for y in range(60)}
    assert len(colours) > 50  # lanes, cards, arrows and text, not one flat colour


def test_render_pdf_pages_are_a3(qapp, demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.pdf"
    assert cli(["render", str(demo), str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert (
        data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type/Page") >= 2
    )


def test_render_svg(qapp, demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.svg"
    assert cli(["render", str(demo), str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text and "Kick-off meeting" in text


def test_render_refuses_unknown_format_and_bad_file(demo: Path, tmp_path: Path, capsys) -> None:
    assert cli(["render", str(demo), str(tmp_path / "map.gif")]) == 1
    bad = tmp_path / "bad.cxmap"
    bad.write_bytes(b"nope")
    assert cli(["render", str(bad), str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 2
    assert not (tmp_path / "x.png").exists()


def pdf_pages(data: bytes) -> int:
    return data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type/Page")


def test_a_tall_map_continues_over_rows_of_pages(qapp, tmp_path: Path) -> None:
    """Forty lanes squeezed onto one A3 height would print unreadably small text."""
    from cxmapper.model.project import Project

    path = tmp_path / "tall.cxmap"
    with Project.create(path) as p:
        for n in range(40):
            group = p.add_work_group(f"Region {n}")
            p.add_step(group.id, f"Step in region {n}", x=40, y=16)
    out = tmp_path / "tall.pdf"
    assert cli(["render", str(path), str(out)]) == 0
    assert pdf_pages(out.read_bytes()) >= 3  # one column of pages, several rows


def test_a_map_image_needs_no_document(qapp, demo: Path, monkeypatch) -> None:
    """Drawing a picture of a project builds no undo stack and no window context."""
    from cxmapper.model.project import Project
    from cxmapper.ui.canvas.render import render_image
    from cxmapper.ui.document import context

    def no_document(*args, **kwargs):
        raise AssertionError("a document context was built for a picture")

    monkeypatch.setattr(context.DocumentContext, "__init__", no_document)
    monkeypatch.setattr(context, "UndoStack", no_document)
    with Project.open_for_reading(demo) as project:
        image = render_image(project, scale=0.25)
    assert image.width() > 500
