"""Small exports as the survey and ticket tools write them, for the import tests."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cxmapper.model.project import Project


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


def dated(tmp_path: Path, dates: list[str], header: str = "Date") -> Path:
    rows = [[header, "Comment"], *[[d, f"comment {n}"] for n, d in enumerate(dates)]]
    return write_csv(tmp_path / "dates.csv", rows)


def stored_dates(project: Project) -> list[str]:
    return [r[0] for r in project.db.conn.execute("SELECT date FROM evidence ORDER BY id")]
