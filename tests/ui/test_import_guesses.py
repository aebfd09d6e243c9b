"""The import wizard's Columns page says how sure each guess is and shows a few values of
each mapped column, as the command line prints its mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from cxmapper.ui.window.main_window import MainWindow
from tests.ui.test_import_wizard import choose, go_next, open_wizard, write_csv

WORDS = ("invoice", "late", "support", "answered", "quickly", "never", "again", "the", "portal")
REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real-exports"


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


def vague(tmp_path: Path) -> Path:
    """Scores under a clear header; short phrases under one that says nothing."""
    return write_csv(
        tmp_path / "vague.csv",
        ["Response ID", "NPS", "Q7", "Date"],
        (
            [f"R_{i:04d}", str(i % 11), f"{WORDS[i % 9]} {WORDS[(i + 3) % 9]} {i}", "2026-02-03"]
            for i in range(40)
        ),
    )


def test_each_field_shows_its_confidence_and_a_sample(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, window, vague(tmp_path))
    go_next(qtbot, wizard)  # columns
    page = wizard.columns_page
    score = page.guesses["score"].text()
    assert "confidence 1.00" in score and "e.g. “0”, “1”, “2”" in score
    text = page.guesses["text"].text()
    assert page.combos["text"].currentText() == "Q7"
    assert "check it" in text and "e.g. “invoice answered 0”" in text  # a doubtful guess
    assert page.guesses["channel"].text() == ""  # nothing mapped, nothing said
    # The user maps another column: the note says so, with that column's values.
    combo = page.combos["customer_id"]
    combo.setFocus()
    choose(combo, "Response ID")
    note = page.guesses["customer_id"].text()
    assert "your choice" in note and "e.g. “R_0000”, “R_0001”, “R_0002”" in note
    # Back to "(none)" from the keyboard: the note goes.
    QTest.keyClick(combo, Qt.Key.Key_Home)
    assert combo.currentText() == "(none)" and page.guesses["customer_id"].text() == ""
    wizard.reject()


@pytest.mark.skipif(not REAL.is_dir(), reason="the real exports are not beside the project")
def test_a_real_export_shows_its_verbatims(qtbot, window: MainWindow) -> None:
    wizard = open_wizard(qtbot, window, REAL / "qualtrics_qualtRics_sample_legacy.csv")
    go_next(qtbot, wizard)
    page = wizard.columns_page
    assert page.combos["text"].currentText() == "Q2"
    assert "“Hello World!”" in page.guesses["text"].text()
    assert "confidence 1.00" in page.guesses["id"].text()
    wizard.reject()
