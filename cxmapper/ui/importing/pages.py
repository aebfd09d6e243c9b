"""The pages of File → Import Evidence…: file and format, columns and values, steps, summary.

The pages show and collect; the wizard (``wizard.ImportWizard``) reads, plans and
imports. Every page is drawn from the wizard's state by ``refresh``. The pages know the wizard
only as a :class:`WizardState`, so this module never imports the wizard that imports it.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from cxmapper.exchange.formats import FIELDS, FORMATS, Layout
from cxmapper.exchange.importer import ImportPlan, linked_items
from cxmapper.exchange.intake import FileTooLarge
from cxmapper.exchange.profile import LOW_CONFIDENCE
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.importing.jobs import Source, Worker
from cxmapper.ui.importing.words import COLUMNS_PAGE, FIELD_LABELS, said
from cxmapper.wording import counted

# The two columns of the mapping form: what most imports need first.
MAPPING_COLUMNS = (
    ("text", "score", "date", "customer_id", "step"),
    ("id", "channel", "score_scale", "source"),
)
DATE_ORDERS = (
    ("Automatic, from the dates in the file", "auto"),
    ("Day first: 03/04/2026 is 3 April", "dmy"),
    ("Month first: 03/04/2026 is March 4", "mdy"),
)
SCALES = (
    ("Automatic, from the export or the scores", ""),
    ("0 to 10 (NPS)", "0-10"),
    ("1 to 5", "1-5"),
    ("1 to 7", "1-7"),
    ("1 to 10", "1-10"),
    ("0 to 100", "0-100"),
    ("Good / bad (ticket satisfaction)", "good-bad"),
)
NO_LINK = "(don't link)"
RED, AMBER = "#c92a2a", "#8a5a00"
PREVIEW_SHOWN = 30  # rows of the file shown on the first page
STEPS_LISTED = 500  # step-column values the Steps page lists, each with a list of steps
MAX_COLUMN_WIDTH = 260
SAMPLES_SHOWN = 3  # values of a mapped column shown under its field
SAMPLE_CHARS = 24  # characters of each, the rest cut


def red(text: str) -> str:
    return f"<span style='color:{RED}'>{escape(text)}</span>"


def notes(warnings: list[str]) -> str:
    return "".join(f"<br><span style='color:{AMBER}'>⚠ {escape(w)}</span>" for w in warnings)


class WizardState(Protocol):
    """What the pages read from the wizard, and ask it to do: the wizard owns the file, the
    worker and the plans; a page only shows them and collects the user's choices."""

    @property
    def ctx(self) -> DocumentContext: ...
    @property
    def path(self) -> Path: ...
    @property
    def worker(self) -> Worker: ...
    @property
    def source(self) -> Source | None: ...
    @property
    def file_layout(self) -> Layout | None: ...
    @property
    def oversize(self) -> FileTooLarge | None: ...
    @property
    def file_error(self) -> str | None: ...
    @property
    def preview(self) -> ImportPlan | None: ...
    @property
    def mapping_error(self) -> str | None: ...
    @property
    def check_error(self) -> str | None: ...
    @property
    def plan(self) -> ImportPlan | None: ...
    @property
    def reading(self) -> bool: ...
    @property
    def checking(self) -> bool: ...
    @property
    def steps_page(self) -> StepsPage: ...

    def size_text(self) -> str: ...
    def data_rows(self) -> int: ...
    def read_file(self) -> None: ...
    def read_anyway(self) -> None: ...
    def detect_layout(self) -> None: ...
    def update_preview(self) -> None: ...
    def plan_is_current(self) -> bool: ...
    def check_whole_file(self) -> None: ...
    def cancel_job(self) -> None: ...


class BusyStrip(QWidget):
    """A busy bar with what is going on and a Cancel button, shown while a job runs."""

    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # the parse reports no steps: a busy bar
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(180)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self.cancelled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.hide()

    def start(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def stop(self) -> None:
        self.hide()


class FilePage(QWizardPage):
    def __init__(self, wizard: WizardState) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("File and format")
        self.setSubTitle("Check that the columns and accented letters look right.")
        self.format = QComboBox()
        self.format.addItems(["auto", *FORMATS])
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
        self.format.currentIndexChanged.connect(self._format_changed)
        self.delimiter.currentIndexChanged.connect(self._reading_changed)
        self.encoding.currentIndexChanged.connect(self._reading_changed)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Format", self.format)
        form.addRow("Delimiter", self.delimiter)
        form.addRow("Encoding", self.encoding)
        self.message = QLabel()
        self.message.setWordWrap(True)
        # Offered when the file is over the size limit: the message asks, this answers.
        self.anyway = QPushButton("Read it anyway")
        self.anyway.clicked.connect(self.w.read_anyway)
        self.anyway.hide()
        answer = QHBoxLayout()
        answer.addWidget(self.anyway)
        answer.addStretch(1)
        self.busy = BusyStrip()
        self.busy.cancelled.connect(self.w.cancel_job)
        self.preview = QTableWidget()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(answer)
        layout.addWidget(self.busy)
        layout.addWidget(self.preview, 1)

    def options(self) -> dict[str, Any]:
        return {
            "format": self.format.currentText(),
            "delimiter": self.delimiter.currentData(),
            "encoding": self.encoding.currentData(),
        }

    def initializePage(self) -> None:
        if self.w.source is None and not self.w.worker.busy:
            self.w.read_file()
        self.refresh()

    def _format_changed(self) -> None:
        self.w.detect_layout()
        self.refresh()

    def _reading_changed(self) -> None:
        self.w.read_file()

    def refresh(self) -> None:
        w, source, layout = self.w, self.w.source, self.w.file_layout
        if w.reading:
            self.busy.start(f"Reading {w.path.name} ({w.size_text()})…")
        else:
            self.busy.stop()
        self.anyway.setVisible(w.oversize is not None and not w.reading)
        if w.file_error:
            self.message.setText(red(w.file_error))
        elif w.reading or source is None or layout is None:
            self.message.setText("")
        else:
            rows = source.total - layout.data_start
            self.message.setText(
                f"Recognised as <b>{layout.format}</b>; {counted(rows, 'data row', grouped=True)}."
                + notes(source.warnings)
            )
        if source is None or layout is None or w.file_error:
            fill(self.preview, [], [])
        else:
            start = layout.data_start
            fill(self.preview, layout.header, source.rows[start : start + PREVIEW_SHOWN])
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.file_layout is not None and not self.w.file_error and not self.w.reading


class ColumnsPage(QWizardPage):
    def __init__(self, wizard: WizardState) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(COLUMNS_PAGE)
        self.setSubTitle(
            "Which column holds what (text or a score is needed), and how to read dates and "
            "scores. The preview shows the first rows as they will be imported."
        )
        self.combos: dict[str, QComboBox] = {}
        self.built_for: tuple[Any, ...] | None = None
        columns = QGroupBox("Columns")
        self.forms = (QFormLayout(), QFormLayout())
        row = QHBoxLayout(columns)
        for form in self.forms:
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            row.addLayout(form, 1)
        values = QGroupBox("Values")
        self.date_order = QComboBox()
        for label, value in DATE_ORDERS:
            self.date_order.addItem(label, value)
        self.scale = QComboBox()
        for label, value in SCALES:
            self.scale.addItem(label, value)
        self.date_order.currentIndexChanged.connect(self._changed)
        self.scale.currentIndexChanged.connect(self._changed)
        options = QFormLayout(values)
        options.addRow("Date order", self.date_order)
        options.addRow("Scores are on", self.scale)
        top = QHBoxLayout()
        top.addWidget(columns, 2)
        top.addWidget(values, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = BusyStrip()
        self.busy.cancelled.connect(self.w.cancel_job)
        self.preview = QTableWidget()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addWidget(self.preview, 1)

    def initializePage(self) -> None:
        layout = self.w.file_layout
        assert layout is not None
        # Back and Next again keep the user's choices, unless the file now reads differently.
        key = (layout.format, tuple(layout.header), tuple(sorted(layout.mapping.items())))
        if key != self.built_for:
            self._build(layout.header, layout.mapping)
            self.built_for = key
        self._show_guesses()
        self.w.update_preview()

    def _build(self, header: list[str], mapping: dict[str, int]) -> None:
        for form in self.forms:
            while form.rowCount():
                form.removeRow(0)
        self.combos = {}
        self.guesses: dict[str, QLabel] = {}
        for form, names in zip(self.forms, MAPPING_COLUMNS, strict=True):
            for name in names:
                combo = QComboBox()
                combo.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                combo.setMinimumContentsLength(16)
                combo.addItem("(none)", None)
                for n, title in enumerate(header):
                    combo.addItem(title or f"Column {n + 1}", n)
                index = mapping.get(name)
                combo.setCurrentIndex(0 if index is None else index + 1)
                combo.currentIndexChanged.connect(self._changed)
                self.combos[name] = combo
                # Under each column, how sure the guess is and a few of its values.
                guess = QLabel()
                guess.setWordWrap(True)
                guess.setTextFormat(Qt.TextFormat.RichText)
                self.guesses[name] = guess
                cell = QWidget()
                stack = QVBoxLayout(cell)
                stack.setContentsMargins(0, 0, 0, 0)
                stack.setSpacing(1)
                stack.addWidget(combo)
                stack.addWidget(guess)
                form.addRow(FIELD_LABELS[name], cell)
        assert set(self.combos) == set(FIELDS)

    def columns(self) -> dict[str, int | None]:
        return {name: combo.currentData() for name, combo in self.combos.items()}

    def _changed(self) -> None:
        if self.combos:
            self._show_guesses()
            self.w.update_preview()

    def _show_guesses(self) -> None:
        """Beside each field, the confidence of the column guessed for it (or that the user
        chose it) and a sample of the values of the column it is mapped to."""
        layout = self.w.file_layout
        if layout is None:
            return
        for name, combo in self.combos.items():
            self.guesses[name].setText(guess_note(layout, name, combo.currentData()))

    def refresh(self) -> None:
        w, plan = self.w, self.w.preview
        if w.checking:
            self.busy.start(f"Checking {every_row(w.data_rows())} of {w.path.name}…")
        else:
            self.busy.stop()
        if w.mapping_error:
            self.message.setText(red(w.mapping_error))
        elif plan is not None:
            shown = len(plan.evidence) + sum(plan.skipped.values())
            why = ", ".join(f"{n} {reason}" for reason, n in plan.skipped.items())
            note = f" (skipped: {why})" if why else ""
            self.message.setText(
                (red(w.check_error) + "<br>" if w.check_error else "")
                + ("The first row as it" if shown == 1 else f"The first {shown:,} rows as they")
                + f" will be imported{note}. {every_row(w.data_rows(), verb=True).capitalize()} "
                "checked when you press Next." + notes(said(plan.warnings))
            )
        fill_items(self.preview, plan if not w.mapping_error else None)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.preview is not None and not self.w.mapping_error and not self.w.checking

    def validatePage(self) -> bool:
        if self.w.plan_is_current():
            return True
        self.w.check_whole_file()  # goes on to the next page once the whole file is planned
        return False

    def cleanupPage(self) -> None:
        self.w.cancel_job()


def guess_note(layout: Layout, name: str, index: int | None) -> str:
    """What the Columns page says under field ``name`` mapped to column ``index``: the
    confidence of the guess (amber when low, asking to check it), or "your choice", then a
    few of the column's values."""
    if index is None:
        return ""
    if layout.mapping.get(name) == index:
        sure = layout.confidence.get(name, 1.0)
        said_sure = f"confidence {sure:.2f}"
        if sure < LOW_CONFIDENCE:
            said_sure = f"<span style='color:{AMBER}'>confidence {sure:.2f}: check it</span>"
    else:
        said_sure = "your choice"
    values = [
        v if len(v) <= SAMPLE_CHARS else v[: SAMPLE_CHARS - 1] + "…" for v in layout.sample(index)
    ]
    sample = ", ".join(f"“{escape(v)}”" for v in values[:SAMPLES_SHOWN])
    return f"<small>{said_sure}" + (f" · e.g. {sample}" if sample else " · no values") + "</small>"


ITEM_COLUMNS = (
    # (heading, index in the importer's value tuples, or "step" for the step value)
    ("Date", 3),
    ("Customer id", 4),
    ("Score", 5),
    ("Scale", 6),
    ("Journey step", "step"),
    ("Channel", 7),
    ("Id", 2),
    ("Source", 1),
    ("Verbatim text", 8),  # last: it takes the room left
)


class StepsPage(QWizardPage):
    def __init__(self, wizard: WizardState) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Steps")
        self.setSubTitle(
            "Confirm which step each value of the step column belongs to, or create the step."
        )
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Value in the file", "Rows", "Link to"])
        # The values and counts are the file's: shown, never edited (only "Link to" is chosen).
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table)

    def initializePage(self) -> None:
        plan = self.w.plan
        assert plan is not None
        matches = sorted(plan.step_matches.values(), key=lambda m: (m.exact, -m.rows, m.value))
        # A row holds a list of every step: listing 100,000 values (a comment column mapped
        # as steps) would take the window minutes. The values not listed keep their match.
        hidden = len(matches) - STEPS_LISTED
        del matches[STEPS_LISTED:]
        steps = sorted(self.w.ctx.project.steps(), key=lambda s: s.title.casefold())
        groups = self.w.ctx.project.work_groups()
        self.table.setRowCount(len(matches))
        if not matches:
            note = (
                "No step column is mapped: evidence will not be linked (link it later "
                "by dragging it onto a card)."
            )
        elif hidden > 0:
            note = (
                f"The {STEPS_LISTED:,} values to check first are listed (unmatched, on most "
                f"rows); the other {hidden:,} keep their match, or stay unlinked without one."
            )
        else:
            note = ""
        self.note.setText(note)
        self.note.setVisible(bool(note))
        for row, match in enumerate(matches):
            value = read_only(match.value)
            value.setData(VALUE_ROLE, match.value)  # what links by, whatever is shown
            self.table.setItem(row, 0, value)
            self.table.setItem(row, 1, read_only(f"{match.rows:,}"))
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
            item, combo = self.table.item(row, 0), self.table.cellWidget(row, 2)
            assert item is not None and isinstance(combo, QComboBox)
            value = str(item.data(VALUE_ROLE))
            kind, _, ident = str(combo.currentData()).partition(":")
            if kind == "new":
                new[value] = int(ident)
            else:
                links[value] = int(ident) if ident else None
        return links, new


class SummaryPage(QWizardPage):
    def __init__(self, wizard: WizardState) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Summary")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.error = QLabel()
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        plan = self.w.plan
        assert plan is not None
        links, new = self.w.steps_page.choices()
        # Counted as the import counts: a step to be made links like one that exists.
        linked = linked_items(plan, {**links, **{v: NEW_STEP for v in new}})
        skipped = ", ".join(f"{n:,} {why}" for why, n in plan.skipped.items()) or "none"
        warnings = "".join(
            f"<li style='color:{AMBER}'>{escape(w)}</li>"
            for w in dict.fromkeys(said(plan.warnings))
        )
        self.label.setText(
            f"<p><b>{len(plan.evidence):,}</b> {'item' if len(plan.evidence) == 1 else 'items'} "
            f"from <b>{escape(plan.path.name)}</b> "
            f"({plan.layout.format}).</p><p>Linked to steps: <b>{linked:,}</b>. New steps: "
            f"{len(new)}. Skipped rows: {skipped}.</p>"
            + (
                f"<p><b>Check before importing:</b></p><ul>{warnings}</ul><p>To read dates "
                f"or scores another way, go back to <i>{COLUMNS_PAGE}</i>.</p>"
                if warnings
                else ""
            )
            + "<p>Finish imports them as one edit (Edit → Undo takes it back).</p>"
        )
        self.error.setText("")

    def show_error(self, message: str) -> None:
        self.error.setText(red(message))

    def cleanupPage(self) -> None:
        self.error.setText("")


VALUE_ROLE = Qt.ItemDataRole.UserRole  # a step value's own text, on its Steps page cell
NEW_STEP = 0  # the step id the summary counts a step still to be made as


def read_only(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def fill(table: QTableWidget, header: list[str], rows: list[list[str]]) -> None:
    """Rows of text, one line each; columns as wide as their text (within reason), the last
    one taking the room left."""
    table.clear()
    table.setWordWrap(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setColumnCount(len(header))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels([h or f"Column {n + 1}" for n, h in enumerate(header)])
    for r, row in enumerate(rows):
        for c, value in enumerate(row[: len(header)]):
            table.setItem(r, c, QTableWidgetItem(value[:200].replace("\n", " ")))
    table.resizeColumnsToContents()
    for c in range(len(header)):
        table.setColumnWidth(c, min(table.columnWidth(c), MAX_COLUMN_WIDTH))


def every_row(n: int, verb: bool = False) -> str:
    """All the rows of a file: "all 1,204 rows", "the one row" (with ``verb``: "… are",
    "… is")."""
    if n == 1:
        return "the one row is" if verb else "the one row"
    return f"all {n:,} rows are" if verb else f"all {n:,} rows"


def fill_items(table: QTableWidget, plan: ImportPlan | None) -> None:
    """The preview's items as the importer made them: dates and scores as they will be
    stored."""
    if plan is None:
        fill(table, [], [])
        return
    rows = []
    for values, step in zip(plan.evidence, plan.step_values, strict=True):
        cells = [step if index == "step" else values[int(index)] for _, index in ITEM_COLUMNS]
        rows.append([_shown(value) for value in cells])
    fill(table, [title for title, _ in ITEM_COLUMNS], rows)


def _shown(value: object) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)
