"""Writing rows that never execute and never fail: user text is always a text cell.

openpyxl stores any str that starts with "=" as a formula, and the seven error literals
("#N/A", "#REF!", …) as error cells, in normal and write-only mode, unless the cell's data
type is set to "s" after its value. Other strings are already written as text cells (so
"+cmd|..." or "@SUM(...)" stay literal in a workbook).

XML 1.0 cannot hold most C0 control characters, lone surrogates or U+FFFE/U+FFFF, and an
imported verbatim may carry any of them: openpyxl refuses them (IllegalCharacterError) and
lxml fails at save time. Such characters are shown as U+FFFD rather than losing the cell.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2F3A4F")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 60
MAX_COLUMN_NAME = 255  # Excel's limit for a table column name
REPLACEMENT = "\ufffd"

# openpyxl's own set, plus what lxml rejects later, when the file is saved.
ILLEGAL = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ud800-\udfff\ufffe\uffff]")
_illegal = ILLEGAL.search  # bound once: this runs for every string of the large sheets
# First characters of the strings openpyxl would not keep as text ("=…" formulas, "#N/A"…).
_RISKY_START = frozenset("=#")

Column = tuple[str, float, str | None]  # header, width in characters, number format


def clean_text(value: str) -> str:
    """``value`` with each character XML cannot hold replaced by U+FFFD."""
    return ILLEGAL.sub(REPLACEMENT, value) if _illegal(value) else value


def safe(ws: Any, value: Any, number_format: str | None = None) -> Any:
    """A write-only cell for ``value``; text is cleaned and forced to a text cell."""
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=clean_text(value))
        cell.data_type = "s"  # after the value: "=..." and "#N/A" stay text
        return cell
    if number_format is not None and value is not None:
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = number_format
        return cell
    return value


def fast_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """Plain values except the strings that need a guarded cell: the fast path for large
    sheets (one short slice and one regex scan per string)."""
    return [
        safe(ws, v)
        if v.__class__ is str and (v[:1] in _RISKY_START or _illegal(v) is not None)
        else v
        for v in values
    ]


def table_column_names(titles: Iterable[str]) -> list[str]:
    """Names an Excel table accepts for ``titles``: unique (case-insensitively, as Excel
    compares them), non-empty, on one line and at most 255 characters. A repeated name gets
    " (2)", " (3)", … so the header reads as the user named it."""
    names: list[str] = []
    taken: set[str] = set()
    for n, title in enumerate(titles, 1):
        # Line breaks in a column name are escaped differently by each application; a space
        # reads the same everywhere.
        base = " ".join(clean_text(title).split())[:MAX_COLUMN_NAME] or f"Column {n}"
        name, copy = base, 1
        while name.casefold() in taken:
            copy += 1
            suffix = f" ({copy})"
            name = base[: MAX_COLUMN_NAME - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def print_setup(ws: Any, *, title_rows: str | None = None) -> None:
    """Landscape, one page wide and as many pages tall as needed; ``title_rows`` ("1:1")
    repeat on every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


def set_widths(ws: Any, widths: Sequence[float]) -> None:
    """Column widths in characters (capped); in write-only mode, before the first row."""
    for n, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(n)].width = min(width, MAX_WIDTH)


class SheetWriter:
    """Appends a header and rows to a write-only sheet and finishes them as an Excel table
    with filters and number formats.

    A list sheet (``own_sheet``, the table from row 1) also gets its column widths, a frozen
    header and print setup with the header repeated on each page. A sheet holding more than
    one table is laid out by its caller, who appends the ``first_row - 1`` rows above each.
    """

    def __init__(
        self,
        ws: Any,
        columns: Sequence[Column],
        table: str,
        *,
        first_row: int = 1,
        own_sheet: bool = True,
    ) -> None:
        self.ws = ws
        self.columns = list(columns)
        self.names = table_column_names(title for title, _w, _f in columns)
        self.table = table
        self.first_row = first_row
        self.rows = 0
        self.last_row = first_row  # the table's last row, once finished
        if own_sheet:
            set_widths(ws, [width for _t, width, _f in columns])
            ws.freeze_panes = "A2"
            print_setup(ws, title_rows="1:1")

    def header(self) -> None:
        # The header cells carry the table's column names exactly: a mismatch, or a repeated
        # name, makes Excel "repair" the file.
        cells = []
        for name in self.names:
            cell = safe(self.ws, name)
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
        if self.rows == 0:
            self.ws.append([None] * len(self.columns))  # a table needs one data row
        self.last_row = self.first_row + max(self.rows, 1)
        table = Table(displayName=self.table, ref=f"A{self.first_row}:{last}{self.last_row}")
        # Write-only sheets cannot be read back, so name the columns as the header cells say.
        table.tableColumns = [TableColumn(id=n, name=name) for n, name in enumerate(self.names, 1)]
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        with warnings.catch_warnings():
            # openpyxl warns in write-only mode even when the columns are given, as here.
            warnings.simplefilter("ignore", UserWarning)
            self.ws.add_table(table)
