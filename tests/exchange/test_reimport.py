"""Importing an export again: rows already in the project are recognised, by their id or by
their content, whatever the file is called or whatever format it is in."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def batch_count(project: Project) -> tuple[int, int]:
    return len(project.evidence.batches()), project.evidence.count()


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


def test_generic_ids_are_recognised_within_their_source(journey: Project, tmp_path: Path) -> None:
    rows = [["ID", "Comment"], ["1", "slow"], ["2", "fine"]]
    run_import(journey, plan_import(journey, write_csv(tmp_path / "march.csv", rows)))
    # Another file's row numbers are other responses: all imported.
    other = plan_import(journey, write_csv(tmp_path / "april.csv", rows))
    assert other.skipped == {} and len(other.evidence) == 2
    run_import(journey, other)
    with pytest.raises(ImportFailure, match=r"Every row of “march\.csv” is already"):
        plan_import(journey, tmp_path / "march.csv")
    # With a source column, the source names the survey, whatever the file's name.
    sourced = [["ID", "Survey name", "Comment"], ["1", "NPS Q3", "slow"], ["2", "NPS Q3", "fine"]]
    run_import(journey, plan_import(journey, write_csv(tmp_path / "q3.csv", sourced)))
    again = [*sourced, ["3", "NPS Q3", "new"], ["1", "NPS Q4", "other survey"]]
    plan = plan_import(journey, write_csv(tmp_path / "q3-copy.csv", again))
    assert plan.skipped == {ALREADY_IMPORTED: 2}
    assert [row[8] for row in plan.evidence] == ["new", "other survey"]
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
    assert "Imported 1 items from sm-again.csv" in out
    assert "Skipped rows: 1 (1 already imported)." in out
    no_ids = write_csv(tmp_path / "plain.csv", [["Comment"], ["one"], ["two"]])
    assert cli(["import", str(path), str(no_ids)]) == 0
    capsys.readouterr()
    write_csv(no_ids, [["Comment"], ["one"], ["three"]])
    assert cli(["import", str(path), str(no_ids)]) == 0
    out = capsys.readouterr().out
    assert "warning: “plain.csv” looks like an import already made on " in out
    assert "; remove that import first if this is a re-import." in out
    assert "Imported 1 items" in out
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
