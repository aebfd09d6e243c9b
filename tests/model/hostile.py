"""A corpus of bad .cxmap files, each made by a function from a sound one.

Used by the model, CLI and window tests: every one must be refused with one sentence and left
byte-for-byte unchanged.
"""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

from cxmapper.model.schema import SCHEMA_VERSION
from tests.model import hostile_data, hostile_journals
from tests.model.builders import _raw, sound_project

__all__ = ["CORPUS", "_raw", "fingerprint", "sound_project"]


def random_bytes(p: Path) -> None:
    p.write_bytes(random.Random(1).randbytes(4096))


def empty(p: Path) -> None:
    p.write_bytes(b"")


def header_only(p: Path) -> None:
    sound_project(p)
    p.write_bytes(p.read_bytes()[:50])


def truncated_half(p: Path) -> None:
    sound_project(p, steps=200)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


def other_application(p: Path) -> None:
    _raw(
        p,
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
        "INSERT INTO notes VALUES (1, 'x')",
    )


def wrong_application_id(p: Path) -> None:
    sound_project(p)
    _raw(p, "PRAGMA application_id = 1234")


def newer_version(p: Path) -> None:
    sound_project(p)
    _raw(p, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def corrupt_pages(p: Path) -> None:
    sound_project(p, steps=300)
    data = bytearray(p.read_bytes())
    rng = random.Random(2)
    for page in range(2, len(data) // 4096):
        for _ in range(40):
            data[page * 4096 + rng.randrange(8, 4096)] = rng.randrange(256)
    p.write_bytes(bytes(data))


def extra_trigger(p: Path) -> None:
    sound_project(p)
    _raw(p, "CREATE TRIGGER t AFTER INSERT ON step BEGIN DELETE FROM step; END")


def extra_view(p: Path) -> None:
    sound_project(p)
    _raw(p, "CREATE VIEW v AS SELECT * FROM step")


def extra_table(p: Path) -> None:
    sound_project(p)
    _raw(p, "CREATE TABLE payload (x)")


def extra_index(p: Path) -> None:
    sound_project(p)
    _raw(p, "CREATE INDEX step_title ON step(title)")


def table_replaced_by_view(p: Path) -> None:
    sound_project(p)
    _raw(
        p,
        "PRAGMA foreign_keys = OFF",
        "DROP TABLE flow",
        "CREATE VIEW flow AS SELECT 1 AS id, 1 AS source_id, 1 AS target_id, '' AS label",
    )


def altered_column(p: Path) -> None:
    sound_project(p)
    _raw(p, "ALTER TABLE step ADD COLUMN secret TEXT")


def hostile_values(p: Path) -> None:
    sound_project(p)
    _raw(p, "UPDATE step SET emotion = 99")


def hostile_enum(p: Path) -> None:
    sound_project(p)
    _raw(p, "INSERT INTO pain (id, title, reach_source) VALUES (1, 'x', 'guesswork')")


def hostile_settings(p: Path) -> None:
    sound_project(p)
    _raw(p, "INSERT OR REPLACE INTO settings (key, value) VALUES ('customer_base', '\"abc\"')")


def broken_json_settings(p: Path) -> None:
    sound_project(p)
    _raw(p, "INSERT OR REPLACE INTO settings (key, value) VALUES ('currency', '{not json')")


def dangling_reference(p: Path) -> None:
    sound_project(p)
    _raw(p, "PRAGMA foreign_keys = OFF", "UPDATE step SET work_group_id = 77")


def hostile_pain_value(p: Path) -> None:
    sound_project(p)
    _raw(p, "INSERT INTO pain (id, title, extra_churn) VALUES (1, 'x', 'lots')")


def dangling_pain_step(p: Path) -> None:
    sound_project(p)
    _raw(
        p,
        "PRAGMA foreign_keys = OFF",
        "INSERT INTO pain (id, title) VALUES (1, 'x')",
        "INSERT INTO pain_step (pain_id, step_id, position) VALUES (1, 999, 0)",
    )


def broken_import_mapping(p: Path) -> None:
    sound_project(p)
    _raw(
        p,
        "INSERT INTO import_batch (id, file_name, imported_at, mapping)"
        " VALUES (1, 'a.csv', '2026-01-01', '{oops')",
    )


def hostile_follow_up(p: Path) -> None:
    sound_project(p)
    _raw(p, "INSERT INTO follow_up (evidence_id, status) VALUES (1, 'shredded')")


def write_ahead_log(p: Path) -> None:
    """A trigger kept in a -wal file, which a read-only inspection would not see."""
    sound_project(p)
    _raw(p, "PRAGMA journal_mode = WAL")
    conn = sqlite3.connect(p)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TRIGGER t AFTER INSERT ON step BEGIN DELETE FROM step; END")
    conn.commit()
    saved = p.read_bytes(), p.with_name(p.name + "-wal").read_bytes()
    conn.close()  # checkpoints and removes the -wal: put both back as they were
    p.write_bytes(saved[0])
    p.with_name(p.name + "-wal").write_bytes(saved[1])


def wal_file_beside(p: Path) -> None:
    sound_project(p)
    p.with_name(p.name + "-wal").write_bytes(random.Random(3).randbytes(4096))


def interrupted_edit_of_a_bad_file(p: Path) -> None:
    """An extra trigger, and a crash in the middle of an edit: a hot journal lies beside."""
    original = p.with_name("original-" + p.name)
    sound_project(original, steps=200)
    _raw(original, "CREATE TRIGGER t AFTER INSERT ON step BEGIN DELETE FROM step; END")
    conn = sqlite3.connect(original)
    conn.execute("PRAGMA cache_size = 1")  # spill changed pages into the file before commit
    conn.execute("BEGIN")
    conn.execute("UPDATE step SET description = hex(randomblob(300))")
    p.write_bytes(original.read_bytes())  # the file and its journal as a crash leaves them
    journal = original.with_name(original.name + "-journal")
    p.with_name(p.name + "-journal").write_bytes(journal.read_bytes())
    conn.rollback()
    conn.close()
    original.unlink()


def old_version_with_bad_values(p: Path) -> None:
    p.write_bytes((Path(__file__).parents[1] / "fixtures" / "version1.cxmap").read_bytes())
    _raw(p, "UPDATE step SET emotion = 99")


def huge_text(p: Path) -> None:
    sound_project(p)
    _raw(p, f"UPDATE step SET title = '{'x' * 2_000_000}'")


def read_only(p: Path) -> None:
    sound_project(p)
    os.chmod(p, 0o444)


def directory(p: Path) -> None:
    p.mkdir()


def missing(p: Path) -> None:
    pass


CORPUS: dict[str, Callable[[Path], None]] = {
    f.__name__: f
    for f in (
        random_bytes,
        empty,
        header_only,
        truncated_half,
        other_application,
        wrong_application_id,
        newer_version,
        corrupt_pages,
        extra_trigger,
        extra_view,
        extra_table,
        extra_index,
        table_replaced_by_view,
        altered_column,
        hostile_values,
        hostile_enum,
        hostile_settings,
        broken_json_settings,
        dangling_reference,
        hostile_pain_value,
        dangling_pain_step,
        broken_import_mapping,
        hostile_follow_up,
        write_ahead_log,
        wal_file_beside,
        interrupted_edit_of_a_bad_file,
        old_version_with_bad_values,
        huge_text,
        read_only,
        directory,
        missing,
        *hostile_journals.BUILDERS,
        *hostile_data.BUILDERS,
    )
}


def fingerprint(p: Path) -> tuple[bytes | None, int | None, list[str]]:
    """The file's bytes, its mtime, and what lies beside it."""
    siblings = sorted(x.name for x in p.parent.iterdir())
    if p.is_file():
        return p.read_bytes(), p.stat().st_mtime_ns, siblings
    return None, p.stat().st_mtime_ns if p.exists() else None, siblings
