"""Removing an import batch through the project, and putting it back exactly (its undo)."""

from __future__ import annotations

from typing import Any

import pytest

from cxmapper.model import store
from cxmapper.model.entities import Pain
from cxmapper.model.events import Change
from cxmapper.model.project import Project
from cxmapper.model.scoring import score_pains
from cxmapper.model.validation import ModelError
from tests.conftest import snapshot


def file_contents(project: Project) -> dict[str, Any]:
    """Every evidence-side row, in stored order, and what full-text search finds."""
    conn = project.db.conn
    tables = ("import_batch", "evidence", "evidence_step", "pain_evidence", "follow_up")
    rows = {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
    # A pain's evidence is its rows in rowid order (how the project reads them back); a
    # rewritten pain may take new rowids, so the order is compared pain by pain.
    rows["pain_evidence"] = conn.execute(
        "SELECT * FROM pain_evidence ORDER BY pain_id, rowid"
    ).fetchall()
    rows["fts"] = sorted(e.id for e in project.evidence.search("invoice", limit=10_000))
    return {**snapshot(project), **rows}


@pytest.fixture
def with_batches(small_journey: Project) -> tuple[Project, int, int]:
    """Two imports and a hand-entered item behind one pain; a detractor being followed up."""
    p = small_journey
    steps = {s.title: s.id for s in p.steps()}
    first = p.evidence.import_batch(
        "first.csv",
        [
            {
                "text": f"invoice wrong {i}",
                "customer_id": f"C{i % 7}",
                "score": i % 11,
                "score_scale": "0-10",
                "step_ids": [steps["Receives invoice"]] + [steps["Pays"]] * (i % 2),
            }
            for i in range(20)
        ],
        sample_size=100,
    )
    hand = p.evidence.add([{"text": "invoice by hand"}], step_ids=[steps["Ticket triage"]])
    second = p.evidence.import_batch(
        "second.csv", [{"text": f"invoice late {i}", "customer_id": f"D{i}"} for i in range(5)]
    )
    first_ids = [i for (i,) in p.db.conn.execute("SELECT id FROM evidence WHERE batch_id = 1")]
    second_ids = [i for (i,) in p.db.conn.execute("SELECT id FROM evidence WHERE batch_id = 2")]
    # Interleaved on purpose: putting the batch back must keep the pain's own order.
    cited = (first_ids[3], hand[0], first_ids[0], second_ids[1], first_ids[7])
    p.add_pain("Wrong invoices", step_ids=(steps["Receives invoice"],), evidence_ids=cited)
    p.add_pain("Only the first import", evidence_ids=tuple(first_ids[:4]))
    p.add_pain("Untouched", evidence_ids=(second_ids[0],))
    p.evidence.set_follow_up({first_ids[0]: ("contacted", "Ana"), second_ids[0]: ("open", "Bo")})
    return p, first.id, second.id


def test_removing_a_batch_updates_the_pains_in_memory_and_in_the_file(
    with_batches: tuple[Project, int, int],
) -> None:
    p, first, second = with_batches
    before = {pain.title: pain for pain in p.pains()}
    seen: list[Change] = []
    p.subscribe(seen.append)
    p.remove_import_batch(first)
    assert [b.id for b in p.evidence.batches()] == [second]
    gone = set(range(1, 21))
    after = {pain.title: pain for pain in p.pains()}
    assert after["Wrong invoices"].evidence_ids == tuple(
        i for i in before["Wrong invoices"].evidence_ids if i not in gone
    )
    assert after["Only the first import"].evidence_ids == ()
    assert after["Untouched"] == before["Untouched"]
    # What the project holds in memory is what the file says.
    assert store.load_all(p.db, Pain) == {pain.id: pain for pain in p.pains()}
    assert p.evidence.count() == 6
    assert p.db.conn.execute("SELECT count(*) FROM follow_up").fetchone()[0] == 1
    assert all("wrong" not in e.text for e in p.evidence.search("invoice", limit=100))
    changed = {after["Wrong invoices"].id, after["Only the first import"].id}
    assert seen == [
        *(Change("changed", "pain", i, ("evidence_ids",)) for i in sorted(changed)),
        Change("removed", "evidence", 0, ("bulk",)),
        Change("removed", "import_batch", first),
    ]
    scores = {s.title: s for s in score_pains(p)}
    assert scores["Wrong invoices"].evidence_count == 2
    assert scores["Only the first import"].evidence_count == 0


def test_a_pain_can_be_edited_after_its_evidence_was_removed(
    with_batches: tuple[Project, int, int],
) -> None:
    p, first, _second = with_batches
    pain = next(x for x in p.pains() if x.title == "Wrong invoices")
    p.remove_import_batch(first)
    # Before the fix the pain still cited the deleted rows: "FOREIGN KEY constraint failed".
    edited = p.update_pain(pain.id, title="Wrong invoices (edited)", extra_contacts=2)
    assert edited.title == "Wrong invoices (edited)"
    assert len(edited.evidence_ids) == 2


def test_restore_puts_the_batch_back_exactly(with_batches: tuple[Project, int, int]) -> None:
    p, first, _second = with_batches
    original = file_contents(p)
    record = p.remove_import_batch(first)
    removed = file_contents(p)
    assert removed != original
    seen: list[Change] = []
    p.subscribe(seen.append)
    p.restore_import_batch(record)
    assert file_contents(p) == original
    assert store.load_all(p.db, Pain) == {pain.id: pain for pain in p.pains()}
    p.db.conn.execute("INSERT INTO evidence_fts (evidence_fts) VALUES ('integrity-check')")
    assert Change("added", "import_batch", first) in seen
    assert Change("added", "evidence", 0, ("bulk",)) in seen
    # Undo and redo again and again: the same record keeps working.
    record = p.remove_import_batch(first)
    assert file_contents(p) == removed
    p.restore_import_batch(record)
    assert file_contents(p) == original


def test_removal_is_one_transaction(
    with_batches: tuple[Project, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    p, first, _second = with_batches
    original = file_contents(p)
    pains = p.pains()

    take = p.evidence.take_batch

    def take_then_fail(batch_id: int) -> Any:
        take(batch_id)  # everything is deleted and the pains rewritten, then the disk fills
        raise ModelError("disk full (simulated)")

    monkeypatch.setattr(p.evidence, "take_batch", take_then_fail)
    with pytest.raises(ModelError):
        p.remove_import_batch(first)
    assert file_contents(p) == original and p.pains() == pains


def test_unknown_batch_and_restoring_over_new_rows_are_refused(
    with_batches: tuple[Project, int, int],
) -> None:
    p, first, _second = with_batches
    with pytest.raises(ModelError, match="no import"):
        p.remove_import_batch(99)
    record = p.remove_import_batch(first)
    p.restore_import_batch(record)
    with pytest.raises(ModelError, match="already"):
        p.restore_import_batch(record)


def test_the_store_alone_refuses_to_remove_evidence_pains_cite(
    with_batches: tuple[Project, int, int],
) -> None:
    """Removing through the evidence store would leave the project's pains stale."""
    p, first, second = with_batches
    with pytest.raises(ModelError, match="pain"):
        p.evidence.remove_batch(first)
    assert len(p.evidence.batches()) == 2
    third = p.evidence.import_batch("third.csv", [{"text": "nobody cites this"}])
    p.evidence.remove_batch(third.id)
    assert [b.id for b in p.evidence.batches()] == [first, second]


def test_a_batch_is_found_by_its_rows_not_by_its_id_range(small_journey: Project) -> None:
    """Removal reads a batch's rows within its first and last evidence id, which hold an
    import's rows alone; a file whose batches interleave (written otherwise) loses only the
    removed batch's rows, and a batch without rows goes and comes back too."""
    p = small_journey
    conn = p.db.conn
    step = p.steps()[0].id
    with p.db.atomic():
        conn.executemany(
            "INSERT INTO import_batch (id, file_name, imported_at, rows) VALUES (?, ?, '', ?)",
            [(1, "odd.csv", 3), (2, "even.csv", 2), (3, "empty.csv", 0)],
        )
        conn.executemany(
            "INSERT INTO evidence (id, batch_id, text) VALUES (?, ?, ?)",
            [(i, 2 - i % 2, f"invoice {i}") for i in range(1, 6)],
        )
        conn.executemany(
            "INSERT INTO evidence_step (evidence_id, step_id) VALUES (?, ?)",
            [(i, step) for i in range(1, 6)],
        )
        conn.execute("INSERT INTO evidence_fts (evidence_fts) VALUES ('rebuild')")
        conn.execute("INSERT INTO follow_up (evidence_id) VALUES (2), (3)")
    p.add_pain("Odd and even", evidence_ids=(4, 3, 2))
    original = file_contents(p)
    record = p.remove_import_batch(1)
    assert [e.id for e in p.evidence.for_steps([step])] == [2, 4]
    assert file_contents(p)["fts"] == [2, 4]
    assert conn.execute("SELECT evidence_id FROM follow_up").fetchall() == [(2,)]
    assert next(x for x in p.pains() if x.title == "Odd and even").evidence_ids == (4, 2)
    conn.execute("INSERT INTO evidence_fts (evidence_fts) VALUES ('integrity-check')")
    p.restore_import_batch(record)
    assert file_contents(p) == original
    conn.execute("INSERT INTO evidence_fts (evidence_fts) VALUES ('integrity-check')")
    empty = p.remove_import_batch(3)
    assert [b.id for b in p.evidence.batches()] == [1, 2] and p.evidence.count() == 5
    p.restore_import_batch(empty)
    assert file_contents(p) == original
