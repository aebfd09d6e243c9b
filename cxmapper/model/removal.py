"""What a removal took away, held so that its undo puts it back exactly.

:meth:`Project.remove_step` and the other removals return a :class:`Removal`;
:meth:`Project.remove_import_batch` returns a :class:`BatchRemoval`. The undo commands keep
them and hand them back to :meth:`Project.restore` and :meth:`Project.restore_import_batch`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cxmapper.model import entities as e


@dataclass
class Removal:
    """What a removal took away, and the prior state of what it changed as a side effect."""

    removed: list[Any] = field(default_factory=list)
    changed_before: list[Any] = field(default_factory=list)
    evidence_links: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class BatchRemoval:
    """What removing an import batch took away: its rows by table, held in memory (measured
    at about 0.8 kB per evidence item: some 80 MB for 100,000), and the pains that cited it,
    as they were."""

    batch_id: int
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    pains_before: list[e.Pain] = field(default_factory=list)
