"""Reading a rollback journal by hand before SQLite is allowed to see it.

SQLite replays a *hot* journal (one a crash left beside the file) into the database on the
first connection, and a journal may end with a "super-journal" record naming another file,
which SQLite opens and, if it lists no live journal, deletes. A journal that arrived with a
file from someone else is therefore read here first (format: sqlite.org/fileformat.html,
"The Rollback Journal"), and refused unless it is what a crash of this very file leaves:
a regular file, no super-journal record (CX Mapper never commits across databases), the file's
own page size, a sector size SQLite uses, an original size no larger than the file, and no more
bytes than those pages could take.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cxmapper.model.errors import ProjectFileError

JOURNAL_SUFFIX = "-journal"
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
_HEADER = 28  # magic, record count, nonce, original size in pages, sector size, page size
_SUPER_RECORD = 16  # what ends a super-journal record: name length, checksum, magic
# A journal that is not SQLite's (no magic) replays nothing; it may still be no larger than
# the file it sits beside and this much more.
_SLACK = 1 << 20


def _refuse(name: str, why: str) -> ProjectFileError:
    return ProjectFileError(f"“{name}” came with a journal file that {why}, so it is not opened.")


def vet_journal(p: Path, name: str, db_size: int, page_size: int) -> Path | None:
    """The journal beside ``p`` if SQLite would act on it and it is safe to let it; None
    when there is none (or an empty or zeroed one, which SQLite ignores). Raises
    :class:`ProjectFileError` for a journal that is not what a crash of ``p`` leaves."""
    journal = p.with_name(p.name + JOURNAL_SUFFIX)
    try:
        st = os.lstat(journal)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _refuse(name, f"cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(name, "is not a regular file")
    if st.st_size == 0:
        return None
    try:
        head, tail, size = _read_ends(journal)
    except FileNotFoundError:
        return None  # another CX Mapper finished committing and removed it meanwhile
    except OSError as exc:
        raise _refuse(name, f"cannot be read ({exc.strerror})") from None
    if head[:1] == b"\x00":
        return None  # SQLite treats a journal whose first byte is zero as finished
    if _names_super_journal(tail, size):
        raise _refuse(name, "points at another file")
    if head[:8] != JOURNAL_MAGIC:
        if size > db_size + _SLACK:
            raise _refuse(name, "is larger than any interrupted edit of it could leave")
        return journal
    original_pages = int.from_bytes(head[16:20], "big")
    sector = int.from_bytes(head[20:24], "big")
    journal_page = int.from_bytes(head[24:28], "big")
    if journal_page != page_size:
        raise _refuse(name, "does not match its page size")
    if not 32 <= sector <= 65536 or sector & (sector - 1):
        raise _refuse(name, "is damaged")
    if original_pages * page_size > db_size:
        raise _refuse(name, "claims the file was once larger than it is")
    # Each journaled page takes its page, a number and a checksum; each segment a header
    # padded to a sector; at most one segment per page.
    if size > original_pages * (page_size + 8 + sector) + sector:
        raise _refuse(name, "is larger than any interrupted edit of it could leave")
    return journal


def _open_regular(path: Path) -> int:
    """A read-only descriptor of ``path`` that never blocks (a FIFO swapped in meanwhile) and
    never follows a link; OSError unless it is a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(0, "not a regular file")
    return fd


def _read_ends(path: Path) -> tuple[bytes, bytes, int]:
    fd = _open_regular(path)
    try:
        size = os.fstat(fd).st_size
        head = os.pread(fd, _HEADER, 0)
        tail = os.pread(fd, _SUPER_RECORD, max(0, size - _SUPER_RECORD))
        return head, tail, size
    finally:
        os.close(fd)


def _names_super_journal(tail: bytes, size: int) -> bool:
    """Whether the journal ends with a super-journal record, as SQLite reads one: the last
    8 bytes are the journal magic, preceded by a name length that fits in the file."""
    if size < _SUPER_RECORD or len(tail) < _SUPER_RECORD or tail[8:] != JOURNAL_MAGIC:
        return False
    length = int.from_bytes(tail[:4], "big")
    return 0 < length <= size - _SUPER_RECORD


def copy_bounded(journal: Path, dest: Path) -> None:
    """Copy a vetted journal into a private folder, from a regular file (never through a
    link, never blocking)."""
    fd = _open_regular(journal)
    try:
        remaining = os.fstat(fd).st_size
        with open(dest, "xb") as out:
            while remaining > 0:
                chunk = os.read(fd, min(remaining, 1 << 20))
                if not chunk:
                    break
                out.write(chunk)
                remaining -= len(chunk)
    finally:
        os.close(fd)
