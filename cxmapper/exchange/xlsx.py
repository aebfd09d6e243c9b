"""Reading an XLSX export without letting it take the application down.

A workbook is a zip package of XML parts, and a hostile one can be made to exhaust whatever
reads it: a 1.6 kB file whose cells sit at A1 and XFD1048576 (or whose shared-string table
claims four billion entries) makes calamine reserve hundreds of gigabytes and abort the whole
process; a few megabytes of zip can unpack to many gigabytes. So a workbook is read in two
steps:

1. :func:`check_package` looks at the package here, cheaply, with ``zipfile``: how many parts
   it holds, how large they say they unpack (each and in all), how tightly they are packed
   (a zip bomb packs hundreds of times tighter than any real sheet), how many cells the first
   sheet's ``<dimension>`` claims and how many texts the shared-string table claims, reading no
   more than the first kilobytes of those parts. Each refusal is one sentence.
2. :func:`read_rows` has the parsers read it in a child process (``xlsx_child``) that limits
   its own memory and processor time; this process waits with a timeout, kills the child when
   the caller cancels, and turns a dead child into a refusal. The child is a fresh interpreter
   (``subprocess``, never ``fork``: the window's process has threads).

The parts' declared sizes can lie, but not to the readers: zipfile and calamine's zip reader
both stop a part at its declared size. Whatever the checks miss, the child's limits contain.
"""

from __future__ import annotations

import contextlib
import gc
import io
import marshal
import os
import posixpath
import re
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cxmapper.exchange.intake import DEFAULT_MAX_SIZE, MB, ImportFailure, size_text
from cxmapper.exchange.xlsx_child import FLAG, SEPARATOR

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a legacy .xls (calamine reads those too)
RATIO_FLOOR = 10 * MB  # parts smaller than this may pack as tightly as they like
HEAD = 16 * 1024  # bytes read from the start of a part to find its claims
POLL_SECONDS = 0.1  # how often a wait for the child looks at cancel and the clock
CHILD_MODULE = "cxmapper.exchange.xlsx_child"


@dataclass(frozen=True)
class Limits:
    """What an import reads of a workbook. The defaults fit exports of a few million cells;
    :meth:`for_size` raises the size, cell, memory and time limits with the file size limit."""

    parts: int = 10_000  # files in the package (a workbook holds a few dozen)
    part_size: int = 1000 * MB  # what one part may unpack to
    expanded: int = 2000 * MB  # what all parts may unpack to
    ratio: int = 200  # unpacked ÷ packed for a part over RATIO_FLOOR (real sheets: 5 to 30)
    cells: int = 20_000_000  # rows × columns of the first sheet
    memory: int = 4000 * MB  # the reading process's address space
    cpu_seconds: int = 120  # the reading process's processor time
    seconds: float = 180.0  # the wait for the reading process

    @classmethod
    def for_size(cls, max_size: int) -> Limits:
        scale = max(1.0, max_size / DEFAULT_MAX_SIZE)
        base = cls()
        return replace(
            base,
            part_size=int(base.part_size * scale),
            expanded=int(base.expanded * scale),
            cells=int(base.cells * scale),
            memory=int(base.memory * scale),
            cpu_seconds=int(base.cpu_seconds * scale),
            seconds=base.seconds * scale,
        )


def read_rows(
    path: Path,
    data: bytes,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    cancelled: Callable[[], bool] | None = None,
    limits: Limits | None = None,
) -> list[list[str]]:
    """The first sheet of the workbook ``data`` (read from ``path``) as rows of text, or
    ImportFailure with one sentence."""
    limits = limits or Limits.for_size(max_size)
    name = Path(path).name
    check_package(name, data, limits)
    return _run_child(name, data, limits, cancelled)


# --- 1. the package, checked here --------------------------------------------------------------


def _unreadable(name: str) -> ImportFailure:
    return ImportFailure(f"“{name}” is not a readable Excel workbook (damaged or truncated).")


def count_text(n: int) -> str:
    """A count in words: 17 billion, 20 million, 4,096."""
    if n >= 10**9:
        return f"{n / 1e9:,.0f} billion"
    if n >= 10**6:
        return f"{n / 1e6:,.0f} million"
    return f"{n:,}"


def _directory(data: bytes) -> tuple[int, int] | None:
    """The entry count and byte size of the package's central directory, from its end record
    (zip64 too), or None without one. Read before ``zipfile`` builds an object per entry: a
    500 MB file could hold ten million entries."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if end < 0 or end + 22 > len(data):
        return None
    entries, size = struct.unpack_from("<HI", data, end + 10)
    locator = end - 20
    zip64 = locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07"
    if zip64 and (entries == 0xFFFF or size == 0xFFFFFFFF):
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if data[offset : offset + 4] == b"PK\x06\x06" and offset + 56 <= len(data):
            entries, size = struct.unpack_from("<QQ", data, offset + 32)
    return entries, size


def check_package(name: str, data: bytes, limits: Limits) -> None:
    """Refuse (ImportFailure, one sentence) a workbook package that is not a zip, or whose
    structure or claims exceed ``limits``; never unpacks more than a few kilobytes."""
    if data.startswith(OLE2):
        return  # a legacy .xls: no zip to look at; the child's limits alone contain it
    directory = _directory(data)
    if directory is None:
        raise _unreadable(name)
    entries, size = directory
    if entries > limits.parts:
        raise ImportFailure(
            f"“{name}” holds {entries:,} files inside, more than the {limits.parts:,} a "
            "workbook may have; it is damaged or not a real workbook, so it was not read."
        )
    if size > limits.parts * 1024:  # a kilobyte a file is far more than names ever take
        raise ImportFailure(
            f"“{name}” has a table of contents of {size_text(size)}, far more than a workbook "
            "needs; it is damaged or not a real workbook, so it was not read."
        )
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # any failure of this untrusted parse means a damaged package
        raise _unreadable(name) from None
    with package:
        parts = package.infolist()
        if len(parts) > limits.parts:
            raise ImportFailure(
                f"“{name}” holds {len(parts):,} files inside, more than the {limits.parts:,} "
                "a workbook may have; it is damaged or not a real workbook, so it was not read."
            )
        _check_sizes(name, parts, limits)
        _check_claims(name, package, parts, limits)


def _check_sizes(name: str, parts: list[zipfile.ZipInfo], limits: Limits) -> None:
    for part in parts:
        packed = max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR and part.file_size > limits.ratio * packed:
            raise ImportFailure(
                f"“{name}” would unpack {size_text(packed)} into {size_text(part.file_size)} "
                f"({part.file_size / packed:,.0f} times as much, which no real workbook "
                "does): it looks built to exhaust the computer, so it was not read."
            )
    largest = max(parts, key=lambda p: p.file_size, default=None)
    total = sum(p.file_size for p in parts)
    advice = "save its first sheet as CSV and import that instead"
    if largest is not None and largest.file_size > limits.part_size:
        raise ImportFailure(
            f"“{name}” holds a part that unpacks to {size_text(largest.file_size)}, more than "
            f"the {size_text(limits.part_size)} an import reads; {advice}."
        )
    if total > limits.expanded:
        raise ImportFailure(
            f"“{name}” unpacks to {size_text(total)}, more than the "
            f"{size_text(limits.expanded)} an import reads; {advice}."
        )


# The claims, found by pattern in the first kilobytes of a part (a full XML parse of an
# untrusted part is what the child is for). Any namespace prefix; either quote.
_ATTRS = rb"((?:\s+[\w:.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)"
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b" + _ATTRS)
_RELATION = re.compile(rb"<(?:[\w.-]+:)?Relationship\b" + _ATTRS)
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b" + _ATTRS)
_SST = re.compile(rb"<(?:[\w.-]+:)?sst\b" + _ATTRS)
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


def _attrs(found: re.Match[bytes] | None) -> dict[str, str]:
    """A tag's attributes by local name (``r:id`` as ``id``)."""
    if found is None:
        return {}
    pairs = _ATTR.findall(found.group(1))
    return {
        k.decode("ascii", "replace").rpartition(":")[2]: (a or b).decode("utf-8", "replace")
        for k, a, b in pairs
    }


def _head(package: zipfile.ZipFile, part: zipfile.ZipInfo, size: int = HEAD) -> bytes:
    """The first ``size`` bytes of a part, unpacked (only as much as that needs), or b"" if
    zipfile cannot unpack it (the child's reader may; its limits then contain it)."""
    try:
        with package.open(part) as stream:
            return stream.read(size)
    except Exception:
        return b""


def _first_sheet(package: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> str | None:
    """The part of the workbook's first sheet, as the readers find it: the first <sheet> of
    xl/workbook.xml, through its relationship in xl/_rels/workbook.xml.rels."""
    book, rels = by_name.get("xl/workbook.xml"), by_name.get("xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        return None
    rel_id = _attrs(_SHEET.search(_head(package, book, 256 * 1024))).get("id")
    for found in _RELATION.finditer(_head(package, rels, 256 * 1024)):
        attrs = _attrs(found)
        if attrs.get("Id") == rel_id:
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return posixpath.normpath(path).lower()
    return None


def _check_claims(
    name: str, package: zipfile.ZipFile, parts: list[zipfile.ZipInfo], limits: Limits
) -> None:
    by_name = {p.filename.lower(): p for p in parts}  # the readers match names so
    sst = by_name.get("xl/sharedstrings.xml")
    if sst is not None:
        claims = _attrs(_SST.search(_head(package, sst, 4096)))
        # An entry needs at least "<si/>" (5 bytes) in the table; a text cell at least
        # '<c t="s"><v>0</v></c>' (about 20 bytes) somewhere in the package.
        for key, room, what in (
            ("uniqueCount", sst.file_size // 5, "different texts"),
            ("count", sum(p.file_size for p in parts) // 16, "text cells"),
        ):
            claim = claims.get(key, "")
            if claim.isdigit() and int(claim) > room:
                raise ImportFailure(
                    f"“{name}” claims {int(claim):,} {what} but has room for at most "
                    f"{room:,}: it is damaged or forged, so it was not read."
                )
    sheet_name = _first_sheet(package, by_name)
    sheet = by_name.get(sheet_name or "")
    if sheet is None:  # unresolved: the first worksheet part by name, as a stand-in
        sheets = sorted(n for n in by_name if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n))
        sheet = by_name[sheets[0]] if sheets else None
    if sheet is None:
        return
    ref = _attrs(_DIMENSION.search(_head(package, sheet))).get("ref", "")
    cells = _cells(ref)
    if cells > limits.cells:
        raise ImportFailure(
            f"“{name}” claims a sheet of {count_text(cells)} cells ({ref}), more than the "
            f"{count_text(limits.cells)} an import reads; to import it, save the sheet as CSV "
            "in a spreadsheet program and import that."
        )


def _column(letters: str) -> int:
    n = 0
    for c in letters.upper():
        n = n * 26 + ord(c) - 64
    return n


def _cells(ref: str) -> int:
    """The cells a range such as "A1:XFD1048576" spans (0 if it is not one)."""
    corners = [_CELL.fullmatch(c.strip()) for c in ref.split(":")]
    if not 1 <= len(corners) <= 2 or not all(corners):
        return 0
    cols = [_column(m.group(1)) for m in corners if m]
    rows = [int(m.group(2)) for m in corners if m]
    return (max(cols) - min(cols) + 1) * (max(rows) - min(rows) + 1)


# --- 2. the parse, in a child process ---------------------------------------------------------


def child_command() -> list[str]:
    """The command that runs ``xlsx_child``. A desktop build's executable is no Python to
    take ``-m``: it runs the child when given FLAG. ``-P`` keeps the current folder (which may
    hold anything) off the child's module path."""
    if getattr(sys, "frozen", False):
        return [sys.executable, FLAG]
    return [sys.executable, "-P", "-m", CHILD_MODULE]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The package's own folder first, so the child imports this very cxmapper.
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env["RUST_BACKTRACE"] = "0"  # an abort's one-line message is all that is read
    return env


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} minutes" if seconds >= 120 else f"{seconds:g} seconds"


class _Child:
    """One run of the reading process: feeds it the workbook, reads its frames, and kills it
    when the caller cancels or the time is up (a watchdog thread, as reading blocks)."""

    def __init__(self, command: list[str], limits: Limits) -> None:
        self.limits = limits
        self.verdict: str | None = None  # "cancelled" or "timeout" once the watchdog killed it
        self.errors = b""  # the end of what the child wrote to stderr
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_child_env(),
        )
        self._done = threading.Event()

    def watch(self, cancelled: Callable[[], bool] | None) -> None:
        deadline = time.monotonic() + self.limits.seconds
        while not self._done.wait(POLL_SECONDS):
            if cancelled is not None and cancelled():
                self.verdict = "cancelled"
            elif time.monotonic() > deadline:
                self.verdict = "timeout"
            else:
                continue
            self.process.kill()  # its pipes close: the reads below end
            return

    def drain_errors(self) -> None:
        assert self.process.stderr is not None
        while chunk := self.process.stderr.read(65536):
            self.errors = (self.errors + chunk)[-65536:]  # an abort's message is at the end

    def feed(self, data: bytes) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        # A child that dies (or is killed) before reading it all breaks the pipe: its end
        # tells why. Closed even then, so that nothing is left to flush (and fail) later.
        with contextlib.suppress(OSError):
            stdin.write(data)
        with contextlib.suppress(OSError):
            stdin.close()

    def frames(self) -> Iterator[Any]:
        """The child's payloads, until its output ends."""
        stdout = self.process.stdout
        assert stdout is not None
        while len(head := stdout.read(8)) == 8:
            size = int.from_bytes(head, "little")
            if size > self.limits.memory:  # more than the child could hold: not a frame
                return
            blob = stdout.read(size)
            if len(blob) < size:
                return
            try:
                yield marshal.loads(blob)
            except (EOFError, ValueError, TypeError):
                return

    def stop(self) -> int:
        self._done.set()
        if self.process.poll() is None:
            self.process.kill()
        return self.process.wait()


def _run_child(
    name: str, data: bytes, limits: Limits, cancelled: Callable[[], bool] | None
) -> list[list[str]]:
    command = [
        *child_command(),
        *("--memory", str(limits.memory), "--cpu", str(limits.cpu_seconds)),
        *("--cells", str(limits.cells)),
    ]
    try:
        child = _Child(command, limits)
    except OSError as exc:
        raise ImportFailure(
            f"“{name}” could not be read: the workbook reader did not start ({exc.strerror})."
        ) from None
    helpers = [
        threading.Thread(target=child.watch, args=(cancelled,), daemon=True),
        threading.Thread(target=child.drain_errors, daemon=True),
        threading.Thread(target=child.feed, args=(data,), daemon=True),
    ]
    rows: list[list[str]] = []
    last: Any = None
    # The rows live on as long as the import: the cyclic collector, left on, would rescan
    # them again and again while they are made (0.1 s instead of 0.04 s for 100,000 rows).
    paused = gc.isenabled()
    gc.disable()
    with child.process:
        try:
            for thread in helpers:
                thread.start()
            for payload in child.frames():
                if not _take_rows(payload, rows):
                    last = _final(payload)
                    break
        finally:
            if paused:
                gc.enable()
            code = child.stop()
            for thread in helpers:
                if thread.is_alive():
                    thread.join()
    if child.verdict == "cancelled":
        raise ImportFailure(f"Reading “{name}” was cancelled.")
    if child.verdict == "timeout":
        raise ImportFailure(
            f"“{name}” was still being read after {_duration(limits.seconds)} and was "
            "stopped; nothing was imported."
        )
    _check_outcome(name, last, code, child.errors, limits)
    return rows


def _take_rows(payload: Any, rows: list[list[str]]) -> bool:
    """Add the rows of a "text" or "rows" frame to ``rows`` (or clear them on "reset");
    False for any other frame, and for rows that are not a grid of text as wide as the rows
    before them (the child broke: refused by _check_outcome)."""
    if not isinstance(payload, tuple) or not payload:
        return False
    width = len(rows[0]) if rows else None
    if payload[0] == "text" and len(payload) == 3:
        if type(payload[1]) is not int or payload[1] < 1 or type(payload[2]) is not str:
            return False
        cells, wide = payload[2].split(SEPARATOR), payload[1]
        if len(cells) % wide or width not in (None, wide):
            return False
        rows.extend(cells[i : i + wide] for i in range(0, len(cells), wide))
        return True
    if payload[0] == "rows" and len(payload) == 2:
        # Rare (a chunk whose text holds the separator): checked cell by cell.
        new = payload[1]
        if type(new) is not list or not all(type(r) is list for r in new):
            return False
        if len({len(r) for r in new} | ({width} if width is not None else set())) > 1:
            return False
        if not all(type(c) is str for r in new for c in r):
            return False
        rows.extend(new)
        return True
    if payload == ("reset",):  # calamine failed midway: openpyxl's rows follow
        rows.clear()
        return True
    return False


_BROKEN = ("broken",)  # what stands for a frame that is neither rows nor a last frame


def _final(payload: Any) -> tuple[Any, ...]:
    """A last frame as the child sends it, or _BROKEN."""
    if payload in (("end",), ("memory",), ("unreadable",)):
        return payload  # type: ignore[no-any-return]
    if (
        isinstance(payload, tuple)
        and len(payload) == 3
        and payload[0] == "cells"
        and type(payload[1]) is int
        and type(payload[2]) is int
    ):
        return payload
    return _BROKEN


_ALLOCATION = re.compile(rb"memory allocation of (\d+) bytes failed")


def _check_outcome(name: str, last: Any, code: int, err: bytes, limits: Limits) -> None:
    """Nothing if the child sent every row; else the refusal its last frame or its death
    means."""
    if last == ("end",):
        return
    if last == _BROKEN:  # (then stopped here: its end is no sign of memory or time)
        raise _failed(name)
    memory = ImportFailure(
        f"“{name}” needs more memory than the {size_text(limits.memory)} an import may use "
        "to read a workbook; nothing was imported."
    )
    kind = last[0] if isinstance(last, tuple) and last else None
    if kind == "cells":
        height, width = last[1], last[2]
        raise ImportFailure(
            f"“{name}” holds a sheet of {count_text(height * width)} cells ({height:,} rows "
            f"× {width:,} columns), more than the {count_text(limits.cells)} an import "
            "reads; to import it, save the sheet as CSV and import that."
        )
    if kind == "memory":
        raise memory
    if kind == "unreadable":
        raise _unreadable(name)
    if (asked := _ALLOCATION.search(err)) is not None:
        raise ImportFailure(
            f"“{name}” needs more memory than the {size_text(limits.memory)} an import may use "
            f"to read a workbook (its reader asked for {size_text(int(asked.group(1)))} at "
            "once); nothing was imported."
        )
    killed = getattr(signal, "SIGKILL", None)  # (POSIX only, as are the signals below)
    if b"MemoryError" in err or (killed is not None and code == -killed):
        raise memory  # (a SIGKILL not ours: the system's out-of-memory killer, most likely)
    cpu = getattr(signal, "SIGXCPU", None)
    if cpu is not None and code == -cpu:
        raise ImportFailure(
            f"“{name}” was still being read after {_duration(limits.cpu_seconds)} of "
            "computing and was stopped; nothing was imported."
        )
    raise _failed(name)


def _failed(name: str) -> ImportFailure:
    return ImportFailure(
        f"“{name}” made the workbook reader fail (the file is damaged or built to harm); "
        "nothing was imported."
    )
