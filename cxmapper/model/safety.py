"""Checks a .cxmap file before anything opens it for writing.

A project file may come from anyone (it is emailed around), so it is inspected through a
read-only, immutable connection that cannot write, lock, or create a journal beside it. Only a
file that passes every check is then opened for writing. Each refusal is one plain sentence.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from cxmapper.model.schema import APPLICATION_ID, SCHEMA_VERSION, reference_schema, schema_objects

SQLITE_MAGIC = b"SQLite format 3\x00"


class ProjectFileError(Exception):
    """A project file cannot be used; ``str(error)`` is one sentence for the user."""


def _readonly_uri(path: Path) -> str:
    # immutable=1: no locks, no journal, no -wal/-shm files; the file is only ever read.
    return f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"


def connect_readonly(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(_readonly_uri(path), uri=True)
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
    # Even a check must see the last committed state, not the pages a crash left half-written.
    _recover_interrupted_edit(p)
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
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ProjectFileError(f"“{name}” is damaged or unreadable ({exc}).") from None
    no_write_bits = not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    # The mode bits count too: root may write anywhere, but a file marked read-only is meant so.
    if for_writing and (no_write_bits or not os.access(p, os.W_OK)):
        raise ProjectFileError(f"“{name}” is read-only; save a copy to work on it.")
    if for_writing and not os.access(p.parent if str(p.parent) else Path("."), os.W_OK):
        raise ProjectFileError(f"The folder holding “{name}” is read-only; save a copy elsewhere.")
    return version


def _recover_interrupted_edit(p: Path) -> None:
    """Roll back an edit a crash left half-written, before the file is inspected.

    A hot rollback journal beside the file means a CX Mapper process died inside a
    transaction. Reading the file immutably would see the half-written pages, so SQLite is
    let to roll the journal back first: this restores the last committed state, the only
    write ever made to a file before it passes inspection.
    """
    journal = p.with_name(p.name + "-journal")
    try:
        if journal.stat().st_size == 0:
            return
    except OSError:
        return
    conn = sqlite3.connect(str(p))
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlite3.DatabaseError:
        pass  # inspection that follows reports the damage
    finally:
        conn.close()
