"""What an export leaves unanswered is no feedback: Qualtrics' -99 ("seen but not answered")
is a missing value, a column with no values is never mapped, and a file without rows is
refused as such before any question about its columns."""

from __future__ import annotations

import csv
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from cxmapper.cli import main as cli
from cxmapper.exchange.formats import detect
from cxmapper.exchange.importer import plan_import, run_import
from cxmapper.exchange.tabular import read_table
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from tests.exchange import samples
from tests.exchange.test_import import realistic_qualtrics

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-exports"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"no real exports at {REAL}")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    return path


def last_batch(path: Path) -> list[tuple[str, float | None]]:
    with closing(sqlite3.connect(path)) as conn:
        sql = (
            "SELECT text, score FROM evidence "
            "WHERE batch_id = (SELECT max(id) FROM import_batch) ORDER BY id"
        )
        return list(conn.execute(sql))


@needs_real
@pytest.mark.parametrize(
    ("args", "items", "skipped"),
    [((), 15, "Skipped rows: 0."), (("--map", "text=MCMA_text_1_TEXT"), 13, "2 no feedback")],
)
def test_qualtrics_unanswered_text_is_no_verbatim(
    demo: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], items: int, skipped: str
) -> None:
    export = REAL / "qualtrics_insights_text_entry.csv"
    assert cli(["import", str(demo), str(export), *args]) == 0
    out = capsys.readouterr().out
    assert f"Imported {items} items" in out and skipped in out
    texts = [text for text, _score in last_batch(demo)]
    assert len(texts) == items and "-99" not in texts and all(texts)


@needs_real
def test_the_verbatim_is_the_typed_answer_most_respondents_gave() -> None:
    rows = read_table(REAL / "qualtrics_insights_text_entry.csv").rows
    layout = detect(rows)
    text = layout.mapping["text"]
    assert layout.header[text].endswith("_TEXT") and layout.profiles[text].empty_share == 0
    assert all(row[text] not in ("", "-99") for row in rows[layout.data_start :])


def test_qualtrics_unanswered_scores_and_texts_are_missing(
    journey: Project, tmp_path: Path
) -> None:
    path = realistic_qualtrics(tmp_path, ["-99", "10", "-99", "4"])
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[5][10] = rows[6][10] = "-99"  # the third and fourth respondents gave no reason
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    plan = plan_import(journey, path)
    assert plan.column_of("score") == "Q1" and plan.column_of("text") == "Q2"
    assert plan.skipped == {"no feedback text or score": 1}  # the third: nothing answered
    run_import(journey, plan)
    stored = journey.db.conn.execute("SELECT text, score, score_scale FROM evidence ORDER BY id")
    assert stored.fetchall() == [
        ("reason 0: the invoice was wrong", None, ""),
        ("reason 1: the invoice was wrong", 10.0, "0-10"),
        ("", 4.0, "0-10"),
    ]


def blanked(path: Path, column: str) -> list[list[str]]:
    """The rows of an export with ``column``'s data cells (below its header rows) empty."""
    rows = read_table(path).rows
    layout = detect(rows)
    at = layout.header.index(column)
    for row in rows[layout.data_start :]:
        row[at] = ""
    return rows


@pytest.mark.parametrize(
    ("sample", "column"),
    [
        (samples.surveymonkey, "Respondent ID"),
        (samples.surveymonkey, "End Date"),
        (samples.surveymonkey, "Custom Data 1"),
        (
            samples.surveymonkey,
            "How likely is it that you would recommend us to a friend or colleague?",
        ),
        (samples.qualtrics, "ResponseId"),
        (samples.qualtrics, "RecordedDate"),
        (samples.qualtrics, "Q1"),
        (samples.zendesk, "Id"),
        (samples.zendesk, "Satisfaction Score"),
        (samples.zendesk, "Subject"),
        (samples.zendesk, "Via"),
    ],
)
def test_a_column_with_no_values_is_never_mapped(sample, column: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = blanked(sample(tmp_path), column)
    layout = detect(rows)
    at = layout.header.index(column)
    assert layout.profiles[at].filled == 0
    assert at not in layout.mapping.values(), layout.mapping
    if "score" not in layout.mapping:  # a tool's scale goes with its score column
        assert layout.score_scale == ""


@pytest.mark.parametrize(
    "header", ["NPS", "Score", "Date", "Response ID", "Customer ID", "Comment", "#", "Scale"]
)
@pytest.mark.parametrize("first", [True, False])
def test_an_empty_column_is_not_mapped_whatever_its_header(header: str, first: bool) -> None:
    names = ["Feedback", "Submitted"]
    rows = [[header, *names] if first else [*names, header]]
    rows += [
        ["", f"the invoice was wrong, case {n}", f"2026-03-{n + 1:02d}"]
        if first
        else [f"the invoice was wrong, case {n}", f"2026-03-{n + 1:02d}", "NA"]
        for n in range(12)
    ]
    layout = detect(rows)
    assert layout.header.index(header) not in layout.mapping.values(), layout.mapping


@needs_real
def test_surveymonkeys_blank_respondent_id_is_not_the_id(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["import", str(demo), str(REAL / "surveymonkey_ggwash_responses.csv")]) == 0
    out = capsys.readouterr().out
    assert "Respondent ID" not in out and "Imported 86 items" in out


@pytest.mark.parametrize(
    "header",
    [["NPS"], ["NPS", "Comment"], ["Date", "Score", "Comment"], ["Q7"], ["Respondent ID", "Why"]],
)
@pytest.mark.parametrize("args", [(), ("--map", "text=none"), ("--map", "score=1")])
def test_a_file_with_a_header_and_no_rows_is_refused_as_such(
    demo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    header: list[str],
    args: tuple[str, ...],
) -> None:
    path = samples.write_csv(tmp_path / "empty.csv", [header])
    assert cli(["import", str(demo), str(path), *args]) == 1
    assert capsys.readouterr().err == (
        "cxmapper: “empty.csv” has a header but no rows; nothing was imported.\n"
    )


def test_counts_of_one_are_said_in_the_singular(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = samples.write_csv(tmp_path / "one.csv", [["Comment", "Score"], ["slow", "3"]])
    assert cli(["import", str(demo), str(path)]) == 0
    assert "Imported 1 item from one.csv (generic)." in capsys.readouterr().out
    path.write_text("Comment,Score\nslow,3\nshort\n", encoding="utf-8")
    assert cli(["import", str(demo), str(path)]) == 1
    assert "row 3 has 1 field but the header has 2: “Score” is missing" in capsys.readouterr().err
