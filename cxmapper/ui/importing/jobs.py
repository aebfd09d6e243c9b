"""The import wizard's work off the UI thread, and its quick preview on it.

The file is parsed on a worker thread, twice at most: once when the wizard opens (or the
delimiter or encoding changes), keeping only its first rows for the preview, and once when
the mapping is finished, by ``plan_import`` over the whole file. A mapping change re-plans only
those first rows. The worker never holds the project: its SQLite connection belongs to the UI
thread, where the rows already imported are looked up (``drop_imported``) and the database
write (``run_import``) happens, in one transaction. Refusals reach the pages in the wizard's
words (``words.explain``).
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QObject

from cxmapper.exchange.importer import (
    PREVIEW_ROWS,
    AdvisedFailure,
    ImportPlan,
    notice_of,
    plan_import,
)
from cxmapper.exchange.profile import SAMPLE_ROWS
from cxmapper.exchange.tabular import FileTooLarge, ImportFailure, read_table
from cxmapper.exchange.values import date_like, slashed_order
from cxmapper.model.entities import Step
from cxmapper.model.project import Project
from cxmapper.ui.document.workers import Relay, disconnect
from cxmapper.ui.document.workers import start as start_thread
from cxmapper.ui.importing.words import explain
from cxmapper.wording import counted

HEADER_ROWS = 3  # the most header rows a recognised export has (Qualtrics)
Cancelled = Callable[[], bool]  # True once the job's result is no longer wanted


@dataclass
class Source:
    """What the wizard keeps of a read file: its first rows, how many there are, and how it
    was read."""

    rows: list[list[str]]  # the header rows and the data rows the importer profiles
    total: int  # rows in the whole file, header rows included
    encoding: str
    delimiter: str
    warnings: list[str] = field(default_factory=list)
    # Column -> the day/month order ("dmy" or "mdy") the dates of the whole column decide,
    # for the preview of the first rows: their dates alone may not decide it.
    date_orders: dict[int, str] = field(default_factory=dict)


def whole_column_orders(rows: list[list[str]], head: list[list[str]]) -> dict[int, str]:
    """The day/month order each column of slashed dates decides over all ``rows``, for the
    columns whose first rows (``head``) hold such dates."""
    width = max(map(len, head), default=0)
    dated = [i for i in range(width) if any(i < len(r) and date_like(r[i]) for r in head)]
    orders: dict[int, str] = {}
    for i in dated:
        order = slashed_order({r[i] for r in rows if i < len(r)}).order
        if order:
            orders[i] = order
    return orders


def read_head(
    path: Path,
    delimiter: str | None,
    encoding: str | None,
    *,
    max_size: int,
    cancelled: Cancelled | None = None,
) -> Source | FileTooLarge:
    """Read and check the whole file (on a worker thread); keep its first rows. A file over
    ``max_size`` bytes is not read: its refusal is returned, for the wizard to offer to read
    it anyway."""
    try:
        table = read_table(path, delimiter, encoding, max_size=max_size, cancelled=cancelled)
    except FileTooLarge as exc:
        return exc
    # As many rows as the importer profiles, so that the wizard guesses the columns from
    # what the command line guesses them from.
    head = table.rows[: HEADER_ROWS + max(PREVIEW_ROWS, SAMPLE_ROWS)]
    orders = whole_column_orders(table.rows, head[: HEADER_ROWS + PREVIEW_ROWS])
    warnings = [*table.warnings, *ragged(table.rows, table.delimiter)]
    return Source(head, len(table.rows), table.encoding, table.delimiter, warnings, orders)


def ragged(rows: list[list[str]], delimiter: str) -> list[str]:
    """Said on the first page, before any column is guessed: the first row with more or
    fewer fields than the first row, which the import would refuse (a file a spreadsheet
    broke, with its lines quoted whole, or fields split by another character)."""
    width = len(rows[0]) if rows else 0
    widths = map(len, rows)
    bad = next((n for n, w in enumerate(widths) if w != width and any(rows[n])), None)
    if bad is None:
        return []
    sep = {"\t": "a tab", ",": "a comma", ";": "a semicolon"}.get(delimiter, f"“{delimiter}”")
    return [
        f"Row {bad + 1} has {counted(len(rows[bad]), 'field')} but the first row has "
        f"{width}: the file is damaged, or its fields are not separated by {sep}; it cannot "
        "be imported as it is."
    ]


def preview_plan(
    project: Project, path: Path, rows: list[list[str]], folder: Path, **options: Any
) -> ImportPlan:
    """``plan_import`` over the first ``rows`` only, for the preview of a mapping: the
    importer's own rules and messages, in milliseconds, without reading the file again.

    The rows go through a small UTF-8 copy in ``folder`` named like the file, so that the
    importer's messages name the user's file; its row numbers are the file's (same rows).
    Rows already imported are not looked for: whether they are is known of the whole file
    only, once it is planned."""
    xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    copy = folder / (f"{path.stem}.csv" if xlsx else path.name)
    with copy.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    try:
        plan = plan_import(
            project, copy, delimiter=",", encoding="utf-8", check_imported=False, **options
        )
    except ImportFailure as exc:
        raise AdvisedFailure(notice_of(exc).renamed(copy.name, path.name)) from None
    plan.warnings = [w.renamed(copy.name, path.name) for w in plan.warnings]
    return plan


class _StepsOnly:
    """The part of a project ``plan_import`` reads (its steps, to match the step column),
    copied on the UI thread, so that the worker never touches the live project."""

    def __init__(self, steps: list[Step]) -> None:
        self._steps = steps

    def steps(self) -> list[Step]:
        return list(self._steps)


def full_plan(steps: list[Step], path: Path, **options: Any) -> ImportPlan:
    """``plan_import`` over the whole file (on a worker thread), without looking for the
    rows already imported: the wizard does, on the UI thread (``drop_imported``). ``options``
    may hold ``cancelled`` and ``max_size``, as plan_import takes them."""
    project = cast(Project, _StepsOnly(steps))
    return plan_import(project, path, check_imported=False, **options)


class Worker(QObject):
    """Runs one job at a time on a Python thread and reports on the UI thread: to ``done``
    with the job's value, or to ``failed`` with the importer's one-sentence refusal.

    A job is called with a ``cancelled()`` function that turns True once its result is no
    longer wanted. ``cancel`` forgets the job in flight, as does a newer ``start``: what it
    returns is dropped. A workbook's reading process is killed at once (the importer asks
    ``cancelled``); a CSV parse cannot be interrupted, so its thread runs to the end."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticket = 0
        self._callbacks: tuple[Callable[[Any], None], Callable[[str], None]] | None = None
        self._stop: threading.Event | None = None  # set to cancel the job in flight
        self._job: Relay | None = None  # brings the answer of the job in flight

    @property
    def busy(self) -> bool:
        return self._callbacks is not None

    def start(
        self,
        job: Callable[[Cancelled], Any],
        done: Callable[[Any], None],
        failed: Callable[[str], None],
    ) -> None:
        self._halt()
        self._ticket += 1
        ticket = self._ticket
        self._callbacks = (done, failed)
        stop = self._stop = threading.Event()

        def run() -> tuple[int, Any, str | None]:
            value: Any = None
            error: str | None = None
            try:
                value = job(stop.is_set)
            except ImportFailure as exc:
                error = explain(exc)
            except MemoryError:
                error = "The file is too large to import on this computer; nothing was imported."
            except Exception as exc:  # a bug or an odd file: say so rather than wait forever
                error = f"The file could not be read ({type(exc).__name__}: {exc})."
            return ticket, value, error

        self._job = start_thread("cxmapper-import", run, self._report)

    def cancel(self) -> None:
        self._halt()
        self._ticket += 1
        self._callbacks = None

    def _halt(self) -> None:
        if self._stop is not None:
            self._stop.set()
            self._stop = None
        disconnect(self._job, self._report)  # what the old job finds is not wanted
        self._job = None

    def _report(self, outcome: tuple[int, Any, str | None]) -> None:
        ticket, value, error = outcome
        if ticket != self._ticket or self._callbacks is None:
            return  # cancelled, or replaced by a newer job
        done, failed = self._callbacks
        self._callbacks, self._job = None, None
        if error is None:
            done(value)
        else:
            failed(error)
