"""Importing survey and ticket exports: the recognised formats, encodings, bad input."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cxmapper.cli import main as cli
from cxmapper.exchange.formats import guess_mapping
from cxmapper.exchange.importer import (
    Items,
    linked_items,
    plan_import,
    run_import,
)
from cxmapper.exchange.tabular import ImportFailure, read_table
from cxmapper.exchange.values import WRITTEN_MISSING, parse_date, parse_score
from cxmapper.model.evidence_store import IMPORT_COLUMNS
from cxmapper.model.project import Project
from cxmapper.model.validation import ModelError
from tests.exchange.samples import dated, qualtrics, stored_dates, surveymonkey, write_csv, zendesk


def test_qualtrics(journey: Project, tmp_path: Path) -> None:
    plan = plan_import(journey, qualtrics(tmp_path))
    assert plan.layout.format == "qualtrics"
    result = run_import(journey, plan)
    assert (result.imported, result.linked) == (2, 2)
    ev = journey.evidence.search("invoice")[0]
    assert (ev.customer_id, ev.score, ev.score_scale, ev.date) == (
        "ACME-1",
        2.0,
        "0-10",
        "2026-10-01",
    )
    assert ev.external_id == "R_1"


def test_surveymonkey_us_dates_and_decimal_comma(journey: Project, tmp_path: Path) -> None:
    # Its one date (10/03/2026) reads either way: the order is the user's to say.
    with pytest.raises(ImportFailure, match="no date shows whether the day"):
        plan_import(journey, surveymonkey(tmp_path))
    plan = plan_import(journey, surveymonkey(tmp_path), date_order="mdy")
    assert plan.layout.format == "surveymonkey"
    run_import(journey, plan)
    ev = journey.evidence.search("ages")[0]
    assert (ev.score, ev.date, ev.customer_id) == (4.5, "2026-10-03", "ACME-7")


def test_zendesk_tickets(journey: Project, tmp_path: Path) -> None:
    plan = plan_import(journey, zendesk(tmp_path))
    assert plan.layout.format == "zendesk" and plan.layout.kind == "ticket"
    run_import(journey, plan)
    bad = journey.evidence.search("seats")[0]
    assert (bad.kind, bad.score, bad.score_scale, bad.date) == (
        "ticket",
        0.0,
        "good-bad",
        "2026-09-12",
    )
    assert journey.evidence.search("sync")[0].score is None  # unoffered


def test_generic_with_mapping_semicolons_and_european_dates(
    journey: Project, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "export.csv",
        [
            ["Kunde", "Datum", "Bewertung", "Kommentar", "Schritt"],
            ["K1", "03.10.2026", "4", "Rechnung falsch", "receives invoice"],
            ["K2", "04.10.2026", "5", "Alles gut", "Invoice corection"],
            ["K3", "05.10.2026", "1", "Nichts", "Somewhere else"],
        ],
        delimiter=";",
    )
    plan = plan_import(
        journey,
        path,
        overrides={
            "customer_id": "Kunde",
            "date": "Datum",
            "score": "Bewertung",
            "text": "Kommentar",
            "step": "Schritt",
        },
        date_order="dmy",  # 03.10.2026 to 05.10.2026 read either way
    )
    assert plan.delimiter == ";"
    matches = plan.step_matches
    assert matches["receives invoice"].exact
    assert (
        matches["Invoice corection"].step_id is not None and not matches["Invoice corection"].exact
    )
    assert matches["Somewhere else"].step_id is None
    result = run_import(journey, plan)
    assert (result.imported, result.linked, result.unmatched_steps) == (3, 2, ["Somewhere else"])
    assert journey.evidence.search("Rechnung")[0].score_scale == "1-5"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings(journey: Project, tmp_path: Path, encoding: str) -> None:
    delimiter = "\t" if encoding == "utf-16" else ","
    rows = [["Comment", "Score"], ["Très déçu, facture erronée", "2"]]
    path = write_csv(tmp_path / "e.csv", rows, delimiter=delimiter, encoding=encoding)
    plan = plan_import(journey, path)
    run_import(journey, plan)
    assert journey.evidence.search("facture")[0].text == "Très déçu, facture erronée"
    assert bool(plan.warnings) == (encoding == "cp1252")


def test_xlsx(journey: Project, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Customer ID", "Date", "CSAT", "Comment"])
    sheet.append(["ACME-1", "2026-10-01", 2, "Slow onboarding"])
    sheet.append(["ACME-2", "2026-10-02", 5, "=SUM(A1:A2)"])
    sheet["D3"].data_type = "s"
    book.save(tmp_path / "x.xlsx")
    result = run_import(journey, plan_import(journey, tmp_path / "x.xlsx"))
    assert result.imported == 2
    assert {e.text for e in journey.evidence.for_steps([], limit=5)} == set()
    texts = {r[0] for r in journey.db.conn.execute("SELECT text FROM evidence")}
    assert texts == {"Slow onboarding", "=SUM(A1:A2)"}


def test_formula_text_is_stored_verbatim(journey: Project, tmp_path: Path) -> None:
    nasty = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]
    path = write_csv(tmp_path / "f.csv", [["Comment"], *[[n] for n in nasty]])
    run_import(journey, plan_import(journey, path))
    texts = [r[0] for r in journey.db.conn.execute("SELECT text FROM evidence ORDER BY id")]
    assert texts == nasty


def test_large_fields_and_embedded_newlines(journey: Project, tmp_path: Path) -> None:
    big = "word " * 600_000  # 3 MB
    path = write_csv(tmp_path / "big.csv", [["Comment", "Score"], [big, "3"], ["two\nlines", "4"]])
    result = run_import(journey, plan_import(journey, path))
    assert result.imported == 2
    assert (
        len(journey.db.conn.execute("SELECT max(length(text)) FROM evidence").fetchone()[0] * "x")
        > 2_000_000
    )


def csv_records(text: str) -> list[list[str]] | int:
    """What csv reads from ``text`` as from a file opened with newline="" (the records, without
    trailing blank ones), or the 1-based number of the record it refuses."""
    records: list[list[str]] = []
    try:
        records.extend(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return len(records) + 1
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    return records


# Line breaks of every kind: csv ends a line only at CR, LF or CR LF; the others (which
# str.splitlines also breaks at) are text inside a field, quoted or not.
BREAKS = ["\r", "\n", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize(
    "text",
    [
        'Comment,Score\r\nfirst,1\r\n"two\r\nlines",2\r\n',
        'Comment,Score\rfirst,1\r"two\rlines",2\r',
        "Comment,Score\nfirst,1\r\nthird,3\rfourth,4",
        'Comment,Score\npage\fbreak,1\n"quoted\fbreak",2\nnext\x85line,3\nsep\u2028line,4\n',
        "Comment,Score\r\nv\vtab,1\r\nfile\x1cgroup\x1drecord\x1eunit,2\r\n",
    ],
)
def test_lines_end_where_csv_ends_them(tmp_path: Path, text: str) -> None:
    path = tmp_path / "breaks.csv"
    path.write_bytes(text.encode())
    assert read_table(path, delimiter=",").rows == csv_records(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*BREAKS, ",", '"', "a", "é", "€", " "]), max_size=40))
def test_any_text_reads_as_csv_reads_it(pieces: list[str]) -> None:
    text = "".join(pieces)
    expected = csv_records(text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.csv"
        path.write_bytes(b"Comment,Score\n" + text.encode())
        try:
            rows = read_table(path, delimiter=",").rows
        except ImportFailure as exc:
            assert isinstance(expected, int), str(exc)
            assert f"row {expected + 1}:" in str(exc) or f"row {expected + 1}," in str(exc)
            return
    assert rows[0] == ["Comment", "Score"] and rows[1:] == expected


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary", "binary"),
        (b'Comment,Score\n"unterminated,3\n', "malformed"),
        (b"Comment,Score\nfine,3\ntoo,many,fields,here\n", "row 3 has 4 fields"),
        (b"Comment,Date\nfine,not a date\n", "row 2, column “Date”"),
        (b"Comment,Score\nfine,lots\n", "is not a number"),
        (b"Name,Age\nBob,3\n", "no column holds feedback text"),
        (b"PK\x03\x04truncated zip", "not a readable Excel workbook"),
    ],
)
def test_bad_files_import_nothing(
    journey: Project, tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / ("bad.xlsx" if content.startswith(b"PK") else "bad.csv")
    path.write_bytes(content)
    with pytest.raises(ImportFailure) as info:
        plan_import(journey, path)
    message = str(info.value)
    assert words in message and "bad." in message and "\n" not in message
    assert journey.evidence.count() == 0


def test_import_is_undone_by_removing_its_batch(journey: Project, tmp_path: Path) -> None:
    result = run_import(journey, plan_import(journey, zendesk(tmp_path)))
    journey.evidence.remove_batch(result.batch.id)
    assert journey.evidence.count() == 0 and journey.evidence.batches() == []


def test_cancel_rolls_back(journey: Project, tmp_path: Path) -> None:
    rows = [["Comment"]] + [[f"row {i}"] for i in range(5000)]
    plan = plan_import(journey, write_csv(tmp_path / "many.csv", rows))
    from cxmapper.exchange.importer import ImportCancelled

    with pytest.raises(ImportCancelled):
        run_import(journey, plan, cancelled=lambda: True)
    assert journey.evidence.count() == 0


def test_cli_import(journey: Project, tmp_path: Path, capsys) -> None:
    path = journey.path
    journey.close()
    assert cli(["import", str(path), str(qualtrics(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "Imported 2 items" in out and "Linked to steps: 2." in out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Comment,Score\nx,y\n")
    assert cli(["import", str(path), str(bad)]) == 1
    assert cli(["import", str(path), str(bad), "--map", "nonsense"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err
    assert json.loads("[]") == []


def test_values() -> None:
    assert parse_date("10/03/2026 09:15:22 AM") == "2026-10-03"
    assert parse_date("03.10.2026") == "2026-10-03"
    assert parse_date("25/12/2026", "dmy") == "2026-12-25"
    with pytest.raises(ValueError):
        parse_date("25/12/2026", "mdy")
    assert parse_score("4,5") == 4.5
    assert parse_score("") is None


cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=20
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(cells, cells), min_size=1, max_size=15),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_generated_csvs_import_all_their_rows_or_nothing(
    tmp_path: Path, rows, delimiter: str, encoding: str, newline: str
) -> None:
    path = tmp_path / "gen.csv"
    buffer = io.StringIO(newline="")
    csv.writer(
        buffer, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_ALL
    ).writerows([["Comment", "Customer ID"], *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    with Project.in_memory() as p:
        try:
            plan = plan_import(p, path, delimiter=delimiter)
        except ImportFailure:
            assert p.evidence.count() == 0
            return
        result = run_import(p, plan)
        # What software writes for a missing verbatim (NA, null…) is no text.
        kept = [r for r in rows if r[0].strip() and r[0].strip() not in WRITTEN_MISSING]
        assert result.imported == len(kept)
        texts = [t for (t,) in p.db.conn.execute("SELECT text FROM evidence ORDER BY id")]
        assert texts == [r[0].strip() for r in kept]


# --- column mapping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "customer", ["Customer ID", "customer_id", "CustomerId", "customerid", "Customer Id"]
)
def test_a_customer_id_column_maps_to_the_customer_not_the_response(customer: str) -> None:
    assert guess_mapping([customer, "Comment"]) == {"customer_id": 0, "text": 1}
    mapping = guess_mapping(["Response ID", customer, "Date", "Comment"])
    assert (mapping["id"], mapping["customer_id"]) == (0, 1)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["ID", "Comment"], {"id": 0, "text": 1}),
        (["Idea", "Comment"], {"text": 1}),  # "id" only as a whole word
        (["Respondent ID", "Email", "Comments"], {"id": 0, "customer_id": 1, "text": 2}),
        (["Ticket Id", "Customer", "Score"], {"id": 0, "customer_id": 1, "score": 2}),
    ],
)
def test_id_is_matched_only_as_a_word(header: list[str], expected: dict[str, int]) -> None:
    assert guess_mapping(header) == expected


def test_customer_ids_make_reach_count_customers(journey: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [["Customer ID", "Comment"], ["ACME-1", "slow"], ["ACME-1", "slower"], ["ACME-2", "ok"]],
    )
    run_import(journey, plan_import(journey, path))
    ids = [r[0] for r in journey.db.conn.execute("SELECT customer_id FROM evidence ORDER BY id")]
    assert ids == ["ACME-1", "ACME-1", "ACME-2"]


def realistic_qualtrics(tmp_path: Path, nps: list[str]) -> Path:
    """Qualtrics' own wording: an NPS question that says "scale", its NPS group column, and
    the "primary reason for your score" verbatim."""
    tags = ["StartDate", "EndDate", "Status", "RecordedDate", "ResponseId", "RecipientEmail"]
    tags += ["ExternalReference", "DistributionChannel", "Q1", "Q1_NPS_GROUP", "Q2", "Q3"]
    nps_question = (
        "On a scale from 0-10, how likely are you to recommend Northwind to a friend or colleague?"
    )
    questions = ["Start Date", "End Date", "Response Type", "Recorded Date", "Response ID"]
    questions += ["Recipient Email", "External Data Reference", "Distribution Channel"]
    questions += [nps_question, f"{nps_question} - Group"]
    questions += ["What is the primary reason for your score?", "Which step was this about?"]
    import_ids = [json.dumps({"ImportId": t}) for t in tags]
    rows = [tags, questions, import_ids]
    for n, score in enumerate(nps):
        group = "Detractor" if int(score) <= 6 else "Promoter"
        times = ["2026-10-01 09:00:00", "2026-10-01 09:05:00", "IP Address", "2026-10-01 09:05"]
        answers = [score, group, f"reason {n}: the invoice was wrong", "Receives invoice"]
        rows.append([*times, f"R_{n}", f"p{n}@acme.test", f"ACME-{n}", "email", *answers])
    return write_csv(tmp_path / "qualtrics-nps.csv", rows)


def test_qualtrics_nps_question_is_the_score_not_the_scale(
    journey: Project, tmp_path: Path
) -> None:
    plan = plan_import(journey, realistic_qualtrics(tmp_path, ["3", "10"]))
    mapping = plan.layout.mapping
    assert plan.layout.format == "qualtrics" and "score_scale" not in mapping
    assert plan.column_of("score") == "Q1" and plan.column_of("text") == "Q2"
    assert (plan.column_of("id"), plan.column_of("customer_id")) == (
        "ResponseId",
        "ExternalReference",
    )
    run_import(journey, plan)
    rows = journey.db.conn.execute("SELECT score, score_scale FROM evidence ORDER BY id")
    assert rows.fetchall() == [(3.0, "0-10"), (10.0, "0-10")]


def test_a_generic_file_with_response_in_its_first_row_is_not_surveymonkey(
    journey: Project, tmp_path: Path
) -> None:
    rows = [
        ["Respondent ID", "Kind", "Comment"],
        ["7", "Response", "The invoice was wrong"],
        ["8", "Open-Ended Response", "Slow support"],
    ]
    plan = plan_import(journey, write_csv(tmp_path / "g.csv", rows))
    assert plan.layout.format == "generic" and len(plan.evidence) == 2
    plain = [["Ticket", "Comment"], ["Response", "first"], ["T2", "second"]]
    assert plan_import(journey, write_csv(tmp_path / "p.csv", plain)).layout.format == "generic"
    # A real export's second row may name a choice's options; its respondent cells are blank.
    real = [
        ["Respondent ID", "Collector ID", "Which plan?", "", "Why?"],
        ["", "", "Basic", "Pro", "Open-Ended Response"],
        ["1001", "55", "Basic", "", "Slow support"],
    ]
    plan = plan_import(journey, write_csv(tmp_path / "sm.csv", real))
    assert plan.layout.format == "surveymonkey" and len(plan.evidence) == 1


# --- dates and scales ----------------------------------------------------------------------------


def test_a_large_import_links_and_indexes_every_row(journey: Project, tmp_path: Path) -> None:
    rows = [["Comment", "Score", "Touchpoint"]]
    rows += [[f"word{n} invoice", str(n % 11), "Receives invoice"] for n in range(4500)]
    result = run_import(journey, plan_import(journey, write_csv(tmp_path / "big.csv", rows)))
    assert (result.imported, result.linked) == (4500, 4500)
    step = journey.evidence.counts_by_step()
    assert sorted(step.values()) == [4500]
    assert [e.text for e in journey.evidence.search("word4499")] == ["word4499 invoice"]
    ids = [r[0] for r in journey.db.conn.execute("SELECT evidence_id FROM evidence_step")]
    evidence = [r[0] for r in journey.db.conn.execute("SELECT id FROM evidence")]
    assert sorted(ids) == sorted(evidence)


def test_a_file_whose_every_row_is_skipped_is_refused(journey: Project, tmp_path: Path) -> None:
    rows = [
        ["Comment", "Score", "Touchpoint"],
        ["", "", "Receives invoice"],
        ["", "", ""],
        ["  ", "", "Kick-off meeting"],
    ]
    path = write_csv(tmp_path / "skipped.csv", rows)
    with pytest.raises(ImportFailure, match="no column holds feedback text or a score"):
        plan_import(journey, path)  # (columns with no values are not mapped)
    with pytest.raises(ImportFailure) as info:
        plan_import(journey, path, overrides={"text": "Comment", "score": "Score"})
    assert str(info.value) == (
        "No row of “skipped.csv” could be imported: 2 rows with no feedback text or score, "
        "1 empty row."
    )
    assert journey.evidence.batches() == [] and journey.evidence.count() == 0


def test_an_import_without_rows_creates_no_batch(journey: Project) -> None:
    with pytest.raises(ModelError, match="no rows to import"):
        journey.evidence.import_values("none.csv", [])
    assert journey.evidence.batches() == []


def test_step_links_by_row_are_checked_and_all_or_nothing(journey: Project) -> None:
    row = ("survey", "s", "", None, "", None, "", "", "Late invoice")
    steps = [s.id for s in journey.steps()]
    batch = journey.evidence.import_values(
        "a.csv", [row] * 3, [(2, steps[0])], steps=[steps[1], None, steps[2]]
    )
    ids = journey.evidence.batch_evidence_ids(batch.id)
    assert [journey.evidence.steps_of(i) for i in ids] == [
        [steps[1]],
        [],
        sorted([steps[0], steps[2]]),
    ]
    for bad, links, message in (
        ([steps[0], 999], [], "Step 999 is not in the project"),
        ([steps[0]] * 4, [], "Steps were given for 4 rows"),
        (["1"], [], "whole number"),
        ([], [(0, 999)], "Step 999 is not in the project"),  # through a link
        ([], [(3, steps[0])], "a row the import does not hold"),
        ([], [(-1, steps[0])], "a row the import does not hold"),
        ([], [(0, "1")], "a row number and a step id"),
    ):
        with pytest.raises(ModelError, match=message):
            journey.evidence.import_values("b.csv", [row] * 3, links, steps=bad)
    assert len(journey.evidence.batches()) == 1 and journey.evidence.count() == 3
    # The import checks its links itself, with SQLite's checks off for its transaction
    # alone: they are on again after it, refused or not.
    assert journey.db.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    with pytest.raises(sqlite3.IntegrityError):
        journey.db.conn.execute("INSERT INTO evidence_step VALUES (?, 999)", (ids[0],))


@pytest.mark.parametrize("stop", [KeyboardInterrupt, ModelError])
def test_an_import_stopped_midway_leaves_sqlites_checks_on(
    journey: Project, stop: type[BaseException]
) -> None:
    row = ("survey", "s", "", None, "", None, "", "", "Late invoice")

    def tick(done: int) -> None:
        raise stop("stopped")

    with pytest.raises(stop):
        journey.evidence.import_values("a.csv", [row] * 10, tick=tick, chunk=3)
    assert journey.db.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert not journey.db.conn.in_transaction and journey.evidence.count() == 0


def test_an_import_nested_in_a_transaction_keeps_sqlites_checks(journey: Project) -> None:
    row = ("survey", "s", "", None, "", None, "", "", "Late invoice")
    step = journey.steps()[0].id
    with journey.db.atomic():
        journey.evidence.import_values("a.csv", [row] * 2, steps=[step, None])
        assert journey.db.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert journey.evidence.count() == 2


def _stored(project: Project, batch_id: int) -> list[tuple[Any, ...]]:
    columns = ", ".join(IMPORT_COLUMNS)
    sql = f"SELECT {columns} FROM evidence WHERE batch_id = ? ORDER BY id"
    return [tuple(r) for r in project.db.conn.execute(sql, (batch_id,))]


import_texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12
)  # quotes, NUL characters and all


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(1, 12),
    constant=st.fixed_dictionaries(
        {}, optional={i: import_texts for i in (1, 2, 4, 6, 7, 8)} | {5: st.none()}
    ),
    varying=st.lists(st.tuples(import_texts, st.floats(0, 10) | st.none()), min_size=12),
)
def test_rows_as_columns_store_what_rows_one_by_one_store(
    n: int, constant: dict[int, Any], varying: list[tuple[str, float | None]]
) -> None:
    # The columns every row shares are written as constants of the statement: what is
    # stored must be what binding them row by row stores.
    rows = []
    for k in range(n):
        text, score = varying[k]
        row: list[Any] = ["survey", f"src{k}", f"id{k}", None, f"c{k}", score, "", "", text]
        for i, value in constant.items():
            row[i] = value
        rows.append(tuple(row))
    with Project.in_memory() as p:
        one_by_one = p.evidence.import_values("rows.csv", rows)
        columns = Items(list(map(list, zip(*rows, strict=True))))
        as_columns = p.evidence.import_values("columns.csv", columns)
        assert _stored(p, as_columns.id) == _stored(p, one_by_one.id) == rows
        with pytest.raises(ModelError, match="kind must be one of"):
            bad = [("rumour", *r[1:]) for r in rows]
            p.evidence.import_values("bad.csv", Items(list(map(list, zip(*bad, strict=True)))))


# --- the command line's advice -------------------------------------------------------------------


def test_the_cli_advises_its_own_options(journey: Project, tmp_path: Path, capsys) -> None:
    path = journey.path
    journey.close()
    no_text = write_csv(tmp_path / "people.csv", [["Name", "Age"], ["Bob", "3"]])
    assert cli(["import", str(path), str(no_text)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "cxmapper: “people.csv”: no column holds feedback text or a score; map one with --map "
        "text=COLUMN or --map score=COLUMN.\n"
    )
    mixed = dated(tmp_path, ["25/03/2026", "04/25/2026"])
    assert cli(["import", str(path), str(mixed)]) == 1
    assert (
        "; import again with --date-order dmy (day first) or --date-order mdy (month first); "
        "nothing was imported." in capsys.readouterr().err
    )
    ambiguous = dated(tmp_path, ["03/04/2026", "05/06/2026"])
    assert cli(["import", str(path), str(ambiguous)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "cxmapper: “dates.csv”, column “Date”: no date shows whether the day or the month comes "
        "first (row 2: 03/04/2026 may be either); import again with --date-order dmy (day "
        "first) or --date-order mdy (month first); nothing was imported.\n"
    )
    assert cli(["import", str(path), str(ambiguous), "--date-order", "dmy"]) == 0
    assert "warning" not in capsys.readouterr().out
    with Project.open(path) as p:
        assert stored_dates(p)[-2:] == ["2026-04-03", "2026-06-05"]


# --- importing the same rows again ---------------------------------------------------------------


def test_a_summary_count_of_links_is_what_the_import_links(
    journey: Project, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "links.csv",
        [
            ["Comment", "Touchpoint"],
            ["a", "Receives invoice"],
            ["b", "Kick-off meeting"],
            ["c", "Receives invoice"],
            ["d", "Nowhere"],
            ["e", ""],
        ],
    )
    plan = plan_import(journey, path)
    links = {"Kick-off meeting": None, "Nowhere": journey.steps()[1].id}
    assert linked_items(plan) == 3
    assert linked_items(plan, links) == 3  # 2 invoices + Nowhere, not the kick-off
    result = run_import(journey, plan, links=links)
    assert result.linked == linked_items(plan, links)
    assert sum(journey.evidence.counts_by_step().values()) == result.linked
