"""Reading CSV and XLSX exports into rows of text, with the file's encoding and delimiter.

Any file is first opened as :mod:`intake` allows: a regular file within the size limit.
CSV: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode Text", tab-separated),
and cp1252 as a last resort (with a warning); the delimiter is sniffed among , ; tab | unless
given; quoted fields may hold newlines; a field may be up to FIELD_LIMIT characters.
XLSX: checked, then read in a separate, limited process (:mod:`xlsx`): python-calamine (fast),
openpyxl read-only as a fallback.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cxmapper.exchange import xlsx
from cxmapper.exchange.intake import DEFAULT_MAX_SIZE, read_limited
from cxmapper.exchange.intake import FileTooLarge as FileTooLarge
from cxmapper.exchange.intake import ImportFailure as ImportFailure

FIELD_LIMIT = 64 * 1024 * 1024  # characters in one field (verbatims can run to megabytes)
DELIMITERS = (",", ";", "\t", "|")
SNIFF_CHARS = 64 * 1024

csv.field_size_limit(FIELD_LIMIT)

# The line breaks str.splitlines() knows besides CR, LF and CR LF, the only ones a file read
# with newline="" (as csv wants it) breaks at.
_OTHER_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"


@dataclass
class Table:
    path: Path
    rows: list[list[str]]  # every row of the file, header rows included, as text
    encoding: str = "utf-8"
    delimiter: str = ","
    warnings: list[str] = field(default_factory=list)


def read_table(
    path: Path,
    delimiter: str | None = None,
    encoding: str | None = None,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    cancelled: Callable[[], bool] | None = None,
) -> Table:
    """The rows of the export at ``path``, or ImportFailure with one sentence. A file larger
    than ``max_size`` bytes is refused unread (FileTooLarge). ``cancelled()`` returning True
    stops the reading of a workbook (its reader process is killed)."""
    path = Path(path)
    data = read_limited(path, max_size)
    if not data or data.isspace():  # (isspace tests without copying a large file)
        raise ImportFailure(f"“{path.name}” is empty.")
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        sheet = xlsx.read_rows(path, data, max_size=max_size, cancelled=cancelled)
        if not sheet:
            raise ImportFailure(f"“{path.name}”: the first sheet is empty.")
        return Table(path, sheet, "xlsx", "", [])
    text, used, warnings = _decode(path, data, encoding)
    if delimiter is None:
        delimiter = sniff_delimiter(text)
    elif delimiter in ("\\t", "tab", "TAB"):
        delimiter = "\t"
    if len(delimiter) != 1:
        raise ImportFailure(f"“{path.name}”: the delimiter must be one character.")
    rows: list[list[str]] = []
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    try:
        rows.extend(reader)  # keeps the rows read before a malformed one, to number it
    except csv.Error as exc:
        raise ImportFailure(_malformed(path, text, delimiter, rows, exc)) from None
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFailure(f"“{path.name}” holds no rows.")
    return Table(path, rows, used, delimiter, warnings)


def _lines(text: str) -> Iterable[str]:
    """The lines of ``text`` with their ends, as a file read with newline="" gives them to
    csv: split at CR, LF and CR LF only. str.splitlines splits there too, faster than reading
    through a StringIO, which first copies the whole text at four bytes a character; a text
    holding a break only splitlines knows (a form feed, say) is still read through one."""
    if any(c in text for c in _OTHER_BREAKS):  # (a few passes at C speed)
        return io.StringIO(text, newline="")
    return text.splitlines(keepends=True)


def _malformed(path: Path, text: str, delimiter: str, rows: list[list[str]], exc: csv.Error) -> str:
    """The refusal of a malformed CSV, naming the record (the row, as in every other message,
    not the line: quoted fields may span lines) and, where it can be told, the column."""
    number = len(rows) + 1
    where = f"row {number}"
    # The bad record starts after the lines the good records took; read again up to it.
    lines = list(_lines(text))
    reader = csv.reader(lines, delimiter=delimiter)
    for _ in zip(range(len(rows)), reader, strict=False):
        pass
    column = _bad_field("".join(lines[reader.line_num :]), delimiter)
    if column is not None:
        header = rows[0] if rows else []
        name = header[column].strip() if column < len(header) else ""
        where += f", column “{name}”" if name else f", column {column + 1}"
    return f"“{path.name}” {where}: malformed CSV ({exc}); nothing was imported."


def _bad_field(record: str, delimiter: str) -> int | None:
    """The 0-based field of ``record`` (text from the start of a record csv refused) where a
    quoted field is never closed or its closing quote is followed by more text, or a field
    is longer than FIELD_LIMIT; None when it is none of these."""
    field, i, end = 0, 0, len(record)
    while i < end:
        if record[i] == '"':
            j = i + 1
            while (q := record.find('"', j)) >= 0 and record[q + 1 : q + 2] == '"':
                j = q + 2  # a doubled quote inside the field
            if q < 0 or q - i > FIELD_LIMIT:
                return field
            after = record[q + 1 : q + 2]
            if after not in (delimiter, "\r", "\n", ""):
                return field
            i = q + 1
        else:
            j = i
            while j < end and record[j] not in (delimiter, "\r", "\n"):
                j += 1
            if j - i > FIELD_LIMIT:
                return field
            i = j
        if i >= end or record[i] != delimiter:
            return None  # the record ended without a fault this scan can name
        field += 1
        i += 1
    return None


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str, list[str]]:
    if encoding:
        try:
            return data.decode(encoding), encoding, []
        except LookupError:
            raise ImportFailure(f"“{encoding}” is not an encoding this system knows.") from None
        except UnicodeDecodeError as exc:
            raise ImportFailure(
                f"“{path.name}” is not valid {encoding} (byte {exc.start}); try another --encoding."
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            raise ImportFailure(f"“{path.name}” is truncated or damaged UTF-16 text.") from None
    if b"\x00" in data[:4096]:
        raise ImportFailure(f"“{path.name}” is not a text export (it holds binary data).")
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        warning = (
            f"“{path.name}” is not UTF-8; it was read as Windows-1252, so check accented "
            "letters in the preview."
        )
        return data.decode("cp1252", errors="replace"), "cp1252", [warning]


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently (quotes respected)."""
    sample = text[:SNIFF_CHARS]
    best, best_score = ",", -1.0
    for candidate in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=candidate))[:20]
        except csv.Error:
            continue
        if len(rows) > 1 and len(sample) == SNIFF_CHARS:
            rows = rows[:-1]  # the last sampled row may be cut short
        widths = [len(r) for r in rows if r]
        if not widths or widths[0] < 2:
            continue  # a delimiter must split the header row
        common = max(set(widths), key=widths.count)
        score = widths.count(common) / len(widths) * min(common, 50)
        if score > best_score:
            best, best_score = candidate, score
    return best


def iter_data(rows: list[list[str]], start: int) -> Iterator[tuple[int, list[str]]]:
    """Data rows with their 1-based row numbers in the file."""
    for n in range(start, len(rows)):
        yield n + 1, rows[n]
