"""Opening a file a user chose to import: it may be anything, so nothing is read until it is
known to be a regular file within the size limit.

A named pipe would block a plain ``open`` or ``read`` forever, a device such as /dev/zero never
ends, and a sparse file of gigabytes costs its whole size in memory to be refused afterwards.
So the file is opened without blocking, checked with ``fstat`` on the very descriptor that is
then read (no window for the path to be swapped in between), refused unless it is a regular
file of at most ``max_size`` bytes, and read to at most one byte past the limit.
"""

from __future__ import annotations

import contextlib
import math
import os
import stat
from pathlib import Path

MB = 1_000_000  # sizes are shown and given in decimal megabytes, as file managers show them
DEFAULT_MAX_SIZE = 500 * MB  # far above any survey or ticket export; CSV rows cost ~5x in memory

# os.open flags: never block on a pipe or device, never make a terminal ours, binary on Windows.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 1 << 20  # read size once past the size fstat gave (a file that grows while read)


class ImportFailure(Exception):
    """The file cannot be imported; ``str(error)`` is one sentence naming the file and, where
    it can, the row and column."""


class FileTooLarge(ImportFailure):
    """The file is larger than the import's size limit; it was not read. ``str()`` says so
    without advice; each front end adds how to raise the limit in its own words
    (:meth:`worded`)."""

    def __init__(self, name: str, size: int | None, limit: int) -> None:
        self.name, self.size, self.limit = name, size, limit
        super().__init__(self.worded(""))

    def worded(self, advice: str) -> str:
        """The refusal with ``advice`` (how to raise the limit, or a question) after a
        semicolon."""
        if self.size is None:  # it grew past the limit while being read
            said = f"“{self.name}” is larger than the {size_text(self.limit)} an import reads"
        else:
            said = (
                f"“{self.name}” is {size_text(self.size)}, more than the "
                f"{size_text(self.limit)} an import reads"
            )
        if not advice:
            return f"{said}."
        return f"{said}; {advice}" + ("" if advice.endswith(("?", ".")) else ".")

    @property
    def needed_mb(self) -> int:
        """A limit in megabytes that would let the file be read."""
        size = self.size if self.size is not None else 2 * self.limit
        return max(math.ceil(size / MB), 1)


def size_text(n: float) -> str:
    """A size in words a facilitator reads at a glance: 812 bytes, 40 kB, 3.6 MB, 2.1 GB."""
    if n < 1000:
        return f"{n:.0f} bytes"
    for unit, scale in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12)):
        if n < scale * 1000 or unit == "TB":
            value = n / scale
            text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
            return f"{text.removesuffix('.0')} {unit}"
    raise AssertionError("unreachable")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _check_kind(name: str, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise ImportFailure(f"“{name}” is a folder, not an export file.")
    if not stat.S_ISREG(mode):
        raise ImportFailure(
            f"“{name}” is not a regular file but {_kind(mode)}, so it cannot be imported."
        )


def read_limited(path: Path, max_size: int = DEFAULT_MAX_SIZE) -> bytes:
    """The whole content of ``path``, which must be a regular file of at most ``max_size``
    bytes; else ImportFailure (FileTooLarge for a file over the limit), before any byte of a
    refused file is read."""
    path = Path(path)
    name = path.name or str(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except IsADirectoryError:
        raise ImportFailure(f"“{name}” is a folder, not an export file.") from None
    except OSError as exc:
        # A socket cannot even be opened: say what it is rather than the system's words.
        with contextlib.suppress(OSError):
            _check_kind(name, os.stat(path).st_mode)
        raise ImportFailure(f"“{name}” cannot be read ({exc.strerror}).") from None
    try:
        info = os.fstat(fd)
        _check_kind(name, info.st_mode)
        if info.st_size > max_size:
            raise FileTooLarge(name, info.st_size, max_size)
        if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
            # A regular file now: reads may wait for its data (a network or FUSE file system
            # could otherwise answer "try again").
            os.set_blocking(fd, True)
        parts: list[bytes] = []
        got = 0
        # Up to one byte past the limit: a file that grew since fstat (or a /proc file, which
        # states no size) is refused once it passes the limit, never read to its end.
        while got <= max_size:
            want = info.st_size + 1 - got if got <= info.st_size else _CHUNK
            part = os.read(fd, min(want, max_size + 1 - got))
            if not part:
                break
            parts.append(part)
            got += len(part)
    except OSError as exc:
        raise ImportFailure(f"“{name}” cannot be read ({exc.strerror}).") from None
    finally:
        os.close(fd)
    if got > max_size:
        raise FileTooLarge(name, None, max_size)
    # Usually one read took the whole file: no copy.
    return parts[0] if len(parts) == 1 else b"".join(parts)
