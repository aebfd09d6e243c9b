"""The .cxmap schema and its migrations.

A .cxmap file is a SQLite database. ``PRAGMA application_id`` marks it as ours and
``PRAGMA user_version`` holds the schema version; migrations are registered with sqlite-utils
``Migrations`` and applied in order when a file is opened for writing.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

# "CXMP" in ASCII: the value a .cxmap file carries in its header (offset 68).
APPLICATION_ID = 0x43584D50
SCHEMA_VERSION = 6

migrations = Migrations("cxmapper")

_V1 = """
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE work_group (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, colour TEXT NOT NULL DEFAULT '#4e79a7',
    position INTEGER NOT NULL DEFAULT 0);
CREATE TABLE stage (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0);
CREATE TABLE step (
    id INTEGER PRIMARY KEY,
    work_group_id INTEGER NOT NULL REFERENCES work_group(id),
    stage_id INTEGER REFERENCES stage(id),
    title TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', channel TEXT NOT NULL DEFAULT '',
    emotion INTEGER NOT NULL DEFAULT 0, x REAL NOT NULL DEFAULT 0, y REAL NOT NULL DEFAULT 0);
CREATE TABLE flow (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES step(id),
    target_id INTEGER NOT NULL REFERENCES step(id),
    label TEXT NOT NULL DEFAULT '');
CREATE TABLE import_batch (
    id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, imported_at TEXT NOT NULL,
    format TEXT NOT NULL DEFAULT 'generic', mapping TEXT NOT NULL DEFAULT '{}',
    rows INTEGER NOT NULL DEFAULT 0, sample_size INTEGER NOT NULL DEFAULT 0);
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY, batch_id INTEGER REFERENCES import_batch(id),
    kind TEXT NOT NULL DEFAULT 'survey', source TEXT NOT NULL DEFAULT '',
    external_id TEXT NOT NULL DEFAULT '', date TEXT, customer_id TEXT NOT NULL DEFAULT '',
    score REAL, score_scale TEXT NOT NULL DEFAULT '', channel TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '');
CREATE INDEX evidence_batch ON evidence(batch_id);
CREATE TABLE evidence_step (
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    step_id INTEGER NOT NULL REFERENCES step(id),
    PRIMARY KEY (evidence_id, step_id));
CREATE INDEX evidence_step_step ON evidence_step(step_id);
CREATE TABLE pain (
    id INTEGER PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
    reach_source TEXT NOT NULL DEFAULT 'evidence', reach_estimate_share REAL,
    reach_estimate_count REAL, cost_mode TEXT NOT NULL DEFAULT 'components',
    extra_contacts REAL NOT NULL DEFAULT 0, rework_cost REAL NOT NULL DEFAULT 0,
    extra_churn REAL NOT NULL DEFAULT 0, cost_band INTEGER, kind_override TEXT);
CREATE TABLE pain_step (
    pain_id INTEGER NOT NULL REFERENCES pain(id), step_id INTEGER NOT NULL REFERENCES step(id),
    position INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (pain_id, step_id));
CREATE TABLE pain_evidence (
    pain_id INTEGER NOT NULL REFERENCES pain(id),
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    PRIMARY KEY (pain_id, evidence_id));
CREATE INDEX pain_evidence_evidence ON pain_evidence(evidence_id);
CREATE TABLE action (
    id INTEGER PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'macro',
    description TEXT NOT NULL DEFAULT '', owner_group_id INTEGER REFERENCES work_group(id),
    sponsor TEXT NOT NULL DEFAULT '', due_date TEXT, status TEXT NOT NULL DEFAULT 'proposed',
    investment REAL NOT NULL DEFAULT 0, expected_reduction REAL NOT NULL DEFAULT 0);
CREATE TABLE action_pain (
    action_id INTEGER NOT NULL REFERENCES action(id),
    pain_id INTEGER NOT NULL REFERENCES pain(id),
    position INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (action_id, pain_id));
CREATE TABLE action_group (
    action_id INTEGER NOT NULL REFERENCES action(id),
    work_group_id INTEGER NOT NULL REFERENCES work_group(id),
    position INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (action_id, work_group_id));
"""

# Version 2: actions get a start date, and evidence text gets a full-text index (FTS5) so
# search never loads all evidence. The index is kept in step by the evidence store, not by
# triggers: with trusted_schema=OFF a trigger may not write to a virtual table, and one
# INSERT ... SELECT per import is faster than a trigger per row.
_V2 = """
ALTER TABLE action ADD COLUMN start_date TEXT;
CREATE VIRTUAL TABLE evidence_fts USING fts5(text, content='evidence', content_rowid='id');
INSERT INTO evidence_fts(evidence_fts) VALUES ('rebuild');
"""


# Version 3: the close-the-loop follow-up of each detractor (status the team ticks, owner).
_V3 = """
CREATE TABLE follow_up (
    evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id),
    status TEXT NOT NULL DEFAULT 'open', owner TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT '');
"""


# Version 4: the search index no longer keeps each row's length in tokens (columnsize=0).
# Only ranking (bm25) reads those lengths and search orders by date, never by rank; without
# them an import writes one b-tree row fewer per item (a third of the time spent indexing).
# The index is built again from the evidence, inside the migration's transaction.
# Evidence loses its index on batch_id, which every imported row paid for (a quarter of the
# time of writing the rows): only removing an import and its undo look rows up by batch, and
# an import's rows have consecutive ids, so they find the batch's id range with one scan and
# then read by id (see EvidenceStore.take_batch).
_V4 = """
DROP INDEX IF EXISTS evidence_batch;
DROP TABLE evidence_fts;
CREATE VIRTUAL TABLE evidence_fts USING fts5(
    text, content='evidence', content_rowid='id', columnsize=0);
INSERT INTO evidence_fts(evidence_fts) VALUES ('rebuild');
"""


# Version 5: dot voting. A round, and its votes: one row per item typed from paper dots
# (ballot 0) or per item of one person's private ballot (ballot 1, 2, ...). A vote is on a pain
# or on a step, as its round says; the index finds a round's votes when it is removed.
_V5 = """
CREATE TABLE voting_round (
    id INTEGER PRIMARY KEY, title TEXT NOT NULL, target TEXT NOT NULL DEFAULT 'pain',
    dots_per_person INTEGER NOT NULL DEFAULT 3, max_per_item INTEGER NOT NULL DEFAULT 1,
    named INTEGER NOT NULL DEFAULT 0, seed INTEGER NOT NULL DEFAULT 0,
    revealed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE vote (
    id INTEGER PRIMARY KEY, round_id INTEGER NOT NULL REFERENCES voting_round(id),
    pain_id INTEGER REFERENCES pain(id), step_id INTEGER REFERENCES step(id),
    dots INTEGER NOT NULL DEFAULT 0, ballot INTEGER NOT NULL DEFAULT 0,
    voter TEXT NOT NULL DEFAULT '');
CREATE INDEX vote_round ON vote(round_id);
"""


# Version 6: stated ranges for rank certainty (model/certainty.py): the range of a pain's
# estimated reach, in the estimate's own unit, and of its cost per customer from components.
_V6 = """
ALTER TABLE pain ADD COLUMN reach_estimate_low REAL;
ALTER TABLE pain ADD COLUMN reach_estimate_high REAL;
ALTER TABLE pain ADD COLUMN cost_low REAL;
ALTER TABLE pain ADD COLUMN cost_high REAL;
"""


def _run_script(db: Database, script: str) -> None:
    # executescript() would COMMIT the migration's transaction; run statement by statement.
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.conn.execute(statement)
            statement = ""


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    _run_script(db, _V1)
    db.conn.execute("PRAGMA user_version = 1")


@migrations(name="0002_start_date_and_search")
def m0002_start_date_and_search(db: Database) -> None:
    _run_script(db, _V2)
    db.conn.execute("PRAGMA user_version = 2")


@migrations(name="0003_follow_up")
def m0003_follow_up(db: Database) -> None:
    _run_script(db, _V3)
    db.conn.execute("PRAGMA user_version = 3")


@migrations(name="0004_search_without_sizes")
def m0004_search_without_sizes(db: Database) -> None:
    _run_script(db, _V4)
    db.conn.execute("PRAGMA user_version = 4")


@migrations(name="0005_voting")
def m0005_voting(db: Database) -> None:
    _run_script(db, _V5)
    db.conn.execute("PRAGMA user_version = 5")


@migrations(name="0006_ranges")
def m0006_ranges(db: Database) -> None:
    _run_script(db, _V6)
    db.conn.execute("PRAGMA user_version = 6")


MIGRATION_NAMES = [m.name for m in migrations._migrations]


def apply_migrations(db: Database, up_to: int = SCHEMA_VERSION) -> None:
    """Bring ``db`` to schema version ``up_to`` (used by tests to build old files)."""
    stop = MIGRATION_NAMES[up_to] if up_to < len(MIGRATION_NAMES) else None
    db.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.apply(db, stop_before=stop)


# The only characters SQLite's tokenizer takes for white space. (str.split() takes more:
# "NOT\u00a0NULL" is one word to SQLite, so the column may hold NULLs.)
_SQL_SPACE = re.compile(r"[ \t\n\f\r]+")

SchemaObject = tuple[str, str, str, str, tuple[Any, ...]]
_reference_cache: dict[int, frozenset[SchemaObject]] = {}


def _structure(conn: sqlite3.Connection, kind: str, name: str) -> tuple[Any, ...]:
    """What SQLite made of an object's SQL: a table's columns (type, not-null, default, key,
    hidden), foreign keys and indexes; an index's columns, collations and order."""
    if kind == "table":
        return tuple(
            tuple(conn.execute(f"SELECT * FROM {pragma}(?)", (name,)).fetchall())
            for pragma in ("pragma_table_xinfo", "pragma_foreign_key_list", "pragma_index_list")
        )
    if kind == "index":
        return (tuple(conn.execute("SELECT * FROM pragma_index_xinfo(?)", (name,)).fetchall()),)
    return ()


def schema_objects(conn: sqlite3.Connection) -> frozenset[SchemaObject]:
    """Every object in a database's schema as (type, name, table, SQL with its white space
    folded as SQLite reads it, structure as SQLite parsed it)."""
    rows = conn.execute("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema")
    return frozenset(
        (t, n, tb, _SQL_SPACE.sub(" ", s).strip(), _structure(conn, t, n))
        for t, n, tb, s in rows.fetchall()
    )


def schema_matches(conn: sqlite3.Connection, reference: frozenset[SchemaObject]) -> bool:
    """Whether ``conn``'s schema is exactly ``reference``. Names are compared first, so
    nothing is asked of an object CX Mapper did not create."""
    names = conn.execute("SELECT type, name, tbl_name FROM sqlite_schema").fetchall()
    if len(names) != len(reference) or set(names) != {obj[:3] for obj in reference}:
        return False
    return schema_objects(conn) == reference


def reference_schema(version: int) -> frozenset[SchemaObject]:
    """The exact schema a genuine file of ``version`` holds, built afresh in memory."""
    if version not in _reference_cache:
        db = Database(memory=True, execute_plugins=False)
        apply_migrations(db, up_to=version)
        _reference_cache[version] = schema_objects(db.conn)
        db.close()
    return _reference_cache[version]
