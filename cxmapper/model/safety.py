"""Checks a .cxmap file before anything opens it for writing.

A project file may come from anyone (it is emailed around), so it is inspected through a
read-only connection that cannot write to it or create anything beside it (it takes a shared
lock, so an edit another CX Mapper is committing is seen whole or not at all). A crash's hot
journal is rolled back in a copy first. Only a file that passes every check is then opened
for writing. Each refusal is one plain sentence.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from cxmapper.model.schema import APPLICATION_ID, SCHEMA_VERSION, reference_schema, schema_objects

SQLITE_MAGIC = b"SQLite format 3\x00"


class ProjectFileError(Exception):
    """A project file cannot be used; ``str(error)`` is one sentence for the user."""


def _readonly_uri(path: Path, immutable: bool = False) -> str:
    # immutable=1: no locks, no journal, no -wal/-shm files; the file is only ever read.
    return f"file:{quote(str(path.resolve()))}?mode=ro{'&immutable=1' if immutable else ''}"


def connect_readonly(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection that can only read. By default under a shared lock, so an edit another
    process commits meanwhile is seen whole or not at all; ``immutable`` takes no lock."""
    conn = sqlite3.connect(_readonly_uri(path, immutable), uri=True)
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def inspect(path: str | os.PathLike[str], *, for_writing: bool = True) -> int:
    """Check ``path`` is a sound CX Mapper project; return its schema version.

    Raises :class:`ProjectFileError` with one sentence otherwise. Never modifies the file.
    """
    p = Path(path)
    name = p.name or str(p)
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
    try:
        with open(p, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise ProjectFileError(f"“{name}” cannot be read ({exc.strerror}).") from None
    if len(header) == 0:
        raise ProjectFileError(f"“{name}” is empty, so it is not a CX Mapper project.")
    if not header.startswith(SQLITE_MAGIC):
        raise ProjectFileError(f"“{name}” is not a CX Mapper project (it is not a database).")
    if len(header) < 100:
        raise ProjectFileError(f"“{name}” is truncated or damaged.")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
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
    # Bytes 18-19 are 2 in a write-ahead-log database. CX Mapper never writes one, and the
    # read-only inspection below cannot see what a -wal file beside it would add.
    if header[18] == 2 or header[19] == 2 or _non_empty(p.with_name(p.name + "-wal")):
        raise ProjectFileError(
            f"“{name}” was written in a mode CX Mapper does not use (write-ahead log), so it "
            "is not opened for safety."
        )
    if _hot_journal(p):
        # A crash left an edit half-written: judge the last committed state, restored in a
        # copy, and touch the real file only once that state has passed every check.
        version = _inspect_recovered_copy(p, name)
        if for_writing:
            _roll_back_in_place(p)
    else:
        _inspect_database(p, name, version)
    no_write_bits = not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    # The mode bits count too: root may write anywhere, but a file marked read-only is meant so.
    if for_writing and (no_write_bits or not os.access(p, os.W_OK)):
        raise ProjectFileError(f"“{name}” is read-only; save a copy to work on it.")
    if for_writing and not os.access(p.parent if str(p.parent) else Path("."), os.W_OK):
        raise ProjectFileError(f"The folder holding “{name}” is read-only; save a copy elsewhere.")
    return version


def _non_empty(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _inspect_database(p: Path, name: str, version: int) -> None:
    """Integrity, exactly our schema, and links that point at existing rows.

    Read under a shared lock (not immutably): another CX Mapper may be committing an edit to
    the file right now, and the check must see it whole or not at all. A hot journal never
    reaches here (see :func:`committed_state`), so the read-only connection has nothing to
    roll back and writes nothing."""
    try:
        conn = connect_readonly(p)
        try:
            result = conn.execute("PRAGMA quick_check").fetchall()
            if result != [("ok",)]:
                raise ProjectFileError(f"“{name}” is damaged (its integrity check failed).")
            if schema_objects(conn) != reference_schema(version):
                raise ProjectFileError(
                    f"“{name}” holds database objects CX Mapper did not create, so it is not "
                    "opened for safety."
                )
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise ProjectFileError(
                    f"“{name}” is damaged (some of its links point at items that do not exist)."
                )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ProjectFileError(f"“{name}” is damaged or unreadable ({exc}).") from None


# SQLite's answer when a read-only connection finds a journal no live process owns.
_READONLY_ROLLBACK = 776


def _hot_journal(p: Path) -> bool:
    """Whether a crash left an edit half-written in ``p``. A journal beside the file may
    also belong to another CX Mapper committing an edit right now; only SQLite can tell
    (by its locks), so a read-only connection is asked."""
    if not _non_empty(p.with_name(p.name + "-journal")):
        return False
    try:
        conn = connect_readonly(p)
        try:
            conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return getattr(exc, "sqlite_errorcode", None) == _READONLY_ROLLBACK
    return False


@contextmanager
def committed_state(p: Path) -> Iterator[Path]:
    """The file as its last commit left it: ``p`` itself, or, when a crash left a hot
    journal beside it, a rolled-back copy in a temporary folder (``p`` is not touched)."""
    journal = p.with_name(p.name + "-journal")
    if not _hot_journal(p):
        yield p
        return
    with tempfile.TemporaryDirectory(prefix="cxmap-inspect-") as folder:
        copy = Path(folder) / p.name
        shutil.copyfile(p, copy)
        shutil.copyfile(journal, copy.with_name(copy.name + "-journal"))
        _roll_back_in_place(copy)
        yield copy


def _inspect_recovered_copy(p: Path, name: str) -> int:
    """Copy the file and its hot journal aside, let SQLite roll the copy back, inspect it."""
    with committed_state(p) as copy:
        with open(copy, "rb") as fh:
            header = fh.read(100)
        version = int.from_bytes(header[60:64], "big")
        if not header.startswith(SQLITE_MAGIC) or not 1 <= version <= SCHEMA_VERSION:
            raise ProjectFileError(f"“{name}” is damaged (an interrupted edit cannot be undone).")
        _inspect_database(copy, name, version)
        return version


def _roll_back_in_place(p: Path) -> None:
    """Let SQLite roll back the edit a crash left half-written (the hot journal beside
    ``p``), restoring the last committed state."""
    conn = sqlite3.connect(str(p))
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlite3.DatabaseError:
        pass  # the inspection that follows reports the damage
    finally:
        conn.close()
