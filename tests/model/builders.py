"""Small sound projects for the hostile-file corpus, and raw SQL on them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cxmapper.model.project import Project


def sound_project(path: Path, steps: int = 3) -> Path:
    with Project.create(path) as p:
        g = p.add_work_group("Support")
        for i in range(steps):
            p.add_step(g.id, f"Step {i}", description="d" * 200)
        p.evidence.add([{"text": f"verbatim {i}"} for i in range(50)])
    return path


def _raw(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()
