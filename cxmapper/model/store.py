"""Opening, creating and copying .cxmap files, and turning rows into entities and back.

The file is the document: every edit is one committed transaction (rollback journal,
``synchronous=FULL``), so the single .cxmap file is complete between edits and a crash costs
at most the edit in flight. A rollback journal rather than WAL keeps the project one file that
can be attached to an email at any moment.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from cxmapper.model import entities as e
from cxmapper.model.errors import ProjectFileError
from cxmapper.model.kinds import ORDERED_LINKS, kind_of
from cxmapper.model.schema import APPLICATION_ID, SCHEMA_VERSION, apply_migrations
from cxmapper.model.tempfiles import publish, temp_beside
from cxmapper.model.validation import MAX_SETTING_CHARS, load_json

try:
    import fcntl
except ImportError:  # Windows: no advisory file locks; sharing is not detected there.
    fcntl = None  # type: ignore[assignment]


class FileLock:
    """Marks a project file as open in this CX Mapper process.

    ``flock`` on the project file itself: other CX Mapper processes see it, SQLite's own
    (fcntl) locks are unaffected, and the kernel drops it if the process dies.
    """

    def __init__(self, path: Path) -> None:
        self._fh = None
        if fcntl is None:
            return
        # Held open for the life of the project; reading never changes the file or its mtime.
        fh = open(path, "rb")  # noqa: SIM115
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise ProjectFileError(
                f"“{path.name}” is already open in another CX Mapper window; close it there "
                "first, or open a copy."
            ) from None
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    # Always a rollback journal: one self-contained file between edits (a WAL file beside it
    # would hold committed edits the .cxmap alone does not have).
    conn.execute("PRAGMA journal_mode = DELETE")


def open_database(path: Path, *, create: bool) -> tuple[Database, FileLock]:
    """Open ``path`` for writing: a new project, or an existing one that the caller had
    inspected (:func:`cxmapper.model.safety.inspected`) and found sound."""
    if create:
        if path.exists():
            raise ProjectFileError(f"“{path.name}” already exists.")
        path.touch()
    lock = FileLock(path)
    try:
        conn = sqlite3.connect(str(path))
        _configure(conn)
        if not create:
            # Another program may have the file; fail now rather than on the first edit.
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        db = Database(conn, execute_plugins=False)
        if create:
            apply_migrations(db)
    except sqlite3.OperationalError as exc:
        lock.release()
        if create:
            path.unlink(missing_ok=True)
        if "locked" in str(exc) or "busy" in str(exc):
            raise ProjectFileError(f"“{path.name}” is in use by another program.") from None
        raise ProjectFileError(f"“{path.name}” cannot be opened ({exc}).") from None
    return db, lock


def upgrade(db: Database) -> None:
    """Apply pending migrations (inside the caller's transaction, so a project that then
    fails to load is rolled back to exactly what it was)."""
    version = db.conn.execute("PRAGMA user_version").fetchone()[0]
    if version < SCHEMA_VERSION:
        apply_migrations(db)


def memory_connection() -> sqlite3.Connection:
    """An empty in-memory database with the same settings as a project file's."""
    conn = sqlite3.connect(":memory:")
    _configure(conn)
    return conn


def memory_database() -> Database:
    db = Database(memory_connection(), execute_plugins=False)
    apply_migrations(db)
    return db


def save_copy(db: Database, dest: Path) -> None:
    """Write a clean, self-contained copy of the open project to ``dest``.

    ``VACUUM INTO`` a temporary file in the destination folder, then an atomic rename: a
    failure never leaves a half-written file at ``dest`` nor touches one already there.
    """
    dest = Path(dest)
    tmp = temp_beside(dest, "copy", ".tmp")
    os.unlink(tmp)  # VACUUM INTO needs a name that does not exist yet
    try:
        db.conn.execute("VACUUM INTO ?", (tmp,))
        check = sqlite3.connect(tmp)
        try:
            check.execute("PRAGMA trusted_schema = OFF")
            app_id = check.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:  # older SQLite builds did not copy the header
                check.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                check.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                check.commit()
        finally:
            check.close()
        publish(tmp, dest, project_copy=True)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# --- rows <-> entities ------------------------------------------------------------------------


def columns(cls: type) -> list[str]:
    links = kind_of(cls).links
    return [f.name for f in fields(cls) if f.name not in links]


def to_row(entity: Any) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in columns(type(entity)):
        value = getattr(entity, name)
        if hasattr(value, "value"):  # StrEnum
            value = value.value
        row[name] = value
    return row


def write_entity(db: Database, entity: Any) -> None:
    """Insert or replace one entity with its link rows (inside the caller's transaction)."""
    kind = kind_of(entity)
    row = to_row(entity)
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    # An upsert, not INSERT OR REPLACE: replacing deletes the row first, and the foreign-key
    # check of that delete scans what refers to it (a step's evidence links: 1 ms a step on a
    # 200,000-evidence map, seconds for a tidy of 2,000 steps).
    updates = ", ".join(f"{name} = excluded.{name}" for name in row if name != "id")
    db.conn.execute(
        f"INSERT INTO {kind.table} ({names}) VALUES ({marks}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates}",
        list(row.values()),
    )
    for field_name, (link, own, other) in kind.links.items():
        db.conn.execute(f"DELETE FROM {link} WHERE {own} = ?", (entity.id,))
        ids = getattr(entity, field_name)
        if link in ORDERED_LINKS:
            db.conn.executemany(
                f"INSERT INTO {link} ({own}, {other}, position) VALUES (?, ?, ?)",
                [(entity.id, i, n) for n, i in enumerate(ids)],
            )
        else:
            db.conn.executemany(
                f"INSERT INTO {link} ({own}, {other}) VALUES (?, ?)",
                [(entity.id, i) for i in ids],
            )


def delete_entity(db: Database, entity: Any) -> None:
    kind = kind_of(entity)
    for link, own, _other in kind.links.values():
        db.conn.execute(f"DELETE FROM {link} WHERE {own} = ?", (entity.id,))
    db.conn.execute(f"DELETE FROM {kind.table} WHERE id = ?", (entity.id,))


def load_all(db: Database, cls: type) -> dict[int, Any]:
    """Read every entity of ``cls`` with its links, keyed by id."""
    kind = kind_of(cls)
    cols = columns(cls)
    found: dict[int, Any] = {}
    linked: dict[str, dict[int, list[int]]] = {name: {} for name in kind.links}
    for name, (link, own, other) in kind.links.items():
        order = "position" if link in ORDERED_LINKS else "rowid"
        for own_id, other_id in db.conn.execute(
            f"SELECT {own}, {other} FROM {link} ORDER BY {own}, {order}"
        ):
            linked[name].setdefault(own_id, []).append(other_id)
    for values in db.conn.execute(f"SELECT {', '.join(cols)} FROM {kind.table} ORDER BY id"):
        kwargs = dict(zip(cols, values, strict=True))
        for key, enum in kind.enums.items():
            if kwargs[key] is not None:
                kwargs[key] = enum(kwargs[key])
        for name in kind.links:
            kwargs[name] = tuple(linked[name].get(kwargs["id"], ()))
        found[kwargs["id"]] = cls(**kwargs)
    return found


def load_settings(db: Database) -> e.ProjectSettings:
    stored = {
        k: load_json(v, "A project setting", MAX_SETTING_CHARS)
        for k, v in db.conn.execute("SELECT key, value FROM settings")
    }
    settings = e.ProjectSettings()
    for f in fields(settings):
        if f.name in stored:
            value = stored[f.name]
            setattr(settings, f.name, tuple(value) if isinstance(value, list) else value)
    return settings


def write_settings(db: Database, settings: e.ProjectSettings) -> None:
    db.conn.executemany(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
        [(f.name, json.dumps(getattr(settings, f.name))) for f in fields(settings)],
    )
