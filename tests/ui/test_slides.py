"""Pictures of the presentation: `render --fit`, the slides PDF, the workbook's overview, and
the presenter view on a second screen."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from cxmapper.cli import main as cli
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.ui.canvas.view import JourneyView
from cxmapper.ui.canvas.viewport import OVERVIEW
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.window.exporting import export_plan
from cxmapper.ui.window.main_window import MainWindow
from tests.ui.test_overview import different_share

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.cxmap"
    write_demo(path)
    return path


def test_render_fit_writes_what_the_projector_shows(qtbot, demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "slide.png"
    assert cli(["render", str(demo), str(out), "--fit", "1920x1080"]) == 0
    drawn = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB32)
    assert (drawn.width(), drawn.height()) == (1920, 1080)
    with Project.open_for_reading(demo) as project:
        view = JourneyView(DocumentContext(project))
        qtbot.addWidget(view)
        view.set_presentation_mode(True)
        view.setFixedSize(1920, 1080)
        view.show()
        qtbot.waitExposed(view)
        qtbot.waitUntil(lambda: view.viewport().size() == QSize(1920, 1080))
        assert view.shot == OVERVIEW
        shown = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        view.close_view()
    assert different_share(shown, drawn) < 0.01


def test_render_fit_and_slides_refuse_what_they_cannot_write(
    demo: Path, tmp_path: Path, capsys
) -> None:
    assert cli(["render", str(demo), str(tmp_path / "a.pdf"), "--fit", "1920x1080"]) == 1
    assert cli(["render", str(demo), str(tmp_path / "a.png"), "--fit", "huge"]) == 1
    assert cli(["render", str(demo), str(tmp_path / "a.png"), "--slides"]) == 1
    err = capsys.readouterr().err
    assert "WIDTHxHEIGHT" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_slides_are_the_overview_then_one_page_per_stage(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "slides.pdf"
    assert cli(["render", str(demo), str(out), "--slides"]) == 0
    with Project.open_for_reading(demo) as project:
        stages = [s.name for s in project.stages()]
        titles = [s.title for s in project.steps()]
    reader = PdfReader(out)
    assert len(reader.pages) == 1 + len(stages)
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) / float(box.height) == pytest.approx(16 / 9, rel=0.01)

    def text(page: int) -> str:
        # NFKC: the PDF's text has the font's ligatures (ﬁ, ﬀ) where the titles have letters.
        return " ".join(unicodedata.normalize("NFKC", reader.pages[page].extract_text()).split())

    overview = text(0)
    assert all(name.upper() in overview for name in stages)
    for n, name in enumerate(stages, start=1):
        assert name.upper() in text(n)  # its own stage, and no other stage's name
        assert not any(other.upper() in text(n) for other in stages if other != name)
    # Every step's title is on its stage's slide, as text (one word per title at least).
    words = " ".join(text(n) for n in range(1, len(reader.pages))).split()
    assert all(title.split()[0] in words for title in titles)


def test_file_export_slides(qtbot, demo_window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "workshop"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PDF slides (*.pdf)")
    )
    demo_window.window_actions.export_slides.trigger()  # File → Export Slides…
    written = out.with_name("workshop.pdf")
    assert len(PdfReader(written).pages) == 1 + len(demo_window.ctx.project.stages())
    assert "Slides exported" in demo_window.statusBar().currentMessage()


def test_the_workbook_summary_shows_the_overview(
    qtbot, demo_window: MainWindow, tmp_path: Path
) -> None:
    from openpyxl import load_workbook
    from PIL import Image

    out = tmp_path / "plan.xlsx"
    assert export_plan(demo_window, out)
    book = load_workbook(out)
    summary = book.worksheets[0]
    assert summary.page_setup.orientation == "landscape"
    (image,) = summary._images  # type: ignore[attr-defined]
    picture = Image.open(io.BytesIO(image._data()))
    # The overview of a 1920 × 1080 screen, at 1.5 pixels per screen pixel, for print (not
    # a 10,000-pixel-wide strip shrunk to the page's width).
    assert picture.size == (2880, 1620)
    assert image.width / image.height == pytest.approx(16 / 9, rel=0.02)


# --- the presenter view ----------------------------------------------------------------------

PRESENTER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from cxmapper.ui.canvas.viewport import OVERVIEW
    from cxmapper.ui.window.main_window import MainWindow

    app = QApplication([])
    folder = Path(sys.argv[1])
    window = MainWindow(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()
    QTest.qWaitForWindowExposed(window)
    assert window.open_path(folder / "demo.cxmap")
    laptop, projector = app.screens()
    assert window.screen() is laptop
    window.window_actions.presentation.trigger()  # F11
    shown = window.presentation.screen_window
    assert shown is not None and window.presentation.active
    QTest.qWaitForWindowExposed(shown)
    # The room sees the map full screen on the projector; the laptop keeps the editor.
    assert shown.screen() is projector, shown.screen().name()
    assert shown.geometry() == projector.geometry(), shown.geometry()
    assert window.menuBar().isVisible() and not window.isFullScreen()
    assert any(dock.isVisible() for dock in window.panels.values())
    view = shown.view
    assert view.viewport().size() == projector.size(), view.viewport().size()
    assert view.shot == OVERVIEW and view.presentation
    # An edit on the laptop shows on the projector.
    project = window.ctx.project
    step = project.steps()[0]
    project.update_step(step.id, title="Renamed on the laptop")
    assert view.journey_scene.cards[step.id].title == "Renamed on the laptop"
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.shot == 0 and window.view.shot != 0  # the walk is the projector's
    QTest.keyClick(view, Qt.Key.Key_Escape)  # Esc on the projector ends the presentation
    assert not window.presentation.active and window.presentation.screen_window is None
    assert not window.window_actions.presentation.isChecked()
    window.window_actions.presentation.trigger()
    window.close()  # closing while presenting ends the presentation too
    assert window.presentation.screen_window is None
    print("presented")
    """
)


def test_with_a_second_screen_the_map_goes_there_and_the_laptop_keeps_the_editor(
    tmp_path: Path,
) -> None:
    config = tmp_path / "screens.json"
    screen = {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {"name": "laptop", "x": 0, "y": 0, "width": 1600, "height": 1000, **screen},
                    {"name": "projector", "x": 1600, "y": 0, "width": 1920, "height": 1080}
                    | screen,
                ]
            }
        )
    )
    write_demo(tmp_path / "demo.cxmap")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    result = subprocess.run(
        [sys.executable, "-c", PRESENTER, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "presented" in result.stdout
