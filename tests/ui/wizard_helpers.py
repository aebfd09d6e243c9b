"""Driving File → Import Evidence… in tests: the wizard opened on a file, its buttons and
combos, what its summary says, and files written for it."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWizard

from cxmapper.ui.importing.wizard import ImportWizard
from cxmapper.ui.window.main_window import MainWindow

NEXT = QWizard.WizardButton.NextButton
BACK = QWizard.WizardButton.BackButton
FINISH = QWizard.WizardButton.FinishButton
WAIT_MS = 20_000  # a parse on a busy two-core machine


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]], delimiter=",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def open_wizard(qtbot, window: MainWindow, path: Path) -> ImportWizard:
    wizard = ImportWizard(window.ctx, path, window)
    wizard.show()
    qtbot.waitUntil(lambda: not wizard.reading, timeout=WAIT_MS)
    return wizard


def click(qtbot, wizard: ImportWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isEnabled() and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def go_next(qtbot, wizard: ImportWizard) -> None:
    """Next, and wait for the next page (leaving the columns page plans the whole file)."""
    page = wizard.currentPage()
    click(qtbot, wizard, NEXT)
    qtbot.waitUntil(lambda: wizard.currentPage() is not page, timeout=WAIT_MS)


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"no “{text}” in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)


def column(table, title: str) -> list[str]:
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    c = headers.index(title)
    return [table.item(r, c).text() for r in range(table.rowCount())]


def batch_rows(window: MainWindow, batch_id: int) -> list[tuple]:
    return window.ctx.project.db.conn.execute(
        "SELECT id, customer_id, date, score, text FROM evidence WHERE batch_id = ? ORDER BY id",
        (batch_id,),
    ).fetchall()


def survey(tmp_path: Path, n: int = 300, name: str = "survey.csv") -> Path:
    return write_csv(
        tmp_path / name,
        ["Customer ID", "Date", "NPS", "Comment", "Touchpoint"],
        (
            [
                f"NEW-{i}",
                "23.10.2026",
                str(i % 11),
                f"Comment {i}",
                "Receives invoice" if i % 2 else "Quarterly review call",
            ]
            for i in range(n)
        ),
        delimiter=";",
    )


def step_rows(wizard: ImportWizard) -> dict[str, int]:
    table = wizard.steps_page.table
    return {table.item(r, 0).text(): r for r in range(table.rowCount())}


def summary_linked(wizard: ImportWizard) -> int:
    found = re.search(r"Linked to steps: <b>([\d,]+)</b>", wizard.summary_page.label.text())
    assert found, wizard.summary_page.label.text()
    return int(found.group(1).replace(",", ""))


def linked_in_file(window: MainWindow, batch_id: int) -> int:
    return window.ctx.project.db.conn.execute(
        "SELECT count(*) FROM evidence_step WHERE evidence_id IN"
        " (SELECT id FROM evidence WHERE batch_id = ?)",
        (batch_id,),
    ).fetchone()[0]
