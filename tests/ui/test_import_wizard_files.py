"""The import wizard on files from elsewhere: exports imported again, hostile, oversized and
slow workbooks, and the steps page's values to check first."""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import cxmapper.exchange.xlsx as xlsx
import cxmapper.ui.importing.pages as import_pages
import cxmapper.ui.importing.wizard as import_wizard
from cxmapper.exchange.importer import plan_import
from cxmapper.ui.importing.wizard import ImportWizard
from cxmapper.ui.window.main_window import MainWindow
from tests.conftest import snapshot
from tests.exchange.hostile import SOUND, sheet, workbook
from tests.ui.wizard_helpers import (
    FINISH,
    NEXT,
    WAIT_MS,
    batch_rows,
    click,
    go_next,
    open_wizard,
    summary_linked,
    survey,
    write_csv,
)


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


def responses(tmp_path: Path, ids: Iterable[int], name: str = "responses.csv") -> Path:
    """A survey export with a Response ID per row."""
    return write_csv(
        tmp_path / name,
        ["Response ID", "Customer ID", "Date", "NPS", "Comment", "Touchpoint"],
        (
            [f"R_{i}", f"NEW-{i}", "2026-10-03", str(i % 11), f"Comment {i}", "Receives invoice"]
            for i in ids
        ),
    )


def import_through(qtbot, window: MainWindow, path: Path) -> ImportWizard:
    wizard = open_wizard(qtbot, window, path)
    for _page in range(3):
        go_next(qtbot, wizard)
    click(qtbot, wizard, FINISH)
    assert wizard.imported is not None
    return wizard


def test_an_export_imported_again_is_refused(qtbot, window: MainWindow, tmp_path: Path) -> None:
    project, stack = window.ctx.project, window.ctx.undo_stack
    export = responses(tmp_path, range(40))
    import_through(qtbot, window, export)
    batch = project.evidence.batches()[-1]
    original, edits = snapshot(project), stack.count()
    wizard = open_wizard(qtbot, window, export)
    go_next(qtbot, wizard)  # columns
    click(qtbot, wizard, NEXT)
    qtbot.waitUntil(lambda: not wizard.checking, timeout=WAIT_MS)
    at = batch.imported_at
    assert wizard.currentPage() is wizard.columns_page
    assert (
        f"Every row of “responses.csv” is already in the project (imported on {at[:10]} at "
        f"{at[11:16]} as “responses.csv”); nothing was imported."
    ) in wizard.columns_page.message.text()
    wizard.reject()
    assert snapshot(project) == original and stack.count() == edits


def test_rows_already_imported_are_skipped(qtbot, window: MainWindow, tmp_path: Path) -> None:
    project = window.ctx.project
    import_through(qtbot, window, responses(tmp_path, range(40)))
    before = project.evidence.count()
    # The export downloaded again, with 20 new responses.
    wizard = open_wizard(qtbot, window, responses(tmp_path, range(20, 60)))
    for _page in range(3):
        go_next(qtbot, wizard)
    label = wizard.summary_page.label.text()
    assert "<b>20</b> items" in label and "Skipped rows: 20 already imported." in label
    assert summary_linked(wizard) == 20
    click(qtbot, wizard, FINISH)
    assert project.evidence.count() == before + 20
    customers = {r[1] for r in batch_rows(window, wizard.imported.batch.id)}
    assert customers == {f"NEW-{i}" for i in range(40, 60)}


def test_a_file_without_ids_imported_again_is_skipped_and_warned_of(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    project = window.ctx.project
    export = survey(tmp_path, 30)
    import_through(qtbot, window, export)
    before = project.evidence.count()
    at = project.evidence.batches()[-1].imported_at
    # The same file again, one comment edited: the 29 rows that say the same are skipped.
    text = export.read_text(encoding="utf-8")
    export.write_text(text.replace(";Comment 0;", ";Comment zero;"), encoding="utf-8")
    wizard = open_wizard(qtbot, window, export)
    for _page in range(3):
        go_next(qtbot, wizard)
    label = wizard.summary_page.label.text()
    assert "Skipped rows: 29 already imported." in label
    assert (
        f"“survey.csv” looks like an import already made on {at[:10]} at {at[11:16]}; cancel "
        "and remove that import first (Imports tab of the evidence panel) if this is a "
        "re-import."
    ) in label
    click(qtbot, wizard, FINISH)  # a warning, not a refusal
    assert project.evidence.count() == before + 1


# --- untrusted files ------------------------------------------------------------------------------


def test_a_hostile_workbook_is_refused_and_the_window_stays_usable(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    project = window.ctx.project
    before = project.evidence.count()
    # Cells at A1 and XFD1048576: calamine reserves 550 GB and aborts its process (the reader's).
    hostile = tmp_path / "hostile.xlsx"
    hostile.write_bytes(workbook(sheet({"A1": "Comment", "XFD1048576": "x"})))
    wizard = open_wizard(qtbot, window, hostile)
    message = wizard.file_page.message.text()
    assert "“hostile.xlsx”" in message  # refused (today: the reader ran out of memory)
    assert not wizard.button(NEXT).isEnabled()
    assert wizard.isVisible() and window.isVisible()
    wizard.reject()
    # The window goes on: another file imports.
    import_through(qtbot, window, survey(tmp_path, 20))
    assert project.evidence.count() == before + 20


def test_a_file_over_the_limit_is_read_only_when_asked(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(import_wizard, "DEFAULT_MAX_SIZE", 1000)
    export = survey(tmp_path, 300)
    wizard = open_wizard(qtbot, window, export)
    page = wizard.file_page
    assert "“survey.csv” is 16 kB, more than the 1 kB an import reads; read it anyway?<" in (
        page.message.text()
    )
    assert page.anyway.isVisible() and not wizard.button(NEXT).isEnabled()
    qtbot.mouseClick(page.anyway, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.reading, timeout=WAIT_MS)
    assert "300 data rows" in page.message.text() and not page.anyway.isVisible()
    go_next(qtbot, wizard)  # columns
    go_next(qtbot, wizard)  # steps: the whole file is read with the raised limit too
    assert len(wizard.plan.evidence) == 300


def test_cancelling_the_read_of_a_workbook_stops_its_reader(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    pid_file = tmp_path / "reader.pid"
    code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    monkeypatch.setattr(xlsx, "child_command", lambda: [sys.executable, "-c", code])
    export = tmp_path / "slow.xlsx"
    export.write_bytes(workbook(SOUND))
    wizard = ImportWizard(window.ctx, export, window)
    wizard.show()
    qtbot.waitUntil(lambda: pid_file.exists() and bool(pid_file.read_text()), timeout=WAIT_MS)
    pid = int(pid_file.read_text())
    qtbot.mouseClick(wizard.file_page.busy.cancel, Qt.MouseButton.LeftButton)
    assert "was cancelled" in wizard.file_page.message.text()

    def reader_gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:  # killed and reaped
            return True
        return False

    qtbot.waitUntil(reader_gone, timeout=WAIT_MS)


def test_the_steps_page_lists_the_values_to_check_first(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(import_pages, "STEPS_LISTED", 3)
    export = write_csv(
        tmp_path / "many.csv",
        ["Comment", "Touchpoint"],
        [[f"Fine {i}", "Receives invoice"] for i in range(5)]
        + [[f"Fine {i}", f"Place {i}"] for i in range(5, 11)],
    )
    wizard = open_wizard(qtbot, window, export)
    go_next(qtbot, wizard)  # columns
    go_next(qtbot, wizard)  # steps
    table = wizard.steps_page.table
    assert table.rowCount() == 3
    assert "the other 4 keep their match" in wizard.steps_page.note.text()
    go_next(qtbot, wizard)
    click(qtbot, wizard, FINISH)
    assert wizard.imported.linked == 5  # the exact matches not listed still link


def test_the_wizard_guesses_the_columns_from_the_rows_the_command_line_does(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    """A response id unique in the first few hundred rows but repeated further down is no id:
    the wizard sees as many rows as the import profiles, and guesses as it does."""
    rows = [[f"R{i % 300}", str(i % 11), f"Comment number {i} on the invoice"] for i in range(900)]
    path = write_csv(tmp_path / "refs.csv", ["Response ID", "NPS", "Comment"], rows)
    planned = plan_import(window.ctx.project, path).layout
    wizard = open_wizard(qtbot, window, path)
    assert wizard.file_layout is not None
    assert "id" not in wizard.file_layout.mapping
    assert wizard.file_layout.mapping == planned.mapping
    assert wizard.file_layout.confidence == planned.confidence
    wizard.reject()


def test_a_file_of_one_row_is_counted_in_the_singular(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    export = responses(tmp_path, [7])
    wizard = open_wizard(qtbot, window, export)
    assert "; 1 data row." in wizard.file_page.message.text()
    go_next(qtbot, wizard)  # columns
    said = wizard.columns_page.message.text()
    assert "The first row as it will be imported. The one row is checked when" in said
    go_next(qtbot, wizard)  # steps
    go_next(qtbot, wizard)  # summary
    assert "<b>1</b> item from <b>responses.csv</b>" in wizard.summary_page.label.text()


def test_a_file_without_verbatims_is_warned_of_in_the_wizard(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    """As on the command line: no verbatim column found is said on the Columns page and the
    summary, with the column most like one."""
    rows = [
        [f"2026-01-{i % 28 + 1:02d}", str(i % 11), "Other: see notes" if i == 3 else ""]
        for i in range(40)
    ]
    rows[5][2] = "I would have liked a longer session on the practical exercises"
    path = write_csv(tmp_path / "scores.csv", ["Date", "NPS", "Anything else"], rows)
    wizard = open_wizard(qtbot, window, path)
    go_next(qtbot, wizard)  # columns
    said = wizard.columns_page.message.text()
    assert "has no column of feedback text (verbatims): its items hold scores only" in said
    assert "“Anything else”, has text in 5% of its rows" in said
    assert "choose it as the Verbatim text on the Columns and values page" in said
    go_next(qtbot, wizard)  # steps
    go_next(qtbot, wizard)  # summary
    assert "has no column of feedback text" in wizard.summary_page.label.text()
    wizard.reject()


def test_a_file_a_spreadsheet_broke_is_said_so_on_the_first_page(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    """Lines quoted whole (as a spreadsheet re-saving a CSV can write them) are one field
    each: the first page says so before any column is guessed from them."""
    lines = ["Review_ID,Rating,Year_Month,Review_Text"]
    lines += [f'"{1000 + i},{i % 5 + 1},2019-{i % 12 + 1},A lovely day {i}"' for i in range(30)]
    path = tmp_path / "broken.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    wizard = open_wizard(qtbot, window, path)
    said = wizard.file_page.message.text()
    assert (
        "Row 2 has 1 field but the first row has 4: the file is damaged, or its fields are "
        "not separated by a comma; it cannot be imported as it is." in said
    )
    wizard.reject()
    sound = write_csv(tmp_path / "sound.csv", ["Comment", "NPS"], [["Slow", "3"], ["", ""]])
    wizard = open_wizard(qtbot, window, sound)
    assert "the first row has" not in wizard.file_page.message.text()
    wizard.reject()


def test_the_wizard_names_the_other_typed_in_answers(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    """As on the command line: of several answers that read equally well as the verbatim,
    the one taken and the others are said, until the user chooses one of them."""
    answers = [f"{w} answer about the onboarding day {i}" for i, w in enumerate("ABCDEFGHIJ" * 3)]
    rows = [["ResponseId", "Q1_TEXT", "Q2_TEXT"], ["Response ID", "What?", "Why?"]]
    rows += [['{"ImportId":"_recordId"}', '{"ImportId":"QID1_TEXT"}', '{"ImportId":"QID2_TEXT"}']]
    rows += [[f"R_{i:04d}", a, a.replace("answer", "reason")] for i, a in enumerate(answers)]
    path = tmp_path / "q.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    wizard = open_wizard(qtbot, window, path)
    go_next(qtbot, wizard)  # columns
    said = wizard.columns_page.message.text()
    assert "has 2 columns of typed-in answers that read equally well as the verbatim" in said
    assert "“Q1_TEXT” was taken, not “Q2_TEXT”" in said
    wizard.reject()
