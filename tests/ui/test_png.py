"""The whole map written to a PNG band by band is the picture drawn whole."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter

from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.ui.canvas.png import write_png
from cxmapper.ui.canvas.render import render_image, render_to_file
from tests.ui.test_overview import different_share


def test_bands_join_without_a_seam(qapp) -> None:
    """Shapes that cross the bands' edges (a circle, a diagonal) come out whole."""

    def paint(painter: QPainter, band: QRect) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor("#d62839"))
        painter.drawEllipse(10, 10, 180, 280)
        painter.drawLine(0, 0, 199, 299)

    whole = QImage(200, 300, QImage.Format.Format_RGB32)
    whole.fill(QColor("#ffffff"))
    painter = QPainter(whole)
    paint(painter, QRect(0, 0, 200, 300))
    painter.end()
    out = io.BytesIO()
    write_png(out, 200, 300, paint, band_rows=37)  # bands that end anywhere
    banded = QImage.fromData(out.getvalue(), "PNG").convertToFormat(QImage.Format.Format_RGB32)
    assert (banded.width(), banded.height()) == (200, 300)
    assert different_share(banded, whole, tolerance=12) == 0


def test_the_map_file_is_the_map_drawn_whole(qapp, tmp_path: Path) -> None:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    out = tmp_path / "map.png"
    with Project.open_for_reading(path) as project:
        render_to_file(project, out)
        whole = render_image(project)
    whole.save(str(tmp_path / "whole.png"))
    with Image.open(out) as a, Image.open(tmp_path / "whole.png") as b:
        assert a.size == b.size == (whole.width(), whole.height())
        difference = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).convert("L")
        marked = sum(difference.point(lambda v: 255 if v > 40 else 0).histogram()[255:])
    assert marked / (a.size[0] * a.size[1]) < 0.002
