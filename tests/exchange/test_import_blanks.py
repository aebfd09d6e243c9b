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
