"""Random and damaged bytes, as CSV or XLSX, never crash the importer: each file is imported
or refused with one sentence, and a refused import changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

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
