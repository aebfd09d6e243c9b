"""Importing an export again: rows already in the project are recognised, by their id or by
their content, whatever the file is called or whatever format it is in."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cxmapper.cli import main as cli
from cxmapper.exchange.importer import (
    ALREADY_IMPORTED,
    Advice,
    plan_import,
    run_import,
)
from cxmapper.exchange.tabular import ImportFailure
from cxmapper.model.demo import write_demo
from cxmapper.model.evidence_stats import detractor_ids_at
from cxmapper.model.project import Project
from cxmapper.model.scoring import score_pains
from tests.exchange.samples import qualtrics, surveymonkey, write_csv, zendesk

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real-exports"
real_exports = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"the real exports are not beside the project ({REAL})"
)


def batch_count(project: Project) -> tuple[int, int]:
    return len(project.evidence.batches()), project.evidence.count()


def items(project: Project, after_batch: int = 0) -> Counter[tuple[object, ...]]:
    """The imported items (those of the batches after ``after_batch``), as a multiset of
    everything an item says (not its source, which is the file's name)."""
    rows = project.db.conn.execute(
        "SELECT kind, external_id, date, customer_id, score, score_scale, channel, text,"
        " (SELECT group_concat(step_id) FROM evidence_step WHERE evidence_id = evidence.id)"
        " FROM evidence WHERE batch_id > ?",
        (after_batch,),
    )
    return Counter(rows)


def test_a_second_import_of_the_same_export_is_refused(journey: Project, tmp_path: Path) -> None:
    export = qualtrics(tmp_path)
    run_import(journey, plan_import(journey, export))
    first = journey.evidence.batches()[0]
    before = batch_count(journey)
    with pytest.raises(ImportFailure) as info:
        plan_import(journey, export)
    day, time = first.imported_at[:10], first.imported_at[11:16]
    assert str(info.value) == (
        f"Every row of “qualtrics.csv” is already in the project (imported on {day} at {time} "
        "as “qualtrics.csv”); nothing was imported."
    )
    # A survey tool's ids are its own, whatever the file is called.
    renamed = tmp_path / "October (1).csv"
    renamed.write_bytes(export.read_bytes())
    with pytest.raises(ImportFailure, match=r"Every row of “October \(1\)\.csv” is already"):
        plan_import(journey, renamed)
    assert batch_count(journey) == before


def test_rows_already_imported_are_skipped(journey: Project, tmp_path: Path) -> None:
    run_import(journey, plan_import(journey, zendesk(tmp_path)))
    # A later export overlapping the first: tickets 4412 and 4413 again, and a new one.
    later = write_csv(
        tmp_path / "tickets-later.csv",
        [
            ["Id", "Subject", "Satisfaction Score", "Created at", "Touchpoint"],
            ["4412", "How do I add a user?", "Good", "2026-09-13T10:00:00Z", "Kick-off meeting"],
            ["4413", "Sync failed", "Unoffered", "2026-09-14T10:00:00Z", "Kick-off meeting"],
            ["4414", "Invoice twice", "Bad", "2026-09-15T10:00:00Z", "Receives invoice"],
        ],
    )
    plan = plan_import(journey, later)
    assert plan.skipped == {ALREADY_IMPORTED: 2} and len(plan.evidence) == 1
    assert {v: m.rows for v, m in plan.step_matches.items()} == {"Receives invoice": 1}
    result = run_import(journey, plan)
    assert (result.imported, result.linked, result.batch.sample_size) == (1, 1, 1)
    ids = [r[0] for r in journey.db.conn.execute("SELECT external_id FROM evidence ORDER BY id")]
    assert ids == ["4411", "4412", "4413", "4414"]


def test_generic_ids_are_recognised_with_their_content(journey: Project, tmp_path: Path) -> None:
    rows = [["ID", "Comment"], ["1", "slow"], ["2", "fine"]]
    run_import(journey, plan_import(journey, write_csv(tmp_path / "march.csv", rows)))
    # The same responses under another name: the same ids with the same content.
    with pytest.raises(ImportFailure, match=r"Every row of “april\.csv” is already .* “march"):
        plan_import(journey, write_csv(tmp_path / "april.csv", rows))
    # Another system's row numbers are other responses: an id with another content is new.
    other = [["ID", "Comment"], ["1", "fast"], ["2", "fine"], ["3", "slow"]]
    plan = plan_import(journey, write_csv(tmp_path / "may.csv", other))
    assert plan.skipped == {ALREADY_IMPORTED: 1}
    assert [(row[2], row[8]) for row in plan.evidence] == [("1", "fast"), ("3", "slow")]
    # A source column does not change what a response is.
    sourced = [["ID", "Survey name", "Comment"], ["1", "NPS Q3", "slow"], ["2", "NPS Q3", "ok"]]
    run_import(journey, plan_import(journey, write_csv(tmp_path / "q3.csv", sourced)))
    again = [*sourced, ["3", "NPS Q3", "new"], ["1", "NPS Q4", "other survey"]]
    plan = plan_import(journey, write_csv(tmp_path / "q3-copy.csv", again))
    assert plan.skipped == {ALREADY_IMPORTED: 2}
    assert [row[8] for row in plan.evidence] == ["new", "other survey"]
    resent = [[i, "NPS Q3 (resent)", text] for i, _, text in sourced[1:]]
    with pytest.raises(ImportFailure, match=r"Every row of “q3-resent\.csv” is already"):
        plan_import(journey, write_csv(tmp_path / "q3-resent.csv", [sourced[0], *resent]))
    # A Zendesk ticket id is not a generic file's row number.
    assert len(plan_import(journey, zendesk(tmp_path)).evidence) == 3


def test_a_file_without_ids_imported_again_is_skipped_by_its_content(
    journey: Project, tmp_path: Path
) -> None:
    rows = [["Customer ID", "Comment"], ["C1", "slow"], ["C2", "fine"]]
    path = write_csv(tmp_path / "no-ids.csv", rows)
    assert plan_import(journey, path).warnings == []
    run_import(journey, plan_import(journey, path))
    at = journey.evidence.batches()[0].imported_at
    with pytest.raises(ImportFailure, match=r"Every row of “no-ids\.csv” is already in the"):
        plan_import(journey, path)
    # The same rows under another name, in another order, among new ones: only the new.
    other = write_csv(tmp_path / "resaved.csv", [rows[0], ["C3", "new"], rows[2], rows[1]])
    plan = plan_import(journey, other)
    assert plan.skipped == {ALREADY_IMPORTED: 2}
    assert [row[8] for row in plan.evidence] == ["new"]
    # A file of the same name and number of rows, some of them new, may be a re-import.
    write_csv(path, [rows[0], rows[1], ["C4", "changed"]])
    plan = plan_import(journey, path)
    assert plan.skipped == {ALREADY_IMPORTED: 1}
    assert [str(w) for w in plan.warnings] == [
        f"“no-ids.csv” looks like an import already made on {at[:10]} at {at[11:16]}; "
        "remove that import first if this is a re-import."
    ]
    assert plan.warnings[0].advice is Advice.REMOVE_EARLIER_IMPORT
    assert run_import(journey, plan).imported == 1  # a warning, not a refusal


def test_the_cli_skips_refuses_and_warns(journey: Project, tmp_path: Path, capsys) -> None:
    path = journey.path
    journey.close()
    export = qualtrics(tmp_path)
    assert cli(["import", str(path), str(export)]) == 0
    capsys.readouterr()
    assert cli(["import", str(path), str(export)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "cxmapper: Every row of “qualtrics.csv” is already in the project (imported on "
    )
    assert err.endswith(" as “qualtrics.csv”); nothing was imported.\n")
    with Project.open(path) as p:
        assert batch_count(p) == (1, 2)
    more = write_csv(
        tmp_path / "more.csv",
        [["Response ID", "Comment"], ["R_9", "new"], ["R_8", "newer"], ["R_7", "newest"]],
    )
    assert cli(["import", str(path), str(more)]) == 0
    assert cli(["import", str(path), str(more), "--map", "text=2"]) == 1  # same source, same ids
    capsys.readouterr()
    sm = surveymonkey(tmp_path)
    assert cli(["import", str(path), str(sm), "--date-order", "mdy"]) == 0
    sm_more = tmp_path / "sm-again.csv"
    sm_more.write_text(sm.read_text(encoding="utf-8").replace("1002", "1003"), encoding="utf-8")
    assert cli(["import", str(path), str(sm_more), "--date-order", "mdy"]) == 0
    out = capsys.readouterr().out
    assert "Imported 1 item from sm-again.csv" in out
    assert "Skipped rows: 1 (1 already imported)." in out
    no_ids = write_csv(tmp_path / "plain.csv", [["Comment"], ["one"], ["two"]])
    assert cli(["import", str(path), str(no_ids)]) == 0
    capsys.readouterr()
    write_csv(no_ids, [["Comment"], ["one"], ["three"]])
    assert cli(["import", str(path), str(no_ids)]) == 0
    out = capsys.readouterr().out
    assert "warning: “plain.csv” looks like an import already made on " in out
    assert "; remove that import first if this is a re-import." in out
    assert "Imported 1 item" in out
    assert "Skipped rows: 1 (1 already imported)." in out


def demo_like_export(path: Path, steps: list[str], n: int = 240) -> Path:
    """A survey export like the demo's: response ids, customers, NPS, comments, steps."""
    rows = [["Response ID", "Customer ID", "Date", "NPS", "Comment", "Touchpoint"]]
    for i in range(n):
        score = i % 11
        comment = "The invoice was wrong again" if score <= 6 else "Clear and quick"
        day = f"2026-0{i % 9 + 1}-{i % 27 + 1:02d}"
        rows.append([f"R_{i:05d}", f"ACME-{i % 90:04d}", day, str(score), comment, steps[i % 2]])
    return write_csv(path, rows)


def test_a_second_import_of_a_demo_like_export_changes_no_score(tmp_path: Path, capsys) -> None:
    project = tmp_path / "demo.cxmap"
    write_demo(project)
    with Project.open(project) as p:
        titles = sorted(s.title for s in p.steps())[:2]
    export = demo_like_export(tmp_path / "nps-export.csv", titles)
    assert cli(["import", str(project), str(export)]) == 0

    def scores() -> tuple[object, ...]:
        """Every pain's score, and that of a pain backed by every detractor at the export's
        steps (as "New pain from selection" makes it), which a doubled import would halve."""
        with Project.open(project) as p:
            steps = [s.id for s in p.steps() if s.title in titles]
            pain = p.add_pain("Re-import check", step_ids=tuple(steps))
            p.update_pain(pain.id, evidence_ids=tuple(detractor_ids_at(p, steps)))
            found = [
                (s.title, s.k, s.n, round(s.reach, 6), round(s.impact, 6)) for s in score_pains(p)
            ]
            p.remove_pain(pain.id)
            return tuple(found), batch_count(p)

    before = scores()
    assert any(t == "Re-import check" and k > 0 for t, k, *_ in before[0])
    capsys.readouterr()
    assert cli(["rank", str(project), "--json"]) == 0
    ranked = capsys.readouterr().out
    assert cli(["import", str(project), str(export)]) == 1
    assert "is already in the project" in capsys.readouterr().err
    assert scores() == before
    assert cli(["rank", str(project), "--json"]) == 0
    assert capsys.readouterr().out == ranked


# --- cumulative exports: what an item says may be said again ----------------------------------

HEADER = ["Response ID", "Date", "Customer ID", "NPS", "Comment", "Touchpoint"]
MAPPING = {
    "id": "Response ID",
    "date": "Date",
    "customer_id": "Customer ID",
    "score": "NPS",
    "text": "Comment",
    "step": "Touchpoint",
}


def test_a_cumulative_export_brings_in_every_new_row(journey: Project, tmp_path: Path) -> None:
    """The same survey sent again a week later, with last week's responses and new ones:
    a new 10 on a day that already had one, without a comment, is a new response."""
    week1 = [
        ["", "2026-09-01", "", "10", "", ""],
        ["", "2026-09-01", "", "10", "", ""],
        ["", "2026-09-01", "", "9", "", "Receives invoice"],
    ]
    week2 = [
        *week1,
        ["", "2026-09-01", "", "10", "", ""],  # a third 10 that day
        ["", "2026-09-01", "", "9", "", ""],  # the 9 again, at no step this time
        ["", "2026-09-01", "", "9", "", "Receives invoice"],
    ]
    first = write_csv(tmp_path / "week-1.csv", [HEADER, *week1])
    run_import(journey, plan_import(journey, first, overrides=MAPPING))
    cumulative = write_csv(tmp_path / "week-2.csv", [HEADER, *week2])
    plan = plan_import(journey, cumulative, overrides=MAPPING)
    assert plan.skipped == {ALREADY_IMPORTED: 3}
    assert [(row[5], row[8]) for row in plan.evidence] == [(10.0, ""), (9.0, ""), (9.0, "")]
    assert run_import(journey, plan).imported == 3
    with Project.in_memory() as fresh:
        fresh.add_step(fresh.add_work_group("Customer").id, "Receives invoice")
        run_import(fresh, plan_import(fresh, cumulative, overrides=MAPPING))
        assert items(fresh) == items(journey)
        assert sum(items(fresh).values()) == 6
    # Imported again, every row is found: each item is taken by one row at most.
    with pytest.raises(ImportFailure, match=r"Every row of “week-2\.csv” is already .* “week-1"):
        plan_import(journey, cumulative, overrides=MAPPING)


def test_a_file_of_identical_rows_imported_twice_adds_nothing(
    journey: Project, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "same.csv", [["NPS", "Date"]] + [["10", "2026-09-01"]] * 4)
    assert run_import(journey, plan_import(journey, path)).imported == 4
    with pytest.raises(ImportFailure, match=r"Every row of “same\.csv” is already"):
        plan_import(journey, path)
    # Two more of them, in a file of another name: only those two.
    more = write_csv(tmp_path / "more.csv", [["NPS", "Date"]] + [["10", "2026-09-01"]] * 6)
    plan = plan_import(journey, more)
    assert plan.skipped == {ALREADY_IMPORTED: 4} and len(plan.evidence) == 2


def test_rows_with_ids_are_counted_as_rows_without(journey: Project, tmp_path: Path) -> None:
    """A generic file's id is recognised with its content; a file mixing rows with and
    without an id takes each item once, by the row with its id or by one without."""
    rows = [HEADER, ["7", "2026-09-01", "", "10", "", ""], ["7", "2026-09-01", "", "10", "", ""]]
    first = write_csv(tmp_path / "a.csv", rows)
    run_import(journey, plan_import(journey, first, overrides=MAPPING))
    mixed = [*rows, ["", "2026-09-01", "", "10", "", ""], ["7", "2026-09-02", "", "10", "", ""]]
    plan = plan_import(journey, write_csv(tmp_path / "b.csv", mixed), overrides=MAPPING)
    assert plan.skipped == {ALREADY_IMPORTED: 2}
    assert [(row[2], row[3]) for row in plan.evidence] == [("", "2026-09-01"), ("7", "2026-09-02")]


cell = st.sampled_from
generated_rows = st.lists(
    st.tuples(
        cell(["", "", "R1", "R2"]),
        cell(["2026-09-01", "2026-09-02"]),
        cell(["", "C1"]),
        cell(["", "9", "10"]),
        cell(["", "", "slow"]),
        cell(["", "Receives invoice", "Kick-off meeting"]),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=generated_rows, data=st.data())
def test_a_part_then_the_whole_file_leaves_the_whole_file(
    tmp_path: Path, rows: list[tuple[str, ...]], data: st.DataObject
) -> None:
    """Whatever rows repeat, importing some of a file's rows and then the whole file leaves
    the items a fresh import of the whole file gives: no more, no fewer. (A row with an id
    is recognised without its step: of two rows with one id and content at two steps, the
    first is taken as the one imported, so after some rows other than the first ones the
    steps of those are not compared.)"""
    keep = data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    prefix = data.draw(st.booleans())
    part = rows[: sum(keep)] if prefix else [r for r, k in zip(rows, keep, strict=True) if k]
    # The same name in two folders: an item's source is its file's name.
    (tmp_path / "part").mkdir(exist_ok=True)
    (tmp_path / "whole").mkdir(exist_ok=True)
    whole = write_csv(tmp_path / "whole" / "survey.csv", [HEADER, *map(list, rows)])
    some = write_csv(tmp_path / "part" / "survey.csv", [HEADER, *map(list, part)])

    def imported(project: Project, path: Path) -> None:
        try:
            plan = plan_import(project, path, overrides=MAPPING, scale="0-10")
        except ImportFailure:  # no rows, none with text or a score, or all already there
            return
        run_import(project, plan)

    with Project.in_memory() as expected, Project.in_memory() as project:
        for p in (expected, project):
            group = p.add_work_group("Customer")
            p.add_step(group.id, "Receives invoice")
            p.add_step(group.id, "Kick-off meeting")
        imported(expected, whole)
        imported(project, some)
        imported(project, whole)
        if prefix:
            assert items(project) == items(expected)
        else:
            assert without_steps_of_ids(items(project)) == without_steps_of_ids(items(expected))


def without_steps_of_ids(found: Counter[tuple[object, ...]]) -> Counter[tuple[object, ...]]:
    """The items, without the step of those with an id (an item's id is its second value)."""
    kept: Counter[tuple[object, ...]] = Counter()
    for item, n in found.items():
        kept[item[:-1] + ((None,) if item[1] else item[-1:])] += n
    return kept


# --- real exports --------------------------------------------------------------------------------


@real_exports
def test_a_cumulative_real_export_loses_no_response(tmp_path: Path) -> None:
    """The Carpentries' instructor-training survey imported with its last 500 rows, then in
    full (as a client sends the same survey again): its score-only rows often say the same
    on the same day, and every one is kept."""
    full = REAL / "carpentries_instructor_training_post.csv"
    with full.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    part = write_csv(tmp_path / "carpentries_part.csv", [rows[0], *rows[-500:]])
    demo, fresh = tmp_path / "demo.cxmap", tmp_path / "fresh.cxmap"
    for path in (demo, fresh):
        write_demo(path)
    with Project.open(demo) as p:
        before = max(b.id for b in p.evidence.batches())
    assert cli(["import", str(demo), str(part)]) == 0
    assert cli(["import", str(demo), str(full)]) == 0
    assert cli(["import", str(fresh), str(full)]) == 0
    with Project.open(demo) as p, Project.open(fresh) as q:
        assert sum(items(q, before).values()) == 889
        assert items(p, before) == items(q, before)


@real_exports
def test_a_generic_export_with_ids_saved_as_csv_is_recognised(tmp_path: Path) -> None:
    """A coded Qualtrics export (generic: its ids are ResponseID) saved from its workbook as
    a CSV of another name: the same responses, not new ones."""
    book = REAL / "qualtricstools_q5_coded.xlsx"
    sheet = load_workbook(book, read_only=True).active
    assert sheet is not None
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    copy = write_csv(tmp_path / "q5_copy.csv", rows)
    demo = tmp_path / "demo.cxmap"
    write_demo(demo)
    assert cli(["import", str(demo), str(book)]) == 0
    with Project.open(demo) as p:
        count = p.evidence.count()
        with pytest.raises(
            ImportFailure,
            match=r"Every row of “q5_copy\.csv” is already .* as "
            r"“qualtricstools_q5_coded\.xlsx”",
        ):
            plan_import(p, copy)
        # One response edited since: that one is new.
        rows[1][2] += " (edited)"
        plan = plan_import(p, write_csv(tmp_path / "q5_edited.csv", rows))
        assert plan.skipped[ALREADY_IMPORTED] == 4 and len(plan.evidence) == 1
        assert p.evidence.count() == count
