"""What the bulk path of an import needs beside its inserts: the values every row shares as
SQL literals, and the checks that stand in for SQLite's foreign-key checks while it writes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from cxmapper.model.validation import ModelError


def _literal(value: Any) -> str | None:
    """``value`` as an SQL literal, if it can be one (text without NUL characters, NULL)."""
    if value is None:
        return "NULL"
    if type(value) is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def constants_of(columns: Sequence[list[Any]]) -> dict[int, str]:
    """Column index -> the SQL literal of the value every row holds, for the columns that
    hold one value throughout (an import's kind, source, scale; the columns it does not map).
    Binding such a value to every row cost a third of the time of inserting the rows."""
    found: dict[int, str] = {}
    for i, column in enumerate(columns):
        # count() compares at C speed, and by identity first: a repeated value is one object.
        if column and column.count(column[0]) == len(column):
            literal = _literal(column[0])
            if literal is not None:
                found[i] = literal
    return found


def checks_on(conn: sqlite3.Connection) -> None:
    """Foreign-key checks on again after an import (a transaction a failed rollback left
    open would keep them off: it is rolled back first), or ModelError if they stay off."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.execute("PRAGMA foreign_keys = ON")
    if conn.execute("PRAGMA foreign_keys").fetchone()[0] != 1:
        raise ModelError("The project's link checks could not be turned on again; reopen it.")


def check_links(
    conn: sqlite3.Connection,
    count: int,
    steps: Sequence[int | None],
    links: Sequence[tuple[int, int]],
) -> None:
    """Refuse links to a row the import does not hold or to a step the project lacks."""
    if len(steps) > count:
        raise ModelError(f"Steps were given for {len(steps)} rows but {count} were imported.")
    if not set(map(type, steps)) <= {int, type(None)}:
        raise ModelError("A step id must be a whole number.")
    wanted = set(steps) - {None}
    if links:
        if not all(type(link) in (tuple, list) and len(link) == 2 for link in links):
            raise ModelError("A link must join a row number and a step id.")
        rows, step_ids = (set(c) for c in zip(*links, strict=True))
        if not set(map(type, rows | step_ids)) <= {int}:
            raise ModelError("A link must join a row number and a step id.")
        if min(rows) < 0 or max(rows) >= count:
            raise ModelError(f"A link names a row the import does not hold ({count} rows).")
        wanted |= step_ids
    sql = "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM step) LIMIT 1"
    if missing := conn.execute(sql, (json.dumps(sorted(wanted)),)).fetchone():
        raise ModelError(f"Step {missing[0]} is not in the project; nothing was imported.")
