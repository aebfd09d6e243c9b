"""Opening a project file: inspected first, every value judged, and only then opened for
writing; or read as a snapshot in memory for the commands that only read.

A file is judged as it will be once opened: an older one is upgraded in memory first, a crash's
half-written edit is rolled back in a private copy (see :mod:`cxmapper.model.safety`). A file
refused for any reason is never written, not even upgraded and rolled back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlite_utils import Database

from cxmapper.model import store
from cxmapper.model.safety import check_search_index, committed_state, connect_readonly, inspected
from cxmapper.model.schema import SCHEMA_VERSION
from cxmapper.model.trust import unchanged_since_verified

if TYPE_CHECKING:
    from cxmapper.model.project import Project


def open_for_editing(cls: type[Project], path: str | Path) -> Project:
    p = Path(path).resolve()  # one name per file, wherever it was opened from
    # Reopening a project closed here unchanged skips the slowest checks (trust.py).
    thorough = not unchanged_since_verified(p)
    # The scans of every page and link run beside the load (which reads, and writes nothing
    # to a file of this version); the project is returned only once they have passed.
    with inspected(p, for_writing=True, thorough=thorough, scans_beside=True) as found:
        if found.recovered or found.version < SCHEMA_VERSION:
            # Every value is judged first, in memory: a file refused for them is never
            # written, not even upgraded and rolled back, nor replaced by its recovered state.
            found.wait_for_scans()
            _check_state(cls, found.state, p)
        found.adopt()
    try:
        db, lock = store.open_database(p, create=False)
        project = upgrade_and_load(cls, db, p, lock, thorough=thorough)
    except BaseException:
        found.wait_for_scans()  # a damaged file says so, rather than what loading it broke
        raise
    try:
        found.wait_for_scans()
    except BaseException:
        project.close(verified=False)
        raise
    return project


def upgrade_and_load(
    cls: type[Project],
    db: Database,
    p: Path,
    lock: store.FileLock | None,
    *,
    thorough: bool = True,
) -> Project:
    """One transaction: a file upgraded and then found unreadable is rolled back. A file of
    this version has its search index checked first (an older one's is rebuilt by the
    upgrade); the check writes nothing."""
    try:
        with db.atomic():
            version = db.conn.execute("PRAGMA user_version").fetchone()[0]
            if thorough and version == SCHEMA_VERSION:
                check_search_index(db.conn, p.name)
            store.upgrade(db)
            return cls(db, p, lock, thorough=thorough)
    except BaseException:
        db.close()
        if lock is not None:
            lock.release()
        raise


def open_snapshot(cls: type[Project], path: str | Path) -> Project:
    p = Path(path).resolve()
    with inspected(p) as found:
        memory = _copy_into_memory(found.state)
    return upgrade_and_load(cls, Database(memory, execute_plugins=False), p, None)


def check_file(cls: type[Project], path: str | Path) -> int:
    p = Path(path)
    with inspected(p) as found:
        _check_state(cls, found.state, p)
        return found.version


def check_contents(cls: type[Project], path: str | Path) -> None:
    p = Path(path)
    with committed_state(p) as state:
        _check_state(cls, state, p)


def _copy_into_memory(state: Path) -> sqlite3.Connection:
    memory = store.memory_connection()
    # A shared lock: an edit committing meanwhile is seen whole or not at all.
    source = connect_readonly(state)
    try:
        source.backup(memory)
    finally:
        source.close()
    return memory


def _check_state(cls: type[Project], state: Path, p: Path) -> None:
    """Load ``state`` (an inspected file or copy) as opening would, in memory: an older file
    upgraded there, so it is judged as it will be once opened."""
    memory = _copy_into_memory(state)
    upgrade_and_load(cls, Database(memory, execute_plugins=False), p, None).close()
