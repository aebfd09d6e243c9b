"""Writing rows that never execute: user text is always a text cell.

openpyxl stores any str that starts with "=" as a formula, in normal and write-only mode,
unless the cell's data type is set to "s" after its value. Other strings are already written
as text cells (so "+cmd|..." or "@SUM(...)" stay literal in a workbook).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2F3A4F")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 60


def safe(ws: Any, value: Any, number_format: str | None = None) -> Any:
    """A write-only cell for ``value``; text is forced to a text cell."""
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # after the value: "=..." stays text, never a formula
        return cell
    if number_format is not None and value is not None:
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = number_format
        return cell
    return value


def needs_guard(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def fast_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """Plain values except strings starting with "=" (the only ones openpyxl would turn into
    formulas): the fast path for large sheets."""
    return [safe(ws, v) if needs_guard(v) else v for v in values]


class SheetWriter:
    """Appends a header and rows to a write-only sheet and finishes it as an Excel table with
    a frozen header, filters, column widths, number formats and print setup."""

    def __init__(self, ws: Any, columns: list[tuple[str, float, str | None]], table: str) -> None:
        self.ws = ws
        self.columns = columns
        self.table = table
        self.rows = 0
        ws.freeze_panes = "A2"
        for n, (_title, width, _fmt) in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(n)].width = min(width, MAX_WIDTH)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"

    def header(self) -> None:
        cells = []
        for title, _w, _f in self.columns:
            cell = safe(self.ws, title)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cells.append(cell)
        self.ws.append(cells)

    def row(
        self, values: list[Any], *, wrap: tuple[int, ...] = (), links: dict[int, str] | None = None
    ) -> None:
        out = []
        for n, value in enumerate(values):
            fmt = self.columns[n][2]
            if n in wrap and isinstance(value, str):
                cell = safe(self.ws, value)
                cell.alignment = WRAP
                out.append(cell)
            elif fmt is not None and isinstance(value, int | float):
                out.append(safe(self.ws, value, fmt))
            elif isinstance(value, str):
                out.append(safe(self.ws, value))
            else:
                out.append(value)
        for n, target in (links or {}).items():
            if not hasattr(out[n], "hyperlink"):
                out[n] = safe(self.ws, str(out[n] if out[n] is not None else ""))
            # A link inside the workbook ("#'Sheet'!A5") is a location, not an external target.
            location = target[1:] if target.startswith("#") else None
            out[n].hyperlink = (
                Hyperlink(ref="", location=location) if location else target
            )  # set before append: write-only rows are final
            out[n].style = "Hyperlink"
        self.ws.append(out)
        self.rows += 1

    def fast(self, values: list[Any]) -> None:
        self.ws.append(fast_row(self.ws, values))
        self.rows += 1

    def finish(self) -> None:
        last = get_column_letter(len(self.columns))
        end = max(self.rows + 1, 2)
        if self.rows == 0:
            self.ws.append([None] * len(self.columns))  # a table needs one data row
        table = Table(displayName=self.table, ref=f"A1:{last}{end}")
        # Write-only sheets cannot be read back, so name the columns as the header cells say
        # (a mismatch makes Excel "repair" the file).
        table.tableColumns = [
            TableColumn(id=n, name=title) for n, (title, _w, _f) in enumerate(self.columns, 1)
        ]
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        with warnings.catch_warnings():
            # openpyxl warns in write-only mode even when the columns are given, as here.
            warnings.simplefilter("ignore", UserWarning)
            self.ws.add_table(table)
