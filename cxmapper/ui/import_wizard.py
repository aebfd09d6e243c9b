"""File → Import Evidence…: file and format, column mapping, step matching, summary.

The import itself is one undoable edit (with any steps it creates, as one macro); it runs
with a progress dialog that can cancel it, and a cancelled or failed import writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from cxmapper.exchange.formats import FIELDS
from cxmapper.exchange.importer import (
    ImportCancelled,
    ImportPlan,
    ImportResult,
    plan_import,
    run_import,
)
from cxmapper.exchange.tabular import ImportFailure
from cxmapper.ui.canvas.layout import MAP_LEFT, PITCH_X, ROW_TOP
from cxmapper.ui.commands import AddStep, Command, push
from cxmapper.ui.context import DocumentContext

FIELD_LABELS = {
    "id": "Response / ticket id",
    "date": "Date",
    "customer_id": "Customer id",
    "score": "Score",
    "score_scale": "Score scale",
    "channel": "Channel",
    "text": "Verbatim text",
    "step": "Journey step",
    "source": "Source",
}
NO_LINK = "(don't link)"


class ImportEvidence(Command):
    """Import a planned file as one batch; undo removes the batch."""

    def __init__(
        self,
        ctx: DocumentContext,
        plan: ImportPlan,
        links: dict[str, int | None],
        parent_widget: QWidget | None = None,
    ) -> None:
        super().__init__(f"Import evidence from '{plan.path.name}'")
        self.ctx, self.plan, self.links, self.parent_widget = ctx, plan, links, parent_widget
        self.result: ImportResult | None = None
        self.cancelled = False

    def do(self) -> None:
        total = max(len(self.plan.evidence), 1)
        dialog = QProgressDialog(
            f"Importing {self.plan.path.name}…", "Cancel", 0, total, self.parent_widget
        )
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)

        def progress(done: int, _total: int) -> None:
            dialog.setValue(done)
            QApplication.processEvents()

        try:
            self.result = run_import(
                self.ctx.project,
                self.plan,
                links=self.links,
                progress=progress,
                cancelled=dialog.wasCanceled,
            )
        except ImportCancelled:
            self.cancelled = True
            self.error = "The import was cancelled; nothing was imported."
            self.setObsolete(True)
        finally:
            dialog.close()

    def revert(self) -> None:
        assert self.result is not None
        self.ctx.project.evidence.remove_batch(self.result.batch.id)


class ImportWizard(QWizard):
    def __init__(self, ctx: DocumentContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = Path(path)
        self.options: dict[str, Any] = {"format": "auto", "delimiter": None, "encoding": None}
        self.overrides: dict[str, str] = {}
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.setWindowTitle(f"Import evidence — {self.path.name}")
        self.resize(1000, 700)
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.steps_page = StepsPage(self)
        self.summary_page = SummaryPage(self)
        for page in (self.file_page, self.columns_page, self.steps_page, self.summary_page):
            self.addPage(page)

    def replan(self) -> str | None:
        """Read the file again with the current options; return the refusal, if any."""
        try:
            self.plan = plan_import(
                self.ctx.project, self.path, overrides=self.overrides, **self.options
            )
        except ImportFailure as exc:
            self.plan = None
            return str(exc)
        return None

    def accept(self) -> None:
        assert self.plan is not None
        links, new_steps = self.steps_page.choices()
        stack = self.ctx.undo_stack
        stack.beginMacro(f"Import evidence from '{self.path.name}'")
        try:
            for value, group_id in new_steps.items():
                lane = [s for s in self.ctx.project.steps() if s.work_group_id == group_id]
                x = max((s.x for s in lane), default=MAP_LEFT - PITCH_X) + PITCH_X
                command = AddStep(self.ctx.project, group_id, value, x=x, y=ROW_TOP)
                if push(stack, command) is None:
                    links[value] = command.step_id
            command = ImportEvidence(self.ctx, self.plan, links, self)
            error = push(stack, command)
        finally:
            stack.endMacro()
        if error:
            if command.cancelled:
                stack.undo()  # also takes back steps made for this import
            QMessageBox.warning(self, "Import evidence", error)
            return
        self.result = command.result
        super().accept()


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("File and format")
        self.setSubTitle("Check that the columns and accented letters look right.")
        form = QFormLayout()
        self.format = QComboBox()
        self.format.addItems(["auto", "qualtrics", "surveymonkey", "zendesk", "generic"])
        self.delimiter = QComboBox()
        for label, value in (
            ("sniff", None),
            ("comma ,", ","),
            ("semicolon ;", ";"),
            ("tab", "\t"),
            ("pipe |", "|"),
        ):
            self.delimiter.addItem(label, value)
        self.encoding = QComboBox()
        for value in ("detect", "utf-8", "utf-16", "cp1252", "latin-1"):
            self.encoding.addItem(value, None if value == "detect" else value)
        for combo in (self.format, self.delimiter, self.encoding):
            combo.currentIndexChanged.connect(self.initializePage)
        form.addRow("Format", self.format)
        form.addRow("Delimiter", self.delimiter)
        form.addRow("Encoding", self.encoding)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.preview = QTableWidget()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.preview)

    def initializePage(self) -> None:
        self.w.options = {
            "format": self.format.currentText(),
            "delimiter": self.delimiter.currentData(),
            "encoding": self.encoding.currentData(),
        }
        error = self.w.replan()
        plan = self.w.plan
        if error or plan is None:
            self.message.setText(f"<span style='color:#c92a2a'>{error}</span>")
            self.preview.clear()
            self.preview.setRowCount(0)
        else:
            notes = [
                f"Recognised as <b>{plan.layout.format}</b>; {len(plan.evidence):,} items "
                "ready to import.",
                *plan.warnings,
            ]
            self.message.setText("<br>".join(notes))
            _fill(self.preview, plan.header, plan.preview(30))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.plan is not None


class ColumnsPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Columns")
        self.setSubTitle("Which column holds what. Text or a score is needed.")
        self.form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)

    def initializePage(self) -> None:
        plan = self.w.plan
        assert plan is not None
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos = {}
        for name in FIELDS:
            combo = QComboBox()
            combo.addItem("(none)", "-")
            for n, title in enumerate(plan.header):
                combo.addItem(title or f"Column {n + 1}", str(n + 1))
            index = plan.layout.mapping.get(name)
            combo.setCurrentIndex(0 if index is None else index + 1)
            combo.currentIndexChanged.connect(self._changed)
            self.combos[name] = combo
            self.form.addRow(FIELD_LABELS[name], combo)
        self._changed()

    def _changed(self) -> None:
        self.w.overrides = {name: c.currentData() for name, c in self.combos.items()}
        error = self.w.replan()
        plan = self.w.plan
        if error or plan is None:
            self.message.setText(f"<span style='color:#c92a2a'>{error}</span>")
        else:
            skipped = sum(plan.skipped.values())
            self.message.setText(
                f"{len(plan.evidence):,} items will be imported; {skipped} rows "
                "skipped (no text and no score)."
            )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.plan is not None


class StepsPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Steps")
        self.setSubTitle(
            "Confirm which step each value of the step column belongs to, or create the step."
        )
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Value in the file", "Rows", "Link to"])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table)

    def initializePage(self) -> None:
        plan = self.w.plan
        assert plan is not None
        matches = sorted(plan.step_matches.values(), key=lambda m: (m.exact, -m.rows, m.value))
        steps = sorted(self.w.ctx.project.steps(), key=lambda s: s.title.casefold())
        groups = self.w.ctx.project.work_groups()
        self.table.setRowCount(len(matches))
        self.note.setText(
            "No step column is mapped: evidence will not be linked (link it later "
            "by dragging it onto a card)."
            if not matches
            else ""
        )
        for row, match in enumerate(matches):
            self.table.setItem(row, 0, QTableWidgetItem(match.value))
            self.table.setItem(row, 1, QTableWidgetItem(str(match.rows)))
            combo = QComboBox()
            # Item data as plain strings ("new:3", "step:12"): Qt keeps them safely.
            combo.addItem(NO_LINK, "none:")
            for g in groups:
                combo.addItem(f"New step “{match.value}” in {g.name}", f"new:{g.id}")
            for s in steps:
                combo.addItem(s.title, f"step:{s.id}")
            if match.step_id is not None:
                combo.setCurrentIndex(combo.findData(f"step:{match.step_id}"))
            self.table.setCellWidget(row, 2, combo)

    def choices(self) -> tuple[dict[str, int | None], dict[str, int]]:
        links: dict[str, int | None] = {}
        new: dict[str, int] = {}
        for row in range(self.table.rowCount()):
            value = self.table.item(row, 0).text()
            kind, _, ident = str(self.table.cellWidget(row, 2).currentData()).partition(":")
            if kind == "new":
                new[value] = int(ident)
            else:
                links[value] = int(ident) if ident else None
        return links, new


class SummaryPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Summary")
        self.label = QLabel()
        self.label.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.label)

    def initializePage(self) -> None:
        plan = self.w.plan
        assert plan is not None
        links, new = self.w.steps_page.choices()
        linked_values = {v for v, s in links.items() if s is not None} | set(new)
        linked = sum(m.rows for v, m in plan.step_matches.items() if v in linked_values)
        skipped = ", ".join(f"{n} {why}" for why, n in plan.skipped.items()) or "none"
        self.label.setText(
            f"<p><b>{len(plan.evidence):,}</b> items from <b>{plan.path.name}</b> "
            f"({plan.layout.format}).</p><p>Linked to steps: <b>{linked:,}</b>. New steps: "
            f"{len(new)}. Skipped rows: {skipped}.</p><p>Finish imports them as one edit "
            "(Edit → Undo takes it back).</p>"
        )


def _fill(table: QTableWidget, header: list[str], rows: list[list[str]]) -> None:
    table.clear()
    table.setColumnCount(len(header))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels([h or f"Column {n + 1}" for n, h in enumerate(header)])
    for r, row in enumerate(rows):
        for c, value in enumerate(row[: len(header)]):
            table.setItem(r, c, QTableWidgetItem(value[:200].replace("\n", " ")))
