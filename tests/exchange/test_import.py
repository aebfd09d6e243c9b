"""Importing survey and ticket exports: the recognised formats, encodings, bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cxmapper.cli import main as cli
from cxmapper.exchange.importer import plan_import, run_import
from cxmapper.exchange.tabular import ImportFailure
from cxmapper.exchange.values import parse_date, parse_score
from cxmapper.model.project import Project


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
    plan = plan_import(journey, surveymonkey(tmp_path))
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
    assert parse_date("25/12/2026") == "2026-12-25"
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
        kept = [r for r in rows if r[0].strip()]
        assert result.imported == len(kept)
        texts = [t for (t,) in p.db.conn.execute("SELECT text FROM evidence ORDER BY id")]
        assert texts == [r[0].strip() for r in kept]
