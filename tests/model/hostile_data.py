"""Hostile values in a well-formed project: each is refused by `check` and by opening alike."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.model.builders import _raw, sound_project

FIXTURES = Path(__file__).parents[1] / "fixtures"


def not_null_with_a_foreign_space(p: Path) -> None:
    """ "NOT\u00a0NULL" reads as NOT NULL to str.split(), but SQLite takes it for one word
    of the column's type: the column accepts NULLs."""
    sound_project(p)
    conn = sqlite3.connect(p)
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_schema SET sql = replace(sql, 'title TEXT NOT NULL', "
        "'title TEXT NOT' || char(160) || 'NULL') WHERE name = 'step'"
    )
    conn.execute(f"PRAGMA schema_version = {version + 1}")
    conn.commit()
    conn.close()
    _raw(p, "UPDATE step SET title = NULL WHERE id = 1")


def infinite_cost(p: Path) -> None:
    sound_project(p)
    _raw(p, "INSERT INTO pain (id, title, rework_cost) VALUES (1, 'x', 9e999)")


def cost_that_overflows(p: Path) -> None:
    sound_project(p)
    _raw(p, "INSERT INTO pain (id, title, rework_cost) VALUES (1, 'x', 1e308)")


def infinite_score(p: Path) -> None:
    sound_project(p)
    _raw(p, "UPDATE evidence SET score = -9e999, score_scale = '0-10' WHERE id = 2")


def text_score(p: Path) -> None:
    sound_project(p)
    _raw(p, "UPDATE evidence SET score = 'high' WHERE id = 2")


def blob_score(p: Path) -> None:
    sound_project(p)
    _raw(p, "UPDATE evidence SET score = x'0102' WHERE id = 2")


def blob_verbatim(p: Path) -> None:
    sound_project(p)
    _raw(p, "UPDATE evidence SET text = x'00ff' WHERE id = 3")


def huge_sample_size(p: Path) -> None:
    sound_project(p)
    _raw(
        p,
        "INSERT INTO import_batch (id, file_name, imported_at, sample_size)"
        " VALUES (1, 'a.csv', '2026-01-01', 9223372036854775807)",
    )


def twenty_thousand_stages(p: Path) -> None:
    sound_project(p)
    conn = sqlite3.connect(p)
    conn.executemany(
        "INSERT INTO stage (id, name, position) VALUES (?, ?, ?)",
        [(i, f"Stage {i}", i) for i in range(1, 20_001)],
    )
    conn.commit()
    conn.close()


def deeply_nested_setting(p: Path) -> None:
    sound_project(p)
    value = "[" * 100_000 + "]" * 100_000
    _raw(p, f"INSERT OR REPLACE INTO settings (key, value) VALUES ('cost_bands', '{value}')")


def setting_of_400_digits(p: Path) -> None:
    sound_project(p)
    _raw(p, f"INSERT OR REPLACE INTO settings (key, value) VALUES ('customer_base', '{'9' * 400}')")


def money_of_400_digits(p: Path) -> None:
    sound_project(p)
    _raw(
        p,
        "INSERT OR REPLACE INTO settings (key, value) VALUES "
        f"('customer_lifetime_value', '{'9' * 400}')",
    )


def tampered_search_index(p: Path) -> None:
    sound_project(p)
    _raw(p, "UPDATE evidence_fts_data SET block = zeroblob(length(block)) WHERE id > 10")


def older_version_with_bad_values(p: Path) -> None:
    """A version 3 file: refused, it must not be upgraded (and rolled back) on the way."""
    p.write_bytes((FIXTURES / "version3.cxmap").read_bytes())
    _raw(p, "UPDATE step SET emotion = 99")


def absurd_vote_count(p: Path) -> None:
    """A tally no room of people could have typed from paper."""
    sound_project(p)
    _raw(
        p,
        "INSERT INTO pain (id, title) VALUES (1, 'x')",
        "INSERT INTO voting_round (id, title) VALUES (1, 'Round 1')",
        "INSERT INTO vote (id, round_id, pain_id, dots) VALUES (1, 1, 1, 999999999999)",
    )


def vote_on_a_step_in_a_round_on_pains(p: Path) -> None:
    sound_project(p)
    _raw(
        p,
        "INSERT INTO voting_round (id, title) VALUES (1, 'Round 1')",
        "INSERT INTO vote (id, round_id, step_id, dots) VALUES (1, 1, 1, 2)",
    )


def estimate_range_upside_down(p: Path) -> None:
    """A stated range of the reach estimate whose low end is above its high end."""
    sound_project(p)
    _raw(
        p,
        "INSERT INTO pain (id, title, reach_source, reach_estimate_share, reach_estimate_low,"
        " reach_estimate_high) VALUES (1, 'x', 'estimate', 0.2, 0.3, 0.1)",
    )


BUILDERS = (
    estimate_range_upside_down,
    absurd_vote_count,
    vote_on_a_step_in_a_round_on_pains,
    not_null_with_a_foreign_space,
    infinite_cost,
    cost_that_overflows,
    infinite_score,
    text_score,
    blob_score,
    blob_verbatim,
    huge_sample_size,
    twenty_thousand_stages,
    deeply_nested_setting,
    setting_of_400_digits,
    money_of_400_digits,
    tampered_search_index,
    older_version_with_bad_values,
)
