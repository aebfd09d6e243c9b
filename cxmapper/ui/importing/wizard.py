"""File → Import Evidence…: file and format, columns and values, step matching, summary.

The file is parsed on a worker thread (``jobs``): when the wizard opens, and once more,
over the whole file, when the mapping is finished; a mapping change re-plans only the first
rows, for the preview. Finish writes the planned evidence on the UI thread in one transaction,
with a progress dialog that can cancel it. Only a finished import goes on the undo stack (with
any steps made for it, as one edit): a cancelled or refused one writes nothing, leaves the undo
stack as it was, and keeps the wizard open.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget, QWizard

from cxmapper.exchange.formats import Layout, detect
from cxmapper.exchange.importer import (
    PREVIEW_ROWS,
    ImportCancelled,
    ImportPlan,
    ImportResult,
    drop_imported,
    run_import,
)
from cxmapper.exchange.intake import DEFAULT_MAX_SIZE, MB, FileTooLarge
from cxmapper.exchange.tabular import ImportFailure
from cxmapper.model import placement
from cxmapper.model.project import BatchRemoval, Project
from cxmapper.model.validation import ModelError
from cxmapper.ui.document.commands import AddStep, Command
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.importing.jobs import Source, Worker, full_plan, preview_plan, read_head
from cxmapper.ui.importing.pages import ColumnsPage, FilePage, StepsPage, SummaryPage
from cxmapper.ui.importing.words import explain


class ImportEvidence(Command):
    """An import the wizard has written, with the steps it made for it, as one edit. It is
    pushed once written, so its first redo does nothing; undo takes the batch out through the
    project (which updates the pains citing it), redo puts back the same rows and ids."""

    def __init__(
        self, project: Project, file_name: str, batch_id: int, new_steps: list[AddStep]
    ) -> None:
        super().__init__(f"Import evidence from '{file_name}'")
        self.project, self.batch_id, self.new_steps = project, batch_id, new_steps
        self.removal: BatchRemoval | None = None
        self._written = True

    def redo(self) -> None:
        if self._written:
            self._written = False
            return
        super().redo()

    def do(self) -> None:
        for step in self.new_steps:
            step.do()
        assert self.removal is not None
        self.project.restore_import_batch(self.removal)
        self.removal = None  # the rows live in the file again; undo takes them afresh

    def revert(self) -> None:
        self.removal = self.project.remove_import_batch(self.batch_id)
        for step in reversed(self.new_steps):
            step.revert()


class ImportWizard(QWizard):
    def __init__(self, ctx: DocumentContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = Path(path)
        self.worker = Worker(self)
        self.job: str | None = None  # "read" or "check" while the worker runs one
        self.source: Source | None = None  # the first rows of the file, as read
        self.file_layout: Layout | None = None  # as detected: header and first mapping
        self.file_error: str | None = None
        self.max_size = DEFAULT_MAX_SIZE  # raised when the user reads a larger file anyway
        self.oversize: FileTooLarge | None = None  # the file, refused as over max_size
        self.preview: ImportPlan | None = None  # the first rows planned with the mapping
        self.mapping_error: str | None = None
        self.check_error: str | None = None
        self.plan: ImportPlan | None = None  # the whole file planned
        self._plan_key: str | None = None
        self.imported: ImportResult | None = None
        self._importing = False
        self._folder = tempfile.TemporaryDirectory(prefix="cxmapper-import-")
        self.setWindowTitle(f"Import evidence — {self.path.name}")
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.resize(1100, 760)
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.steps_page = StepsPage(self)
        self.summary_page = SummaryPage(self)
        for page in (self.file_page, self.columns_page, self.steps_page, self.summary_page):
            self.addPage(page)

    # --- state the pages show -------------------------------------------------------------

    @property
    def reading(self) -> bool:
        return self.job == "read" and self.worker.busy

    @property
    def checking(self) -> bool:
        return self.job == "check" and self.worker.busy

    def size_text(self) -> str:
        try:
            size = self.path.stat().st_size
        except OSError:
            return "size unknown"
        return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB"

    def data_rows(self) -> int:
        if self.source is None or self.file_layout is None:
            return 0
        return max(self.source.total - self.file_layout.data_start, 0)

    # --- reading the file (worker) ----------------------------------------------------------

    def read_file(self) -> None:
        options = self.file_page.options()
        path, delimiter, encoding = self.path, options["delimiter"], options["encoding"]
        max_size = self.max_size
        self.source, self.file_layout, self.file_error = None, None, None
        self.oversize = None
        self._forget_plans()
        self.job = "read"
        self.worker.start(
            lambda cancelled: read_head(
                path, delimiter, encoding, max_size=max_size, cancelled=cancelled
            ),
            self._read_done,
            self._read_failed,
        )
        self.file_page.refresh()

    def _read_done(self, source: Source | FileTooLarge) -> None:
        self.job = None
        if isinstance(source, FileTooLarge):  # not read: the file page asks to read it anyway
            self.oversize = source
            self.file_error = source.worded("read it anyway?")
        else:
            self.source = source
            self.detect_layout()
        self.file_page.refresh()

    def read_anyway(self) -> None:
        """Read the file refused as too large, with a limit it fits in."""
        if self.oversize is None:
            return
        self.max_size = max(self.max_size, self.oversize.needed_mb * MB)
        self.read_file()

    def _read_failed(self, message: str) -> None:
        self.job = None
        self.file_error = message
        self.file_page.refresh()

    def detect_layout(self) -> None:
        """The format and first mapping, from the rows already read (no reading again)."""
        if self.source is None:
            return
        self.file_layout, self.file_error = None, None
        self._forget_plans()
        try:
            self.file_layout = detect(self.source.rows, self.file_page.format.currentText())
        except ValueError as exc:
            self.file_error = f"“{self.path.name}”: {exc}."

    def _forget_plans(self) -> None:
        self.preview = self.plan = None
        self.mapping_error = self.check_error = self._plan_key = None

    # --- the mapping: preview of the first rows (UI thread), then the whole file (worker) ---

    def plan_options(self) -> dict[str, Any]:
        """plan_import's options as the pages stand."""
        assert self.file_layout is not None
        header: list[str] = self.file_layout.header
        overrides: dict[str, str] = {}
        for name, index in self.columns_page.columns().items():
            if index is None:
                overrides[name] = "-"
            elif header[index] and header.count(header[index]) == 1:
                overrides[name] = header[index]
            else:  # a nameless or repeated column: by its number
                overrides[name] = str(index + 1)
        page = self.columns_page
        return {
            "format": self.file_page.format.currentText(),
            "overrides": overrides,
            "date_order": page.date_order.currentData(),
            "scale": page.scale.currentData() or None,
        }

    def update_preview(self) -> None:
        if self.checking:
            self.cancel_job()
        self.check_error = None
        assert self.source is not None and self.file_layout is not None
        rows = self.source.rows[: self.file_layout.data_start + PREVIEW_ROWS]
        folder = Path(self._folder.name)
        options = self.plan_options()
        date_column = self.columns_page.columns().get("date")
        if options["date_order"] == "auto" and date_column is not None:
            # The order the whole column decides, which its first rows alone may not show.
            options["date_order"] = self.source.date_orders.get(date_column, "auto")
        try:
            self.preview = preview_plan(self.ctx.project, self.path, rows, folder, **options)
            self.mapping_error = None
        except ImportFailure as exc:
            self.preview, self.mapping_error = None, explain(exc)
        self.columns_page.refresh()

    def _whole_file_options(self) -> dict[str, Any]:
        file_options = self.file_page.options()
        return {
            **self.plan_options(),
            "delimiter": file_options["delimiter"],
            "encoding": file_options["encoding"],
            "max_size": self.max_size,
        }

    def plan_is_current(self) -> bool:
        return self.plan is not None and self._plan_key == repr(self._whole_file_options())

    def check_whole_file(self) -> None:
        options = self._whole_file_options()
        key = repr(options)
        steps, path = self.ctx.project.steps(), self.path
        self.plan, self.check_error = None, None

        def done(plan: ImportPlan) -> None:
            self.job = None
            try:  # here, on the UI thread, which owns the project's connection
                drop_imported(self.ctx.project, plan)
            except ImportFailure as exc:
                failed(explain(exc))
                return
            self.plan, self._plan_key = plan, key
            self.columns_page.refresh()
            if self.currentPage() is self.columns_page:
                self.next()

        def failed(message: str) -> None:
            self.job = None
            self.check_error = message
            self.columns_page.refresh()

        self.job = "check"
        self.worker.start(
            lambda cancelled: full_plan(steps, path, cancelled=cancelled, **options), done, failed
        )
        self.columns_page.refresh()

    def cancel_job(self) -> None:
        if not self.worker.busy:
            return
        job = self.job
        self.worker.cancel()
        self.job = None
        if job == "read":
            self.file_error = (
                f"Reading “{self.path.name}” was cancelled; choose a delimiter or encoding "
                "to read it again."
            )
            self.file_page.refresh()
        else:
            self.columns_page.refresh()

    # --- finishing ----------------------------------------------------------------------------

    def accept(self) -> None:
        if self._importing or self.plan is None:
            return
        self._importing = True
        try:
            error = self._import(self.plan)
        finally:
            self._importing = False
        if error:
            self.summary_page.show_error(error)
            return
        super().accept()

    def _import(self, plan: ImportPlan) -> str | None:
        """Write the plan (with the steps chosen to be made for it) and push it as one edit;
        on cancel or refusal, take back what was made and return the message."""
        project = self.ctx.project
        links, new_steps = self.steps_page.choices()
        made: list[AddStep] = []
        dialog = QProgressDialog(
            f"Importing {self.path.name}…", "Cancel", 0, max(len(plan.evidence), 1), self
        )
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)

        def progress(done: int, _total: int) -> None:
            dialog.setValue(done)
            QApplication.processEvents()

        result: ImportResult | None = None
        error: str | None = None
        try:
            for value, group_id in new_steps.items():
                # At the end of its lane, in the stage of the column it is drawn in.
                steps = list(project.step_views())
                x = placement.end_of_lane_x(steps, group_id)
                found = placement.bands([s.id for s in project.stages()], steps)
                stage = placement.stage_at(found, placement.column_of(x))
                step = AddStep(project, group_id, value, x=x, y=placement.ROW_TOP, stage_id=stage)
                step.do()
                made.append(step)
                links[value] = step.step_id
            result = run_import(
                project, plan, links=links, progress=progress, cancelled=dialog.wasCanceled
            )
        except ImportCancelled:
            error = "The import was cancelled; nothing was imported."
        except ModelError as exc:
            error = f"{exc} Nothing was imported."
        except sqlite3.Error as exc:  # e.g. the disk is full: the transaction was rolled back
            error = f"The evidence could not be saved ({exc}); nothing was imported."
        finally:
            dialog.close()
            dialog.deleteLater()
        if result is None:
            for step in reversed(made):
                step.revert()
            return error
        batch_id = result.batch.id
        self.ctx.edit(lambda: ImportEvidence(project, self.path.name, batch_id, made), origin=self)
        self.imported = result
        return None

    def reject(self) -> None:
        if not self._importing:  # the progress dialog's Cancel stops an import
            super().reject()

    def done(self, result: int) -> None:
        self.worker.cancel()
        # The wizard may outlive this (its parent keeps it): let go of the file's rows now.
        self.source = self.preview = self.plan = None
        self._folder.cleanup()
        super().done(result)
