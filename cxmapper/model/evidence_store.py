"""Evidence lives in the file and is queried: counts, pages and search, never loaded whole."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from itertools import islice
from operator import itemgetter
from typing import Any, Protocol, runtime_checkable

from sqlite_utils import Database

from cxmapper.model.bulk_import import check_links, checks_on, constants_of
from cxmapper.model.entities import EVIDENCE_KINDS, Evidence, ImportBatch
from cxmapper.model.events import Change
from cxmapper.model.validation import FOLLOW_UP_STATUSES, ModelError
from cxmapper.wording import counted

EVIDENCE_COLUMNS = [f.name for f in fields(Evidence) if f.name != "id"]
_SELECT = "SELECT id, " + ", ".join(EVIDENCE_COLUMNS) + " FROM evidence"
# The values an import gives per item: every column but the batch, which the store sets.
IMPORT_COLUMNS = EVIDENCE_COLUMNS[1:]
_KINDS = frozenset(EVIDENCE_KINDS)


@runtime_checkable
class ValueColumns(Protocol):
    """Import rows kept as columns (one list per IMPORT_COLUMNS column, as the importer
    plans them): what every row shares is then seen at once, and written as a constant."""

    columns: list[list[Any]]


def _row_to_evidence(row: tuple[Any, ...]) -> Evidence:
    return Evidence(*row)


class EvidenceStore:
    def __init__(self, db: Database, emit: Callable[[Change], None]) -> None:
        self._db = db
        self._emit = emit

    # --- queries --------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._db.conn.execute("SELECT count(*) FROM evidence").fetchone()[0])

    def get(self, evidence_id: int) -> Evidence:
        row = self._db.conn.execute(_SELECT + " WHERE id = ?", (evidence_id,)).fetchone()
        if row is None:
            raise ModelError(f"There is no evidence with id {evidence_id}.")
        return _row_to_evidence(row)

    def counts_by_step(self) -> dict[int, int]:
        rows = self._db.conn.execute("SELECT step_id, count(*) FROM evidence_step GROUP BY step_id")
        return dict(rows.fetchall())

    def for_steps(
        self, step_ids: Iterable[int], *, limit: int = 200, offset: int = 0
    ) -> list[Evidence]:
        ids = sorted(set(step_ids))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        sql = (
            f"{_SELECT} WHERE id IN (SELECT evidence_id FROM evidence_step WHERE step_id IN "
            f"({marks})) ORDER BY date DESC, id LIMIT ? OFFSET ?"
        )
        return [_row_to_evidence(r) for r in self._db.conn.execute(sql, [*ids, limit, offset])]

    def steps_of(self, evidence_id: int) -> list[int]:
        rows = self._db.conn.execute(
            "SELECT step_id FROM evidence_step WHERE evidence_id = ? ORDER BY step_id",
            (evidence_id,),
        )
        return [r[0] for r in rows]

    def links_of_steps(self, step_ids: Iterable[int]) -> list[tuple[int, int]]:
        ids = sorted(set(step_ids))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self._db.conn.execute(
            f"SELECT evidence_id, step_id FROM evidence_step WHERE step_id IN ({marks})"
            " ORDER BY evidence_id, step_id",
            ids,
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]

    def search(self, query: str, *, limit: int = 200) -> list[Evidence]:
        """Full-text search over evidence text; words are matched as typed, never as syntax."""
        match = _match(query)
        if match is None:
            return []
        sql = (
            f"{_SELECT} WHERE id IN (SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH ?)"
            " ORDER BY date DESC, id LIMIT ?"
        )
        return [_row_to_evidence(r) for r in self._db.conn.execute(sql, (match, limit))]

    def search_ids(self, query: str) -> list[int]:
        """The ids of every item :meth:`search` would find, however many (ids only, so a
        query matching 100,000 items does not load them)."""
        match = _match(query)
        if match is None:
            return []
        sql = "SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH ? ORDER BY rowid"
        return [row[0] for row in self._db.conn.execute(sql, (match,))]

    def batches(self) -> list[ImportBatch]:
        rows = self._db.conn.execute(
            "SELECT id, file_name, imported_at, format, mapping, rows, sample_size"
            " FROM import_batch ORDER BY id"
        )
        return [
            ImportBatch(i, f, at, fmt, json.loads(m or "{}"), n, s)
            for i, f, at, fmt, m, n, s in rows
        ]

    def imported_ids(self, format: str) -> list[tuple[str, int]]:
        """(external id, batch id) of every imported item that has an external id, from the
        import batches of ``format``: the items a new import of a tool's export could repeat.
        One scan of the evidence (external ids have no index)."""
        return self._db.conn.execute(
            "SELECT external_id, batch_id FROM evidence WHERE external_id != ''"
            " AND batch_id IN (SELECT id FROM import_batch WHERE format = ?)",
            (format,),
        ).fetchall()

    def imported_contents(self) -> list[tuple[Any, ...]]:
        """(external id, date, customer id, score, text, step id or None, batch id) of every
        imported item: what an import compares its rows with to skip those already imported,
        whatever file or format they came from. The step is the item's first linked step (a
        lookup in the links' primary key, as fast as reading them all)."""
        return self._db.conn.execute(
            "SELECT external_id, date, customer_id, score, text,"
            " (SELECT min(step_id) FROM evidence_step WHERE evidence_id = evidence.id),"
            " batch_id FROM evidence WHERE batch_id IS NOT NULL"
        ).fetchall()

    # --- edits (each one transaction) -----------------------------------------------------------

    def add(self, items: Iterable[Mapping[str, Any]], *, step_ids: Iterable[int] = ()) -> list[int]:
        """Add hand-entered evidence items (no import batch), optionally linked to steps."""
        steps = list(step_ids)
        with self._db.atomic():
            ids = self._insert(None, items)
            self._db.conn.executemany(
                "INSERT OR IGNORE INTO evidence_step (evidence_id, step_id) VALUES (?, ?)",
                [(i, s) for i in ids for s in steps],
            )
        for i in ids:
            self._emit(Change("added", "evidence", i))
        return ids

    def import_batch(
        self,
        file_name: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        format: str = "generic",
        mapping: Mapping[str, str] | None = None,
        sample_size: int | None = None,
    ) -> ImportBatch:
        """Import rows as one batch in one transaction: all of them, or none.

        A row may carry ``step_ids`` (the steps it belongs to). ``sample_size`` is the number
        of people sampled (defaults to the rows imported)."""
        links: list[tuple[int, int]] = []

        def values() -> Iterator[tuple[Any, ...]]:
            for n, row in enumerate(rows):
                yield _evidence_values(None, row)[1:]
                links.extend((n, s) for s in row.get("step_ids", ()))

        # ``links`` fills as the rows are read; import_values writes links after all rows.
        return self.import_values(
            file_name, values(), links, format=format, mapping=mapping, sample_size=sample_size
        )

    def import_values(
        self,
        file_name: str,
        rows: Iterable[Sequence[Any]],
        links: Iterable[tuple[int, int]] = (),
        *,
        steps: Sequence[int | None] = (),
        format: str = "generic",
        mapping: Mapping[str, str] | None = None,
        sample_size: int | None = None,
        tick: Callable[[int], None] | None = None,
        chunk: int = 5000,
    ) -> ImportBatch:
        """Import value rows (in IMPORT_COLUMNS order, text already text) as one batch in one
        transaction: all of them, or none. The bulk path of file imports.

        ``steps`` holds the step id of each row by position (None for a row without one);
        ``links`` are further (0-based row, step id) pairs, read after the last row. ``tick(done)``
        is called after every ``chunk`` rows; an exception it raises rolls the import back.
        An import without rows is refused: it would leave an empty batch."""
        conn = self._db.conn
        # Every link an import writes points at a row it has just inserted and at a step
        # check_links has found: SQLite's own check of each row and link (a seventh of the
        # write) is off for the import's transaction. A pragma cannot change within a
        # transaction: an import nested in another keeps SQLite's checks as well.
        relaxed = not conn.in_transaction
        try:
            if relaxed:
                conn.execute("PRAGMA foreign_keys = OFF")
            with self._db.atomic():
                batch_id = self._write_import(
                    file_name, rows, links, steps, format, mapping, sample_size, tick, chunk
                )
        finally:
            if relaxed:
                checks_on(conn)
        self._emit(Change("added", "import_batch", batch_id))
        self._emit(Change("added", "evidence", 0, ("bulk",)))
        return next(b for b in self.batches() if b.id == batch_id)

    def _write_import(
        self,
        file_name: str,
        rows: Iterable[Sequence[Any]],
        links: Iterable[tuple[int, int]],
        steps: Sequence[int | None],
        format: str,
        mapping: Mapping[str, str] | None,
        sample_size: int | None,
        tick: Callable[[int], None] | None,
        chunk: int,
    ) -> int:
        """The writes of :meth:`import_values`, inside its transaction; the batch's id."""
        conn = self._db.conn
        now = dt.datetime.now().isoformat(timespec="seconds")
        cur = conn.execute(
            "INSERT INTO import_batch (file_name, imported_at, format, mapping)"
            " VALUES (?, ?, ?, ?)",
            (file_name, now, format, json.dumps(dict(mapping or {}))),
        )
        batch_id = int(cur.lastrowid or 0)
        start = int(conn.execute("SELECT coalesce(max(id), 0) FROM evidence").fetchone()[0])
        count = self._insert_rows(batch_id, rows, tick, chunk)
        if count == 0:
            raise ModelError(f"“{file_name}” has no rows to import; nothing was imported.")
        end = int(conn.execute("SELECT coalesce(max(id), 0) FROM evidence").fetchone()[0])
        if end != start + count:  # only when ids ran out and SQLite picked free ones
            raise ModelError("The project has no room for more evidence ids.")
        # One pass over the new rows fills the search index (see schema.py, version 2).
        conn.execute(
            "INSERT INTO evidence_fts (rowid, text) SELECT id, text FROM evidence WHERE id > ?",
            (start,),
        )
        pairs = list(links)  # (filled as the rows were read, by import_batch)
        check_links(conn, count, steps, pairs)
        self._link_rows(start, count, steps)
        conn.executemany(
            "INSERT OR IGNORE INTO evidence_step (evidence_id, step_id)"
            f" VALUES (? + {start + 1:d}, ?)",
            pairs,
        )
        n = sample_size if sample_size is not None else count
        conn.execute(
            "UPDATE import_batch SET rows = ?, sample_size = ? WHERE id = ?",
            (count, n, batch_id),
        )
        return batch_id

    def _insert_rows(
        self,
        batch_id: int,
        rows: Iterable[Sequence[Any]],
        tick: Callable[[int], None] | None,
        chunk: int,
    ) -> int:
        """Insert the rows of an import, in order (each a b-tree append), a chunk at a time;
        returns how many. Inside the import's transaction."""
        conn = self._db.conn
        # The batch id is ours (an int), so it goes into the statement rather than into
        # every row's parameters; SQLite numbers the rows start+1, start+2, ... itself.
        # So do the values every row shares, when the rows come as columns.
        values = ["?"] * len(IMPORT_COLUMNS)
        if isinstance(rows, ValueColumns) and len(rows.columns) == len(IMPORT_COLUMNS):
            if not set(rows.columns[0]) <= _KINDS:
                raise ModelError(f"Evidence kind must be one of: {', '.join(EVIDENCE_KINDS)}.")
            constants = constants_of(rows.columns)
            constants.pop(len(IMPORT_COLUMNS) - 1, None)  # (a row binds one value at least)
            for i, literal in constants.items():
                values[i] = literal
            rows = zip(*(c for i, c in enumerate(rows.columns) if i not in constants), strict=True)
            check_kinds = False
        else:
            check_kinds = True
        insert = (
            f"INSERT INTO evidence ({', '.join(EVIDENCE_COLUMNS)}) VALUES "
            f"({batch_id:d}, {', '.join(values)})"
        )
        count = 0
        pending = iter(rows)
        while part := list(islice(pending, chunk)):
            if check_kinds and not set(map(itemgetter(0), part)) <= _KINDS:
                raise ModelError(f"Evidence kind must be one of: {', '.join(EVIDENCE_KINDS)}.")
            conn.executemany(insert, part)
            count += len(part)
            if tick is not None:
                tick(count)
        return count

    def _link_rows(self, start: int, count: int, steps: Sequence[int | None]) -> None:
        """Link the rows numbered start+1, start+2, ... to ``steps`` (one step id or None per
        row) in one statement that reads the ids from one JSON array: half the time of binding
        a pair of parameters per link. Inside the import's transaction."""
        if not steps:
            return
        self._db.conn.execute(
            "INSERT OR IGNORE INTO evidence_step (evidence_id, step_id)"
            f" SELECT key + {start + 1:d}, value FROM json_each(?) WHERE value IS NOT NULL",
            (json.dumps(list(steps)),),
        )

    def remove_batch(self, batch_id: int) -> None:
        """Remove an import batch that no pain cites (the undo of its import). Evidence a pain
        cites is removed with ``Project.remove_import_batch``, which updates the pains."""
        with self._db.atomic():
            self.take_batch(batch_id)
        self._emit(Change("removed", "import_batch", batch_id))
        self._emit(Change("removed", "evidence", 0, ("bulk",)))

    # What a batch owns, table by table, in the order it goes back (parents first). The
    # links keep their rowids, so even their stored order comes back; the other tables'
    # rowids are their ids. Pain links are the project's: it rewrites the pains itself.
    # Evidence has no index on batch_id (see schema.py, version 4): a batch's rows are read
    # by id within the batch's id range, which _batch_span finds with one scan; an import's
    # ids are consecutive, so the range holds its rows alone (others would still be filtered
    # out by batch_id, only read).
    _OF_BATCH = "SELECT id FROM evidence WHERE id BETWEEN :lo AND :hi AND batch_id = :batch"
    _BATCH_ROWS = (
        ("import_batch", "SELECT * FROM import_batch WHERE id = :batch"),
        (
            "evidence",
            "SELECT * FROM evidence WHERE id BETWEEN :lo AND :hi AND batch_id = :batch ORDER BY id",
        ),
        (
            "evidence_step",
            "SELECT rowid AS rowid, * FROM evidence_step WHERE evidence_id IN"
            f" ({_OF_BATCH}) ORDER BY rowid",
        ),
        (
            "follow_up",
            f"SELECT * FROM follow_up WHERE evidence_id IN ({_OF_BATCH}) ORDER BY evidence_id",
        ),
    )

    def _batch_span(self, batch_id: int) -> dict[str, Any]:
        """The parameters :batch, :lo and :hi (the first and last evidence id of the batch,
        None when it has none) of the queries that read a batch's rows by id range."""
        lo, hi = self._db.conn.execute(
            "SELECT min(id), max(id) FROM evidence WHERE batch_id = ?", (batch_id,)
        ).fetchone()
        return {"batch": batch_id, "lo": lo, "hi": hi}

    def batch_evidence_ids(self, batch_id: int) -> list[int]:
        rows = self._db.conn.execute("SELECT id FROM evidence WHERE batch_id = ?", (batch_id,))
        return [r[0] for r in rows]

    def take_batch(self, batch_id: int) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
        """Delete an import batch with its evidence, step links, follow-ups and search
        entries, inside the caller's transaction. Returns the deleted rows by table (column
        names, rows) for :meth:`put_back_batch`. Refused while a pain cites the evidence."""
        conn = self._db.conn
        if conn.execute("SELECT 1 FROM import_batch WHERE id = ?", (batch_id,)).fetchone() is None:
            raise ModelError(f"There is no import with id {batch_id}.")
        span = self._batch_span(batch_id)
        ids = self._OF_BATCH
        cited = conn.execute(
            f"SELECT count(DISTINCT pain_id) FROM pain_evidence WHERE evidence_id IN ({ids})",
            span,
        ).fetchone()[0]
        if cited:
            raise ModelError(
                f"{counted(cited, 'pain')} {'cites' if cited == 1 else 'cite'} evidence of this "
                "import; remove it through the project, "
                "which updates the pains."
            )
        taken: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for table, sql in self._BATCH_ROWS:
            cur = conn.execute(sql, span)
            taken[table] = ([d[0] for d in cur.description], cur.fetchall())
        conn.execute(f"DELETE FROM follow_up WHERE evidence_id IN ({ids})", span)
        conn.execute(f"DELETE FROM evidence_step WHERE evidence_id IN ({ids})", span)
        # An external-content index forgets a row only when told its old text.
        conn.execute(
            "INSERT INTO evidence_fts (evidence_fts, rowid, text)"
            " SELECT 'delete', id, text FROM evidence"
            " WHERE id BETWEEN :lo AND :hi AND batch_id = :batch",
            span,
        )
        conn.execute(
            "DELETE FROM evidence WHERE id BETWEEN :lo AND :hi AND batch_id = :batch", span
        )
        conn.execute("DELETE FROM import_batch WHERE id = :batch", span)
        return taken

    def put_back_batch(self, taken: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> int:
        """Insert again what :meth:`take_batch` deleted, with the same ids, inside the
        caller's transaction; returns the batch id. Refused if any of those ids is taken."""
        conn = self._db.conn
        _cols, (batch_row,) = taken["import_batch"]
        batch_id = int(batch_row[0])
        evidence_ids = [row[0] for row in taken["evidence"][1]]
        batch_taken = conn.execute("SELECT 1 FROM import_batch WHERE id = ?", (batch_id,))
        ids_taken = conn.execute(
            "SELECT 1 FROM evidence WHERE id IN (SELECT value FROM json_each(?)) LIMIT 1",
            (json.dumps(evidence_ids),),
        )
        if batch_taken.fetchone() or ids_taken.fetchone():
            raise ModelError("The import cannot be put back: its evidence ids are already in use.")
        for table, (columns, rows) in taken.items():
            if rows:
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)})"
                    f" VALUES ({', '.join('?' * len(columns))})",
                    rows,
                )
        if evidence_ids:  # (taken in id order)
            conn.execute(
                "INSERT INTO evidence_fts (rowid, text) SELECT id, text FROM evidence"
                " WHERE id BETWEEN ? AND ? AND batch_id = ?",
                (evidence_ids[0], evidence_ids[-1], batch_id),
            )
        return batch_id

    def link(self, evidence_ids: Iterable[int], step_id: int) -> int:
        """Link evidence to a step; returns how many links were new."""
        pairs = [(i, step_id) for i in evidence_ids]
        with self._db.atomic():
            before = self._db.conn.total_changes
            self.link_pairs(pairs)
            added = self._db.conn.total_changes - before
        self._emit(Change("changed", "evidence", 0, ("links",)))
        return added

    def unlink(self, evidence_ids: Iterable[int], step_id: int) -> None:
        with self._db.atomic():
            self._db.conn.executemany(
                "DELETE FROM evidence_step WHERE evidence_id = ? AND step_id = ?",
                [(i, step_id) for i in evidence_ids],
            )
        self._emit(Change("changed", "evidence", 0, ("links",)))

    def follow_up(self, evidence_id: int) -> tuple[str, str]:
        """The close-the-loop status and owner of a detractor ("open", "") by default."""
        row = self._db.conn.execute(
            "SELECT status, owner FROM follow_up WHERE evidence_id = ?", (evidence_id,)
        ).fetchone()
        return (row[0], row[1]) if row else ("open", "")

    def set_follow_up(self, states: Mapping[int, tuple[str, str]]) -> None:
        """Record the close-the-loop (status, owner) of detractors, in one transaction."""
        for status, owner in states.values():
            if status not in FOLLOW_UP_STATUSES:
                raise ModelError(f"The status must be one of: {', '.join(FOLLOW_UP_STATUSES)}.")
            if len(owner) > 200:
                raise ModelError("The owner is longer than 200 characters.")
        for evidence_id in states:
            self.get(evidence_id)
        now = dt.datetime.now().isoformat(timespec="seconds")
        with self._db.atomic():
            self._db.conn.executemany(
                "INSERT OR REPLACE INTO follow_up (evidence_id, status, owner, updated_at)"
                " VALUES (?, ?, ?, ?)",
                [(i, status, owner, now) for i, (status, owner) in states.items()],
            )
        self._emit(Change("changed", "evidence", 0, ("follow_up",)))

    # --- helpers used inside the project's own transactions -------------------------------------

    def link_pairs(self, pairs: Iterable[tuple[int, int]]) -> None:
        self._db.conn.executemany(
            "INSERT OR IGNORE INTO evidence_step (evidence_id, step_id) VALUES (?, ?)", pairs
        )

    def unlink_steps(self, step_ids: Iterable[int]) -> None:
        self._db.conn.executemany(
            "DELETE FROM evidence_step WHERE step_id = ?", [(i,) for i in step_ids]
        )
        self._db.conn.executemany(
            "DELETE FROM pain_step WHERE step_id = ?", [(i,) for i in step_ids]
        )

    def _insert(self, batch_id: int | None, items: Iterable[Mapping[str, Any]]) -> list[int]:
        ids = []
        for item in items:
            values = _evidence_values(batch_id, item)
            cur = self._db.conn.execute(
                f"INSERT INTO evidence ({', '.join(EVIDENCE_COLUMNS)}) VALUES "
                f"({', '.join('?' * len(EVIDENCE_COLUMNS))})",
                values,
            )
            ids.append(int(cur.lastrowid or 0))
        self._db.conn.executemany(
            "INSERT INTO evidence_fts (rowid, text) SELECT id, text FROM evidence WHERE id = ?",
            [(i,) for i in ids],
        )
        return ids


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


# The column order _evidence_values fills (checked at import time below).
assert EVIDENCE_COLUMNS == [
    "batch_id",
    "kind",
    "source",
    "external_id",
    "date",
    "customer_id",
    "score",
    "score_scale",
    "channel",
    "text",
]


def _evidence_values(batch_id: int | None, item: Mapping[str, Any]) -> tuple[Any, ...]:
    get = item.get
    kind = get("kind", "survey")
    if kind not in EVIDENCE_KINDS:
        raise ModelError(f"Evidence kind must be one of: {', '.join(EVIDENCE_KINDS)}.")
    return (
        batch_id,
        kind,
        _text(get("source")),
        _text(get("external_id")),
        get("date"),
        _text(get("customer_id")),
        get("score"),
        _text(get("score_scale")),
        _text(get("channel")),
        _text(get("text")),
    )


def _match(query: str) -> str | None:
    """An FTS5 query that matches the words as typed: each one quoted, so none is syntax."""
    terms = [t.replace('"', '""') for t in query.split()]
    return " ".join(f'"{t}"' for t in terms) if terms else None
