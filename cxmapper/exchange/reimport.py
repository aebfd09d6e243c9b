"""Rows already in the project: skipped as "already imported", whatever the file is called.

A row is recognised by its content among every import, whatever the file's name or format
(an export re-saved as XLSX under another name, say):

- a row without an id by its mapped date, customer, score, text and step;
- a row with an id (a generic file's id column, a survey tool's response id) by that id and
  its date, customer, score and text: two systems may give one id to two responses, which
  then say different things;
- in a survey tool's or ticket system's export, also by its id alone among the imports of
  that format, since the tool keeps its ids unique (the same responses downloaded again, or
  overlapping exports).

Contents are counted, not merely looked up: an item is taken by one row at most, so a
content the project holds k times skips at most the first k rows of the file that have it.
A cumulative export (last week's responses and this week's) then brings in every new row,
even one that says what an earlier one said (score-only rows on a busy day often do), and
the same file imported twice still adds nothing. In a file mixing rows with and without an
id, those without one are compared with the items without one, so that no item is taken
twice (once by its id, once by its content).

The project's items are read once, as tuples of those values, and counted and looked up at
C speed: 100,000 rows against 100,000 items cost a few tenths of a second, and nothing more
has to be stored per item (no change to the file's schema).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from itertools import compress
from operator import itemgetter, not_
from typing import Any

from cxmapper.exchange.plan import Advice, ImportPlan, Items, Notice
from cxmapper.exchange.tabular import ImportFailure
from cxmapper.model.entities import ImportBatch
from cxmapper.model.evidence_store import IMPORT_COLUMNS
from cxmapper.model.project import Project

# Where an item's values sit in the values a plan imports (Items' columns).
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
    import. Reads the project: call it on the thread that owns its connection. How a row is
    recognised: see the module's docstring. If rows without an id remain and the file's name
    and number of items equal an earlier import's, a warning says it may be a re-import."""
    batches = project.evidence.batches()
    if not batches:
        return
    items, name = plan.evidence, plan.path.name
    total = len(items)
    by_tool_id = _known_by_tool_id(project, plan)
    if by_tool_id and all(by_tool_id[0]):  # (every row known by its id: no more to read)
        found = [by_tool_id]
    else:
        found = [f for f in (by_tool_id, _known_by_content(project, plan)) if f]
    repeated: list[bool] = []
    for hits, _ in found:
        repeated = hits if not repeated else list(map(max, repeated, hits))
    repeats = sum(repeated)
    if repeats and repeats == total:
        ids = sorted(set().union(*(held() for _, held in found)))
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


# Whether each planned row is already imported (at least one is), and a function giving the
# ids of the batches that hold those rows (wanted only to refuse a file, so made only then).
Found = tuple[list[bool], Callable[[], set[int]]]


def _known_by_tool_id(project: Project, plan: ImportPlan) -> Found | None:
    """The planned items of a survey tool's or ticket system's export whose id is among the
    imports of that format."""
    fmt, ids = plan.layout.format, plan.evidence.columns[ID_COLUMN]
    if fmt not in TOOL_FORMATS or not any(ids):
        return None
    # id -> the first batch holding it ("" is never among them).
    batch_of = dict(reversed(project.evidence.imported_ids(fmt)))
    if batch_of.keys().isdisjoint(ids):  # (at C speed: the usual answer)
        return None
    hits = list(map(batch_of.get, ids))
    # Batch ids are never 0: a hit is true.
    return list(map(bool, hits)), lambda: set(filter(None, hits))


def _known_by_content(project: Project, plan: ImportPlan) -> Found | None:
    """The planned items whose content an imported item has: a row without an id by its date,
    customer, score, text and step id, one with an id by that id, date, customer, score and
    text. Each content skips as many rows as items have it."""
    # (external id, date, customer, score, text, step, batch) of each item.
    known = project.evidence.imported_contents()
    if not known:
        return None
    columns = plan.evidence.columns
    ids = columns[ID_COLUMN]
    dates, customers, scores, texts = (columns[c] for c in CONTENT_COLUMNS)
    # No planned text among the items' texts: no row can be one of them (one C-speed test
    # instead of 100,000 keys built and looked up).
    if set(map(itemgetter(4), known)).isdisjoint(texts):
        return None
    with_ids, without_ids = any(ids), "" in ids
    # Per kind of row: whether each is found, their distinct keys, their keys, the items' keys.
    parts: list[tuple[list[bool], set[Any], list[Any], slice]] = []
    if without_ids:
        chosen = {v: m.step_id for v, m in plan.step_matches.items()}
        keys: list[Any] = list(
            zip(dates, customers, scores, texts, map(chosen.get, plan.step_values), strict=True)
        )
        shape = slice(1, 6)  # an item's key as a row without an id has it
        items: Iterable[Any] = known
        if with_ids:
            # A row with an id gets a key no item has (its own check decides), and the rows
            # without one are compared with the items without one: an item is then taken
            # by one row at most, not by a row with its id and another with its content.
            keys = [None if i else k for i, k in zip(ids, keys, strict=True)]
            items = compress(known, map(not_, map(itemgetter(0), known)))
        parts.append((*_take(keys, map(itemgetter(shape), items)), keys, shape))
    if with_ids:
        keys = list(zip(ids, dates, customers, scores, texts, strict=True))
        if without_ids:
            keys = [k if i else None for i, k in zip(ids, keys, strict=True)]
        # ("" is no row's id, so the items without one are left out.)
        shape = slice(0, 5)
        by_id = map(itemgetter(shape), compress(known, map(itemgetter(0), known)))
        parts.append((*_take(keys, by_id), keys, shape))
    hits = parts[0][0] if len(parts) == 1 else list(map(max, parts[0][0], parts[1][0]))
    if not any(hits):
        return None

    def held() -> set[int]:
        """The batches holding an item with the content of a row recognised."""
        batches: set[int] = set()
        for found, distinct, keys, shape in parts:
            matched = distinct if all(found) else set(compress(keys, found))
            in_file = map(matched.__contains__, map(itemgetter(shape), known))
            batches.update(compress(map(itemgetter(6), known), in_file))
        return batches

    return hits, held


def _take(keys: list[Any], items: Iterable[Any]) -> tuple[list[bool], set[Any]]:
    """Whether each key, in order, is among the items' keys, each item's key taken at most
    as many times as items have it (a multiset difference); and the set of the keys."""
    distinct = set(keys)
    count = Counter(items)
    hits = list(map(count.__contains__, keys))
    # Every key once in the file (the usual file): taken if counted, at C speed. (None, the
    # key of a row checked otherwise, is never counted.)
    if len(distinct) + max(keys.count(None) - 1, 0) == len(keys) or not any(hits):
        return hits, distinct
    left = dict(count)
    taken = []
    for key in keys:
        n = left.get(key)
        if n:
            left[key] = n - 1
            taken.append(True)
        else:
            taken.append(False)
    return taken, distinct
