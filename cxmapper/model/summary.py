"""Read-only facts about a project file, for `cxmapper info` (works while a window has it open)."""

from __future__ import annotations

from pathlib import Path

from cxmapper.model import entities as e
from cxmapper.model.kinds import KINDS
from cxmapper.model.safety import connect_readonly

# Kinds held in memory, then evidence: the counts `info` prints, in the window's order.
_PLAN = (e.Pain, e.Action, e.VotingRound, e.Vote)  # what the room decides, after the evidence
_COUNTED = {
    **{kind.counted: kind.table for kind in KINDS if kind.cls not in _PLAN},
    "evidence": "evidence",
    **{kind.counted: kind.table for kind in KINDS if kind.cls in _PLAN},
}


def read_counts(state: Path) -> dict[str, int]:
    """Entity counts of an inspected project's committed state (the file itself, or the
    rolled-back copy :func:`cxmapper.model.safety.inspected` made of a crashed one), read
    without writing to it."""
    conn = connect_readonly(Path(state))
    try:
        # A file from before a kind existed (not upgraded: info never writes) has none of it.
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_schema")}
        return {
            key: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            if table in tables
            else 0
            for key, table in _COUNTED.items()
        }
    finally:
        conn.close()
