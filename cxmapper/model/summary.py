"""Read-only facts about a project file, for `cxmapper info` (works while a window has it open)."""

from __future__ import annotations

from pathlib import Path

from cxmapper.model import entities as e
from cxmapper.model.kinds import KINDS
from cxmapper.model.safety import committed_state, connect_readonly

# Kinds held in memory, then evidence: the counts `info` prints, in the window's order.
_COUNTED = {
    **{kind.counted: kind.table for kind in KINDS if kind.cls not in (e.Pain, e.Action)},
    "evidence": "evidence",
    **{kind.counted: kind.table for kind in KINDS if kind.cls in (e.Pain, e.Action)},
}


def read_counts(path: Path) -> dict[str, int]:
    """Entity counts of an inspected project, read without writing to it: of its last
    committed state, when a crash left an edit half-written."""
    with committed_state(Path(path)) as state:
        conn = connect_readonly(state)
        try:
            return {
                key: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for key, table in _COUNTED.items()
            }
        finally:
            conn.close()
