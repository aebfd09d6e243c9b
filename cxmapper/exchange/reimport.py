"""Rows already in the project: skipped as "already imported", whatever the file is called.

Two ways of recognising them:

- by item id, among the imports of the same format (a survey tool's response id, a ticket
  id): the same responses downloaded again, or overlapping exports;
- by content, for every row without an id, whatever the file's name or format: a row whose
  mapped date, customer, score, text and step equal an imported item's (an export without
  ids re-saved as XLSX under another name, say). The project's items are read once, as
  tuples of those values in a dict, and each row is looked up in it at C speed: 100,000
  rows against 100,000 items cost a few tenths of a second, and nothing more has to be
  stored per item (no change to the file's schema).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import compress
from operator import itemgetter, not_
from typing import Any

from cxmapper.exchange.plan import Advice, ImportPlan, Items, Notice
from cxmapper.exchange.tabular import ImportFailure
from cxmapper.model.entities import ImportBatch
from cxmapper.model.evidence_store import IMPORT_COLUMNS
from cxmapper.model.project import Project

# Where an item's values sit in the values a plan imports (Items' columns).
SOURCE_COLUMN = IMPORT_COLUMNS.index("source")
ID_COLUMN = IMPORT_COLUMNS.index("external_id")
CONTENT_COLUMNS = tuple(IMPORT_COLUMNS.index(c) for c in ("date", "customer_id", "score", "text"))
# The exports whose item ids are unique within the tool (a Qualtrics ResponseId, a
# SurveyMonkey Respondent ID, a Zendesk ticket Id), whatever the file is called.
TOOL_FORMATS = frozenset(
    ("qualtrics", "surveymonkey", "typeform", "zendesk", "freshdesk", "intercom")
)
ALREADY_IMPORTED = "already imported"  # the skip reason of a row already in the project


def skip_reasons(skipped: Counter[str]) -> str:
    """How many rows were skipped and why, e.g. "3 rows with no feedback text or score"."""
    parts = []
    for why, n in skipped.most_common():
        s = "" if n == 1 else "s"
        if why == "empty row":
            parts.append(f"{n} {why}{s}")
        elif why == ALREADY_IMPORTED:
            parts.append(f"{n} row{s} {why}")
        else:
            parts.append(f"{n} row{s} with {why}")
    return ", ".join(parts) or "it holds no data rows"


def when(batch: ImportBatch) -> str:
    """When a batch was imported, as "2026-10-03 at 09:15"."""
    at = batch.imported_at
    return f"{at[:10]} at {at[11:16]}" if len(at) >= 16 else at


def drop_imported(project: Project, plan: ImportPlan) -> None:
    """Skip the planned items already in the project (counted as "already imported"), and
    refuse a file whose every item is there; warn when rows without an id may repeat an
    import. Reads the project: call it on the thread that owns its connection.

    An item without an id is recognised by its content (date, customer, score, text and
    step, as mapped) among every import; one with an id by its id among the imports of the
    same format: in a survey tool's or ticket system's export the id alone, which the tool keeps
    unique, so the same responses downloaded again under another name, or in overlapping
    exports, are recognised; in a generic file the source and the id, as such ids are often
    only row numbers (the source is the mapped source column, else the file's name without
    its extension). If rows without an id remain and the file's name and number of items
    equal an earlier import's, a warning says it may be a re-import."""
    batches = project.evidence.batches()
    if not batches:
        return
    items, name = plan.evidence, plan.path.name
    total = len(items)
    by_id = _known_by_id(project, plan)
    by_content = _known_by_content(project, plan)
    held: dict[int, None] = {}  # the batches holding the repeated rows, in order
    repeated: list[bool] | None = None
    for found in (by_id, by_content):
        if found is None:
            continue
        keys, batch_of = found
        if batch_of.keys().isdisjoint(keys):  # (at C speed: the usual answer)
            continue
        hits = list(map(batch_of.get, keys))
        held.update(dict.fromkeys(b for b in hits if b is not None))
        # Batch ids are never 0: a hit is true.
        found_here = list(map(bool, hits))
        repeated = found_here if repeated is None else list(map(max, repeated, found_here))
    if repeated is None:
        repeated = []
    repeats = sum(repeated)
    if repeats and repeats == total:
        ids = sorted(held)
        first = next(b for b in batches if b.id == ids[0])
        more = len(ids) - 1
        also = f" and in {more} later import{'s' if more > 1 else ''}" if more else ""
        raise ImportFailure(
            f"Every row of “{name}” is already in the project (imported on {when(first)} "
            f"as “{first.file_name}”{also}); nothing was imported."
        )
    if repeats:
        fresh = list(map(not_, repeated))
        plan.evidence = Items([list(compress(c, fresh)) for c in items.columns])
        plan.step_values = list(compress(plan.step_values, fresh))
        plan.skipped[ALREADY_IMPORTED] += repeats
        rows = Counter(filter(None, plan.step_values))
        for value in list(plan.step_matches):
            if value in rows:
                plan.step_matches[value].rows = rows[value]
            else:
                del plan.step_matches[value]
    if "" in plan.evidence.columns[ID_COLUMN]:
        same = [b for b in batches if b.file_name == name and b.rows == total]
        if same:
            plan.warnings.append(
                Notice(
                    f"“{name}” looks like an import already made on {when(same[-1])}; ",
                    Advice.REMOVE_EARLIER_IMPORT,
                    " if this is a re-import.",
                )
            )


Found = tuple[Sequence[Any], dict[Any, int]]  # each row's key, and key -> a batch holding it


def _known_by_id(project: Project, plan: ImportPlan) -> Found | None:
    """Each planned item's id key, and those already imported in the plan's format."""
    items = plan.evidence
    ids = items.columns[ID_COLUMN]
    if not any(ids):
        return None
    fmt, sources = plan.layout.format, items.columns[SOURCE_COLUMN]
    # Each row's key: its id, or in a generic file its source and id (the ids alone when the
    # whole file has one source, the file's name as a rule). "" is never among them.
    keys: Sequence[Any] = ids
    key_of: Callable[[Any], Any] = itemgetter(1)  # of a found (source, id, batch id)
    source = None
    if fmt not in TOOL_FORMATS:
        if len(one := set(sources)) == 1:
            (source,) = one
        else:
            key_of = itemgetter(0, 1)
            keys = list(zip(sources, ids, strict=True))
    found = project.evidence.imported_ids(fmt, source)
    if not found:
        return None
    batch_of: dict[Any, int] = {}
    for row in found:
        batch_of.setdefault(key_of(row), row[2])
    return keys, batch_of


def _known_by_content(project: Project, plan: ImportPlan) -> Found | None:
    """Each planned item's content key (date, customer, score, text, step id), and those of
    the items already imported. Only rows without an id are recognised so: two responses
    with ids of their own are two, even when they say the same (a 10 on the same day)."""
    ids = plan.evidence.columns[ID_COLUMN]
    if "" not in ids:
        return None
    batch_of: dict[Any, int] = {}
    for *key, batch in project.evidence.imported_contents():
        batch_of.setdefault(tuple(key), batch)
    if not batch_of:
        return None
    # No planned text among the items' texts: no row can be one of them (one C-speed test
    # instead of 100,000 keys built and looked up).
    texts = plan.evidence.columns[CONTENT_COLUMNS[3]]
    if {key[3] for key in batch_of}.isdisjoint(texts):
        return None
    chosen = {v: m.step_id for v, m in plan.step_matches.items()}
    steps = list(map(chosen.get, plan.step_values))
    keys: list[Any] = list(
        zip(*(plan.evidence.columns[c] for c in CONTENT_COLUMNS), steps, strict=True)
    )
    if any(ids):  # a row with an id gets a key no item has: its id check decides
        keys = [k if not i else None for k, i in zip(keys, ids, strict=True)]
    return keys, batch_of
