"""Random and damaged bytes, as CSV or XLSX, never crash the importer: each file is imported
or refused with one sentence, and a refused import changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cxmapper.exchange.importer import plan_import, run_import
from cxmapper.exchange.tabular import ImportFailure
from cxmapper.model.project import Project


def sound_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Customer ID", "Date", "NPS", "Comment"])
    for i in range(20):
        sheet.append([f"C{i}", "2026-10-01", i % 11, f"comment {i}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = sound_xlsx()


def import_or_refuse(path: Path) -> None:
    with Project.in_memory() as p:
        try:
            plan = plan_import(p, path)
        except ImportFailure as exc:
            assert str(exc).endswith(".") and "\n" not in str(exc)
            assert p.evidence.count() == 0
            return
        result = run_import(p, plan)
        assert p.evidence.count() == result.imported == len(plan.evidence)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=2000))
def test_random_bytes_as_csv(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    import_or_refuse(path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.integers(0, len(XLSX) - 1), st.integers(0, 255)), max_size=20),
    st.integers(100, len(XLSX)),
)
def test_damaged_xlsx(tmp_path: Path, flips: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(XLSX[:cut])
    for offset, value in flips:
        if offset < len(data):
            data[offset] = value
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    import_or_refuse(path)


def test_the_undamaged_xlsx_imports(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    path.write_bytes(XLSX)
    with Project.in_memory() as p:
        assert run_import(p, plan_import(p, path)).imported == 20


def refusal(path: Path) -> str:
    with Project.in_memory() as p:
        with pytest.raises(ImportFailure) as info:
            plan_import(p, path)
        assert p.evidence.count() == 0 and p.evidence.batches() == []
    message = str(info.value)
    assert "\n" not in message and "nothing was imported" in message
    return message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"Comment,Score,Step\nfine,3,A\nshort,4\n", "row 3 has 2 fields but the header has 3"),
        (b"Comment,Score,Step\nfine,3,A\nshort,4\n", "“Step” is missing"),
        (b"Comment,Score\nfine,3\nlong,4,\n", "row 3 has 3 fields but the header has 2"),
        (b"Comment,Score\n", "has a header but no rows"),
        (b"Comment,Score\n\n\n", "has a header but no rows"),
    ],
)
def test_ragged_and_header_only_files_are_refused(tmp_path: Path, content: bytes, words: str):
    path = tmp_path / "ragged.csv"
    path.write_bytes(content)
    message = refusal(path)
    assert words in message and "“ragged.csv”" in message


def test_an_empty_line_between_rows_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_bytes(b"Comment,Score\nfirst,3\n\nsecond,4\n")
    with Project.in_memory() as p:
        plan = plan_import(p, path)
        assert len(plan.evidence) == 2 and plan.skipped["empty row"] == 1


def test_malformed_csv_names_the_record_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    # Row 2 spans three lines; the bad quote is in row 3's Comment (line 5 of the file).
    path.write_bytes(b'Id,Comment,Score\n1,"two\nmore\nlines",3\n2,"bad" quote,4\n3,fine,5\n')
    message = refusal(path)
    assert "row 3, column “Comment”" in message and "malformed" in message
    path.write_bytes(b'Id,Comment,Score\n1,"fine",3\n2,ok,"unterminated\n')
    assert "row 3, column “Score”" in refusal(path)


def test_qualtrics_and_surveymonkey_headers_without_rows_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "sm.csv"
    path.write_bytes(b"Respondent ID,Collector ID,Comment\n,,Open-Ended Response\n")
    assert "has a header but no rows" in refusal(path)
