"""Writing rows that never execute and never fail: user text is always a text cell.

openpyxl stores any str that starts with "=" as a formula, and the seven error literals
("#N/A", "#REF!", …) as error cells, in normal and write-only mode, unless the cell's data
type is set to "s" after its value. Other strings are already written as text cells (so
"+cmd|..." or "@SUM(...)" stay literal in a workbook).

XML 1.0 cannot hold most C0 control characters, lone surrogates or U+FFFE/U+FFFF, and an
imported verbatim may carry any of them: openpyxl refuses them (IllegalCharacterError) and
lxml fails at save time. Such characters are shown as U+FFFD rather than losing the cell.

Neither Excel nor LibreOffice sizes a row to its wrapped text when it opens a file, so a row
whose cells wrap gets an explicit height from an estimate of its lines (characters over the
column width, word by word, and line breaks), capped: the rest of a long text stays in the cell.
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
# Text on the small sheets starts a little in from the cell's left edge: a number in the cell
# before is aligned right, and the two would read as one ("1One owner…").
WRAP = Alignment(wrap_text=True, vertical="top", indent=1)
FLUSH_WRAP = Alignment(wrap_text=True, vertical="top")
HEADER = Alignment(wrap_text=True, vertical="top")
TEXT = Alignment(indent=1)
TEXT_TOP = Alignment(vertical="top", indent=1)
TOP = Alignment(vertical="top")
MAX_WIDTH = 60
# A line of Calibri 11 (openpyxl's default row height). Plain text fits about 1.3 characters
# per unit of column width (one unit is the width of a digit; LibreOffice without Calibri,
# 1.25); 1.2 keeps the estimate on the safe side. Bold header text fits fewer.
LINE_PT = 15.0
CHARS_PER_WIDTH = 1.2
HEADER_CHARS_PER_WIDTH = 1.0
MAX_LINES = 8  # a verbatim on the large sheets: eight lines, the rest in the cell
MAX_LAYOUT_LINES = 26  # a row of a small sheet: 390 pt, under Excel's 409 pt limit
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


def fast_row(ws: Any, values: list[Any]) -> list[Any]:
    """``values`` as they are, except the strings that need a guarded cell: the fast path for
    large sheets. One scan of the row's text, each string after a line break, tells a clean
    row (nearly every row) from one to look at string by string."""
    text = "\n" + "\n".join([v for v in values if v.__class__ is str])
    if _illegal(text) is None and "\n=" not in text and "\n#" not in text:  # _RISKY_START
        return values
    return [
        safe(ws, v)
        if v.__class__ is str and (v[:1] in _RISKY_START or _illegal(v) is not None)
        else v
        for v in values
    ]


def chars_per_line(width: float) -> int:
    """Characters of plain text that fit on one line of a column ``width`` characters wide."""
    return max(1, int(min(width, MAX_WIDTH) * CHARS_PER_WIDTH))


def word_lines(text: str, per_line: int) -> int:
    """Lines ``text`` takes when wrapped word by word at ``per_line`` characters: its own
    line breaks, and a word that does not fit carried to the next line."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split():
            if used and used + 1 + len(word) > per_line:
                lines += 1
                used = 0
            used = used + 1 + len(word) if used else len(word)
            while used > per_line:  # a word longer than the line breaks inside
                lines += 1
                used -= per_line
    return lines


def row_height(lines: int) -> float:
    """Points for a row of ``lines`` lines of text."""
    return lines * LINE_PT


def set_row_lines(ws: Any, row: int, lines: int) -> None:
    """Give sheet row ``row`` (1-based) the height of ``lines`` lines, if more than one; in
    write-only mode, before the row is appended."""
    if lines > 1:
        ws.row_dimensions[row].height = row_height(lines)


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
        self.per_line = [chars_per_line(width) for _t, width, _f in columns]
        if own_sheet:
            set_widths(ws, [width for _t, width, _f in columns])
            ws.freeze_panes = "A2"
            print_setup(ws, title_rows="1:1")

    def header(self) -> None:
        # The header cells carry the table's column names exactly: a mismatch, or a repeated
        # name, makes Excel "repair" the file. A name wider than its column wraps (a taller
        # header row) rather than being cut by the next header.
        cells = []
        lines = 1
        for name, (_title, width, _f) in zip(self.names, self.columns, strict=True):
            cell = safe(self.ws, name)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = HEADER
            per_line = int(min(width, MAX_WIDTH) * HEADER_CHARS_PER_WIDTH)
            lines = max(lines, word_lines(name, max(per_line, 1)))
            cells.append(cell)
        set_row_lines(self.ws, self.first_row, min(lines, MAX_LINES))
        self.ws.append(cells)

    def row(
        self,
        values: list[Any],
        *,
        wrap: tuple[int, ...] = (),
        links: dict[int, str] | None = None,
        max_lines: int = MAX_LAYOUT_LINES,
        padded: bool = True,
    ) -> None:
        """One row: the ``wrap`` columns wrap, and a row whose wrapped text takes several
        lines is as tall as the longest (up to ``max_lines``: the rest stays in the cell),
        with every cell at the top so that the row reads across. Text starts a little in
        from the left edge of its cell, clear of a number aligned right in the cell before,
        unless not ``padded`` (a tall row among the plain cells of a large sheet)."""
        lines = max(
            (word_lines(values[n], self.per_line[n]) for n in wrap if isinstance(values[n], str)),
            default=1,
        )
        tall = lines > 1
        wrapped, text = (WRAP, TEXT_TOP if tall else TEXT) if padded else (FLUSH_WRAP, TOP)
        out: list[Any] = []
        for n, value in enumerate(values):
            fmt = self.columns[n][2]
            target = links.get(n) if links else None
            if target is not None and not isinstance(value, str):
                value = "" if value is None else str(value)
            if isinstance(value, str):
                cell = safe(self.ws, value)
                if target is not None:  # set before append: write-only rows are final
                    # A link inside the workbook ("#'Sheet'!A5") is a location, not a target.
                    location = target[1:] if target.startswith("#") else None
                    cell.hyperlink = Hyperlink(ref="", location=location) if location else target
                    cell.style = "Hyperlink"  # a named style, which resets the alignment
                if n in wrap:
                    cell.alignment = wrapped
                elif tall or padded:
                    cell.alignment = text
            elif fmt is not None and isinstance(value, int | float):
                cell = safe(self.ws, value, fmt)
                if tall:
                    cell.alignment = TOP
            elif tall and value is not None:
                cell = WriteOnlyCell(self.ws, value=value)
                cell.alignment = TOP
            else:
                cell = value
            out.append(cell)
        if not tall:
            self.ws.append(out)
            self.rows += 1
            return
        # The height is read as the row is written, that is, as it is appended: the entry can
        # go at once (a large sheet would otherwise keep one per tall row).
        index = self.first_row + self.rows + 1
        set_row_lines(self.ws, index, min(lines, max_lines))
        self.ws.append(out)
        self.ws.row_dimensions.pop(index, None)
        self.rows += 1

    def fast(self, values: list[Any], wrap: tuple[int, ...] = ()) -> None:
        """One row of a large sheet, on one line: a long text is cut at the next column (or
        runs on past the last one), whole in the cell. Only a text of several lines in a
        ``wrap`` column makes the row a tall one (``row``, up to MAX_LINES), so that its lines
        do not print over the rows around it. Wrapping every text longer than its column
        would cost a tenth of the sheet's time; this costs a search for a line break."""
        for n in wrap:
            text = values[n]
            if text.__class__ is str and "\n" in text:
                self.row(values, wrap=wrap, max_lines=MAX_LINES, padded=False)
                return
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
