"""The process that reads an XLSX workbook for the importer, apart from the application.

    python -m cxmapper.exchange.xlsx_child --memory BYTES --cpu SECONDS --cells N < book.xlsx

Spreadsheet parsers fail on hostile workbooks in ways no ``except`` catches: calamine (Rust)
aborts the whole process when a sheet's extent or a shared-string count makes it reserve
hundreds of gigabytes, and a zip bomb keeps any parser busy for minutes while memory grows.
So the workbook is read here, in a fresh interpreter that limits its own address space and
processor time before it reads a byte; the parent (``cxmapper.exchange.xlsx``) sees at worst a
dead child, and refuses the file.

The workbook's bytes come on stdin (the parent has already read and checked them: the path is
never opened again, so it cannot be swapped for a pipe or a larger file meanwhile). Frames go
to stdout, each an 8-byte little-endian length and a ``marshal`` payload (marshal writes and
loads lists of strings faster than anything else Python has):

- ``("text", width, cells)``: the next rows of the first sheet, a few thousand at a time, so
  that the parent loads one while the next is made: their cells as text (``cell_text``), row
  after row, joined into one string by SEPARATOR (``width`` cells a row);
- ``("rows", rows)``: the same as lists, for the rare chunk whose text holds SEPARATOR;
- ``("reset",)``: calamine failed midway; the rows sent so far are void, and openpyxl's
  follow from the first;
- then one last frame: ``("end",)`` after the last rows; ``("cells", height, width)`` if the
  sheet spans more than ``--cells`` cells; ``("unreadable",)`` if neither calamine nor openpyxl
  can read it; ``("memory",)`` if a parser ran out of the memory allowed.

The rows sent form a grid: trailing empty rows dropped, every row as wide as the widest.
This module imports nothing of the application but itself, so that the child starts fast.
Nothing here is a sandbox against code run by a subverted parser, only a fence around
crashes, memory and time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import marshal
import os
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any, BinaryIO, NoReturn

try:  # POSIX only; on Windows the child runs without limits (the parent's timeout remains)
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

# The flag a desktop build's executable takes instead of ``-m`` (see cxmapper/__main__.py).
FLAG = "--xlsx-child"
CHUNK_ROWS = 8192  # rows a frame carries: ~0.8 MB for a five-column export
# What the cells of a "text" frame are joined by: the unit separator, which no export's text
# holds (a chunk whose cells do goes as a "rows" frame).
SEPARATOR = "\x1f"


def cell_text(value: object) -> str:
    """A cell as the importer reads it: numbers without a needless ".0", dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _limit(memory: int, cpu: int) -> None:
    """Cap this process's address space and processor time, and keep a crash from writing a
    core file of gigabytes. Limits can only be lowered, never raised past the hard limit the
    process already has."""
    if resource is None:  # pragma: no cover - Windows
        return

    def lower(which: int, soft: int, hard: int) -> None:
        _, current = resource.getrlimit(which)
        if current != resource.RLIM_INFINITY:
            soft, hard = min(soft, current), min(hard, current)
        # A system that refuses a limit (macOS will not cap the address space) still gets
        # the others, and the parent's wall-clock timeout.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (soft, hard))

    lower(resource.RLIMIT_AS, memory, memory)
    # SIGXCPU at the soft limit ends the process; the hard limit (SIGKILL) backs it up.
    lower(resource.RLIMIT_CPU, cpu, cpu + 5)
    lower(resource.RLIMIT_CORE, 0, 0)


def _chunks(rows: Iterable[Sequence[Any]], width: int) -> Iterator[tuple[Any, ...]]:
    """The frames of ``rows``, a grid ``width`` cells wide, as they come; the empty rows that
    end it are left out (held back until a row with a value follows them)."""
    pending = iter(rows)
    held: list[Sequence[Any]] = []
    while chunk := list(islice(pending, CHUNK_ROWS)):
        end = len(chunk)
        while end and _empty(chunk[end - 1]):
            end -= 1
        if end:
            ready = held + chunk[:end] if held else chunk[:end]
            for at in range(0, len(ready), CHUNK_ROWS):
                yield _frame(ready[at : at + CHUNK_ROWS], width)
            held = chunk[end:]
        else:
            held += chunk


def _frame(chunk: list[Sequence[Any]], width: int) -> tuple[Any, ...]:
    """``("text", width, cells)``: the chunk's cells as text, row after row, joined by
    SEPARATOR; ``("rows", rows)`` for a chunk whose text holds the separator itself."""
    if width:
        try:  # most sheets hold text alone: joined at C speed, and failing on the rest
            joined = SEPARATOR.join(chain.from_iterable(chunk))
        except TypeError:
            joined = SEPARATOR.join(_text(v) for r in chunk for v in r)
        # One string marshals and loads ten times faster than lists of short ones.
        if joined.count(SEPARATOR) == len(chunk) * width - 1:
            return ("text", width, joined)
    return ("rows", [[_text(v) for v in r] for r in chunk])


def _text(value: object) -> str:
    # Most cells are text already: tested inline rather than passed to cell_text.
    return value if type(value) is str else cell_text(value)


def _empty(row: Sequence[Any]) -> bool:
    try:  # text cells alone, as a rule: one C-speed test
        return not "".join(row).strip()
    except TypeError:
        return not any(cell_text(v).strip() for v in row)


def _calamine_rows(sheet: Any) -> Iterable[Sequence[Any]]:
    """The sheet's rows from its first row that holds a cell, as ``to_python`` gives them:
    one at a time when the sheet starts on its first row (as exports do), so that the first
    rows are sent while the rest are made. ``iter_rows`` would also make every empty row
    above a later start, each as wide as the sheet (for a sheet with one cell far down, more
    than the cell limit counts): such a sheet is read whole, as before."""
    if sheet.start and sheet.start[0] > 0:
        return sheet.to_python(skip_empty_area=True)  # type: ignore[no-any-return]
    return sheet.iter_rows()  # type: ignore[no-any-return]


def frames(data: bytes, max_cells: int) -> Iterator[tuple[Any, ...]]:
    """The frames for the workbook ``data``: calamine first (fast), openpyxl read-only if
    calamine cannot read it (after a ``("reset",)`` frame if it failed midway)."""
    try:
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        if sheet.height * sheet.width > max_cells:
            yield ("cells", sheet.height, sheet.width)
            return
        yield from _chunks(_calamine_rows(sheet), sheet.width)
        yield ("end",)
        return
    except MemoryError:
        yield ("memory",)
        return
    except Exception:  # calamine cannot read it: let openpyxl try, from the first row
        yield ("reset",)
    try:
        rows, height, width = _read_openpyxl(data, max_cells)
    except MemoryError:
        yield ("memory",)
        return
    except Exception:  # a damaged workbook fails in the zip, XML or openpyxl layers alike
        yield ("unreadable",)
        return
    if rows is None:
        yield ("cells", height, width)
        return
    # openpyxl, not knowing the sheet's size, may give short rows: a sheet is a grid.
    width = max(map(len, rows), default=0)
    rows = [(*r, *[None] * (width - len(r))) if len(r) < width else r for r in rows]
    yield from _chunks(rows, width)
    yield ("end",)


def _read_openpyxl(data: bytes, max_cells: int) -> tuple[list[Any] | None, int, int]:
    """The first sheet's rows as openpyxl reads them (None if it spans more than ``max_cells``
    cells), with its height and width."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        # A read-only sheet takes its extent from the sheet's own claim: checked before
        # iterating, as iter_rows walks every cell of it.
        height, width = sheet.max_row or 0, sheet.max_column or 0
        if height * width > max_cells:
            return None, height, width
        return list(sheet.iter_rows(values_only=True)), height, width
    finally:
        book.close()


def _send(out: BinaryIO, payload: tuple[Any, ...]) -> None:
    blob = marshal.dumps(payload)
    out.write(len(blob).to_bytes(8, "little"))
    out.write(blob)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    args = list(sys.argv[1:] if argv is None else argv)
    options = dict(zip(args[::2], map(int, args[1::2]), strict=True))
    _limit(options["--memory"], options["--cpu"])
    # Every object made here lives until the process ends: the collector would only rescan
    # them (a sixth of the read for 100,000 rows). Warnings would only fill stderr.
    gc.disable()
    warnings.simplefilter("ignore")
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        for payload in frames(data, options["--cells"]):
            _send(out, payload)
            out.flush()  # the parent loads this frame while the next one is made
    except MemoryError:
        _send(out, ("memory",))
    out.flush()
    # Everything is sent: end now, without the interpreter freeing every row one by one
    # first (30 ms for 100,000 rows, which the parent would wait for).
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
