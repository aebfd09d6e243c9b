"""File → Import Evidence…, driven as a user drives it: Next, Finish, Cancel and combo choices,
on files written to a temporary folder."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWizard

import cxmapper.exchange.importer as importer
import cxmapper.ui.importing.jobs as import_jobs
import cxmapper.ui.importing.wizard as import_wizard
from cxmapper.model import placement
from cxmapper.model.placement import column_of
from cxmapper.ui.importing.wizard import ImportWizard
from cxmapper.ui.window.main_window import MainWindow
from tests.conftest import snapshot
from tests.ui.wizard_helpers import (
    BACK,
    FINISH,
    NEXT,
    WAIT_MS,
    batch_rows,
    choose,
    click,
    column,
    go_next,
    linked_in_file,
    open_wizard,
    step_rows,
    summary_linked,
    survey,
    write_csv,
)


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


def test_import_end_to_end_then_undo_and_redo(qtbot, window: MainWindow, tmp_path: Path) -> None:
    project, stack = window.ctx.project, window.ctx.undo_stack
    before, edits = project.evidence.count(), stack.count()
    wizard = open_wizard(qtbot, window, survey(tmp_path))
    assert "300 data rows" in wizard.file_page.message.text()
    go_next(qtbot, wizard)  # columns
    assert wizard.columns_page.combos["text"].currentText() == "Comment"
    assert wizard.columns_page.combos["customer_id"].currentText() == "Customer ID"
    assert column(wizard.columns_page.preview, "Customer id")[:2] == ["NEW-0", "NEW-1"]
    go_next(qtbot, wizard)  # steps
    table = wizard.steps_page.table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    unmatched = table.cellWidget(rows["Quarterly review call"], 2)
    assert unmatched.currentText() == "(don't link)"
    choose(unmatched, "New step “Quarterly review call” in Customer Success")
    go_next(qtbot, wizard)  # summary
    assert "300" in wizard.summary_page.label.text()
    click(qtbot, wizard, FINISH)
    assert not wizard.isVisible()

    batch = wizard.imported.batch
    imported = batch_rows(window, batch.id)
    assert project.evidence.count() == before + 300
    assert {r[1] for r in imported} == {f"NEW-{i}" for i in range(300)}
    assert {r[2] for r in imported} == {"2026-10-23"}
    new_step = next(s for s in project.steps() if s.title == "Quarterly review call")
    assert project.evidence.counts_by_step()[new_step.id] == 150
    # Drawn at the end of its lane, it has the stage of the column it is drawn in.
    stage_ids = [s.id for s in project.stages()]
    drawn = placement.stage_at(placement.bands(stage_ids, project.steps()), column_of(new_step.x))
    assert new_step.stage_id is not None and new_step.stage_id == drawn
    assert placement.misplaced(stage_ids, project.steps()) == []
    assert stack.count() == edits + 1
    assert stack.undoText() == "Import evidence from 'survey.csv'"
    # A pain citing the import: undo must take the evidence out of it, not be refused.
    pain = project.add_pain("Invoices arrive late", evidence_ids=(imported[0][0], imported[1][0]))

    window.window_actions.undo.trigger()
    assert project.evidence.count() == before
    assert not batch_rows(window, batch.id)
    assert not any(s.title == "Quarterly review call" for s in project.steps())
    assert project.pain(pain.id).evidence_ids == ()
    window.window_actions.redo.trigger()
    assert batch_rows(window, batch.id) == imported  # the same rows, with the same ids
    assert project.evidence.counts_by_step()[new_step.id] == 150
    assert project.pain(pain.id).evidence_ids == (imported[0][0], imported[1][0])
    assert stack.count() == edits + 1 and not stack.canRedo()


def test_cancel_leaves_nothing_and_no_undo_entry(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    project, stack = window.ctx.project, window.ctx.undo_stack
    original, edits = snapshot(project), stack.count()
    # Hold the whole-file check until the test lets it go, to cancel it while it runs.
    gate = threading.Event()
    real_full_plan = import_wizard.full_plan

    def held_full_plan(*args, **kwargs):
        gate.wait(WAIT_MS / 1000)
        return real_full_plan(*args, **kwargs)

    monkeypatch.setattr(import_wizard, "full_plan", held_full_plan)
    wizard = open_wizard(qtbot, window, survey(tmp_path, 6000))
    go_next(qtbot, wizard)  # columns
    click(qtbot, wizard, NEXT)
    assert wizard.checking and wizard.columns_page.busy.isVisible()
    assert not wizard.button(NEXT).isEnabled()
    qtbot.mouseClick(wizard.columns_page.busy.cancel, Qt.MouseButton.LeftButton)
    assert not wizard.checking and wizard.button(NEXT).isEnabled()
    gate.set()
    qtbot.wait(300)  # the cancelled check's result arrives, and is dropped
    assert wizard.currentPage() is wizard.columns_page and wizard.plan is None

    go_next(qtbot, wizard)  # steps
    table = wizard.steps_page.table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    choose(
        table.cellWidget(rows["Quarterly review call"], 2),
        "New step “Quarterly review call” in Customer Success",
    )
    go_next(qtbot, wizard)  # summary

    def cancel_the_progress() -> None:
        dialog = wizard.findChild(QProgressDialog)
        if dialog is not None and dialog.value() > 0:
            dialog.cancel()

    timer = QTimer()
    timer.timeout.connect(cancel_the_progress)
    timer.start(0)  # runs while the import processes events between its chunks
    click(qtbot, wizard, FINISH)
    timer.stop()
    assert "cancelled" in wizard.summary_page.error.text()
    assert wizard.isVisible() and wizard.imported is None
    assert snapshot(project) == original  # no evidence, no new step
    assert stack.count() == edits and not stack.canRedo()
    click(qtbot, wizard, QWizard.WizardButton.CancelButton)
    assert snapshot(project) == original and stack.count() == edits


def test_a_mapping_change_previews_without_reading_the_file_again(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    export = survey(tmp_path)
    reads: list[Path] = []
    real_read = import_jobs.read_table

    def counting_read(path, *args, **kwargs):
        reads.append(Path(path))
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(import_jobs, "read_table", counting_read)
    monkeypatch.setattr(importer, "read_table", counting_read)
    wizard = open_wizard(qtbot, window, export)
    go_next(qtbot, wizard)  # columns
    assert reads.count(export) == 1
    page = wizard.columns_page
    choose(page.combos["text"], "Touchpoint")
    texts = column(page.preview, "Verbatim text")
    assert texts[:2] == ["Quarterly review call", "Receives invoice"]
    choose(page.combos["text"], "Comment")
    choose(page.scale, "1 to 5")  # the NPS answers run 0 to 10: refused, in a sentence
    assert "row 2, column “NPS”: 0 is outside the 1–5 scale" in page.message.text()
    choose(page.scale, "0 to 100")
    assert set(column(page.preview, "Scale")) == {"0-100"}
    choose(page.combos["customer_id"], "(none)")
    assert set(column(page.preview, "Customer id")) == {""}
    assert reads.count(export) == 1  # the preview re-planned the rows already read
    go_next(qtbot, wizard)  # the whole file, once
    assert reads.count(export) == 2
    click(qtbot, wizard, BACK)
    go_next(qtbot, wizard)  # nothing changed: the plan made is still good
    assert reads.count(export) == 2
    go_next(qtbot, wizard)
    click(qtbot, wizard, FINISH)
    imported = batch_rows(window, wizard.imported.batch.id)
    assert len(imported) == 300 and {r[1] for r in imported} == {""}


def test_undecidable_dates_ask_for_the_order_and_keep_the_mapping(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    export = write_csv(
        tmp_path / "uk.csv",
        ["Customer ID", "Date", "Score", "Comment", "Region"],
        (
            [f"UK-{i}", "03/04/2026" if i % 2 else "05/06/2026", "4", "Lovely", "North"]
            for i in range(40)
        ),
    )
    wizard = open_wizard(qtbot, window, export)
    go_next(qtbot, wizard)  # columns
    page = wizard.columns_page
    # The user's own choices first: Region as the channel, and no customer column.
    choose(page.combos["channel"], "Region")
    choose(page.combos["customer_id"], "(none)")
    message = page.message.text()
    assert "column “Date”: no date shows whether the day or the month comes first" in message
    # ... in the words of the wizard's controls, not the command line's options
    assert "choose the date order on the Columns and values page; nothing was" in message
    assert "--date-order" not in message
    assert not wizard.button(NEXT).isEnabled()
    choose(page.date_order, "Day first: 03/04/2026 is 3 April")
    assert "no date shows" not in page.message.text()
    assert column(page.preview, "Date")[:2] == ["2026-06-05", "2026-04-03"]
    assert page.combos["channel"].currentText() == "Region"  # the choices are kept
    assert page.combos["customer_id"].currentText() == "(none)"
    go_next(qtbot, wizard)  # steps
    go_next(qtbot, wizard)  # summary
    click(qtbot, wizard, FINISH)
    batch = wizard.imported.batch.id
    assert [r[1:3] for r in batch_rows(window, batch)[:2]] == [
        ("", "2026-06-05"),
        ("", "2026-04-03"),
    ]
    channels = window.ctx.project.db.conn.execute(
        "SELECT DISTINCT channel FROM evidence WHERE batch_id = ?", (batch,)
    ).fetchall()
    assert channels == [("North",)]


def test_dates_decided_past_the_preview_need_no_order(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    # The first 250 dates read either way; row 252's (04/25/2026) can only be month-first.
    export = write_csv(
        tmp_path / "late.csv",
        ["Date", "Comment"],
        (["04/25/2026" if i == 250 else "03/04/2026", f"Fine {i}"] for i in range(300)),
    )
    wizard = open_wizard(qtbot, window, export)
    go_next(qtbot, wizard)  # columns
    page = wizard.columns_page
    assert "no date shows" not in page.message.text()
    assert set(column(page.preview, "Date")) == {"2026-03-04"}
    go_next(qtbot, wizard)  # steps
    go_next(qtbot, wizard)  # summary
    click(qtbot, wizard, FINISH)
    dates = [r[2] for r in batch_rows(window, wizard.imported.batch.id)]
    assert dates[0] == "2026-03-04" and dates[250] == "2026-04-25"


def test_the_importers_warnings_are_shown_before_finishing(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    export = tmp_path / "euro.csv"
    lines = ["Customer ID;Comment"] + [f"E{i};Très bien, café {i}" for i in range(20)]
    export.write_bytes("\r\n".join(lines).encode("cp1252"))
    wizard = open_wizard(qtbot, window, export)
    assert "Windows-1252" in wizard.file_page.message.text()
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)
    assert "Windows-1252" in wizard.summary_page.label.text()
    click(qtbot, wizard, FINISH)
    assert batch_rows(window, wizard.imported.batch.id)[0][4] == "Très bien, café 0"


def test_a_malformed_file_is_refused_in_the_wizard(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    project = window.ctx.project
    before = project.evidence.count()
    bad = tmp_path / "broken.csv"
    bad.write_text('Customer ID,Comment\nC1,fine\nC2,"never closed\n', encoding="utf-8")
    wizard = open_wizard(qtbot, window, bad)
    message = wizard.file_page.message.text()
    assert "“broken.csv” row 3" in message and "nothing was imported" in message
    assert not wizard.button(NEXT).isEnabled()
    assert wizard.isVisible() and project.evidence.count() == before


def test_a_refused_row_is_named_and_the_mapping_can_be_changed(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    project = window.ctx.project
    before = project.evidence.count()
    export = write_csv(
        tmp_path / "late.csv",
        ["Customer ID", "Date", "Comment"],
        # Row 260 is past the preview's first rows: only the whole-file check finds it.
        ([f"C{i}", "someday" if i == 258 else "2026-05-01", f"Fine {i}"] for i in range(300)),
    )
    wizard = open_wizard(qtbot, window, export)
    go_next(qtbot, wizard)  # columns: the preview is fine
    click(qtbot, wizard, NEXT)
    page = wizard.columns_page
    qtbot.waitUntil(lambda: not wizard.checking, timeout=WAIT_MS)
    assert wizard.currentPage() is page
    assert "“late.csv” row 260, column “Date”" in page.message.text()
    assert project.evidence.count() == before
    choose(page.combos["date"], "(none)")
    go_next(qtbot, wizard)  # steps
    go_next(qtbot, wizard)  # summary
    click(qtbot, wizard, FINISH)
    assert project.evidence.count() == before + 300


def test_the_window_keeps_working_while_a_large_file_is_parsed(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    export = write_csv(
        tmp_path / "large.csv",
        ["Response ID", "Customer ID", "Date", "NPS", "Comment", "Touchpoint"],
        (
            [f"R{i}", f"C{i % 5000}", "2026-03-01", str(i % 11), f"Comment {i} " * 4, "Go-live"]
            for i in range(50_000)
        ),
    )
    # The read goes on only once the window's event loop has run a timer: were the file read
    # on the UI thread, this would stall (and the wait time out).
    ticked = threading.Event()
    waited: list[bool] = []
    real_read = import_jobs.read_table

    def read_after_a_tick(*args, **kwargs):
        waited.append(ticked.wait(WAIT_MS / 1000))
        return real_read(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "read_table", read_after_a_tick)
    ticks: list[bool] = []
    wizard = ImportWizard(window.ctx, export, window)
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    # Each tick records whether the worker was busy then: ticks while busy prove the event
    # loop ran during the work, not only after it.
    timer.timeout.connect(lambda: (ticks.append(wizard.reading or wizard.checking), ticked.set()))
    timer.start(2)
    wizard.show()
    assert wizard.reading and wizard.file_page.busy.isVisible()
    qtbot.waitUntil(lambda: not wizard.reading, timeout=WAIT_MS)
    # The worker waited for a tick of the event loop while it was busy: the loop ran during
    # the read. (More ticks depend on how loaded the machine is: not asserted.)
    assert waited == [True] and sum(ticks) >= 1
    assert "50,000 data rows" in wizard.file_page.message.text()
    go_next(qtbot, wizard)
    ticks.clear()
    click(qtbot, wizard, NEXT)
    assert wizard.checking
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.steps_page, timeout=WAIT_MS)
    timer.stop()
    # The whole-file check runs in the worker too, but csv's C loop holds the interpreter
    # lock for ~0.1 s per 50,000 rows, so ticks during it are not guaranteed: not asserted.
    assert len(wizard.plan.evidence) == 50_000


# --- the wizard speaks of its own controls -------------------------------------------------------


def test_refusals_speak_of_the_wizards_controls(qtbot, window: MainWindow, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, window, survey(tmp_path))
    go_next(qtbot, wizard)  # columns
    page = wizard.columns_page
    choose(page.combos["text"], "(none)")
    choose(page.combos["score"], "(none)")
    message = page.message.text()
    assert "no column holds feedback text or a score" in message
    assert "choose the Verbatim text or Score column on the Columns and values page" in message
    assert "--map" not in message and not wizard.button(NEXT).isEnabled()
    wizard.reject()
    # Contradicting dates, found by the preview and, past its rows, by the whole-file check.
    for name, bad_row in (("early.csv", 3), ("late.csv", 250)):
        export = write_csv(
            tmp_path / name,
            ["Date", "Comment"],
            (["04/25/2026" if i == bad_row else "25/03/2026", f"Fine {i}"] for i in range(300)),
        )
        wizard = open_wizard(qtbot, window, export)
        go_next(qtbot, wizard)  # columns
        page = wizard.columns_page
        if bad_row > 200:
            click(qtbot, wizard, NEXT)
            qtbot.waitUntil(lambda w=wizard: not w.checking, timeout=WAIT_MS)
        message = page.message.text()
        assert "can only be day-first but row" in message, message
        assert "choose the date order on the Columns and values page; nothing was" in message
        assert "--date-order" not in message
        assert wizard.currentPage() is page
        wizard.reject()


# --- the Steps page and the summary --------------------------------------------------------------


def test_step_values_are_read_only_and_the_summary_counts_the_links_made(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, window, survey(tmp_path))
    go_next(qtbot, wizard)  # columns
    go_next(qtbot, wizard)  # steps
    table = wizard.steps_page.table
    rows = step_rows(wizard)
    for r in rows.values():
        for c in (0, 1):
            assert not table.item(r, c).flags() & Qt.ItemFlag.ItemIsEditable
    # Typing on a value, or double-clicking it, edits nothing.
    row = rows["Receives invoice"]
    table.setCurrentCell(row, 0)
    table.setFocus()
    qtbot.keyClicks(table, "Billing")
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClicks(table.viewport(), "Billing")
    assert table.item(row, 0).text() == "Receives invoice"
    # The matched value left unlinked, the unmatched one given a new step.
    choose(table.cellWidget(row, 2), "(don't link)")
    choose(
        table.cellWidget(rows["Quarterly review call"], 2),
        "New step “Quarterly review call” in Customer Success",
    )
    go_next(qtbot, wizard)  # summary
    promised = summary_linked(wizard)
    click(qtbot, wizard, FINISH)
    result = wizard.imported
    assert promised == result.linked == linked_in_file(window, result.batch.id) == 150


def test_the_summary_counts_links_as_the_import_makes_them(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, window, survey(tmp_path, 41))
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)
    table = wizard.steps_page.table
    choose(table.cellWidget(step_rows(wizard)["Quarterly review call"], 2), "Receives invoice")
    go_next(qtbot, wizard)
    promised = summary_linked(wizard)
    click(qtbot, wizard, FINISH)
    result = wizard.imported
    assert promised == result.linked == linked_in_file(window, result.batch.id) == 41


# --- importing the same rows again ---------------------------------------------------------------
