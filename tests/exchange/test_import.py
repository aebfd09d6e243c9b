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
    ALREADY_IMPORTED,
    Advice,
    Items,
    linked_items,
    notice_of,
    plan_import,
    run_import,
)
from cxmapper.exchange.tabular import ImportFailure, read_table
from cxmapper.exchange.values import WRITTEN_MISSING, parse_date, parse_score
from cxmapper.model.demo import write_demo
from cxmapper.model.evidence_stats import detractor_ids_at
from cxmapper.model.evidence_store import IMPORT_COLUMNS
from cxmapper.model.project import Project
from cxmapper.model.scoring import score_pains
from cxmapper.model.validation import ModelError


@pytest.fixture
def journey(project: Project) -> Project:
    customer = project.add_work_group("Customer")
    billing = project.add_work_group("Billing")
    project.add_step(customer.id, "Receives invoice")
    project.add_step(billing.id, "Invoice correction")
    project.add_step(customer.id, "Kick-off meeting")
    return project


def write_csv(
    path: Path, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def qualtrics(tmp_path: Path) -> Path:
    tags = [
        "startDate",
        "recordedDate",
        "_recordId",
        "externalDataReference",
        "QID1",
        "QID2_TEXT",
        "QID3",
    ]
    import_ids = [json.dumps({"ImportId": t}, separators=(",", ":")) for t in tags]
    return write_csv(
        tmp_path / "qualtrics.csv",
        [
            ["StartDate", "RecordedDate", "ResponseId", "ExternalReference", "Q1", "Q2_TEXT", "Q3"],
            [
                "Start Date",
                "Recorded Date",
                "Response ID",
                "External Data Reference",
                "How likely are you to recommend Northwind to a colleague?",
                "Why did you give that score?",
                "Which step was this about?",
            ],
            import_ids,
            [
                "2026-10-01 09:00:00",
                "2026-10-01 09:05:00",
                "R_1",
                "ACME-1",
                "2",
                "The invoice was wrong twice",
                "Receives invoice",
            ],
            [
                "2026-10-02 10:00:00",
                "2026-10-02 10:05:00",
                "R_2",
                "ACME-2",
                "10",
                "Great kick-off",
                "Kick-off meeting",
            ],
        ],
    )


def surveymonkey(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "sm.csv",
        [
            [
                "Respondent ID",
                "Collector ID",
                "Start Date",
                "End Date",
                "Custom Data 1",
                "How likely is it that you would recommend us to a friend or colleague?",
                "What is the main reason for your score?",
            ],
            ["", "", "", "", "", "Response", "Open-Ended Response"],
            [
                "1001",
                "55",
                "10/03/2026 09:10:00 AM",
                "10/03/2026 09:15:22 AM",
                "ACME-7",
                "4,5",
                "Support took ages",
            ],
            [
                "1002",
                "55",
                "10/04/2026 01:10:00 PM",
                "10/04/2026 01:15:22 PM",
                "ACME-8",
                "9",
                "Fine",
            ],
        ],
    )


def zendesk(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "tickets.csv",
        [
            [
                "Id",
                "Requester external id",
                "Subject",
                "Group",
                "Satisfaction Score",
                "Created at",
                "Via",
            ],
            [
                "4411",
                "ACME-9",
                "Invoice shows 40 seats",
                "Billing",
                "Bad",
                "2026-09-12T08:30:00Z",
                "Mail",
            ],
            [
                "4412",
                "ACME-3",
                "How do I add a user?",
                "Support",
                "Good",
                "2026-09-13T10:00:00Z",
                "Web",
            ],
            [
                "4413",
                "ACME-4",
                "Sync failed",
                "Support",
                "Unoffered",
                "2026-09-14T10:00:00Z",
                "Web",
            ],
        ],
    )


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


def dated(tmp_path: Path, dates: list[str], header: str = "Date") -> Path:
    rows = [[header, "Comment"], *[[d, f"comment {n}"] for n, d in enumerate(dates)]]
    return write_csv(tmp_path / "dates.csv", rows)


def stored_dates(project: Project) -> list[str]:
    return [r[0] for r in project.db.conn.execute("SELECT date FROM evidence ORDER BY id")]


def test_slashed_dates_are_read_in_one_order_per_column(journey: Project, tmp_path: Path) -> None:
    path = dated(tmp_path, ["25/03/2026", "03/04/2026", "01/05/2026 14:00"])
    plan = plan_import(journey, path)
    assert plan.warnings == []
    run_import(journey, plan)
    assert stored_dates(journey) == ["2026-03-25", "2026-04-03", "2026-05-01"]


def test_month_first_when_a_date_says_so(journey: Project, tmp_path: Path) -> None:
    run_import(journey, plan_import(journey, dated(tmp_path, ["03/04/2026", "03/25/2026"])))
    assert stored_dates(journey) == ["2026-03-04", "2026-03-25"]


def test_contradicting_slashed_dates_are_refused(journey: Project, tmp_path: Path) -> None:
    path = dated(tmp_path, ["01/02/2026", "25/03/2026", "03/04/2026", "04/25/2026"])
    with pytest.raises(ImportFailure) as info:
        plan_import(journey, path)
    message = str(info.value)
    assert "“dates.csv”" in message and "column “Date”" in message
    assert "row 3 (25/03/2026)" in message and "row 5 (04/25/2026)" in message
    assert "--date-order" in message and journey.evidence.count() == 0
    assert notice_of(info.value).advice is Advice.CHOOSE_DATE_ORDER


@pytest.mark.parametrize(
    "dates",
    [
        ["03/04/2026", "05/06/2026", "07/07/2026"],
        ["03-04-2026", "05-06-26"],
        ["03.04.2026", "05.06.2026"],  # dotted too: no custom decides for the user
        ["3/4/18 15:29", "12/11/18 09:00"],
    ],
)
def test_a_column_no_date_decides_is_refused(
    journey: Project, tmp_path: Path, dates: list[str]
) -> None:
    path = dated(tmp_path, ["2026-01-02", *dates, "NA"], header="Submitted")
    with pytest.raises(ImportFailure) as info:
        plan_import(journey, path)
    message = str(info.value)
    assert message.startswith("“dates.csv”, column “Submitted”: no date shows whether the day")
    assert f"(row 3: {dates[0]} may be either)" in message
    assert message.endswith(
        "import again with --date-order dmy (day first) or --date-order mdy (month first); "
        "nothing was imported."
    )
    assert "\n" not in message and ". " not in message  # one sentence
    assert notice_of(info.value).advice is Advice.CHOOSE_DATE_ORDER
    assert journey.evidence.count() == 0
    for order in ("dmy", "mdy"):
        plan = plan_import(journey, path, date_order=order)
        assert plan.warnings == []


def test_dates_the_same_either_way_need_no_order(journey: Project, tmp_path: Path) -> None:
    # 03/03/2026 is the same day read either way; ISO dates are never ambiguous.
    path = dated(tmp_path, ["03/03/2026", "2026-04-05", "11.11.2025"])
    run_import(journey, plan_import(journey, path))
    assert stored_dates(journey) == ["2026-03-03", "2026-04-05", "2025-11-11"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parts=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 12)), min_size=1, max_size=12),
    decider=st.sampled_from(["", "dmy", "mdy"]),
    separator=st.sampled_from("/-."),
)
def test_the_order_is_decided_by_the_values_or_refused(
    journey: Project, tmp_path: Path, parts: list[tuple[int, int]], decider: str, separator: str
) -> None:
    dates = [f"{a:02d}{separator}{b:02d}{separator}2026" for a, b in parts]
    if decider:  # one date only one reading makes a day: 25/03 or 03/25
        dates.append(
            f"25{separator}03{separator}2026"
            if decider == "dmy"
            else f"03{separator}25{separator}2026"
        )
    path = dated(tmp_path, dates)
    either = any(a != b for a, b in parts)
    if either and not decider:
        with pytest.raises(ImportFailure, match="no date shows whether the day"):
            plan_import(journey, path)
        return
    plan = plan_import(journey, path)
    order = decider or "mdy"
    got = [row[3] for row in plan.evidence]
    for (a, b), iso in zip(parts, got, strict=False):
        day, month = (a, b) if order == "dmy" else (b, a)
        assert iso == f"2026-{month:02d}-{day:02d}"


def test_date_order_option(journey: Project, tmp_path: Path) -> None:
    path = dated(tmp_path, ["03/04/2026", "05/06/2026"])
    plan = plan_import(journey, path, date_order="dmy")
    assert plan.warnings == []
    run_import(journey, plan)
    assert stored_dates(journey) == ["2026-04-03", "2026-06-05"]
    with pytest.raises(ImportFailure, match="not a date"):
        plan_import(journey, dated(tmp_path, ["03/25/2026"]), date_order="dmy")
    with pytest.raises(ImportFailure, match="date order"):
        plan_import(journey, path, date_order="ymd")


def scored(tmp_path: Path, header: str, scores: list[str]) -> Path:
    rows = [[header, "Comment"], *[[s, f"comment {n}"] for n, s in enumerate(scores)]]
    return write_csv(tmp_path / "scores.csv", rows)


def stored_scales(project: Project) -> set[str]:
    return {r[0] for r in project.db.conn.execute("SELECT score_scale FROM evidence")}


@pytest.mark.parametrize(
    "header",
    ["NPS", "Likelihood to recommend", "Score (0-10)", "Rating: how likely are you to return?"],
)
def test_a_header_that_names_nps_makes_the_scale_0_10(
    journey: Project, tmp_path: Path, header: str
) -> None:
    run_import(journey, plan_import(journey, scored(tmp_path, header, ["3", "4", "3"])))
    assert stored_scales(journey) == {"0-10"}


def test_scale_from_values_without_a_hint(journey: Project, tmp_path: Path) -> None:
    run_import(journey, plan_import(journey, scored(tmp_path, "Rating", ["3", "4"])))
    assert stored_scales(journey) == {"1-5"}


def test_scale_option_overrides_inference(journey: Project, tmp_path: Path) -> None:
    plan = plan_import(journey, scored(tmp_path, "NPS", ["3", "4"]), scale="1-7")
    run_import(journey, plan)
    assert stored_scales(journey) == {"1-7"}
    with pytest.raises(ImportFailure, match="not a scale"):
        plan_import(journey, scored(tmp_path, "NPS", ["3"]), scale="ten")


def test_cli_date_order_and_scale(journey: Project, tmp_path: Path, capsys) -> None:
    path = journey.path
    journey.close()
    csv_path = write_csv(
        tmp_path / "uk.csv", [["Date", "Rating", "Comment"], ["03/04/2026", "3", "slow"]]
    )
    args = ["import", str(path), str(csv_path), "--date-order", "dmy", "--scale", "0-10"]
    assert cli(args) == 0
    with Project.open(path) as p:
        row = p.db.conn.execute("SELECT date, score_scale FROM evidence").fetchone()
    assert tuple(row) == ("2026-04-03", "0-10")
    assert cli(["import", str(path), str(csv_path), "--date-order", "ydm"]) == 1
    err = capsys.readouterr().err
    assert "“ydm” is not a date order" in err and err.count("\n") == 1


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
    with pytest.raises(ImportFailure) as info:
        plan_import(journey, write_csv(tmp_path / "skipped.csv", rows))
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
    for bad, error in (
        ([steps[0], 999], sqlite3.IntegrityError),  # no such step: the foreign key refuses it
        ([steps[0]] * 4, ModelError),  # more steps than rows
        (["1"], ModelError),  # not a step id
    ):
        with pytest.raises(error):
            journey.evidence.import_values("b.csv", [row] * 3, steps=bad)
    assert len(journey.evidence.batches()) == 1 and journey.evidence.count() == 3


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
