"""Checks a .cxmap file before anything opens it for writing.

A project file may come from anyone (it is emailed around), and so may the files beside it.
The file is inspected through a read-only connection that cannot write to it or create
anything beside it (it takes a shared lock, so an edit another CX Mapper is committing is seen
whole or not at all). Only a file that passes every check is then opened for writing. Each
refusal is one plain sentence.

A rollback journal beside the file (``name.cxmap-journal``) is the one sibling SQLite acts on
by itself: a *hot* journal, left by a crash mid-edit, is replayed into the file by the first
connection that sees it, and a journal can name a "super-journal" file that SQLite then
deletes. So a journal is read here first, by hand (:mod:`cxmapper.model.journal`): one that is
not a regular file, names a super-journal (CX Mapper never writes one) or claims sizes no
crash of this file could leave is refused before SQLite is let near the file. A hot journal
that passes is replayed only in a private copy; that copy is inspected, and the project is
replaced by it only when it is opened for editing (:meth:`Inspected.adopt`), so what is
opened is exactly what was inspected.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from cxmapper.model.errors import ProjectFileError
from cxmapper.model.journal import JOURNAL_SUFFIX, copy_bounded, vet_journal
from cxmapper.model.schema import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    reference_schema,
    schema_matches,
)

__all__ = [
    "SQLITE_MAGIC",
    "Inspected",
    "ProjectFileError",
    "check_search_index",
    "committed_state",
    "connect_readonly",
    "inspect",
    "inspected",
]

SQLITE_MAGIC = b"SQLite format 3\x00"
# How long a check waits for another program to finish committing before it says the file is
# in use (SQLite's busy handler retries meanwhile).
BUSY_WAIT = 5.0
_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED


def _readonly_uri(path: Path, immutable: bool = False) -> str:
    # immutable=1: no locks, no journal, no -wal/-shm files; the file is only ever read.
    return f"file:{quote(str(path.resolve()))}?mode=ro{'&immutable=1' if immutable else ''}"


def connect_readonly(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection that can only read. By default under a shared lock, so an edit another
    process commits meanwhile is seen whole or not at all; ``immutable`` takes no lock.

    Only for a file whose journal was vetted (:func:`inspected`, :func:`committed_state`):
    SQLite looks at the journal beside any file it opens."""
    conn = sqlite3.connect(_readonly_uri(path, immutable), uri=True, timeout=BUSY_WAIT)
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


@dataclass
class Inspected:
    """A project file that passed inspection. ``state`` is where its last committed state
    can be read: the file itself, or (``recovered``) a private copy in which a crash's
    half-written edit was rolled back."""

    path: Path
    state: Path
    version: int
    recovered: bool = False
    scans: Scans | None = None  # the page and link scans, when they run beside the load

    def wait_for_scans(self) -> None:
        """Raise what the scans of every page and link found, once they are done."""
        if self.scans is not None:
            self.scans.wait()

    def adopt(self) -> None:
        """Make the inspected copy the project: an atomic rename onto the file, then the
        journal it came from (now replayed) is removed. Until the rename the file is as it
        was; a crash after it leaves a journal whose replay changes nothing, and it is
        vetted and replayed in a copy again next time."""
        if not self.recovered:
            return
        shutil.copymode(self.path, self.state)
        os.replace(self.state, self.path)
        _sync_folder(self.path.parent)
        self.path.with_name(self.path.name + JOURNAL_SUFFIX).unlink(missing_ok=True)
        self.state = self.path
        self.recovered = False


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def inspect(path: str | os.PathLike[str], *, for_writing: bool = True) -> int:
    """Check ``path`` is a sound CX Mapper project; return its schema version.

    Raises :class:`ProjectFileError` with one sentence otherwise. Never modifies the file or
    anything beside it (a crash's half-written edit is judged in a private copy)."""
    with inspected(path, for_writing=for_writing) as found:
        return found.version


class Scans:
    """The scans of every page and every link of an inspected file (``quick_check`` and
    ``foreign_key_check``: about 0.3 s on a large project), run on a thread of their own, with
    a read-only connection of their own, while the project loads. SQLite leaves the
    interpreter free while it reads, so on a second core they cost the open almost nothing;
    :meth:`wait` raises what they found, and the project is handed to no one before."""

    def __init__(self, path: Path, name: str) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(path, name), name="cxmapper inspection", daemon=True
        )
        self._thread.start()

    def _run(self, path: Path, name: str) -> None:
        try:
            _scan(path, name)
        except BaseException as exc:  # raised on the opening thread, by wait()
            self._error = exc

    def wait(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


@contextmanager
def inspected(
    path: str | os.PathLike[str],
    *,
    for_writing: bool = False,
    thorough: bool = True,
    scans_beside: bool = False,
) -> Iterator[Inspected]:
    """Inspect ``path`` (see :func:`inspect`) and yield what was inspected. A recovered copy
    lives until the block ends, unless :meth:`Inspected.adopt` makes it the project.

    ``thorough=False`` (a file unchanged since this CX Mapper verified and closed it, see
    :mod:`cxmapper.model.trust`) skips the scans of every page and link; the header, the
    journal and the schema are still checked. ``scans_beside`` starts those scans on a thread
    (:class:`Scans`) instead of waiting for them, for a caller that loads the file meanwhile
    and calls :meth:`Inspected.wait_for_scans` before using it (a recovered copy is scanned
    first, always)."""
    name = Path(path).name or str(path)
    # SQLite names the journal after the file's real path: look where it will look.
    p = Path(path).resolve()
    version, size, page_size = _check_file(p, name)
    if for_writing:
        _check_writable(p, name)
    with _committed(p, name, size, page_size) as (state, recovered):
        if recovered:
            version = _check_header(state, name, recovered=True)[0]
        beside = scans_beside and thorough and not recovered
        _inspect_database(state, name, version, thorough=(thorough or recovered) and not beside)
        found = Inspected(p, state, version, recovered, Scans(state, name) if beside else None)
        try:
            yield found
        except BaseException:
            if found.scans is not None:
                found.scans.wait()
            raise


@contextmanager
def committed_state(p: Path) -> Iterator[Path]:
    """The file as its last commit left it: ``p`` itself, or, when a crash left a hot
    journal beside it, a rolled-back private copy (``p`` is not touched). The journal is
    vetted first; the file's contents are not inspected here (see :func:`inspected`)."""
    name = p.name or str(p)
    p = p.resolve()
    _version, size, page_size = _check_file(p, name)
    with _committed(p, name, size, page_size) as (state, recovered):
        if recovered:
            _check_header(state, name, recovered=True)
        yield state


# --- the file itself ----------------------------------------------------------------------------


def _check_file(p: Path, name: str) -> tuple[int, int, int]:
    """The header checks; returns (schema version, file size, page size)."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ProjectFileError(f"“{name}” does not exist.") from None
    except OSError as exc:
        raise ProjectFileError(f"“{name}” cannot be read ({exc.strerror}).") from None
    if stat.S_ISDIR(st.st_mode):
        raise ProjectFileError(f"“{name}” is a folder, not a CX Mapper project file.")
    if not stat.S_ISREG(st.st_mode):
        raise ProjectFileError(f"“{name}” is not a regular file.")
    version, page_size = _check_header(p, name)
    # Bytes 18-19 are 2 in a write-ahead-log database. CX Mapper never writes one, and the
    # read-only inspection cannot see what a -wal file beside it would add.
    if _non_empty(p.with_name(p.name + "-wal")):
        raise ProjectFileError(
            f"“{name}” was written in a mode CX Mapper does not use (write-ahead log), so it "
            "is not opened for safety."
        )
    return version, st.st_size, page_size


def _check_header(p: Path, name: str, *, recovered: bool = False) -> tuple[int, int]:
    """The 100-byte database header: ours, a version this CX Mapper reads, no WAL. Returns
    (schema version, page size)."""
    try:
        with open(p, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise ProjectFileError(f"“{name}” cannot be read ({exc.strerror}).") from None
    damaged = f"“{name}” is damaged (an interrupted edit cannot be undone)." if recovered else ""
    if len(header) == 0:
        raise ProjectFileError(damaged or f"“{name}” is empty, so it is not a CX Mapper project.")
    if not header.startswith(SQLITE_MAGIC):
        raise ProjectFileError(
            damaged or f"“{name}” is not a CX Mapper project (it is not a database)."
        )
    if len(header) < 100:
        raise ProjectFileError(damaged or f"“{name}” is truncated or damaged.")
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise ProjectFileError(
            f"“{name}” is a database made by another application, not a CX Mapper project."
        )
    version = int.from_bytes(header[60:64], "big")
    if version > SCHEMA_VERSION:
        raise ProjectFileError(
            f"“{name}” was saved by a newer CX Mapper (file version {version}, this one "
            f"reads up to {SCHEMA_VERSION}); please update CX Mapper to open it."
        )
    if version < 1:
        raise ProjectFileError(f"“{name}” is not a complete CX Mapper project.")
    if header[18] == 2 or header[19] == 2:
        raise ProjectFileError(
            f"“{name}” was written in a mode CX Mapper does not use (write-ahead log), so it "
            "is not opened for safety."
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise ProjectFileError(f"“{name}” is damaged (its page size is not a valid one).")
    return version, page_size


def _non_empty(path: Path) -> bool:
    try:
        return os.lstat(path).st_size > 0
    except OSError:
        return False


def _check_writable(p: Path, name: str) -> None:
    st = p.stat()
    no_write_bits = not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    # The mode bits count too: root may write anywhere, but a file marked read-only is meant so.
    if no_write_bits or not os.access(p, os.W_OK):
        raise ProjectFileError(f"“{name}” is read-only; save a copy to work on it.")
    if not os.access(p.parent if str(p.parent) else Path("."), os.W_OK):
        raise ProjectFileError(f"The folder holding “{name}” is read-only; save a copy elsewhere.")


# --- a crash's journal ----------------------------------------------------------------------------


@contextmanager
def _committed(p: Path, name: str, size: int, page_size: int) -> Iterator[tuple[Path, bool]]:
    journal = vet_journal(p, name, size, page_size)
    if journal is None or not _hot_journal(p, name):
        yield p, False
        return
    with tempfile.TemporaryDirectory(prefix="cxmap-inspect-") as folder:
        copy = Path(folder) / "project.cxmap"
        try:
            shutil.copyfile(p, copy)
            copy_bounded(journal, copy.with_name(copy.name + JOURNAL_SUFFIX))
        except OSError as exc:
            raise ProjectFileError(
                f"“{name}” cannot be checked: a copy could not be made ({exc.strerror})."
            ) from None
        _roll_back(copy)
        if copy.with_name(copy.name + JOURNAL_SUFFIX).exists():
            raise ProjectFileError(f"“{name}” is damaged (an interrupted edit cannot be undone).")
        yield copy, True


# SQLite's answer when a read-only connection finds a journal no live process owns.
_READONLY_ROLLBACK = 776


def _hot_journal(p: Path, name: str) -> bool:
    """Whether a crash left an edit half-written in ``p`` (its journal already vetted). A
    journal may also belong to another CX Mapper committing an edit right now; only SQLite
    can tell (by its locks), so a read-only connection is asked."""
    try:
        conn = connect_readonly(p)
        try:
            conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        if code == _READONLY_ROLLBACK:
            return True
        if code is not None and code & 0xFF in _BUSY_CODES:
            raise _busy(name) from None
        return False  # the inspection that follows reports the damage
    return False


def _roll_back(copy: Path) -> None:
    """Let SQLite roll back the half-written edit in ``copy``, a private copy whose journal
    was vetted: it names no other file, so nothing outside the copy is touched."""
    conn = sqlite3.connect(str(copy))
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlite3.DatabaseError:
        pass  # the inspection that follows reports the damage
    finally:
        conn.close()


# --- the database inside --------------------------------------------------------------------------


def _busy(name: str) -> ProjectFileError:
    return ProjectFileError(
        f"“{name}” is in use by another program that is saving to it; try again when it "
        "has finished."
    )


def _inspect_database(p: Path, name: str, version: int, *, thorough: bool = True) -> None:
    """Integrity, exactly our schema (as SQLite parsed it), and links that point at existing
    rows. Read under a shared lock (not immutably): another CX Mapper may be committing an
    edit to the file right now, and the check must see it whole or not at all."""
    if thorough:
        _scan(p, name, pages_only=True)
    with _reading(p, name) as conn:
        if not schema_matches(conn, reference_schema(version)):
            raise ProjectFileError(
                f"“{name}” holds database objects CX Mapper did not create, so it is not "
                "opened for safety."
            )
    if thorough:
        _scan(p, name, links_only=True)


def _scan(p: Path, name: str, *, pages_only: bool = False, links_only: bool = False) -> None:
    """Every page (quick_check) and every link (foreign_key_check) of ``p``."""
    with _reading(p, name) as conn:
        if not links_only and conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise ProjectFileError(f"“{name}” is damaged (its integrity check failed).")
        if not pages_only and conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise ProjectFileError(
                f"“{name}” is damaged (some of its links point at items that do not exist)."
            )


@contextmanager
def _reading(p: Path, name: str) -> Iterator[sqlite3.Connection]:
    """A read-only connection to ``p``; SQLite's errors become one sentence."""
    try:
        conn = connect_readonly(p)
        try:
            yield conn
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _BUSY_CODES:
            raise _busy(name) from None
        raise ProjectFileError(f"“{name}” is damaged or unreadable ({exc}).") from None


def check_search_index(conn: sqlite3.Connection, name: str) -> None:
    """FTS5's own integrity check of the evidence search index against the evidence (a
    tampered index would otherwise pass: quick_check does not look inside it). It is written
    as an INSERT, so it runs on a writable connection: an in-memory copy, or the project's
    own connection inside a transaction that is rolled back and writes nothing."""
    if conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'evidence_fts'").fetchone() is None:
        return
    try:
        conn.execute("INSERT INTO evidence_fts(evidence_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError:
        raise ProjectFileError(
            f"“{name}” is damaged (its evidence search index does not match its evidence)."
        ) from None
